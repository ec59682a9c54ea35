"""The claim record: one market number with everything a reader needs to use it.

`Claim` is the one declaration of the record. Each field says where it is kept
(its `store`) and what it means (its `doc`); from that:

- `flows/extract/frames.py` builds the claims frame and its polars schema,
- `expectations/claims.json` checks that column set (`$columns:claims`),
- `flows/warehouse/schema.py` adds every `measure` to `fact_claim` with the
  doc as its column comment, and `sql/load/fact_claim.sql` carries measures
  through by name.

So a new nullable figure of a claim is one field here, plus the view that
shows it (`sql/views/01_v_claims.sql`).

Stores: `article` and `sentence` (keys of the article and sentence tables),
`dimension` (looked up by name into a dimension key), `bridge` (a list kept in
its own table: the markets), `measure` (kept on the fact as it is).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import date


def stored(store: str, doc: str) -> dict[str, str]:
    """A field's declaration: where it is kept and what it means."""
    return {"store": store, "doc": doc}


@dataclass
class Claim:
    article: str = field(metadata=stored("article", "Article the claim was read from"))
    sentence_index: int = field(
        metadata=stored("sentence", "Position of its sentence in the article, from 0")
    )
    sentence: str = field(metadata=stored("sentence", "The sentence the number was stated in"))
    metric: str = field(metadata=stored("dimension", "What is counted (dim_metric)"))
    value: float | None = field(
        metadata=stored(
            "measure",
            "The number as a plain number (1.2 million = 1200000); null when only a change is stated",
        )
    )
    unit: str = field(
        metadata=stored("measure", "units (vehicles), percent, rank, or ISO 4217 currency code")
    )
    qualifier: str = field(
        metadata=stored(
            "measure",
            "exact, approx (nearly, about), at_least (over, more than), at_most (under, up to)",
        ),
        default="exact",
    )
    manufacturer: str | None = field(
        metadata=stored("dimension", "Brand the number is about; null for market totals"),
        default=None,
    )
    model: str | None = field(
        metadata=stored("dimension", "Model the number is about"), default=None
    )
    region: list[str] = field(
        metadata=stored("bridge", "Markets the number counts in (bridge_claim_region)"),
        default_factory=list,
    )
    powertrain: str = field(
        metadata=stored("dimension", "Powertrain scope of the counted vehicles"), default="all"
    )
    period_start: date | None = field(
        metadata=stored("measure", "First day of the period the number covers"), default=None
    )
    period_end: date | None = field(
        metadata=stored("measure", "Last day of the period the number covers"), default=None
    )
    change_pct: float | None = field(
        metadata=stored(
            "measure",
            "Stated change against a comparison period in percent (up 68% = 68, down 5% = -5)",
        ),
        default=None,
    )
    baseline_value: float | None = field(
        metadata=stored("measure", "Stated earlier level (up from 12,231 = 12231)"), default=None
    )
    source_org: str | None = field(
        metadata=stored("dimension", "Organisation the article credits for the number"),
        default=None,
    )
    value_start: int = field(
        metadata=stored("measure", "Start offset of the number in the cleaned article text"),
        default=0,
    )
    value_end: int = field(
        metadata=stored("measure", "End offset of the number in the cleaned article text"),
        default=0,
    )
    value_text: str = field(
        metadata=stored(
            "measure", 'The number as written, e.g. "nearly 23,500" minus the qualifier: "23,500"'
        ),
        default="",
    )

    def as_record(self) -> dict:
        """The claim with the field names of the gold format."""
        return {
            "article": self.article,
            "sentence": self.sentence,
            "metric": self.metric,
            "value": self.value,
            "unit": self.unit,
            "qualifier": self.qualifier,
            "manufacturer": self.manufacturer,
            "model": self.model,
            "region": list(self.region),
            "powertrain": self.powertrain,
            "period_start": self.period_start.isoformat() if self.period_start else None,
            "period_end": self.period_end.isoformat() if self.period_end else None,
            "change_pct": self.change_pct,
            "baseline_value": self.baseline_value,
            "source_org": self.source_org,
        }


@dataclass(frozen=True)
class RecordField:
    name: str
    store: str
    doc: str
    kind: str  # str, int, float or date: the base type of the annotation
    nullable: bool


def record_fields(record: type = Claim) -> list[RecordField]:
    """The fields of a record declaration, in order, with where each is kept."""
    fields = []
    for declared in dataclasses.fields(record):
        annotation = str(declared.type)
        kinds = [part.strip() for part in annotation.split("|")]
        fields.append(
            RecordField(
                name=declared.name,
                store=declared.metadata["store"],
                doc=declared.metadata["doc"],
                kind=kinds[0],
                nullable="None" in kinds,
            )
        )
    return fields
