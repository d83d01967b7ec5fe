"""The README stays true: its example claim is real output, every command is documented, and the
quick start is exactly the two commands CI and users run."""

from __future__ import annotations

import json
import re
from pathlib import Path

from typer.testing import CliRunner

from extractor.cli import app

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _section(name: str) -> str:
    start = README.index(f"<!-- section:{name} -->")
    return README[start: README.index(f"<!-- /section:{name} -->", start)]


def test_readme_example_claim_is_the_seed_articles_first_claim():
    block = re.search(r"```json\n(.*?)\n```", _section("output"), re.S)
    assert block, "the output section shows one claim as a json block"
    golden = (ROOT / "tests" / "golden" / "seed_claims.jsonl").read_text(encoding="utf-8").splitlines()[0]
    assert json.loads(block.group(1)) == json.loads(golden)


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
    table = _section("output")
    for field in ("schema_version", "claim_id", "doc_id", "text", "span", "claim_type", "modality",
                  "actors", "quantities", "munitions", "dates", "attributions"):
        assert f"`{field}`" in table, field
