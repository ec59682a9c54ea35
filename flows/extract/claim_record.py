"""The claim record: one market number with everything a reader needs to use it.

`Claim` is the one declaration of the record. The claims frame, its
validation column set and the warehouse's fact_claim measures are derived
from its fields (`flows/extract/frames.py`, `flows/warehouse/schema.py`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass
class Claim:
    article: str
    sentence_index: int
    sentence: str
    metric: str
    value: float | None
    unit: str
    qualifier: str = "exact"
    manufacturer: str | None = None
    model: str | None = None
    region: list[str] = field(default_factory=list)
    powertrain: str = "all"
    period_start: date | None = None
    period_end: date | None = None
    change_pct: float | None = None
    baseline_value: float | None = None
    source_org: str | None = None
    value_start: int = 0
    value_end: int = 0
    value_text: str = ""

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
