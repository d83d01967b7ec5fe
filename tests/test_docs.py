"""The README and the manual in docs/ stay true: their example claims are real output, every
command is documented, every page of the manual is linked, and the quick start is exactly the two
commands CI and users run."""

from __future__ import annotations

import json
import re
from pathlib import Path

from typer.testing import CliRunner

from extractor.cli import app

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
DOCS = ROOT / "docs"
GOLDEN_FIRST = json.loads(
    (ROOT / "tests" / "golden" / "seed_claims.jsonl").read_text(encoding="utf-8").splitlines()[0])


def _section(text: str, name: str) -> str:
    start = text.index(f"<!-- section:{name} -->")
    return text[start: text.index(f"<!-- /section:{name} -->", start)]


def _json_block(text: str) -> object:
    block = re.search(r"```json\n(.*?)\n```", text, re.S)
    assert block, "the section shows one claim as a json block"
    return json.loads(block.group(1))


def _project(actual: object, shown: object) -> object:
    """``actual`` cut down to the keys ``shown`` has, at every level (lists item by item)."""
    if isinstance(shown, dict) and isinstance(actual, dict):
        return {k: _project(actual.get(k), v) for k, v in shown.items()}
    if isinstance(shown, list) and isinstance(actual, list) and len(shown) == len(actual):
        return [_project(a, s) for a, s in zip(actual, shown)]
    return actual


def test_manual_example_claim_is_the_seed_articles_first_claim():
    output = (DOCS / "output.md").read_text(encoding="utf-8")
    assert _json_block(_section(output, "output")) == GOLDEN_FIRST


def test_readme_example_is_the_seed_articles_first_claim_cut_down():
    shown = _json_block(_section(README, "readme-output"))
    assert shown == _project(GOLDEN_FIRST, shown)
    assert {"claim_type", "modality", "actors", "quantities", "munitions", "attributions"} <= set(shown)


def test_every_manual_page_is_linked_from_the_readme():
    pages = sorted(p.name for p in DOCS.glob("*.md"))
    assert pages
    for page in pages:
        assert f"(docs/{page})" in README, f"docs/{page} is not linked from README.md"


def test_readme_stays_short():
    # a newcomer reads it in five minutes; the manual is in docs/
    assert len(README.splitlines()) <= 120


def test_readme_quick_start_has_the_two_contract_commands():
    quick = README[README.index("## Quick start"):]
    blocks = re.findall(r"```bash\n(.*?)\n```", quick, re.S)[:2]
    assert blocks == [
        "pip install -e . && extractor extract seeds/ -o claims.jsonl",
        "pip install -e '.[test]' && pytest",
    ]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "pip install -e '.[test]' && pytest" in ci


def test_every_command_is_documented():
    result = CliRunner().invoke(app, ["--help"])
    assert result.exit_code == 0
    commands = [c.name for c in app.registered_commands]
    assert {"extract", "schema", "load", "export"} <= set(commands)
    for command in commands:
        assert command in result.output
        assert f"extractor {command}" in README, f"`extractor {command}` is not documented in README.md"


def test_every_output_field_is_explained():
    table = _section((DOCS / "output.md").read_text(encoding="utf-8"), "output")
    for field in ("schema_version", "claim_id", "doc_id", "text", "span", "claim_type", "modality",
                  "actors", "quantities", "munitions", "dates", "attributions"):
        assert f"`{field}`" in table, field


def test_relative_links_in_the_manual_resolve():
    for page in [ROOT / "README.md", *DOCS.glob("*.md")]:
        for target in re.findall(r"\]\(([^)#]+)(?:#[^)]*)?\)", page.read_text(encoding="utf-8")):
            if "://" in target:
                continue
            assert (page.parent / target).exists(), f"{page.name}: broken link {target}"
