"""The warehouse schema: the tables and views `sql/` declares, plus the claim
record's measures, and bringing a warehouse of an older release up to them.

`sql/tables/*.sql` declares every table; `fact_claim` there holds its keys,
and its measures (value, unit, period, …) come from the claim record
(`flows/extract/claim_record.py`), with the record's field docs as column
comments. A new measure of the record is thus a new column of `fact_claim`
without a new line of SQL.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb

from flows.extract.claim_record import Claim, record_fields
from flows.resources import resource_dir

CALENDAR = (date(2000, 1, 1), date(2040, 12, 31))
TABLES = (
    "dim_date",
    "dim_metric",
    "dim_powertrain",
    "dim_manufacturer",
    "dim_model",
    "dim_region",
    "dim_organization",
    "dim_person",
    "dim_facility",
    "dim_article",
    "dim_sentence",
    "fact_claim",
    "bridge_claim_region",
    "fact_entity_mention",
    "etl_run",
    "etl_file",
    "quarantine",
    "story_fingerprint",
    "rule_part_of",
)
VIEWS = (
    "v_claims",
    "v_market_volumes",
    "v_model_leaderboard",
    "v_entity_coverage",
    "v_run_history",
    "dim_story",
    "fact_figure",
    "v_conflicts",
    "v_market_facts",
)
_DUCKDB = {"str": "varchar", "int": "integer", "float": "double", "date": "date"}


class SchemaError(RuntimeError):
    """The published warehouse has a schema this release cannot migrate to."""


def sql_files(kind: str) -> list[Path]:
    """The SQL files of one folder of `sql/` (tables, views, load), in order."""
    return sorted((resource_dir("sql") / kind).glob("*.sql"))


def claim_measures() -> list[tuple[str, str, str]]:
    """(column, DuckDB type, comment) of each measure of the claim record."""
    return [
        (f.name, _DUCKDB[f.kind], f.doc)
        for f in record_fields(Claim)
        if f.store == "measure"
    ]


def declare_tables(connection: duckdb.DuckDBPyConnection) -> None:
    """Create the tables `sql/tables` declares and give fact_claim the record's measures."""
    for path in sql_files("tables"):
        connection.execute(path.read_text(encoding="utf-8"))
    have = {
        row[0]
        for row in connection.execute(
            "select column_name from duckdb_columns() "
            "where table_name = 'fact_claim' and database_name = current_database()"
        ).fetchall()
    }
    for name, data_type, doc in claim_measures():
        if name not in have:
            connection.execute(f'alter table fact_claim add column "{name}" {data_type}')
        connection.execute(f"comment on column fact_claim.\"{name}\" is '{doc.replace(chr(39), chr(39) * 2)}'")


def declare_views(connection: duckdb.DuckDBPyConnection) -> None:
    for path in sql_files("views"):
        connection.execute(path.read_text(encoding="utf-8"))


def columns_of(connection: duckdb.DuckDBPyConnection, database: str) -> dict[str, dict[str, str]]:
    """table → column → type, for the tables of one attached database."""
    rows = connection.execute(
        "select table_name, column_name, data_type from duckdb_columns() "
        "where database_name = ? and schema_name = 'main' and not internal "
        "and table_name in (select table_name from duckdb_tables() where database_name = ?) "
        "order by table_name, column_index",
        [database, database],
    ).fetchall()
    tables: dict[str, dict[str, str]] = {}
    for table, column, data_type in rows:
        tables.setdefault(table, {})[column] = data_type
    return tables


def align_columns(connection: duckdb.DuckDBPyConnection, catalog: str, db_path: Path) -> None:
    """Bring tables written by an older release to the declared columns: new columns
    are added (null in old rows), dropped ones removed."""
    existing = columns_of(connection, catalog)
    if not existing:
        return
    scratch = duckdb.connect()
    try:
        declare_tables(scratch)
        declared = columns_of(scratch, "memory")
    finally:
        scratch.close()
    for table, columns in declared.items():
        have = existing.get(table)
        if have is None:
            continue
        try:
            for name, data_type in columns.items():
                if name not in have:
                    connection.execute(f'alter table {table} add column "{name}" {data_type}')
            for name in have:
                if name not in columns:
                    connection.execute(f'alter table {table} drop column "{name}"')
        except duckdb.Error as error:
            raise SchemaError(
                f"{db_path}: table {table} cannot be brought to the current schema "
                f"({error}); run again with --full-refresh to rebuild the warehouse"
            ) from error


def schema_snapshot(connection: duckdb.DuckDBPyConnection, catalog: str) -> tuple:
    """Columns, types, comments and view texts: what a schema change changes."""
    columns = connection.execute(
        "select table_name, column_name, data_type, comment from duckdb_columns() "
        "where database_name = ? order by all",
        [catalog],
    ).fetchall()
    views = connection.execute(
        "select view_name, sql, comment from duckdb_views() "
        "where database_name = ? and not internal order by all",
        [catalog],
    ).fetchall()
    return columns, views


def fill_calendar(connection: duckdb.DuckDBPyConnection) -> None:
    """dim_date, one row per day of `CALENDAR`."""
    start, end = CALENDAR
    connection.execute(
        """
        insert into dim_date
        select
            cast(strftime(day, '%Y%m%d') as integer) as date_key,
            cast(day as date) as date,
            year(day), quarter(day), month(day), monthname(day), strftime(day, '%Y-%m'),
            day(day), isodow(day), week(day),
            day = last_day(day)
        from range(?::date, ?::date + interval 1 day, interval 1 day) as days(day)
        """,
        [start, end],
    )
