"""Faults and hostile use around the warehouse: a reader cannot write, one lock per
real file, a failure after publishing says so, a killed run leaves no processes,
and a warehouse folder that cannot be written gives a reason, not a traceback."""

from __future__ import annotations

import os
import resource
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from flows.cli import main
from flows.exit_codes import ExitCode

from .conftest import SEEDS

BIN = Path(sys.executable).parent


@pytest.fixture
def warehouse(seed_run, tmp_path) -> Path:
    """A private copy of the seed warehouse."""
    db = tmp_path / "pickup.duckdb"
    shutil.copy(seed_run[1], db)
    return db


def _statements(db: Path, other: Path, target: Path) -> dict[str, str]:
    return {
        "copy over the warehouse": f"copy (select 'x' as x) to '{db}' (format csv)",
        "copy to another path": f"copy (select * from fact_claim) to '{target}' (format csv)",
        "attach another file for writing": (
            f"attach '{other}' as m (read_only false); use m; create table t as select 1"
        ),
        "re-attach the warehouse for writing": (
            f"attach '{db}' as w (read_only false); delete from w.fact_claim"
        ),
        "detach and re-attach": (
            f"attach ':memory:' as m; use m; detach pickup; attach '{db}' as w; "
            "delete from w.fact_claim"
        ),
        "read a file": "select * from read_text('/etc/passwd')",
        "read a CSV": "select * from read_csv('/etc/passwd')",
        "export the database": f"export database '{target.parent / 'exported'}'",
        "install an extension": "install httpfs",
        "load an extension": "load httpfs",
        "switch the sandbox off": "set enable_external_access = true",
        "unlock the configuration": "set lock_configuration = false",
        "write to the warehouse": "delete from fact_claim",
        "create a table": "create table stolen as select 1",
    }


STATEMENT_NAMES = list(_statements(Path("a"), Path("b"), Path("c")))


@pytest.mark.parametrize("name", STATEMENT_NAMES)
def test_query_refuses_every_statement_that_reaches_outside_or_writes(warehouse, tmp_path, name):
    other = tmp_path / "other.duckdb"
    duckdb.connect(str(other)).close()
    target = tmp_path / "out" / "leak.csv"
    target.parent.mkdir()
    before, other_before = warehouse.read_bytes(), other.read_bytes()
    sql = _statements(warehouse, other, target)[name]
    result = CliRunner().invoke(main, ["query", "--db", str(warehouse), sql])
    assert result.exit_code == ExitCode.USAGE, result.output
    assert "query failed" in result.output
    assert warehouse.read_bytes() == before and other.read_bytes() == other_before
    assert not target.exists() and not (tmp_path / "out" / "exported").exists()


def test_query_reads_views_and_tables(warehouse):
    result = CliRunner().invoke(
        main,
        ["query", "--db", str(warehouse), "--format", "csv", "select count(*) n from v_claims"],
    )
    assert result.exit_code == 0, result.output
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        claims = connection.execute("select count(*) from fact_claim").fetchone()[0]
    assert result.output.splitlines() == ["n", str(claims)]


def test_export_writes_parquet_without_opening_the_sandbox(warehouse, tmp_path):
    before = warehouse.read_bytes()
    result = CliRunner().invoke(
        main, ["export", "--parquet", str(tmp_path / "parquet"), "--db", str(warehouse)]
    )
    assert result.exit_code == 0, result.output
    assert (tmp_path / "parquet" / "fact_claim.parquet").is_file()
    assert warehouse.read_bytes() == before


def test_a_new_process_sees_the_latest_publish_while_an_old_reader_stays_open(tmp_path):
    from flows.warehouse.readers import connect_reader

    db = tmp_path / "pickup.duckdb"
    with duckdb.connect(str(db)) as connection:
        connection.execute("create table fact_claim as select 1 as value")
    held = connect_reader(db)  # a reader holding the old snapshot open
    newer = tmp_path / "newer.duckdb"
    with duckdb.connect(str(newer)) as connection:
        connection.execute("create table fact_claim as select 2 as value")
    os.replace(newer, db)  # what a publish does
    result = _cli("query", "--db", str(db), "--format", "csv", "select value from fact_claim")
    assert result.stdout.splitlines() == ["value", "2"], result.stderr
    assert held.execute("select value from fact_claim").fetchall() == [(1,)]
    held.close()


def _cli(*args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(BIN / "pickup-etl"), *args], capture_output=True, text=True, timeout=300, **kwargs
    )


def test_a_link_to_the_warehouse_shares_its_lock_and_stays_a_link(tmp_path):
    real = tmp_path / "real" / "pickup.duckdb"
    alias = tmp_path / "alias.duckdb"
    real.parent.mkdir()
    first = _cli("run", "--db", str(real), "--quiet")
    assert first.returncode == 0, first.stderr
    alias.symlink_to(real)
    source = tmp_path / "articles"
    shutil.copytree(SEEDS, source)
    (source / "more.txt").write_text("Ford sold 12,500 Ranger utes in Australia in 2025.\n")
    runs = [
        subprocess.Popen(
            [
                str(BIN / "pickup-etl"),
                "run",
                "--source",
                str(source),
                "--db",
                str(db),
                "--wait",
                "0",
                "--quiet",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for db in (real, alias)
    ]
    codes = sorted(run.wait(timeout=300) for run in runs)
    errors = " ".join(run.stderr.read() for run in runs)
    assert codes == [ExitCode.OK, ExitCode.BUSY], errors
    assert "another run is writing" in errors
    assert alias.is_symlink() and alias.resolve() == real.resolve()


def test_a_failure_after_publishing_is_reported_as_exactly_that(tmp_path):
    db = tmp_path / "pickup.duckdb"
    (tmp_path / "reports").write_text("a file where the report folder should be")
    result = _cli("run", "--db", str(db), "--quiet")
    assert result.returncode == ExitCode.FAILED_AFTER_PUBLISH, result.stderr
    assert f"published {db}, then failed" in result.stderr
    assert "nothing published" not in result.stderr
    with duckdb.connect(str(db), read_only=True) as connection:
        assert connection.execute("select count(*) from fact_claim").fetchone()[0] > 0
    last = (tmp_path / "runs.jsonl").read_text().splitlines()[-1]
    assert '"status": "success"' in last and "after_publish_error" in last
    assert "reports" in last


def _descendants(pid: int) -> set[int]:
    """Every living process below `pid`, from /proc."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            parents[int(entry.name)] = int(fields[1])
    found, frontier = set(), {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def _alive(pid: int) -> bool:
    try:
        state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.slow
def test_a_killed_run_leaves_no_server_or_workers_behind(tmp_path):
    source = tmp_path / "articles"
    source.mkdir()
    text = (SEEDS / sorted(p.name for p in SEEDS.iterdir())[2]).read_text()
    for number in range(600):
        (source / f"copy-{number:04d}.txt").write_text(text.replace("537,000", f"{number},537"))
    env = {key: value for key, value in os.environ.items() if key != "PREFECT_API_URL"}
    run = subprocess.Popen(
        [
            str(BIN / "pickup-etl"),
            "run",
            "--source",
            str(source),
            "--db",
            str(tmp_path / "w.duckdb"),
            "--prefect",
            "--task-runner",
            "process",
            "--workers",
            "2",
            "--batch-size",
            "50",
            "--quiet",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 180
    children: set[int] = set()
    while time.monotonic() < deadline and run.poll() is None:
        children = _descendants(run.pid)
        if len(children) >= 3:  # the temporary server and both parse workers are up
            break
        time.sleep(0.5)
    assert len(children) >= 3, "the run did not start its server and workers"
    run.send_signal(signal.SIGKILL)  # the main process alone, as the OOM killer does
    run.wait()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and any(_alive(pid) for pid in children):
        time.sleep(0.5)
    survivors = [pid for pid in children if _alive(pid)]
    for pid in survivors:
        os.kill(pid, signal.SIGKILL)
    assert survivors == []


def test_a_warehouse_folder_that_cannot_be_written_gives_a_reason(tmp_path):
    folder = tmp_path / "locked"
    folder.mkdir()
    target = folder / "pickup.duckdb"
    # A file where the folder should be: the same error for root, who ignores permissions.
    blocked = tmp_path / "blocked"
    blocked.write_text("not a folder")
    result = _cli("run", "--db", str(blocked / "pickup.duckdb"), "--quiet")
    assert result.returncode == ExitCode.USAGE, result.stderr
    assert "Traceback" not in result.stderr
    assert "pass --db in a folder you can write" in result.stderr
    assert not target.exists()


def _limit_file_size() -> None:
    """In the child: files cannot grow past 2 MB, as on a full disk."""
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (2_000_000, 2_000_000))


def test_a_full_disk_leaves_no_partial_working_file(seed_run, tmp_path):
    db = tmp_path / "pickup.duckdb"
    shutil.copy(seed_run[1], db)
    before = db.read_bytes()
    assert len(before) > 2_000_000  # the working copy cannot be written whole
    source = tmp_path / "articles"
    shutil.copytree(SEEDS, source)
    (source / "new.txt").write_text("Ford sold 12,500 Ranger utes in Australia in 2025.\n")
    result = subprocess.run(
        [str(BIN / "pickup-etl"), "run", "--source", str(source), "--db", str(db), "--quiet"],
        capture_output=True,
        text=True,
        timeout=300,
        preexec_fn=_limit_file_size,
    )
    assert result.returncode in (ExitCode.FAILED, ExitCode.USAGE), result.stderr
    assert "Traceback" not in result.stderr
    assert db.read_bytes() == before
    leftovers = [p.name for p in tmp_path.iterdir() if p.name.startswith(".pickup.duckdb.building")]
    assert leftovers == []
