"""Where the tests find the evaluation data: ``../shared`` beside the repository, never an
absolute path of one machine.

Tests that compare real runs add the annotated dev articles when they are there. Under
``CI=true`` they must be there: a missing ``../shared`` fails the test loudly instead of
silently shrinking what it checks.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
DEV_DOCS = SHARED / "eval" / "dev" / "docs"


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("true", "1", "yes")


def dev_docs(path: Path | None = None) -> list[str]:
    """``[dev docs folder]`` when it exists; ``[]`` elsewhere, but a test failure under CI."""
    path = DEV_DOCS if path is None else path
    if path.is_dir():
        return [str(path)]
    if in_ci():
        pytest.fail(f"{path} is missing: CI must have the evaluation data in ../shared beside the repository")
    return []
