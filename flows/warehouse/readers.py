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

import contextlib
import logging
import tempfile
from collections.abc import Iterator
from pathlib import Path

import duckdb

SANDBOX = {
    "enable_external_access": False,
    "autoload_known_extensions": False,
    "autoinstall_known_extensions": False,
}
# Set on the connection before its configuration is locked: DuckDB takes neither as an
# option of the database. A progress bar would be written into a query's output.
SESSION = ("set enable_progress_bar = false", "set lock_configuration = true")


# The run's own reads of the published file (its view counts) happen beside the
# rest of the run. With DuckDB's default limit (80% of RAM) the heaviest views take memory
# in proportion to the archive (counting fact_figure: 0.76 GB at 100,000 articles, 3.4 GB
# at 300,000); capped, DuckDB spills the excess to disk (0.36 GB at 100,000). Threads are
# capped too: each keeps hash tables of its own, which a cap cannot spill.
RUN_READER_MEMORY = "256MB"
RUN_READER_THREADS = 2


class ReaderError(Exception):
    """The published warehouse cannot be opened for reading (missing, not DuckDB)."""


def _require(db_path: Path) -> None:
    if not db_path.is_file():
        raise ReaderError(f"no warehouse at {db_path}: run `pickup-etl run` first, or pass --db")


def connect_reader(db_path: Path, limits: dict | None = None) -> duckdb.DuckDBPyConnection:
    """A sandboxed read-only connection to the published warehouse (`limits`: memory,
    threads and the folder DuckDB spills to, as `bounded_reader` sets them)."""
    _require(db_path)
    try:
        connection = duckdb.connect(
            str(db_path), read_only=True, config={**SANDBOX, **(limits or {})}
        )
        for statement in SESSION:
            connection.execute(statement)
        return connection
    except duckdb.Error as error:
        raise ReaderError(
            f"cannot open {db_path}: {str(error).splitlines()[0]} (is it a DuckDB file?)"
        ) from None


@contextlib.contextmanager
def bounded_reader(db_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A reader whose memory is capped at RUN_READER_MEMORY, spilling to a temporary folder
    beside the warehouse (its own disk, not a RAM-backed /tmp) that goes when it closes."""
    _require(db_path)
    with tempfile.TemporaryDirectory(prefix=f".{db_path.name}.", dir=db_path.parent) as folder:
        limits = {
            "memory_limit": RUN_READER_MEMORY,
            "threads": RUN_READER_THREADS,
            "temp_directory": folder,
            "preserve_insertion_order": False,  # what it reads is counted, not listed
        }
        with connect_reader(db_path, limits) as connection:
            yield connection


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
    """Rows per view of the published file, each counted on a bounded reader of its own
    (what one view left in DuckDB's buffers would count against the next one's cap).

    Not every aggregate spills (lists, distinct counts): a view that runs out of memory
    under the cap is counted again without it, so the cap never makes a view look broken.
    A view DuckDB cannot compute counts as the first line of its error: the run reports
    it (a published warehouse whose view fails must say so)."""
    log = logging.getLogger(__name__)
    counts: dict[str, int | str] = {}
    for name in views:
        sql = f"select count(*) from {name}"
        try:
            try:
                with bounded_reader(db_path) as connection:
                    counts[name] = int(fetch(connection, sql)[0][0])
            except duckdb.OutOfMemoryException:
                log.info(
                    "view %s needs more than %s to count: counted uncapped", name, RUN_READER_MEMORY
                )
                with connect_reader(db_path) as connection:
                    counts[name] = int(fetch(connection, sql)[0][0])
        except duckdb.Error as error:
            message = str(error).splitlines()[0]
            log.warning("view %s does not answer: %s", name, message)
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
