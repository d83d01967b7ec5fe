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

Claims are assembled as :class:`~extractor.extract.base.ClaimDraft` objects (typed, mutable while the discourse rules
of the sentence and the document complete them) and stored on ``doc._.extractor_claims`` as
validated :class:`~extractor.models.Claim` objects; offsets are shifted by
``doc._.extractor_offset`` so they index the original document text.
"""

from __future__ import annotations

from dataclasses import asdict
from functools import cache
from typing import TypeVar

from .. import vocabulary
from ..lexicon import load_package_lexicon
from ..models import (
    Actor,
    ActorType,
    Attribution,
    ClaimType,
    DateRef,
    Modality,
    Munition,
    Quantity,
    Role,
    SourceKind,
    Span,
    make_claim_id,
)
from .actors import acts, as_state, clause_actors, complete_pair, ent_text_span
from .attributions import (
    BARE_BODIES,
    FrameFinder,
    SourceMemory,
    SourceResolver,
    apply_citations,
    dedupe_links,
    depth,
    statement_links,
)
from .base import ClaimDraft, offset_span
from .clauses import RELATIVE_PRONOUNS, Clause, TokenArrays, evidence_range, fold, relative_antecedent, segment
from .context import DocContext
from .domain import DomainEvidence
from .munitions import pronoun_munitions, singularise
from .quantities import carrier_units
from .spans import ACTORS, CLAIMS, CUES, DATES, MUNITIONS, QUANTITIES, SpanComponent, read_mentions, span_group
from .triggers import adj_trigger, controlled_verb, noun_trigger, trigger_index, verb_trigger

T = TypeVar("T", Quantity, Munition, DateRef)

#: Units that carry materiel without naming it: their claims borrow the sentence's munitions.
CARRIER_UNITS = carrier_units()
_FUTURE = frozenset({"will", "would", "'ll", "shall"})
_PLAN_VERBS = frozenset({"plans", "plan", "planned", "intends", "intend", "aims", "aim", "is", "are"})
_HEADLINE_END = (".", "!", "?", '"', "”", "’", "'", ":", ")")



class ClaimAssembler(SpanComponent):
    """spaCy component ``extractor_claims``: reads the finders' span groups (only what is on the
    Doc) and fills ``doc._.extractor_claims`` with :class:`~extractor.models.Claim` objects.

    ``gazetteer`` resolves source phrases ("the ministry", "Ukrainian prosecutors") to names;
    ``vocab`` is the pipeline's, for the domain check's phrase matcher.
    """

    def __init__(self, gazetteer, vocab):
        from .domain import DomainGate
        from .entities import source_kind

        self.sources = SourceResolver(gazetteer, source_kind)
        self.frame_finder = FrameFinder(self.sources)
        self.domain = DomainGate(vocab)

    # -- component entry point -------------------------------------------------------------
    def process(self, doc) -> None:
        if doc._.extractor_relevant is False:
            # the relevance gate found no arms vocabulary: no claim and no evidence of the domain
            # (so skipping the parser for such a Doc, as the Extractor does, changes nothing)
            doc._.extractor_claims = []
            doc._.extractor_domain = asdict(DomainEvidence())
            return
        doc._.extractor_claims = [draft.claim() for draft in self.assemble(doc)]

    def assemble(self, doc) -> list[ClaimDraft]:
        offset = doc._.extractor_offset or 0
        doc_id = doc._.extractor_doc_id or "doc"
        found = read_mentions(doc, MUNITIONS, CLAIMS)
        munitions = self.domain.military_munitions(doc, found)
        # materiel nouns in their civilian sense ("766 commercial aircraft"): goods of another trade
        civilian = {i for m in found if m not in munitions for i in range(m.start, m.end)}
        quantities = [q for q in read_mentions(doc, QUANTITIES, CLAIMS)
                      if not civilian.intersection(range(q.start, q.end))]
        # dates only fill their own field: without the dates component, claims carry none
        dates = read_mentions(doc, DATES, CLAIMS) if DATES in doc.spans else []
        entities = read_mentions(doc, ACTORS, CLAIMS)
        # a system's name inside a company's ("BrahMos Aerospace", "Patria Oy") names the company
        makers = [(e.start, e.end) for e in entities if e.value.type == ActorType.company]
        munitions = [m for m in munitions if not any(s <= m.start and m.end <= e and e - s > m.end - m.start
                                                     for s, e in makers)]
        cues = [s._.extractor_value for s in span_group(doc, CUES, CLAIMS)]
        # business, sport and space news use the words of the field in another sense: the
        # pipeline drops the claims of a document whose chunks together show too little of it
        carried = any((q.value.unit or "") in CARRIER_UNITS for q in quantities)
        doc._.extractor_domain = asdict(self.domain.evidence(doc, munitions, any(acts(e.value) for e in entities),
                                                             carried))
        ctx = DocContext(doc, offset, munitions, quantities, dates, entities, cues, civilian)
        arrays = TokenArrays(doc)  # read once: the sentences' scans over every token use them
        starts = _MentionStarts(ctx)
        memory = SourceMemory()
        claims: list[ClaimDraft] = []
        lead: list[ClaimDraft] | None = None  # the context of a list: its lead-in (ending in ":")
        lead_type: ClaimType | None = None  # the type the lead-in's holder noun gives ("The package includes:")
        lead_claims: list[ClaimDraft] = []  # the lead-in's own claims, replaced by its items
        for sent in doc.sents:
            if _list_item(ctx.text, sent, in_list=lead is not None):
                own = self._sentence_claims(ctx, sent, memory, doc_id, arrays, starts)
                if lead is not None:
                    # "The package includes:" / "- 18 howitzers": each item is a claim of its own
                    # with the lead-in's type, parties, dates and sources; the lead-in is none
                    claims[:] = [c for c in claims if not any(c is x for x in lead_claims)]
                    item = _item_claim(ctx, sent, own, lead, doc_id, lead_type)
                    own = [item] if item is not None else []
                claims.extend(own)
                continue
            if _is_heading(ctx.text, sent):
                continue
            found = self._sentence_claims(ctx, sent, memory, doc_id, arrays, starts)
            claims.extend(found)
            if ctx.text[sent.start_char:sent.end_char].rstrip().endswith(":"):
                lead_claims = found
                # the list's context: this sentence's claim, else the last claim with parties
                # about materiel (a sum of money before it is no lead of a list of weapons)
                lead = found[-1:] or [c for c in ctx.history if c.actors and c.claim_type is not ClaimType.other][-1:] \
                    or [c for c in ctx.history if c.actors][-1:] or None
                lead_type = _holder_type(sent)
            else:
                lead = None
        apply_citations(claims, ctx.citations, memory)
        return [c for c in claims if not _says_nothing(c)]

    # -- one sentence ------------------------------------------------------------------------
    def _sentence_claims(self, ctx: "DocContext", sent, memory: SourceMemory, doc_id: str,
                         arrays: TokenArrays, starts: "_MentionStarts") -> list[ClaimDraft]:
        doc = ctx.doc
        clauses = segment(sent, arrays)
        frames = self.frame_finder.find(ctx, sent, clauses, memory, arrays)
        frame_heads = {f.verb.i for f in frames}
        frame_tokens: set[int] = set()
        for f in frames:
            frame_tokens |= f.tokens
        according = self.frame_finder.according_to(ctx, sent, memory, arrays)
        for _, toks in according:
            frame_tokens |= toks

        # fold clauses that assert nothing on their own, innermost first
        passed: set[int] = set()
        for clause in sorted(clauses, key=lambda c: -c.depth):
            if clause.parent is None or clause.head.i in frame_heads:
                continue
            if self._qualifies(ctx, clause, frame_tokens, starts):
                # its clauses below were folded before it, so its tokens and children stay as
                # they are and so does the verdict; not that of a gapped clause, whose test asks
                # its parent, which may fold later
                if not clause.gapped:
                    passed.add(id(clause))
            elif _independent(clause):
                # "..., and have since led a coalition": a clause of its own that asserts
                # nothing about materiel is left out rather than swelling its neighbour
                clause.tokens = set()
            else:
                fold(clause)
        self_governed = {f.verb.i for f in frames if f.verb.i in f.governs}
        live = [c for c in clauses if c.tokens and (c.head.i not in frame_heads or c.head.i in self_governed)
                and (id(c) in passed or self._qualifies(ctx, c, frame_tokens, starts))]
        exclude = set(frame_tokens)
        for c in live:
            if c.head.i in self_governed:
                exclude -= c.tokens
        out: list[tuple[Clause, ClaimDraft]] = []
        for clause in sorted(live, key=lambda c: c.head.i):
            rng = evidence_range(doc, clause, exclude)
            if rng is None:
                continue
            claim = self._claim(ctx, sent, clause, rng, frames, according, memory, doc_id)
            if claim is not None:
                out.append((clause, claim))
                ctx.current.append(claim)
                ctx.sentence_subjects = [a for a in claim.actors if a.role in (Role.supplier, Role.user, Role.producer)] \
                    or ctx.sentence_subjects
        self._inherit(out)
        ctx.history.extend(c for _, c in out)
        ctx.current = []
        for _, claim in out:
            complete_pair(ctx, claim)
        ctx.sentence_subjects = []  # pronouns of the next sentence look further back
        for _, claim in out:
            acting = [a for a in claim.actors if a.role in (Role.supplier, Role.user, Role.producer, Role.party)]
            if acting:
                ctx.last_subject_actors = acting
        return [c for _, c in out]

    def _qualifies(self, ctx: "DocContext", clause: Clause, frame_tokens: set[int], starts: "_MentionStarts") -> bool:
        toks = clause.tokens - frame_tokens
        if clause.denial:
            return True
        if not toks:
            return False
        has_mun = not starts.munitions.isdisjoint(toks)
        has_qty = not starts.quantities.isdisjoint(toks)
        has_actor = not starts.actors.isdisjoint(toks)
        if clause.gapped and _stray_number(ctx, toks):
            return False  # "..., nearly four times its output": a multiplier or money, no count of its own
        if clause.gapped and (has_mun or has_qty or has_actor or not starts.dates.isdisjoint(toks)) \
                and clause.parent is not None and self._qualifies(ctx, clause.parent, frame_tokens, starts):
            # "... are due to arrive next year and the rest in 2026": the verb's claim again, with a
            # count, weapon, party or date of its own ("nearly three times its output" has none)
            return True
        if _describes_weapon(ctx, clause, toks, has_actor) or _capability(ctx, clause, has_actor):
            return False
        if _builds_site(clause) is not None:
            # "is building a new TNT plant", "set up a factory": production, unless a clause under
            # it says what the site will produce ("opened a factory that will produce 350,000
            # shells a year"), which is the claim
            return not any(
                c.frame_trigger is not None and c.frame_trigger.frame == "produce"
                and any(q.start in c.tokens for q in ctx.quantities) for c in _descendants(clause))
        if clause.trigger is None and clause.head.lower_ in _INTERDICTION_VERBS and (
                has_mun or _has_materiel_word(ctx.doc, toks)):
            return True  # "another warship seized a similar cache": a seizure of arms
        if clause.trigger is None and clause.nominal is None:
            return has_mun and has_qty
        if clause.head.dep_ == "xcomp" and clause.head.head.lower_ in ("able", "capable") and not has_qty:
            return False  # "able to intercept ballistic missiles": a capability, not a count
        if not has_mun and clause.head.head.i in ctx.munition_tokens and (clause.head.dep_ == "acl" or any(
                relative_antecedent(c) is not None for c in clause.head.children)):
            # "drones, which Russian forces have launched at Ukrainian cities", "submarines, with
            # the potential to acquire two more"
            has_mun = True
        if clause.trigger is not None and clause.trigger.frame in ("assess", "other") and not (has_mun or has_qty):
            return False
        if clause.head.dep_ == "relcl" and not (has_mun or has_qty) and clause.frame_trigger is not None \
                and clause.frame_trigger.frame in ("out", "in", "arrive", "agree"):
            return False  # "the jets it promised Ukraine": restates the goods of its parent
        if clause.nominal is not None and clause.trigger is None and clause.head.lower_ in _STANCE_VERBS \
                and not (has_mun or has_qty):
            # "Iran's leaders praised the attack": a reaction (FORMAT: not a claim); "condemns the
            # sale of Western tanks to Kyiv" still says what was sold
            return False
        if _tentative(clause) and not (has_mun or has_qty) and not any(
                noun_trigger(ctx.doc[i]) is not None and not noun_trigger(ctx.doc[i]).tentative
                or ctx.doc[i].lower_ in _MATERIEL_WORDS for i in toks):
            return False  # "peace talks": no materiel, no trade
        if _empty_commitment(ctx, clause, toks, has_mun or has_qty):
            return False
        if _moves_no_materiel(ctx, clause):
            return False
        if _intent_of_other_action(clause):
            return False
        trade_nouns = [clause.nominal] if clause.nominal is not None else []
        trade_nouns += [c for c in clause.chain[0].children if c.dep_ in ("nsubj", "nsubjpass") and _trade_word(c)]
        if trade_nouns and all(_other_trade(ctx, n) for n in trade_nouns):
            return False
        frame = (clause.frame_trigger or clause.trigger).frame if clause.trigger is not None else "other"
        if frame in _TRANSFER_FRAMES and any(
                c.dep_ in ("nsubj", "nsubjpass") and any(_trade_word(w) for w in _partitive(c))
                for c in clause.chain[0].children) and (
                not generic_trigger(clause) or has_mun or has_qty
                or any(ctx.doc[i].lower_ in _MATERIEL_WORDS for i in toks)):
            # "The shipment, which included ..., arrived in Rzeszow on Monday", "Part of the
            # package will be delivered this year"
            return True
        if frame == "agree" and not generic_trigger(clause) and any(
                obj.dep_ == "dobj" and noun_trigger(obj) is not None and noun_trigger(obj).frame == "agree"
                for obj in clause.chain[-1].children):
            return True  # "the two countries signed a 10-year security agreement": a treaty (FORMAT: party)
        generic = generic_trigger(clause)
        acting = frame in ("out", "in", "arrive", "use", "produce", "agree") and not generic \
            and not _names_other_goods(ctx, clause)
        return has_mun or has_qty or has_actor and (acting or _has_materiel_word(ctx.doc, toks))

    # -- one claim ---------------------------------------------------------------------------
    def _claim(self, ctx, sent, clause: Clause, rng, frames, according, memory, doc_id) -> ClaimDraft | None:
        from .cues import modality_for

        doc, offset = ctx.doc, ctx.offset
        start, end = rng
        toks = set(range(start, end))
        frame_trigger = _purpose_trigger(clause) or clause.frame_trigger
        claim_type = clause.trigger.claim_type if clause.trigger is not None else None
        if clause.trigger is not None and clause.trigger.holder_type:
            # "a shipment that included ..." / "the deliveries included ..." are transfers, "a
            # package that includes ..." an agreement
            head = clause.head
            holder = head.head if head.dep_ == "relcl" else next(
                (c for c in head.children if c.dep_ in ("nsubj", "nsubjpass")), None)
            held = noun_trigger(holder) if holder is not None else None
            if held is not None:
                claim_type = held.claim_type
            elif holder is not None and (holder.i in ctx.munition_tokens or holder.lower_ in _MATERIEL_WORDS):
                # "Weapons recovered from the gunmen included rifles", "The cache included ...": an
                # inventory of what was found, an assessment
                claim_type = ClaimType.assessment
        if clause.trigger is not None and clause.trigger.weapon_object is not None and any(
                obj.dep_ == "dobj" and any(t.i in ctx.munition_tokens for t in obj.subtree)
                for obj in clause.chain[-1].children):
            frame, claim_type = clause.trigger.weapon_object
            frame_trigger = clause.trigger.model_copy(update={"frame": frame, "claim_type": claim_type})
        if clause.head.dep_ == "xcomp" and adj_trigger(clause.head.head) is not None:
            # "enough to carry 4.8 million shells": a capacity, assessed like "enough for"
            claim_type = adj_trigger(clause.head.head).claim_type
        nominal = clause.nominal
        if claim_type is None and nominal is not None:
            nt = noun_trigger(nominal)
            claim_type = nt.claim_type
            frame_trigger = nt
            if claim_type is not ClaimType.transfer and _counted_carrier(nominal):
                # "200 packages of missile components": parcels carrying materiel, not aid packages
                claim_type = ClaimType.transfer
                frame_trigger = nt.model_copy(update={"frame": "out", "claim_type": claim_type})
        if _builds_site(clause) is not None:
            # "set up a factory in Morocco to build them": whoever builds the site produces
            claim_type = ClaimType.production
            frame_trigger = trigger_index()["verb:build"]
        if claim_type is None and clause.head.lower_ in _INTERDICTION_VERBS:
            claim_type = ClaimType.transfer  # "The Navy seized thousands of assault rifles"
        if claim_type is None:
            claim_type = ClaimType.other
        if clause.trigger is not None and clause.trigger.generic:
            # "had not made a final decision on ... the shipment": a generic verb takes its type
            # from the materiel noun that made the clause a claim
            noun = next((noun_trigger(ctx.doc[i]) for i in sorted(toks) if _trade_word(ctx.doc[i])
                         and noun_trigger(ctx.doc[i]) is not None), None)
            if noun is not None and not any(m.start in toks for m in ctx.munitions):
                claim_type, frame_trigger = noun.claim_type, noun
        peacetime = clause.trigger is not None and clause.trigger.stationing and not _in_combat(ctx.doc, toks)
        if peacetime:
            claim_type = ClaimType.other  # "Russia has deployed Iskander missiles in Belarus" (FORMAT)
        if claim_type in (ClaimType.transfer, ClaimType.agreement) and _money_only(ctx, clause, toks):
            claim_type = ClaimType.other  # "will provide 126 million euros in military aid" (FORMAT)
        governing = [f for f in frames if clause.head.i in f.governs]
        governing.sort(key=lambda f: depth(f.verb))
        if any(f.assessing for f in governing) and claim_type in (ClaimType.transfer, ClaimType.other):
            claim_type = ClaimType.assessment
        # attributions: frames outermost first, then "according to"
        links: list[Attribution] = []
        for f in governing:
            links.extend(f.links)
        for acc_links, acc_toks in according:
            links.extend(acc_links)
        # a sentence that continues the statement before it keeps its attribution
        links = statement_links(ctx, sent, frames, dedupe_links(links))
        # modality: cues over the clause and its frames
        modality = modality_for(sent, ctx.cues, clause.chain[-1].i)
        if any(f.negating for f in governing):
            modality = Modality.negated
        if modality is Modality.asserted and _tentative(clause):
            modality = Modality.hedged  # talks or negotiations: nothing is agreed yet (FORMAT)
        actors = clause_actors(ctx, clause, toks, frame_trigger, nominal, governing)
        if clause.head.lower_ in _INTERDICTION_VERBS and claim_type is ClaimType.transfer:
            actors = _seizer_no_party(doc, clause, actors, offset)
        if peacetime:
            # where weapons are stationed is no target of them
            actors = [a.model_copy(update={"role": Role.other}) if a.role is Role.target else a for a in actors]
        acting = next((a for a in actors if a.type == ActorType.state and a.role in (Role.supplier, Role.producer, Role.user, Role.party)), None)
        # "Japan will ship ..., the government said": the bare body is the acting state's, or,
        # when this claim names none, the state that acted last ("The first shipments will be
        # PAC-3 interceptors, the government said" after "Japan will export Patriot missiles")
        speaking = acting.name if acting is not None else next(
            (a.name for a in ctx.last_subject_actors if a.type is ActorType.state), None)
        if speaking is not None:
            links = [a.model_copy(update={"source": speaking}) if a.source.lower() in BARE_BODIES else a for a in links]
        if clause.denial:
            # the denier speaks for itself, outside the frames around it
            own = [f for f in governing if f.verb.i == clause.head.i]
            return self._denial(ctx, clause, rng, own or governing,
                                dedupe_links([a for f in own for a in f.links]) or links, doc_id)
        munitions = [m for m in ctx.munitions if start <= m.start < end]
        # pronouns and elided counts name munitions too ("have used them against drones")
        munitions = sorted(munitions + pronoun_munitions(doc, range(start, end), ctx.munitions), key=lambda m: m.start)
        if not munitions and clause.head.dep_ == "acl":
            # "three submarines, with the potential to acquire two more": the weapon it counts again
            munitions = [m for m in ctx.munitions if m.start <= clause.head.head.i < m.end]
        quantities = [q for q in ctx.quantities if start <= q.start < end]
        own_dates = [d for d in ctx.dates if start <= d.start < end]
        frame_dates = []
        if _is_future(clause) or claim_type == ClaimType.agreement and not _is_past_perfect(clause):
            for f in governing:
                frame_dates.extend(d for d in ctx.dates if d.start in f.tokens)
        date_items = own_dates + [d for d in frame_dates if d not in own_dates]
        s_char, e_char = doc[start].idx, doc[end - 1].idx + len(doc[end - 1])
        return ClaimDraft(
            **_claim_head(ctx, doc_id, s_char, e_char),
            claim_type=claim_type,
            modality=modality,
            actors=actors,
            quantities=[_shift(q.value, offset) for q in quantities],
            munitions=_dedupe_munitions([_shift(m.value, offset) for m in munitions]),
            # a relative date without a publication date stays, unresolved (start and end null)
            dates=[_shift(d.value, offset) for d in date_items
                   if d.value.start or d.value.end or doc._.extractor_published is None],
            attributions=list(links),
            # who speaks: states in the frames' subjects, and the states unnamed officials speak for
            speakers=[as_state(m.value).name for f in governing for m in f.subjects]
            + [a.source for a in links if a.kind is SourceKind.government],
        )

    def _denial(self, ctx, clause: Clause, rng, governing, links, doc_id) -> ClaimDraft | None:
        """"Tehran rejects the charge": the claim referred back to, negated, by its subject."""
        doc, offset = ctx.doc, ctx.offset
        speakers = [as_state(m.value) for f in governing for m in f.subjects]
        previous = None
        for old in reversed(ctx.history + ctx.current):
            if not speakers or any(a.name == sp.name for a in old.actors for sp in speakers):
                previous = old
                break
        if previous is None:
            return None
        start, end = rng
        s_char, e_char = doc[start].idx, doc[end - 1].idx + len(doc[end - 1])
        actors = []
        for sp in speakers:
            said = next((a for a in previous.actors if a.name == sp.name), None)
            if said is not None and said.role is not Role.other:
                actors.append(said)
        return ClaimDraft(
            **_claim_head(ctx, doc_id, s_char, e_char),
            claim_type=previous.claim_type,
            modality=Modality.negated,
            actors=actors,
            munitions=list(previous.munitions),
            attributions=list(links),
        )


    @staticmethod
    def _inherit(out: list[tuple[Clause, ClaimDraft]]) -> None:
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
            if not claim.actors:
                claim.actors = list(donor.actors)
            if not claim.munitions and (clause.gapped or claim.quantities and clause.head.dep_ == "conj"):
                # "... and the Dutch government 24", "... and will send 6 more": the same weapons
                claim.munitions = list(donor.munitions)
            if not claim.dates and clause.head.dep_ in ("relcl", "advcl", "conj", "xcomp"):
                claim.dates = list(donor.dates)
        all_munitions = []
        for _, claim in out:
            all_munitions.extend(claim.munitions)
        for _, claim in out:
            units = {(q.unit or "") for q in claim.quantities}
            if not claim.munitions and units and all(u in CARRIER_UNITS for u in units):
                claim.munitions = _dedupe_munitions(all_munitions)


class _MentionStarts:
    """The first tokens of the Doc's munitions, quantities, acting entities and dates: whether a
    clause holds one is a set intersection (each clause is tested against every mention of the
    Doc, once while folding and again when the claims are made)."""

    def __init__(self, ctx: "DocContext"):
        self.munitions = frozenset(m.start for m in ctx.munitions)
        self.quantities = frozenset(q.start for q in ctx.quantities)
        self.actors = frozenset(e.start for e in ctx.entities if acts(e.value))
        self.dates = frozenset(d.start for d in ctx.dates)


def _independent(clause: Clause) -> bool:
    """A conjoined clause with its own subject or auxiliary stands on its own."""
    head = clause.head
    return head.dep_ == "conj" and any(c.dep_ in ("nsubj", "nsubjpass", "aux", "auxpass") for c in head.children)


_TRANSFER_FRAMES = frozenset({"out", "in", "arrive"})


def _counted_carrier(noun) -> bool:
    """A counted carrier of materiel ("200 packages of missile components", "three shipments")."""
    return singularise(noun.lower_) in CARRIER_UNITS and any(c.dep_ == "nummod" for c in noun.children)


def _purpose_trigger(clause: Clause):
    """The transfer verb that says what an agreement is for, whose roles the agreement takes:
    "signed a deal to buy 54 tanks from the United States" (the signer buys), "a contract to
    supply shells" (the signer supplies). None when the clause's own verb is no agreement."""
    if clause.frame_trigger is None or clause.frame_trigger.frame != "agree":
        return None
    for tok in clause.chain:
        # the infinitive on the agreement's object ("a deal to buy") or on its verb ("signed a
        # deal to buy", parsed as an adverbial clause of purpose)
        purposes = [c for c in tok.children if c.dep_ == "advcl"]
        purposes += [a for obj in tok.children if obj.dep_ == "dobj" for a in obj.children if a.dep_ == "acl"]
        for verb in purposes:
            if verb.tag_ != "VB" or not any(c.dep_ == "aux" and c.lower_ == "to" for c in verb.children):
                continue
            trigger = verb_trigger(verb)
            if trigger is not None and trigger.frame in ("out", "in"):
                return trigger
    return None


def _describes_weapon(ctx, clause: Clause, toks: set[int], has_actor: bool) -> bool:
    """A technical description: the weapon itself is the subject and no party acts
    ("The truck-mounted gun can strike targets 40 km away", "The CV90 carries eight soldiers",
    "cluster munitions that can be fired from howitzers").
    A weapon that is moved ("The aircraft were moved overland", "The jets reached Ukraine") is
    still a transfer."""
    if has_actor:
        return False
    first = clause.chain[0]
    subj = next((c for c in first.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    if subj is not None and relative_antecedent(subj) is not None:
        # "cluster munitions that can be fired from its howitzers": the relative stands for the weapon
        subj = relative_antecedent(subj)
        toks = toks | {subj.i}
    if subj is None or subj.i not in ctx.munition_tokens or subj.i not in toks:
        return False
    frame = clause.frame_trigger.frame if clause.frame_trigger is not None else None
    if frame == "arrive" or subj.dep_ == "nsubjpass" and frame in _TRANSFER_FRAMES:
        return False
    if frame in _TRANSFER_FRAMES and controlled_verb(first) is not None:
        return False  # "All 30 jets are due to be handed over by 2028": a scheduled transfer
    # a generic statement (present tense or "can") describes; a past event ("Iron Dome
    # interceptors shot down most of them") reports
    verb = clause.chain[-1]
    modal = any(c.dep_ == "aux" and c.lower_ in ("can", "could", "may", "might") for t in clause.chain for c in t.children)
    return modal or first.tag_ in ("VBZ", "VBP") and not any(c.dep_ in ("aux", "auxpass") for c in first.children) \
        or verb.tag_ in ("VBZ", "VBP") and verb is first


_CAPABILITY_MODALS = frozenset({"can"})


def _descendants(clause: Clause) -> list[Clause]:
    out = []
    for child in clause.children:
        out.append(child)
        out.extend(_descendants(child))
    return out


@cache
def _site_verb_openers() -> frozenset[str]:
    """What a verb's own word must be for it or it with a particle to be a site verb ("set up" →
    "set up", "set"): the site verbs and each of their words before a space."""
    verbs = vocabulary.production_sites()["site.verb"]
    return frozenset(verbs) | frozenset(v[:k] for v in verbs for k, ch in enumerate(v) if ch == " ")


def _builds_site(clause: Clause):
    """The verb of the clause that builds a place of production ("building a shell plant",
    "set up the production line"), or None (production_sites.jsonl)."""
    sites = vocabulary.production_sites()
    openers = _site_verb_openers()
    for verb in clause.chain:
        if verb.lower_ not in openers:
            continue  # no site verb, with or without a particle, begins with this word
        words = {verb.lower_} | {f"{verb.lower_} {c.lower_}" for c in verb.children if c.dep_ == "prt"}
        if not words & sites["site.verb"]:
            continue
        for obj in verb.children:
            if obj.dep_ != "dobj":
                continue
            if obj.lower_ in sites["site.noun"] or obj.lower_ in ("line", "lines") and any(
                    c.dep_ in ("compound", "amod") and c.lower_ in sites["site.line_modifier"] for c in obj.children):
                return verb
    return None


def _tentative(clause: Clause) -> bool:
    """A clause of talks or negotiations ("is negotiating to supply", "brokering talks on the transfer")."""
    if clause.trigger is not None:
        return clause.trigger.tentative
    return clause.nominal is not None and noun_trigger(clause.nominal).tentative


def generic_trigger(clause: Clause) -> bool:
    """Whether every trigger of the clause is a verb of many senses ("join", "include")."""
    return clause.trigger is not None and all(
        t.generic for t in (clause.trigger, clause.frame_trigger) if t is not None)


def _partitive(noun) -> list:
    """A noun and, for a part of a whole ("part of the package", "the first of the shipments"),
    the whole."""
    return [noun] + [p for g in noun.children if g.dep_ == "prep" and g.lower_ == "of"
                     for p in g.children if p.dep_ == "pobj"]


def _other_trade(ctx, noun) -> bool:
    """"Ukraine's grain exports rose 20%", "gas shipments resumed": a noun of trade whose goods a
    common noun before it names, and they are no materiel (not "arms exports", "F-16 deliveries",
    "ammunition shipments", "framework contracts for 155mm ammunition")."""
    phrase = {t.i for t in noun.subtree}
    if phrase & ctx.munition_tokens or _has_materiel_word(ctx.doc, phrase - {noun.i}):
        return False
    for c in noun.children:
        if c.dep_ == "compound" and c.pos_ == "NOUN" and c.i not in ctx.munition_tokens \
                and not _has_materiel_word(ctx.doc, {t.i for t in c.subtree}):
            return True
    return False


def _trade_word(tok) -> bool:
    trigger = noun_trigger(tok)
    return trigger is not None and trigger.frame != "assess" or tok.lower_.rstrip("s") in CARRIER_UNITS


@cache
def _money_words() -> frozenset[str]:
    """Money nouns (the quantity finder's, quantity_cues.jsonl ``nonmateriel.money``) and currency signs."""
    from .quantities import CUES_FILE, CueEntry, cue_keys

    entries = load_package_lexicon(CUES_FILE, CueEntry, cue_keys)
    return frozenset(p for e in entries if e.id == "nonmateriel.money" for p in e.phrases) | vocabulary.currencies()


def _money_only(ctx, clause: Clause, toks: set[int]) -> bool:
    """Money given or set aside with no weapon named ("will provide 126 million euros in military
    aid", "earmarked $500 million for Ukraine"): FORMAT's money-only aid, type ``other``. A sum for
    weapons named or counted ("committed $1.6 billion to acquire HIMARS launchers", "weapons worth
    $400 million") stays what its verb says."""
    money = _money_words()
    if not any(obj.dep_ == "dobj" and any(singularise(t.lower_) in money or t.lower_ in money for t in obj.subtree)
               for verb in clause.chain for obj in verb.children):
        return False
    return not any(m.start in toks for m in ctx.munitions) and not any(q.start in toks for q in ctx.quantities)


def _stray_number(ctx, toks: set[int]) -> bool:
    """A number of something that is no materiel ("nearly four times its output", "30 km"): the
    measure words are the quantity finder's (quantity_cues.jsonl, kind nonmateriel)."""
    from .quantities import _cues

    measures = _cues().nonmateriel
    for i in toks:
        tok = ctx.doc[i]
        if tok.pos_ != "NUM" or any(q.start <= i < q.end for q in ctx.quantities) \
                or any(d.start <= i < d.end for d in ctx.dates):
            continue
        words = [tok.head] + ([ctx.doc[i + 1]] if i + 1 < len(ctx.doc) else [])
        if any(singularise(w.lower_) in measures for w in words):
            return True
    return False


_STANCE_VERBS = vocabulary.no_party_verbs("stance")
#: seizing arms stops a transfer: the claim is the transfer (FORMAT), the seizer no party to it
_INTERDICTION_VERBS = vocabulary.no_party_verbs("interdiction")


#: Claim types that say nothing checkable without a party, a weapon or a count. A transfer keeps
#: a claim of its own ("Part of the package will be delivered this year": the package is known).
_EMPTY_NOTHING = frozenset({ClaimType.use, ClaimType.other, ClaimType.assessment})


def _says_nothing(claim: ClaimDraft) -> bool:
    """"Tehran said the attack was a response to the killing of ...": a use, assessment or other
    claim with no actor, munition or quantity (after the document completed them) asserts nothing
    an analyst can check."""
    return claim.claim_type in _EMPTY_NOTHING and not (claim.actors or claim.munitions or claim.quantities)


@cache
def _war_words() -> frozenset[str]:
    """Words of war (``domain.jsonl``'s ``mil.war``: "front line", "combat", "counteroffensive")."""
    from .domain import domain_lexicon

    return frozenset(p.lower() for e in domain_lexicon() if e.id == "mil.war" for p in e.phrases)


def _in_combat(doc, toks: set[int]) -> bool:
    """Whether a clause of deployment is aimed at someone ("against Russian depots") or said of war
    ("on the front line", "in combat")."""
    words = _war_words()
    lower = [doc[i].lower_ for i in sorted(toks)]
    pairs = {f"{a} {b}" for a, b in zip(lower, lower[1:])}
    return "against" in lower or bool(words & set(lower)) or bool(words & pairs)


def _seizer_no_party(doc, clause: Clause, actors: list, offset: int) -> list:
    """"The U.S. Navy seized 2,000 rifles bound for Yemen": the seizer stops the transfer, it takes
    no part in it (FORMAT: role ``other``); the goods' origin and destination keep theirs."""
    ranges = [(doc[s.left_edge.i].idx + offset, doc[s.right_edge.i].idx + len(doc[s.right_edge.i]) + offset)
              for s in clause.head.children if s.dep_ in ("nsubj", "agent")]
    return [a.model_copy(update={"role": Role.other})
            if a.span is not None and any(lo <= a.span.start < hi for lo, hi in ranges) else a for a in actors]


def _intent_of_other_action(clause: Clause) -> bool:
    """"Kyiv plans to adapt the missiles for air defence", "the army decided to upgrade its
    tanks": a verb of intent or agreement whose only complement is an action that is no transfer,
    production or use of arms (no trigger, and no noun of trade as its object) announces that
    action, not an agreement on arms."""
    verb = clause.chain[-1]
    trig = verb_trigger(verb)
    if trig is None or trig.frame != "agree" or any(c.dep_ in ("dobj", "dative") for c in verb.children):
        return False
    comps = [c for c in verb.children if c.dep_ == "xcomp" and c.pos_ == "VERB"]
    return bool(comps) and not any(_names_arms_action(c) for c in comps)


def _names_arms_action(verb) -> bool:
    """Whether ``verb`` or a verb under it ("begin co-producing", "help Ukraine buy", whatever the
    parser made of them) is a trigger of a claim, or it acts on a noun of trade ("halt the
    shipment")."""
    if controlled_verb(verb) is not None:
        return True
    if any(noun_trigger(o) is not None for o in verb.children if o.dep_ in ("dobj", "nsubjpass")):
        return True
    return any(verb_trigger(t) is not None for t in verb.subtree if t.pos_ in ("VERB", "AUX"))


def _empty_commitment(ctx, clause: Clause, toks: set[int], has_goods: bool) -> bool:
    """A commitment to do something that is no trigger, with no materiel in it ("pledged to
    strengthen the island's defences", "promised to deepen cooperation"): a general statement of
    policy (FORMAT: general relationship statements are not claims)."""
    if has_goods or clause.trigger is None or clause.trigger.frame != "agree" or len(clause.chain) > 1:
        return False
    if _has_materiel_word(ctx.doc, toks):
        return False
    return any(c.dep_ == "xcomp" and c.pos_ == "VERB" and verb_trigger(c) is None for c in clause.chain[0].children)


def _moves_no_materiel(ctx, clause: Clause) -> bool:
    """A verb of movement or change with many senses ("rise", "change", "come") whose subject holds
    no materiel, count or trade noun ("Tensions between Manila and Beijing have risen", "The J-10C's
    reputation rose"): it moves nothing. A pronoun subject refers back and is not judged."""
    trigger = clause.frame_trigger or clause.trigger
    if trigger is None or trigger.frame != "arrive" or not trigger.generic:
        return False
    subj = next((c for c in clause.chain[0].children if c.dep_ in ("nsubj", "nsubjpass")), None)
    if subj is None or subj.pos_ == "PRON" or subj.lower_ in RELATIVE_PRONOUNS:
        return False
    head_words = {subj.i} | {p.i for g in subj.children if g.dep_ == "prep" and g.lower_ == "of"
                             for p in g.children if p.dep_ == "pobj"}
    for i in head_words:
        tok = ctx.doc[i]
        if i in ctx.munition_tokens or noun_trigger(tok) is not None or tok.lower_ in _MATERIEL_WORDS \
                or tok.lower_.rstrip("s") in CARRIER_UNITS or tok.like_num \
                or any(q.start <= i < q.end for q in ctx.quantities):
            return False
        if any(c.dep_ in ("compound", "amod") and (c.i in ctx.munition_tokens or c.lower_ in _MATERIEL_WORDS
                                                   or noun_trigger(c) is not None) for c in tok.children):
            return False  # "arms deliveries", "weapons flows", "the export plan"
    return True


def _capability(ctx, clause: Clause, has_actor: bool) -> bool:
    """A capability ("can fire two missiles within 10 seconds", "rockets, which can reach the
    capital", "the larger drones can carry a dozen bombs"): "can" on a verb whose subject is the
    weapon (its own, a relative pronoun's antecedent or that of the verb it is conjoined to), or a
    verb of use with no party in the clause. Not a claim (FORMAT: capability statements)."""
    first = clause.chain[0]
    if not any(c.dep_ == "aux" and c.lower_ in _CAPABILITY_MODALS for t in clause.chain for c in t.children):
        return False
    if any(c.dep_ == "neg" for t in clause.chain for c in t.children):
        return False  # "cannot give more": a refusal, negated
    subj = next((c for c in first.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    if subj is None and first.dep_ == "conj":
        subj = next((c for c in first.head.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    if subj is not None and relative_antecedent(subj) is not None:
        subj = relative_antecedent(subj)
    if subj is not None and subj.i in ctx.munition_tokens:
        return True
    frame = clause.frame_trigger.frame if clause.frame_trigger is not None else None
    return frame == "use" and not has_actor and (subj is None or subj.pos_ != "PRON")


def _shift(item: T, offset: int) -> T:
    """A value with its Doc-relative span moved into the original text."""
    if not offset:
        return item
    return item.model_copy(update={"span": Span(start=item.span.start + offset, end=item.span.end + offset)})


def _dedupe_munitions(items: list[Munition]) -> list[Munition]:
    out: list[Munition] = []
    for m in items:
        key = (m.category, m.caliber_mm, m.name)
        if any((o.category, o.caliber_mm, o.name) == key for o in out):
            continue
        if m.caliber_mm is None and not m.name and any(o.category == m.category for o in out):
            continue
        out.append(m)
    return out


def _is_future(clause: Clause) -> bool:
    for t in clause.chain:
        for c in t.children:
            if c.dep_ == "aux" and c.lower_ in _FUTURE:
                return True
    return len(clause.chain) > 1 and clause.chain[0].lower_ in _PLAN_VERBS


def _is_past_perfect(clause: Clause) -> bool:
    """"had been finalised": done before the reporting act, so the report's date is not its date."""
    return any(c.dep_ in ("aux", "auxpass") and c.lower_ == "had" for c in clause.chain[0].children)


def _names_other_goods(ctx, clause: Clause) -> bool:
    """The verb's object is a common noun that is no materiel ("sent a message to Moscow",
    "bought Russian diesel"): the clause moves something else. Pronouns and nouns that refer back
    ("the jets", "them", "six") are not judged here."""
    for tok in clause.chain:
        for obj in tok.children:
            if obj.dep_ != "dobj" or obj.pos_ != "NOUN":
                continue
            words = {t.i for t in obj.subtree}
            if obj.i in ctx.civilian_tokens and not words & ctx.munition_tokens:
                return True  # "delivered 766 commercial aircraft"
            if words & ctx.munition_tokens or _has_materiel_word(ctx.doc, words):
                return False
            # a count of something else ("200 tonnes of rice", "50 water purification units") moves
            # that; a bare count ("sent 12 more", "55% of them") may stand for the weapons named before
            named = [c for c in obj.children if c.dep_ == "compound" and c.pos_ == "NOUN"] + [
                g for c in obj.children if c.dep_ == "prep" and c.lower_ == "of"
                for g in c.children if g.dep_ == "pobj" and g.pos_ == "NOUN"]
            if (any(q.start in words for q in ctx.quantities) or any(c.dep_ == "nummod" for c in obj.children)) \
                    and not named:
                return False
            return True
    return False


def _has_materiel_word(doc, toks: set[int]) -> bool:
    """A clause with parties but no munition counts when a trigger noun or "weapons"-like word is there."""
    for i in toks:
        word = doc[i].lower_
        trigger = noun_trigger(doc[i])
        if trigger is not None and trigger.frame != "assess" or word in _MATERIEL_WORDS \
                or word.rstrip("s") in CARRIER_UNITS:
            # a stock or an arsenal says nothing about materiel on its own ("replenish its stocks")
            return True
    return False


_MATERIEL_WORDS = vocabulary.materiel_words()


def _claim_head(ctx, doc_id: str, s_char: int, e_char: int) -> dict:
    """The identifying fields of a claim whose evidence is characters ``[s_char, e_char)`` of the Doc."""
    offset = ctx.offset
    return {
        "claim_id": make_claim_id(doc_id, s_char + offset, e_char + offset),
        "doc_id": doc_id,
        "text": ctx.text[s_char:e_char],
        "span": Span(start=s_char + offset, end=e_char + offset),
    }


_BULLETS = ("-", "•", "*", "–", "—", "·", "▪", "●", "◦")


def _list_item(text: str, sent, in_list: bool = False) -> bool:
    """A sentence that opens a bulleted line ("• 18 Archer artillery systems")."""
    line_start = text.rfind("\n", 0, sent.start_char) + 1
    prefix = text[line_start:sent.start_char].strip()
    if prefix:
        # inside a list the parser may cut the bullet off as a sentence of its own ("•" / "CV90
        # vehicles, ..."); a bulleted headline without a lead-in stays a headline
        return in_list and prefix in _BULLETS
    # the bullets are single characters: a sentence opening with a visible character is an item
    # when that character is a bullet (Span.text joins every token: not built for each sentence)
    first = text[sent.start_char:sent.start_char + 1]
    if first and not first.isspace():
        return first in _BULLETS
    return sent.text.lstrip().startswith(_BULLETS)


def _holder_type(sent) -> ClaimType | None:
    """The claim type a list's lead-in gives by the noun that holds the items: "The package
    includes:" → agreement (a package is pledged or approved), "The shipment contained:" → transfer."""
    for tok in sent:
        trigger = verb_trigger(tok)
        if trigger is None or not trigger.holder_type:
            continue
        holder = next((c for c in tok.children if c.dep_ in ("nsubj", "nsubjpass")), None)
        held = noun_trigger(holder) if holder is not None else None
        if held is not None:
            return held.claim_type
    return None


def _item_claim(ctx, sent, own: list[ClaimDraft], lead: list[ClaimDraft], doc_id: str,
                lead_type: ClaimType | None = None) -> ClaimDraft | None:
    """One claim for a listed item: the item's own words (bullet and closing punctuation left
    out), its munitions and quantities, its own named parties after the lead-in's; type,
    modality, dates and sources are the lead-in's where the item has none of its own."""
    doc, offset = ctx.doc, ctx.offset
    toks = [t for t in sent if not t.is_space]
    while toks and (toks[0].text in _BULLETS or toks[0].is_punct):
        toks = toks[1:]
    while toks and toks[-1].is_punct and toks[-1].text not in (")", '"', "”"):
        toks = toks[:-1]
    if not toks:
        return None
    start, end = toks[0].i, toks[-1].i + 1
    munitions = [m for m in ctx.munitions if start <= m.start < end]
    quantities = [q for q in ctx.quantities if start <= q.start < end]
    if not munitions and not quantities and not own:
        return None
    base = lead[-1]
    mine = own[0] if own else None
    actors = list(base.actors)
    for a in mine.actors if mine is not None else ():
        if all(a.name != b.name for b in actors):
            actors.append(a)
    for m in ctx.entities:
        if start <= m.start < end and acts(m.value) and all(m.value.name != b.name for b in actors):
            # "to be ordered from BAE Systems": a seller; any other named party takes part
            prep = doc[m.head].head
            role = Role.supplier if doc[m.head].dep_ == "pobj" and prep.lower_ == "from" else Role.other
            text, span = ent_text_span(ctx, m)
            actors.append(Actor(text=text, span=span,
                                name=m.value.name, role=role, type=m.value.type, entity_id=m.value.entity_id))
    s_char, e_char = doc[start].idx, doc[end - 1].idx + len(doc[end - 1])
    return ClaimDraft(
        **_claim_head(ctx, doc_id, s_char, e_char),
        claim_type=lead_type or base.claim_type,
        modality=base.modality,
        actors=actors,
        quantities=[_shift(q.value, offset) for q in quantities],
        munitions=_dedupe_munitions([_shift(m.value, offset) for m in munitions]),
        dates=(mine.dates if mine is not None and mine.dates else list(base.dates)),
        attributions=(mine.attributions if mine is not None and mine.attributions else list(base.attributions)),
    )


def _is_heading(text: str, sent) -> bool:
    """Headings and captions: a line that does not end like a sentence."""
    if not text[sent.start_char:sent.end_char].strip():  # the sentence's text (Span.text joins its tokens)
        return True
    line_end = text.find("\n", sent.start_char)
    if line_end == -1:
        line_end = len(text)
    line_start = text.rfind("\n", 0, sent.start_char) + 1
    line = text[line_start:line_end].strip()
    if line and not line.endswith(_HEADLINE_END) and len(line.split()) < 20:
        return True
    return False
