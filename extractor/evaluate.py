"""Score predicted claims against an annotated evaluation set: the scorer as a library.

An evaluation set is a folder with ``docs/*.json`` (one document each) and ``gold*.jsonl`` (one
gold claim a line, its ``evidence`` an exact substring of the document text); the format is the
evaluation format the project is measured with (``FORMAT.md`` of the shared evaluation data).

The matching and the metrics are those of the reference scorer (``score.py`` beside that
format), reimplemented here so that the figures are equal:

* a predicted claim matches a gold claim of the same document when their character spans
  overlap; each gold claim takes at most one prediction, the candidate pairs taken by the
  largest overlap (as a share of the gold span) first;
* inside matched pairs, the items of each field are paired greedily, once leniently (same name,
  number, category, date start, source) and once strictly (also the role, bounds, unit,
  calibre, end, kind); items of unmatched claims are misses (gold) or false alarms (predicted);
* ``claim_type`` and ``modality`` accuracy are over the matched claims; ``overall`` is the mean
  of the claim F1 and the lenient and strict field F1s, each rounded to 3 decimals first.

Everything here is pure: :func:`load_set` and :func:`read_predictions` read files and raise
:class:`EvalSetError` / :class:`PredictionsError` naming the file and line of bad input;
:func:`score` computes a :class:`Scores` object from a set and predicted claims (JSON objects,
as written by ``extractor extract``; extra keys are ignored).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum
from functools import cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .errors import ExtractorError, validation_text
from .lexicon import LexiconEntry, load_package_lexicon
from .models import ClaimType, Document, Modality

#: The list fields of a claim, in the order the scores report them.
FIELDS = ("actors", "quantities", "munitions", "dates", "attributions")
#: Tokens left out when two names are compared word by word.
STOP_TOKENS = frozenset({"the", "a", "an", "of", "'s", "’s"})
#: How many characters of an evidence or a field list an error message quotes (as the reference scorer).
QUOTE_MISSED, QUOTE_FIELD, QUOTE_ITEMS = 100, 60, 300


class EvalSetError(ExtractorError):
    """The evaluation set cannot be used; ``path`` (and ``line`` when known) say where."""

    def __init__(self, path: str, line: int | None, reason: str):
        self.path, self.line, self.reason = path, line, reason
        where = f"{path}:{line}" if line is not None else path
        super().__init__(f"{where}: {reason}")


class PredictionsError(EvalSetError):
    """A predictions file cannot be read; the message names the file and line."""


# --- names -------------------------------------------------------------------------------------


class ScoreAlias(LexiconEntry):
    """A canonical name of the scorer and the lower-case spellings that stand for it."""

    name: str
    aliases: list[str] = Field(min_length=1)


@cache
def aliases() -> Mapping[str, str]:
    """The scorer's alias table (``extractor/data/score_aliases.jsonl``): spelling -> canonical name."""
    entries = load_package_lexicon("score_aliases.jsonl", ScoreAlias, keys=lambda e: e.aliases)
    return {alias: entry.name for entry in entries for alias in entry.aliases}


def norm_name(name: str | None) -> str:
    """A name lower-cased, spaces collapsed, aliases resolved (``Pyongyang`` -> ``north korea``)."""
    table = aliases()
    s = re.sub(r"\s+", " ", (name or "").strip().lower().replace("’", "'"))
    if s in table:
        return table[s]
    s2 = re.sub(r"^the ", "", s)
    return table.get(s2, s2)


def name_tokens(name: str | None) -> set[str]:
    return {t for t in re.findall(r"[a-z0-9]+", norm_name(name)) if t not in STOP_TOKENS}


def names_match(a: str | None, b: str | None) -> bool:
    """Same canonical name, or word sets that mostly agree (one inside the other, or half shared)."""
    na, nb = norm_name(a), norm_name(b)
    if not na or not nb:
        return False
    if na == nb:
        return True
    ta, tb = name_tokens(a), name_tokens(b)
    if not ta or not tb:
        return False
    inter = len(ta & tb)
    return inter / min(len(ta), len(tb)) >= 0.99 or inter / len(ta | tb) >= 0.5


# --- numbers, units, dates ----------------------------------------------------------------------


def as_number(x: Any) -> float | None:
    try:
        return None if x is None else float(x)
    except (TypeError, ValueError):
        return None


def numbers_close(a: Any, b: Any, tol: float = 0.01) -> bool:
    """Within 1% of each other; two missing numbers are equal too."""
    a, b = as_number(a), as_number(b)
    if a is None or b is None:
        return a is None and b is None
    return abs(a - b) <= tol * max(abs(a), abs(b), 1e-9)


def singular(word: str | None) -> str:
    w = (word or "").strip().lower()
    w = re.sub(r"(ies)$", "y", w)
    return re.sub(r"(?<!s)s$", "", w)


def units_match(a: str | None, b: str | None) -> bool:
    """Units that share a (singular) word; two missing units are equal too."""
    ta = {singular(t) for t in re.findall(r"[a-z]+", (a or "").lower())}
    tb = {singular(t) for t in re.findall(r"[a-z]+", (b or "").lower())}
    if not ta or not tb:
        return not ta and not tb
    return bool(ta & tb)


def main_number(q: Mapping[str, Any]) -> float | None:
    """A quantity's value, else its lower bound, else its upper bound."""
    for key in ("value", "lower", "upper"):
        if as_number(q.get(key)) is not None:
            return as_number(q.get(key))
    return None


def _prefix_eq(a: str | None, b: str | None) -> bool:
    a, b = (a or "").strip(), (b or "").strip()
    return bool(a and b) and (a.startswith(b) or b.startswith(a))


# --- item comparators: (lenient, strict) per field ----------------------------------------------

Item = Mapping[str, Any]
Comparator = Callable[[Item, Item], bool]


def actor_eq(p: Item, g: Item) -> bool:
    return names_match(p.get("name") or p.get("text"), g.get("name"))


def actor_role_eq(p: Item, g: Item) -> bool:
    return actor_eq(p, g) and (p.get("role") or "other") == (g.get("role") or "other")


def quantity_eq(p: Item, g: Item) -> bool:
    mp, mg = main_number(p), main_number(g)
    return mp is not None and mg is not None and numbers_close(mp, mg)


def quantity_full_eq(p: Item, g: Item) -> bool:
    return (
        all(numbers_close(p.get(k), g.get(k)) for k in ("value", "lower", "upper"))
        and bool(p.get("approximate")) == bool(g.get("approximate"))
        and units_match(p.get("unit"), g.get("unit"))
    )


def munition_eq(p: Item, g: Item) -> bool:
    return (p.get("category") or "") == (g.get("category") or "")


def munition_full_eq(p: Item, g: Item) -> bool:
    if not munition_eq(p, g):
        return False
    gc, pc = as_number(g.get("caliber_mm")), as_number(p.get("caliber_mm"))
    if gc is None:
        return True
    return pc is not None and abs(gc - pc) <= 1.5


def date_eq(p: Item, g: Item) -> bool:
    """Same point or interval start; for an open start ("by X"), the same end."""
    if g.get("start"):
        return _prefix_eq(p.get("start"), g.get("start"))
    return not p.get("start") and _prefix_eq(p.get("end"), g.get("end"))


def date_full_eq(p: Item, g: Item) -> bool:
    return (p.get("start") or None) == (g.get("start") or None) and (p.get("end") or None) == (g.get("end") or None)


def attribution_eq(p: Item, g: Item) -> bool:
    return names_match(p.get("source") or p.get("text"), g.get("source"))


def attribution_full_eq(p: Item, g: Item) -> bool:
    return attribution_eq(p, g) and (p.get("kind") or "") == (g.get("kind") or "")


COMPARATORS: Mapping[str, tuple[Comparator, Comparator]] = {
    "actors": (actor_eq, actor_role_eq),
    "quantities": (quantity_eq, quantity_full_eq),
    "munitions": (munition_eq, munition_full_eq),
    "dates": (date_eq, date_full_eq),
    "attributions": (attribution_eq, attribution_full_eq),
}


def greedy_pairs(preds: Sequence[Item], golds: Sequence[Item], eq: Comparator) -> int:
    """How many gold items find an equal, not yet taken, predicted item (in order)."""
    used: set[int] = set()
    hits = 0
    for g in golds:
        for i, p in enumerate(preds):
            if i not in used and eq(p, g):
                used.add(i)
                hits += 1
                break
    return hits


# --- the set and the predictions ----------------------------------------------------------------


class _GoldLine(BaseModel):
    """What a gold line must hold; other keys (notes, ids) are allowed and ignored."""

    model_config = ConfigDict(extra="allow")

    doc_id: str = Field(min_length=1)
    evidence: str = Field(min_length=1)
    claim_type: ClaimType
    modality: Modality
    actors: list[dict[str, Any]] = []
    quantities: list[dict[str, Any]] = []
    munitions: list[dict[str, Any]] = []
    dates: list[dict[str, Any]] = []
    attributions: list[dict[str, Any]] = []


@dataclass(frozen=True)
class GoldClaim:
    """One annotated claim: where it was read from, its evidence span, and the line as written."""

    source: str
    line: int
    doc_id: str
    evidence: str
    start: int
    end: int
    data: Mapping[str, Any]


@dataclass(frozen=True)
class EvalSet:
    """The documents of a set (in file-name order) and its gold claims (in file and line order)."""

    path: str
    documents: Mapping[str, Document]
    gold: tuple[GoldClaim, ...]

    def select(self, pattern: str | re.Pattern[str]) -> "EvalSet":
        """Only the documents whose doc_id fully matches ``pattern``, and their gold claims."""
        keep = re.compile(pattern)
        documents = {k: v for k, v in self.documents.items() if keep.fullmatch(k)}
        return EvalSet(self.path, documents, tuple(g for g in self.gold if g.doc_id in documents))


def load_set(path: str | Path) -> EvalSet:
    """Read and check an evaluation set; :class:`EvalSetError` names the file and line of a problem."""
    from .io.readers import InputFile, ReadOptions, read_file

    root = Path(path)
    if not root.is_dir():
        raise EvalSetError(str(root), None, "no such directory (an evaluation set is a folder with docs/ and gold*.jsonl)")
    docs_dir = root / "docs"
    if not docs_dir.is_dir():
        raise EvalSetError(str(root), None, "no docs/ folder (an evaluation set holds docs/*.json and gold*.jsonl)")
    documents: dict[str, Document] = {}
    sources: dict[str, str] = {}
    for file in sorted(docs_dir.glob("*.json")):
        source = str(file)
        for record in read_file(InputFile(file, source, file.name, "json"), ReadOptions()):
            if record.reject is not None:
                raise EvalSetError(source, record.line, record.reject.reason)
            doc = record.document
            assert doc is not None
            if doc.doc_id in documents:
                raise EvalSetError(source, None, f"duplicate doc_id {doc.doc_id!r} (also in {sources[doc.doc_id]})")
            documents[doc.doc_id], sources[doc.doc_id] = doc, source
    if not documents:
        raise EvalSetError(str(docs_dir), None, "no .json documents")
    gold_files = sorted(root.glob("gold*.jsonl"))
    if not gold_files:
        raise EvalSetError(str(root), None, "no gold*.jsonl file")
    gold = [claim for file in gold_files for claim in _read_gold(file, documents)]
    return EvalSet(str(root), documents, tuple(gold))


def _read_gold(file: Path, documents: Mapping[str, Document]) -> Iterable[GoldClaim]:
    source = str(file)
    for lineno, obj in _json_lines(file, EvalSetError):
        try:
            line = _GoldLine.model_validate(obj)
        except ValidationError as exc:
            raise EvalSetError(source, lineno, validation_text(exc)) from None
        document = documents.get(line.doc_id)
        if document is None:
            raise EvalSetError(source, lineno, f"doc_id {line.doc_id!r} has no document in docs/")
        at = document.text.find(line.evidence)
        if at < 0:
            raise EvalSetError(source, lineno, f"evidence not found in the text of {line.doc_id}: {line.evidence[:80]!r}")
        yield GoldClaim(source, lineno, line.doc_id, line.evidence, at, at + len(line.evidence), obj)


def read_predictions(path: str | Path) -> list[dict[str, Any]]:
    """Predicted claims of a JSON Lines file (``extractor extract`` output or any with the same
    fields); each needs a ``doc_id`` and a ``span`` with integer ``start`` and ``end``."""
    file = Path(path)
    predictions = []
    for lineno, obj in _json_lines(file, PredictionsError):
        if not isinstance(obj.get("doc_id"), str):
            raise PredictionsError(str(file), lineno, "a predicted claim needs a doc_id string")
        span = obj.get("span")
        if not (isinstance(span, dict) and all(type(span.get(k)) is int for k in ("start", "end"))):
            raise PredictionsError(str(file), lineno, 'a predicted claim needs a span {"start": int, "end": int}')
        predictions.append(obj)
    return predictions


def _json_lines(file: Path, error: type[EvalSetError]) -> Iterable[tuple[int, dict[str, Any]]]:
    from .io.readers import json_objects

    try:
        lines = file.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise error(str(file), None, "no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise error(str(file), None, f"cannot read: {exc}") from None
    for item in json_objects(lines):
        if item.obj is None:
            raise error(str(file), item.line, str(item.error))
        yield item.line, item.obj


# --- scores -------------------------------------------------------------------------------------


@dataclass
class Counts:
    """True positives, predicted and gold items of one field (or of the claims themselves)."""

    tp: int = 0
    pred: int = 0
    gold: int = 0

    def add(self, tp: int, pred: int, gold: int) -> None:
        self.tp += tp
        self.pred += pred
        self.gold += gold

    @property
    def precision(self) -> float:
        return self.tp / self.pred if self.pred else 0.0

    @property
    def recall(self) -> float:
        return self.tp / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def to_dict(self) -> dict[str, Any]:
        """As the reference scorer reports it (ratios rounded to 3 decimals)."""
        return {"p": round(self.precision, 3), "r": round(self.recall, 3), "f1": round(self.f1, 3),
                "tp": self.tp, "pred": self.pred, "gold": self.gold}


class ErrorKind(str, Enum):
    missed = "missed"  # a gold claim no prediction overlaps
    extra = "extra"  # a predicted claim that overlaps no gold claim
    field = "field"  # a matched pair whose items of one field differ


@dataclass(frozen=True)
class EvalError:
    """One difference between the predictions and the gold set; ``message`` is the scorer's line."""

    kind: ErrorKind
    doc_id: str
    message: str
    field: str | None = None

    def __str__(self) -> str:
        return self.message

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind.value, "doc_id": self.doc_id, "field": self.field, "message": self.message}


@dataclass(frozen=True)
class Scores:
    """The figures of one evaluation: claim matching, each field lenient and strict, accuracies."""

    claims: Counts
    fields: Mapping[str, Counts]
    fields_strict: Mapping[str, Counts]
    matched: int
    claim_type_correct: int
    modality_correct: int
    errors: tuple[EvalError, ...] = field(default=())

    @property
    def claim_type_accuracy(self) -> float:
        return round(self.claim_type_correct / self.matched, 3) if self.matched else 0.0

    @property
    def modality_accuracy(self) -> float:
        return round(self.modality_correct / self.matched, 3) if self.matched else 0.0

    @property
    def overall(self) -> float:
        """Mean of the claim F1 and every field's lenient and strict F1 (each rounded first)."""
        f1s = [self.claims.to_dict()["f1"]]
        f1s += [self.fields[k].to_dict()["f1"] for k in FIELDS]
        f1s += [self.fields_strict[k].to_dict()["f1"] for k in FIELDS]
        return round(sum(f1s) / len(f1s), 3)

    def rows(self) -> list[tuple[str, Counts]]:
        """The table's rows in the scorer's order: claims, then each field and its strict form."""
        rows = [("claims", self.claims)]
        for k in FIELDS:
            rows += [(k, self.fields[k]), (k + "_strict", self.fields_strict[k])]
        return rows

    def to_dict(self) -> dict[str, Any]:
        """The figures exactly as the reference scorer writes them with ``--json``."""
        out: dict[str, Any] = {name: counts.to_dict() for name, counts in self.rows()}
        out["claim_type_acc"] = self.claim_type_accuracy
        out["modality_acc"] = self.modality_accuracy
        out["overall"] = self.overall
        return out


def _pred_span(p: Mapping[str, Any]) -> tuple[int, int]:
    s = p.get("span") or {}
    if isinstance(s, dict):
        return int(s.get("start", 0)), int(s.get("end", 0))
    return int(s[0]), int(s[1])


def score(eval_set: EvalSet, predictions: Iterable[Mapping[str, Any]]) -> Scores:
    """Compare predicted claims with the set's gold claims (predictions of other documents are ignored)."""
    docs = eval_set.documents
    by_doc_g: dict[str, list[GoldClaim]] = {}
    by_doc_p: dict[str, list[Mapping[str, Any]]] = {}
    for g in eval_set.gold:
        by_doc_g.setdefault(g.doc_id, []).append(g)
    for p in predictions:
        if p.get("doc_id") in docs:
            by_doc_p.setdefault(p["doc_id"], []).append(p)
    claims = Counts()
    lenient = {k: Counts() for k in FIELDS}
    strict = {k: Counts() for k in FIELDS}
    type_ok = mod_ok = matched = 0
    errors: list[EvalError] = []
    for doc_id in docs:
        gs, ps = by_doc_g.get(doc_id, []), by_doc_p.get(doc_id, [])
        gmatch, pmatch = _match(gs, ps)
        claims.add(len(gmatch), len(ps), len(gs))
        for gi, g in enumerate(gs):
            p = ps[gmatch[gi]] if gi in gmatch else {}
            if gi in gmatch:
                matched += 1
                type_ok += p.get("claim_type") == g.data.get("claim_type")
                mod_ok += p.get("modality") == g.data.get("modality")
            else:
                errors.append(EvalError(ErrorKind.missed, doc_id, f"{doc_id}: missed claim: {g.evidence[:QUOTE_MISSED]!r}"))
            for k, (is_lenient, is_strict) in COMPARATORS.items():
                pi_, gi_ = p.get(k) or [], g.data.get(k) or []
                lenient[k].add(greedy_pairs(pi_, gi_, is_lenient), len(pi_), len(gi_))
                hits = greedy_pairs(pi_, gi_, is_strict)
                strict[k].add(hits, len(pi_), len(gi_))
                if gi in gmatch and hits < max(len(pi_), len(gi_)):
                    errors.append(EvalError(
                        ErrorKind.field, doc_id,
                        f"{doc_id}: {k} differ in {g.evidence[:QUOTE_FIELD]!r}: "
                        f"pred={json.dumps(pi_, ensure_ascii=False)[:QUOTE_ITEMS]} "
                        f"gold={json.dumps(gi_, ensure_ascii=False)[:QUOTE_ITEMS]}",
                        field=k,
                    ))
        for pi, p in enumerate(ps):
            if pi not in pmatch:
                s, e = _pred_span(p)
                errors.append(EvalError(
                    ErrorKind.extra, doc_id, f"{doc_id}: extra claim: {docs[doc_id].text[s:e][:QUOTE_MISSED]!r}"
                ))
                for k in FIELDS:
                    n = len(p.get(k) or [])
                    lenient[k].add(0, n, 0)
                    strict[k].add(0, n, 0)
    return Scores(claims, lenient, strict, matched, type_ok, mod_ok, tuple(errors))


def _match(gs: Sequence[GoldClaim], ps: Sequence[Mapping[str, Any]]) -> tuple[dict[int, int], dict[int, int]]:
    """Pair gold and predicted claims of one document by overlap, the largest share of gold first."""
    cands = []
    for gi, g in enumerate(gs):
        for pi, p in enumerate(ps):
            ps_, pe = _pred_span(p)
            ov = min(g.end, pe) - max(g.start, ps_)
            if ov > 0:
                cands.append((ov / (g.end - g.start), gi, pi))
    cands.sort(reverse=True)
    gmatch: dict[int, int] = {}
    pmatch: dict[int, int] = {}
    for _, gi, pi in cands:
        if gi not in gmatch and pi not in pmatch:
            gmatch[gi], pmatch[pi] = pi, gi
    return gmatch, pmatch


def format_scores(scores: Scores) -> str:
    """The figures as a text table (the reference scorer's layout), ending with a newline."""
    lines = [f"{'field':<22}{'P':>7}{'R':>7}{'F1':>7}{'pred':>7}{'gold':>7}"]
    for name, counts in scores.rows():
        v = counts.to_dict()
        lines.append(f"{name:<22}{v['p']:>7.3f}{v['r']:>7.3f}{v['f1']:>7.3f}{v['pred']:>7}{v['gold']:>7}")
    lines.append(f"claim_type accuracy (matched claims): {scores.claim_type_accuracy:.3f}")
    lines.append(f"modality accuracy (matched claims):   {scores.modality_accuracy:.3f}")
    lines.append(f"overall (mean F1): {scores.overall:.3f}")
    return "\n".join(lines) + "\n"
