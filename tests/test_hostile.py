"""The hostile-input corpus beside the seeds, in one real command-line run: every
entry ends in etl_file with its outcome and reason, the seeds load exactly as
they do on their own, and nothing from outside the source gets in."""

from __future__ import annotations

import importlib.util
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from .conftest import REPO, SEEDS

pytestmark = pytest.mark.slow

BIN = Path(sys.executable).parent
HOSTILE = REPO / "tests" / "fixtures" / "hostile"
_spec = importlib.util.spec_from_file_location("make_corpus", HOSTILE / "make_corpus.py")
make_corpus = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(make_corpus)
EXPECTED = make_corpus.expected()
CLAIM_COLUMNS = (
    "article, sentence, metric, value, unit, qualifier, manufacturer, model, region, "
    "powertrain, period_start, period_end, change_pct, baseline_value, source_org"
)


def _run(source: Path, db: Path, *extra: str) -> tuple[subprocess.CompletedProcess, float]:
    started = time.perf_counter()
    result = subprocess.run(
        [
            str(BIN / "pickup-etl"),
            "run",
            "--source",
            str(source),
            "--db",
            str(db),
            "--quiet",
            *extra,
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    return result, time.perf_counter() - started


@pytest.fixture(scope="module")
def hostile_run(seed_run, tmp_path_factory):
    """(process result, seconds, warehouse) of one run over the seeds and the corpus, and
    the warehouse of a clean run over the seeds alone."""
    base = tmp_path_factory.mktemp("hostile")
    source = base / "articles"
    shutil.copytree(SEEDS, source)
    outside = base / "outside"
    outside.mkdir()
    make_corpus.write_corpus(source, outside)
    db = base / "warehouse" / "pickup.duckdb"
    result, seconds = _run(source, db)
    return result, seconds, db, seed_run[1]


def _files(db: Path) -> dict[str, tuple[str, str | None]]:
    with duckdb.connect(str(db), read_only=True) as connection:
        rows = connection.execute("select path, status, reason from etl_file").fetchall()
    return {path: (status, reason) for path, status, reason in rows}


def test_the_run_publishes_with_warnings_and_no_traceback(hostile_run):
    result, seconds, _db, _clean = hostile_run
    assert result.returncode == 3, result.stderr[-2000:]
    assert "Traceback" not in result.stderr + result.stdout
    assert "published" in result.stdout
    assert seconds < 300  # a bound that only a quadratic or a hang would break


@pytest.mark.parametrize("entry", sorted(EXPECTED), ids=lambda e: EXPECTED[e][0])
def test_every_entry_is_recorded_with_its_outcome_and_reason(hostile_run, entry):
    _result, _seconds, db, _clean = hostile_run
    files = _files(db)
    _kind, status, words = EXPECTED[entry]
    assert entry in files, sorted(files)
    got_status, reason = files[entry]
    assert got_status == status, (entry, got_status, reason)
    if words:
        assert reason and words.lower() in reason.lower(), (entry, reason)
    if status != "loaded":
        assert reason, entry


def test_nothing_else_is_recorded(hostile_run):
    _result, _seconds, db, _clean = hostile_run
    seeds = {path.name for path in SEEDS.iterdir()}
    assert set(_files(db)) == set(EXPECTED) | seeds


def test_the_seed_claims_are_exactly_those_of_a_clean_run(hostile_run):
    _result, _seconds, db, clean = hostile_run
    seeds = [path.name for path in SEEDS.iterdir()]
    query = f"select {CLAIM_COLUMNS} from v_claims where article in (select unnest(?))"
    with (
        duckdb.connect(str(db), read_only=True) as here,
        duckdb.connect(str(clean), read_only=True) as there,
    ):
        mine = sorted(here.execute(query, [seeds]).fetchall(), key=repr)
        theirs = sorted(there.execute(query, [seeds]).fetchall(), key=repr)
    assert mine and mine == theirs


def _article_text(db: Path, path: str) -> str:
    with duckdb.connect(str(db), read_only=True) as connection:
        rows = connection.execute(
            "select coalesce(title, '') || ' ' || cleaned_text from dim_article where file_path = ?",
            [path],
        ).fetchall()
    return " ".join(row[0] for row in rows)


def test_nothing_from_outside_the_source_is_read(hostile_run):
    _result, _seconds, db, _clean = hostile_run
    with duckdb.connect(str(db), read_only=True) as connection:
        leaked = connection.execute(
            "select count(*) from dim_article where cleaned_text like '%Not for loading%' "
            "or file_path like 'outside/%'"
        ).fetchone()[0]
    assert leaked == 0


def test_markup_and_sql_in_articles_are_stored_as_text(hostile_run):
    _result, _seconds, db, _clean = hostile_run
    assert "DROP TABLE fact_claim" in _article_text(db, "sql-injection.txt")
    page = _article_text(db, "script-injection.html")
    assert "<img src=x onerror=alert(3)>" in page  # the text of the page, kept as text
    assert "99,999" not in page and "88,888" not in page  # its scripts are not article text
    with duckdb.connect(str(db), read_only=True) as connection:
        tables = {
            r[0] for r in connection.execute("select table_name from duckdb_tables()").fetchall()
        }
    assert {"fact_claim", "dim_article"} <= tables


def test_negative_counts_are_quarantined_with_the_reason(hostile_run):
    _result, _seconds, db, _clean = hostile_run
    with duckdb.connect(str(db), read_only=True) as connection:
        rows = connection.execute(
            "select value, reason from quarantine where article = 'negative-values.txt' "
            "and frame = 'claims'"
        ).fetchall()
        loaded = connection.execute(
            "select count(*) from v_claims where article = 'negative-values.txt' and value < 0"
        ).fetchone()[0]
    assert sorted(float(value) for value, _reason in rows) == [-5000.0, -3000.0]
    assert all("not negative" in reason for _value, reason in rows)
    assert loaded == 0


def test_scientific_notation_is_one_number_or_none(hostile_run):
    _result, _seconds, db, _clean = hostile_run
    with duckdb.connect(str(db), read_only=True) as connection:
        values = [
            row[0]
            for row in connection.execute(
                "select value from v_claims where article = 'scientific-notation.txt'"
            ).fetchall()
        ]
    assert 10 not in values and 400 not in values
    assert 12500 in values  # the article's other sentence is read as usual


def test_a_bad_line_costs_only_itself(hostile_run):
    _result, _seconds, db, _clean = hostile_run
    with duckdb.connect(str(db), read_only=True) as connection:
        records = connection.execute(
            "select record_index from dim_article where file_path = 'nul-in-one-line.jsonl' "
            "order by record_index"
        ).fetchall()
    assert records == [(1,), (3,)]


def test_each_manifest_describes_its_own_folder_and_names_its_bad_rows(hostile_run):
    _result, _seconds, db, _clean = hostile_run
    with duckdb.connect(str(db), read_only=True) as connection:
        publishers = dict(
            connection.execute(
                "select file_path, publisher from dim_article "
                "where file_path in ('a.txt', 'sub/a.txt', 'windows-1252.txt')"
            ).fetchall()
        )
        published = dict(
            connection.execute(
                "select file_path, published_source from dim_article "
                "where file_path in ('windows-1252.txt', 'utf16.txt')"
            ).fetchall()
        )
        problems = [
            row[0]
            for row in connection.execute(
                "select reason from quarantine where expectation = 'manifest_row' order by reason"
            ).fetchall()
        ]
    assert publishers["sub/a.txt"] == "Sub Desk"
    assert publishers["a.txt"] != "Sub Desk"  # a row under another folder does not apply
    assert publishers["windows-1252.txt"] == "Chile Desk"  # the row is used, its date is not
    assert published["windows-1252.txt"] != "manifest" and published["utf16.txt"] != "manifest"
    assert len(problems) == 5 and all(p.startswith("manifest.csv: line ") for p in problems)
    joined = " ".join(problems)
    for words in ("longer than", "out of range", "not a date", "a second row", "gone.txt"):
        assert words in joined, words


def test_follow_links_reads_what_links_point_to(tmp_path):
    source = tmp_path / "articles"
    source.mkdir()
    outside = tmp_path / "outside"
    (outside / "folder").mkdir(parents=True)
    (outside / "secret.txt").write_text(make_corpus.SENTENCE + "\n")
    (outside / "folder" / "inside.txt").write_text(make_corpus.SENTENCE + "\n")
    (source / "passwd.txt").symlink_to(outside / "secret.txt")
    (source / "outside").symlink_to(outside / "folder")
    db = tmp_path / "pickup.duckdb"
    refused, _ = _run(source, db)
    assert refused.returncode == 3
    assert {status for status, _reason in _files(db).values()} == {"quarantined"}
    followed, _ = _run(source, tmp_path / "followed.duckdb", "--follow-links")
    assert followed.returncode == 0, followed.stderr
    files = _files(tmp_path / "followed.duckdb")
    assert files == {"passwd.txt": ("loaded", None), "outside/inside.txt": ("loaded", None)}


def test_the_run_report_escapes_what_articles_say(hostile_run):
    _result, _seconds, db, _clean = hostile_run
    page = (db.parent / "run-report.html").read_text(encoding="utf-8")
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;" in page or "&lt;img" in page  # the quarantined sentence, as text
    assert json.dumps("x")  # the page is plain UTF-8 text
