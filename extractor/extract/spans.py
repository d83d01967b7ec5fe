"""The span contract between the finder components and the claims component.

Each finder component writes ``doc.spans[<its name>]``; every span carries its typed value
(``span._.extractor_value``) and the token its phrase attaches to (``span._.extractor_head``).
The claims component reads those span groups and nothing else the finders computed. The
extensions are registered in :mod:`extractor.components` with the getters below.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from spacy.tokens import Doc, Span

from ..errors import ExtractionError, ExtractorError, MissingComponentError
from .base import Mention

MUNITIONS = "extractor_munitions"
QUANTITIES = "extractor_quantities"
DATES = "extractor_dates"
ACTORS = "extractor_actors"
CUES = "extractor_cues"
CLAIMS = "extractor_claims"
#: The extraction components in pipeline order (each finder's span group has its name).
EXTRACTION_COMPONENTS = (MUNITIONS, QUANTITIES, DATES, ACTORS, CUES, CLAIMS)

#: Where span values live: ``doc.user_data[_VALUES][(label, start, end, id)] = (value, head)``.
#: spaCy keys plain Span extensions by character offsets only, so a munition and an actor on
#: the same words would share one value; the span's label and id tell them apart here.
_VALUES = "extractor_span_values"


def _span_key(span: Span) -> tuple[int, int, int, int]:
    return (span.label, span.start, span.end, span.id)


def value_of(span: Span) -> Any:
    """Getter of ``span._.extractor_value``: the typed value a finder gave the span (None for a
    span no finder wrote)."""
    hit = span.doc.user_data.get(_VALUES, {}).get(_span_key(span))
    return hit[0] if hit is not None else None


def head_of(span: Span) -> int | None:
    """Getter of ``span._.extractor_head``: the index of the token the span's phrase attaches to."""
    hit = span.doc.user_data.get(_VALUES, {}).get(_span_key(span))
    return hit[1] if hit is not None else None


def write_spans(doc: Doc, group: str, items: Iterable[tuple[int, int, int, str, Any]]) -> None:
    """Set ``doc.spans[group]`` from ``(start, end, head, label, value)`` items (token offsets)."""
    values = doc.user_data.setdefault(_VALUES, {})
    add_string = doc.vocab.strings.add
    spans = []
    for start, end, head, label, value in items:
        key = (add_string(label), start, end, len(values))  # what ``_span_key`` reads back
        spans.append(Span(doc, start, end, label=key[0], span_id=key[3]))
        values[key] = (value, head)
    doc.spans[group] = spans


def write_mentions(doc: Doc, group: str, label: str, mentions) -> None:
    """Set ``doc.spans[group]`` from finder mentions (:class:`~extractor.extract.base.Mention`)."""
    write_spans(doc, group, ((m.start, m.end, m.head, label, m.value) for m in mentions))


def span_group(doc: Doc, group: str, reader: str) -> list[Span]:
    """The spans of ``doc.spans[group]``; :class:`MissingComponentError` when no component wrote it."""
    if group not in doc.spans:
        raise MissingComponentError(group, reader)
    return list(doc.spans[group])


def read_mentions(doc: Doc, group: str, reader: str) -> list:
    """The mentions a finder component left in ``doc.spans[group]``, in their order."""
    # the values are read from the table behind the extension getters (``value_of``,
    # ``head_of``) directly: ``span._.`` builds an accessor object per read, and the claims
    # component reads every span of every group
    values = doc.user_data.get(_VALUES, {})
    out = []
    for s in span_group(doc, group, reader):
        value, head = values.get(_span_key(s), (None, None))
        out.append(Mention(s.start, s.end, head, value))
    return out


class SpanComponent:
    """Base of the extraction components: a failure on one Doc names its document."""

    def __call__(self, doc: Doc) -> Doc:
        try:
            self.process(doc)
        except ExtractorError:
            raise
        except Exception as exc:
            # never an empty result in silence: the batch runner turns this into a reject
            raise ExtractionError(doc._.extractor_doc_id, f"{type(exc).__name__}: {exc}") from exc
        return doc

    def process(self, doc: Doc) -> None:  # pragma: no cover - abstract
        raise NotImplementedError
