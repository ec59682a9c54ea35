"""Scale: parse workers, the Dask task runner, and the benchmark at smoke size."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from flows.warehouse.database import TABLES

from .conftest import SEEDS, table_rows

pytestmark = pytest.mark.slow

# Everything a run loads (etl_* and quarantine record the run itself).
LOADED = tuple(name for name in TABLES if name not in ("etl_run", "etl_file", "quarantine"))


def _assert_same_warehouse(db: Path, expected: Path) -> None:
    for table in LOADED:
        rows = table_rows(db, table)
        assert rows, f"{table} is empty"
        assert rows == table_rows(expected, table), f"{table} differs from the default run"


def test_a_run_with_parse_workers_equals_the_default_run(seed_run, tmp_path):
    from flows.run.flow import pickup_etl

    summary, expected = seed_run
    db = tmp_path / "workers.duckdb"
    # One file per batch, so the two worker processes share the parsing.
    result = pickup_etl(source=str(SEEDS), db=str(db), batch_size=1, workers=2)
    assert result["files_parsed"] == 3
    assert result["claims_loaded"] == summary["claims_loaded"]
    _assert_same_warehouse(db, expected)


def _needs_dask() -> None:
    pytest.importorskip("prefect_dask", reason="needs the [dask] extra: pip install -e '.[dask]'")


def test_the_dask_task_runner_on_a_local_cluster_equals_the_default_run(seed_run, tmp_path):
    _needs_dask()
    from flows.run.flow import pickup_etl
    from flows.run.task_runners import make_task_runner

    summary, expected = seed_run
    db = tmp_path / "dask.duckdb"
    runner = make_task_runner("dask", workers=2)  # a local cluster started for the run
    result = pickup_etl.with_options(task_runner=runner)(
        source=str(SEEDS), db=str(db), batch_size=1
    )
    assert result["claims_loaded"] == summary["claims_loaded"]
    _assert_same_warehouse(db, expected)


def test_the_dask_task_runner_sends_read_and_parse_batches_to_an_existing_cluster(
    seed_run, tmp_path
):
    _needs_dask()
    from distributed import Client, LocalCluster, get_task_stream

    from flows.run.flow import pickup_etl
    from flows.run.task_runners import make_task_runner

    _summary, expected = seed_run
    db = tmp_path / "cluster.duckdb"
    with (
        LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=None) as cluster,
        Client(cluster) as client,
        get_task_stream(client) as stream,
    ):
        runner = make_task_runner("dask", dask_address=cluster.scheduler_address)
        pickup_etl.with_options(task_runner=runner)(source=str(SEEDS), db=str(db), batch_size=1)
    ran = [task["key"] for task in stream.data]  # collected when the stream closed
    # three read and three parse tasks ran on the cluster's workers
    assert sum("read_batch" in str(key) for key in ran) == 3
    assert sum("parse_batch" in str(key) for key in ran) == 3
    _assert_same_warehouse(db, expected)


def test_the_task_runner_options_reject_mistakes():
    from flows.run.task_runners import TaskRunnerError, choose_kind, make_task_runner

    assert choose_kind("auto", files=3, batch_size=250, workers=None) == "thread"
    assert choose_kind("auto", files=1000, batch_size=250, workers=2) == "process"
    assert choose_kind("auto", files=1000, batch_size=250, workers=1) == "thread"
    assert choose_kind("process", files=3, batch_size=250, workers=0) == "thread"
    with pytest.raises(TaskRunnerError, match="needs --task-runner dask"):
        make_task_runner("thread", dask_address="tcp://127.0.0.1:8786")
    with pytest.raises(TaskRunnerError, match="unknown task runner"):
        choose_kind("gpu", files=1, batch_size=1, workers=None)


def test_the_generated_corpus_is_deterministic_and_varied(tmp_path):
    from benchmarks.corpus import article, write_corpus

    first = write_corpus(tmp_path / "a", 120, seed=3)
    second = write_corpus(tmp_path / "b", 120, seed=3)
    assert first == second
    for path in (tmp_path / "a").rglob("*"):
        if path.is_file():
            twin = tmp_path / "b" / path.relative_to(tmp_path / "a")
            assert twin.read_bytes() == path.read_bytes()
    suffixes = {path.suffix for path in (tmp_path / "a").rglob("*.*")}
    assert {".txt", ".html", ".md"} <= suffixes
    items = [article(3, index) for index in range(200)]
    assert len({item.market.bare for item in items}) >= 8
    assert len({item.brand for item in items}) >= 20
    assert article(3, 5) == article(3, 5)
    assert article(3, 5) != article(4, 5)


def test_the_benchmark_at_smoke_size_loads_every_article_and_reruns_without_parsing(
    prefect_harness, tmp_path
):
    pytest.importorskip("spacy", reason="needs the [bench] extra: pip install -e '.[bench]'")
    from benchmarks.run import benchmark, render

    report = benchmark(80, seed=11, work=tmp_path, compare=40, start_server=False)
    written = json.loads((tmp_path / "corpus-80-seed11.json").read_text())
    full, rerun, extraction = report["full_load"], report["rerun"], report["extraction"]
    assert written["articles"] == 80
    assert full["articles_loaded"] == 80
    assert full["files_parsed"] == written["files"]
    assert full["table_rows"]["dim_article"] == 80
    assert full["table_rows"]["fact_claim"] > 80  # every generated article states figures
    assert full["peak_rss_mb"] > 0
    assert {"clean", "extract", "validate", "load"} <= set(full["stage_seconds"])
    assert (rerun["files_parsed"], rerun["files_unchanged"]) == (0, written["files"])
    assert extraction["articles"] == 40
    assert extraction["peer_entities"] > 0 and extraction["ours_claims"] > 0
    assert "articles/s" in render(report)
