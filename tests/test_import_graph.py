"""The package's import graph runs one way: cli -> commands -> batch -> pipeline -> components -> models.

Read from the source (every ``import``, at module level or inside a function, so a lazy import
cannot hide a cycle); the package root (``extractor/__init__.py``, a lazy facade) is left out.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "extractor"


def module_files() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def imports_of(name: str, path: Path, known: set[str]) -> set[str]:
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            submodules = {f"{module}.{alias.name}" for alias in node.names} & known
            found |= submodules or ({module} & known)
        elif isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names} & known
    return found - {name, "extractor"}


def graph() -> dict[str, set[str]]:
    files = module_files()
    known = set(files)
    return {name: imports_of(name, path, known) for name, path in files.items() if name != "extractor"}


def layer(module: str) -> int | None:
    """Position in cli -> commands -> batch -> pipeline -> components (and the claim finders) ->
    models; None for the helpers any layer may use (io, errors, db, lexicon...)."""
    for prefix, rank in (("extractor.cli", 0), ("extractor.commands", 1), ("extractor.batch", 2),
                         ("extractor.pipeline", 3), ("extractor.components", 4), ("extractor.extract", 4),
                         ("extractor.models", 5)):
        if module == prefix or module.startswith(prefix + "."):
            return rank
    return None


def test_the_layers_import_only_downwards():
    upward = []
    for module, targets in graph().items():
        for target in targets:
            here, there = layer(module), layer(target)
            if here is not None and there is not None and there < here:
                upward.append(f"{module} imports {target}")
    assert upward == []


@pytest.mark.parametrize("module, forbidden", [
    ("extractor.pipeline", "extractor.batch"),
    ("extractor.pipeline", "extractor.commands"),
    ("extractor.batch.runner", "extractor.commands"),
    ("extractor.batch.dask_engine", "extractor.cli"),
])
def test_no_import_of_a_layer_above(module, forbidden):
    assert not [t for t in graph()[module] if t == forbidden or t.startswith(forbidden + ".")]


def test_the_modules_import_no_cycle():
    edges = graph()
    cycles: list[list[str]] = []
    state: dict[str, int] = {}

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == 1:
                cycles.append(path[path.index(nxt):] + [nxt])
            elif nxt not in state:
                visit(nxt, path + [nxt])
        state[node] = 2

    for start in sorted(edges):
        if start not in state:
            visit(start, [start])
    assert cycles == []


def test_the_graph_sees_the_batch_layer():
    # guards the parser above: the known edges are found
    edges = graph()
    assert "extractor.batch.runner" in edges["extractor.commands.extract"]
    assert "extractor.pipeline" in edges["extractor.batch.runner"]
    assert "extractor.batch.workers" in edges["extractor.batch.documents"]
    assert "extractor.batch.documents" in edges["extractor.batch.dask_engine"]
