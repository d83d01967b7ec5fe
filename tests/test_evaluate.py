"""``extractor evaluate`` and :mod:`extractor.evaluate`: the reference scorer's figures, in the package.

The figures must equal those of ``../shared/eval/score.py``: on the dev set (with the extractor's
own predictions) and on the tiny set of tests/data/eval_tiny (with predictions written to hold
one error of each kind) they are compared with score.py run as a subprocess. The tiny set's
figures are also fixed here, so they are checked where ../shared is absent.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from extractor import evaluate as ev
from extractor.cli import app
from shared_data import SHARED as SHARED_ROOT, in_ci

ROOT = Path(__file__).resolve().parent.parent
TINY = ROOT / "tests" / "data" / "eval_tiny"
TINY_PRED = ROOT / "tests" / "data" / "eval_tiny_pred.jsonl"
#: The shared evaluation data lies beside the repository (in CI too).
SHARED = SHARED_ROOT / "eval"
SCORE_PY = SHARED / "score.py"
DEV = SHARED / "dev"

TINY_TABLE = """\
field                       P      R     F1   pred   gold
claims                  0.857  0.857  0.857      7      7
actors                  0.917  1.000  0.957     12     11
actors_strict           0.833  0.909  0.870     12     11
quantities              1.000  1.000  1.000      5      5
quantities_strict       0.800  0.800  0.800      5      5
munitions               0.833  0.714  0.769      6      7
munitions_strict        0.833  0.714  0.769      6      7
dates                   1.000  1.000  1.000      5      5
dates_strict            1.000  1.000  1.000      5      5
attributions            0.833  0.714  0.769      6      7
attributions_strict     0.833  0.714  0.769      6      7
claim_type accuracy (matched claims): 0.833
modality accuracy (matched claims):   0.833
overall (mean F1): 0.869
"""
TINY_ERRORS = [
    "t01: missed claim: 'The drones were shipped across the Caspian Sea by boat'",
    "t01: extra claim: 'Ukrainian military intelligence said on Friday'",
    "t02: actors differ in 'Germany has pledged four IRIS-T air defence systems to Ukrai': "
    'pred=[{"name": "Germany", "role": "supplier"}, {"name": "Ukraine", "role": "party"}] '
    'gold=[{"name": "Germany", "role": "supplier"}, {"name": "Ukraine", "role": "recipient"}]',
]


@pytest.fixture(scope="module")
def shared():
    """../shared/eval, or a skip (a failure under CI=true, where it must be present)."""
    if not SCORE_PY.is_file() or not DEV.is_dir():
        reason = f"the shared evaluation data is not beside the repository ({SHARED} missing)"
        if in_ci():
            pytest.fail(reason + " (CI=true: the comparison with score.py must run)", pytrace=False)
        pytest.skip(reason)
    return SHARED


def reference(eval_set: Path, pred: Path, *args: str) -> tuple[dict, list[str]]:
    """score.py's figures (--json) and every error line it prints."""
    out = Path(pred).with_suffix(".reference.json")
    result = subprocess.run(
        [sys.executable, str(SCORE_PY), "--set", str(eval_set), "--pred", str(pred), "--json", str(out),
         "--show-errors", "1000000", *args],
        capture_output=True, text=True, check=True,
    )
    lines = result.stdout.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("overall (mean F1)")) + 1
    return json.loads(out.read_text()), lines[start:]


# --- the library -------------------------------------------------------------------------------


def test_tiny_set_figures_and_errors():
    scores = ev.score(ev.load_set(TINY), ev.read_predictions(TINY_PRED))
    assert ev.format_scores(scores) == TINY_TABLE
    assert [str(e) for e in scores.errors[:3]] == TINY_ERRORS
    assert [(e.kind.value, e.field) for e in scores.errors] == [
        ("missed", None), ("extra", None), ("field", "actors"), ("field", "quantities"), ("field", "munitions"),
        ("field", "attributions"),
    ]
    assert (scores.claims.tp, scores.matched, scores.claim_type_correct, scores.modality_correct) == (6, 6, 5, 5)


def test_tiny_set_equals_score_py(shared, tmp_path):
    pred = tmp_path / "pred.jsonl"
    pred.write_bytes(TINY_PRED.read_bytes())
    figures, errors = reference(TINY, pred)
    scores = ev.score(ev.load_set(TINY), ev.read_predictions(pred))
    assert scores.to_dict() == figures
    assert [str(e) for e in scores.errors] == errors


@pytest.fixture(scope="module")
def dev_predictions(shared, extractor, tmp_path_factory):
    """The extractor's claims on the dev documents, as extractor extract writes them."""
    dev = ev.load_set(DEV)
    path = tmp_path_factory.mktemp("dev") / "pred.jsonl"
    with path.open("w", encoding="utf-8") as fh:
        for _, claims in extractor.extract_many(dev.documents.values()):
            for claim in claims:
                fh.write(claim.model_dump_json() + "\n")
    return path


@pytest.mark.parametrize("docs", [None, r"d0[1-9]|d1[0-5]", r"d(1[6-9]|[23][0-9]|4[0-5])"])
def test_dev_set_equals_score_py(dev_predictions, docs):
    args = ("--docs", docs) if docs else ()
    figures, errors = reference(DEV, dev_predictions, *args)
    dev = ev.load_set(DEV)
    if docs:
        dev = dev.select(docs)
    scores = ev.score(dev, ev.read_predictions(dev_predictions))
    assert scores.to_dict() == figures
    assert [str(e) for e in scores.errors] == errors
    assert scores.claims.gold > 100 and len(scores.errors) > 10


def test_alias_table_equals_score_py(shared):
    spec = importlib.util.spec_from_file_location("shared_score", SCORE_PY)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert dict(ev.aliases()) == module.ALIASES
    assert ev.STOP_TOKENS == module.STOP


@pytest.mark.parametrize("a,b,expected", [
    ("Pyongyang", "North Korea", True),
    ("the Kremlin", "Russia", True),
    ("U.S.", "United States", True),
    ("Kang Dae Sik", "Kang Dae-sik", True),
    ("Defense Intelligence Agency", "South Korean Defense Intelligence Agency", True),
    ("Ukraine's air force", "Ukrainian Air Force", False),
    ("Iran", "Iraq", False),
    ("", "Iran", False),
    (None, None, False),
])
def test_names_match(a, b, expected):
    assert ev.names_match(a, b) is expected


@pytest.mark.parametrize("eq,p,g,expected", [
    (ev.quantity_eq, {"value": 13000, "lower": 13000}, {"value": 13100}, True),  # within 1%
    (ev.quantity_eq, {"value": None, "lower": 24}, {"lower": 24}, True),
    (ev.quantity_full_eq, {"value": 10, "unit": "shells"}, {"value": 10, "unit": "artillery shell"}, True),
    (ev.quantity_full_eq, {"value": 10, "approximate": True}, {"value": 10}, False),
    (ev.munition_full_eq, {"category": "artillery_shell", "caliber_mm": 155}, {"category": "artillery_shell", "caliber_mm": 152}, False),
    (ev.munition_full_eq, {"category": "artillery_shell", "caliber_mm": 153.4}, {"category": "artillery_shell", "caliber_mm": 152}, True),
    (ev.munition_full_eq, {"category": "rocket"}, {"category": "rocket", "caliber_mm": None}, True),
    (ev.date_eq, {"start": "2024-06-12"}, {"start": "2024-06"}, True),
    (ev.date_eq, {"start": None, "end": "2024-12"}, {"start": None, "end": "2024"}, True),
    (ev.date_full_eq, {"start": "2024-06-12"}, {"start": "2024-06"}, False),
    (ev.actor_role_eq, {"text": "Moscow", "role": None}, {"name": "Russia", "role": "other"}, True),
    (ev.attribution_full_eq, {"source": "Reuters", "kind": "media"}, {"source": "Reuters", "kind": "other"}, False),
])
def test_item_comparators(eq, p, g, expected):
    assert eq(p, g) is expected


# --- bad sets and predictions -------------------------------------------------------------------


def make_set(root: Path, docs: dict[str, str] | None = None, gold: str | None = None) -> Path:
    (root / "docs").mkdir(parents=True)
    if docs is None:
        docs = {"a.json": json.dumps({"doc_id": "a", "text": "Iran sent drones to Russia."})}
    for name, content in docs.items():
        (root / "docs" / name).write_text(content)
    if gold is not None:
        (root / "gold.jsonl").write_text(gold)
    return root


GOOD = json.dumps({"doc_id": "a", "evidence": "Iran sent drones", "claim_type": "transfer", "modality": "asserted"})
BAD_SETS = [
    ("no set", lambda r: r / "nope", "{r}/nope: no such directory (an evaluation set is a folder with docs/ and gold*.jsonl)"),
    ("no docs/", lambda r: r, "{r}: no docs/ folder (an evaluation set holds docs/*.json and gold*.jsonl)"),
    ("empty docs/", lambda r: make_set(r, docs={}, gold=GOOD), "{r}/docs: no .json documents"),
    ("no gold", lambda r: make_set(r), "{r}: no gold*.jsonl file"),
    ("bad doc", lambda r: make_set(r, docs={"a.json": "{oops"}, gold=GOOD),
     "{r}/docs/a.json:1: invalid JSON: Expecting property name enclosed in double quotes (column 2)"),
    ("doc without text", lambda r: make_set(r, docs={"a.json": '{"doc_id": "a", "text": " "}'}, gold=GOOD),
     "{r}/docs/a.json: invalid document: text: text is empty"),
    ("duplicate doc_id", lambda r: make_set(r, docs={"a.json": '{"doc_id": "a", "text": "x"}', "b.json": '{"doc_id": "a", "text": "y"}'}, gold=GOOD),
     "{r}/docs/b.json: duplicate doc_id 'a' (also in {r}/docs/a.json)"),
    ("gold not JSON", lambda r: make_set(r, gold=GOOD + "\n\n{x\n"),
     "{r}/gold.jsonl:3: invalid JSON: Expecting property name enclosed in double quotes (column 2)"),
    ("gold not an object", lambda r: make_set(r, gold="[1, 2]\n"), "{r}/gold.jsonl:1: expected a JSON object"),
    ("gold fields", lambda r: make_set(r, gold='{"doc_id": "a", "evidence": "Iran", "claim_type": "sale", "modality": "asserted", "actors": {}}\n'),
     "{r}/gold.jsonl:1: claim_type: Input should be 'transfer', 'production', 'use', 'agreement', 'assessment' or 'other'; "
     "actors: Input should be a valid list"),
    ("gold unknown doc", lambda r: make_set(r, gold=GOOD.replace('"a"', '"b"') + "\n"), "{r}/gold.jsonl:1: doc_id 'b' has no document in docs/"),
    ("evidence not in text", lambda r: make_set(r, gold=GOOD.replace("Iran sent", "Iran shipped") + "\n"),
     "{r}/gold.jsonl:1: evidence not found in the text of a: 'Iran shipped drones'"),
]


@pytest.mark.parametrize("name,build,message", BAD_SETS, ids=[c[0] for c in BAD_SETS])
def test_a_malformed_set_is_an_error_naming_its_file_and_line(tmp_path, name, build, message):
    path = build(tmp_path)
    with pytest.raises(ev.EvalSetError) as caught:
        ev.load_set(path)
    assert str(caught.value) == message.format(r=tmp_path)
    result = CliRunner().invoke(app, ["evaluate", "--set", str(path), "--pred", str(TINY_PRED)])
    assert (result.exit_code, result.stdout, result.stderr) == (1, "", f"error: {message.format(r=tmp_path)}\n")


@pytest.mark.parametrize("content,message", [
    ('{"doc_id": "a", "span": {"start": 0, "end": 4}}\n{"doc_id": "a"}\n',
     '{p}:2: a predicted claim needs a span {{"start": int, "end": int}}'),
    ('\n{"span": {"start": 0, "end": 4}}\n', "{p}:2: a predicted claim needs a doc_id string"),
    ('{"doc_id": "a", "span": {"start": "0", "end": 4}}\n', '{p}:1: a predicted claim needs a span {{"start": int, "end": int}}'),
    ("nope\n", "{p}:1: invalid JSON: Expecting value (column 1)"),
])
def test_bad_predictions_name_the_line(tmp_path, content, message):
    pred = tmp_path / "pred.jsonl"
    pred.write_text(content)
    with pytest.raises(ev.PredictionsError) as caught:
        ev.read_predictions(pred)
    assert str(caught.value) == message.format(p=pred)


# --- the command -------------------------------------------------------------------------------


def test_evaluate_prints_the_table_and_the_first_errors(tmp_path):
    out = tmp_path / "scores.json"
    result = CliRunner().invoke(app, ["evaluate", "--set", str(TINY), "--pred", str(TINY_PRED), "--errors", "3",
                                      "--json", str(out)])
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout == TINY_TABLE + "".join(e + "\n" for e in TINY_ERRORS)
    written = json.loads(out.read_text())
    assert written["overall"] == 0.869 and written["claims"] == {"p": 0.857, "r": 0.857, "f1": 0.857, "tp": 6, "pred": 7, "gold": 7}
    assert [e["message"] for e in written["errors"][:3]] == TINY_ERRORS and len(written["errors"]) == 6
    assert written["errors"][2] == {"kind": "field", "doc_id": "t02", "field": "actors", "message": TINY_ERRORS[2]}


def test_evaluate_docs_selects_documents():
    result = CliRunner().invoke(app, ["evaluate", "--set", str(TINY), "--pred", str(TINY_PRED), "--docs", "t0[23]"])
    assert result.exit_code == 0
    assert result.stdout.splitlines()[1] == "claims                  1.000  1.000  1.000      5      5"
    bad = CliRunner().invoke(app, ["evaluate", "--set", str(TINY), "--docs", "t0["])
    assert bad.exit_code == 2 and "not a regular expression" in bad.stderr
    none = CliRunner().invoke(app, ["evaluate", "--set", str(TINY), "--docs", "t1."])
    assert none.exit_code == 2 and "no doc_id of" in none.stderr and "matches 't1.'" in none.stderr


def test_evaluate_runs_the_extractor_when_no_predictions_are_given(monkeypatch, extractor, tmp_path):
    from extractor import pipeline

    monkeypatch.setattr(pipeline, "Extractor", lambda **kwargs: extractor)
    pred = tmp_path / "pred.jsonl"
    tiny = ev.load_set(TINY)
    pred.write_text("".join(c.model_dump_json() + "\n" for _, cs in extractor.extract_many(tiny.documents.values()) for c in cs))
    run = CliRunner().invoke(app, ["evaluate", "--set", str(TINY), "--errors", "5"])
    assert run.exit_code == 0
    assert run.stderr == f"info: extracting claims from 3 documents of {TINY}\n"
    given = CliRunner().invoke(app, ["evaluate", "--set", str(TINY), "--pred", str(pred), "--errors", "5"])
    assert run.stdout == given.stdout
    assert "overall (mean F1): " in run.stdout


def test_the_documented_example_is_what_the_command_prints():
    doc = (ROOT / "docs" / "evaluation.md").read_text(encoding="utf-8")
    command = "extractor evaluate --set tests/data/eval_tiny --pred tests/data/eval_tiny_pred.jsonl --errors 3"
    assert f"```bash\n{command}\n```\n\n```text\n{TINY_TABLE}{''.join(e + chr(10) for e in TINY_ERRORS)}```" in doc
    gold_line = TINY.joinpath("gold.jsonl").read_text(encoding="utf-8").splitlines()[3]
    assert f"```json\n{gold_line}\n```" in doc


def test_the_documented_set_errors_are_real(tmp_path, monkeypatch):
    """The error lines docs/evaluation.md shows are those of such sets."""
    monkeypatch.chdir(tmp_path)
    doc = (ROOT / "docs" / "evaluation.md").read_text(encoding="utf-8")
    shown = [line for line in doc.splitlines() if line.startswith("error: my-set")]
    good = GOOD.replace('"a"', '"a1"')
    bad_lines = ["{x", GOOD.replace('"a"', '"a9"'), good.replace("Iran sent", "Iran shipped"),
                 good.replace('"transfer"', '"sale"')]
    Path("my-set").mkdir()
    found = [CliRunner().invoke(app, ["evaluate", "--set", "my-set"]).stderr]
    make_set(Path("my-set"), docs={"a1.json": json.dumps({"doc_id": "a1", "text": "Iran sent drones to Russia."})})
    for n, bad in enumerate(bad_lines, start=3):  # good lines first, the bad one on line n
        (Path("my-set") / "gold.jsonl").write_text("\n".join([good] * (n - 1) + [bad]) + "\n")
        found.append(CliRunner().invoke(app, ["evaluate", "--set", "my-set"]).stderr)
    assert "".join(found) == "".join(line + "\n" for line in shown)
