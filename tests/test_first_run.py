"""The first run as a new user meets it: a local run with no server, views that
answer after every publish, an empty source that warns, an honest `serve`, and a
run report that renders offline in a real browser."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from flows.cli import main
from flows.exit_codes import ExitCode
from flows.warehouse.database import VIEWS

from .conftest import SEEDS

BIN = Path(sys.executable).parent
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def _cli(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    return subprocess.run(
        [str(BIN / "pickup-etl"), *args],
        capture_output=True,
        text=True,
        timeout=300,
        env={**environment, **(env or {})},
    )


def _views_answer(db: Path) -> dict[str, int]:
    with duckdb.connect(str(db), read_only=True) as connection:
        return {
            view: connection.execute(f"select count(*) from {view}").fetchone()[0] for view in VIEWS
        }


def test_a_local_run_needs_no_prefect_and_every_view_answers_after_each_publish(tmp_path):
    source = tmp_path / "articles"
    shutil.copytree(SEEDS, source)
    db = tmp_path / "warehouse" / "pickup.duckdb"
    first = _cli("run", "--source", str(source), "--db", str(db))
    assert first.returncode == 0, first.stderr
    assert "Starting temporary server" not in first.stderr and "prefect" not in first.stderr.lower()
    counts = _views_answer(db)
    assert counts["v_claims"] > 0 and counts["v_market_volumes"] > 0
    # A second run that changes one file: the case that broke views under DuckDB 2.0.0.
    seed = source / "002_bae4b555c2f5d7a3.txt"
    seed.write_text(seed.read_text().replace("537,000", "538,000"))
    second = _cli("run", "--source", str(source), "--db", str(db))
    assert second.returncode == 0, second.stderr
    assert set(_views_answer(db)) == set(VIEWS)
    assert "run 2, success" in second.stdout


def test_a_view_that_does_not_answer_is_reported_with_its_own_exit_code(tmp_path, monkeypatch):
    import flows.run.steps as steps

    def one_view_broken(db, views):
        return {
            view: ("error: INTERNAL Error: simulated" if view == "v_market_volumes" else 1)
            for view in views
        }

    monkeypatch.setattr(steps, "view_counts", one_view_broken)
    db = tmp_path / "pickup.duckdb"
    result = CliRunner().invoke(main, ["run", "--db", str(db), "--quiet"])
    assert result.exit_code == ExitCode.FAILED_AFTER_PUBLISH, result.output
    assert "then failed: view v_market_volumes does not answer" in result.output
    page = (tmp_path / "run-report.html").read_text()
    assert "Views that do not answer" in page and "v_market_volumes" in page


def test_an_empty_source_warns_and_changes_nothing(tmp_path, seed_run):
    db = tmp_path / "pickup.duckdb"
    shutil.copy(seed_run[1], db)
    before = db.read_bytes()
    empty = tmp_path / "typo"
    empty.mkdir()
    (empty / "README.md").write_text("not an article\n")
    result = _cli("run", "--source", str(empty), "--db", str(db))
    assert result.returncode == ExitCode.PARTIAL, result.stderr
    assert "no article files in" in result.stderr and "check --source" in result.stderr
    assert db.read_bytes() == before


def test_an_unchanged_rerun_publishes_nothing(tmp_path):
    db = tmp_path / "pickup.duckdb"
    assert _cli("run", "--db", str(db), "--quiet").returncode == 0
    before = db.read_bytes()
    again = _cli("run", "--db", str(db), "--quiet")
    assert again.returncode == 0, again.stderr
    assert "nothing changed" in again.stdout
    assert db.read_bytes() == before


def test_serve_refuses_without_a_server_it_can_schedule_on():
    result = _cli("serve", "--interval", "30")
    assert result.returncode == ExitCode.USAGE
    assert "serve needs a Prefect server" in result.stderr
    assert "prefect server start" in result.stderr
    unreachable = _cli(
        "serve", "--interval", "30", env={"PREFECT_API_URL": "http://127.0.0.1:9/api"}
    )
    assert unreachable.returncode == ExitCode.USAGE
    assert "no Prefect server answers" in unreachable.stderr


def test_a_temporary_server_that_does_not_start_gives_a_reason(tmp_path):
    db = tmp_path / "pickup.duckdb"
    result = _cli(
        "run",
        "--db",
        str(db),
        "--prefect",
        "--quiet",
        env={"PICKUP_ETL_PREFECT_STARTUP_SECONDS": "0.01"},
    )
    assert result.returncode == ExitCode.FAILED, result.stderr
    assert "the temporary Prefect server did not start" in result.stderr
    assert "PICKUP_ETL_PREFECT_STARTUP_SECONDS" in result.stderr
    assert "Traceback" not in result.stderr and not db.exists()


def _render(page: Path, tmp_path: Path) -> tuple[str, Path]:
    """The DOM after scripts ran, and a screenshot, from headless Chromium."""
    flags = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={tmp_path / 'chromium'}",
    ]
    shot = tmp_path / "report.png"
    url = page.resolve().as_uri()
    subprocess.run(
        [CHROMIUM, *flags, "--window-size=1280,2400", f"--screenshot={shot}", url],
        capture_output=True,
        timeout=120,
        check=True,
    )
    dom = subprocess.run(
        [CHROMIUM, *flags, "--dump-dom", url],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout
    return dom, shot


@pytest.mark.skipif(
    CHROMIUM is None, reason="Debian's chromium is not installed (apt-get install -y chromium)"
)
def test_the_run_report_renders_offline_and_shows_what_happened(tmp_path):
    source = tmp_path / "articles"
    shutil.copytree(SEEDS, source)
    (source / "empty.txt").write_text("")
    payload = (
        "<script>document.title='owned'</script><img src=x onerror=\"document.title='owned'\">"
    )
    (source / "hostile.txt").write_text(
        f"{payload} Toyota sold 1,000 pickups " + "and more " * 2300 + ".\n"
    )
    db = tmp_path / "pickup.duckdb"
    result = _cli("run", "--source", str(source), "--db", str(db), "--quiet")
    assert result.returncode == ExitCode.PARTIAL, result.stderr
    page = tmp_path / "run-report.html"
    html_text = page.read_text(encoding="utf-8")
    assert not re.search(r"<(link|script)\b|https?://", html_text)  # nothing from the network
    dom, shot = _render(page, tmp_path)
    text = re.sub(r"<[^>]+>", " ", dom)
    assert "owned" not in dom.split("<title>")[1].split("</title>")[0]  # the payload never ran
    assert "pickup-etl run 1" in text and "partial" in text
    for heading in (
        "Files by outcome",
        "Validation",
        "Quarantined rows",
        "Rows",
        "Seconds per stage",
    ):
        assert heading in text, heading
    assert "empty.txt" in text and "empty file (0 bytes)" in text
    assert "&lt;script&gt;" in dom  # the quarantined sentence is shown as text
    for suite in ("articles", "sentences", "mentions", "claims", "claim_regions"):
        assert suite in text
    assert shot.stat().st_size > 20_000


def test_extract_and_run_read_the_manifest_and_give_the_same_claims(tmp_path):
    """A file whose date only the manifest knows: both commands date its claims by it."""
    source = tmp_path / "articles"
    source.mkdir()
    (source / "ute.txt").write_text(
        "Ford sold 5,384 Rangers in Australia last month, up 4.2 per cent.\n", encoding="utf-8"
    )
    (source / "manifest.csv").write_text(
        "file,url,publisher,published_on\n"
        "ute.txt,https://example.com/ute,Example News,2025-11-04\n",
        encoding="utf-8",
    )
    extracted = CliRunner().invoke(main, ["extract", str(source / "ute.txt"), "--format", "jsonl"])
    assert extracted.exit_code == 0, extracted.output
    claims = [json.loads(line) for line in extracted.output.splitlines()]
    assert [(c["value"], c["period_start"], c["period_end"]) for c in claims] == [
        (5384.0, "2025-10-01", "2025-10-31")
    ]
    db = tmp_path / "pickup.duckdb"
    run = _cli("run", "--source", str(source), "--db", str(db))
    assert run.returncode == 0, run.stderr
    with duckdb.connect(str(db), read_only=True) as connection:
        loaded = connection.execute(
            "select value, strftime(period_start, '%Y-%m-%d'), strftime(period_end, '%Y-%m-%d'),"
            " metric, manufacturer, model, powertrain, change_pct, publisher from v_claims"
        ).fetchall()
    assert loaded == [
        (
            c["value"],
            c["period_start"],
            c["period_end"],
            c["metric"],
            c["manufacturer"],
            c["model"],
            c["powertrain"],
            c["change_pct"],
            "Example News",
        )
        for c in claims
    ]
