"""What every batch engine does with each document: duplicate ids, extraction with retry, lines out.

The local run (:mod:`extractor.batch.runner`) and a Dask partition
(:mod:`extractor.batch.dask_engine`) both call these, so a document is rejected for the same
reason, and its claims written as the same bytes, whichever engine runs it:

* :class:`DocIds` rejects a doc id read again (``duplicate_doc_id``, naming where it was first read);
* :func:`extract_each` extracts a stream of documents; when the stream fails, the documents in
  flight are retried one by one, so one document that trips a bug becomes one
  ``extraction_failed`` reject instead of stopping (or, with a state, forever blocking) a batch;
* :func:`claim_lines`, :func:`text_line` and :func:`reject_line` are the output lines.
"""

from __future__ import annotations

import itertools
import logging
from collections import deque
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

from ..errors import ExtractorError
from ..messages import plural
from ..io.readers import Record, Reject
from ..io.writers import json_line, jsonl_text
from .workers import extract_stream

if TYPE_CHECKING:
    from ..models import Claim, Document
    from ..pipeline import Extractor

log = logging.getLogger(__name__)


@dataclass
class Work:
    """A valid document to extract and the record it was read from."""

    record: Record
    document: "Document"


W = TypeVar("W", bound=Work)


def where(record: Record) -> str:
    """``source:line``, or the source of a whole file: where a record was read."""
    return f"{record.source}:{record.line}" if record.line is not None else record.source


class DocIds:
    """The first read of each doc id; ``earlier`` holds ids read before this stream (a Dask
    partition is told those of the partitions before it)."""

    def __init__(self, earlier: Mapping[str, str] | None = None):
        self.earlier = dict(earlier or {})
        #: where each doc id of this stream was first read
        self.seen: dict[str, str] = {}

    def duplicate(self, record: Record) -> Reject | None:
        """A ``duplicate_doc_id`` reject if the record's doc id was read before, else None."""
        document = record.document
        assert document is not None
        first = self.earlier.get(document.doc_id) or self.seen.get(document.doc_id)
        self.seen.setdefault(document.doc_id, where(record))
        if first is None:
            return None
        return Reject(record.source, record.line, "duplicate_doc_id", f"duplicate doc_id, first read at {first}",
                      document.doc_id)


def extract_each(extractor: "Extractor", items: Iterable[W], workers: int = 1) -> Iterator[tuple[W, "list[Claim] | Reject"]]:
    """``(item, claims)`` in input order, or ``(item, reject)`` for a document the pipeline fails on.

    When the stream fails, the documents in flight are retried one by one in this process and
    the stream goes on with the rest. An :class:`~extractor.errors.ExtractorError` (the model is
    missing...) is not a document's fault: it is raised, as is a failure of ``items`` itself.
    """
    stream = iter(items)
    first = next(stream, None)
    if first is None:
        return
    stream = itertools.chain([first], stream)
    while True:
        inflight: deque[W] = deque()
        feed_failed: list[BaseException] = []

        def feed() -> Iterator["Document"]:
            try:
                for item in stream:
                    inflight.append(item)
                    yield item.document
            except BaseException as exc:
                feed_failed.append(exc)
                raise

        try:
            for _, claims in extract_stream(extractor, feed(), workers):
                yield inflight.popleft(), claims
            return
        except ExtractorError:
            raise
        except Exception as exc:
            if feed_failed:
                raise
            log.warning("extraction failed (%s: %s); retrying %s one by one",
                        type(exc).__name__, exc, plural(len(inflight), "document"))
            while inflight:
                item = inflight.popleft()
                yield item, extract_alone(extractor, item)


def extract_alone(extractor: "Extractor", item: Work) -> "list[Claim] | Reject":
    """The claims of one document in this process, or its ``extraction_failed`` reject."""
    try:
        return next(iter(extractor.extract_many([item.document])))[1]
    except ExtractorError:
        raise
    except Exception as exc:
        log.debug("extraction of %s failed", item.document.doc_id, exc_info=True)
        record = item.record
        return Reject(record.source, record.line, "extraction_failed",
                      f"extraction failed: {type(exc).__name__}: {exc}".replace("\n", " "), item.document.doc_id)


def claim_lines(claims: Iterable["Claim"]) -> bytes:
    """The JSON Lines of claims, one claim a line, as every engine writes them."""
    return b"".join(jsonl_text(c.model_dump_json()) for c in claims)


def text_line(document: "Document") -> bytes:
    """The ``--texts`` line of a document whose text came from HTML."""
    return json_line({"doc_id": document.doc_id, "text": document.text})


def reject_line(reject: Reject) -> bytes:
    """The rejects-file line of a reject."""
    return json_line(reject.to_dict())
