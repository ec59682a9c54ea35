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
def seed_run(tmp_path_factory):
    """A local run once on the seeds into a fresh warehouse: (summary, db path)."""
    db = tmp_path_factory.mktemp("seed_warehouse") / "pickup.duckdb"
    return run_in_process(SEEDS, db), db


# Modules whose tests use the Prefect test server: one worker runs them all, so the server
# starts once per session rather than once per worker.
PREFECT_MODULES = {
    "test_bad_inputs",
    "test_flow",
    "test_operations",
    "test_scale",
    "test_validation_runs",
}


def pytest_xdist_make_scheduler(config, log):
    """Under xdist, a module runs on one worker (its module fixtures run once), and the
    modules that use the Prefect test server run on the same one."""
    from xdist.scheduler import LoadScopeScheduling

    class ByModule(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            module = nodeid.split("::", 1)[0]
            return "prefect" if Path(module).stem in PREFECT_MODULES else module

    if config.getvalue("dist") == "loadscope":
        return ByModule(config, log)
    return None


def run_in_process(source: Path, db: Path, full_refresh: bool = False) -> dict:
    """A local run in this process, as `pickup-etl run` without Prefect: its summary.
    The Prefect flow runs the same pipeline (tests/test_flow.py)."""
    from flows.run.pipeline import RunParameters, run_pipeline
    from flows.run.runtime import LocalRuntime

    params = RunParameters(source=str(source), db=db.resolve(), full_refresh=full_refresh)
    runtime = LocalRuntime()
    try:
        return run_pipeline(params, runtime).as_dict()
    finally:
        runtime.close()


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
