"""Every spaCy component and Doc/Span extension of the package, registered in one place.

Names are prefixed ``extractor_``; extensions are set with ``has_extension`` guards (never
``force=True``) so importing this module twice, or beside another package, is harmless.

The extraction runs as one component per kind of thing found, each writing a span group::

    extractor_munitions   doc.spans["extractor_munitions"]   Munition    (label MUNITION)
    extractor_quantities  doc.spans["extractor_quantities"]  Quantity    (label QUANTITY; reads the munitions)
    extractor_dates       doc.spans["extractor_dates"]       DateRef     (label DATE)
    extractor_actors      doc.spans["extractor_actors"]      EntityRef   (label ACTOR: states, groups, people, outlets)
    extractor_cues        doc.spans["extractor_cues"]        Cue         (label: its category, REPORT, HEDGE...)
    extractor_claims      doc._.extractor_claims             list[Claim] (reads only the span groups)

Every span carries its typed value on ``span._.extractor_value`` and the token its phrase
attaches to on ``span._.extractor_head``. Values are Doc-relative (character spans into the
Doc's text); the claims add ``doc._.extractor_offset`` (long documents are split into pieces).
Each finder component takes its lexicon file(s) through its config; ``None`` is the packaged data.
"""


from typing import Any

from spacy.attrs import SENT_START, TAG
from spacy.errors import Errors
from spacy.language import Language
from spacy.tokens import Doc, Span

from .extract.spans import (
    ACTORS,
    CLAIMS,
    CUES,
    DATES,
    EXTRACTION_COMPONENTS,
    MUNITIONS,
    QUANTITIES,
    SpanComponent,
    head_of,
    read_mentions,
    value_of,
    write_mentions,
    write_spans,
)

#: The pipeline's component names and the span contract's writer, for users of this module.
__all__ = ["EXTRACTION_COMPONENTS", "write_spans", "line_breaks", "verb_repair", "shared_gazetteer"]

#: Doc extensions: the document's id, publication date (ISO string or None), the character
#: offset of this Doc inside the original document text (long documents are split), the
#: relevance gate's verdict (None when no gate ran), the claims found (:class:`~extractor.models.Claim`
#: objects, without ``doc_hash``) and the Doc's evidence of the military domain (a dict of
#: :class:`~extractor.extract.domain.DomainEvidence`).
DOC_EXTENSIONS = {
    "extractor_doc_id": None,
    "extractor_published": None,
    "extractor_offset": 0,
    "extractor_relevant": None,
    "extractor_claims": None,
    "extractor_domain": None,
}

for _name, _default in DOC_EXTENSIONS.items():
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=_default)

#: Span extensions: the typed value a finder gave a span, and the token its phrase attaches to.
if not Span.has_extension("extractor_value"):
    Span.set_extension("extractor_value", getter=value_of)
if not Span.has_extension("extractor_head"):
    Span.set_extension("extractor_head", getter=head_of)


@Language.factory("extractor_gate")
def make_gate(nlp: Language, name: str):
    """The relevance gate (:mod:`extractor.gate`): first in the pipeline, reads tokens only and
    sets ``doc._.extractor_relevant``; the claim component writes no claim on an irrelevant Doc."""
    from .gate import RelevanceGate

    return RelevanceGate(nlp.vocab)


@Language.component("extractor_line_breaks")
def line_breaks(doc: Doc) -> Doc:
    """A line break ends a sentence: headlines, bullets, datelines and captions stand on lines of
    their own, and the parser would otherwise run them into the next sentence. Runs before the
    parser, which keeps boundaries already set."""
    starts = [tok.i + 1 for tok in doc[:-1] if tok.is_space and "\n" in tok.text]
    if not starts:
        return doc
    if doc.has_annotation("DEP"):
        raise ValueError(Errors.E043)
    # all at once: Token.is_sent_start checks the whole Doc for a parse on every assignment,
    # which made a document of many short lines quadratic in its length
    values = doc.to_array([SENT_START]).reshape(-1, 1)
    values[starts] = 1
    doc.from_array([SENT_START], values)
    return doc


#: Clause relations a mis-tagged verb can hold ("officials said Pyongyang supplies half of the
#: munitions": "supplies" tagged as a plural noun, yet parsed as the ccomp with a subject and object).
_VERBAL_DEPS = frozenset({"ROOT", "ccomp", "conj", "advcl", "relcl"})


@Language.component("extractor_verb_repair")
def verb_repair(doc: Doc) -> Doc:
    """A word the tagger read as a noun but the parser uses as a verb becomes a verb (tag
    VBZ/VBP, POS VERB): it heads a clause and has a direct object, which no noun has, and a
    subject: "Pyongyang supplies half of the munitions". A proper noun just before it, parsed
    as its compound, is that subject ("Tehran arms Hezbollah"). Runs after the parser (and
    after the attribute ruler, which maps tags to POS)."""
    nouns = {doc.vocab.strings.add(tag) for tag in ("NN", "NNS")}
    for i, tag in enumerate(doc.to_array(TAG).tolist()):
        if tag not in nouns:
            continue
        tok = doc[i]
        if tok.dep_ not in _VERBAL_DEPS:
            continue
        deps = {c.dep_ for c in tok.children}
        if not deps & {"dobj", "dative"} or "det" in deps:
            continue
        if "nsubj" not in deps:
            left = [c for c in tok.lefts if c.dep_ == "compound"]
            if len(left) != 1 or left[0].tag_ not in ("NNP", "NNPS") or left[0].i != i - 1:
                continue
            left[0].dep_ = "nsubj"
        tok.tag_ = "VBZ" if tok.lower_.endswith("s") else "VBP"
        tok.pos_ = "VERB"
    return doc



class MunitionsComponent(SpanComponent):
    """Weapons, munitions and platforms (taxonomy ``munitions.jsonl``)."""

    def __init__(self, vocab, lexicon: str | None = None) -> None:
        from .extract.munitions import MunitionFinder

        self.finder = MunitionFinder(vocab, lexicon)

    def process(self, doc: Doc) -> None:
        write_mentions(doc, MUNITIONS, "MUNITION", self.finder.find(doc))


class QuantitiesComponent(SpanComponent):
    """Materiel counts; reads the munitions (they decide which nouns count materiel)."""

    def __init__(self, cues: str | None = None) -> None:
        self.cues = cues

    def process(self, doc: Doc) -> None:
        from .extract.quantities import find_quantities

        munitions = read_mentions(doc, MUNITIONS, QUANTITIES)
        write_mentions(doc, QUANTITIES, "QUANTITY", find_quantities(doc, munitions, self.cues))


class DatesComponent(SpanComponent):
    """Date expressions, resolved against ``doc._.extractor_published``."""

    def __init__(self, cues: str | None = None) -> None:
        from .extract.dates import CUES_FILE, DateCue, DateResolver, _cue_keys
        from .lexicon import load_lexicon

        self.resolver = DateResolver(load_lexicon(cues, CUES_FILE, DateCue, _cue_keys))

    def process(self, doc: Doc) -> None:
        from .extract.dates import as_date, find_dates

        published = as_date(doc._.extractor_published or None)
        write_mentions(doc, DATES, "DATE", find_dates(doc, self.resolver, published))


class ActorsComponent(SpanComponent):
    """States, alliances, groups, companies, people and outlets (``gazetteer.jsonl``, ``sources.jsonl``)."""

    def __init__(self, vocab, gazetteer: str | None = None, sources: str | None = None) -> None:
        self.gazetteer = shared_gazetteer(vocab, gazetteer, sources)

    def process(self, doc: Doc) -> None:
        write_mentions(doc, ACTORS, "ACTOR", self.gazetteer.find(doc))


class CuesComponent(SpanComponent):
    """Attribution, hedge and negation cues (``cues.jsonl``), labelled by category."""

    def __init__(self, vocab, lexicon: str | None = None) -> None:
        from .extract.cues import CUES_FILE, CueMatcher, CueRule
        from .lexicon import load_lexicon

        self.matcher = CueMatcher(vocab, load_lexicon(lexicon, CUES_FILE, CueRule))

    def process(self, doc: Doc) -> None:
        write_spans(doc, CUES, ((c.start, c.end, c.start, c.category.value, c) for c in self.matcher.find(doc)))


_GAZETTEERS: dict[tuple[int, str | None, str | None], tuple[Any, Any]] = {}


def shared_gazetteer(vocab, gazetteer: str | None = None, sources: str | None = None):
    """One :class:`~extractor.extract.entities.Gazetteer` per vocab and lexicon files: the actors
    component finds mentions with it, the claims component resolves source phrases with it."""
    from .extract.entities import Gazetteer

    key = (id(vocab), gazetteer, sources)
    hit = _GAZETTEERS.get(key)
    if hit is None or hit[0] is not vocab:
        hit = _GAZETTEERS[key] = (vocab, Gazetteer(vocab, gazetteer, sources))
    return hit[1]


@Language.factory(MUNITIONS, default_config={"lexicon": None})
def make_munitions(nlp: Language, name: str, lexicon: str | None):
    return MunitionsComponent(nlp.vocab, lexicon)


@Language.factory(QUANTITIES, default_config={"cues": None})
def make_quantities(nlp: Language, name: str, cues: str | None):
    return QuantitiesComponent(cues)


@Language.factory(DATES, default_config={"cues": None})
def make_dates(nlp: Language, name: str, cues: str | None):
    return DatesComponent(cues)


@Language.factory(ACTORS, default_config={"gazetteer": None, "sources": None})
def make_actors(nlp: Language, name: str, gazetteer: str | None, sources: str | None):
    return ActorsComponent(nlp.vocab, gazetteer, sources)


@Language.factory(CUES, default_config={"lexicon": None})
def make_cues(nlp: Language, name: str, lexicon: str | None):
    return CuesComponent(nlp.vocab, lexicon)


@Language.factory(CLAIMS, default_config={"gazetteer": None, "sources": None})
def make_claims_component(nlp: Language, name: str, gazetteer: str | None, sources: str | None):
    """The claim assembler: reads the finders' span groups, fills ``doc._.extractor_claims``
    (the gazetteer files resolve source phrases; give it the ones the actors component has)."""
    from .extract.claims import ClaimAssembler

    return ClaimAssembler(shared_gazetteer(nlp.vocab, gazetteer, sources), nlp.vocab)
