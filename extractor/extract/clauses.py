"""Clause segmentation on the dependency parse.

A sentence is cut into clauses at verbs that head one (root, complement, conjoined verb, relative
or adverbial clause, parataxis). Every token belongs to the nearest clause head above it. A clause
that turns out to assert nothing (no trigger, nothing about materiel) is folded back into the
clause above it, so each claim's evidence is the smallest clause that says something whole.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, field

import numpy
from spacy.attrs import DEP, HEAD, LOWER, POS
from spacy.strings import get_string_id
from spacy.symbols import AUX, VERB

from .domain import trade_verbs
from .triggers import Trigger, adj_trigger, control_words, controlled_verb, noun_trigger, verb_trigger

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
        # "enough to carry 4.8 million shells", "able to hold": a complement of an adjective; "are
        # due to arrive" belongs to the copula's verb chain
        governed = controlled_verb(tok.head.head) if tok.head.lower_ in control_words() else None
        return tok.head.pos_ in ("ADJ", "ADV") and (governed is None or governed.i != tok.i)
    if dep == "acl":
        # "reports that the country is about to receive": a noun's complement clause
        if any(c.dep_ == "mark" and c.lower_ == "that" for c in tok.children):
            return True
        trigger = verb_trigger(tok)
        if trigger is None:
            return False
        # "with the potential to acquire up to two more": a count moved by the infinitive (not "a
        # deal to buy 54 tanks", whose noun is the agreement itself)
        return trigger.frame in ("out", "in") and noun_trigger(tok.head) is None \
            and any(c.dep_ == "aux" and c.lower_ == "to" for c in tok.children) \
            and any(t.pos_ == "NUM" for t in tok.subtree)
    if dep not in CLAUSE_DEPS:
        return False
    has_subject = any(c.dep_ in _SUBJECTS for c in tok.children)
    if dep == "pcomp":
        # "a quarter of what Russian forces were using" (its own subject); "accused X of
        # supplying" has none and stays in the verb chain; "..., before building its own
        # submarines" / "after signing an agreement" is an event of its own
        return has_subject or tok.head.lower_ in _TIME_PREPOSITIONS and verb_trigger(tok) is not None
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


_TIME_PREPOSITIONS = frozenset({"before", "after", "while", "since"})
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
        if not nxt and controlled_verb(cur) is not None:
            nxt = [controlled_verb(cur)]  # "the jets are due to arrive", "is set to send"
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


class TokenArrays:
    """A Doc's head indices and the positions of the tokens some scan looks at, read once per Doc
    with ``Doc.to_array``.

    spaCy makes a new Token object on every ``doc[i]``, ``t.head`` or step through a Span, and
    ``t.lower_`` looks a string up: the scans over every token of every sentence (clause heads,
    "according to", document nouns) take their few candidates from here and make Tokens of
    those only."""

    def __init__(self, doc):
        self.doc = doc
        n = len(doc)
        #: the head of each token, as an index into the Doc
        self.head: list[int] = []
        # per token: POS, DEP and LOWER ids (uint64)
        self._attrs = numpy.zeros((0, 3), dtype=numpy.uint64)
        if n:
            # HEAD is the offset to the head, negative ones wrapped round in the unsigned array
            self.head = (doc.to_array(HEAD).astype(numpy.int64) + numpy.arange(n)).tolist()
            self._attrs = doc.to_array([POS, DEP, LOWER]).reshape(n, 3)
        self._lowers: dict[frozenset[int], list[int]] = {}
        pos, dep, lower = self._attrs.T
        # is_clause_head holds only for a root, "enough" or a verb
        self.clause_head_candidates: list[int] = numpy.flatnonzero(
            (pos == VERB) | (pos == AUX) | (dep == numpy.uint64(_ROOT)) | (lower == numpy.uint64(_ENOUGH))).tolist()

    def with_lower(self, words: frozenset[int]) -> list[int]:
        """The positions of the tokens whose lower-case form is one of ``words`` (string ids)."""
        hit = self._lowers.get(words)
        if hit is None:
            wanted = numpy.fromiter(words, dtype=numpy.uint64, count=len(words))
            hit = self._lowers[words] = numpy.flatnonzero(numpy.isin(self._attrs[:, 2], wanted)).tolist()
        return hit

    @staticmethod
    def within(positions: list[int], span) -> list[int]:
        """The ``positions`` (sorted) inside ``span``."""
        return positions[bisect_left(positions, span.start):bisect_left(positions, span.end)]


_ROOT = get_string_id("ROOT")
_ENOUGH = get_string_id("enough")


def segment(sent, arrays: TokenArrays | None = None) -> list[Clause]:
    """Clauses of a sentence (a spaCy Span), outer clauses first; ``arrays`` are its Doc's
    (made here when not given)."""
    doc = sent.doc
    if arrays is None or arrays.doc is not doc:
        arrays = TokenArrays(doc)
    head_of = arrays.head
    heads = [tok for tok in (doc[i] for i in arrays.within(arrays.clause_head_candidates, sent)) if is_clause_head(tok)]
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
    for i in range(sent.start, sent.end):
        cur = i
        while cur not in by_head:
            up = head_of[cur]
            if up == cur:
                break
            cur = up
        owner = by_head.get(cur)
        if owner is None:  # a fragment root that is not a clause head cannot happen; be safe
            root = doc[cur]
            owner = by_head.setdefault(cur, Clause(head=root, chain=[root]))
        owner.tokens.add(i)
    for clause in by_head.values():
        h = clause.head.i
        if head_of[h] != h:
            up = head_of[h]
            while up not in by_head and head_of[up] != up:
                up = head_of[up]
            parent = by_head.get(up)
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


_GAP_BOUNDARY = frozenset({",", ";", "and", "but", "while", "whereas"})


def _gapped(clause: Clause) -> list[Clause]:
    """Gapped conjuncts that repeat the verb with a new subject, count or date:
    "Copenhagen has pledged 19 jets and the Dutch government 24" → a clause "the Dutch government 24";
    "will hand over six in 2024, eight more later that year and the remaining five in 2025" → three;
    "Italy supplied most of the launchers and France most of the missiles" → two.

    A gap is a second direct object of the verb, a conjunct of an object that has a count of its
    own, or a verbless conjunct of the verb that is a count or a counted noun; its words are the
    run of the clause's tokens around it between two commas or coordinators."""
    verb = clause.chain[-1]
    objects = [c for c in verb.children if c.dep_ == "dobj" and c.pos_ in ("NOUN", "PROPN", "NUM", "PRON", "ADJ")]
    # a second object is a gap only with a count or a new subject before it (an apposition, "a deal,
    # the first such accord", or a list, "WanderB and ThunderB drones", is none)
    cands = [(o, True) for o in objects[1:] if _counted_or_led(clause, o)]
    for obj in objects[:1]:
        for conj in obj.children:
            if conj.dep_ == "conj" and conj.lower_ != obj.lower_ and conj.pos_ in ("NOUN", "PROPN") \
                    and any(c.dep_ == "nummod" and c.i > conj.i for c in conj.children):
                cands.append((conj, False))  # "the Dutch government 24"
    for obj in objects[1:]:
        for conj in obj.children:
            if conj.dep_ == "conj" and (conj.pos_ == "NUM" or any(c.dep_ == "nummod" for c in conj.children)):
                cands.append((conj, True))  # "six more in July and the last two in September"
    after = objects[0].i if objects else verb.i
    for tok in clause.chain:
        for conj in tok.children:
            if conj.dep_ != "conj" or conj.i < after:
                continue
            if conj.pos_ == "NUM" or conj.pos_ in ("NOUN", "PROPN") and any(c.dep_ == "nummod" for c in conj.children):
                cands.append((conj, True))  # "..., and the remaining five in 2025", "and Sweden 8"
            elif conj.pos_ == "PROPN" and objects and max(_gap_run(clause, conj), default=conj.i) > conj.right_edge.i:
                cands.append((conj, True))  # "and Estonia most of the rifles": a new subject
            elif conj.pos_ == "NOUN" and (any(c.pos_ == "NUM" and c.dep_ in ("appos", "nummod") for c in conj.children)
                                          or any(_is_year(conj.doc[i]) for i in _gap_run(clause, conj))):
                # "are due to arrive next year and the rest in 2026", "operates five batteries and
                # France's air force eight": a verbless conjunct with a count or a year of its own
                cands.append((conj, True))
    out = []
    for head, linear in sorted(cands, key=lambda c: c[0].i):
        if linear:
            toks = _gap_run(clause, head)
        else:
            toks = {t.i for t in head.subtree} & clause.tokens
        if not toks or head.i not in toks:
            continue
        clause.tokens -= toks
        gap = Clause(head=head, chain=clause.chain, tokens=toks, parent=clause, trigger=clause.trigger,
                     frame_trigger=clause.frame_trigger, gapped=True)
        clause.children.append(gap)
        out.append(gap)
    return out


def _counted_or_led(clause: Clause, obj) -> bool:
    """A second object with a count of its own ("eight more", "12 howitzers") or a name before it
    that is not in it ("and France most of its missiles")."""
    run = _gap_run(clause, obj)
    if not run or obj.doc[min(run) - 1].lower_ not in _GAP_BOUNDARY:
        return False  # "sent Russia 6,700 containers": two objects of one verb, no gap between
    if obj.pos_ == "NUM" or any(c.dep_ == "nummod" for c in obj.children):
        return True
    return any(i < obj.left_edge.i and obj.doc[i].pos_ == "PROPN" for i in run)


def _is_year(tok) -> bool:
    return tok.shape_ == "dddd" and 1900 <= int(tok.text) <= 2100


def _gap_run(clause: Clause, head) -> set[int]:
    """The clause's tokens around ``head`` up to the nearest comma or coordinator on each side."""
    doc = head.doc
    own = {head.i}
    coord = min((c.i for c in head.children if c.dep_ in ("conj", "cc")), default=len(doc))
    for c in head.children:
        if c.dep_ not in ("conj", "cc", "punct") and c.i < coord:
            # its conjuncts, and what comes after them, are gaps of their own
            own |= {t.i for t in c.subtree}
    left, right = min(own), max(own)
    verb = clause.chain[-1]
    first = next((c for c in verb.children if c.dep_ == "dobj"), None)
    floor = max([t.i for t in clause.chain] + ([first.right_edge.i] if first is not None and first.i < head.i else []))
    if left <= floor:
        return set()  # the verb or its first object lies inside: no gap
    while left - 1 in clause.tokens and left - 1 > floor and doc[left - 1].lower_ not in _GAP_BOUNDARY:
        left -= 1
    while right + 1 in clause.tokens and doc[right + 1].lower_ not in _GAP_BOUNDARY:
        right += 1
    return set(range(left, right + 1)) & clause.tokens


#: Trigger nouns naming a party by its role in the trade ("buyer", "exporter"): a claim as a
#: predicate ("India was the largest buyer"), not as a subject ("those buyers did").
_ROLE_TRIGGERS = frozenset({"noun.trade_buyer", "noun.trade_seller"})
_BECOME = frozenset({"become", "becoming", "remain", "remaining", "be"})


def _nominal_trigger(clause: Clause):
    """A trigger noun that carries the assertion when the verb does not ("verified the shipments",
    "India was the largest recipient", "followed as the largest suppliers"); a trade noun as the
    subject of any verb ("Russian arms exports fell by 53%", "shipments began last month")."""
    children = list(clause.head.children)
    for verb in clause.head.children:
        # "overtook Russia to become the second-largest exporter": the infinitive's predicate
        if verb.dep_ in ("advcl", "xcomp") and verb.lower_ in _BECOME and verb.i in clause.tokens:
            children += [c for c in verb.children if c.dep_ in ("attr", "oprd")]
    for child in children:
        copula = clause.head.lower_ in _COPULA
        if child.dep_ == "prep" and child.lower_ == "as":
            child = next((c for c in child.children if c.dep_ == "pobj"), child)
        elif child.dep_ == "prep":
            # "followed as the fourth- to sixth-largest suppliers": a trade role as a rank
            pobj = next((c for c in child.children if c.dep_ == "pobj"), None)
            tr = noun_trigger(pobj) if pobj is not None else None
            if tr is not None and tr.id in _ROLE_TRIGGERS and pobj.i in clause.tokens \
                    and any(c.tag_ == "JJS" for c in pobj.children):
                return pobj
            if tr is not None and tr.tentative and child.lower_ == "in" and pobj.i in clause.tokens:
                return pobj  # "is in talks with Indonesia about further sales"
        if child.dep_ in ("nsubj", "nsubjpass") and not copula and child.i in clause.tokens:
            tr = noun_trigger(child)
            if tr is None:
                # "the volume of arms transfers fell", "the share of exports rose"
                child = next((p for g in child.children if g.dep_ == "prep" and g.lower_ == "of"
                              for p in g.children if p.dep_ == "pobj"), child)
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
