"""The published JSON Schema, generated from the pydantic models."""

from __future__ import annotations

import json

from .models import SCHEMA_VERSION, Claim


def claim_schema() -> dict:
    schema = Claim.model_json_schema(mode="serialization")
    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"https://extractor.invalid/schemas/claim-{SCHEMA_VERSION}.schema.json",
        **schema,
    }
    return schema


def claim_schema_json() -> str:
    """The schema as stable, pretty-printed JSON (what ``schemas/claim.schema.json`` holds)."""
    return json.dumps(claim_schema(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
