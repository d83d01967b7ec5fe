"""Engines that run a batch somewhere other than this process.

* :mod:`extractor.engines.dask_engine`: partitions of the inputs on a Dask cluster, one part file
  per partition plus a manifest (needs the ``extractor[dask]`` extra).

The local run is :func:`extractor.runner.run`. Nothing here is imported by ``extractor --help``:
an engine module imports its cluster library only when a run starts.
"""
