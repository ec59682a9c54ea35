"""Reference data: the canonical entities and the lexicons extraction rules read.

Everything is loaded from the CSV files in `seeds/reference/` (see its README)
once per process. The rest of the pipeline receives a `Reference` and never
reads files itself.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from flows.resources import resource_dir

ENTITY_TYPES = ("manufacturer", "model", "region", "organization", "person", "facility")


@dataclass(frozen=True)
class Entity:
    """One canonical entity of the reference data (or one found by a rule)."""

    type: str
    name: str
    parent: str | None = None
    country: str | None = None
    kind: str | None = None
    manufacturer: str | None = None
    powertrains: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    needs_brand: bool = False
    fiscal_year_start_month: int = 1
    demonyms: tuple[str, ...] = ()
    iso_code: str | None = None
    domain: str | None = None
    body: str | None = None
    city: str | None = None  # a facility's city
    region: str | None = None  # a facility's region (state, province or country)
    organization: str | None = None  # a person's organisation
    role: str | None = None  # a person's role

    @property
    def key(self) -> str:
        """Natural key: unique per type; models are unique per manufacturer."""
        if self.type == "model":
            return f"model:{self.manufacturer}/{self.name}"
        return f"{self.type}:{self.name}"


@dataclass(frozen=True)
class Currency:
    token: str
    code: str
    kind: str  # prefix | suffix
    region: str | None


@dataclass(frozen=True)
class BoilerplateRule:
    pattern: re.Pattern[str]
    kind: str
    action: str  # line | rest | rest_of_block | comment_block


@dataclass(eq=False)  # identity hash: one Reference per directory, cached
class Reference:
    """Entities by type plus the lexicons of the extraction rules."""

    entities: list[Entity]
    metric_cues: dict[
        str, tuple[str, str]
    ]  # phrase -> (metric, kind: verb | noun | *_modifier | share)
    qualifier_cues: dict[str, tuple[str, str]]  # phrase -> (qualifier, position)
    powertrain_cues: dict[str, str]  # phrase -> powertrain
    currencies: list[Currency]
    count_nouns: dict[str, str]  # noun -> vehicle | other
    boilerplate: list[BoilerplateRule]
    metrics: list[dict[str, str]]
    powertrains: list[dict[str, str]]
    part_of: list[dict[str, str]]  # what is part of what: BEV of NEV, a model of its maker
    word_lists: dict[str, frozenset[str]]
    by_key: dict[str, Entity] = field(init=False)
    by_type_name: dict[tuple[str, str], Entity] = field(init=False)

    def __post_init__(self) -> None:
        self.by_key = {entity.key: entity for entity in self.entities}
        self.by_type_name = {}
        for entity in self.entities:
            self.by_type_name.setdefault((entity.type, entity.name), entity)

    def get(self, entity_type: str, name: str | None) -> Entity | None:
        if not name:
            return None
        return self.by_type_name.get((entity_type, name))

    def of_type(self, entity_type: str) -> list[Entity]:
        return [entity for entity in self.entities if entity.type == entity_type]

    def manufacturer_lineage(self, name: str | None) -> list[str]:
        """The manufacturer and its parents, nearest first (Radar, Geely)."""
        chain: list[str] = []
        while name and name not in chain:
            chain.append(name)
            entity = self.get("manufacturer", name)
            name = entity.parent if entity else None
        return chain

    def region_lineage(self, name: str | None) -> list[str]:
        chain: list[str] = []
        while name and name not in chain:
            chain.append(name)
            entity = self.get("region", name)
            name = entity.parent if entity else None
        return chain

    def home_country(self, manufacturer: str | None) -> str | None:
        """Country a manufacturer exports from (the brand's, else its group's)."""
        for name in self.manufacturer_lineage(manufacturer):
            entity = self.get("manufacturer", name)
            if entity and entity.country:
                return entity.country
        return None


def _split(value: str | None) -> tuple[str, ...]:
    return tuple(part.strip() for part in (value or "").split("|") if part.strip())


def _rows(directory: Path, name: str) -> list[dict[str, str]]:
    with open(directory / name, newline="", encoding="utf-8") as handle:
        return [
            {key: (value or "").strip() for key, value in row.items()}
            for row in csv.DictReader(handle)
        ]


def default_rows(name: str) -> list[dict[str, str]]:
    """The rows of one CSV of the default reference folder (closed word classes)."""
    return _rows(resource_dir("reference"), name)


def _ampersand_variants(name: str, aliases: tuple[str, ...]) -> tuple[str, ...]:
    """Names written with "and" are also written with "&" (and the other way round)."""
    variants = list(aliases)
    for written in (name, *aliases):
        for a, b in ((" and ", " & "), (" & ", " and ")):
            if a in written and written.replace(a, b) not in variants:
                variants.append(written.replace(a, b))
    return tuple(variants)


def _entities(directory: Path) -> list[Entity]:
    entities: list[Entity] = []
    for row in _rows(directory, "manufacturers.csv"):
        entities.append(
            Entity(
                type="manufacturer",
                name=row["name"],
                aliases=_split(row["aliases"]),
                parent=row["parent"] or None,
                country=row["country"] or None,
                kind=row["kind"] or None,
                fiscal_year_start_month=int(row["fiscal_year_start_month"] or 1),
            )
        )
    for row in _rows(directory, "models.csv"):
        entities.append(
            Entity(
                type="model",
                name=row["name"],
                aliases=_split(row["aliases"]),
                manufacturer=row["manufacturer"],
                parent=row["manufacturer"],
                powertrains=_split(row["powertrains"]),
                kind=row["status"] or None,
                needs_brand=row["needs_brand"] == "1",
                body=row["body"] or None,
            )
        )
    for row in _rows(directory, "regions.csv"):
        entities.append(
            Entity(
                type="region",
                name=row["name"],
                aliases=_split(row["aliases"]),
                parent=row["parent"] or None,
                kind=row["kind"] or None,
                iso_code=row["iso_code"] or None,
                demonyms=_split(row["demonyms"]),
            )
        )
    for row in _rows(directory, "organizations.csv"):
        entities.append(
            Entity(
                type="organization",
                name=row["name"],
                aliases=_ampersand_variants(row["name"], _split(row["aliases"])),
                kind=row["kind"] or None,
                country=row["country"] or None,
                domain=row["domain"] or None,
            )
        )
    for row in _rows(directory, "facilities.csv"):
        entities.append(
            Entity(
                type="facility",
                name=row["name"],
                aliases=_split(row["aliases"]),
                manufacturer=row["manufacturer"] or None,
                region=row["region"] or None,
                city=row["city"] or None,
            )
        )
    for row in _rows(directory, "people.csv"):
        entities.append(
            Entity(
                type="person",
                name=row["name"],
                aliases=_split(row["aliases"]),
                organization=row["organization"] or None,
                role=row["role"] or None,
            )
        )
    return entities


@cache
def load_reference(directory: str | None = None) -> Reference:
    """Read every reference CSV (cached per directory for the life of the process)."""
    root = Path(directory) if directory else resource_dir("reference")
    return Reference(
        entities=_entities(root),
        metric_cues={
            row["phrase"]: (row["metric"], row["kind"]) for row in _rows(root, "metric_cues.csv")
        },
        qualifier_cues={
            row["phrase"]: (row["qualifier"], row["position"])
            for row in _rows(root, "qualifier_cues.csv")
        },
        powertrain_cues={
            row["phrase"]: row["powertrain"] for row in _rows(root, "powertrain_cues.csv")
        },
        currencies=[
            Currency(row["token"], row["code"], row["kind"], row["region"] or None)
            for row in _rows(root, "currencies.csv")
        ],
        count_nouns={row["noun"]: row["kind"] for row in _rows(root, "count_nouns.csv")},
        boilerplate=[
            BoilerplateRule(re.compile(row["pattern"], re.IGNORECASE), row["kind"], row["action"])
            for row in _rows(root, "boilerplate.csv")
        ],
        metrics=_rows(root, "metrics.csv"),
        powertrains=_rows(root, "powertrains.csv"),
        part_of=_rows(root, "part_of.csv"),
        word_lists=_word_lists(_rows(root, "grammar_words.csv")),
    )


def _word_lists(rows: list[dict[str, str]]) -> dict[str, frozenset[str]]:
    lists: dict[str, set[str]] = {}
    for row in rows:
        lists.setdefault(row["list"], set()).add(row["word"])
    return {name: frozenset(words) for name, words in lists.items()}
