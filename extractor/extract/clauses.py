"""Clause segmentation on the dependency parse.

A sentence is cut into clauses at verbs that head one (root, complement, conjoined verb, relative
or adverbial clause, parataxis). Every token belongs to the nearest clause head above it. A clause
that turns out to assert nothing (no trigger, nothing about materiel) is folded back into the
clause above it, so each claim's evidence is the smallest clause that says something whole.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .domain import trade_verbs
from .triggers import Trigger, adj_trigger, noun_trigger, verb_trigger

CLAUSE_DEPS = frozenset({"ROOT", "ccomp", "conj", "relcl", "advcl", "parataxis", "csubj", "pcomp"})
#: Leading/trailing tokens trimmed from an evidence span.
EDGE_TRIM_POS = frozenset({"PUNCT", "CCONJ", "SCONJ"})
EDGE_TRIM_LOWER = frozenset({"that", "and", "but", "while", "as", "—", "-", "–", '"', "“", "”", "'", ","})


@dataclass
class Clause:
    """A clause: its head token, the verb chain (head + xcomp verbs) and its tokens."""

    head: object  # spacy Token
    chain: list = field(default_factory=list)
    tokens: set[int] = field(default_factory=set)
    parent: "Clause | None" = None
    children: list["Clause"] = field(default_factory=list)
    trigger: Trigger | None = None  # gives the claim type
    frame_trigger: Trigger | None = None  # gives the role frame (innermost content verb)
    nominal: object | None = None  # a trigger noun heading the content ("denied any transfers")
    #: objects that are the logical subject of a later chain verb ("accuse Iran of supplying")
    raised: set[int] = field(default_factory=set)
    #: a gapped clause sharing its parent's verb ("... and the Dutch government 24")
    gapped: bool = False
    #: a denial of what was said before ("Tehran rejects the charge")
    denial: bool = False

    @property
    def depth(self) -> int:
        d, c = 0, self.parent
        while c is not None:
            d, c = d + 1, c.parent
        return d


def is_clause_head(tok) -> bool:
    """Whether ``tok`` heads a clause of its own."""
    if tok.dep_ == "ROOT":
        return True
    if tok.lower_ == "enough" and tok.head.pos_ in ("VERB", "AUX") and any(
            c.dep_ == "prep" and c.lower_ == "for" for c in tok.children):
        return True  # "..., enough for about 6 million 152mm shells": a verbless estimate
    if tok.pos_ not in ("VERB", "AUX"):
        return False
    dep = tok.dep_
    if dep == "xcomp":
        # "enough to carry 4.8 million shells", "able to hold": a complement of an adjective
        return tok.head.pos_ in ("ADJ", "ADV")
    if dep == "acl":
        # "reports that the country is about to receive": a noun's complement clause
        return any(c.dep_ == "mark" and c.lower_ == "that" for c in tok.children)
    if dep not in CLAUSE_DEPS:
        return False
    has_subject = any(c.dep_ in _SUBJECTS for c in tok.children)
    if dep == "pcomp":
        # "a quarter of what Russian forces were using" (its own subject); "accused X of
        # supplying" has none and stays in the verb chain
        return has_subject
    if dep in ("conj", "advcl") and not has_subject and tok.tag_ == "VBN" \
            and not any(c.dep_ in ("aux", "auxpass") for c in tok.children) \
            and not any(t.like_num for t in tok.subtree):
        # a reduced participle: "jets, supplied through a coalition" (but "..., compared with
        # roughly 1.3 million in the United States" carries a count of its own)
        return False
    if dep == "advcl" and not has_subject and any(c.dep_ == "aux" and c.lower_ == "to" for c in tok.children):
        return False  # a purpose: "..., to be used in the war in Ukraine"
    if dep == "conj" and not has_subject and not any(c.dep_ in ("aux", "auxpass") for c in tok.children) \
            and not any(c.dep_ in ("dobj", "dative", "attr") for c in tok.head.children):
        return False  # verbs sharing one object: "will produce or refurbish 4.5 million shells"
    if dep == "conj":
        return tok.head.pos_ in ("VERB", "AUX")
    return True


_SUBJECTS = frozenset({"nsubj", "nsubjpass", "csubj", "expl"})
_COPULA = frozenset({"be", "is", "are", "was", "were", "been", "being", "'s", "'re"})


def verb_chain(head, raised: set[int] | None = None) -> list:
    """The head and the verbs that complete it.

    Open complements ("plans to deliver" → [plans, deliver]) and gerunds after "of"/"for"
    ("accused Iran of supplying" → [accused, supplying]; the object of the first verb is then the
    logical subject of the gerund and is added to ``raised``).
    """
    chain = [head]
    cur = head
    while len(chain) < 6:
        nxt = [c for c in cur.children if c.dep_ == "xcomp" and c.pos_ in ("VERB", "AUX")]
        if nxt and verb_trigger(cur) is not None and verb_trigger(nxt[0]) is None:
            nxt = []  # a purpose clause after a trigger ("needs jets to challenge") is not the claim
        if not nxt:
            for prep in cur.children:
                if prep.dep_ == "prep" and prep.lower_ == "of":
                    nxt = [c for c in prep.children if c.dep_ == "pcomp" and c.tag_ == "VBG"]
                    if nxt:
                        if raised is not None:
                            raised.update(c.i for c in cur.children if c.dep_ == "dobj")
                        break
        if not nxt:
            break
        cur = nxt[0]
        chain.append(cur)
    return chain


def segment(sent) -> list[Clause]:
    """Clauses of a sentence (a spaCy Span), outer clauses first."""
    heads = [t for t in sent if is_clause_head(t)]
    by_head = {t.i: Clause(head=t) for t in heads}
    for clause in by_head.values():
        clause.chain = verb_chain(clause.head, clause.raised)
        triggers = [(verb_trigger(t) or adj_trigger(t), t) for t in clause.chain]
        triggers = [(tr, t) for tr, t in triggers if tr is not None]
        if triggers:
            clause.trigger = triggers[0][0]
            clause.frame_trigger = triggers[-1][0]
    # each token goes to the nearest clause head above it; the walk reads head indices, not
    # Token objects (spaCy makes a new one on every access: this loop was a fifth of the claims' CPU)
    doc = sent.doc
    head_of = {tok.i: tok.head.i for tok in sent}
    for i in head_of:
        cur = i
        while cur not in by_head:
            up = head_of[cur] if cur in head_of else doc[cur].head.i
            if up == cur:
                break
            cur = up
        owner = by_head.get(cur)
        if owner is None:  # a fragment root that is not a clause head cannot happen; be safe
            root = doc[cur]
            owner = by_head.setdefault(cur, Clause(head=root, chain=[root]))
        owner.tokens.add(i)
    for clause in by_head.values():
        h = clause.head
        if h.head.i != h.i:
            up = h.head
            while up.i not in by_head and up.head.i != up.i:
                up = up.head
            parent = by_head.get(up.i)
            if parent is not None and parent is not clause:
                clause.parent = parent
                parent.children.append(clause)
    for clause in list(by_head.values()):
        if clause.trigger is None:
            clause.nominal = _nominal_trigger(clause)
        else:
            for gap in _gapped(clause):
                by_head[gap.head.i] = gap
    return sorted(by_head.values(), key=lambda c: (c.depth, c.head.i))


def _gapped(clause: Clause) -> list[Clause]:
    """Gapped conjuncts that repeat the verb with a new subject and count:
    "Copenhagen has pledged 19 jets and the Dutch government 24" → a clause "the Dutch government 24"."""
    out = []
    for obj in clause.chain[-1].children:
        if obj.dep_ != "dobj":
            continue
        for conj in obj.children:
            if conj.dep_ != "conj" or conj.lower_ == obj.lower_ or conj.pos_ not in ("NOUN", "PROPN"):
                continue
            if not any(c.dep_ == "nummod" and c.i > conj.i for c in conj.children):
                continue
            toks = {t.i for t in conj.subtree} & clause.tokens
            if not toks:
                continue
            clause.tokens -= toks
            gap = Clause(head=conj, chain=clause.chain, tokens=toks, parent=clause, trigger=clause.trigger,
                         frame_trigger=clause.frame_trigger, gapped=True)
            clause.children.append(gap)
            out.append(gap)
    return out


#: Trigger nouns naming a party by its role in the trade ("buyer", "exporter"): a claim as a
#: predicate ("India was the largest buyer"), not as a subject ("those buyers did").
_ROLE_TRIGGERS = frozenset({"noun.trade_buyer", "noun.trade_seller"})


def _nominal_trigger(clause: Clause):
    """A trigger noun that carries the assertion when the verb does not ("verified the shipments",
    "India was the largest recipient", "followed as the largest suppliers"); a trade noun as the
    subject of any verb ("Russian arms exports fell by 53%", "shipments began last month")."""
    for child in clause.head.children:
        copula = clause.head.lower_ in _COPULA
        if child.dep_ == "prep" and child.lower_ == "as":
            child = next((c for c in child.children if c.dep_ == "pobj"), child)
        if child.dep_ in ("nsubj", "nsubjpass") and not copula and child.i in clause.tokens:
            tr = noun_trigger(child)
            if tr is not None and tr.frame in ("out", "in", "produce") and clause.chain[-1].lower_ in trade_verbs() \
                    and tr.id not in _ROLE_TRIGGERS:
                return child
            continue
        if (child.dep_ in ("dobj", "attr", "oprd", "pobj") or copula and child.dep_ == "nsubj") and child.i in clause.tokens:
            tr = noun_trigger(child)
            if tr is not None:
                return child
            for grand in child.children:  # "any arms transfers": compound head is the noun itself
                if grand.dep_ == "prep":
                    for pobj in grand.children:
                        tr2 = noun_trigger(pobj)
                        if tr2 is not None and grand.lower_ in ("of", "for"):
                            return pobj
    return None


def fold(clause: Clause) -> None:
    """Merge a clause's tokens into its parent (it asserts nothing on its own)."""
    parent = clause.parent
    if parent is None:
        return
    parent.tokens |= clause.tokens
    clause.tokens = set()
    parent.children.remove(clause)
    for child in clause.children:
        child.parent = parent
        parent.children.append(child)
    clause.children = []


#: Relative pronouns that can stand for a thing (not "who").
RELATIVE_PRONOUNS = frozenset({"which", "that"})


def relative_antecedent(tok):
    """The noun a relative pronoun stands for, when it is the subject or object of its relative
    clause ("dozens of ballistic missiles, which Russian forces have fired" → missiles); else None."""
    if tok.lower_ in RELATIVE_PRONOUNS and tok.head.dep_ == "relcl" and tok.dep_ in ("nsubj", "nsubjpass", "dobj"):
        return tok.head.head
    return None


def _edge(tok) -> bool:
    """Punctuation, conjunctions and complementisers trimmed off a claim's edges; a subordinating
    word that heads a phrase ("Since the Oct. 7 attack, ...", a preposition) stays."""
    if tok.pos_ == "SCONJ" and tok.dep_ == "prep":
        return False
    return tok.pos_ in EDGE_TRIM_POS or tok.lower_ in EDGE_TRIM_LOWER or tok.is_space


def evidence_range(doc, clause: Clause, exclude: set[int]) -> tuple[int, int] | None:
    """The contiguous token range ``[start, end)`` of the clause around its head.

    Grows from the head over tokens of the clause (skipping nothing that belongs to another
    claim or to an attribution frame), then trims punctuation, conjunctions and
    complementisers at the edges.
    """
    own = clause.tokens - exclude
    if clause.head.i not in own:
        if not own:
            return None
        anchor = min(own, key=lambda i: abs(i - clause.head.i))
    else:
        anchor = clause.head.i
    start = end = anchor
    while start - 1 in own:
        start -= 1
    while end + 1 in own:
        end += 1
    end += 1
    while start < end and _edge(doc[start]):
        start += 1
    while end > start and _edge(doc[end - 1]):
        end -= 1
    if end <= start:
        return None
    return start, end
