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

import re

from dataclasses import dataclass, field

from spacy.strings import get_string_id

from typing import TYPE_CHECKING

from .. import vocabulary
from ..models import ActorType, Attribution, SourceKind
from .base import offset_span
from .clauses import Clause, TokenArrays
from .triggers import announces_agreement, verb_trigger

if TYPE_CHECKING:
    from .context import DocContext

#: Nouns that stand for people/bodies but are never a source on their own.
_NON_SOURCES = vocabulary.source_nouns("not_source")
_PRONOUNS = frozenset({"he", "she", "they", "it", "we", "i"})
_OUTLET_PREPS = frozenset({"to", "with"})
_NEGATING_FRAMES = vocabulary.source_verbs("negating")
_ASSESSING_FRAMES = vocabulary.source_verbs("assessing")


@dataclass
class Frame:
    """A reporting verb and the chain of sources it attributes its clauses to."""

    verb: object  # spacy Token
    links: list[Attribution] = field(default_factory=list)
    governs: set[int] = field(default_factory=set)  # clause-head token ids it covers
    tokens: set[int] = field(default_factory=set)  # tokens of the frame itself ("X said")
    subjects: list = field(default_factory=list)  # entity mentions of the speaker ("Pakistan denied")
    denies: bool = False  # a naming verb that calls what it refers to untrue ("called the report baseless")

    @property
    def negating(self) -> bool:
        return self.denies or self.verb.lower_ in _NEGATING_FRAMES

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
    """Turns the subject/object of a reporting verb into an :class:`Attribution`.

    The phrase is the token's subtree without its clauses. A person named in it is the source
    (``official``); otherwise a named outlet, agency or office; otherwise the phrase itself
    ("Ukrainian prosecutors", "a ministry official"), named and classified by the gazetteer's
    source rules. A possessive state becomes its adjective ("South Korea's defence ministry" →
    "South Korean defence ministry"); "the newspaper" / "the minister" resolve to the last source
    of that kind.
    """

    def __init__(self, gazetteer, source_kind_fn):
        self.gazetteer = gazetteer
        self.source_kind = source_kind_fn

    def link(self, ctx: "DocContext", tok, memory: "SourceMemory", cue: str,
             media_only: bool = False) -> Attribution | None:
        """The attribution for the phrase headed by ``tok`` (None when it names nobody)."""
        doc, text, offset, entities_by_token = ctx.doc, ctx.text, ctx.offset, ctx.entity_by_token
        if tok.lower_ in _NON_SOURCES and tok.i not in entities_by_token or tok.is_space:
            return None
        if tok.lower_ in _PRONOUNS:
            local = _sentence_antecedent(ctx, tok) if tok.lower_ in ("it", "they") else None
            if local is not None and not media_only:
                # "Israel has struck what it says are arms shipments": the state of the sentence
                name, kind = self.gazetteer.source(local.value.name)
                if local.value.type in (ActorType.state, ActorType.alliance):
                    name, kind = local.value.name, SourceKind.government
                return Attribution(text=tok.text, span=offset_span(tok.idx, tok.idx + len(tok), offset),
                                   source=name, kind=kind, cue=cue)
            prev = memory.last_person if tok.lower_ in ("he", "she") else memory.last_any
            if prev is None or media_only:
                return None
            return prev.model_copy(update={"text": tok.text, "span": offset_span(tok.idx, tok.idx + len(tok), offset), "cue": cue})
        phrase = _phrase(tok)
        if not phrase or not any(t.pos_ in ("NOUN", "PROPN") for t in phrase):
            return None
        company = _described_company(ctx, tok)
        if company is not None and not media_only:
            # "the company said", "company officials said": the company named last speaks
            start, end = phrase[0].idx, phrase[-1].idx + len(phrase[-1])
            att = Attribution(text=text[start:end], span=offset_span(start, end, offset), source=company.value.name,
                              kind=SourceKind.other, cue=cue)
            memory.remember(att, person=False)
            return att
        wide = _subtree(tok)  # with appositions: "the ambassador, Oleksii Makeiev,"
        ids = {t.i for t in wide}
        mentions = []
        for t in wide:
            m = entities_by_token.get(t.i)
            if m is not None and m.start in ids and (not mentions or mentions[-1] is not m):
                mentions.append(m)
        p_start, p_end = phrase[0].idx, phrase[-1].idx + len(phrase[-1])
        p_text = text[p_start:p_end]
        # a person who only owns the head ("Tigray's regional leaders", "Putin's spokesman") is no
        # speaker: the head is
        owners = {t.i for c in tok.children if c.dep_ == "poss" for t in c.subtree} if tok.pos_ == "NOUN" else set()
        person = next((m for m in mentions if m.value.type.value == "person" and m.start not in owners), None)
        if person is None and tok.lower_ in _PERSON_NOUNS:
            # "Ukraine's ambassador to Germany, Oleksii Makeiev," (the name tagged as something else)
            for app in tok.children:
                if app.dep_ == "appos" and app.pos_ == "PROPN":
                    person = entities_by_token.get(app.i)
                    if person is not None and person.value.type.value not in ("organisation", "other"):
                        person = None
                    elif person is not None:
                        name_start, name_end = person.start, person.end
                        att_text = doc[name_start:name_end].text
                        att = Attribution(text=att_text, span=offset_span(doc[name_start].idx, doc[name_start].idx + len(att_text), offset),
                                          source=att_text, kind=SourceKind.official, cue=cue)
                        if media_only:
                            return None
                        memory.remember(att, person=True, words=" ".join(t.lower_ for t in wide))
                        return att
        if person is not None and not media_only:
            start, end = doc[person.start].idx, doc[person.end - 1].idx + len(doc[person.end - 1])
            att = Attribution(text=text[start:end], span=offset_span(start, end, offset), source=person.value.name,
                              kind=SourceKind.official, cue=cue)
            memory.remember(att, person=True, words=" ".join(t.lower_ for t in wide))
            return att
        head_is_name = tok.pos_ == "PROPN" or tok.i in entities_by_token
        narrow = {t.i for t in phrase}
        named = [m for m in mentions if m.value.type.value != "person" and m.start in narrow]
        if not head_is_name and tok.lower_ in _DESCRIPTORS:
            # "the Yonhap News TV portal", "leaked Pentagon documents": the name, with the kind
            # the descriptor gives (a document stays a document)
            known = [m for m in named if m.value.source_kind is not None]
            if known:
                m = known[-1]
                _, phrase_kind = self.gazetteer.source(p_text)
                kind = phrase_kind if phrase_kind in (SourceKind.document, SourceKind.media) else m.value.source_kind
                if media_only and kind != SourceKind.media:
                    return None
                att = Attribution(text=p_text, span=offset_span(p_start, p_end, offset), source=m.value.name, kind=kind, cue=cue)
                memory.remember(att, person=False, words=" ".join(t.lower_ for t in wide))
                return att
        if named and head_is_name and tok.lower_ not in _BODY_NOUNS:
            # the name itself ("Yonhap News TV", "the Kuwaiti newspaper Al-Jarida" → Al-Jarida)
            m = next((m for m in named if m.start <= tok.i < m.end), named[-1])
            start, end = doc[m.start].idx, doc[m.end - 1].idx + len(doc[m.end - 1])
            m_text = text[start:end]
            name, kind = self.gazetteer.source(m_text, m.value.label if m.value.label != "GAZ" else None)
            if m.value.source_kind is not None:
                kind = m.value.source_kind
            elif m.value.type.value in ("state", "alliance"):
                kind = SourceKind.government  # a state or capital speaking is its government
                name = m.value.name
            else:
                _, phrase_kind = self.gazetteer.source(p_text)
                if phrase_kind != SourceKind.other:
                    kind = phrase_kind
        else:
            if _is_definite(tok):
                resolved = memory.resolve_definite(tok)
                if resolved is not None:
                    if media_only and resolved.kind != SourceKind.media:
                        return None
                    # "The panel says ... It also says": the source referred back to is the last one
                    memory.refer_to(resolved)
                    return resolved.model_copy(update={"text": p_text, "span": offset_span(p_start, p_end, offset), "cue": cue})
            start, end = p_start, p_end
            name, kind = self.gazetteer.source(p_text)
            name = self._demonymise(name)
            states = [m for m in mentions if m.value.type.value in ("state", "alliance")]
            if tok.lower_ in _STATE_VOICES and states and tok.lower_ in _SOURCE_NOUNS:
                # unnamed people of a state are named by their phrase, the state as its adjective
                # ("Indian defence officials", "two officials in Rome" → "Italian officials"),
                # of their institution's kind
                name = self._voice_name(phrase, tok, states[0])
                if kind not in _STATE_KINDS:
                    kind = SourceKind.government
            elif tok.lower_ in _STATE_VOICES and states:
                # a state's government or authorities speak for the state
                name, kind = states[0].value.name, SourceKind.government
            elif kind == SourceKind.other and tok.lower_ not in _SOURCE_NOUNS:
                if tok.tag_ == "NN" and tok.dep_ in ("nsubj", "nsubjpass") and not media_only \
                        and not any(t.like_num or t.pos_ == "NUM" for t in wide):
                    # "a United Nations expert said": someone the next sentence may name
                    att = Attribution(text=text[start:end], span=offset_span(start, end, offset), source=name,
                                      kind=SourceKind.official, cue=cue)
                    # unnamed, a described speaker stays ("a senior ruling party official"), a bare one not
                    described = any(t.i != tok.i and t.dep_ in ("amod", "compound", "nmod", "poss") for t in phrase)
                    memory.await_name(att, tok, offset, att.model_copy(update={"kind": kind}) if described else None)
                    return att
                return None  # "little more than half of the one million": no one speaks here
        if tok.lower_ in BARE_BODIES and kind is SourceKind.government and len(phrase) > 1 and not any(
                m.value.type in (ActorType.state, ActorType.alliance) or getattr(m.value, "state", None)
                for m in mentions):
            # "Japan signed a contract ..., the Defence Ministry said": the ministry of the state
            # the sentence is about
            state = _subject_state(ctx, tok)
            if state is not None:
                entry = self.gazetteer.lookup(state.value.name)
                demonyms = getattr(entry, "demonyms", ()) if entry is not None else ()
                # "the island's defence ministry": the description gives way to the state's adjective
                name = re.sub(r"^[a-z][\w-]*['\u2019]s ", "", name)
                name = f"{demonyms[0] if demonyms else state.value.name} {name}"
        if media_only and kind != SourceKind.media:
            return None
        att = Attribution(text=text[start:end], span=offset_span(start, end, offset), source=name, kind=kind, cue=cue)
        memory.remember(att, person=False)
        return att

    def link_all(self, ctx: "DocContext", tok, memory: "SourceMemory", cue: str) -> list[Attribution]:
        """Like :meth:`link`, but "the report" of a document introduced with its authors speaks
        for all of them."""
        if _is_definite(tok) and tok.i not in ctx.entity_by_token:
            # "the report" of a document introduced with its authors is theirs; else that of the
            # outlet that reported last, with the sources it cited
            relayed = any(c.dep_ == "acl" and c.lower_ in _RELAYING for c in tok.children)
            authors = memory.authors_of(tok) or (memory.last_report if _is_document(tok) and not relayed else [])
            if authors:
                phrase = _phrase(tok)
                start, end = phrase[0].idx, phrase[-1].idx + len(phrase[-1])
                span = offset_span(start, end, ctx.offset)
                return [a.model_copy(update={"text": ctx.text[start:end], "span": span, "cue": cue}) for a in authors]
        voices = self._state_voices(ctx, tok, cue) or self._coordinated_voices(ctx, tok, cue)
        if voices:
            return voices
        att = self.link(ctx, tok, memory, cue)
        return [] if att is None else [att]

    def _coordinated_voices(self, ctx: "DocContext", tok, cue: str) -> list[Attribution]:
        """"Western and Israeli officials": officials of each side, one link per coordinated
        adjective when one of them names a state ("Western and regional sources", naming none,
        are one group). [] for anything else."""
        if tok.lower_ not in _STATE_VOICES or tok.lower_ not in _SOURCE_NOUNS:
            return []
        adjectives = []
        for c in tok.children:
            if c.dep_ == "amod" and any(g.dep_ == "conj" for g in c.children):
                adjectives = [c] + [g for g in c.conjuncts]
        if not any(a.i in ctx.entity_by_token for a in adjectives):
            return []
        phrase = _phrase(tok)
        start, end = phrase[0].idx, phrase[-1].idx + len(phrase[-1])
        span = offset_span(start, end, ctx.offset)
        return [Attribution(text=ctx.text[start:end], span=span, source=f"{a.text} {tok.text}",
                            kind=SourceKind.government, cue=cue) for a in sorted(adjectives, key=lambda a: a.i)]

    def _state_voices(self, ctx: "DocContext", tok, cue: str) -> list[Attribution]:
        """Unnamed officials of several states speak for each: "officials in Seoul and
        Washington" (both named), "both governments" / "the two countries" (the document's last
        supplier and recipient). [] for anything else."""
        if tok.lower_ not in _STATE_VOICES | _STATE_PAIRS:
            return []
        phrase = _phrase(tok)
        start, end = phrase[0].idx, phrase[-1].idx + len(phrase[-1])
        span = offset_span(start, end, ctx.offset)
        names: list[str] = []
        words = _subtree(tok)
        # "officials in Seoul and Washington": the conjuncts of the place too
        words += [c for t in words if t.dep_ == "pobj" for c in t.conjuncts]
        for t in words:
            m = ctx.entity_by_token.get(t.i)
            if m is not None and m.value.type.value == "state" and m.value.name not in names:
                names.append(m.value.name)
        if not names and tok.lower_ not in _SOURCE_NOUNS and ctx.last_pair is not None and any(
            c.lower_ == "both" or c.dep_ == "nummod" and c.lower_ == "two" for c in tok.children
        ):
            # "both governments", "the two countries" (not "two officials", who are people)
            names = []
            for a in ctx.last_pair[0] + ctx.last_pair[1]:
                if a.type is ActorType.state and a.name not in names:
                    names.append(a.name)
        if len(names) < 2:
            return []
        return [Attribution(text=ctx.text[start:end], span=span, source=n, kind=SourceKind.government, cue=cue)
                for n in names]

    def _voice_name(self, phrase: list, tok, state) -> str:
        """"Two U.S. officials" → "U.S. officials", "Israel's military officials" → "Israeli
        military officials", "defence officials in Rome" → "Italian defence officials": the
        words before the head without determiners or counts, the state as an adjective."""
        words = [t for t in phrase if t.i < tok.i and t.dep_ not in _COUNT_DEPS and not t.like_num]
        in_words = any(state.start <= t.i < state.end for t in words)
        if in_words and not any(t.lower_ in ("'s", "’s") for t in words):
            return " ".join([t.text for t in words] + [tok.text])
        entry = self.gazetteer.lookup(state.value.name)
        demonyms = getattr(entry, "demonyms", ()) if entry is not None else ()
        adjective = demonyms[0] if demonyms else state.value.name
        rest = [t.text for t in words if not state.start <= t.i < state.end and t.lower_ not in ("'s", "’s")]
        return " ".join([adjective] + rest + [tok.text])

    def _demonymise(self, name: str) -> str:
        """"South Korea's defence ministry" → "South Korean defence ministry"."""
        for sep in ("'s ", "’s "):
            if sep in name:
                owner, rest = name.split(sep, 1)
                entry = self.gazetteer.lookup(owner)
                demonyms = getattr(entry, "demonyms", ()) if entry is not None else ()
                if demonyms:
                    return f"{demonyms[0]} {rest}"
                if entry is None and owner[:1].isupper():
                    return f"{owner} {rest}"  # "Tigray's regional leaders" → "Tigray regional leaders"
        return name


#: Kinds unnamed people of a state speak with ("military officials", "intelligence officials").
_STATE_KINDS = frozenset({SourceKind.government, SourceKind.military, SourceKind.intelligence})
#: Words that count or determine a phrase rather than describe its speakers ("two", "both", "some").
_COUNT_DEPS = frozenset({"det", "predet", "nummod", "quantmod"})

def _misplaced_complement(verb, head) -> bool:
    """A "that" clause the parse hung on the object of a reporting verb or of its preposition
    ("said at the time that Pakistan had bought 25", "told a briefing that ..."): the verb's
    complement, not a relative clause of "time" or "briefing"."""
    if head.dep_ != "relcl" or head.left_edge.lower_ != "that":
        return False
    if not any(c.dep_ in ("nsubj", "nsubjpass") and c.lower_ != "that" for c in head.children):
        return False  # "announced a package that includes ...": "that" is the clause's own subject
    noun = head.head
    if noun.dep_ in ("dobj", "dative") and noun.head.i == verb.i:
        return True  # "told a weekly briefing that Russia has not supplied ..."
    return noun.dep_ == "pobj" and noun.head.dep_ == "prep" and noun.head.head.i == verb.i


#: Nouns of a description that refers back to the latest company ("the company", "the firm").
_COMPANY_NOUNS = frozenset(n for n, types in vocabulary.description_nouns().items() if ActorType.company in types)


def _described_company(ctx: "DocContext", tok):
    """The company "the company" / "company officials" / "a company spokesperson" refers back to:
    the latest company named before it; None for any other phrase."""
    if tok.lower_ in _COMPANY_NOUNS:
        if not _is_definite(tok):
            return None
    elif not (tok.lower_ in _PERSON_NOUNS or tok.lower_ in _SOURCE_NOUNS) or not any(
            c.dep_ in ("compound", "amod") and c.lower_ in _COMPANY_NOUNS for c in tok.children):
        return None
    companies = [m for m in ctx.entities if m.end <= tok.i and m.value.type is ActorType.company]
    here = [m for m in companies if m.start >= tok.sent.start]
    # the sentence's first company (its subject, not one in an apposition: "BlueBird, an IAI
    # subsidiary, has sold ..., company officials said"), else the latest before it
    return here[0] if here else companies[-1] if companies else None


def _directive(verb) -> bool:
    """Whether a reporting verb gives an order or a request rather than reports: an object and
    a to-infinitive and no complement clause ("told senior officials to produce the rockets",
    "urged allies to send more")."""
    kids = list(verb.children)
    return (any(c.dep_ in ("dobj", "dative") for c in kids)
            and any(c.dep_ == "xcomp" and any(a.lower_ == "to" and a.dep_ == "aux" for a in c.children) for c in kids)
            and not any(c.dep_ == "ccomp" for c in kids))


def _in_dateline(tok) -> bool:
    """Whether ``tok`` is a place of a dateline the parse took for a subject ("MOSCOW/DUBAI,
    Sept 26 — Russia and Iran dismissed ..."): an upper-case word before a dash that opens its
    sentence."""
    if not (tok.text.isupper() and len(tok.text) > 2 and tok.is_alpha):
        return False
    sent = tok.sent
    return any(t.text in ("—", "–", "-", "--") for t in sent.doc[tok.i + 1:min(sent.end, tok.i + 8)]) \
        and tok.i - sent.start < 6


def _subject_state(ctx: "DocContext", tok):
    """The state that is the subject of a clause of ``tok``'s sentence before it, or None."""
    sent = tok.sent
    for m in ctx.entities:
        if sent.start <= m.start and m.end <= tok.i and m.value.type is ActorType.state \
                and ctx.doc[m.end - 1].dep_ in ("nsubj", "nsubjpass"):
            return m
    return None


def _sentence_antecedent(ctx: "DocContext", tok):
    """The state or body an "it" / "they" speaker stands for when the subject of a clause above
    it in the same sentence names one ("Israel has struck what it says are arms shipments"),
    else None."""
    for a in tok.ancestors:
        for c in a.children:
            if c.dep_ in ("nsubj", "nsubjpass") and c.i < tok.i and c.i != tok.i:
                m = ctx.entity_by_token.get(c.i)
                if m is not None and m.value.type in (ActorType.state, ActorType.alliance, ActorType.organisation,
                                                      ActorType.company):
                    return m
    return None


_CLAUSAL = frozenset({"relcl", "acl", "advcl", "ccomp", "cc", "conj"})
_BREAKS = frozenset({",", ";", ":", "(", ")", '"', "“", "”", "—", "–"})


def _subtree(tok) -> list:
    """``tok`` and its dependents, without clauses, conjuncts and separating punctuation."""
    out = [tok]
    stack = [c for c in tok.children if c.text not in _BREAKS and (
        c.dep_ not in _CLAUSAL
        # "a person briefed on the matter": a participle that describes unnamed people
        or c.dep_ == "acl" and c.tag_ == "VBN" and c.i > tok.i and tok.lower_ in _SOURCE_NOUNS
        and not any(t.ent_type_ for t in c.subtree))]
    while stack:
        t = stack.pop()
        out.append(t)
        # coordinated modifiers stay ("Western and regional sources"); coordinated heads are
        # sources of their own
        stack.extend(c for c in t.children if c.text not in _BREAKS and (
            c.dep_ not in _CLAUSAL or c.dep_ in ("cc", "conj") and t.dep_ in ("amod", "compound")))
    out.sort(key=lambda t: t.i)
    return out


def _phrase(tok) -> list:
    """The noun phrase headed by ``tok``: its subtree without clauses, conjuncts, a leading
    determiner and whitespace at either end (a masked dateline before the first word is white
    space the parser may attach to it, and no part of the phrase in the original text)."""
    out = _subtree(tok)
    while out and out[0].i != tok.i and (out[0].dep_ == "det" or out[0].dep_ in _COUNT_DEPS and out[0].head.i == tok.i
                                         or out[0].ent_type_ == "ORDINAL" and out[0].head.i == tok.i
                                         or out[0].pos_ == "PUNCT" or out[0].is_space):
        out.pop(0)
    while out and (out[-1].pos_ == "PUNCT" or out[-1].is_space):
        out.pop()
    # keep it contiguous around the head
    ids = [t.i for t in out]
    if ids and ids != list(range(ids[0], ids[-1] + 1)):
        lo = hi = ids.index(tok.i)
        while lo > 0 and ids[lo - 1] == ids[lo] - 1:
            lo -= 1
        while hi + 1 < len(ids) and ids[hi + 1] == ids[hi] + 1:
            hi += 1
        out = out[lo:hi + 1]
    return out


_BODY_NOUNS = vocabulary.speaking_body_nouns()


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


class SourceMemory:
    """The document's sources so far, to resolve "he said", "the minister added"."""

    def __init__(self):
        self.last_person: Attribution | None = None
        self.last_any: Attribution | None = None
        self.history: list[Attribution] = []
        self.words: list[set[str]] = []
        #: documents introduced with their authors ("an investigation published by Reuters and
        #: the Open Source Centre"): "the report" / "the investigation" later speaks for them
        self.authored: list[list[Attribution]] = []
        #: the outlets a person last spoke through, and in which paragraph ("Speaking to
        #: Bloomberg, Shin said ... In return, he said ..." keeps Bloomberg)
        self.outlets: dict[str, tuple[int, list[Attribution]]] = {}
        #: documents the text names by author or title ("the DIA document"): see name_documents
        self.documents: list[Attribution] = []
        #: the chain of the last outlet's report ("Reuters reported, citing sources, that ..."):
        #: what a later "according to the report" refers back to
        self.last_report: list[Attribution] = []
        #: people who spoke "in an interview" without naming the outlet, and in which paragraph
        self.interviews: list[tuple[Attribution, int]] = []
        #: unnamed speakers the next sentence may name, with that sentence's character range
        self.awaiting: list[tuple[Attribution, int, int]] = []
        self.unnamed: dict[int, Attribution | None] = {}

    def remember(self, att: Attribution, person: bool, words: str | None = None) -> None:
        """Note a source; ``words`` is its whole phrase ("deputy kang dae sik, a member of ...")."""
        if person:
            self.last_person = att
        self.last_any = att
        self.history.append(att)
        self.words.append(set((words or att.text).lower().split()))

    def await_name(self, att: Attribution, tok, offset: int, unnamed: Attribution | None) -> None:
        """An unnamed person spoke ("the service's top weapons buyer said"); the next sentence
        may introduce them by name (see :meth:`named_later`); else ``unnamed`` is the source."""
        sent = tok.sent
        nxt = sent.doc[sent.end].sent if sent.end < len(sent.doc) else None
        hi = nxt.end_char if nxt is not None else sent.end_char
        self.awaiting.append((att, sent.end_char + offset, hi + offset))
        self.unnamed[id(att)] = unnamed

    def named_later(self, att: Attribution) -> Attribution | None:
        """The person the sentence after an unnamed speaker introduces as a speaker, with an
        apposition giving their office ("Doug Bush, the assistant secretary of the Army, told
        reporters"); None when it names no one."""
        for pending, lo, hi in self.awaiting:
            if pending is not att:
                continue
            for person, words in zip(self.history, self.words):
                if person.kind is SourceKind.official and person.span is not None \
                        and lo <= person.span.start < hi \
                        and len(words) > len(person.text.split()) + 1:
                    return person
        return None

    def refer_to(self, att: Attribution) -> None:
        """A definite description referred back to ``att``: it is the last source mentioned (for
        "it said" / "they said"), without a second entry in the history."""
        self.last_any = att
        if att.kind is SourceKind.official:
            self.last_person = att

    def remember_outlets(self, person: str, paragraph: int, outlets: list[Attribution]) -> None:
        self.outlets[person] = (paragraph, outlets)

    def outlets_of(self, person: str, paragraph: int) -> list[Attribution]:
        """The outlets ``person`` spoke through earlier in the same paragraph, else []."""
        para, outlets = self.outlets.get(person, (None, []))
        return outlets if para == paragraph else []

    def remember_authors(self, authors: list[Attribution]) -> None:
        self.authored.append(authors)

    def authors_of(self, tok) -> list[Attribution]:
        """"the report", "the study", "the findings": the authors of the last document introduced
        with them, if the noun names a document; else []."""
        if not self.authored or SourceKind.document not in _DEFINITE_KINDS.get(tok.lower_, ()):
            return []
        return self.authored[-1]

    def resolve_definite(self, tok) -> Attribution | None:
        """"the minister" / "the newspaper" / "the report" → the last source with that noun in
        its words, else the last source of the kind the noun implies."""
        noun = tok.lower_
        for att, words in zip(reversed(self.history), reversed(self.words)):
            if noun in words:
                return att
        kinds = _DEFINITE_KINDS.get(noun)
        if kinds is not None:
            for att in reversed(self.history):
                if att.kind in kinds:
                    return att
        return None


#: Head nouns that describe a named source rather than name it.
_DESCRIPTORS = vocabulary.source_nouns("descriptor")

#: Unnamed speakers who stand for their state.
_STATE_VOICES = vocabulary.source_nouns("state_voice")
#: "both countries", "the two sides": the two states of the document's last transfer.
_STATE_PAIRS = vocabulary.source_nouns("state_pair")
#: Nouns that can be a source without a name or a classifying word.
_SOURCE_NOUNS = vocabulary.source_nouns("source")

#: Nouns naming a person by office: their apposition is a person's name.
_PERSON_NOUNS = vocabulary.source_nouns("person")

#: "the <noun>" → the kind of source it refers back to
_DEFINITE_KINDS = vocabulary.definite_source_kinds()


def _shows_materiel(ctx, verb) -> bool:
    """A report verb that is also a claim trigger of assessment ("images show two drones at the
    base") with a direct object holding materiel: it asserts what it shows, it frames no other
    clause ("Moscow denies any arms transfers" stays a denial)."""
    trigger = verb_trigger(verb)
    if trigger is None or trigger.frame != "assess":
        return False
    return any(c.dep_ == "dobj" and any(t.i in ctx.munition_tokens for t in c.subtree) for c in verb.children)


class FrameFinder:
    """Finds the attribution frames of a sentence and the sources each one names."""

    def __init__(self, sources: SourceResolver):
        self.sources = sources

    def find(self, ctx: "DocContext", sent, clauses: list[Clause], memory: SourceMemory,
             arrays: TokenArrays | None = None) -> list[Frame]:
        memory.documents.extend(self._named_documents(ctx, sent, arrays))
        frames: list[Frame] = []
        by_head = {c.head.i: c for c in clauses}
        for clause in clauses:
            v = clause.head
            calls_untrue = _calls_untrue(ctx, v)
            if (v.i not in ctx.report_tokens and not calls_untrue) or v.pos_ not in ("VERB", "AUX"):
                continue
            if _directive(v):
                continue  # "Sisi told officials to produce the rockets": an order, not a report
            comps = [c for c in clauses if c.parent is clause and (
                c.head.dep_ in ("ccomp", "acl")
                or c.head.dep_ in ("conj", "parataxis", "advcl") and c.head.i > v.i and not has_subject(c.head)
                # "said, citing intelligence reports": a report verb whose object is a source, not a
                # statement ("adding that ...", "saying ..."), names where the speaker has it from
                and not (c.head.dep_ == "advcl" and c.head.i in ctx.report_tokens
                         and any(k.dep_ == "dobj" for k in c.head.children)
                         and not any(k.dep_ in ("ccomp", "xcomp") for k in c.head.children))
                or _misplaced_complement(v, c.head))]
            if not comps and not calls_untrue and _shows_materiel(ctx, v):
                continue  # "Satellite images show two drones at the base, analysts said": it asserts
            frame = Frame(verb=v, denies=calls_untrue)
            if any(c.dep_ == "dobj" and c.i < v.i and c.lower_ in _BACK_REFERENCES for c in v.children):
                # "..., a charge Tehran denies" parsed with the claim as the denial's complement:
                # the denial refers back to the claim, it does not report it
                comps = []
                if frame.negating and clause.nominal is None:
                    clause.denial = True
            if clause.denial:
                pass
            elif comps:
                for comp in comps:
                    frame.governs |= _descendant_heads(comp)
            elif v.dep_ == "relcl" and frame.negating and clause.nominal is None:
                # "..., which the Serbian government denied", "an allegation Abu Dhabi denied": a
                # denial of the claim before it, a claim of its own that does not negate that one
                clause.denial = True
            elif has_subject(v) and any(c.dep_ == "dobj" and c.lower_ not in _BACK_REFERENCES for c in v.children):
                # "..., when Macron announced the decision": a verb with an object of its own
                # reports that object, not the clauses around it
                pass
            else:
                # trailing or parenthetical "..., X said": governs the rest of the sentence
                own = _descendant_heads(clause)
                frame.governs = {c.head.i for c in clauses if c.head.i not in own}
                if clause.parent is not None:
                    frame.governs.add(clause.parent.head.i)
            # a new speaker beyond a clause boundary cue ends the frame's scope ("...; some analysts
            # believe ...", "..., while The Economist ... said"); without one the clause after the
            # boundary is still the speaker's ("..., he said, while Russian munitions had ...")
            bounds = [c.start for c in ctx.cues if c.bounds_frames and sent.start <= c.start < sent.end]
            others = [c.head.i for c in clauses if c.head.i != v.i and c.head.i in ctx.report_tokens]
            frame.governs = {h for h in frame.governs if not any(
                min(h, v.i) < b < max(h, v.i) and any((r > b) == (h > b) for r in others) for b in bounds)}
            if calls_untrue and frame.governs:
                # "called the report 'baseless' and said Egypt had not supplied weapons": the
                # dismissal is a denial of its own beside what it governs
                clause.denial = True
                frame.governs.add(v.i)
            if v.dep_ == "conj" and not has_subject(v) and v.head.i in by_head:
                # "The Economist put the batch at 10 aircraft and said ...": one speaker for both
                frame.governs.add(v.head.i)
            if clause.trigger is not None and verb_trigger_token(clause) is not v:
                # "Western governments accuse Iran of supplying Moscow": the frame's own chain
                # carries the claim
                frame.governs.add(v.i)
            if not frame.governs and v.lower_ in _CITING:
                self._citation(ctx, v, memory)
                continue
            if not frame.governs:
                # "Moscow denies any arms transfers": the frame is its own claim;
                # "Tehran rejects the charge": a denial of the claim it refers back to
                if clause.denial:
                    pass
                elif clause.nominal is None and frame.negating and _refers_back(v):
                    clause.denial = True
                elif clause.nominal is None:
                    continue
                elif announces_agreement(v, clause.nominal):
                    continue  # "Oslo announced a new aid package": the announcement is the act
                frame.governs = {v.i}
            # the frame's own words ("Pakistan on Friday again denied"), not the clauses under it
            frame.tokens = set(clause.tokens) if v.i not in frame.governs else set()
            # a misparsed speaker with its titles and comma is the frame's words, no evidence
            frame.tokens.update(_speaker_before(ctx, v))
            frame.links = self._frame_links(ctx, v, memory)
            for c in v.children:
                if c.dep_ in ("nsubj", "nsubjpass"):
                    ids = {t.i for t in c.subtree}
                    frame.subjects.extend(
                        m for m in ctx.entities
                        if m.start in ids and (m.value.type != ActorType.person or getattr(m.value, "state", None))
                    )
            frames.append(frame)
        cited = [a for f in frames if f.verb.lower_ in _CITING for a in f.links]
        if cited and memory.last_report and any(f.links == memory.last_report for f in frames):
            # "Reuters reported, citing seven sources, that ...": the citation is part of the report
            memory.last_report = dedupe_links(memory.last_report + cited)
        return frames

    def _named_documents(self, ctx: "DocContext", sent, arrays: TokenArrays | None = None) -> list[Attribution]:
        """Documents the sentence names: by their author as a modifier ("the Defense Intelligence
        Agency document", "a Pentagon assessment") or by a quoted title ("his report, titled
        'Arms for the Junta'"). ``arrays`` are the Doc's (made here when not given)."""
        doc = ctx.doc
        out = []
        for tok in _tokens_among(sent, arrays, _NAMED_DOCUMENT_WORDS):
            if tok.lower_ in _TITLING and tok.i > sent.start:
                # the title follows the document noun, a comma between at most (the parse may
                # hang "titled" on the verb of the sentence)
                before = doc[tok.i - 1] if doc[tok.i - 1].text != "," or tok.i - 2 < sent.start else doc[tok.i - 2]
                title = _quoted_after(doc, tok.i + 1)
                if _is_document(before) and title is not None:
                    start, end = title[0].idx, title[-1].idx + len(title[-1])
                    out.append(Attribution(text=ctx.text[start:end], span=offset_span(start, end, ctx.offset),
                                           source=ctx.text[start:end], kind=SourceKind.document))
            if not _is_document(tok) or tok.i in ctx.entity_by_token:
                continue
            for c in tok.children:
                if c.dep_ in ("compound", "nmod", "poss") and c.i < tok.i:
                    m = ctx.entity_by_token.get(c.i)
                    if m is not None and m.value.source_kind is not None:
                        start, end = doc[m.start].idx, doc[m.end - 1].idx + len(doc[m.end - 1])
                        out.extend(as_documents([Attribution(
                            text=ctx.text[start:end], span=offset_span(start, end, ctx.offset),
                            source=m.value.name, kind=m.value.source_kind)]))
        return out

    def _frame_links(self, ctx: "DocContext", v, memory: SourceMemory) -> list[Attribution]:
        outlets: list[Attribution] = []
        speakers: list[Attribution] = []
        cited: list[Attribution] = []
        subj = [c for c in v.children if c.dep_ in ("nsubj", "nsubjpass")]
        if not subj:
            # inverted: "..., reported the Yonhap News TV portal"
            subj = [c for c in v.children if c.dep_ == "dobj" and c.i > v.i and c.pos_ == "PROPN" or
                    c.dep_ == "dobj" and c.i > v.i and any(t.i in ctx.entity_by_token for t in c.subtree)]
        if not subj:
            # a misparsed subject ("Last June the Financial Times, citing ..., reported"): a named
            # source among the words before the verb
            for c in v.children:
                if c.i < v.i and c.dep_ in ("npadvmod", "nmod", "dep", "appos"):
                    for t in c.subtree:
                        m = ctx.entity_by_token.get(t.i)
                        if m is not None and m.value.source_kind is not None and t.i == m.end - 1:
                            subj.append(t)
        if not subj:
            subj = [ctx.doc[i] for i in _speaker_before(ctx, v)[-1:]]
        if not subj and v.dep_ == "conj":
            # "The Economist put the batch at 10 and said ...": the conjoined verb shares the subject
            subj = [c for c in v.head.children if c.dep_ in ("nsubj", "nsubjpass")]
        for s in subj:
            if _in_dateline(s):
                continue  # "MOSCOW/DUBAI, Sept 26 — Russia and Iran dismissed": not the city
            if s.lower_ in _DESCRIPTORS and any(o.i == s.i + 1 and o.i in ctx.entity_by_token for o in subj):
                continue  # "the newspaper Kommersant reported" parsed as two subjects: the name
            for tok in [s] + [c for c in s.children if c.dep_ == "conj"]:
                named = [a for a in tok.children if a.dep_ == "appos" and a.i in ctx.entity_by_token]
                if tok.i not in ctx.entity_by_token and named \
                        and tok.lower_ not in _PERSON_NOUNS | _DESCRIPTORS:
                    # "the group's armed wing, the Qassam Brigades, said": the name in apposition
                    # ("Sept 26 — Russia and Iran", a dateline parsed as the subject, likewise)
                    for a in named:
                        for t in [a] + [c for c in a.children if c.dep_ == "conj"]:
                            speakers.extend(self._relayed_chain(ctx, t, memory, v.text))
                    continue
                # "the report cited by the deputy mentioned": the deputy, then the report
                speakers.extend(self._relayed_chain(ctx, tok, memory, v.text))
        for c in list(v.children):
            # "told the BBC", "in an interview with Bloomberg", "speaking to Bloomberg"
            if c.dep_ in ("dative", "dobj") and c not in subj:
                att = self._outlet(ctx, c, memory, v.text)
                if att is not None:
                    outlets.append(att)
            if c.dep_ == "advcl" and c.lower_ in ("speaking", "talking"):
                for p in c.children:
                    if p.dep_ == "prep" and p.lower_ in ("to", "with"):
                        for o in p.children:
                            att = self._outlet(ctx, o, memory, c.text)
                            if att is not None:
                                outlets.append(att)
            if c.dep_ == "prep" and c.lower_ in ("in",):
                for o in c.children:
                    if o.lower_ in ("interview", "statement", "report", "article", "letter", "document"):
                        # "in an interview with Bloomberg", "in a report seen by Reuters"
                        preps = [p for p in o.children if p.dep_ == "prep" and p.lower_ in ("with", "to", "by")]
                        preps += [a for acl in o.children if acl.dep_ == "acl" and acl.lower_ in _RELAYING
                                  for a in acl.children if a.dep_ == "agent"]
                        for p in preps:
                            for oo in p.children:
                                att = self._outlet(ctx, oo, memory, o.text)
                                if att is not None:
                                    outlets.append(att)
            if c.lower_ in ("citing", "quoting") or (c.dep_ in ("advcl", "xcomp", "conj") and c.lower_ in ("citing", "quoting")):
                for o in c.children:
                    if o.dep_ in ("dobj", "pobj"):
                        att = self.sources.link(ctx, o, memory, c.text)
                        if att is not None:
                            cited.append(att)
        for s in subj:
            for c in s.children:
                if c.lower_ in ("citing", "quoting"):
                    for o in c.children:
                        if o.dep_ in ("dobj", "pobj"):
                            att = self.sources.link(ctx, o, memory, c.text)
                            if att is not None:
                                cited.append(att)
        para = ctx.paragraph(v.idx)
        people = [a for a in speakers if a.kind is SourceKind.official]
        if outlets:
            for person in people:
                memory.remember_outlets(person.source, para, outlets)
        elif len(people) == 1 and subj and subj[0].lower_ in ("he", "she"):
            # "he said" continues what he told an outlet in this paragraph
            outlets = list(memory.outlets_of(people[0].source, para))
        elif len(people) == 1 and any(c.dep_ == "prep" and c.lower_ == "in" and any(
                o.lower_ == "interview" for o in c.children) for c in v.children):
            # "said in an interview published on Friday": the outlet may come in the next paragraph
            memory.interviews.append((people[0], para))
        chain = dedupe_links(outlets + speakers + cited)
        if v.lower_ in _REPORTING_VERBS and speakers and all(a.kind is SourceKind.media for a in speakers):
            memory.last_report = chain  # "Reuters reported, citing ...": what "the report" is
        return chain

    def _citation(self, ctx: "DocContext", v, memory: SourceMemory) -> None:
        """"Yonhap News TV cites a report disclosed by Deputy Kang": remember that chains ending
        at Yonhap continue with Kang and the report (applied to the whole document at the end)."""
        citer = self._frame_links(ctx, v, memory)
        if not citer:
            return
        cited: list[Attribution] = []
        for obj in v.children:
            if obj.dep_ not in ("dobj", "attr"):
                continue
            cited.extend(self._relayed_chain(ctx, obj, memory, v.text))
        if cited:
            ctx.citations.append((citer[-1].source, cited))

    def _relayed_chain(self, ctx: "DocContext", tok, memory: SourceMemory, cue: str) -> list[Attribution]:
        """The source phrase headed by ``tok``, preceded by whoever relayed it: "a report disclosed
        by Deputy Kang" → [Kang, the report]."""
        links: list[Attribution] = []
        authored = False
        for acl in tok.children:
            if acl.dep_ == "acl" and acl.lower_ in _RELAYING:
                for agent in acl.children:
                    if agent.dep_ == "agent":
                        for who in agent.children:
                            att = self.sources.link(ctx, who, memory, acl.text)
                            if att is not None:
                                links.append(att)
                                authored = authored or acl.lower_ in _AUTHORING
        if authored and _is_document(tok):
            # "a report released by the DIA concluded": the document is its author's
            links = as_documents(dedupe_links(links))
            memory.remember_authors(links)
            return links
        links.extend(self.sources.link_all(ctx, tok, memory, cue))
        return links

    def _outlet(self, ctx: "DocContext", tok, memory: SourceMemory, cue: str) -> Attribution | None:
        """An outlet the speaker told or spoke to: only a named one, or "the newspaper"."""
        if tok.i not in ctx.entity_by_token and not tok.lower_ in (
            "newspaper", "paper", "broadcaster", "agency", "outlet", "daily", "channel", "magazine"
        ):
            return None
        return self.sources.link(ctx, tok, memory, cue, media_only=True)

    def according_to(self, ctx: "DocContext", sent, memory: SourceMemory,
                     arrays: TokenArrays | None = None) -> list[tuple[list[Attribution], set[int]]]:
        """``according to X`` phrases: their links and the tokens they cover. ``arrays`` are the
        Doc's (made here when not given)."""
        out = []
        for tok in _tokens_among(sent, arrays, _ACCORDING_WORDS):
            if tok.lower_ == "according":
                to = next((c for c in tok.children if c.lower_ == "to"), None)
                if to is None and tok.i + 1 < len(ctx.doc) and ctx.doc[tok.i + 1].lower_ == "to":
                    to = ctx.doc[tok.i + 1]
                if to is None:
                    continue
                links = []
                for o in to.children:
                    if o.dep_ == "pobj":
                        links.extend(self._phrase_sources(ctx, o, memory))
                toks = {tok.i} | {t.i for t in to.subtree} | {t.i for t in tok.subtree}
                if links:
                    out.append((links, toks))
            elif tok.lower_ in ("reported", "cited", "quoted") and any(c.dep_ == "mark" and c.lower_ == "as" for c in tok.children):
                # "..., as reported by Yonhap"
                links = [att for agent in tok.children if agent.dep_ == "agent"
                         for who in agent.children for att in self._phrase_sources(ctx, who, memory)]
                if links:
                    out.append((links, {t.i for t in tok.subtree}))
        return out

    def _data_sources(self, ctx: "DocContext", head, authors: list) -> list[Attribution]:
        """"an AFP tally of Ukrainian air force data": whose data a document counts, after its
        authors (none when the data are nobody's in particular: "public data")."""
        out = []
        for prep in head.children:
            if prep.dep_ != "prep" or prep.lower_ != "of":
                continue
            for data in prep.children:
                if data.dep_ != "pobj" or data.lower_ not in _DATA_NOUNS:
                    continue
                words = [t for t in data.subtree if t.i < data.i and t.dep_ not in _COUNT_DEPS]
                if not words or any(ctx.entity_by_token.get(t.i) in authors for t in words):
                    continue
                start, end = words[0].idx, words[-1].idx + len(words[-1])
                name, kind = self.sources.gazetteer.source(ctx.text[start:end])
                if kind is not SourceKind.other:
                    out.append(Attribution(text=ctx.text[start:end], span=offset_span(start, end, ctx.offset),
                                           source=name, kind=kind, cue="according to"))
        return out

    def _phrase_sources(self, ctx: "DocContext", head, memory: SourceMemory) -> list[Attribution]:
        """Sources named in a phrase: "an investigation published by Reuters and the Open Source
        Centre" (its authors), "Ukrainian intelligence cited by the Kyiv Independent" (the outlet,
        then what it cites)."""
        doc = ctx.doc
        if any(acl.dep_ == "acl" and acl.lower_ in _RELAYING and acl.lower_ not in _AUTHORING
               and any(a.dep_ == "agent" for a in acl.children) for acl in head.children):
            return self._relayed_chain(ctx, head, memory, "according to")
        if head.pos_ == "NOUN" and head.i not in ctx.entity_by_token and head.lower_ not in _DESCRIPTORS \
                and not _is_document(head):
            phrase = _phrase(head)
            mentions = {id(m): m for t in phrase if (m := ctx.entity_by_token.get(t.i)) is not None}
            if mentions and all(m.value.type in (ActorType.state, ActorType.alliance) for m in mentions.values()) \
                    and self.sources.gazetteer.source(" ".join(t.text for t in phrase))[1] in _STATE_KINDS:
                # "according to Ukraine's air force": the state's body, not the state
                return self.sources.link_all(ctx, head, memory, "according to")
        named = []
        seen = set()
        seen_mentions = []
        for t in head.subtree:
            m = ctx.entity_by_token.get(t.i)
            if m is not None and id(m) not in seen and (m.value.source_kind is not None or m.value.type == ActorType.person):
                seen.add(id(m))
                seen_mentions.append(m)
                tok = doc[m.end - 1]
                att = self.sources.link(ctx, tok, memory, "according to")
                if att is not None:
                    named.append(att)
        if named:
            named = dedupe_links(named)
            if _is_document(head) and head.i not in ctx.entity_by_token:
                # "according to the DSCA notices": the office's documents
                named = as_documents(named)
                memory.remember_authors(named)
            return dedupe_links(named + self._data_sources(ctx, head, seen_mentions))
        return self.sources.link_all(ctx, head, memory, "according to")


#: Auxiliaries of the future and of modality: a sentence with one is no past narrative.
_MODALS = frozenset({"will", "would", "shall", "'ll", "can", "could", "may", "might", "must", "should"})


def _past_narrative(root) -> bool:
    """Whether the sentence headed by ``root`` narrates a past event in the writer's own voice:
    a simple past ("The jets were supplied by Denmark in July", "Tokyo awarded contracts") or a
    past perfect. Present, present perfect and future sentences ("Support has been flowing",
    "France will pay for 12 of them") can go on with what a source said."""
    auxes = [c for c in root.children if c.dep_ in ("aux", "auxpass")]
    if any(a.lower_ in _MODALS for a in auxes):
        return False
    if root.tag_ == "VBD":
        return True
    if root.tag_ == "VBN":
        return any(a.tag_ == "VBD" for a in auxes)
    return False


def _new_voice(ctx: "DocContext", root, links: list[Attribution]) -> bool:
    """Whether the sentence's subject is a person or company other than the statement's sources
    ("President Lai has pledged ...", "Baykar does not discuss its customers"): someone who can
    speak for themselves starts a statement of their own."""
    sources = {a.source.lower() for a in links}
    for c in root.children:
        if c.dep_ not in ("nsubj", "nsubjpass"):
            continue
        for t in c.subtree:
            m = ctx.entity_by_token.get(t.i)
            if m is not None and m.value.type in (ActorType.person, ActorType.company) \
                    and m.value.name.lower() not in sources:
                return True
    return False


def statement_links(ctx: "DocContext", sent, frames: list[Frame], links: list[Attribution]) -> list[Attribution]:
    """A claim's attribution chain: its own ``links`` (remembered as the statement in progress),
    or, in a sentence with no reporting frame of its own, the links of the statement the sentence
    continues. A statement continues into the next sentence of the same paragraph ("Their
    transport occurs through the port in Najin", "France will pay for 12 of them"); a new speaker
    (any frame, or a person or company as the subject) ends it, and so does the writer's own narrative: a past-tense sentence ("The
    jets began arriving in late July") or one with a narrator's marker (NARRATION cues:
    "Belgium has also promised F-16s", "Separately, Tokyo awarded ...")."""
    para = ctx.paragraph(sent.start_char)
    if links:
        ctx.last_links = (para, sent.end, links)
        return links
    last = ctx.last_links
    if frames or last is None or last[0] != para:
        return []
    if ctx.doc[last[1]:sent.start].text.strip():
        return []  # not the sentence right after the statement
    narrated = any(c.category.value == "NARRATION" and sent.start <= c.start < sent.end for c in ctx.cues)
    if narrated or _past_narrative(sent.root) or _new_voice(ctx, sent.root, last[2]):
        return []
    ctx.last_links = (para, sent.end, last[2])
    return list(last[2])


#: Participles that give a document its title ("a report titled 'Arms for the Junta'").
_TITLING = vocabulary.source_verbs("titling")
_OPENING_QUOTES = frozenset({'"', "“", "‘", "'"})
_CLOSING_QUOTES = frozenset({'"', "”", "’", "'"})


def _quoted_after(doc, i: int):
    """The words of a quotation opening at token ``i`` (without the quotes), or None."""
    if i >= len(doc) or doc[i].text not in _OPENING_QUOTES:
        return None
    j = i + 1
    while j < len(doc) and doc[j].text not in _CLOSING_QUOTES and j - i <= 20:
        j += 1
    if j >= len(doc) or doc[j].text not in _CLOSING_QUOTES or j == i + 1:
        return None
    return doc[i + 1:j]


def _is_document(tok) -> bool:
    """Whether ``tok`` is a noun for a document ("report", "notices", "study")."""
    return SourceKind.document in _DEFINITE_KINDS.get(tok.lower_, ())


def _tokens_among(sent, arrays: TokenArrays | None, words: frozenset[int]) -> list:
    """The tokens of ``sent`` whose lower-case form is one of ``words`` (string ids), in order:
    the candidates of a scan over the sentence, found without a Token object for every word."""
    doc = sent.doc
    if arrays is None or arrays.doc is not doc:
        arrays = TokenArrays(doc)
    return [doc[i] for i in arrays.within(arrays.with_lower(words), sent)]


#: Words :meth:`FrameFinder._named_documents` looks at: titling participles and document nouns.
_NAMED_DOCUMENT_WORDS = frozenset(get_string_id(w) for w in _TITLING) | frozenset(
    get_string_id(w) for w, kinds in _DEFINITE_KINDS.items() if SourceKind.document in kinds)
#: Words :meth:`FrameFinder.according_to` looks at ("according to", "as reported by").
_ACCORDING_WORDS = frozenset(get_string_id(w) for w in ("according", "reported", "cited", "quoted"))


#: Kinds of source whose reports are documents ("a DIA report" → document); an outlet's or a
#: think tank's publication is its own reporting and keeps their kind.
_DOCUMENT_AUTHORS = frozenset({SourceKind.government, SourceKind.military, SourceKind.intelligence})


def as_documents(links: list[Attribution]) -> list[Attribution]:
    """The authors of a document as the document's source: a state body's report is a
    ``document``, an outlet or think tank keeps its kind."""
    return [a.model_copy(update={"kind": SourceKind.document}) if a.kind in _DOCUMENT_AUTHORS else a for a in links]


def _speaker_before(ctx: "DocContext", v) -> range:
    """"..., Defence Minister Luis Petri said": a report verb with no subject whose parser hung the
    name right before it somewhere else (a conjunct of the last noun). The tokens from the comma
    through the name when a comma and nothing but title words stand before it (the name is the
    last), else an empty range."""
    from .entities import TITLES, normalise_name

    doc = ctx.doc
    m = ctx.entity_by_token.get(v.i - 1) if v.i > 0 else None
    if m is None or m.end != v.i or m.value.source_kind is None or doc[v.i - 1].head.i == v.i:
        return range(0)
    i = m.start - 1
    while i >= 0 and normalise_name(doc[i].text) in TITLES:
        i -= 1
    return range(i, v.i) if i >= 0 and doc[i].text == "," else range(0)


def apply_citations(claims: list, citations: list[tuple[str, list[Attribution]]],
                    memory: SourceMemory | None = None) -> None:
    """Deepen every chain that ends at a source which, somewhere in the document, is said to cite
    another ("Yonhap News TV cites a report disclosed by Deputy Kang"); then give an unnamed
    document ("the report") the name of the one document the text names (see
    :func:`name_documents`)."""
    for citer, cited in citations:
        key = set(citer.lower().split())
        for claim in claims:
            chain = claim.attributions
            last = set(chain[-1].source.lower().split()) if chain else set()
            if last and (key <= last or last <= key):
                names = {a.source.lower() for a in chain}
                chain.extend(a for a in cited if a.source.lower() not in names)
    if memory is not None:
        name_documents(claims, memory.documents)
        name_speakers(claims, memory)
        add_interview_outlets(claims, memory)


def add_interview_outlets(claims: list, memory: SourceMemory) -> None:
    """"Shin said in an interview published on Friday. Speaking to Bloomberg, Shin said ...": the
    outlet the person spoke to in the same or the next paragraph is the interview's, first in the
    chains of what they said in it."""
    for person, para in memory.interviews:
        at, outlets = memory.outlets.get(person.source, (None, []))
        if not outlets or not para <= at <= para + 1:
            continue
        for claim in claims:
            chain = claim.attributions
            if any(a.source == person.source and a.span == person.span for a in chain) and not any(
                    a.kind is SourceKind.media for a in chain):
                chain[:] = dedupe_links([o.model_copy() for o in outlets] + chain)


def name_speakers(claims: list, memory: SourceMemory) -> None:
    """"a United Nations expert said ... Tom Andrews, the U.N. special rapporteur, said": an
    unnamed speaker is the person the next sentence introduces; one it does not name is the
    phrase that describes them ("a senior ruling party official"), or no source at all when
    nothing does ("an expert")."""
    if not memory.awaiting:
        return
    named = {id(att): memory.named_later(att) or memory.unnamed[id(att)] for att, _, _ in memory.awaiting}
    pending = {(att.source, att.span.start): id(att) for att, _, _ in memory.awaiting}
    for claim in claims:
        chain = []
        for a in claim.attributions:
            key = pending.get((a.source, a.span.start if a.span is not None else None))
            if key is None:
                chain.append(a)
            elif named[key] is not None:
                chain.append(named[key].model_copy(update={"text": a.text, "span": a.span, "cue": a.cue}))
        claim.attributions[:] = dedupe_links(chain)


def name_documents(claims: list, documents: list[Attribution]) -> None:
    """"a report disclosed by the deputy" ... "the Defense Intelligence Agency document", "his
    report, titled 'Arms for the Junta'": when the text names exactly one document (by its author
    or its title), every unnamed document of the text ("report", "the study", "his report") is
    that one."""
    names = {a.source.lower(): a for a in documents}
    if len(names) != 1:
        return
    (named,) = names.values()
    for claim in claims:
        chain = [named.model_copy(update={"text": a.text, "span": a.span, "cue": a.cue})
                 if a.kind is SourceKind.document and _unnamed_document(a.source) else a
                 for a in claim.attributions]
        claim.attributions[:] = dedupe_links(chain)


def _unnamed_document(source: str) -> bool:
    """"report", "his report", "the leaked documents": a document noun with no name in it."""
    words = source.split()
    return bool(words) and source == source.lower() and SourceKind.document in _DEFINITE_KINDS.get(words[-1], ())


def verb_trigger_token(clause: Clause):
    """The chain token that carries the clause's trigger."""
    from .triggers import verb_trigger

    return next((t for t in clause.chain if verb_trigger(t) is not None), None)


def has_subject(tok) -> bool:
    return any(c.dep_ in ("nsubj", "nsubjpass", "expl") for c in tok.children)


def dedupe_links(links: list[Attribution]) -> list[Attribution]:
    out: list[Attribution] = []
    for a in links:
        if out and any(a.source.lower() == b.source.lower() for b in out):
            continue
        out.append(a)
    return out


#: Verbs that name what their object is ("called the report baseless", "described the claims as
#: fabricated"): with an "untrue" complement they deny it.
_NAMING_VERBS = vocabulary.source_verbs("naming")


def _calls_untrue(ctx, verb) -> bool:
    """"called the report 'baseless'": a naming verb whose object refers back to an earlier
    claim and whose complement is an untrue-cue (``neg.untrue`` in the cue lexicon)."""
    if verb.lower_ not in _NAMING_VERBS or not _refers_back(verb):
        return False
    inside = {t.i for c in verb.children if c.dep_ != "nsubj" for t in c.subtree}
    return any(c.rule_id == "neg.untrue" and c.start in inside for c in ctx.cues)


def _refers_back(verb) -> bool:
    """A denial whose object points back at an earlier claim ("rejects the charge", "those reports")."""
    return any(c.dep_ == "dobj" and c.lower_ in _BACK_REFERENCES and
               any(d.lower_ in ("the", "those", "these", "that", "this", "such") for d in c.children)
               for c in verb.children)


def _descendant_heads(clause: Clause) -> set[int]:
    out = {clause.head.i}
    for c in clause.children:
        out |= _descendant_heads(c)
    return out


def depth(tok) -> int:
    d = 0
    while tok.head.i != tok.i:
        tok = tok.head
        d += 1
    return d


#: Nouns of data a source compiled ("an AFP tally of Ukrainian air force data").
_DATA_NOUNS = vocabulary.source_nouns("data")
#: Verb forms of an outlet's reporting ("Reuters reported"): its report is "the report" later.
_REPORTING_VERBS = vocabulary.source_verbs("reporting")
#: Participles that relay a source inside a source phrase ("a report disclosed by the deputy").
_RELAYING = vocabulary.source_verbs("relaying")
#: Verbs of citing: "Yonhap cites a report disclosed by Deputy Kang" deepens Yonhap's chains.
#: Participles naming a source's author rather than who relayed it ("a study published by RAND").
_AUTHORING = vocabulary.source_verbs("authoring")
_CITING = vocabulary.source_verbs("citing")
BARE_BODIES = vocabulary.source_nouns("bare_body")
_BACK_REFERENCES = vocabulary.source_nouns("back_reference")
