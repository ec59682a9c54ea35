"""Connections the project hands to readers: read-only and sandboxed.

A DuckDB `read_only` connection alone still runs `COPY … TO`, `ATTACH`,
`read_text()` and `LOAD`, so it would let a query overwrite the warehouse or
read any file. A reader connection opens the published file as a read-only
database instance with external access switched off and the configuration
locked: no statement can touch the file system, load an extension or attach a
database for writing. (Attaching the file into an in-memory database instead
is not safe: DuckDB keeps the attached path allowed, so `detach` followed by a
read-write `attach` of the same path would write to it.)

Within one process DuckDB shares a database instance among connections to the
same file: a connection opened while another is still open answers from the
snapshot the first one opened. A new process (every `pickup-etl query`) always
sees the latest publish.
"""

from __future__ import annotations

import logging
from pathlib import Path

import duckdb

SANDBOX = {
    "enable_external_access": False,
    "lock_configuration": True,
    "autoload_known_extensions": False,
    "autoinstall_known_extensions": False,
}


class ReaderError(Exception):
    """The published warehouse cannot be opened for reading (missing, not DuckDB)."""


def connect_reader(db_path: Path) -> duckdb.DuckDBPyConnection:
    """A sandboxed read-only connection to the published warehouse."""
    if not db_path.is_file():
        raise ReaderError(f"no warehouse at {db_path}: run `pickup-etl run` first, or pass --db")
    try:
        return duckdb.connect(str(db_path), read_only=True, config=SANDBOX)
    except duckdb.Error as error:
        raise ReaderError(
            f"cannot open {db_path}: {str(error).splitlines()[0]} (is it a DuckDB file?)"
        ) from None


def fetch(connection: duckdb.DuckDBPyConnection, sql: str, parameters=None) -> list[tuple]:
    """All rows of a query, fully consumed (DuckDB 2 keeps a half-read result open)."""
    return connection.execute(sql, parameters or []).fetchall()


def relation_names(connection: duckdb.DuckDBPyConnection) -> list[str]:
    """Tables and views of the warehouse, by name."""
    return [
        row[0]
        for row in fetch(
            connection,
            "select table_name from information_schema.tables "
            "where table_catalog = current_database() and table_schema = 'main' "
            "order by table_name",
        )
    ]


def view_counts(db_path: Path, views: tuple[str, ...]) -> dict[str, int | str]:
    """Rows per view of the published file, on a reader connection of its own.

    A view DuckDB cannot compute counts as the first line of its error: the run
    reports it (a published warehouse whose view fails must say so)."""
    counts: dict[str, int | str] = {}
    with connect_reader(db_path) as connection:
        for name in views:
            try:
                counts[name] = int(fetch(connection, f"select count(*) from {name}")[0][0])
            except duckdb.Error as error:
                message = str(error).splitlines()[0]
                logging.getLogger(__name__).warning("view %s does not answer: %s", name, message)
                counts[name] = f"error: {message}"
    return counts


def export_parquet(db_path: Path, directory: Path) -> list[tuple[str, int]]:
    """Every table and view of the published warehouse as one Parquet file each.

    The rows come through the sandboxed reader as Arrow; pyarrow writes the files,
    so the reader connection itself never touches the file system."""
    import pyarrow.parquet as pq

    directory.mkdir(parents=True, exist_ok=True)
    written: list[tuple[str, int]] = []
    with connect_reader(db_path) as connection:
        for name in relation_names(connection):
            table = connection.sql(f'select * from "{name}"').to_arrow_table()
            pq.write_table(table, directory / f"{name}.parquet")
            written.append((name, table.num_rows))
    return written
