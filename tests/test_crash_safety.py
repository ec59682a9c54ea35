"""A run killed with SIGKILL at any point leaves the published warehouse as it
was, and the next run ends where an uninterrupted run would have."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from flows.faults import ENV, POINTS
from flows.warehouse.database import TABLES

from .conftest import SEEDS, run_in_process

pytestmark = pytest.mark.slow

BIN = Path(sys.executable).parent
# When and by which run a row was written, and the files' own modification times.
RUN_COLUMNS = {"load_id", "loaded_at", "first_load_id", "last_load_id", "last_seen_at", "mtime_ns"}
# What runs record about themselves differs between runs by design.
COMPARED = [t for t in TABLES if t not in ("etl_run", "quarantine")]


def _snapshot(db: Path) -> dict[str, list[tuple]]:
    """Every table's rows, sorted, without the columns that say when they were written."""
    with duckdb.connect(str(db), read_only=True) as connection:
        tables = {}
        for table in COMPARED:
            columns = [
                row[0]
                for row in connection.execute(
                    "select column_name from duckdb_columns() where table_name = ? "
                    "order by column_index",
                    [table],
                ).fetchall()
                if row[0] not in RUN_COLUMNS
            ]
            rows = connection.execute(f"select {', '.join(columns)} from {table}").fetchall()
            tables[table] = sorted(rows, key=repr)
        tables["etl_run"] = connection.execute(
            "select sum(files_new), sum(claims_loaded) from etl_run"
        ).fetchall()
        return tables


def test_a_run_killed_at_any_point_leaves_the_warehouse_as_it_was(tmp_path):
    # The state before: a warehouse loaded from two seed articles. Then a third arrives.
    source = tmp_path / "articles"
    source.mkdir()
    names = sorted(path.name for path in SEEDS.iterdir())
    for article in names[:2]:
        shutil.copy(SEEDS / article, source / article)
    initial = tmp_path / "initial" / "pickup.duckdb"
    run_in_process(source, initial)
    shutil.copy(SEEDS / names[2], source / names[2])

    reference_db = tmp_path / "uninterrupted" / "pickup.duckdb"
    reference_db.parent.mkdir()
    shutil.copy(initial, reference_db)
    run_in_process(source, reference_db)
    expected = _snapshot(reference_db)

    cases = {}
    for point in POINTS:
        db = tmp_path / point / "pickup.duckdb"
        db.parent.mkdir()
        shutil.copy(initial, db)
        cases[point] = (source, db, db.read_bytes())

    # The killed runs are local runs (the pipeline is the same one the flow runs; a killed
    # Prefect run is tested in test_faults): no server to start or lease to end per kill.
    env = {key: value for key, value in os.environ.items() if not key.startswith("PREFECT_API")}
    killed = {
        point: subprocess.Popen(
            [str(BIN / "pickup-etl"), "run", "--source", str(source), "--db", str(db), "--quiet"],
            env={**env, ENV: point},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        for point, (source, db, _before) in cases.items()
    }
    for point, process in killed.items():
        try:
            process.wait(timeout=300)
        finally:
            # The run's temporary Prefect server is its child: do not leave it behind.
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
        output = process.stdout.read().decode(errors="replace")
        assert process.returncode == -signal.SIGKILL, (
            point,
            output[-400:],
            [line for line in output.splitlines() if "pickup-etl:" in line or "Error" in line][:5],
        )

    for point, (point_source, db, before) in cases.items():
        if point == "docs":
            # Killed after the rename: the new warehouse is published and complete.
            assert _snapshot(db) == expected, point
        else:
            assert db.read_bytes() == before, point  # untouched, byte for byte
            with duckdb.connect(str(db), read_only=True) as connection:
                assert connection.execute("select count(*) from etl_run").fetchall() == [(1,)]
        summary = run_in_process(point_source, db)
        # Killed after the publish, the follow-up run finds nothing changed and says so.
        assert summary["status"] == ("unchanged" if point == "docs" else "success"), point
        assert _snapshot(db) == expected, point
        with duckdb.connect(str(db), read_only=True) as connection:
            runs = connection.execute("select count(*) from etl_run").fetchall()[0][0]
        assert runs == 2, point
        assert not db.with_name(f".{db.name}.building").exists()
        if point != "docs":
            assert (db.parent / "run-report.html").exists(), point


def test_groups_are_committed_to_the_log_and_checkpointed_once_when_published(tmp_path, reference):
    """A checkpoint of a large working copy costs seconds however little is new: a group's
    commit stays in the write-ahead log, and publishing checkpoints everything into the
    file it renames (no log is left behind to lose)."""
    from flows.resources import extractor_version
    from flows.sources import discover_files, parse_batch
    from flows.warehouse.database import WorkingDatabase, working_path

    root, files = discover_files(SEEDS)
    frames = parse_batch(root, files["path"].to_list(), reference, extractor_version())
    db = tmp_path / "pickup.duckdb"
    working = WorkingDatabase.open(db)
    load_id = working.start_load(reference)
    log = working_path(db).with_name(working_path(db).name + ".wal")
    file_size = working_path(db).stat().st_size
    working.load_group(frames, files["path"].to_list(), load_id)
    assert log.stat().st_size > 100_000  # the group is in the log ...
    assert working_path(db).stat().st_size == file_size  # ... not yet in the file
    working.commit()
    working.publish()
    assert not log.exists() and not working_path(db).exists()
    with duckdb.connect(str(db), read_only=True) as connection:
        claims = connection.execute("select count(*) from fact_claim").fetchall()[0][0]
    assert claims == frames.claims.height > 0


def test_a_failing_load_statement_is_reported_as_itself(tmp_path, reference):
    """DuckDB aborts the transaction on a failed statement and then refuses every other,
    even taking the group's frames off the connection: the report names the statement's
    own error, not "Current transaction is aborted"."""
    import polars as pl

    from flows.resources import extractor_version
    from flows.sources import discover_files, parse_batch
    from flows.warehouse.database import WorkingDatabase, now_utc
    from flows.warehouse.load import insert_frames

    root, files = discover_files(SEEDS)
    frames = parse_batch(root, files["path"].to_list(), reference, extractor_version())
    frames.articles = frames.articles.with_columns(pl.lit(None, pl.String).alias("content_hash"))
    working = WorkingDatabase.open(tmp_path / "pickup.duckdb")
    try:
        load_id = working.start_load(reference)
        with pytest.raises(duckdb.ConstraintException, match="content_hash"):
            insert_frames(working.connection, frames, load_id, now_utc())
    finally:
        working.discard()
