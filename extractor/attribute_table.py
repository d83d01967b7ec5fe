"""The model's attribute ruler as a table look-up: the same token attributes, a tenth of the time.

spaCy's ``AttributeRuler`` (in ``en_core_web_sm``: 179 rules mapping each fine-grained tag, and
some words, to POS, morphology and lemma) runs a ``Matcher`` over every token for each of its
rules, then sets the attributes match by match: about 11 ms of CPU for a 480-word news article,
as much as the parser. Yet almost all of its rules look at one token, and what they set depends
only on that token's tag, lower-case form, dependency label and whether it is a space; the few
two-token rules (``gon na``, ``let 's``, ``there is``) look at a neighbour as well.

:class:`AttributeTable` evaluates the rules once per distinct combination of those attributes
(cached: a corpus has a few thousand) and writes the result for the whole Doc in one array
write, with the ruler's own semantics: every rule that matches a token applies, in rule order,
a later rule overriding an earlier one attribute by attribute, and a multi-token rule sets the
token at its ``index``. :func:`compile_ruler` accepts only rules it can evaluate exactly (token
attributes compared by value, ``IN``, ``NOT_IN`` or ``REGEX``, no operators); for any other the
model keeps spaCy's ruler. ``tests/test_attribute_table.py`` compares both on every token.
"""

import logging
import re
from dataclasses import dataclass
from typing import Any

import numpy

from spacy.attrs import DEP, IDS, LEMMA, MORPH, POS, TAG
from spacy.language import Language
from spacy.strings import get_string_id
from spacy.tokens import Doc

log = logging.getLogger(__name__)

FACTORY = "extractor_attribute_table"
#: Token attributes a rule may test (read with ``Doc.to_array``; strings through the vocab).
READABLE = ("TAG", "LOWER", "ORTH", "NORM", "DEP", "IS_SPACE", "IS_PUNCT", "IS_DIGIT", "IS_ALPHA")
#: Attributes a rule may set, in the order of the array written back.
WRITTEN = (POS, TAG, MORPH, LEMMA, DEP)
_FLAGS = frozenset({"IS_SPACE", "IS_PUNCT", "IS_DIGIT", "IS_ALPHA"})


class UnsupportedRule(ValueError):
    """A rule of the ruler that the table cannot evaluate exactly."""


@dataclass(frozen=True)
class _Test:
    """One attribute test of one token of a rule, on the token's classes (:meth:`AttributeTable._class`)."""

    column: int
    kind: str  # "eq", "in", "not_in", "regex"
    value: Any  # an id, a frozenset of ids, or the number of the column's regular expression

    def holds(self, key: tuple) -> bool:
        value, found = key[self.column]
        if self.kind == "eq":
            return value == self.value
        if self.kind == "in":
            return value in self.value
        if self.kind == "not_in":
            return value not in self.value
        return found[self.value]


def _id(value: Any, flag: bool) -> int:
    if flag:
        if not isinstance(value, bool):
            raise UnsupportedRule(f"flag tested against {value!r}")
        return int(value)
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise UnsupportedRule(f"value {value!r}")
    return get_string_id(value)


def _tests(token: dict, columns: dict[str, int], regexes: list[list[re.Pattern]]) -> tuple[_Test, ...]:
    tests = []
    for name, value in token.items():
        name = name.upper() if isinstance(name, str) else name
        if name not in columns:
            raise UnsupportedRule(f"attribute {name!r}")
        flag = name in _FLAGS
        col = columns[name]
        if isinstance(value, dict):
            if len(value) != 1:
                raise UnsupportedRule(f"predicate {value!r}")
            (op, arg), = value.items()
            if op in ("IN", "NOT_IN") and isinstance(arg, (list, tuple)):
                tests.append(_Test(col, op.lower(), frozenset(_id(v, flag) for v in arg)))
            elif op == "REGEX" and isinstance(arg, str) and not flag:
                regexes[col].append(re.compile(arg))
                tests.append(_Test(col, "regex", len(regexes[col]) - 1))
            else:
                raise UnsupportedRule(f"predicate {value!r}")
        else:
            tests.append(_Test(col, "eq", _id(value, flag)))
    return tuple(tests)


class AttributeTable:
    """Sets what the compiled ``AttributeRuler`` sets, from caches keyed by token attributes.

    A token's key is one class per tested attribute: the attribute's value if some rule names
    it, else None, with the outcome of each regular expression tested on that attribute. Rules
    name a few hundred values, so the keys stay few (each cache is small) however many words
    a corpus has; only the value -> class maps grow with the vocabulary.
    """

    def __init__(self, vocab) -> None:
        self.vocab = vocab
        self.columns: list[int] = []
        #: (rule number, tests) per one-token rule alternative
        self.single: list[tuple[int, tuple[_Test, ...]]] = []
        #: (rule number, tests per token, index of the token set) per longer rule alternative
        self.multi: list[tuple[int, tuple[tuple[_Test, ...], ...], int]] = []
        self.values: list[dict[int, int]] = []  # per rule: written attribute -> value
        self._named: list[frozenset[int]] = []  # per column: the values some rule names
        self._regexes: list[list[re.Pattern]] = []  # per column
        self._classes: list[dict[int, tuple]] = []  # per column: value -> class
        self._singles: dict[tuple, tuple[int, ...]] = {}
        self._firsts: dict[tuple, tuple[int, ...]] = {}
        self._merged: dict[tuple[int, ...], tuple[tuple[int, int], ...]] = {}
        # A Doc is written with numpy from numbered keys and outcomes (an outcome: a set of
        # matching rules and the cells it writes), not token by token in Python. Per key number:
        # its one-token rules' outcome and whether a longer rule may start at it.
        self._key_numbers: dict[tuple, int] = {}
        self._key_outcome: list[int] = []
        self._key_multi: list[bool] = []
        # per outcome number (0: no rule): its rules, the values it writes per column of
        # WRITTEN and which columns it writes
        self._outcome_numbers: dict[tuple[int, ...], int] = {(): 0}
        self._outcome_rules: list[tuple[int, ...]] = [()]
        self._outcome_values: list[list[int]] = [[0] * len(WRITTEN)]
        self._outcome_mask: list[list[bool]] = [[False] * len(WRITTEN)]
        self._key_arrays: tuple = (numpy.zeros(0, dtype=numpy.intp), numpy.zeros(0, dtype=bool))
        self._outcome_arrays: tuple = (numpy.zeros((0, len(WRITTEN)), dtype=numpy.uint64),
                                       numpy.zeros((0, len(WRITTEN)), dtype=bool))

    def compile(self, ruler) -> "AttributeTable":
        """Take the rules of a loaded spaCy ``AttributeRuler``; raises :class:`UnsupportedRule`."""
        rules = ruler.patterns
        used = sorted({str(k).upper() for rule in rules for alt in rule["patterns"] for tok in alt for k in tok})
        if not set(used) <= set(READABLE):
            raise UnsupportedRule(f"attributes {sorted(set(used) - set(READABLE))}")
        columns = {name: i for i, name in enumerate(used)}
        self.columns = [IDS[name] for name in used]
        self._regexes = [[] for _ in used]
        self._classes = [{} for _ in used]
        named: list[set[int]] = [set() for _ in used]
        for number, (rule, values, index) in enumerate(zip(rules, ruler.attrs, ruler.indices)):
            if not set(values) <= set(WRITTEN):
                raise UnsupportedRule(f"rule {number} sets {sorted(values)}")
            self.values.append(dict(values))
            for alt in rule["patterns"]:
                if not alt or any(not isinstance(tok, dict) for tok in alt):
                    raise UnsupportedRule(f"rule {number}: {alt!r}")
                tests = tuple(_tests(tok, columns, self._regexes) for tok in alt)
                if not -len(alt) <= index < len(alt):
                    raise UnsupportedRule(f"rule {number}: index {index}")
                for test in (t for tok in tests for t in tok):
                    if test.kind == "eq":
                        named[test.column].add(test.value)
                    elif test.kind != "regex":
                        named[test.column] |= test.value
                if len(alt) == 1:
                    self.single.append((number, tests[0]))
                else:
                    self.multi.append((number, tests, index % len(alt)))
        self._named = [frozenset(v) for v in named]
        return self

    def _class(self, column: int, value: int) -> tuple:
        regexes = self._regexes[column]
        found = tuple(r.search(self.vocab.strings[value]) is not None for r in regexes) if regexes else ()
        cls = self._classes[column][value] = (value if value in self._named[column] else None, found)
        return cls

    def _keys(self, doc: Doc) -> list[tuple]:
        n = len(doc)
        array = doc.to_array(self.columns).reshape(n, len(self.columns))
        mapped = []
        for column, values in enumerate(array.T.tolist()):
            classes = self._classes[column]
            mapped.append([classes[v] if v in classes else self._class(column, v) for v in values])
        return list(zip(*mapped))

    def _singles_of(self, key: tuple) -> tuple[int, ...]:
        hit = self._singles.get(key)
        if hit is None:
            hit = self._singles[key] = tuple(sorted({n for n, tests in self.single if all(t.holds(key) for t in tests)}))
            self._firsts[key] = tuple(i for i, (_, tests, _) in enumerate(self.multi)
                                      if all(t.holds(key) for t in tests[0]))
        return hit

    def _merge(self, rules: tuple[int, ...]) -> tuple[tuple[int, int], ...]:
        """(column of :data:`WRITTEN`, value) the rules set, a later rule overriding an earlier one."""
        hit = self._merged.get(rules)
        if hit is None:
            merged: dict[int, int] = {}
            for n in rules:
                merged.update(self.values[n])
            hit = self._merged[rules] = tuple((WRITTEN.index(attr), value) for attr, value in merged.items())
        return hit

    def _key_number(self, key: tuple) -> int:
        rules = self._singles_of(key)
        self._key_outcome.append(self._outcome(rules))
        self._key_multi.append(bool(self._firsts[key]))
        number = self._key_numbers[key] = len(self._key_outcome) - 1  # published once filled in
        return number

    def _outcome(self, rules: tuple[int, ...]) -> int:
        """The number of the outcome of ``rules`` (sorted rule numbers), made on first sight."""
        hit = self._outcome_numbers.get(rules)
        if hit is None:
            values, mask = [0] * len(WRITTEN), [False] * len(WRITTEN)
            for col, value in self._merge(rules):
                values[col], mask[col] = value, True
            self._outcome_rules.append(rules)
            self._outcome_values.append(values)
            self._outcome_mask.append(mask)
            hit = self._outcome_numbers[rules] = len(self._outcome_rules) - 1
        return hit

    def _tables(self) -> tuple:
        """(outcome per key, multi per key, values per outcome, mask per outcome) as numpy
        arrays, remade when keys or outcomes were added."""
        if len(self._key_arrays[0]) != len(self._key_outcome):
            self._key_arrays = (numpy.array(self._key_outcome, dtype=numpy.intp),
                                numpy.array(self._key_multi, dtype=bool))
        if len(self._outcome_arrays[0]) != len(self._outcome_values):
            self._outcome_arrays = (numpy.array(self._outcome_values, dtype=numpy.uint64),
                                    numpy.array(self._outcome_mask, dtype=bool))
        return self._key_arrays + self._outcome_arrays

    def __call__(self, doc: Doc) -> Doc:
        n = len(doc)
        if not n:
            return doc
        keys = self._keys(doc)
        numbers = self._key_numbers
        found = numpy.array([numbers[key] if key in numbers else self._key_number(key) for key in keys],
                            dtype=numpy.intp)
        key_outcome, key_multi, _, _ = self._tables()
        outcomes = key_outcome[found]
        for start in numpy.flatnonzero(key_multi[found]).tolist():
            for m in self._firsts[keys[start]]:
                number, tests, index = self.multi[m]
                end = start + len(tests)
                if end <= n and all(t.holds(keys[j]) for j, tok in zip(range(start + 1, end), tests[1:]) for t in tok):
                    at = start + index
                    rules = self._outcome_rules[int(outcomes[at])]
                    outcomes[at] = self._outcome(tuple(sorted(set(rules) | {number})))
        if outcomes.any():
            _, _, values, mask = self._tables()
            array = doc.to_array(list(WRITTEN))
            numpy.copyto(array, values[outcomes], where=mask[outcomes])
            doc.from_array(list(WRITTEN), array)
        return doc


def compile_ruler(ruler) -> AttributeTable | None:
    """An :class:`AttributeTable` doing what ``ruler`` does, or None if one of its rules cannot be
    evaluated exactly (the caller then keeps the ruler)."""
    try:
        return AttributeTable(ruler.vocab).compile(ruler)
    except UnsupportedRule as exc:
        log.debug("attribute ruler kept: %s", exc)
        return None


@Language.factory(FACTORY)
def make_attribute_table(nlp: Language, name: str):
    """An empty table; :func:`extractor.pipeline.load_nlp` compiles the model's ruler into it."""
    return AttributeTable(nlp.vocab)
