"""The dimensions: reference data as the CSV files say now, and the entities
found by rules (people, organisations, plants, credited sources) that the
reference data does not hold.

Grain of each dimension: one row per entity (`sql/tables/0*_dim_*.sql`).
Reference rows are replaced wholesale on every run; detected rows stay until
the reference data names the same entity.
"""

from __future__ import annotations

from collections.abc import Callable

import duckdb
import polars as pl

from flows.extract.frames import Frames
from flows.reference import Entity, Reference
from flows.warehouse.keys import stable_key
from flows.warehouse.load import registered


def _key(entity_type: str, name: str | None) -> int | None:
    return stable_key(entity_type, name) if name else None


def _aliases(entity: Entity) -> list[str]:
    return list(entity.aliases) + list(entity.demonyms)


# One row of its dimension for each type of reference entity.
_ROWS: dict[str, Callable[[Entity], dict]] = {
    "manufacturer": lambda e: {
        "manufacturer_key": _key("manufacturer", e.name),
        "name": e.name,
        "aliases": _aliases(e),
        "parent_key": _key("manufacturer", e.parent),
        "parent_name": e.parent,
        "country": e.country,
        "kind": e.kind,
    },
    "model": lambda e: {
        "model_key": _key("model", f"{e.manufacturer}/{e.name}"),
        "name": e.name,
        "manufacturer_key": _key("manufacturer", e.manufacturer),
        "manufacturer_name": e.manufacturer,
        "aliases": _aliases(e),
        "powertrains": list(e.powertrains),
        "body": e.body,
        "status": e.kind,
    },
    "region": lambda e: {
        "region_key": _key("region", e.name),
        "name": e.name,
        "kind": e.kind,
        "iso_code": e.iso_code,
        "parent_key": _key("region", e.parent),
        "parent_name": e.parent,
        "aliases": _aliases(e),
    },
    "organization": lambda e: {
        "organization_key": _key("organization", e.name),
        "name": e.name,
        "kind": e.kind,
        "country": e.country,
        "domain": e.domain,
        "aliases": _aliases(e),
    },
    "person": lambda e: {
        "person_key": _key("person", e.name),
        "name": e.name,
        "organization": e.organization,
        "role": e.role,
        "aliases": _aliases(e),
    },
    "facility": lambda e: {
        "facility_key": _key("facility", e.name),
        "name": e.name,
        "manufacturer_name": e.manufacturer,
        "region_name": e.region,
        "city": e.city,
        "aliases": _aliases(e),
    },
}

# The columns a detected entity fills: its key, name, no aliases and its source.
_DETECTED = {
    "person": "person_key, name, organization, role, aliases, source",
    "organization": "organization_key, name, kind, country, domain, aliases, source",
    "facility": "facility_key, name, manufacturer_name, region_name, city, aliases, source",
    "manufacturer": "manufacturer_key, name, aliases, parent_key, parent_name, country, kind, source",
}


def upsert_reference(connection: duckdb.DuckDBPyConnection, reference: Reference) -> None:
    """The reference dimensions as the CSV files say now."""
    _replace(
        connection,
        "dim_metric",
        pl.DataFrame(
            [
                {
                    "metric_key": index + 1,
                    "metric": row["metric"],
                    "unit_kind": row["unit_kind"],
                    "description": row["description"],
                }
                for index, row in enumerate(reference.metrics)
            ]
        ),
    )
    _replace(
        connection,
        "dim_powertrain",
        pl.DataFrame(
            [
                {
                    "powertrain_key": index + 1,
                    "powertrain": row["powertrain"],
                    "name": row["name"],
                    "description": row["description"],
                }
                for index, row in enumerate(reference.powertrains)
            ]
        ),
    )
    _replace(connection, "rule_part_of", pl.DataFrame(reference.part_of))
    for entity_type, row_of in _ROWS.items():
        rows = [
            {**row_of(entity), "source": "reference"}
            for entity in reference.entities
            if entity.type == entity_type
        ]
        table, key = f"dim_{entity_type}", f"{entity_type}_key"
        with registered(connection, {"incoming_dim": pl.DataFrame(rows)}):
            # Detected rows stay unless the reference now names the same entity.
            connection.execute(
                f"delete from {table} where source = 'reference' "
                f"or {key} in (select {key} from incoming_dim)"
            )
            connection.execute(f"insert into {table} by name select * from incoming_dim")


def _replace(connection: duckdb.DuckDBPyConnection, table: str, frame: pl.DataFrame) -> None:
    with registered(connection, {"incoming_dim": frame}):
        connection.execute(f"delete from {table}")
        connection.execute(f"insert into {table} by name select * from incoming_dim")


def add_detected_entities(connection: duckdb.DuckDBPyConnection, frames: Frames) -> None:
    """Entities found by rules (people, organisations, plants, sources) that the reference lacks."""
    mentions = (
        frames.mentions.filter(pl.col("rule") != "reference")
        .select("entity_type", "entity_name")
        .unique()
    )
    sources = (
        frames.claims.filter(pl.col("source_org").is_not_null())
        .select(
            pl.lit("organization").alias("entity_type"),
            pl.col("source_org").alias("entity_name"),
        )
        .unique()
    )
    detected = pl.concat([mentions, sources]).unique()
    for entity_type, column_list in _DETECTED.items():
        names = detected.filter(pl.col("entity_type") == entity_type)["entity_name"].to_list()
        if not names:
            continue
        frame = pl.DataFrame({"key": [stable_key(entity_type, n) for n in names], "name": names})
        width = len(column_list.split(",")) - 4  # key, name, aliases and source are given
        nulls = ", ".join(["null"] * width)
        with registered(connection, {"detected_names": frame}):
            connection.execute(
                f"""
                insert into dim_{entity_type} ({column_list})
                select key, name, {nulls}, []::varchar[], 'detected' from detected_names
                where key not in (select {entity_type}_key from dim_{entity_type})
                  and name not in (select name from dim_{entity_type})
                """
            )
