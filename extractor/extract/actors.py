"""Actors of a claim and their roles.

Each entity mention inside the claim's clause gets a role from the dependency path to the clause's
verb chain (:mod:`extractor.extract.roles`); an adjective of origin on a weapon makes its state a
producer, and so does a participle of origin on the way to the verb ("a system developed by RTX");
a demonym or possessive on an institution ("Russian forces", "Iran's armed forces")
makes the institution's state the actor; role nouns ("American buyers") carry their own role.
Subjects that point elsewhere (pronouns, "the country", relative pronouns, the shared subject of
conjoined verbs) take their antecedent, and a transfer that names one side of the document's last
supplier → recipient pair takes the other.
"""

from __future__ import annotations

from typing import NamedTuple

from spacy.strings import get_string_id

from .. import vocabulary
from ..models import Actor, ActorType, ClaimType, Modality, Role, Span
from .base import Mention, offset_span
from .clauses import Clause
from .entities import EntityRef
from .roles import relation, role_for
from .triggers import announces_agreement, noun_trigger, verb_trigger

#: Nouns that stand for a state's institutions: a demonym or possessive on them is that state.
BODY_NOUNS = vocabulary.state_body_nouns()
#: Nouns of place: a demonym on them ("the Ukrainian border") names a location, not a party,
#: except as the target of an attack ("Ukrainian cities").
PLACE_NOUNS = vocabulary.place_nouns()
#: Verbs of stance or reaction, and of interdiction: their subject judges or stops a transfer, it
#: takes no part in it.
NO_PARTY_VERBS = vocabulary.no_party_verbs()
#: Nouns of merchant vessels: "the bulk carrier Tutor" is a ship that can be attacked.
VESSEL_NOUNS = vocabulary.vessel_nouns()
#: Nouns that carry a role of their own: "American and Spanish buyers" are recipients.
ROLE_NOUNS = vocabulary.role_nouns()
#: Words of origin ("North Korean-made", "a system developed by RTX"); the ones of giving make a
#: supplier, the others a producer.
ORIGIN_WORDS = vocabulary.origin_suffixes()
_GIVING_ORIGINS = vocabulary.giving_origins()
_COUNTERPARTS = {Role.supplier: Role.recipient, Role.recipient: Role.supplier}
#: Prepositions of place: a region (no state) after one is where something happens, no party.
_WHERE = frozenset({"in", "across", "throughout", "around", "within"})


def _on_object(tok, chain_ids: set[int]) -> bool:
    """Whether ``tok`` is the object of a preposition on the verb's direct object ("a plant in
    Lithuania")."""
    while tok.dep_ in ("appos", "conj") and tok.head.i != tok.i:
        tok = tok.head  # "in Raufoss, Norway"
    prep = tok.head
    return tok.dep_ == "pobj" and prep.dep_ == "prep" and prep.head.dep_ == "dobj" and prep.head.head.i in chain_ids


def _has_subject(clause: Clause) -> bool:
    """Whether the clause's verb chain has an active subject of its own."""
    return any(c.dep_ == "nsubj" for t in clause.chain for c in t.children)


def _is_platform(ctx, noun) -> bool:
    """Whether the munition whose phrase ``noun`` heads is a platform (aircraft, ship, tank,
    launcher...) rather than what it fires."""
    from .munitions import PLATFORM_CATS

    m = next((m for m in ctx.munitions if m.start <= noun.i < m.end), None)
    return m is not None and m.value.category in PLATFORM_CATS


def ent_text_span(ctx, m) -> tuple[str, Span]:
    """The text of mention ``m`` and its character span in the original text (its tokens are
    read once for both)."""
    first, last = ctx.doc[m.start], ctx.doc[m.end - 1]
    start, end = first.idx, last.idx + len(last)
    return ctx.text[start:end], offset_span(start, end, ctx.offset)


def clause_actors(ctx, clause: Clause, toks: set[int], frame_trigger, nominal, governing=()) -> list[Actor]:
    doc, offset = ctx.doc, ctx.offset
    frame = frame_trigger.frame if frame_trigger is not None else "other"
    chain_ids = {t.i for t in clause.chain}
    if nominal is not None and clause.trigger is None:
        chain_ids = {nominal.i}
        if (clause.head.i not in ctx.report_tokens or announces_agreement(clause.head, nominal)) \
                and clause.head.lower_ not in NO_PARTY_VERBS:
            # "The United States paused a shipment of bombs to Israel": the subject of the verb
            # acting on the shipment is its party ("verified the shipments" reports on it,
            # "Beijing opposes U.S. arms sales to Taiwan" takes a stance on it, "the Navy seized
            # 200 packages" stops it)
            chain_ids.add(clause.head.i)
    found: list[Actor] = []
    mun_tokens = ctx.munition_tokens
    raising = clause.chain[0].i if len(clause.chain) > 1 else None
    own = [m for m in ctx.entities if m.start in toks]  # the clause's entities
    named = {acting_name(m.value) for m in own if acts(m.value)}
    # a description that is the verb's subject is resolved with the other subjects that point
    # elsewhere (below)
    described = [d for d in described_mentions(ctx, toks, named)
                 if not _is_chain_subject(ctx.doc[d.head], chain_ids) and not _owner_pronoun_elsewhere(ctx, d, chain_ids, frame)]
    for m in [*own, *described]:
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
        while head.dep_ == "conj" and head.head.pos_ in ("ADJ", "PROPN", "NOUN") and head.head.i != head.i:
            # "American, Spanish, Czech and other buyers": a conjunct stands where the first one does
            head = head.head
        role: Role | None = None
        if etype is ActorType.other and doc[m.head].dep_ == "pobj" and doc[m.head].head.lower_ in _WHERE:
            continue  # "buyers in Asia", "the largest importer in Europe": a region is where
        if not ent.made_in and _describes_a_name(ctx, m, head):
            continue  # "Bulgarian arms maker VMZ", "the Iran-aligned Houthis": a nationality
        inner = _inner_verb(head, chain_ids)
        if inner is not None and not ent.made_in:
            # "the NASAMS, a system developed by RTX", "a bomb made by Turkey's Roketsan", "a
            # model the UAE has supplied to Haftar's forces": the verb on the weapon says who
            # made (or gave) it, whatever the clause's verb does
            verb, frame_of = inner
            owner = head.head if head.dep_ == "poss" and head.head.lower_ in BODY_NOUNS else head
            role = role_for(frame_of, relation(owner, {verb.i}, set()))
        if role is not None:
            pass
        elif _misparsed_dative(ctx, m, head, chain_ids, frame):
            # "will give Ukraine military aid", "awarded Mitsubishi Heavy Industries contracts":
            # a name right after the verb parsed as a modifier of its object is the dative
            role = Role.recipient
        elif clause.gapped:
            role = role_for(frame, "subj")
        elif ent.made_in:
            # "North Korean-made" → producer; "U.S.-supplied" → supplier
            role = Role.supplier if getattr(ent, "origin", None) in _GIVING_ORIGINS else Role.producer
        elif ent.is_demonym or head.dep_ in ("amod", "compound", "poss", "nmod") and head.head.i not in chain_ids:
            noun = head.head if head.dep_ in ("amod", "compound", "poss", "nmod") else head
            if head.dep_ == "poss" and etype == ActorType.state and _names_armed_group(ctx, noun):
                continue  # "Yemen's Houthi rebels": the group acts, not the state it is in
            if noun.i in mun_tokens and noun.lower_ not in BODY_NOUNS:
                if not ent.is_demonym and head.dep_ in ("compound", "nmod") and frame in ("out", "agree") \
                        and relation(noun, chain_ids, set(), clause.raised, raising) == "obj":
                    role = Role.recipient  # "send Ukraine cluster munitions" parsed as a compound
                elif frame == "use" and not ent.made_in and _is_platform(ctx, noun):
                    # "Israeli aircraft struck a truck": the platform's state fires; "shot down
                    # five Indian aircraft": the platform's state is attacked
                    rel = relation(noun, chain_ids, set(), clause.raised, raising)
                    role = Role.user if rel in ("subj", "agent") else Role.target \
                        if rel in ("obj", "pass") or role_for("use", rel) is Role.target else Role.producer
                elif frame == "use" and not ent.made_in and _attacked(noun):
                    role = Role.target  # "to defend Kyiv against Russian missile attacks"
                elif frame == "in" and head.pos_ == "PRON":
                    role = Role.recipient  # "Iran expects to receive its first Su-35 jets"
                else:
                    role = Role.producer
            elif frame == "use" and noun.dep_ == "pobj" and noun.head.lower_ == "against":
                role = Role.target  # "used the system against Russian air attacks"
            elif _counterpart(head, ent) is not None:
                role = _counterpart(head, ent)
            elif noun_trigger(noun) is not None:
                nt = noun_trigger(noun)
                role = role_for(nt.frame, "amod" if head.dep_ != "poss" else "poss")
            elif noun.lower_ in ROLE_NOUNS and (ent.is_demonym or head.dep_ != "poss"):
                role = ROLE_NOUNS[noun.lower_]
                if role is Role.producer and frame in ("in", "out") and noun.dep_ == "pobj" and noun.head.lower_ == "from":
                    role = Role.supplier  # "bought shell bodies from Turkish manufacturers": they sold
            elif noun is head and any(c.lower_ in ROLE_NOUNS for c in noun.conjuncts):
                # "with American, Spanish, Czech and other buyers" parsed as a list of nouns
                role = ROLE_NOUNS[next(c.lower_ for c in noun.conjuncts if c.lower_ in ROLE_NOUNS)]
            elif noun.lower_ in PLACE_NOUNS and frame != "use":
                continue
            else:
                role = role_for(frame, relation(noun, chain_ids, set(), clause.raised, raising))
        elif _counterpart(head, ent) is not None:
            role = _counterpart(head, ent)
        else:
            rel = relation(head, chain_ids, set(), clause.raised, raising)
            if frame == "produce" and rel == "prep:in" and _has_subject(clause) and _on_object(head, chain_ids):
                continue  # "The company is building a shell plant in Lithuania": where, not who
            role = role_for(frame, rel)
            if role is None and rel is not None and rel.startswith("prep:") and head.dep_ == "pobj" \
                    and noun_trigger(head.head.head) is not None and head.head.head.i not in chain_ids:
                # "sales to Taiwan were expected to take effect": the noun of the transfer the
                # phrase modifies says what it is, when the clause's verb does not
                role = role_for(noun_trigger(head.head.head).frame, rel)
        if role is None:
            continue
        text, span = ent_text_span(ctx, m)
        found.append(Actor(
            text=text, span=span, name=name, role=role, type=etype, entity_id=ent.entity_id,
        ))
    # a subject that points elsewhere ("it had sent", "they signed", "the country",
    # "his troops", "which", or the shared subject of a conjoined verb)
    if not any(_is_subject_role(a, frame) for a in found):
        role = role_for(frame, "subj") or Role.other
        for subj, antecedents in subject_antecedents(ctx, clause, governing, role):
            if subj.lower_ == "they" and frame == "agree":
                role = Role.party
            for prev in antecedents:
                found.append(Actor(
                    text=subj.text, span=offset_span(subj.idx, subj.idx + len(subj), offset), name=prev.name,
                    role=role, type=prev.type, entity_id=prev.entity_id,
                ))
    if frame == "use":
        found.extend(_attacked_vessels(ctx, toks, chain_ids, {a.name for a in found}))
    if frame == "agree":
        found = _undirected(_company_sells(_signer_buys(found), _owners(ctx.text, found, offset)))
    return _dedupe_actors(found)


def _signer_buys(found: list[Actor]) -> list[Actor]:
    """A signer that the agreement is also for ("India signed a deal with France for 26 jets for
    its navy") buys: it is the recipient, and its counterparty the supplier."""
    recipients = {a.name for a in found if a.role is Role.recipient}
    buyers = {a.name for a in found if a.role is Role.supplier and a.name in recipients}
    if not buyers:
        return found
    out = []
    for a in found:
        if a.name in buyers:
            a = a.model_copy(update={"role": Role.recipient})
        elif a.role is Role.party:
            a = a.model_copy(update={"role": Role.supplier})
        out.append(a)
    return out


def _undirected(found: list[Actor]) -> list[Actor]:
    """An agreement that names no recipient and is signed by several ("Ethiopia and Turkey signed
    a framework agreement", "the two countries agreed to co-produce", "signed a joint venture with
    VMZ") has no direction: its signers are parties."""
    if any(a.role is Role.recipient for a in found):
        return found
    signers = [a for a in found if a.role in (Role.supplier, Role.party)]
    if len({a.name for a in signers}) < 2:
        return found
    return [a.model_copy(update={"role": Role.party}) if a.role is Role.supplier else a for a in found]


def _owners(text: str, found: list[Actor], offset: int) -> set[str]:
    """Names of the states written as a company's owner right before it ("South Korea's Hyundai
    Rotem"): they are on the company's side of a deal."""
    owners = set()
    for a in found:
        if a.type != ActorType.state or a.span is None:
            continue
        for c in found:
            if c.type == ActorType.company and c.span is not None \
                    and text[a.span.end - offset:c.span.start - offset] in ("'s ", "\u2019s "):
                owners.add(a.name)
    return owners


def _company_sells(found: list[Actor], owners: frozenset[str] | set[str] = frozenset()) -> list[Actor]:
    """In an agreement a company that is a counterparty ("signed a contract with BrahMos
    Aerospace", "awarded RTX a contract") sells: it is the supplier, and the state that signs
    is the buyer, the recipient, unless the agreement names another recipient ("a contract for
    six systems for Ukraine", where the state pays and supplies). A state written as the
    company's owner ("with South Korea's Hyundai Rotem") sells with it."""
    companies = [a for a in found if a.type == ActorType.company and a.role in (Role.party, Role.recipient)]
    if not companies:
        return found
    others = [a for a in found if a.role == Role.recipient and a not in companies and a.name not in owners]
    out = []
    for a in found:
        if a in companies or a.name in owners and a.type == ActorType.state:
            a = a.model_copy(update={"role": Role.supplier})
        elif not others and a.role in (Role.supplier, Role.party) and a.type == ActorType.state:
            a = a.model_copy(update={"role": Role.recipient})
        out.append(a)
    return out


def subject_antecedents(ctx, clause: Clause, governing, role: Role):
    """``(subject token, [antecedents])`` for a clause whose subject names no actor itself (each
    antecedent a :class:`StateRef` or an :class:`Actor` of an earlier claim)."""
    head = clause.chain[0]
    subjects = [c for t in clause.chain for c in t.children if c.dep_ in ("nsubj", "nsubjpass")]
    if not subjects and head.dep_ == "conj":
        # "Pakistan kept a policy of neutrality and did not provide ammunition": shared subject
        shared = [c for c in head.head.children if c.dep_ in ("nsubj", "nsubjpass")]
        for subj in shared:
            ids = {t.i for t in subj.subtree}
            ents = [as_state(m.value) for m in ctx.entities if m.start in ids and acts(m.value)]
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
                yield subj, [as_state(antecedent.value)]
            continue
        if lower in _DESCRIPTIONS and not _DESCRIPTIONS[lower].pronoun and not definite:
            # "the company", "the group", "the island": the latest earlier mention of an actor
            # of that type (and mark)
            earlier = resolve_description(ctx, subj, set())
            if earlier:
                yield subj, [as_state(e) for e in earlier]
            continue
        if lower not in ("it", "they", "he", "she", "we", "i") and not poss and not definite:
            continue
        speaker = [m for f in governing for m in f.subjects]
        if lower in ("we", "i"):
            # "We have received the first Patriots," the minister said: the speaker's side
            antecedents = [as_state(m.value) for m in speaker if getattr(m.value, "state", None)
                           or m.value.type.value == "state"]
        elif ctx.sentence_subjects and not definite:
            # "... said Pakistan was preparing to ship ..., and that it had sent ..."
            antecedents = ctx.sentence_subjects
        elif speaker:
            # "Pakistan denied that it is arming Ukraine": the pronoun is the speaker
            antecedents = [as_state(m.value) for m in speaker]
        else:
            antecedents = ctx.last_subject_actors
        if antecedents:
            yield subj, antecedents[:2 if lower == "they" else 1]


def complete_pair(ctx, claim) -> None:
    """Discourse memory of the last supplier → recipient pair: a transfer that names one side
    of the pair takes the other ("Iran had received some of the jets" after "Russia ... Iran")."""
    if claim.claim_type not in (ClaimType.transfer, ClaimType.agreement):
        return
    sup = [a for a in claim.actors if a.role is Role.supplier]
    rec = [a for a in claim.actors if a.role is Role.recipient]
    pair = ctx.last_pair
    if sup and rec:
        ctx.last_pair = (sup, rec)
        return
    if pair is None or not claim.munitions and not claim.quantities and claim.claim_type is not ClaimType.transfer:
        return
    names = {a.name for a in claim.actors}
    psup, prec = pair
    speakers = set(claim.speakers)
    if not sup and not rec and claim.modality is Modality.negated and speakers and speakers <= {a.name for a in psup + prec}:
        # "Moscow and Pyongyang deny any arms transfers": the deniers are the pair (its states:
        # not the regions a transfer went to)
        claim.actors.extend(a for a in psup + prec if a.name not in names
                            and (a.name in speakers or a.type is ActorType.state))
        return
    makers = {a.name for a in claim.actors if a.role is Role.producer}
    if makers - {a.name for a in psup}:
        # "Serbia also took delivery of Russian air defence systems" after a deal with France:
        # weapons made elsewhere came by another transfer than the pair's
        return
    if sup and not rec and {a.name for a in sup} == {a.name for a in psup}:
        claim.actors.extend(a for a in prec if a.name not in names)
    elif rec and not sup and {a.name for a in rec} == {a.name for a in prec}:
        claim.actors.extend(a for a in psup if a.name not in names)


def _describes_a_name(ctx, m, head) -> bool:
    """Whether a mention only describes another name it modifies: "Bulgarian arms maker VMZ",
    "Rheinmetall's Swiss subsidiary Nitrochemie", "The Wagner Group, a Russian private military
    company", "the Iran-aligned Houthis" (a nationality or an alignment, no party)."""
    own = set(range(m.start, m.end))
    if m.value.type is ActorType.company and m.end < len(ctx.doc) and ctx.doc[m.end].pos_ == "PROPN":
        return False  # "BAE Systems Bofors": the longer name of a company's unit
    cur = head
    for _ in range(6):
        if cur.i not in own and cur.pos_ == "NOUN" and (
                cur.i + 1 < len(ctx.doc) and _is_other_name(ctx, ctx.doc[cur.i + 1], own)
                or any(c.dep_ == "appos" and _is_other_name(ctx, c, own) for c in cur.children)):
            return True  # "arms maker VMZ", "the Liberian-owned tanker, Sea Star": a noun that titles a name
        if cur.dep_ not in ("amod", "compound", "npadvmod", "nmod", "appos") or cur.head.i == cur.i:
            return False
        cur = cur.head
        if _is_other_name(ctx, cur, own):
            return True
    return False


def _is_other_name(ctx, tok, own: set[int]) -> bool:
    return (tok.pos_ == "PROPN" or tok.text[:1].isupper()) and tok.i not in own and tok.i not in ctx.munition_tokens \
        and tok.ent_type_ in ("ORG", "PERSON", "NORP", "GPE", "FAC") or tok.i in ctx.entity_by_token and tok.i not in own \
        and ctx.entity_by_token[tok.i].value.type in (ActorType.company, ActorType.armed_group)


def _attacked_vessels(ctx, toks: set[int], chain_ids: set[int], named: set[str]) -> list[Actor]:
    """Named ships an attack hits ("struck the bulk carrier Tutor", "the cargo ship Verbena was
    struck"): targets of their own (a ship is no state, its flag no party)."""
    doc, out = ctx.doc, []
    for i in sorted(toks):
        tok = doc[i]
        if i in ctx.munition_tokens or i in ctx.entity_by_token and acts(ctx.entity_by_token[i].value) \
                or not tok.text[:1].isupper() or tok.pos_ not in ("PROPN", "NOUN") or tok.dep_ == "compound":
            continue
        if any(c.dep_ == "compound" and c.lower_ in VESSEL_NOUNS for c in tok.children):
            anchor = tok  # "the bulk carrier Tutor"
        elif tok.dep_ == "appos" and tok.head.lower_ in VESSEL_NOUNS:
            anchor = tok.head  # "the cargo ship Verbena, which ..."
        else:
            continue
        start = i
        while start > 0 and doc[start - 1].dep_ == "compound" and doc[start - 1].head.i == i and doc[start - 1].pos_ == "PROPN":
            start -= 1
        name = doc[start:i + 1].text
        if name in named or role_for("use", relation(anchor, chain_ids, set())) is not Role.target:
            continue
        out.append(Actor(text=name, span=offset_span(doc[start].idx, tok.idx + len(tok), ctx.offset), name=name,
                         role=Role.target, type=ActorType.other, entity_id=None))
    return out


def _attacked(noun) -> bool:
    """Whether the phrase ``noun`` belongs to is what an attack is defended against ("against
    Russian missile and drone attacks")."""
    while noun.dep_ in ("compound", "amod", "conj", "nmod") and noun.head.i != noun.i:
        noun = noun.head
    return noun.dep_ == "pobj" and noun.head.lower_ == "against"


def _counterpart(head, ent) -> Role | None:
    """The role of a possessor of a singular noun of trade, the other side of the trade
    ("Serbia's main supplier" is a recipient, "Beijing's biggest customer" a supplier)."""
    noun = head.head
    role = ROLE_NOUNS.get(noun.lower_)
    if head.dep_ != "poss" or ent.is_demonym or noun.tag_ != "NN" or role not in _COUNTERPARTS:
        return None
    return _COUNTERPARTS[role]


def _misparsed_dative(ctx, m, head, chain_ids: set[int], frame: str) -> bool:
    """Whether a name (no demonym) that the parser made a modifier of the verb's direct object
    stands right after the verb of giving or agreeing: the verb's indirect object."""
    if m.value.is_demonym or head.dep_ not in ("compound", "nmod") or frame not in ("out", "agree"):
        return False
    noun = head.head
    verb = ctx.doc[m.start - 1] if m.start else None
    return verb is not None and verb.i in chain_ids and noun.dep_ == "dobj" and noun.head.i == verb.i \
        and noun.i > head.i


def _inner_verb(tok, chain_ids: set[int]):
    """``(verb, frame)`` of the verb modifying a noun on the path from ``tok`` up to the clause's
    verbs, when it says where the goods come from: a participle of origin ("developed" in "a
    system developed by RTX", "made" in "a type made in Egypt") or a verb of transfer or making
    ("supplied" in "a model the UAE has supplied to ..."). None when another verb comes first."""
    cur, steps = tok, 0
    while cur.i not in chain_ids and cur.head.i != cur.i and steps < 40:
        steps += 1
        cur = cur.head
        if cur.i in chain_ids:
            return None
        if cur.pos_ in ("VERB", "AUX"):
            bare = cur.tag_ == "VBN" and not any(c.dep_ in ("nsubj", "nsubjpass", "aux", "auxpass") for c in cur.children)
            if cur.lower_ in ORIGIN_WORDS and bare and cur.dep_ in ("acl", "relcl", "advcl"):
                # "a system developed by RTX", "goes to Ukraine, paid for by Berlin"
                return cur, "out" if cur.lower_ in _GIVING_ORIGINS else "produce"
            if cur.dep_ not in ("acl", "relcl"):
                return None
            trigger = verb_trigger(cur)
            if trigger is not None and not trigger.generic and trigger.frame in ("out", "in", "produce"):
                return cur, trigger.frame
            return None
    return None


def _names_armed_group(ctx, noun) -> bool:
    """Whether ``noun`` is, or is modified by, the name of an armed group ("Houthi rebels")."""
    return any(e.value.type == ActorType.armed_group and (e.start <= noun.i < e.end or ctx.doc[e.head].head.i == noun.i)
               for e in ctx.entities)


def acts(ent) -> bool:
    """Whether an entity can act as a party (a state, group, company, or a body or person of a state)."""
    return _is_actor_type(ent) or bool(getattr(ent, "state", None))


#: Definite descriptions of an actor by its type ("the company built", "the group fired", "sales
#: to the island", "the two countries agreed").
_DESCRIPTIONS = vocabulary.description_entries()
#: the LOWER ids of the description nouns (see :func:`described_mentions`)
_DESCRIPTION_IDS = frozenset(get_string_id(w) for w in _DESCRIPTIONS)
_MARKS = frozenset(f for e in _DESCRIPTIONS.values() if e.marked for f in e.forms)
_NUMBERS = {"two": 2, "three": 3, "four": 4, "2": 2, "3": 3, "4": 4}


def acting_name(ent) -> str:
    """The name an entity acts under: a body or office holder acting for a state is the state."""
    if ent.type not in (ActorType.company, ActorType.armed_group, ActorType.state) and getattr(ent, "state", None):
        return ent.state
    return ent.name


def _is_chain_subject(tok, chain_ids: set[int]) -> bool:
    return tok.dep_ in ("nsubj", "nsubjpass") and tok.head.i in chain_ids


def _description(ctx, tok):
    """``(entry, count, mark)`` when ``tok`` heads a definite description of an actor ("the
    country", "the self-ruled island", "the two countries", "both governments"), else None. A
    phrase that names its referent ("the Kingdom of Saudi Arabia", "the Gulf kingdom"), or
    restricts it ("the country's", "a country that ..."), is no description."""
    entry = _DESCRIPTIONS.get(tok.lower_)
    if entry is not None and entry.pronoun:
        return (entry, 1, None) if _refers_to_party(ctx, tok) else None
    if entry is None or tok.i in ctx.entity_by_token or tok.pos_ not in ("NOUN", "PROPN"):
        return None
    dets = {c.lower_ for c in tok.children if c.dep_ in ("det", "predet")}
    numbers = [_NUMBERS[c.lower_] for c in tok.children if c.dep_ == "nummod" and c.lower_ in _NUMBERS]
    if any(c.dep_ in ("poss", "prep", "relcl", "acl") for c in tok.children):
        return None
    mods = [c for c in tok.children if c.dep_ in ("amod", "compound")]
    if any(c.i in ctx.entity_by_token for m in mods for c in m.subtree):
        return None
    if entry.plural:
        count = numbers[0] if numbers and dets & {"the", "these", "those"} else 2 if "both" in dets else 0
    else:
        count = 1 if "the" in dets and not numbers else 0  # "this country" is the speaker's
    if not count:
        return None
    mark = tok.lower_ if entry.marked else next((m.lower_ for m in mods if m.lower_ in _MARKS), None)
    return entry, count, mark


def _owner_pronoun_elsewhere(ctx, d, chain_ids: set[int], frame: str) -> bool:
    """An owner pronoun left to other rules: on the subject's body ("its forces fired", resolved
    with the other subjects that point elsewhere), or on a platform outside an attack ("to
    receive its first jets" says nothing of a maker)."""
    tok = ctx.doc[d.head]
    if tok.pos_ != "PRON" or tok.dep_ != "poss":
        return False
    if tok.head.lower_ in BODY_NOUNS:
        return _is_chain_subject(tok.head, chain_ids)
    return frame not in ("use", "in")


def _refers_to_party(ctx, tok) -> bool:
    """Whether a pronoun stands where the goods cannot: the indirect object ("have sent it
    major arms"), the object of "to" ("sold rifles to them"), the owner of a body of a state or
    of a platform ("its jets struck", "their navy")."""
    if tok.dep_ == "poss":
        return tok.head.lower_ in BODY_NOUNS or _is_platform(ctx, tok.head)
    return tok.dep_ == "dative" or tok.dep_ == "pobj" and tok.head.lower_ == "to"


def resolve_description(ctx, tok, exclude: set[str]) -> list[EntityRef]:
    """What a definite description at ``tok`` refers back to: the latest actors named before it
    with the description's type (and mark), one or as many as its number says, leaving out
    ``exclude`` (the clause's own names: "Russia sent the country shells" is not Russia)."""
    found = _description(ctx, tok)
    if found is None:
        return []
    entry, count, mark = found
    if tok.dep_ == "poss":
        exclude = set()  # "Russia sent its troops": the owner is often the clause's subject
    first = min([c.i for c in tok.lefts] + [tok.i])
    out: list[EntityRef] = []
    candidates = [m for m in ctx.entities if m.start < first]
    if tok.dep_ == "poss":
        # "India signed a deal with France for its navy": an owner is the subject of its sentence
        # before it is the latest name
        sent = tok.sent
        candidates.sort(key=lambda m: (m.start >= sent.start and ctx.doc[m.head].dep_ in ("nsubj", "nsubjpass"), m.start))
    for m in reversed(candidates):
        if not acts(m.value):
            continue
        ent = m.value
        if ent.type in entry.types:
            ref = EntityRef(name=ent.name, type=ent.type, entity_id=ent.entity_id, descriptions=ent.descriptions)
        elif ActorType.state in entry.types and getattr(ent, "state", None):
            ref = EntityRef(name=ent.state, type=ActorType.state, entity_id=ent.state_id, descriptions=ent.descriptions)
        else:
            continue
        if ref.name in exclude or any(r.name == ref.name for r in out) or mark and mark not in ref.descriptions:
            continue
        if entry.same_noun and not _named_with(ctx, m, tok.lower_):
            continue
        out.append(ref)
        if len(out) == count:
            break
    return out if len(out) == count else []


def _named_with(ctx, m, noun: str) -> bool:
    """Whether mention ``m`` is named with ``noun`` ("the U.S. Army", "Myanmar's military",
    "Pakistani army")."""
    doc = ctx.doc
    return doc[m.end - 1].lower_ == noun or doc[m.head].head.lower_ == noun and doc[m.head].dep_ in ("poss", "amod", "compound")


def described_mentions(ctx, toks: set[int], exclude: set[str]) -> list[Mention]:
    """The definite descriptions among ``toks`` as mentions of what they refer back to."""
    out = []
    lowers = ctx.lower_ids
    for i in sorted(toks):
        if lowers[i] not in _DESCRIPTION_IDS:
            continue
        tok = ctx.doc[i]
        for ref in resolve_description(ctx, tok, exclude):
            start = min([c.i for c in tok.lefts if c.dep_ in ("det", "predet", "nummod", "amod", "compound")] + [i])
            out.append(Mention(start, i + 1, i, ref))
    return out


def _is_bare_definite(tok) -> bool:
    """"the country" with nothing else that names it."""
    return any(c.dep_ == "det" and c.lower_ == "the" for c in tok.children) and not any(
        c.dep_ in ("amod", "compound", "poss", "prep") for c in tok.children)


def _relative_antecedent(ctx, clause: Clause, pronoun):
    """The entity a relative pronoun subject stands for ("Serbia, which still produces ...")."""
    if pronoun.lower_ not in ("which", "that", "who") or clause.head.dep_ != "relcl":
        return None
    return ctx.entity_by_token.get(clause.head.head.i)


class StateRef(NamedTuple):
    """Who an entity acts as: its name, type and gazetteer id (a person acting for a state is the state)."""

    name: str
    type: ActorType
    entity_id: str | None


def as_state(ent) -> StateRef:
    """An entity as the party it acts as; a person acting for a state ("Putin") becomes the state."""
    if ent.type == ActorType.person and getattr(ent, "state", None):
        return StateRef(ent.state, ActorType.state, getattr(ent, "state_id", None))
    return StateRef(ent.name, ent.type, ent.entity_id)


def _is_actor_type(ent) -> bool:
    """States, alliances, armed groups and companies are actors; an unknown place or an unresolved
    organisation name (often a mis-tagged weapon) is not."""
    if ent.type in (ActorType.state, ActorType.alliance, ActorType.armed_group, ActorType.company):
        return True
    return ent.entity_id is not None and ent.source_kind is None


def _is_subject_role(actor: Actor, frame: str) -> bool:
    """Whether ``actor`` has the role a subject of the frame has (the maker of the goods, in a
    frame other than production, is no subject: "The army received Chinese radars")."""
    if frame == "in":
        # "The Army bought shell bodies from Turkish manufacturers": a seller is no subject
        return actor.role in (Role.recipient, Role.party)
    return actor.role in (Role.supplier, Role.user, Role.party) or actor.role is Role.producer and frame == "produce" \
        or frame == "other" and actor.role == Role.recipient


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
