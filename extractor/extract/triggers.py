"""Claim triggers: the verbs and nouns that make a clause an assertion about materiel.

Each trigger carries the claim type it gives (``claim_type follows the main verb``) and a
*frame* that says how the participants of the clause map to roles:

``out``      the subject gives (send, supply, sell): subject → supplier, "to X" → recipient
``in``       the subject gets (receive, buy): subject → recipient, "from X" → supplier
``arrive``   the goods move (arrive, reach, come): "to/in X" → recipient, "from X" → supplier
``use``      the subject fires (fire, launch, strike): subject → user, "at X" → target
``produce``  the subject makes (produce, manufacture): subject → producer
``agree``    the subject commits (pledge, approve, sign): supplier/recipient when directed, else party
``assess``   a count or an estimate (estimate, hold, own)
``other``    needs, requests, training, funding

Verb forms are listed in full in the data file, so the pipeline needs no lemmatizer.
"""

from __future__ import annotations

from functools import cache
from typing import Literal

from .. import vocabulary
from ..lexicon import LexiconEntry, load_package_lexicon
from ..models import ClaimType

Frame = Literal["out", "in", "arrive", "use", "produce", "agree", "assess", "other"]


class Trigger(LexiconEntry):
    pos: Literal["verb", "noun", "adj"]
    frame: Frame
    claim_type: ClaimType
    forms: list[str]
    #: a verb with many non-military senses ("give assurances", "join a meeting"): it asserts
    #: something about materiel only when the clause names materiel
    generic: bool = False
    #: a verb of composition ("includes", "comprises"): the claim has the type of the trigger
    #: noun that holds the items, its subject or the noun its relative clause modifies ("the
    #: deliveries included" is a transfer, "the package includes" an agreement)
    holder_type: bool = False
    #: the frame and type the verb takes when its object is a weapon: "the army operates 200
    #: tanks" is an inventory (assessment), "the plants were operating flat out" production
    weapon_object: tuple[Frame, ClaimType] | None = None
    #: talks and negotiations: nothing is agreed yet, so the claim is hedged (FORMAT) and it needs
    #: materiel or a trade noun of its own ("in talks about further sales", not "peace talks")
    tentative: bool = False
    #: deployment and stationing: in peacetime the claim is ``other`` and its place no target
    #: (FORMAT); aimed at someone ("against") or said of war ("on the front line") it is a use
    stationing: bool = False


def control_words() -> frozenset[str]:
    """Adjectives of control after "be" ("are due to arrive", "is set to send")."""
    return vocabulary.control_words()


def controlled_verb(token):
    """The infinitive a control adjective on ``token`` governs ("are due to arrive" → arrive), or None."""
    for adj in token.children:
        if adj.dep_ in ("acomp", "oprd", "advmod", "xcomp") and adj.lower_ in control_words():
            for verb in adj.children:
                if verb.dep_ == "xcomp" and verb.pos_ in ("VERB", "AUX"):
                    return verb
    return None


def _keys(entry: Trigger) -> list[str]:
    return [f"{entry.pos}:{form.lower()}" for form in entry.forms]


@cache
def trigger_index() -> dict[str, Trigger]:
    """``"verb:sent"`` / ``"noun:shipments"`` → trigger (loaded once per process)."""
    entries = load_package_lexicon("claim_triggers.jsonl", Trigger, keys=_keys)
    return {key: entry for entry in entries for key in _keys(entry)}


def verb_trigger(token) -> Trigger | None:
    """The trigger of a verb token (VERB/AUX), or None."""
    if token.pos_ not in ("VERB", "AUX") and token.tag_ not in ("VBN", "VBG", "VBD", "VBZ", "VBP", "VB"):
        return None
    return trigger_index().get(f"verb:{token.lower_}")


def adj_trigger(token) -> Trigger | None:
    """The trigger of a predicative adjective ("enough for 6 million shells"), or None."""
    return trigger_index().get(f"adj:{token.lower_}")


def noun_trigger(token) -> Trigger | None:
    """The trigger of a noun token ("shipments", "package"), or None."""
    if token.pos_ not in ("NOUN", "PROPN"):
        return None
    return trigger_index().get(f"noun:{token.lower_}")


def announces_agreement(verb, nominal) -> bool:
    """A reporting verb whose object is an agreement ("announced a package", "unveiled a deal"):
    the one announcing commits (FORMAT: a package announced is the event), nobody is quoted. An
    agreement already mentioned ("announced the contract on Tuesday") is reported on, not made."""
    if any(c.dep_ == "det" and c.lower_ in ("the", "this", "that", "these", "those") for c in nominal.children):
        return False
    trigger = noun_trigger(nominal)
    return (nominal.dep_ == "dobj" and nominal.head.i == verb.i and trigger is not None
            and trigger.frame == "agree" and not any(c.dep_ == "neg" for c in verb.children))
