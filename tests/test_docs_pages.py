"""The pages in docs/ stay true: the environment variables they name are the ones the code
reads, the test requirements are the fixtures' own, and every command line they show exists."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import typer

from extractor.cli import app

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
PAGES = sorted(DOCS.glob("*.md"))


def code_env_vars() -> set[str]:
    names = set()
    for path in [*ROOT.joinpath("extractor").rglob("*.py"), *ROOT.joinpath("tests").glob("*.py")]:
        if path.name == "test_docs_pages.py":
            continue
        names |= set(re.findall(r"\bEXTRACTOR_[A-Z_]+\b", path.read_text(encoding="utf-8")))
    return names - {"EXTRACTOR_COMPLETE"}  # typer's completion variable, documented as _EXTRACTOR_COMPLETE


def test_every_environment_variable_is_documented_and_every_documented_one_is_read():
    table = (DOCS / "environment.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^\| `(EXTRACTOR_[A-Z_]+)`", table, flags=re.M))
    assert documented == code_env_vars()


def test_testing_page_states_the_postgresql_requirement_and_how_to_change_it():
    page = (DOCS / "testing.md").read_text(encoding="utf-8")
    fixtures = (ROOT / "tests" / "db_fixtures.py").read_text(encoding="utf-8")
    default = re.search(r'os\.environ\.get\("EXTRACTOR_TEST_PG_URL", "([^"]+)"\)', fixtures).group(1)
    assert f"`{default}`" in page and "`EXTRACTOR_TEST_PG_URL`" in page
    assert "pip install -e '.[test]' && pytest" in page
    assert "skipped" in page and "CI=true" in page


def command_lines() -> list[tuple[str, str]]:
    """``(page, command line)`` of every ``extractor ...`` line in a code block of a docs page."""
    found = []
    for page in PAGES:
        for block in re.findall(r"```(?:bash|sh)\n(.*?)```", page.read_text(encoding="utf-8"), flags=re.S):
            for line in block.replace("\\\n", " ").splitlines():
                line = line.split("#", 1)[0].strip()
                if line.startswith("extractor "):
                    found.append((page.name, line.split("|")[0].split(";")[0]))
    script = (DOCS / "nightly-extract.sh").read_text(encoding="utf-8").replace("\\\n", " ")
    for line in script.splitlines():
        if line.startswith('"$EXTRACTOR" '):
            found.append(("nightly-extract.sh", "extractor " + line.split(" ", 1)[1].split(" 2>>")[0]))
    return found


@pytest.mark.parametrize(("page", "line"), command_lines())
def test_every_command_line_in_the_docs_uses_real_commands_and_options(page, line):
    root = typer.main.get_command(app)
    words = line.split()[1:]
    command = root.commands.get(words[0]) if words and not words[0].startswith("-") else root
    assert command is not None, f"{page}: no command {words[0]!r}"
    known = {opt for param in [*command.params, *root.params] for opt in param.opts + param.secondary_opts}
    line = re.sub(r"\$\(.*?\)|'[^']*'", "", line)  # command substitutions and quoted values are not options
    for option in re.findall(r"(?<![\w-])--[a-z][a-z-]*", line):
        assert option in known, f"{page}: {line}: no option {option}"


def test_the_docs_show_command_lines():
    assert len(command_lines()) >= 8
