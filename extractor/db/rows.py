"""Pure conversion of claims and documents to table rows (no database access)."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from ..isodate import parse_published
from ..models import Claim, DateRef, Document, _Evidence


def iso_prefix_bounds(prefix: str) -> tuple[dt.date, dt.date, str]:
    """First day, last day and precision of an ISO prefix: ``2024-06`` -> June 1, June 30, month.

    Raises ``ValueError`` naming the value for an impossible date (``2024-13``, ``2023-02-29``).
    """
    parts = prefix.split("-")
    try:
        year = int(parts[0])
        if len(parts) == 1:
            return dt.date(year, 1, 1), dt.date(year, 12, 31), "year"
        month = int(parts[1])
        if len(parts) == 2:
            last = calendar.monthrange(year, month)[1]
            return dt.date(year, month, 1), dt.date(year, month, last), "month"
        day = dt.date(year, month, int(parts[2]))
    except ValueError:  # calendar.IllegalMonthError is a ValueError too
        raise ValueError(f"date {prefix!r} is not a valid ISO date") from None
    return day, day, "day"


def _clean(row: dict) -> dict:
    """The row with NUL characters in strings replaced by U+FFFD: PostgreSQL text cannot hold
    them (the claim's JSON keeps them, escaped, so export stays lossless)."""
    return {k: v.replace("\x00", "\ufffd") if isinstance(v, str) else v for k, v in row.items()}


@dataclass(frozen=True)
class ClaimRows:
    """The rows of one claim: its ``claims`` row and its child rows, table name -> rows;
    ``doc_hash`` is the hash of the document version it was extracted from (None if unknown)."""

    claim: dict
    children: dict[str, list[dict]]
    doc_hash: str | None = None


def _evidence(claim_id: str, position: int, item: _Evidence) -> dict:
    return {
        "claim_id": claim_id,
        "position": position,
        "text": item.text,
        "span_start": item.span.start,
        "span_end": item.span.end,
    }


def _date_row(claim_id: str, position: int, date: DateRef) -> dict:
    start = iso_prefix_bounds(date.start) if date.start else None
    end = iso_prefix_bounds(date.end) if date.end else None
    precision = (start or end)[2] if (start or end) else None
    return {
        **_evidence(claim_id, position, date),
        "start_iso": date.start,
        "end_iso": date.end,
        "start_date": start[0] if start else None,
        "end_date": end[1] if end else None,
        "granularity": date.granularity.value if date.granularity else precision,
        "qualifier": date.qualifier,
    }


def claim_rows(claim: Claim, claim_json: str) -> ClaimRows:
    """Rows for one claim; ``claim_json`` is the JSON line stored for export.

    Raises ``ValueError`` if a date of the claim is not a real calendar date.
    """
    cid = claim.claim_id
    rows = ClaimRows(
        claim={
            "claim_id": cid,
            "doc_id": claim.doc_id,
            "schema_version": claim.schema_version,
            "claim_type": claim.claim_type.value,
            "modality": claim.modality.value,
            "text": claim.text,
            "span_start": claim.span.start,
            "span_end": claim.span.end,
            "claim_json": claim_json,
        },
        children={
            "claim_actors": [
                {
                    **_evidence(cid, i, a),
                    "name": a.name,
                    "role": a.role.value,
                    "type": a.type.value,
                    "entity_id": a.entity_id,
                }
                for i, a in enumerate(claim.actors)
            ],
            "claim_quantities": [
                {
                    **_evidence(cid, i, q),
                    "value": q.value,
                    "lower_bound": q.lower,
                    "upper_bound": q.upper,
                    "approximate": q.approximate,
                    "unit": q.unit,
                }
                for i, q in enumerate(claim.quantities)
            ],
            "claim_munitions": [
                {
                    **_evidence(cid, i, m),
                    "category": m.category.value,
                    "caliber_mm": m.caliber_mm,
                    "name": m.name,
                    "taxonomy_id": m.taxonomy_id,
                }
                for i, m in enumerate(claim.munitions)
            ],
            "claim_dates": [_date_row(cid, i, d) for i, d in enumerate(claim.dates)],
            "claim_attributions": [
                {**_evidence(cid, i, a), "source": a.source, "kind": a.kind.value, "cue": a.cue}
                for i, a in enumerate(claim.attributions)
            ],
        },
    )
    return ClaimRows(
        claim=_clean(rows.claim),
        children={name: [_clean(r) for r in items] for name, items in rows.children.items()},
        doc_hash=claim.doc_hash,
    )


def document_row(document: Document, content_hash: str | None) -> dict:
    """The ``documents`` row of a full document."""
    return _clean({
        "doc_id": document.doc_id,
        "title": document.title,
        "published_iso": document.published,
        "published_date": parse_published(document.published) if document.published else None,
        "source_name": document.source_name,
        "url": document.url,
        "text": document.text,
        "content_hash": content_hash,
    })
