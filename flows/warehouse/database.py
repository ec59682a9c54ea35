"""The DuckDB warehouse a run writes: its working copy, the run's verbs, and the
atomic publish.

The flow never writes the file readers use. It copies the published file to a
working file beside it (or starts an empty one on a full refresh), loads the
run into it (committing step by step: only the finished file is ever
published), checkpoints it, and renames it over the published path. A reader holding the old file keeps reading the old snapshot;
a crash at any point leaves the published file as it was.

The schema is `schema.py`'s, the dimensions `dimensions.py`'s, the load into the
star schema `load.py`'s (with its SQL under `sql/load/`); `WorkingDatabase` puts
them in a run's order: open, start the load, load each group, finish the run,
publish or discard.

The file is created with storage version v1.4.0 so DuckDB 1.4+ clients (the
versions BI drivers bundle) can open it.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import polars as pl

from flows.extract.frames import Frames
from flows.faults import kill_point
from flows.reference import Reference
from flows.warehouse.dimensions import add_detected_entities, upsert_reference
from flows.warehouse.load import (
    insert_frames,
    record_files,
    record_quarantine,
    record_run,
    retire_files,
    scalar,
)
from flows.warehouse.stories import assign_stories
from flows.warehouse.schema import (
    TABLES,
    VIEWS,
    SchemaError,
    align_columns,
    declare_tables,
    declare_views,
    fill_calendar,
    schema_snapshot,
)

__all__ = ["TABLES", "VIEWS", "SchemaError", "WarehouseError", "WorkingDatabase"]

STORAGE_VERSION = "v1.4.0"
CATALOG = "wh"
# DuckDB's buffer memory for a run's working database (PICKUP_ETL_DUCKDB_MEMORY overrides).
# The load only appends and looks up keys: its working set is one group, and the blocks
# of earlier groups it would otherwise keep cached grew the run by ~25 MB per 5,000
# articles (to 380 MB at 100,000). A 100,000-article run loads as fast with 128 MB.
MEMORY_LIMIT = "128MB"
# Write-ahead log a run gathers before DuckDB checkpoints the working copy.
CHECKPOINT_EVERY = "1GB"


def working_path(db_path: Path) -> Path:
    return db_path.with_name(f".{db_path.name}.building")


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class WarehouseError(RuntimeError):
    """The warehouse cannot be opened or written (a folder that is not writable, a full
    disk, a file that is not DuckDB): the message names the file and what to do."""


class WorkingDatabase:
    """The run's own copy of the warehouse. One per run, under the writer lock."""

    def __init__(self, db_path: Path, full_refresh: bool = False) -> None:
        self.db_path = db_path
        self.path = working_path(db_path)
        db_path.parent.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()  # left by a run that died; the lock says nobody else owns it
        wal = self.path.with_name(self.path.name + ".wal")
        with contextlib.suppress(FileNotFoundError):
            wal.unlink()
        copy_published = db_path.exists() and not full_refresh
        if copy_published:
            shutil.copyfile(db_path, self.path)
        # With DuckDB's default limit (80% of RAM) its buffers grow with the size of the
        # warehouse. Capped, DuckDB spills to disk beside the working file.
        self._spill_dir = self.path.with_name(self.path.name + ".tmp")
        self.connection = duckdb.connect(
            config={
                "memory_limit": os.environ.get("PICKUP_ETL_DUCKDB_MEMORY", MEMORY_LIMIT),
                "temp_directory": str(self._spill_dir),
                # A checkpoint costs seconds on a large warehouse however little is new
                # (3.3 s at 100,000 articles, 0.2 s empty); by default one came every
                # 16 MB of log, every other group. The run checkpoints when it publishes.
                "checkpoint_threshold": CHECKPOINT_EVERY,
            }
        )
        quoted = str(self.path).replace("'", "''")
        if copy_published:
            self.connection.execute(f"attach '{quoted}' as {CATALOG}")
        else:
            self.connection.execute(
                f"attach '{quoted}' as {CATALOG} (storage_version '{STORAGE_VERSION}')"
            )
        self.connection.execute(f"use {CATALOG}")
        self._in_transaction = False
        self.story_seconds = 0.0  # of the load: grouping articles into stories

    @classmethod
    def open(cls, db_path: Path, full_refresh: bool = False) -> WorkingDatabase:
        """The run's working copy with the current schema, or a WarehouseError saying why not.
        Nothing is left behind when it cannot be made."""
        working = None
        try:
            working = cls(db_path, full_refresh=full_refresh)
            working.create_schema()
            return working
        except OSError as error:
            if working is not None:
                working.discard()
            else:
                _remove_leftovers(working_path(db_path))
            raise WarehouseError(
                f"cannot write the warehouse {db_path}: {error.strerror or error}; "
                "free space or pass --db in a folder you can write"
            ) from None
        except duckdb.Error as error:
            if working is not None:
                working.discard()
            else:
                _remove_leftovers(working_path(db_path))
            message = str(error).splitlines()[0]
            raise WarehouseError(
                f"cannot open the warehouse {db_path}: {message} "
                "(if it is not a pickup-etl DuckDB file, move it away or pass another --db)"
            ) from None

    def start_load(self, reference: Reference) -> int:
        """Open the run's transaction with the reference dimensions as the CSV files say
        now; the run's load id."""
        load_id = self.next_load_id()
        self.begin()
        upsert_reference(self.connection, reference)
        return load_id

    def load_group(self, frames: Frames, paths: list[str], load_id: int) -> None:
        """Replace the facts of a group's files, put its articles in their stories and
        commit the step."""
        retire_files(self.connection, paths)
        add_detected_entities(self.connection, frames)
        insert_frames(self.connection, frames, load_id, now_utc())
        started = time.perf_counter()
        assign_stories(self.connection, frames)
        self.story_seconds += time.perf_counter() - started
        kill_point("load")
        self.commit_step()

    def finish_run(self, outcomes: pl.DataFrame, quarantine: pl.DataFrame, run: dict) -> None:
        """Record every file's outcome, the quarantined rows and the run; commit."""
        seen_at = now_utc()
        record_files(self.connection, outcomes, run["load_id"], seen_at)
        record_quarantine(self.connection, quarantine, run["load_id"], seen_at)
        record_run(self.connection, {**run, "finished_at": seen_at})
        self.commit()
        kill_point("commit")

    # -- schema ---------------------------------------------------------------

    def create_schema(self) -> None:
        """Tables, views and comments as `sql/` declares them now. `schema_changed` says
        whether that changed the copy (a new release): such a copy is worth publishing
        even when no file changed."""
        before = schema_snapshot(self.connection, CATALOG)
        align_columns(self.connection, CATALOG, self.db_path)
        declare_tables(self.connection)
        declare_views(self.connection)
        if scalar(self.connection, "select count(*) from dim_date") == 0:
            fill_calendar(self.connection)
        self.schema_changed = schema_snapshot(self.connection, CATALOG) != before

    # -- state ----------------------------------------------------------------

    def file_states(self) -> dict[str, tuple[str | None, str | None, str]]:
        """path → (content_hash, extractor_version, status) as the last run recorded them."""
        rows = self.connection.execute(
            "select path, content_hash, extractor_version, status from etl_file"
        ).fetchall()
        return {path: (content_hash, version, status) for path, content_hash, version, status in rows}

    def file_stamps(self) -> dict[str, tuple[int, int, str, int]]:
        """path → (size, mtime_ns, content_hash, when it was recorded in ns) of the files
        the warehouse holds, for discovery to skip hashing files that have not changed."""
        rows = self.connection.execute(
            "select path, size_bytes, mtime_ns, content_hash, epoch_ns(last_seen_at) from etl_file "
            "where content_hash is not null and size_bytes is not null and mtime_ns is not null "
            "and last_seen_at is not null"
        ).fetchall()
        return {
            path: (size, mtime, content_hash, seen)
            for path, size, mtime, content_hash, seen in rows
        }

    def next_load_id(self) -> int:
        return int(scalar(self.connection, "select coalesce(max(load_id), 0) + 1 from etl_run"))

    def counts(self) -> dict[str, int]:
        """Rows per table of the working database."""
        return {
            name: int(scalar(self.connection, f"select count(*) from {name}")) for name in TABLES
        }

    # -- transaction ----------------------------------------------------------

    def begin(self) -> None:
        self.connection.execute("begin transaction")
        self._in_transaction = True

    def commit(self) -> None:
        self.connection.execute("commit")
        self._in_transaction = False

    def commit_step(self) -> None:
        """Commit what is loaded so far and go on in a new transaction.

        Readers never see these commits: they read the published file, and the
        working copy is only published (or thrown away) as a whole. Committing
        per step keeps memory flat: DuckDB holds a transaction's uncommitted rows
        in memory, so one transaction for a whole archive grows with its size."""
        self.commit()
        self.begin()

    def rollback(self) -> None:
        if self._in_transaction:
            self.connection.execute("rollback")
            self._in_transaction = False

    # -- publish --------------------------------------------------------------

    def publish(self) -> Path:
        """Checkpoint, close, and atomically rename the working file over the published one."""
        self.connection.execute("checkpoint")
        self.connection.execute("use memory")
        self.connection.execute(f"detach {CATALOG}")
        self.connection.close()
        shutil.rmtree(self._spill_dir, ignore_errors=True)
        _fsync(self.path)
        kill_point("publish")
        os.replace(self.path, self.db_path)
        with contextlib.suppress(OSError):
            _fsync(self.db_path.parent)
        return self.db_path

    def discard(self) -> None:
        """Throw the working copy away; the published file is untouched."""
        with contextlib.suppress(Exception):
            self.rollback()
        with contextlib.suppress(Exception):
            self.connection.close()
        _remove_leftovers(self.path)


def _remove_leftovers(path: Path) -> None:
    """A working file, its write-ahead log and its spill folder."""
    shutil.rmtree(path.with_name(path.name + ".tmp"), ignore_errors=True)
    for leftover in (path, path.with_name(path.name + ".wal")):
        with contextlib.suppress(OSError):
            leftover.unlink()


def now_utc() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def seconds_since(start: datetime) -> float:
    return (now_utc() - start) / timedelta(seconds=1)
