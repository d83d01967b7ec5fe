"""Actor roles from the dependency path between an actor mention and its clause's verb.

The path from the mention up to the verb chain gives one of: the grammatical relation at the
verb (subject, passive subject, agent, object, dative) or the nearest preposition on the way
("to", "from", "at", ...). The clause's frame (see :mod:`extractor.extract.triggers`) maps that
relation to a role. Adjectives of origin on a weapon ("North Korean missiles",
"Chinese-made drones") make the state a producer.
"""

from __future__ import annotations

from ..models import Role

# relation → role, per frame. Relations: subj, pass, agent, obj, dative, and "prep:<word>".
_FRAMES: dict[str, dict[str, Role]] = {
    "out": {
        "subj": Role.supplier, "agent": Role.supplier, "pass": Role.recipient, "obj": Role.recipient,
        "dative": Role.recipient, "prep:to": Role.recipient, "prep:for": Role.recipient,
        "prep:into": Role.recipient, "prep:in": Role.recipient, "prep:from": Role.supplier,
        "prep:through": Role.other, "prep:via": Role.other, "prep:with": Role.recipient,
        "poss": Role.supplier, "amod": Role.supplier,
    },
    "in": {
        "subj": Role.recipient, "agent": Role.recipient, "prep:from": Role.supplier,
        "prep:in": Role.supplier, "prep:through": Role.other, "prep:via": Role.other,
        "poss": Role.recipient, "obj": Role.other, "prep:for": Role.recipient,
    },
    "arrive": {
        "obj": Role.recipient, "prep:to": Role.recipient, "prep:in": Role.recipient,
        "prep:into": Role.recipient, "prep:from": Role.supplier, "prep:for": Role.recipient,
        "prep:through": Role.other, "prep:via": Role.other, "amod": Role.supplier,
        "poss": Role.supplier, "prep:between": Role.other,
    },
    "use": {
        "subj": Role.user, "agent": Role.user, "obj": Role.target, "prep:at": Role.target,
        "prep:against": Role.target, "prep:on": Role.target, "prep:in": Role.target,
        "prep:into": Role.target, "poss": Role.user, "amod": Role.user, "prep:by": Role.user,
    },
    "produce": {
        "subj": Role.producer, "agent": Role.producer, "prep:in": Role.producer,
        "poss": Role.producer, "amod": Role.producer, "prep:for": Role.recipient,
        "prep:to": Role.recipient,
    },
    "agree": {
        "subj": Role.supplier, "agent": Role.supplier, "obj": Role.recipient, "dative": Role.recipient,
        "prep:to": Role.recipient, "prep:for": Role.recipient, "prep:from": Role.supplier,
        "prep:with": Role.party, "poss": Role.supplier, "amod": Role.supplier, "prep:between": Role.party,
    },
    "assess": {
        "subj": Role.other, "prep:to": Role.recipient, "prep:from": Role.supplier,
        "prep:for": Role.recipient, "poss": Role.other, "amod": Role.other,
    },
    "other": {
        "subj": Role.recipient, "prep:from": Role.supplier, "prep:to": Role.recipient,
        "prep:for": Role.recipient, "poss": Role.recipient, "amod": Role.other,
    },
}

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
        if dep == "pobj" and cur.head.dep_ in ("prep", "agent") and prep is None:
            if cur.head.lower_ in _LOCATIVE and cur.head.head.pos_ == "PROPN" \
                    and cur.head.head.i not in chain_ids:
                return None  # "the Rapid Support Forces in Sudan": where a party is, not a party
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
            if dep in ("conj", "appos"):
                return None
            return None
        if dep in ("conj", "appos") and parent.dep_ in _SUBJ | _PASS | _OBJ | {"pobj", "dative"}:
            cur = parent
            continue
        cur = parent
    return prep


def role_for(frame: str, rel: str | None) -> Role | None:
    """The role a relation gives in a frame, or None when the frame says nothing."""
    if rel is None:
        return None
    return _FRAMES.get(frame, {}).get(rel)
