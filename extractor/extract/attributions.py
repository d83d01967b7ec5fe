"""Attribution frames: who a claim is attributed to, as a chain, outermost first.

A frame is a reporting verb ("said", "reported", "told", "denied", "estimated"...; the REPORT
cues of ``cues.jsonl``) together with the clauses it governs: its complement clause, or, for a
parenthetical or trailing "..., X said", the other clauses of the sentence. Its links are, in
order: an outlet the speaker told or spoke to ("told the BBC", "in an interview with", "speaking
to Bloomberg"), the speaker (the verb's subject, or its object in "reported the Yonhap portal"),
then whoever the speaker cites ("citing unnamed sources"). "according to X" and "cited by X" add
links wherever they attach. Pronoun speakers resolve to the last named source of the document.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..models import Attribution, SourceKind, Span

#: Nouns that stand for people/bodies but are never a source on their own.
_NON_SOURCES = frozenset({"reporters", "journalists", "media", "press", "it", "this", "that", "which", "who"})
_PRONOUNS = frozenset({"he", "she", "they", "it", "we", "i"})
_OUTLET_PREPS = frozenset({"to", "with"})
_NEGATING_FRAMES = frozenset({
    "denied", "denies", "deny", "denying", "rejected", "rejects", "reject", "dismissed", "dismisses",
    "refuted", "refutes",
})
_ASSESSING_FRAMES = frozenset({"estimated", "estimates", "estimate", "assessed", "assesses", "assess", "counted"})


@dataclass
class Frame:
    """A reporting verb and the chain of sources it attributes its clauses to."""

    verb: object  # spacy Token
    links: list[Attribution] = field(default_factory=list)
    governs: set[int] = field(default_factory=set)  # clause-head token ids it covers
    tokens: set[int] = field(default_factory=set)  # tokens of the frame itself ("X said")
    subjects: list = field(default_factory=list)  # entity mentions of the speaker ("Pakistan denied")

    @property
    def negating(self) -> bool:
        return self.verb.lower_ in _NEGATING_FRAMES

    @property
    def assessing(self) -> bool:
        return self.verb.lower_ in _ASSESSING_FRAMES


def _np_tokens(tok) -> list:
    """The noun phrase of ``tok`` without clauses or trailing appositions."""
    out = []
    for t in tok.subtree:
        if t.i < tok.i or t.head.i == tok.i and t.dep_ in ("compound", "amod", "poss", "det", "nmod", "case", "punct") or t.i == tok.i:
            out.append(t)
        elif any(a.i == tok.i for a in t.ancestors) and t.dep_ in ("compound", "amod", "case", "poss"):
            out.append(t)
    return sorted(out, key=lambda t: t.i)


class SourceResolver:
    """Turns the subject/object of a reporting verb into an :class:`Attribution`."""

    def __init__(self, gazetteer, source_kind_fn):
        self.gazetteer = gazetteer
        self.source_kind = source_kind_fn

    def link(self, doc, tok, entities_by_token: dict, offset: int, memory: "SourceMemory", cue: str) -> Attribution | None:
        """The attribution for the phrase headed by ``tok`` (None when it names nobody)."""
        if tok.lower_ in _NON_SOURCES and not tok.lower_ in _PRONOUNS:
            return None
        if tok.lower_ in _PRONOUNS:
            prev = memory.last_person if tok.lower_ in ("he", "she") else memory.last_any
            if prev is None:
                return None
            return prev.model_copy(update={"text": tok.text, "span": _span(tok.idx, tok.idx + len(tok), offset), "cue": cue})
        # the best entity mention inside the phrase: a person first, then a known source, then any
        phrase = list(tok.subtree)
        ids = {t.i for t in phrase}
        mentions = []
        seen = set()
        for t in phrase:
            m = entities_by_token.get(t.i)
            if m is not None and id(m) not in seen and m.start in ids:
                seen.add(id(m))
                mentions.append(m)
        person = next((m for m in mentions if m.value.type.value == "person"), None)
        chosen = None
        if person is not None:
            chosen = person
            kind = SourceKind.official
        else:
            srcs = [m for m in mentions if m.value.source_kind is not None]
            states = [m for m in mentions if m.value.type.value in ("state", "alliance")]
            if srcs:
                chosen = srcs[0]
                kind = chosen.value.source_kind
            elif states and not _has_body_noun(tok):
                # a state or capital speaking ("Tehran denied", "Norway said") is its government
                chosen = states[0]
                kind = SourceKind.government
        if chosen is not None:
            start, end = doc[chosen.start].idx, doc[chosen.end - 1].idx + len(doc[chosen.end - 1])
            if True:
                name = chosen.value.name
                att = Attribution(text=doc.text[start:end], span=_span(start, end, offset), source=name, kind=kind, cue=cue)
                memory.remember(att, person=person is not None)
                return att
        # no entity: the noun phrase itself ("a ministry official", "Ukrainian prosecutors")
        np = _np_tokens(tok)
        np = [t for t in np if t.dep_ != "det" and t.pos_ != "PUNCT"]
        if not np:
            return None
        start, end = np[0].idx, np[-1].idx + len(np[-1])
        text = doc.text[start:end]
        if not any(t.pos_ in ("NOUN", "PROPN") for t in np):
            return None
        resolved = memory.resolve_definite(tok) if _is_definite(tok) else None
        if resolved is not None:
            return resolved.model_copy(update={"text": text, "span": _span(start, end, offset), "cue": cue})
        state = next((m for m in mentions if m.value.type.value == "state"), None)
        name = _canonical_body(np, state)
        kind = self.source_kind(text, "NP")
        att = Attribution(text=text, span=_span(start, end, offset), source=name, kind=kind, cue=cue)
        memory.remember(att, person=False)
        return att


_BODY_NOUNS = frozenset({
    "ministry", "government", "military", "army", "intelligence", "office", "prosecutors", "force",
    "forces", "command", "staff", "agency", "service", "officials", "council", "department",
})


def _has_body_noun(tok) -> bool:
    return tok.lower_ in _BODY_NOUNS


def _canonical_body(np, state) -> str:
    """A readable name for an unnamed body: "South Korea's defence ministry" → "South Korean defence ministry"."""
    words = [t.text for t in np if t.dep_ != "case" and t.lower_ not in ("'s", "’s")]
    if state is not None:
        st = state.value.name
        words = [w for w in words if w.lower() not in st.lower().split()]
        demonym = getattr(state.value, "demonym", None) or st
        words = [demonym] + words
    return " ".join(words).strip()


def _is_definite(tok) -> bool:
    return any(c.dep_ == "det" and c.lower_ == "the" for c in tok.children) and not any(
        c.dep_ in ("compound", "poss") and c.pos_ == "PROPN" for c in tok.children
    )


def _span(start: int, end: int, offset: int) -> Span:
    return Span(start=start + offset, end=end + offset)


class SourceMemory:
    """The document's sources so far, to resolve "he said", "the minister added"."""

    def __init__(self):
        self.last_person: Attribution | None = None
        self.last_any: Attribution | None = None
        self.history: list[Attribution] = []

    def remember(self, att: Attribution, person: bool) -> None:
        if person:
            self.last_person = att
        self.last_any = att
        self.history.append(att)

    def resolve_definite(self, tok) -> Attribution | None:
        """"the minister" / "the ministry" / "the agency" → the last source whose text has that noun."""
        noun = tok.lower_
        for att in reversed(self.history):
            if noun in att.text.lower() or (noun in ("minister", "deputy", "spokesperson", "spokesman", "president", "official") and att.kind == SourceKind.official):
                return att
        return None
