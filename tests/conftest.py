"""Shared fixtures: paths, the Prefect test harness, and a warehouse loaded from the seeds."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import duckdb
import pytest

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds" / "articles"
GOLD = REPO / "tests" / "fixtures" / "gold"
CORPUS = REPO / "tests" / "fixtures" / "corpus"
# Columns that say when or by which run a row was written: they differ between runs by design.
RUN_COLUMNS = {"load_id", "loaded_at", "first_load_id", "last_load_id", "last_seen_at"}


@pytest.fixture(scope="session")
def prefect_harness():
    """One temporary Prefect server for the whole session (it takes ~15 s to start)."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


@pytest.fixture(scope="session")
def reference():
    from flows.reference import load_reference

    return load_reference()


@pytest.fixture
def seed_copy(tmp_path: Path) -> Path:
    """A private copy of the seed articles that a test may change."""
    target = tmp_path / "articles"
    shutil.copytree(SEEDS, target)
    return target


@pytest.fixture(scope="session")
def seed_run(prefect_harness, tmp_path_factory):
    """The flow run once on the seeds into a fresh warehouse: (summary, db path)."""
    from flows.run.flow import pickup_etl

    db = tmp_path_factory.mktemp("seed_warehouse") / "pickup.duckdb"
    summary = pickup_etl(source=str(SEEDS), db=str(db))
    return summary, db


def table_rows(db: Path, table: str, where: str = "true") -> list[tuple]:
    """A table's rows, sorted, without the columns that record when they were written."""
    with duckdb.connect(str(db), read_only=True) as connection:
        columns = [
            row[0]
            for row in connection.execute(
                "select column_name from duckdb_columns() where table_name = ? order by column_index",
                [table],
            ).fetchall()
            if row[0] not in RUN_COLUMNS
        ]
        listed = ", ".join(columns)
        return sorted(
            connection.execute(f"select {listed} from {table} where {where}").fetchall(), key=repr
        )
