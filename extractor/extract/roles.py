"""Actor roles from the dependency path between an actor mention and its clause's verb.

The path from the mention up to the verb chain gives one of: the grammatical relation at the
verb (subject, passive subject, agent, object, dative) or the nearest preposition on the way
("to", "from", "at", ...). The clause's frame (see :mod:`extractor.extract.triggers`) maps that
relation to a role through the table in ``data/role_frames.jsonl``. Adjectives of origin on a weapon ("North Korean missiles",
"Chinese-made drones") make the state a producer.
"""

from __future__ import annotations

from functools import cache
from typing import Annotated

from pydantic import StringConstraints

from .. import vocabulary
from ..lexicon import LexiconEntry, load_package_lexicon
from ..models import Role
from .triggers import Frame

#: Relations a path can end in: the grammatical relation at the verb, or the nearest preposition.
RELATION = r"^(subj|pass|agent|obj|dative|poss|amod|prep:[a-z]+)$"


class RoleFrame(LexiconEntry):
    """One frame of ``role_frames.jsonl``: which role each relation to the verb gives."""

    frame: Frame
    roles: dict[Annotated[str, StringConstraints(pattern=RELATION)], Role]


@cache
def role_frames() -> dict[str, dict[str, Role]]:
    """``frame → relation → role``, loaded once per process."""
    entries = load_package_lexicon("role_frames.jsonl", RoleFrame, keys=lambda e: [e.frame])
    return {e.frame: e.roles for e in entries}


#: Nouns of a state's bodies: "the government of Poland" is Poland.
BODY_NOUNS = vocabulary.state_body_nouns()
#: Prepositions of circumstance: a name inside their phrase ("during a visit to Rabat") is no party.
_CIRCUMSTANCE = frozenset({"during", "after", "before", "since", "amid", "following"})
_SUBJ = {"nsubj", "csubj", "expl"}
_LOCATIVE = frozenset({"in", "at", "near", "inside", "outside", "around"})
_PASS = {"nsubjpass", "csubjpass"}
_OBJ = {"dobj", "attr", "oprd"}


def relation(
    tok, chain_ids: set[int], stop: set[int], raised: frozenset[int] | set[int] = frozenset(), raising: int | None = None
) -> str | None:
    """The relation of ``tok`` to the verb chain: "subj", "obj", "prep:to", "poss"...

    Walks up the tree from ``tok``; the nearest preposition met on the way decides, otherwise
    the dependency label of the node that attaches to the chain. ``stop`` are token ids the
    walk must not cross (heads of other clauses).
    """
    cur = tok
    prep: str | None = None
    first = True
    steps = 0
    while cur.i not in chain_ids and steps < 40:
        steps += 1
        dep = cur.dep_
        if dep == "pobj" and cur.head.lower_ == "of" and cur.head.head.lower_ in BODY_NOUNS:
            # "the Government of Poland", "the armed forces of Ukraine": the state is the body
            cur = cur.head.head
            continue
        if dep == "pobj" and prep is None and (
                cur.head.dep_ in ("prep", "agent") or cur.head.dep_ == "conj" and cur.head.pos_ == "ADP"):
            # "to Ukraine or to Russia": the second "to" is parsed as a conjunct of the first
            if cur.head.lower_ in _LOCATIVE and cur.head.head.pos_ == "PROPN" \
                    and cur.head.head.i not in chain_ids:
                return None  # "the Rapid Support Forces in Sudan": where a party is, not a party
            holder = cur.head.head
            if holder.lower_ in ("based", "located") and holder.dep_ == "acl":
                holder = holder.head
            if cur.head.lower_ in _LOCATIVE and holder.pos_ == "NOUN" and holder.dep_ in _SUBJ | _PASS \
                    and holder.head.i in chain_ids:
                # "entities in Russia had supplied ...", "firms based in China shipped ...": the
                # place of an unnamed subject stands for it
                return relation(holder, chain_ids, stop, raised, raising)
            if cur.head.lower_ == "with" and _jointly(cur.head, chain_ids):
                return "subj"  # "builds the fighter jointly with Chengdu", "together with the US"
            owner = cur.head.head
            if owner.pos_ == "NOUN" and owner.dep_ == "pobj" and owner.head.lower_ in _CIRCUMSTANCE:
                return None  # "signed an agreement during a visit to Rabat": where, not who
            prep = "agent" if cur.head.dep_ == "agent" else f"prep:{cur.head.lower_}"
        if first and dep == "poss":
            return "poss"
        first = False
        parent = cur.head
        if parent.i == cur.i or parent.i in stop:
            return prep
        if parent.i in chain_ids:
            if prep is not None:
                return prep
            if dep in _SUBJ:
                return "subj"
            if dep in _PASS:
                return "subj" if parent.i == raising else "pass"
            if dep == "agent":
                return "agent"
            if dep in _OBJ:
                return "subj" if cur.i in raised else "obj"
            if dep in ("dative", "iobj"):
                return "dative"
            if dep == "npadvmod":
                return "obj"
            if dep in ("compound", "amod", "nmod") and parent.pos_ in ("NOUN", "PROPN"):
                return "amod"  # "U.S. arms exports": a modifier of the transfer noun
            return None
        if dep in ("conj", "appos") and parent.dep_ in _SUBJ | _PASS | _OBJ | {"pobj", "dative"}:
            cur = parent
            continue
        cur = parent
    return prep


_JOINT = frozenset({"together", "jointly", "along"})


def _jointly(prep, chain_ids: set[int]) -> bool:
    """Whether a "with" phrase names a partner acting with the subject ("together with the
    United States", "builds ... jointly with Chengdu", "along with France")."""
    if any(c.dep_ == "advmod" and c.lower_ in _JOINT for c in prep.children):
        return True
    verb = prep.head
    return verb.i in chain_ids and any(c.dep_ == "advmod" and c.lower_ in _JOINT for c in verb.children)


def role_for(frame: str, rel: str | None) -> Role | None:
    """The role a relation gives in a frame, or None when the frame says nothing."""
    if rel is None:
        return None
    return role_frames().get(frame, {}).get(rel)
