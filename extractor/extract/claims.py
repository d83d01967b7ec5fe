"""Claim assembly: from a parsed Doc and the finders' mentions to claims.

For each sentence (headings, bylines and captions give none):

1. :func:`~extractor.extract.clauses.segment` cuts it into clauses; a clause that asserts nothing
   about materiel on its own is folded into the clause above it.
2. Reporting verbs become attribution frames (:mod:`extractor.extract.attributions`); their own
   words ("the Pentagon said on Friday") are not evidence and their dates are the reporting act's.
3. Every remaining clause with a trigger and something about materiel or its parties is a claim:
   its evidence is the contiguous run of its tokens around the verb; actors get roles from the
   dependency path (:mod:`extractor.extract.roles`); munitions, quantities and dates are the
   mentions inside it; modality comes from the ConText-style cues.

The component stores plain dicts on ``doc._.extractor_claims`` (they cross process boundaries
with ``nlp.pipe(n_process=...)``); offsets are shifted by ``doc._.extractor_offset`` so they
index the original document text.
"""

from __future__ import annotations

import datetime as dt
import logging

from ..isodate import parse_published
from ..models import (
    Actor,
    ActorType,
    Attribution,
    ClaimType,
    Modality,
    Role,
    Span,
    make_claim_id,
)
from .attributions import Frame, SourceMemory, SourceResolver
from .clauses import Clause, evidence_range, fold, segment
from .roles import relation, role_for
from .triggers import noun_trigger

log = logging.getLogger(__name__)

#: Units that carry materiel without naming it: their claims borrow the sentence's munitions.
CARRIER_UNITS = frozenset({"container", "shipment", "consignment", "cargo", "train", "wagon", "flight",
                           "voyage", "vessel", "ship", "batch", "package", "load", "delivery", "crate"})
#: Nouns that stand for a state's institutions: a demonym or possessive on them is that state.
BODY_NOUNS = frozenset({
    "forces", "force", "military", "army", "navy", "troops", "units", "unit", "government", "governments",
    "ministry", "officials", "plants", "factories", "industry", "ships", "vessels", "vessel", "gunners",
    "pilots", "soldiers", "authorities", "leader", "president", "cabinet", "parliament", "companies",
    "company", "firms", "manufacturers", "producers", "makers", "crews", "brigades", "battalion",
})
#: Nouns of place: a demonym on them ("the Ukrainian border") names a location, not a party,
#: except as the target of an attack ("Ukrainian cities").
PLACE_NOUNS = frozenset({
    "border", "borders", "port", "ports", "region", "regions", "coast", "territory", "city", "cities",
    "capital", "soil", "airspace", "waters", "front", "frontline", "side", "town", "towns", "villages",
})
#: Nouns that carry a role of their own: "American and Spanish buyers" are recipients.
ROLE_NOUNS = {
    **{n: Role.recipient for n in ("buyer", "buyers", "customer", "customers", "client", "clients",
                                   "importer", "importers", "recipient", "recipients")},
    **{n: Role.supplier for n in ("seller", "sellers", "supplier", "suppliers", "exporter", "exporters",
                                  "donor", "donors", "backers")},
    **{n: Role.producer for n in ("maker", "makers", "manufacturer", "manufacturers", "producer",
                                  "producers")},
}
#: Participles that relay a source inside a source phrase ("a report disclosed by the deputy").
_RELAYING = frozenset({"cited", "disclosed", "published", "released", "prepared", "quoted", "obtained",
                       "seen", "reviewed", "compiled", "leaked", "provided", "commissioned"})
#: Verbs of citing: "Yonhap cites a report disclosed by Deputy Kang" deepens Yonhap's chains.
_CITING = frozenset({"cites", "cited", "cite", "citing", "quotes", "quoted", "quoting"})
_FUTURE = frozenset({"will", "would", "'ll", "shall"})
_PLAN_VERBS = frozenset({"plans", "plan", "planned", "intends", "intend", "aims", "aim", "is", "are"})
_HEADLINE_END = (".", "!", "?", '"', "”", "’", "'", ":", ")")


def _offset_span(start: int, end: int, offset: int) -> Span:
    return Span(start=start + offset, end=end + offset)


class ClaimAssembler:
    """spaCy component ``extractor_claims``: fills ``doc._.extractor_claims``."""

    def __init__(self, vocab):
        from .cues import CueMatcher
        from .dates import DateResolver
        from .entities import Gazetteer, source_kind
        from .munitions import MunitionFinder

        self.munitions = MunitionFinder(vocab)
        self.gazetteer = Gazetteer(vocab)
        self.cues = CueMatcher(vocab)
        self.dates = DateResolver()
        self.sources = SourceResolver(self.gazetteer, source_kind)

    # -- component entry point -------------------------------------------------------------
    def __call__(self, doc):
        try:
            doc._.extractor_claims = self.assemble(doc)
        except Exception:  # one bad document must never stop a batch; it is logged with its id
            log.exception("claim assembly failed for doc %r", doc._.extractor_doc_id)
            doc._.extractor_claims = []
        return doc

    def assemble(self, doc) -> list[dict]:
        from .dates import find_dates
        from .quantities import find_quantities

        published = _published(doc._.extractor_published)
        offset = doc._.extractor_offset or 0
        doc_id = doc._.extractor_doc_id or "doc"
        munitions = self.munitions.find(doc)
        quantities = find_quantities(doc, munitions)
        dates = find_dates(doc, self.dates, published)
        entities = self.gazetteer.find(doc)
        cues = self.cues.find(doc)
        ctx = _DocContext(doc, offset, munitions, quantities, dates, entities, cues)
        memory = SourceMemory()
        claims: list[dict] = []
        for sent in doc.sents:
            if _is_heading(doc, sent):
                continue
            claims.extend(self._sentence_claims(ctx, sent, memory, doc_id))
        _apply_citations(claims, ctx.citations)
        for claim in claims:
            claim.pop("_speakers", None)
        return claims

    # -- one sentence ------------------------------------------------------------------------
    def _sentence_claims(self, ctx: "_DocContext", sent, memory: SourceMemory, doc_id: str) -> list[dict]:
        doc = ctx.doc
        clauses = segment(sent)
        frames = self._frames(ctx, sent, clauses, memory)
        frame_heads = {f.verb.i for f in frames}
        frame_tokens: set[int] = set()
        for f in frames:
            frame_tokens |= f.tokens
        according = self._according_to(ctx, sent, memory)
        for _, toks in according:
            frame_tokens |= toks

        # fold clauses that assert nothing on their own, innermost first
        for clause in sorted(clauses, key=lambda c: -c.depth):
            if clause.parent is None or clause.head.i in frame_heads:
                continue
            if not self._qualifies(ctx, clause, frame_tokens):
                if _independent(clause):
                    # "..., and have since led a coalition": a clause of its own that asserts
                    # nothing about materiel is left out rather than swelling its neighbour
                    clause.tokens = set()
                else:
                    fold(clause)
        self_governed = {f.verb.i for f in frames if f.verb.i in f.governs}
        live = [c for c in clauses if c.tokens and (c.head.i not in frame_heads or c.head.i in self_governed)
                and self._qualifies(ctx, c, frame_tokens)]
        exclude = set(frame_tokens)
        for c in live:
            if c.head.i in self_governed:
                exclude -= c.tokens
        out: list[tuple[Clause, dict]] = []
        for clause in sorted(live, key=lambda c: c.head.i):
            rng = evidence_range(doc, clause, exclude)
            if rng is None:
                continue
            claim = self._claim(ctx, sent, clause, rng, frames, according, memory, doc_id)
            if claim is not None:
                out.append((clause, claim))
                ctx.sentence_subjects = [a for a in claim["actors"] if a["role"] in ("supplier", "user", "producer")] \
                    or ctx.sentence_subjects
        self._inherit(out)
        ctx.history.extend(c for _, c in out)
        for _, claim in out:
            self._complete_pair(ctx, claim)
        ctx.sentence_subjects = []
        for clause, claim in out:
            subj_actors = [a for a in claim["actors"] if a["role"] in ("supplier", "user", "producer", "party")]
            if subj_actors:
                memory_actors = subj_actors
                ctx.last_subject_actors = memory_actors
        return [c for _, c in out]

    def _qualifies(self, ctx: "_DocContext", clause: Clause, frame_tokens: set[int]) -> bool:
        toks = clause.tokens - frame_tokens
        if clause.denial:
            return True
        if not toks:
            return False
        has_mun = any(m.start in toks for m in ctx.munitions)
        has_qty = any(q.start in toks for q in ctx.quantities)
        has_actor = any(e.start in toks and _acts(e.value) for e in ctx.entities)
        if _describes_weapon(ctx, clause, toks, has_actor):
            return False
        if clause.trigger is None and clause.nominal is None:
            return has_mun and has_qty
        if clause.head.dep_ == "xcomp" and clause.head.head.lower_ in ("able", "capable") and not has_qty:
            return False  # "able to intercept ballistic missiles": a capability, not a count
        if not has_mun and clause.head.dep_ == "relcl" and clause.head.head.i in ctx.munition_tokens and any(
                c.dep_ in ("dobj", "nsubjpass", "nsubj") and c.lower_ in ("which", "that") for c in clause.head.children):
            has_mun = True  # "drones, which Russian forces have launched at Ukrainian cities"
        if clause.trigger is not None and clause.trigger.frame in ("assess", "other") and not (has_mun or has_qty):
            return False
        if clause.head.dep_ == "relcl" and not (has_mun or has_qty) and clause.frame_trigger is not None \
                and clause.frame_trigger.frame in ("out", "in", "arrive", "agree"):
            return False  # "the jets it promised Ukraine": restates the goods of its parent
        frame = (clause.frame_trigger or clause.trigger).frame if clause.trigger is not None else "other"
        generic = clause.trigger is not None and all(
            t.generic for t in (clause.trigger, clause.frame_trigger) if t is not None)
        acting = frame in ("out", "in", "arrive", "use", "produce", "agree") and not generic
        return has_mun or has_qty or has_actor and (acting or _has_materiel_word(ctx.doc, toks))

    # -- frames ------------------------------------------------------------------------------
    def _frames(self, ctx: "_DocContext", sent, clauses: list[Clause], memory: SourceMemory) -> list[Frame]:
        doc = ctx.doc
        report_tokens = {c.start for c in ctx.cues if c.category.value == "REPORT"}
        frames: list[Frame] = []
        by_head = {c.head.i: c for c in clauses}
        for clause in clauses:
            v = clause.head
            if v.i not in report_tokens or v.pos_ not in ("VERB", "AUX"):
                continue
            comps = [c for c in clauses if c.parent is clause and (
                c.head.dep_ in ("ccomp", "acl")
                or c.head.dep_ in ("conj", "parataxis", "advcl") and c.head.i > v.i and not _has_subject(c.head))]
            frame = Frame(verb=v)
            if comps:
                for comp in comps:
                    frame.governs |= _descendant_heads(comp)
            else:
                # trailing or parenthetical "..., X said": governs the rest of the sentence
                own = _descendant_heads(clause)
                frame.governs = {c.head.i for c in clauses if c.head.i not in own}
                if clause.parent is not None:
                    frame.governs.add(clause.parent.head.i)
            if v.dep_ == "conj" and not _has_subject(v) and v.head.i in by_head:
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
                if clause.nominal is None and frame.negating and _refers_back(v):
                    clause.denial = True
                elif clause.nominal is None:
                    continue
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

    def _frame_links(self, ctx: "_DocContext", v, memory: SourceMemory) -> list[Attribution]:
        doc = ctx.doc
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
                for acl in tok.children:
                    if acl.dep_ == "acl" and acl.lower_ in _RELAYING:
                        for agent in acl.children:
                            if agent.dep_ == "agent":
                                for who in agent.children:
                                    att = self.sources.link(doc, who, ctx.entity_by_token, ctx.offset, memory, acl.text)
                                    if att is not None:
                                        speakers.append(att)
                att = self.sources.link(doc, tok, ctx.entity_by_token, ctx.offset, memory, v.text)
                if att is not None:
                    speakers.append(att)
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
                    if o.lower_ in ("interview", "statement", "report", "article"):
                        for p in o.children:
                            if p.dep_ == "prep" and p.lower_ in ("with", "to", "by"):
                                for oo in p.children:
                                    att = self._outlet(ctx, oo, memory, "interview")
                                    if att is not None:
                                        outlets.append(att)
            if c.lower_ in ("citing", "quoting") or (c.dep_ in ("advcl", "xcomp", "conj") and c.lower_ in ("citing", "quoting")):
                for o in c.children:
                    if o.dep_ in ("dobj", "pobj"):
                        att = self.sources.link(doc, o, ctx.entity_by_token, ctx.offset, memory, c.text)
                        if att is not None:
                            cited.append(att)
        for s in subj:
            for c in s.children:
                if c.lower_ in ("citing", "quoting"):
                    for o in c.children:
                        if o.dep_ in ("dobj", "pobj"):
                            att = self.sources.link(doc, o, ctx.entity_by_token, ctx.offset, memory, c.text)
                            if att is not None:
                                cited.append(att)
        return _dedupe(outlets + speakers + cited)

    def _citation(self, ctx: "_DocContext", v, memory: SourceMemory) -> None:
        """"Yonhap News TV cites a report disclosed by Deputy Kang": remember that chains ending
        at Yonhap continue with Kang and the report (applied to the whole document at the end)."""
        doc = ctx.doc
        citer = self._frame_links(ctx, v, memory)
        if not citer:
            return
        cited: list[Attribution] = []
        for obj in v.children:
            if obj.dep_ not in ("dobj", "attr"):
                continue
            for acl in obj.children:
                if acl.dep_ == "acl" and acl.lower_ in _RELAYING:
                    for agent in acl.children:
                        if agent.dep_ == "agent":
                            for who in agent.children:
                                att = self.sources.link(doc, who, ctx.entity_by_token, ctx.offset, memory, acl.text)
                                if att is not None:
                                    cited.append(att)
            att = self.sources.link(doc, obj, ctx.entity_by_token, ctx.offset, memory, v.text)
            if att is not None:
                cited.append(att)
        if cited:
            ctx.citations.append((citer[-1].source, cited))

    def _outlet(self, ctx: "_DocContext", tok, memory: SourceMemory, cue: str) -> Attribution | None:
        """An outlet the speaker told or spoke to: only a named one, or "the newspaper"."""
        if not any(t.i in ctx.entity_by_token for t in tok.subtree) and not tok.lower_ in (
            "newspaper", "paper", "broadcaster", "agency", "outlet", "daily", "channel", "magazine"
        ):
            return None
        return self.sources.link(ctx.doc, tok, ctx.entity_by_token, ctx.offset, memory, cue, media_only=True)

    def _according_to(self, ctx: "_DocContext", sent, memory: SourceMemory) -> list[tuple[list[Attribution], set[int]]]:
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
        return out

    def _phrase_sources(self, ctx: "_DocContext", head, memory: SourceMemory) -> list[Attribution]:
        """Sources named in a phrase: "an investigation published by Reuters and the Open Source Centre"."""
        doc = ctx.doc
        named = []
        seen = set()
        for t in head.subtree:
            m = ctx.entity_by_token.get(t.i)
            if m is not None and id(m) not in seen and (m.value.source_kind is not None or m.value.type == ActorType.person):
                seen.add(id(m))
                tok = doc[m.end - 1]
                att = self.sources.link(doc, tok, ctx.entity_by_token, ctx.offset, memory, "according to")
                if att is not None:
                    named.append(att)
        if named:
            return _dedupe(named)
        att = self.sources.link(doc, head, ctx.entity_by_token, ctx.offset, memory, "according to")
        return [att] if att is not None else []

    # -- one claim ---------------------------------------------------------------------------
    def _claim(self, ctx, sent, clause: Clause, rng, frames, according, memory, doc_id) -> dict | None:
        from .cues import modality_for

        doc, offset = ctx.doc, ctx.offset
        start, end = rng
        toks = set(range(start, end)) & clause.tokens | set(range(start, end))
        frame_trigger = clause.frame_trigger
        claim_type = clause.trigger.claim_type if clause.trigger is not None else None
        nominal = clause.nominal
        if claim_type is None and nominal is not None:
            nt = noun_trigger(nominal)
            claim_type = nt.claim_type
            frame_trigger = nt
        if claim_type is None:
            claim_type = ClaimType.other
        governing = [f for f in frames if clause.head.i in f.governs]
        governing.sort(key=lambda f: _depth(f.verb))
        if any(f.assessing for f in governing) and claim_type in (ClaimType.transfer, ClaimType.other):
            claim_type = ClaimType.assessment
        # attributions: frames outermost first, then "according to"
        links: list[Attribution] = []
        for f in governing:
            links.extend(f.links)
        for acc_links, acc_toks in according:
            links.extend(acc_links)
        links = _dedupe(links)
        para = ctx.doc.text.count("\n\n", 0, sent.start_char) if "\n\n" in ctx.doc.text else ctx.doc.text.count("\n", 0, sent.start_char)
        if links:
            ctx.last_links = (para, links)
        elif ctx.last_links is not None and ctx.last_links[0] == para and not frames:
            # a follow-on sentence of the same paragraph continues the same statement
            links = list(ctx.last_links[1])
        # modality: cues over the clause and its frames
        modality = modality_for(sent, ctx.cues, clause.chain[-1].i)
        if any(f.negating for f in governing):
            modality = Modality.negated
        actors = self._actors(ctx, clause, toks, frame_trigger, nominal, governing)
        acting = next((a for a in actors if a.type == ActorType.state and a.role in (Role.supplier, Role.producer, Role.user, Role.party)), None)
        if acting is not None:
            # "Japan will ship ..., the government said": the bare body is the acting state's
            links = [a.model_copy(update={"source": acting.name}) if a.source.lower() in _BARE_BODIES else a for a in links]
        if clause.denial:
            return self._denial(ctx, clause, rng, governing, links, doc_id)
        munitions = [m for m in ctx.munitions if start <= m.start < end]
        quantities = [q for q in ctx.quantities if start <= q.start < end]
        own_dates = [d for d in ctx.dates if start <= d.start < end]
        frame_dates = []
        if _is_future(clause) or claim_type == ClaimType.agreement and not _is_past_perfect(clause):
            for f in governing:
                frame_dates.extend(d for d in ctx.dates if d.start in f.tokens)
        date_items = own_dates + [d for d in frame_dates if d not in own_dates]
        claim = {
            "schema_version": "1.0",
            "claim_id": make_claim_id(doc_id, doc[start].idx + offset, doc[end - 1].idx + len(doc[end - 1]) + offset),
            "doc_id": doc_id,
            "text": doc.text[doc[start].idx: doc[end - 1].idx + len(doc[end - 1])],
            "span": {"start": doc[start].idx + offset, "end": doc[end - 1].idx + len(doc[end - 1]) + offset},
            "claim_type": claim_type.value,
            "modality": modality.value,
            "actors": [a.model_dump(mode="json") for a in actors],
            "quantities": [_shift(q.value, offset) for q in quantities],
            "munitions": _dedupe_munitions([_shift(m.value, offset) for m in munitions]),
            "dates": [_shift(d.value, offset) for d in date_items if d.value.start or d.value.end],
            "attributions": [a.model_dump(mode="json") for a in links],
        }
        claim["_speakers"] = [_as_state(m.value)["name"] for f in governing for m in f.subjects]
        return claim

    def _denial(self, ctx, clause: Clause, rng, governing, links, doc_id) -> dict | None:
        """"Tehran rejects the charge": the claim referred back to, negated, by its subject."""
        doc, offset = ctx.doc, ctx.offset
        speakers = [_as_state(m.value) for f in governing for m in f.subjects]
        previous = None
        for old in reversed(ctx.history):
            if not speakers or any(a["name"] == sp["name"] for a in old["actors"] for sp in speakers):
                previous = old
                break
        if previous is None:
            return None
        start, end = rng
        s_char, e_char = doc[start].idx, doc[end - 1].idx + len(doc[end - 1])
        actors = []
        for sp in speakers:
            role = next((a["role"] for a in previous["actors"] if a["name"] == sp["name"]), "other")
            actors.append({**next(a for a in previous["actors"] if a["name"] == sp["name"]), "role": role}
                          if role != "other" else None)
        return {
            "schema_version": "1.0",
            "claim_id": make_claim_id(doc_id, s_char + offset, e_char + offset),
            "doc_id": doc_id,
            "text": doc.text[s_char:e_char],
            "span": {"start": s_char + offset, "end": e_char + offset},
            "claim_type": previous["claim_type"],
            "modality": Modality.negated.value,
            "actors": [a for a in actors if a],
            "quantities": [],
            "munitions": [dict(m) for m in previous["munitions"]],
            "dates": [],
            "attributions": [a.model_dump(mode="json") for a in links],
        }

    def _actors(self, ctx, clause: Clause, toks: set[int], frame_trigger, nominal, governing=()) -> list[Actor]:
        doc, offset = ctx.doc, ctx.offset
        frame = frame_trigger.frame if frame_trigger is not None else "other"
        chain_ids = {t.i for t in clause.chain}
        if nominal is not None and clause.trigger is None:
            chain_ids = {nominal.i}
        found: list[Actor] = []
        mun_tokens = ctx.munition_tokens
        raising = clause.chain[0].i if len(clause.chain) > 1 else None
        for m in ctx.entities:
            if m.start not in toks or any(i in mun_tokens for i in range(m.start, m.end)):
                continue
            ent = m.value
            name, etype = ent.name, ent.type
            if etype not in (ActorType.company, ActorType.armed_group, ActorType.state) and getattr(ent, "state", None):
                # a leader, ministry or army acting for its state ("Putin promised" → Russia)
                name, etype = ent.state, ActorType.state
            elif etype == ActorType.person or not _is_actor_type(ent):
                continue
            head = doc[m.head]
            role: Role | None = None
            if clause.gapped:
                role = role_for(frame, "subj")
            elif ent.made_in:
                # "North Korean-made" → producer; "U.S.-supplied" → supplier
                role = Role.supplier if getattr(ent, "origin", None) in ("supplied", "provided", "donated") else Role.producer
            elif ent.is_demonym or head.dep_ in ("amod", "compound", "poss", "nmod") and head.head.i not in chain_ids:
                noun = head.head if head.dep_ in ("amod", "compound", "poss", "nmod") else head
                if noun.i in mun_tokens and noun.lower_ not in BODY_NOUNS:
                    if not ent.is_demonym and head.dep_ in ("compound", "nmod") and frame in ("out", "agree") \
                            and relation(noun, chain_ids, set(), clause.raised, raising) == "obj":
                        role = Role.recipient  # "send Ukraine cluster munitions" parsed as a compound
                    else:
                        role = Role.producer
                elif noun_trigger(noun) is not None:
                    nt = noun_trigger(noun)
                    role = role_for(nt.frame, "amod" if head.dep_ != "poss" else "poss")
                elif noun.lower_ in ROLE_NOUNS and (ent.is_demonym or head.dep_ != "poss"):
                    role = ROLE_NOUNS[noun.lower_]
                elif noun.lower_ in PLACE_NOUNS and frame != "use":
                    continue
                else:
                    role = role_for(frame, relation(noun, chain_ids, set(), clause.raised, raising))
            else:
                role = role_for(frame, relation(head, chain_ids, set(), clause.raised, raising))
            if role is None:
                continue
            found.append(Actor(
                text=ent_text(doc, m), span=_offset_span(doc[m.start].idx, doc[m.end - 1].idx + len(doc[m.end - 1]), offset),
                name=name, role=role, type=etype, entity_id=ent.entity_id,
            ))
        # a subject that points elsewhere ("it had sent", "they signed", "the country",
        # "his troops", "which", or the shared subject of a conjoined verb)
        if not any(_is_subject_role(a, frame) for a in found):
            role = role_for(frame, "subj") or Role.other
            for subj, antecedents in self._subject_antecedents(ctx, clause, governing, role):
                if subj.lower_ == "they" and frame == "agree":
                    role = Role.party
                for prev in antecedents:
                    found.append(Actor(
                        text=subj.text, span=_offset_span(subj.idx, subj.idx + len(subj), offset), name=prev["name"],
                        role=role, type=ActorType(prev.get("type") or "state"), entity_id=prev.get("entity_id"),
                    ))
        return _dedupe_actors(found)

    def _subject_antecedents(self, ctx, clause: Clause, governing, role: Role):
        """``(subject token, [actor dicts])`` for a clause whose subject names no actor itself."""
        head = clause.chain[0]
        subjects = [c for t in clause.chain for c in t.children if c.dep_ in ("nsubj", "nsubjpass")]
        if not subjects and head.dep_ == "conj":
            # "Pakistan kept a policy of neutrality and did not provide ammunition": shared subject
            shared = [c for c in head.head.children if c.dep_ in ("nsubj", "nsubjpass")]
            for subj in shared:
                ids = {t.i for t in subj.subtree}
                ents = [_as_state(m.value) for m in ctx.entities if m.start in ids and _acts(m.value)]
                if ents:
                    yield subj, ents
            return
        for subj in subjects:
            lower = subj.lower_
            poss = lower in BODY_NOUNS and any(
                p.dep_ == "poss" and p.lower_ in ("his", "her", "its", "their") for p in subj.children)
            definite = lower in ("country", "government") and _is_bare_definite(subj)
            if lower in ("which", "that", "who"):
                antecedent = _relative_antecedent(ctx, clause, subj)
                if antecedent is not None and role != Role.other:
                    yield subj, [_as_state(antecedent.value)]
                continue
            if lower not in ("it", "they", "he", "she") and not poss and not definite:
                continue
            speaker = [m for f in governing for m in f.subjects]
            if ctx.sentence_subjects and not definite:
                # "... said Pakistan was preparing to ship ..., and that it had sent ..."
                antecedents = ctx.sentence_subjects
            elif speaker:
                # "Pakistan denied that it is arming Ukraine": the pronoun is the speaker
                antecedents = [_as_state(m.value) for m in speaker]
            else:
                antecedents = ctx.last_subject_actors
            if antecedents:
                yield subj, antecedents[:2 if lower == "they" else 1]

    @staticmethod
    def _complete_pair(ctx: "_DocContext", claim: dict) -> None:
        """Discourse memory of the last supplier → recipient pair: a transfer that names one side
        of the pair takes the other ("Iran had received some of the jets" after "Russia ... Iran")."""
        if claim["claim_type"] not in ("transfer", "agreement"):
            return
        sup = [a for a in claim["actors"] if a["role"] == "supplier"]
        rec = [a for a in claim["actors"] if a["role"] == "recipient"]
        pair = ctx.last_pair
        if sup and rec:
            ctx.last_pair = (sup, rec)
            return
        if pair is None or not claim["munitions"] and not claim["quantities"] and claim["claim_type"] != "transfer":
            return
        names = {a["name"] for a in claim["actors"]}
        psup, prec = pair
        speakers = set(claim.get("_speakers", ()))
        if not sup and not rec and speakers and speakers <= {a["name"] for a in psup + prec}:
            # "Moscow and Pyongyang deny any arms transfers": the deniers are the pair
            claim["actors"].extend(dict(a) for a in psup + prec if a["name"] not in names)
            return
        if sup and not rec and {a["name"] for a in sup} == {a["name"] for a in psup}:
            claim["actors"].extend(dict(a) for a in prec if a["name"] not in names)
        elif rec and not sup and {a["name"] for a in rec} == {a["name"] for a in prec}:
            claim["actors"].extend(dict(a) for a in psup if a["name"] not in names)
        elif sup and not rec and not any(a["name"] in names for a in prec):
            pass

    @staticmethod
    def _inherit(out: list[tuple[Clause, dict]]) -> None:
        """Within a sentence: a clause with no parties takes its parent's; carrier counts take the
        sentence's munitions; a relative clause takes its parent's dates."""
        by_clause = {id(c): claim for c, claim in out}
        for clause, claim in out:
            parent = clause.parent
            while parent is not None and id(parent) not in by_clause:
                parent = parent.parent
            donor = by_clause.get(id(parent)) if parent is not None else (out[0][1] if out and out[0][1] is not claim else None)
            if donor is None:
                continue
            if not claim["actors"]:
                claim["actors"] = [dict(a) for a in donor["actors"]]
            if clause.gapped and not claim["munitions"]:
                claim["munitions"] = [dict(m) for m in donor["munitions"]]
            if not claim["dates"] and clause.head.dep_ in ("relcl", "advcl", "conj", "xcomp"):
                claim["dates"] = [dict(d) for d in donor["dates"]]
        all_munitions = []
        for _, claim in out:
            all_munitions.extend(claim["munitions"])
        for _, claim in out:
            units = {(q.get("unit") or "") for q in claim["quantities"]}
            if not claim["munitions"] and units and all(u in CARRIER_UNITS for u in units):
                claim["munitions"] = _dedupe_munitions([dict(m) for m in all_munitions])


class _DocContext:
    def __init__(self, doc, offset, munitions, quantities, dates, entities, cues):
        self.doc = doc
        self.offset = offset
        self.munitions = munitions
        self.quantities = quantities
        self.dates = dates
        self.entities = entities
        self.cues = cues
        self.entity_by_token = {}
        for m in entities:
            for i in range(m.start, m.end):
                self.entity_by_token[i] = m
        self.munition_tokens = set()
        for m in munitions:
            self.munition_tokens.update(range(m.start, m.end))
        self.last_subject_actors: list[dict] = []
        self.last_pair: tuple[list[dict], list[dict]] | None = None
        self.last_links: tuple[int, list] | None = None
        self.history: list[dict] = []
        self.sentence_subjects: list[dict] = []
        self.citations: list[tuple[str, list[Attribution]]] = []


def ent_text(doc, m) -> str:
    return doc.text[doc[m.start].idx: doc[m.end - 1].idx + len(doc[m.end - 1])]


def _apply_citations(claims: list[dict], citations: list[tuple[str, list[Attribution]]]) -> None:
    """Deepen every chain that ends at a source which, somewhere in the document, is said to cite
    another ("Yonhap News TV cites a report disclosed by Deputy Kang")."""
    for citer, cited in citations:
        key = set(citer.lower().split())
        for claim in claims:
            chain = claim["attributions"]
            last = set(chain[-1]["source"].lower().split()) if chain else set()
            if last and (key <= last or last <= key):
                names = {a["source"].lower() for a in chain}
                chain.extend(a.model_dump(mode="json") for a in cited if a.source.lower() not in names)


def verb_trigger_token(clause: Clause):
    """The chain token that carries the clause's trigger."""
    from .triggers import verb_trigger

    return next((t for t in clause.chain if verb_trigger(t) is not None), None)


def _has_subject(tok) -> bool:
    return any(c.dep_ in ("nsubj", "nsubjpass", "expl") for c in tok.children)


_BARE_BODIES = frozenset({"government", "ministry", "country", "authorities", "cabinet"})


def _independent(clause: Clause) -> bool:
    """A conjoined clause with its own subject or auxiliary stands on its own."""
    head = clause.head
    return head.dep_ == "conj" and any(c.dep_ in ("nsubj", "nsubjpass", "aux", "auxpass") for c in head.children)


_TRANSFER_FRAMES = frozenset({"out", "in", "arrive"})


def _describes_weapon(ctx, clause: Clause, toks: set[int], has_actor: bool) -> bool:
    """A technical description: the weapon itself is the subject and no party acts
    ("The truck-mounted gun can strike targets 40 km away", "The CV90 carries eight soldiers").
    A weapon that is moved ("The aircraft were moved overland", "The jets reached Ukraine") is
    still a transfer."""
    if has_actor:
        return False
    first = clause.chain[0]
    subj = next((c for c in first.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    if subj is None or subj.i not in ctx.munition_tokens or subj.i not in toks:
        return False
    frame = clause.frame_trigger.frame if clause.frame_trigger is not None else None
    if frame == "arrive" or subj.dep_ == "nsubjpass" and frame in _TRANSFER_FRAMES:
        return False
    return True


def _acts(ent) -> bool:
    """Whether an entity can act as a party (a state, group, company, or a body or person of a state)."""
    return _is_actor_type(ent) or bool(getattr(ent, "state", None))


def _is_bare_definite(tok) -> bool:
    """"the country" with nothing else that names it."""
    return any(c.dep_ == "det" and c.lower_ == "the" for c in tok.children) and not any(
        c.dep_ in ("amod", "compound", "poss", "prep") for c in tok.children)


def _relative_antecedent(ctx, clause: Clause, pronoun):
    """The entity a relative pronoun subject stands for ("Serbia, which still produces ...")."""
    if pronoun.lower_ not in ("which", "that", "who") or clause.head.dep_ != "relcl":
        return None
    return ctx.entity_by_token.get(clause.head.head.i)


def _as_state(ent) -> dict:
    """An entity as an actor dict; a person acting for a state ("Putin") becomes the state."""
    if ent.type == ActorType.person and getattr(ent, "state", None):
        return {"name": ent.state, "type": "state", "entity_id": getattr(ent, "state_id", None)}
    return {"name": ent.name, "type": ent.type.value, "entity_id": ent.entity_id}


def _is_actor_type(ent) -> bool:
    """States, alliances, armed groups and companies are actors; an unknown place or an unresolved
    organisation name (often a mis-tagged weapon) is not."""
    if ent.type in (ActorType.state, ActorType.alliance, ActorType.armed_group, ActorType.company):
        return True
    return ent.entity_id is not None and ent.source_kind is None


def _is_subject_role(actor: Actor, frame: str) -> bool:
    return actor.role in (Role.supplier, Role.user, Role.producer, Role.party) or frame in ("in", "other") and actor.role == Role.recipient


def _published(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return parse_published(value)
    except ValueError:
        return None


def _shift(item, offset: int) -> dict:
    data = item.model_dump(mode="json")
    data["span"] = {"start": item.span.start + offset, "end": item.span.end + offset}
    return data


def _dedupe(links: list[Attribution]) -> list[Attribution]:
    out: list[Attribution] = []
    for a in links:
        if out and any(a.source.lower() == b.source.lower() for b in out):
            continue
        out.append(a)
    return out


def _dedupe_actors(actors: list[Actor]) -> list[Actor]:
    out: list[Actor] = []
    seen: set[tuple[str, str]] = set()
    names: set[str] = set()
    for a in actors:
        key = (a.name.lower(), a.role.value)
        if key in seen or a.name.lower() in names:
            continue
        seen.add(key)
        names.add(a.name.lower())
        out.append(a)
    return out


def _dedupe_munitions(items: list[dict]) -> list[dict]:
    out: list[dict] = []
    for m in items:
        key = (m["category"], m.get("caliber_mm"), m.get("name"))
        if any((o["category"], o.get("caliber_mm"), o.get("name")) == key for o in out):
            continue
        if m.get("caliber_mm") is None and not m.get("name") and any(o["category"] == m["category"] for o in out):
            continue
        out.append(m)
    return out


_BACK_REFERENCES = frozenset({
    "charge", "charges", "accusation", "accusations", "allegation", "allegations", "report", "reports",
    "claim", "claims", "story", "stories", "assertion", "assertions", "suggestion", "suggestions",
})


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


def _depth(tok) -> int:
    d = 0
    while tok.head.i != tok.i:
        tok = tok.head
        d += 1
    return d


def _is_future(clause: Clause) -> bool:
    for t in clause.chain:
        for c in t.children:
            if c.dep_ == "aux" and c.lower_ in _FUTURE:
                return True
    return len(clause.chain) > 1 and clause.chain[0].lower_ in _PLAN_VERBS


def _is_past_perfect(clause: Clause) -> bool:
    """"had been finalised": done before the reporting act, so the report's date is not its date."""
    return any(c.dep_ in ("aux", "auxpass") and c.lower_ == "had" for c in clause.chain[0].children)


def _has_materiel_word(doc, toks: set[int]) -> bool:
    """A clause with parties but no munition counts when a trigger noun or "weapons"-like word is there."""
    for i in toks:
        word = doc[i].lower_
        if noun_trigger(doc[i]) is not None or word in _MATERIEL_WORDS or word.rstrip("s") in CARRIER_UNITS:
            return True
    return False


_MATERIEL_WORDS = frozenset({"arms", "weapons", "weaponry", "military", "munitions", "ammunition", "materiel", "cargo"})


def _is_heading(doc, sent) -> bool:
    """Headings and captions: a line that does not end like a sentence."""
    text = sent.text.strip()
    if not text:
        return True
    line_end = doc.text.find("\n", sent.start_char)
    if line_end == -1:
        line_end = len(doc.text)
    line_start = doc.text.rfind("\n", 0, sent.start_char) + 1
    line = doc.text[line_start:line_end].strip()
    if line and not line.endswith(_HEADLINE_END) and len(line.split()) < 20:
        return True
    return False
