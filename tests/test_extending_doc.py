"""``docs/extending.md`` stays true: its lexicon lines load, its tests pass, its snippets print
what it says they print.

The package is copied to a temporary folder; each ``jsonl PATH`` block of the page is applied to
the copy (a line whose id is there replaces it, a new id is appended); then every ``python``
block runs in order in one process on the copy, in one namespace: lines starting with ``# ``
are the output the block before them must print, and the ``test_*`` functions a block defines
are called (with the ``extractor`` fixture where they take it).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

from test_golden import DEV_INPUTS

ROOT = Path(__file__).resolve().parent.parent
PAGE = ROOT / "docs" / "extending.md"
FENCE = re.compile(r"^```(\w+)(?: ([^\n]+))?\n(.*?)\n```$", re.S | re.M)

RUNNER = r'''
import contextlib, inspect, io, json, sys
blocks = json.load(open(sys.argv[1], encoding="utf-8"))
namespace = {"__name__": "extending_doc"}
for i, (code, expected) in enumerate(blocks):
    out = io.StringIO()
    before = set(namespace)
    with contextlib.redirect_stdout(out):
        exec(compile(code, f"extending.md block {i}", "exec"), namespace)
    got = out.getvalue().splitlines()
    assert got == expected, f"block {i} printed {got!r}, the page says {expected!r}"
    for name in sorted(set(namespace) - before):
        if name.startswith("test_") and callable(namespace[name]):
            if "extractor" in inspect.signature(namespace[name]).parameters:
                from extractor import Extractor
                namespace[name](namespace.setdefault("_extractor", Extractor()))
            else:
                namespace[name]()
            print("passed", name)
'''


def blocks() -> list[tuple[str, str | None, str]]:
    return [(lang, arg, body) for lang, arg, body in FENCE.findall(PAGE.read_text(encoding="utf-8"))]


def apply_lines(path: Path, lines: str) -> None:
    """Lines of a lexicon block: replace the line with the same id, or append."""
    text = path.read_text(encoding="utf-8").splitlines()
    for line in lines.splitlines():
        entry_id = json.loads(line)["id"]
        at = [i for i, old in enumerate(text) if old.startswith("{") and json.loads(old)["id"] == entry_id]
        if at:
            text[at[0]] = line
        else:
            text.append(line)
    path.write_text("\n".join(text) + "\n", encoding="utf-8")


def test_the_page_has_its_examples():
    kinds = [(lang, arg) for lang, arg, _ in blocks()]
    for path in ("extractor/data/munitions.jsonl", "extractor/data/cues.jsonl", "extractor/data/gazetteer.jsonl"):
        assert ("jsonl", path) in kinds
    assert sum(lang == "python" for lang, _ in kinds) >= 7


def test_the_lines_the_page_adds_are_new():
    """The examples add what the packaged data lacks: their tests fail without them."""
    for lang, arg, body in blocks():
        if lang != "jsonl":
            continue
        packaged = {json.loads(line)["id"]: line for line in (ROOT / arg).read_text(encoding="utf-8").splitlines()
                    if line.startswith("{")}
        for line in body.splitlines():
            assert packaged.get(json.loads(line)["id"]) != line, f"{arg} has {line} already"


def test_the_comparison_command_is_the_golden_tests_input():
    (bash,) = [body for lang, _, body in blocks() if lang == "bash"]
    assert bash.split()[2:-2] == [p.rstrip("/") for p in DEV_INPUTS]


def test_the_page_runs(tmp_path):
    copy = tmp_path / "pkg"
    shutil.copytree(ROOT / "extractor", copy / "extractor", ignore=shutil.ignore_patterns("__pycache__"))
    python = []
    for lang, arg, body in blocks():
        if lang == "jsonl":
            apply_lines(copy / arg, body)
        elif lang == "python":
            code = "\n".join(line for line in body.splitlines() if not line.startswith("# "))
            expected = [line[2:] for line in body.splitlines() if line.startswith("# ")]
            python.append((code, expected))
    (tmp_path / "blocks.json").write_text(json.dumps(python), encoding="utf-8")
    shutil.copy(ROOT / "extractor" / "data" / "munitions.jsonl", tmp_path / "my_munitions.jsonl")
    proc = subprocess.run([sys.executable, "-c", RUNNER, str(tmp_path / "blocks.json")], cwd=tmp_path,
                          env={"PYTHONPATH": str(copy), "PATH": "/usr/bin:/bin"}, capture_output=True, text=True,
                          timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert proc.stdout.split() == ["passed", "test_palianytsia_is_a_drone", "passed", "test_plausibly_hedges",
                                   "passed", "test_plausibly_makes_a_hedged_claim", "passed",
                                   "test_the_hermit_kingdom_is_north_korea"]
