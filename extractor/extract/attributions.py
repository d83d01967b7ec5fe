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

from typing import TYPE_CHECKING

from .. import vocabulary
from ..models import ActorType, Attribution, SourceKind
from .base import offset_span
from .clauses import Clause
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
        if tok.lower_ in _NON_SOURCES or tok.is_space:
            return None
        if tok.lower_ in _PRONOUNS:
            prev = memory.last_person if tok.lower_ in ("he", "she") else memory.last_any
            if prev is None or media_only:
                return None
            return prev.model_copy(update={"text": tok.text, "span": offset_span(tok.idx, tok.idx + len(tok), offset), "cue": cue})
        phrase = _phrase(tok)
        if not phrase or not any(t.pos_ in ("NOUN", "PROPN") for t in phrase):
            return None
        wide = _subtree(tok)  # with appositions: "the ambassador, Oleksii Makeiev,"
        ids = {t.i for t in wide}
        mentions = []
        for t in wide:
            m = entities_by_token.get(t.i)
            if m is not None and m.start in ids and (not mentions or mentions[-1] is not m):
                mentions.append(m)
        p_start, p_end = phrase[0].idx, phrase[-1].idx + len(phrase[-1])
        p_text = text[p_start:p_end]
        person = next((m for m in mentions if m.value.type.value == "person"), None)
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
                    return resolved.model_copy(update={"text": p_text, "span": offset_span(p_start, p_end, offset), "cue": cue})
            start, end = p_start, p_end
            name, kind = self.gazetteer.source(p_text)
            name = self._demonymise(name)
            states = [m for m in mentions if m.value.type.value in ("state", "alliance")]
            if tok.lower_ in _STATE_VOICES and states:
                # unnamed officials of a state ("Iranian officials", "officials in Seoul") speak for it
                name, kind = states[0].value.name, SourceKind.government
            elif kind == SourceKind.other and tok.lower_ not in _SOURCE_NOUNS:
                return None  # "little more than half of the one million": no one speaks here
        if media_only and kind != SourceKind.media:
            return None
        att = Attribution(text=text[start:end], span=offset_span(start, end, offset), source=name, kind=kind, cue=cue)
        memory.remember(att, person=False)
        return att

    def link_all(self, ctx: "DocContext", tok, memory: "SourceMemory", cue: str) -> list[Attribution]:
        """Like :meth:`link`, but "the report" of a document introduced with its authors speaks
        for all of them."""
        if _is_definite(tok) and tok.i not in ctx.entity_by_token:
            authors = memory.authors_of(tok)
            if authors:
                phrase = _phrase(tok)
                start, end = phrase[0].idx, phrase[-1].idx + len(phrase[-1])
                span = offset_span(start, end, ctx.offset)
                return [a.model_copy(update={"text": ctx.text[start:end], "span": span, "cue": cue}) for a in authors]
        voices = self._state_voices(ctx, tok, cue)
        if voices:
            return voices
        att = self.link(ctx, tok, memory, cue)
        return [] if att is None else [att]

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
        if len(names) < 2 and ctx.last_pair is not None and any(
            c.lower_ == "both" or c.dep_ == "nummod" and c.lower_ == "two" for c in tok.children
        ):
            names = []
            for a in ctx.last_pair[0] + ctx.last_pair[1]:
                if a.type is ActorType.state and a.name not in names:
                    names.append(a.name)
        if len(names) < 2:
            return []
        return [Attribution(text=ctx.text[start:end], span=span, source=n, kind=SourceKind.government, cue=cue)
                for n in names]

    def _demonymise(self, name: str) -> str:
        """"South Korea's defence ministry" → "South Korean defence ministry"."""
        for sep in ("'s ", "’s "):
            if sep in name:
                owner, rest = name.split(sep, 1)
                entry = self.gazetteer.lookup(owner)
                demonyms = getattr(entry, "demonyms", ()) if entry is not None else ()
                if demonyms:
                    return f"{demonyms[0]} {rest}"
        return name


_CLAUSAL = frozenset({"relcl", "acl", "advcl", "ccomp", "cc", "conj"})
_BREAKS = frozenset({",", ";", ":", "(", ")", '"', "“", "”", "—", "–"})


def _subtree(tok) -> list:
    """``tok`` and its dependents, without clauses, conjuncts and separating punctuation."""
    out = [tok]
    stack = [c for c in tok.children if c.dep_ not in _CLAUSAL and c.text not in _BREAKS]
    while stack:
        t = stack.pop()
        out.append(t)
        stack.extend(c for c in t.children if c.dep_ not in _CLAUSAL and c.text not in _BREAKS)
    out.sort(key=lambda t: t.i)
    return out


def _phrase(tok) -> list:
    """The noun phrase headed by ``tok``: its subtree without clauses, conjuncts, a leading
    determiner and whitespace at either end (a masked dateline before the first word is white
    space the parser may attach to it, and no part of the phrase in the original text)."""
    out = _subtree(tok)
    while out and (out[0].dep_ == "det" or out[0].pos_ == "PUNCT" or out[0].is_space):
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

    def remember(self, att: Attribution, person: bool, words: str | None = None) -> None:
        """Note a source; ``words`` is its whole phrase ("deputy kang dae sik, a member of ...")."""
        if person:
            self.last_person = att
        self.last_any = att
        self.history.append(att)
        self.words.append(set((words or att.text).lower().split()))

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

    def find(self, ctx: "DocContext", sent, clauses: list[Clause], memory: SourceMemory) -> list[Frame]:
        frames: list[Frame] = []
        by_head = {c.head.i: c for c in clauses}
        for clause in clauses:
            v = clause.head
            calls_untrue = _calls_untrue(ctx, v)
            if (v.i not in ctx.report_tokens and not calls_untrue) or v.pos_ not in ("VERB", "AUX"):
                continue
            comps = [c for c in clauses if c.parent is clause and (
                c.head.dep_ in ("ccomp", "acl")
                or c.head.dep_ in ("conj", "parataxis", "advcl") and c.head.i > v.i and not has_subject(c.head))]
            if not comps and not calls_untrue and _shows_materiel(ctx, v):
                continue  # "Satellite images show two drones at the base, analysts said": it asserts
            frame = Frame(verb=v, denies=calls_untrue)
            if comps:
                for comp in comps:
                    frame.governs |= _descendant_heads(comp)
            elif v.dep_ == "relcl" and frame.negating and clause.nominal is None:
                # "..., which the Serbian government denied", "an allegation Abu Dhabi denied": a
                # denial of the claim before it, a claim of its own that does not negate that one
                clause.denial = True
            else:
                # trailing or parenthetical "..., X said": governs the rest of the sentence
                own = _descendant_heads(clause)
                frame.governs = {c.head.i for c in clauses if c.head.i not in own}
                if clause.parent is not None:
                    frame.governs.add(clause.parent.head.i)
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
            frame.links = self._frame_links(ctx, v, memory)
            for c in v.children:
                if c.dep_ in ("nsubj", "nsubjpass"):
                    ids = {t.i for t in c.subtree}
                    frame.subjects.extend(
                        m for m in ctx.entities
                        if m.start in ids and (m.value.type != ActorType.person or getattr(m.value, "state", None))
                    )
            frames.append(frame)
        return frames

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
        if not subj and v.dep_ == "conj":
            # "The Economist put the batch at 10 and said ...": the conjoined verb shares the subject
            subj = [c for c in v.head.children if c.dep_ in ("nsubj", "nsubjpass")]
        for s in subj:
            for tok in [s] + [c for c in s.children if c.dep_ == "conj"]:
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
        return dedupe_links(outlets + speakers + cited)

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
        for acl in tok.children:
            if acl.dep_ == "acl" and acl.lower_ in _RELAYING:
                for agent in acl.children:
                    if agent.dep_ == "agent":
                        for who in agent.children:
                            att = self.sources.link(ctx, who, memory, acl.text)
                            if att is not None:
                                links.append(att)
        links.extend(self.sources.link_all(ctx, tok, memory, cue))
        return links

    def _outlet(self, ctx: "DocContext", tok, memory: SourceMemory, cue: str) -> Attribution | None:
        """An outlet the speaker told or spoke to: only a named one, or "the newspaper"."""
        if not any(t.i in ctx.entity_by_token for t in tok.subtree) and not tok.lower_ in (
            "newspaper", "paper", "broadcaster", "agency", "outlet", "daily", "channel", "magazine"
        ):
            return None
        return self.sources.link(ctx, tok, memory, cue, media_only=True)

    def according_to(self, ctx: "DocContext", sent, memory: SourceMemory) -> list[tuple[list[Attribution], set[int]]]:
        """``according to X`` phrases: their links and the tokens they cover."""
        out = []
        for tok in sent:
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

    def _phrase_sources(self, ctx: "DocContext", head, memory: SourceMemory) -> list[Attribution]:
        """Sources named in a phrase: "an investigation published by Reuters and the Open Source
        Centre" (its authors), "Ukrainian intelligence cited by the Kyiv Independent" (the outlet,
        then what it cites)."""
        doc = ctx.doc
        if any(acl.dep_ == "acl" and acl.lower_ in _RELAYING and acl.lower_ not in _AUTHORING
               and any(a.dep_ == "agent" for a in acl.children) for acl in head.children):
            return self._relayed_chain(ctx, head, memory, "according to")
        named = []
        seen = set()
        for t in head.subtree:
            m = ctx.entity_by_token.get(t.i)
            if m is not None and id(m) not in seen and (m.value.source_kind is not None or m.value.type == ActorType.person):
                seen.add(id(m))
                tok = doc[m.end - 1]
                att = self.sources.link(ctx, tok, memory, "according to")
                if att is not None:
                    named.append(att)
        if named:
            named = dedupe_links(named)
            if SourceKind.document in _DEFINITE_KINDS.get(head.lower_, ()) and head.i not in ctx.entity_by_token:
                memory.remember_authors(named)
            return named
        return self.sources.link_all(ctx, head, memory, "according to")


def apply_citations(claims: list, citations: list[tuple[str, list[Attribution]]]) -> None:
    """Deepen every chain that ends at a source which, somewhere in the document, is said to cite
    another ("Yonhap News TV cites a report disclosed by Deputy Kang")."""
    for citer, cited in citations:
        key = set(citer.lower().split())
        for claim in claims:
            chain = claim.attributions
            last = set(chain[-1].source.lower().split()) if chain else set()
            if last and (key <= last or last <= key):
                names = {a.source.lower() for a in chain}
                chain.extend(a for a in cited if a.source.lower() not in names)


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


#: Participles that relay a source inside a source phrase ("a report disclosed by the deputy").
_RELAYING = vocabulary.source_verbs("relaying")
#: Verbs of citing: "Yonhap cites a report disclosed by Deputy Kang" deepens Yonhap's chains.
#: Participles naming a source's author rather than who relayed it ("a study published by RAND").
_AUTHORING = vocabulary.source_verbs("authoring")
_CITING = vocabulary.source_verbs("citing")
BARE_BODIES = vocabulary.source_nouns("bare_body")
_BACK_REFERENCES = vocabulary.source_nouns("back_reference")
