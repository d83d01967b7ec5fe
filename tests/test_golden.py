"""Golden test: the seed article's claims, byte for byte.

When extraction changes on purpose, review the diff and regenerate with
``UPDATE_GOLDEN=1 pytest tests/test_golden.py``.
"""

from __future__ import annotations

import os
from pathlib import Path

from extractor import Extractor
from extractor.models import Document

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "north-korea-shipments-2024-08-28.json"
GOLDEN = Path(__file__).resolve().parent / "golden" / "seed_claims.jsonl"


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
