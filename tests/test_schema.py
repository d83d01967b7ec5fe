"""The published JSON Schema must be exactly what the pydantic models generate."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pydantic import ValidationError

from extractor.models import Claim, Document, Quantity, Span, make_claim_id
from extractor.schema import claim_schema_json

ROOT = Path(__file__).resolve().parent.parent
SCHEMA_FILE = ROOT / "schemas" / "claim.schema.json"


def test_published_schema_is_up_to_date():
    assert SCHEMA_FILE.read_text(encoding="utf-8") == claim_schema_json(), (
        "schemas/claim.schema.json is out of date: run `extractor schema > schemas/claim.schema.json`"
    )


def test_schema_is_valid_json_with_required_fields():
    schema = json.loads(claim_schema_json())
    for name in ("claim_id", "doc_id", "text", "span", "claim_type", "modality"):
        assert name in schema["required"], name
    assert schema["additionalProperties"] is False


def test_claim_id_is_stable_and_span_dependent():
    assert make_claim_id("d1", 0, 10) == make_claim_id("d1", 0, 10)
    assert make_claim_id("d1", 0, 10) != make_claim_id("d1", 0, 11)
    assert make_claim_id("d1", 0, 10) != make_claim_id("d2", 0, 10)


@pytest.mark.parametrize(
    "data, message",
    [
        ({"start": 5, "end": 2}, "before start"),
        ({"start": -1, "end": 2}, "greater than or equal to 0"),
    ],
)
def test_span_rejects_bad_offsets(data, message):
    with pytest.raises(ValidationError, match=message):
        Span.model_validate(data)


@pytest.mark.parametrize(
    "data, message",
    [
        ({"value": None, "lower": None, "upper": None}, "needs a value or a bound"),
        ({"value": None, "lower": 10, "upper": 5}, "exceeds upper bound"),
    ],
)
def test_quantity_rejects_empty_or_inverted_bounds(data, message):
    with pytest.raises(ValidationError, match=message):
        Quantity.model_validate({"text": "x", "span": {"start": 0, "end": 1}, **data})


def test_claim_forbids_unknown_fields():
    base = {
        "claim_id": "c_1", "doc_id": "d", "text": "t", "span": {"start": 0, "end": 1},
        "claim_type": "transfer", "modality": "asserted",
    }
    Claim.model_validate(base)
    with pytest.raises(ValidationError, match="Extra inputs are not permitted"):
        Claim.model_validate({**base, "surprise": 1})


@pytest.mark.parametrize(
    "published, ok",
    [("2024-08-28", True), ("2024-08", True), ("2024-08-28T06:46:00Z", True), ("28/08/2024", False), ("yesterday", False)],
)
def test_document_published_must_be_iso(published, ok):
    data = {"doc_id": "d", "text": "text", "published": published}
    if ok:
        assert Document.model_validate(data).published == published
    else:
        with pytest.raises(ValidationError, match="not an ISO date"):
            Document.model_validate(data)


@pytest.mark.parametrize("text", ["", "   \n\t"])
def test_document_needs_text(text):
    with pytest.raises(ValidationError):
        Document.model_validate({"doc_id": "d", "text": text})
