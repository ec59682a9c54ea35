"""The command line as a user meets it: exit codes, one-line errors, output formats."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from click.testing import CliRunner

from flows.cli import main

from .conftest import SEEDS


def test_run_with_missing_source_exits_non_zero_with_one_line():
    result = subprocess.run(
        [sys.executable, "-m", "flows", "run", "--source", "/no/such/dir"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert lines == [
        "pickup-etl: source /no/such/dir does not exist: pass --source with a folder, file or glob of articles"
    ]
    assert "Traceback" not in result.stderr


def test_run_with_a_dask_address_but_no_dask_runner_is_a_usage_error(tmp_path):
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "flows",
            "run",
            "--task-runner",
            "process",
            "--dask-address",
            "tcp://127.0.0.1:8786",
            "--db",
            str(tmp_path / "pickup.duckdb"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2
    assert result.stderr.strip() == "pickup-etl: --dask-address needs --task-runner dask"
    assert not (tmp_path / "pickup.duckdb").exists()


def test_extract_prints_claims_with_gold_field_names():
    result = CliRunner().invoke(
        main, ["extract", str(SEEDS / "002_bae4b555c2f5d7a3.txt"), "--format", "jsonl"]
    )
    assert result.exit_code == 0, result.output
    claims = [json.loads(line) for line in result.output.splitlines()]
    fields = {
        "article",
        "sentence",
        "metric",
        "value",
        "unit",
        "qualifier",
        "manufacturer",
        "model",
        "region",
        "powertrain",
        "period_start",
        "period_end",
        "change_pct",
        "baseline_value",
        "source_org",
    }
    assert claims and all(set(claim) == fields for claim in claims)
    assert {"metric": "exports", "value": 3500.0, "manufacturer": "BYD"}.items() <= next(
        c for c in claims if c["value"] == 3500.0
    ).items()


def test_extract_entities_prints_mentions_with_offsets():
    path = SEEDS / "001_d27553af4ab55881.txt"
    result = CliRunner().invoke(main, ["extract", str(path), "--entities"])
    mentions = [json.loads(line) for line in result.output.splitlines()]
    assert {"article", "type", "name", "start", "end"} == set(mentions[0])
    assert {"type": "organization", "name": "China Automobile Dealers Association"}.items() <= next(
        m for m in mentions if m["name"] == "China Automobile Dealers Association"
    ).items()


def test_extract_of_a_missing_file_is_a_user_error():
    result = CliRunner().invoke(main, ["extract", "/no/such/file.txt"])
    assert result.exit_code == 2
    assert "is not a file" in result.output


@pytest.mark.slow
def test_query_prints_a_table_and_refuses_writes(seed_run):
    _summary, db = seed_run
    runner = CliRunner()
    result = runner.invoke(
        main,
        [
            "query",
            "select metric, count(*) as n from v_claims group by metric order by metric",
            "--db",
            str(db),
        ],
    )
    assert result.exit_code == 0
    assert result.output.splitlines()[0].split("|")[0].strip() == "metric"
    assert "market_share_target" in result.output
    write = runner.invoke(main, ["query", "delete from fact_claim", "--db", str(db)])
    assert write.exit_code == 2
    assert "read-only" in write.output.lower()


@pytest.mark.slow
def test_query_reads_sql_from_a_file_or_standard_input(seed_run, tmp_path):
    _summary, db = seed_run
    script = tmp_path / "count.sql"
    script.write_text(
        "-- a comment first, as example files have\nselect count(*) as n from v_claims\n"
    )
    runner = CliRunner()
    from_file = runner.invoke(
        main, ["query", "--file", str(script), "--db", str(db), "--format", "csv"]
    )
    from_stdin = runner.invoke(
        main, ["query", "-", "--db", str(db), "--format", "csv"], input=script.read_text()
    )
    assert from_file.exit_code == 0 and from_stdin.exit_code == 0
    assert from_file.output == from_stdin.output
    assert from_file.output.splitlines()[0] == "n" and int(from_file.output.splitlines()[1]) > 0
    empty = runner.invoke(main, ["query", "--db", str(db)])
    assert empty.exit_code == 2 and "no SQL given" in empty.output


def test_query_without_a_warehouse_says_how_to_make_one(tmp_path):
    result = CliRunner().invoke(main, ["query", "select 1", "--db", str(tmp_path / "none.duckdb")])
    assert result.exit_code == 2
    assert "run `pickup-etl run` first" in result.output


def test_help_does_not_import_prefect_or_great_expectations():
    code = "import sys; from flows.cli import main; print('prefect' in sys.modules, 'great_expectations' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60
    )
    assert result.stdout.strip() == "False False"
