"""Golden tests: the seed article's claims byte for byte, and the digest of the whole dev set's.

When extraction changes on purpose, review the diff and regenerate with
``UPDATE_GOLDEN=1 pytest tests/test_golden.py``. A restructuring (no change intended) must pass
both unchanged: that is the proof that its output is byte-identical.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from extractor import Extractor
from extractor.models import Document
from shared_data import in_ci

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "north-korea-shipments-2024-08-28.json"
GOLDEN = Path(__file__).resolve().parent / "golden" / "seed_claims.jsonl"
#: The evaluation data, beside the repository (never an absolute path of one machine).
SHARED = ROOT.parent / "shared" / "eval"
#: The inputs of the dev-set check, as the CLI is given them from the repository root.
DEV_INPUTS = ("../shared/eval/dev/docs", "../shared/eval/offtopic/docs.jsonl", "seeds")
DEV_DIGEST = Path(__file__).resolve().parent / "golden" / "dev_claims.sha256"


def test_seed_claims_match_golden_file():
    doc = Document.model_validate_json(SEED.read_text(encoding="utf-8"))
    lines = [c.model_dump_json() + "\n" for _, claims in Extractor().extract_many([doc]) for c in claims]
    got = "".join(lines)
    if os.environ.get("UPDATE_GOLDEN"):
        GOLDEN.write_text(got, encoding="utf-8")
    expected = GOLDEN.read_text(encoding="utf-8")
    assert got == expected, "seed claims changed: review, then UPDATE_GOLDEN=1 pytest tests/test_golden.py"


def test_golden_seed_claims_say_what_the_article_says():
    """Independent of the exact bytes: the facts a reader checks first."""
    import json

    claims = [json.loads(line) for line in GOLDEN.read_text(encoding="utf-8").splitlines()]
    first = claims[0]
    assert first["text"] == "North Korea has sent over 13,000 containers to Russia"
    assert {(a["name"], a["role"]) for a in first["actors"]} == {("North Korea", "supplier"), ("Russia", "recipient")}
    assert [(q["value"], q["lower"], q["unit"]) for q in first["quantities"]] == [(13000.0, 13000.0, "container")]
    assert first["attributions"][0]["source"].startswith("Yonhap News TV")
    estimate = claims[1]
    assert estimate["modality"] == "hedged" and estimate["claim_type"] == "assessment"
    assert [(q["value"], q["approximate"]) for q in estimate["quantities"]] == [(6000000.0, True)]
    assert [(m["category"], m["caliber_mm"]) for m in estimate["munitions"]] == [("artillery_shell", 152.0)]


def test_dev_set_claims_match_their_recorded_digest(tmp_path):
    """``extractor extract`` on the dev set, the off-topic set and the seed gives the recorded
    bytes (SHA-256 and claim count in ``golden/dev_claims.sha256``). Skipped where ``../shared``
    is absent, except under ``CI=true``, where a missing evaluation set is a failure."""
    if not all((ROOT / p).exists() for p in DEV_INPUTS):
        if in_ci():
            pytest.fail(f"the evaluation data is missing: expected {SHARED} beside the repository")
        pytest.skip("no ../shared/eval beside the repository")
    out = tmp_path / "claims.jsonl"
    subprocess.run([sys.executable, "-m", "extractor", "extract", *DEV_INPUTS, "-o", str(out), "-q"],
                   cwd=ROOT, check=True)
    data = out.read_bytes()
    lines = data.count(b"\n")
    got = f"{hashlib.sha256(data).hexdigest()} {lines}\n"
    if os.environ.get("UPDATE_GOLDEN"):
        DEV_DIGEST.write_text(got, encoding="utf-8")
    assert got == DEV_DIGEST.read_text(encoding="utf-8"), (
        "the dev-set claims changed: compare `extractor extract " + " ".join(DEV_INPUTS) + " -o after.jsonl` "
        "with the same run at the previous commit, then UPDATE_GOLDEN=1 pytest tests/test_golden.py")
