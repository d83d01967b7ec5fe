"""Batch runs: many documents in, claims out, safely repeatable and interruptible.

* :mod:`extractor.batch.runner`: the local run (``extractor extract``): readers, rejects, atomic
  or appended output, database, lock, stats.
* :mod:`extractor.batch.workers`: ``--workers N``: forked worker processes, each running the
  one-process pipeline.
* :mod:`extractor.batch.dask_engine`: partitions of the inputs on a Dask cluster, one part file
  per partition plus a manifest (needs the ``extractor[dask]`` extra).
* :mod:`extractor.batch.state`: the SQLite state of incremental runs (``--state``).

The import graph runs one way: ``cli -> commands -> batch -> pipeline -> components -> models``;
the pipeline never imports this package. Nothing here is imported by ``extractor --help``, and an
engine imports its cluster library only when a run starts.
"""
