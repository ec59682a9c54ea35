"""Incremental loads, atomic publish and BI access on real warehouse files."""

from __future__ import annotations

import queue
import re
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import duckdb
import polars as pl
import pytest

from flows.warehouse.database import TABLES, VIEWS

from .conftest import SEEDS, table_rows
from .conftest import run_in_process as _run

pytestmark = pytest.mark.slow

SEED_NAMES = sorted(path.name for path in SEEDS.iterdir())
ARTICLE_TABLES = ("dim_article", "dim_sentence", "fact_claim", "fact_entity_mention")


def _counts(db: Path) -> dict[str, int]:
    with duckdb.connect(str(db), read_only=True) as connection:
        return {
            name: connection.execute(f"select count(*) from {name}").fetchall()[0][0]
            for name in (*TABLES, *VIEWS)
        }


def _of_present_files(db: Path, table: str) -> str:
    """A filter keeping the rows of articles whose file is still in the source."""
    present = "(select path from etl_file where status <> 'missing')"
    if table == "dim_article":
        return f"file_path in {present}"
    return f"article_key in (select article_key from dim_article where file_path in {present})"


def test_incremental_run_parses_only_new_and_changed_files_and_equals_a_full_refresh(tmp_path):
    source = tmp_path / "articles"
    source.mkdir()
    first, second, third = SEED_NAMES
    for name in (first, second):
        shutil.copy(SEEDS / name, source / name)
    db = tmp_path / "incremental.duckdb"
    initial = _run(source, db)
    assert initial["files_parsed"] == 2

    # The claim of `second` that will change: its first figure written with digits.
    with duckdb.connect(str(db), read_only=True) as connection:
        old_value, old_text = connection.execute(
            "select value, value_text from v_claims where article = ? and unit = 'units' "
            "and regexp_matches(value_text, '^[0-9][0-9,]*[0-9]$') order by value_start limit 1",
            [second],
        ).fetchall()[0]
    text = (source / second).read_text(encoding="utf-8")
    assert text.count(old_text) == 1
    new_text = f"{int(old_value) + 1111:,}"
    (source / second).write_text(text.replace(old_text, new_text), encoding="utf-8")
    shutil.copy(SEEDS / third, source / third)
    (source / first).unlink()

    rerun = _run(source, db)
    assert rerun["files_parsed"] == 2  # the new and the changed file, nothing else
    assert (rerun["files_new"], rerun["files_changed"], rerun["files_missing"]) == (1, 1, 1)

    with duckdb.connect(str(db), read_only=True) as connection:
        values = {
            row[0]
            for row in connection.execute(
                "select value from v_claims where article = ?", [second]
            ).fetchall()
        }
        files = dict(connection.execute("select path, status from etl_file").fetchall())
        kept = connection.execute(
            "select count(*) from v_claims where article = ?", [first]
        ).fetchall()[0][0]
        versions = connection.execute(
            "select count(*) from dim_article where article = ?", [second]
        ).fetchall()[0][0]
        load_ids = connection.execute(
            "select distinct load_id from v_claims where article in (?, ?) order by 1",
            [second, third],
        ).fetchall()
    assert old_value not in values and old_value + 1111 in values
    assert files == {first: "missing", second: "loaded", third: "loaded"}
    assert kept > 0  # a file that disappears keeps its facts
    assert versions == 1  # the changed file's old version is gone with its facts
    assert load_ids == [(rerun["load_id"],)]

    fresh = tmp_path / "full_refresh.duckdb"
    shutil.copy(db, fresh)
    _run(source, fresh, full_refresh=True)
    for table in ARTICLE_TABLES:
        assert table_rows(db, table, _of_present_files(db, table)) == table_rows(fresh, table), (
            table
        )
    claims_present = (
        "claim_key in (select claim_key from fact_claim where "
        f"{_of_present_files(db, 'fact_claim')})"
    )
    assert table_rows(db, "bridge_claim_region", claims_present) == table_rows(
        fresh, "bridge_claim_region"
    )
    for table in ("dim_metric", "dim_powertrain", "dim_date", "dim_model", "dim_region"):
        assert table_rows(db, table) == table_rows(fresh, table), table
    assert table_rows(db, "etl_file", "status <> 'missing'") == table_rows(fresh, "etl_file")


def test_three_runs_on_unchanged_seeds_parse_nothing_after_the_first(tmp_path):
    db = tmp_path / "pickup.duckdb"
    summaries = [_run(SEEDS, db) for _ in range(3)]
    counts = _counts(db)
    assert [s["files_parsed"] for s in summaries] == [3, 0, 0]
    assert [s["files_unchanged"] for s in summaries] == [0, 3, 3]
    assert [s["claims_loaded"] for s in summaries[1:]] == [0, 0]
    assert [s["status"] for s in summaries] == ["success", "unchanged", "unchanged"]
    assert counts["etl_run"] == 1  # runs that change nothing publish nothing
    assert counts["fact_claim"] == summaries[0]["claims_loaded"] > 0
    with duckdb.connect(str(db), read_only=True) as connection:
        history = connection.execute(
            "select load_id, files_parsed from v_run_history order by load_id"
        ).fetchall()
        fact_loads = connection.execute("select distinct load_id from fact_claim").fetchall()
    assert history == [(1, 3)]
    assert fact_loads == [(1,)]


def test_a_new_extractor_version_re_extracts_older_articles(tmp_path):
    db = tmp_path / "pickup.duckdb"
    _run(SEEDS, db)
    # Pretend the articles were loaded by an older extractor.
    older = tmp_path / "older.duckdb"
    with duckdb.connect(str(db)) as connection:
        connection.execute("update etl_file set extractor_version = 'pickup-etl 0.0.1+old'")
    shutil.copy(db, older)
    summary = _run(SEEDS, db)
    assert (summary["files_changed"], summary["files_parsed"]) == (3, 3)
    with duckdb.connect(str(db), read_only=True) as connection:
        stale = connection.execute(
            "select count(*) from etl_file where extractor_version <> ?",
            [summary["extractor_version"]],
        ).fetchall()[0][0]
    assert stale == 0
    assert _counts(db)["fact_claim"] == _counts(older)["fact_claim"]


class _CliReader:
    """A DuckDB 1.5 command-line client holding one read-only connection open."""

    def __init__(self, db: Path) -> None:
        binary = Path(sys.executable).with_name("duckdb")
        if not binary.exists():
            binary = Path(shutil.which("duckdb") or "duckdb")
        self.process = subprocess.Popen(
            [str(binary), "-readonly", "-csv", "-noheader", str(db)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            bufsize=1,
        )
        # A thread drains the output so a slow answer can time out instead of hanging the test.
        self.lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._drain, daemon=True).start()

    def _drain(self) -> None:
        assert self.process.stdout
        for line in self.process.stdout:
            self.lines.put(line.rstrip("\n"))

    def version(self) -> str:
        return self.ask("select version()")[0]

    def ask(self, sql: str, timeout: float = 30.0) -> list[str]:
        assert self.process.stdin
        self.process.stdin.write(f"{sql};\nselect '<<end>>';\n")
        self.process.stdin.flush()
        answer: list[str] = []
        while True:
            try:
                line = self.lines.get(timeout=timeout)
            except queue.Empty:
                raise TimeoutError(f"no answer to {sql!r}; got {answer}") from None
            if line == "<<end>>":
                return answer
            answer.append(line)

    def close(self) -> None:
        if self.process.stdin:
            self.process.stdin.close()
        self.process.wait(timeout=10)


def test_a_reader_holding_the_published_file_keeps_its_snapshot_across_a_run(tmp_path):
    source = tmp_path / "articles"
    source.mkdir()
    shutil.copy(SEEDS / SEED_NAMES[0], source / SEED_NAMES[0])
    db = tmp_path / "pickup.duckdb"
    _run(source, db)
    reader = _CliReader(db)
    try:
        assert re.match(r"v1\.[45]\.", reader.version())  # an older client opens the file
        before = int(reader.ask("select count(*) from fact_claim")[0])
        for name in SEED_NAMES[1:]:
            shutil.copy(SEEDS / name, source / name)
        summary = _run(source, db)  # must not wait for, or be blocked by, the reader
        assert summary["files_new"] == 2
        assert int(reader.ask("select count(*) from fact_claim")[0]) == before
        assert reader.ask("select max(load_id) from etl_run") == ["1"]
    finally:
        reader.close()
    fresh = _CliReader(db)
    try:
        after = int(fresh.ask("select count(*) from fact_claim")[0])
        assert fresh.ask("select max(load_id) from etl_run") == ["2"]
    finally:
        fresh.close()
    assert after == before + summary["claims_loaded"] > before


def test_sqlalchemy_read_only_connection_sees_every_table_and_view_with_comments(seed_run):
    sqlalchemy = pytest.importorskip("sqlalchemy")
    pytest.importorskip("duckdb_engine")
    _summary, db = seed_run
    engine = sqlalchemy.create_engine(f"duckdb:///{db}", connect_args={"read_only": True})
    try:
        inspector = sqlalchemy.inspect(engine)
        assert set(inspector.get_table_names()) == set(TABLES)
        assert set(inspector.get_view_names()) == set(VIEWS)
        for name in (*TABLES, *VIEWS):
            assert inspector.get_table_comment(name)["text"], name
        with engine.connect() as connection:
            uncommented = connection.execute(
                sqlalchemy.text(
                    "select table_name, column_name from duckdb_columns() "
                    "where schema_name = 'main' and not internal and comment is null"
                )
            ).fetchall()
            claims = connection.execute(sqlalchemy.text("select count(*) from v_claims")).scalar()
            with pytest.raises(sqlalchemy.exc.DBAPIError, match="read-only"):
                connection.execute(sqlalchemy.text("delete from fact_claim"))
    finally:
        engine.dispose()
    assert uncommented == []
    assert claims == _counts(db)["fact_claim"] > 0


def test_an_older_warehouse_is_brought_to_the_current_schema(tmp_path):
    db = tmp_path / "pickup.duckdb"
    _run(SEEDS, db)
    with duckdb.connect(str(db)) as connection:  # as an older release left it
        connection.execute("alter table etl_run drop column files_parsed")
        connection.execute("alter table dim_article add column is_current boolean default true")
    summary = _run(SEEDS, db)
    with duckdb.connect(str(db), read_only=True) as connection:
        columns = {
            (row[0], row[1])
            for row in connection.execute(
                "select table_name, column_name from duckdb_columns()"
            ).fetchall()
        }
        parsed = connection.execute("select files_parsed from etl_run order by load_id").fetchall()
    assert ("etl_run", "files_parsed") in columns
    assert ("dim_article", "is_current") not in columns
    assert parsed == [(None,), (0,)]
    assert summary["files_unchanged"] == 3


def test_export_writes_every_table_and_view_as_parquet(seed_run, tmp_path):
    from click.testing import CliRunner

    from flows.cli import main

    _summary, db = seed_run
    result = CliRunner().invoke(
        main, ["export", "--parquet", str(tmp_path / "out"), "--db", str(db)]
    )
    assert result.exit_code == 0, result.output
    written = {path.stem for path in (tmp_path / "out").glob("*.parquet")}
    assert written == set(TABLES) | set(VIEWS)
    counts = _counts(db)
    for name in ("fact_claim", "v_claims", "dim_date", "bridge_claim_region"):
        assert pl.read_parquet(tmp_path / "out" / f"{name}.parquet").height == counts[name]
    claims = pl.read_parquet(tmp_path / "out" / "v_claims.parquet")
    assert {"article", "sentence", "metric", "value", "unit", "region"} <= set(claims.columns)


def test_discovery_keeps_recorded_hashes_of_untouched_files_and_rehashes_changed_ones(tmp_path):
    from flows.sources import RACY_NS, discover_files

    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "a.txt").write_text("Ford sold 1,000 Rangers in May.", encoding="utf-8")
    (folder / "b.txt").write_text("Toyota sold 2,000 HiLux utes in May.", encoding="utf-8")
    _root, first = discover_files(folder)
    recorded = {
        row["path"]: (
            row["size_bytes"],
            row["mtime_ns"],
            "recorded-" + row["path"],
            row["mtime_ns"] + 2 * RACY_NS,
        )
        for row in first.iter_rows(named=True)
    }
    # a.txt: same size and time as recorded, so its recorded hash is kept unread;
    # b.txt: rewritten (new size), so it is hashed again.
    (folder / "b.txt").write_text("Toyota sold 2,500 HiLux utes in May.", encoding="utf-8")
    _root, second = discover_files(folder, recorded)
    hashes = dict(zip(second["path"], second["content_hash"], strict=True))
    assert hashes["a.txt"] == "recorded-a.txt"
    assert hashes["b.txt"] not in (
        "recorded-b.txt",
        dict(zip(first["path"], first["content_hash"], strict=True))["b.txt"],
    )
    # a file stamped within the racy window of its recording is always hashed again
    racy = {path: (*stamp[:3], stamp[1] + RACY_NS // 2) for path, stamp in recorded.items()}
    _root, third = discover_files(folder, racy)
    assert dict(zip(third["path"], third["content_hash"], strict=True))["a.txt"] != "recorded-a.txt"


def test_a_file_that_cannot_be_read_while_hashing_is_listed_with_the_reason(tmp_path, monkeypatch):
    import flows.sources as sources

    folder = tmp_path / "articles"
    folder.mkdir()
    for name in ("a.txt", "b.txt", "c.txt"):
        (folder / name).write_text(f"Ford sold 1,000 Rangers in May ({name}).", encoding="utf-8")
    real_hash = sources._hash_file

    def refuse_b(path):
        if path.name == "b.txt":
            raise PermissionError(13, "Permission denied")
        return real_hash(path)

    monkeypatch.setattr(sources, "_hash_file", refuse_b)
    _root, files = sources.discover_files(folder)
    rows = {row["path"]: row for row in files.iter_rows(named=True)}
    assert rows["b.txt"]["error"] == "cannot read file: Permission denied"
    assert rows["b.txt"]["content_hash"] is None
    assert rows["a.txt"]["content_hash"] == real_hash(folder / "a.txt")
    assert rows["c.txt"]["error"] is None and rows["c.txt"]["size_bytes"] > 0
