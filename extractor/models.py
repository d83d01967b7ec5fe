"""Pydantic models of the output contract (one :class:`Claim` per JSON line) and of input documents.

The field names and value forms follow the evaluation format (``FORMAT.md``): every list item
carries the ``text`` and ``span`` of the words it came from, so any value can be checked against
the document. ``schemas/claim.schema.json`` is generated from :class:`Claim`.
"""

from __future__ import annotations

import hashlib
import json
from enum import Enum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

SCHEMA_VERSION = "1.0"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ClaimType(str, Enum):
    transfer = "transfer"
    production = "production"
    use = "use"
    agreement = "agreement"
    assessment = "assessment"
    other = "other"


class Modality(str, Enum):
    asserted = "asserted"
    hedged = "hedged"
    negated = "negated"


class Role(str, Enum):
    supplier = "supplier"
    recipient = "recipient"
    user = "user"
    producer = "producer"
    party = "party"
    target = "target"
    other = "other"


class ActorType(str, Enum):
    state = "state"
    alliance = "alliance"
    organisation = "organisation"
    armed_group = "armed_group"
    company = "company"
    person = "person"
    other = "other"


class MunitionCategory(str, Enum):
    artillery_shell = "artillery_shell"
    rocket = "rocket"
    ballistic_missile = "ballistic_missile"
    cruise_missile = "cruise_missile"
    anti_tank_missile = "anti_tank_missile"
    air_defense_missile = "air_defense_missile"
    missile = "missile"
    drone = "drone"
    small_arms_ammunition = "small_arms_ammunition"
    small_arms = "small_arms"
    tank = "tank"
    armored_vehicle = "armored_vehicle"
    artillery_system = "artillery_system"
    air_defense_system = "air_defense_system"
    aircraft = "aircraft"
    ship = "ship"
    mine = "mine"
    bomb = "bomb"
    grenade = "grenade"
    ammunition = "ammunition"
    weapon = "weapon"
    other = "other"


class SourceKind(str, Enum):
    media = "media"
    government = "government"
    military = "military"
    intelligence = "intelligence"
    official = "official"
    think_tank = "think_tank"
    document = "document"
    other = "other"


class Granularity(str, Enum):
    day = "day"
    week = "week"
    month = "month"
    season = "season"
    quarter = "quarter"
    year = "year"


class Span(_Strict):
    """Half-open character offsets ``[start, end)`` into the document text."""

    start: Annotated[int, Field(ge=0)]
    end: Annotated[int, Field(ge=0)]

    @model_validator(mode="after")
    def _ordered(self) -> "Span":
        if self.end < self.start:
            raise ValueError(f"span end {self.end} is before start {self.start}")
        return self


class _Evidence(_Strict):
    text: str = Field(description="The words this value was read from, exactly as in the document.")
    span: Span


class Actor(_Evidence):
    name: str = Field(description="Canonical name (metonyms and demonyms resolved: Pyongyang -> North Korea).")
    role: Role
    type: ActorType = ActorType.other
    entity_id: str | None = Field(None, description="Stable id of the gazetteer entry, when resolved.")


class Quantity(_Evidence):
    value: float | None = Field(None, description="The number as stated; null for ranges and vague counts.")
    lower: float | None = None
    upper: float | None = None
    approximate: bool = False
    unit: str | None = Field(None, description="Singular, lower-case counted noun ('artillery shell').")

    @model_validator(mode="after")
    def _bounded(self) -> "Quantity":
        if self.value is None and self.lower is None and self.upper is None:
            raise ValueError("a quantity needs a value or a bound")
        if self.lower is not None and self.upper is not None and self.lower > self.upper:
            raise ValueError(f"lower bound {self.lower} exceeds upper bound {self.upper}")
        return self


class Munition(_Evidence):
    category: MunitionCategory
    caliber_mm: float | None = Field(None, description="Calibre in millimetres; inches converted.")
    name: str | None = Field(None, description="Model or system name (Shahed-136, HIMARS).")
    taxonomy_id: str | None = Field(None, description="Stable id of the taxonomy entry that matched.")


ISO_PREFIX = r"^\d{4}(-\d{2}(-\d{2})?)?$"


class DateRef(_Evidence):
    start: str | None = Field(None, pattern=ISO_PREFIX, description="ISO prefix at the text's precision.")
    end: str | None = Field(None, pattern=ISO_PREFIX)
    granularity: Granularity | None = None
    qualifier: str | None = Field(None, description="since, until, by, early, mid, late, between...")


class Attribution(_Evidence):
    source: str = Field(description="Canonical name of the outlet, office, person or document.")
    kind: SourceKind
    cue: str | None = Field(None, description="The reporting cue: said, according to, citing...")


class Claim(_Strict):
    schema_version: Literal["1.0"] = SCHEMA_VERSION
    claim_id: str = Field(description="Stable id derived from doc_id and span.")
    doc_id: str
    text: str = Field(description="The evidence: the claim's core clause, exactly as in the document.")
    span: Span
    claim_type: ClaimType
    modality: Modality
    actors: list[Actor] = []
    quantities: list[Quantity] = []
    munitions: list[Munition] = []
    dates: list[DateRef] = []
    attributions: list[Attribution] = Field(
        default=[], description="Attribution chain, outermost first (outlet -> person -> document)."
    )
    doc_hash: str | None = Field(
        None,
        description="SHA-256 of the document as read (text and metadata): a re-extracted, changed "
        "document's claims carry its new hash.",
    )

    @field_validator("doc_id")
    @classmethod
    def _doc_id_present(cls, v: str) -> str:
        if not v:
            raise ValueError("doc_id must not be empty")
        return v


def document_hash(document: "Document") -> str:
    """SHA-256 of everything in a document that extraction reads (stable across runs)."""
    payload = json.dumps(document.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def make_claim_id(doc_id: str, start: int, end: int) -> str:
    """A stable claim id: the same document and span always give the same id."""
    digest = hashlib.sha256(f"{doc_id}\x00{start}\x00{end}".encode()).hexdigest()
    return f"c_{digest[:20]}"


class Document(BaseModel):
    """An input article. ``doc_id`` is kept exactly as given: it links claims to their source."""

    model_config = ConfigDict(extra="ignore")

    doc_id: Annotated[str, Field(min_length=1)]
    text: Annotated[str, Field(min_length=1)]
    published: str | None = Field(None, description="ISO date (day or month precision) of publication.")
    title: str | None = None
    source_name: str | None = None
    url: str | None = None

    @field_validator("text")
    @classmethod
    def _has_text(cls, v: str) -> str:
        if not v.strip():
            raise ValueError("text is empty")
        return v

    @field_validator("doc_id", mode="before")
    @classmethod
    def _doc_id_str(cls, v: object) -> object:
        # Numeric ids from JSON are accepted and kept in their JSON spelling.
        if isinstance(v, int) and not isinstance(v, bool):
            return str(v)
        return v

    @field_validator("published")
    @classmethod
    def _iso(cls, v: str | None) -> str | None:
        if v is None or v == "":
            return None
        from .isodate import parse_published

        parse_published(v)  # raises ValueError with a clear message
        return v
