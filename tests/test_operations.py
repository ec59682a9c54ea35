"""Operating the flow: a served schedule on a real Prefect server, artifacts,
one writer at a time, and retries of IO tasks."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import httpx
import pytest

from flows.run.report import QUARANTINE_KEY, REPORT_KEY, SUMMARY_KEY

from .conftest import REPO, SEEDS

pytestmark = pytest.mark.slow

BIN = Path(sys.executable).parent


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _claims(db: Path) -> set[tuple]:
    with duckdb.connect(str(db), read_only=True) as connection:
        return set(
            connection.execute(
                "select article, metric, value, unit, sentence from v_claims"
            ).fetchall()
        )


def _stop(process: subprocess.Popen, sig: int = signal.SIGTERM) -> None:
    if process.poll() is None:
        os.killpg(process.pid, sig)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


class PrefectServer:
    """`prefect server start` on a free port with its own home, database and logs."""

    def __init__(self, home: Path) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}/api"
        home.mkdir(parents=True, exist_ok=True)
        self.env = {
            **os.environ,
            "PREFECT_HOME": str(home),
            "PREFECT_API_URL": self.url,
            "PREFECT_API_DATABASE_CONNECTION_URL": f"sqlite+aiosqlite:///{home / 'prefect.db'}",
            "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
            "PREFECT_UI_ENABLED": "false",
            # Schedule and pick up runs within seconds, not the production minute.
            "PREFECT_SERVER_SERVICES_SCHEDULER_LOOP_SECONDS": "2",
            "PREFECT_RUNNER_POLL_FREQUENCY": "2",
        }
        self.log = open(home / "server.log", "w")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [
                str(BIN / "prefect"),
                "server",
                "start",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
            ],
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def wait_healthy(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"prefect server exited: {Path(self.log.name).read_text()[-2000:]}"
                )
            try:
                if httpx.get(f"{self.url}/health", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        raise TimeoutError("prefect server did not become healthy")

    def client(self):
        from prefect.client.orchestration import SyncPrefectClient

        return SyncPrefectClient(api=self.url)

    def stop(self) -> None:
        _stop(self.process)
        self.log.close()


@pytest.fixture(scope="module")
def prefect_server(tmp_path_factory):
    """One real `prefect server start` for the deployment tests of this module."""
    server = PrefectServer(tmp_path_factory.mktemp("prefect"))
    try:
        server.wait_healthy()
        yield server
    finally:
        server.stop()


def test_a_served_deployment_runs_on_schedule_and_publishes_artifacts(prefect_server, tmp_path):
    from prefect.client.schemas.filters import (
        ArtifactFilter,
        ArtifactFilterFlowRunId,
        DeploymentFilter,
        DeploymentFilterName,
        FlowRunFilter,
        FlowRunFilterState,
        FlowRunFilterStateType,
    )
    from prefect.client.schemas.objects import StateType
    from prefect.client.schemas.sorting import ArtifactSort, FlowRunSort

    source = tmp_path / "articles"
    shutil.copytree(SEEDS, source)
    db = tmp_path / "warehouse" / "pickup.duckdb"
    server = prefect_server
    served = None
    try:
        served_log = open(tmp_path / "serve.log", "w")  # noqa: SIM115
        served = subprocess.Popen(
            [
                str(BIN / "pickup-etl"),
                "serve",
                "--interval",
                "10",
                "--source",
                str(source),
                "--db",
                str(db),
                "--name",
                "test-schedule",
            ],
            env=server.env,
            cwd=tmp_path,  # runs must not depend on the directory they are served from
            stdout=served_log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        completed = None
        deadline = time.monotonic() + 90
        with server.client() as client:
            while time.monotonic() < deadline and completed is None:
                time.sleep(1)
                assert served.poll() is None, (tmp_path / "serve.log").read_text()[-3000:]
                runs = client.read_flow_runs(
                    deployment_filter=DeploymentFilter(
                        name=DeploymentFilterName(any_=["test-schedule"])
                    ),
                    flow_run_filter=FlowRunFilter(
                        state=FlowRunFilterState(
                            type=FlowRunFilterStateType(
                                any_=[StateType.COMPLETED, StateType.FAILED, StateType.CRASHED]
                            )
                        )
                    ),
                    sort=FlowRunSort.START_TIME_ASC,
                    limit=10,
                )
                completed = runs[0] if runs else None
            assert completed is not None, (tmp_path / "serve.log").read_text()[-3000:]
            assert completed.state_type == StateType.COMPLETED, completed.state
            assert completed.name == f"load {source.name} → {db.name}"
            assert completed.parameters["db"] == str(db)
            deployment = client.read_deployment_by_name("pickup-etl/test-schedule")
            artifacts = client.read_artifacts(
                artifact_filter=ArtifactFilter(
                    flow_run_id=ArtifactFilterFlowRunId(any_=[completed.id])
                ),
                sort=ArtifactSort.KEY_ASC,
                limit=10,
            )
        assert (
            deployment.schedules and deployment.schedules[0].schedule.interval.total_seconds() == 10
        )
        assert deployment.global_concurrency_limit.limit == 1
        by_key = {artifact.key: artifact for artifact in artifacts}
        assert set(by_key) == {SUMMARY_KEY, QUARANTINE_KEY, REPORT_KEY}
        assert "/reports/run-0001.html" in by_key[REPORT_KEY].data
        assert by_key[SUMMARY_KEY].type == "markdown"
        assert "| new | changed | unchanged |" in by_key[SUMMARY_KEY].data
        assert by_key[QUARANTINE_KEY].type == "table"
        claims = _claims(db)
        assert len(claims) > 20
        assert any(value == 537000 and unit == "units" for _a, _m, value, unit, _s in claims)
    finally:
        if served is not None:
            _stop(served, signal.SIGINT)


def test_prefect_yaml_declares_deployments_that_deploy(prefect_server):
    server = prefect_server
    env = {**server.env, "PWD": str(REPO)}
    subprocess.run(
        [str(BIN / "prefect"), "work-pool", "create", "pickup-etl", "--type", "process"],
        env=env,
        cwd=REPO,
        check=True,
        capture_output=True,
        timeout=60,
    )
    deployed = subprocess.run(
        [str(BIN / "prefect"), "--no-prompt", "deploy", "--all"],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert deployed.returncode == 0, deployed.stdout[-3000:] + deployed.stderr[-3000:]
    with server.client() as client:
        daily = client.read_deployment_by_name("pickup-etl/daily")
        weekly = client.read_deployment_by_name("pickup-etl/weekly-full-refresh")
    assert daily.parameters["full_refresh"] is False and weekly.parameters["full_refresh"] is True
    assert daily.schedules[0].schedule.cron == "0 6 * * *"
    assert daily.global_concurrency_limit.limit == 1
    assert daily.work_pool_name == "pickup-etl"
    assert daily.pull_steps[0]["prefect.deployments.steps.set_working_directory"][
        "directory"
    ] == str(REPO)
    # Every parameter the file sets is one the flow takes.
    from flows.run.flow import pickup_etl

    accepted = set(pickup_etl.parameters.properties)
    assert set(daily.parameters) <= accepted and set(weekly.parameters) <= accepted


def test_two_runs_at_once_one_loads_and_the_other_exits_busy(seed_run, tmp_path):
    db = tmp_path / "pickup.duckdb"
    env = {key: value for key, value in os.environ.items() if not key.startswith("PREFECT_API")}
    command = [
        str(BIN / "pickup-etl"),
        "run",
        "--source",
        str(SEEDS),
        "--db",
        str(db),
        "--wait",
        "1",
        "--quiet",
    ]
    runs = [
        subprocess.Popen(
            command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for _ in range(2)
    ]
    results = [(run.wait(timeout=300), *run.communicate()) for run in runs]
    codes = sorted(code for code, _out, _err in results)
    assert codes == [0, 4], results
    busy = next(err for code, _out, err in results if code == 4)
    assert f"another run is writing {db}" in busy
    assert "Traceback" not in busy
    _summary, single = seed_run
    assert _claims(db) == _claims(single)
    with duckdb.connect(str(db), read_only=True) as connection:
        assert connection.execute("select count(*) from etl_run").fetchall() == [(1,)]


def test_a_held_prefect_concurrency_slot_keeps_a_second_writer_out(prefect_harness, tmp_path):
    from prefect.concurrency.sync import concurrency

    from flows.run.flow import pickup_etl
    from flows.run.locking import concurrency_limit_name, shares_prefect_server

    assert shares_prefect_server()  # the test harness is a shared server
    db = tmp_path / "pickup.duckdb"
    pickup_etl(source=str(SEEDS), db=str(db))
    before = db.read_bytes()
    with concurrency(concurrency_limit_name(db), occupy=1, strict=True):
        state = pickup_etl(source=str(SEEDS), db=str(db), lock_wait=1, return_state=True)
    assert state.is_failed()
    assert f"another run is writing {db}" in state.message
    assert "Prefect concurrency limit" in state.message
    assert db.read_bytes() == before
    after = pickup_etl(source=str(SEEDS), db=str(db))  # the slot is free again
    assert after["files_unchanged"] == 3


def test_a_file_that_appears_late_is_read_on_retry(prefect_harness, tmp_path, monkeypatch):
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId
    from prefect.client.schemas.sorting import TaskRunSort

    import flows.sources as sources_module
    from flows.run.flow import pickup_etl

    source = tmp_path / "articles"
    shutil.copytree(SEEDS, source)
    late = sorted(source.iterdir())[1]
    parked = tmp_path / "parked"
    real_read = sources_module.read_batch
    attempts = []

    def read_while_the_file_is_away_the_first_time(root, paths, max_bytes, manifests):
        # The file was listed, but is not there when the batch is first read (as
        # while a sync tool replaces it); it is back for the next try.
        attempts.append(paths)
        if len(attempts) > 1:
            return real_read(root, paths, max_bytes, manifests)
        late.rename(parked)
        try:
            return real_read(root, paths, max_bytes, manifests)
        finally:
            parked.rename(late)

    monkeypatch.setattr(sources_module, "read_batch", read_while_the_file_is_away_the_first_time)
    db = tmp_path / "pickup.duckdb"
    summary = pickup_etl(source=str(source), db=str(db))
    assert summary["status"] == "success"
    assert summary["files_quarantined"] == 0 and summary["articles_loaded"] == 3
    with duckdb.connect(str(db), read_only=True) as connection:
        status = connection.execute(
            "select status from etl_file where path = ?", [late.name]
        ).fetchall()
    assert status == [("loaded",)]
    with get_client(sync_client=True) as client:
        task_runs = client.read_task_runs(
            flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[summary["flow_run_id"]])),
            sort=TaskRunSort.EXPECTED_START_TIME_ASC,
            limit=100,
        )
    reads = [run for run in task_runs if run.name.startswith("read_batch")]
    parses = [run for run in task_runs if run.name.startswith("parse_batch")]
    assert len(attempts) == 2
    assert [run.run_count for run in reads] == [2]  # failed once, then read
    assert [run.run_count for run in parses] == [1]  # pure stages do not retry


def test_a_run_reports_progress_per_batch(prefect_harness, tmp_path):
    from flows.run.flow import pickup_etl
    from flows.run.launch import ProgressBar
    from flows.run.progress import listening

    events: list[tuple[str, dict]] = []
    bar = ProgressBar()
    with (
        bar,
        listening(lambda event, data: (events.append((event, data)), bar.update(event, data))),
    ):
        summary = pickup_etl(source=str(SEEDS), db=str(tmp_path / "pickup.duckdb"), batch_size=1)
    names = [event for event, _data in events]
    # three parse batches, validated and loaded as one group
    assert names == ["plan", "parsed", "parsed", "parsed", "batch", "publish"]
    assert events[0][1] == {"files": 3, "to_parse": 3}
    assert (
        sum(data["claims"] for event, data in events if event == "batch")
        == summary["claims_loaded"]
    )
    shown = bar.progress.tasks[0]
    assert (shown.completed, shown.total) == (3, 3)
    assert shown.fields["claims"] == summary["claims_loaded"]
