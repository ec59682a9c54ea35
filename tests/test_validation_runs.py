"""Great Expectations guarding loads: quarantine of bad rows, failure of bad batches, Data Docs."""

from __future__ import annotations

import re
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import duckdb
import polars as pl
import pytest

from flows.reference import load_reference
from flows.resources import extractor_version
from flows.sources import discover_files, parse_batch
from flows.validation.validator import Validator
from flows.warehouse.database import WorkingDatabase, now_utc

from .conftest import SEEDS

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def validator():
    return Validator(load_reference())


def _seed_frames():
    root, files = discover_files(SEEDS)
    return parse_batch(root, files["path"].to_list(), load_reference(), extractor_version())


def _broken_claims(claims: pl.DataFrame) -> pl.DataFrame:
    """Five copies of a good claim, each broken in one way."""
    good = claims.filter((pl.col("metric") == "sales") & pl.col("period_start").is_not_null()).head(
        1
    )
    base = good.row(0, named=True)
    start_index = claims["claim_index"].max() + 1
    broken = [
        {**base, "metric": "horsepower"},
        {**base, "value": -5.0},
        {**base, "metric": "market_share", "unit": "percent", "value": 180.0},
        {**base, "value_end": base["sentence_end"] + 10},
        {**base, "period_start": date(2025, 11, 30), "period_end": date(2025, 1, 1)},
    ]
    rows = [{**row, "claim_index": start_index + i} for i, row in enumerate(broken)]
    return pl.DataFrame(rows, schema=claims.schema)


EXPECTED = {
    ("claims", "expect_column_values_to_be_in_set", "metric", "horsepower"),
    ("claims", "expect_column_values_to_be_between", "value", "-5.0"),
    ("claims", "expect_column_values_to_be_between", "value", "180.0"),
    ("claims", "expect_column_pair_values_a_to_be_greater_than_b", "sentence_end", None),
    ("claims", "expect_column_pair_values_a_to_be_greater_than_b", "period_end", None),
}


def test_broken_rows_are_quarantined_with_their_expectation_and_good_rows_load(validator, tmp_path):
    frames = _seed_frames()
    good_count = frames.claims.height
    broken = _broken_claims(frames.claims)
    frames.claims = pl.concat([frames.claims, broken])
    result = validator.validate(frames)

    assert not result.batch_failures
    found = {
        (
            r["frame"],
            r["expectation"],
            r["column_name"],
            r["value"] if r["column_name"] in ("metric", "value") else None,
        )
        for r in result.quarantine.iter_rows(named=True)
    }
    assert found == EXPECTED
    assert result.quarantine.height == 5
    assert set(result.quarantine["article"]) == set(broken["article"])
    assert result.frames.claims.height == good_count
    assert result.suites["claims"].rows_quarantined == 5

    # The same run loads the good rows and records the rejected ones.
    db = tmp_path / "pickup.duckdb"
    working = WorkingDatabase.open(db)
    load_id = working.start_load(load_reference())
    working.load_group(result.frames, [], load_id)
    run = {"load_id": load_id, "started_at": now_utc(), "status": "success"}
    working.finish_run(pl.DataFrame(), result.quarantine, run)
    working.publish()
    with duckdb.connect(str(db), read_only=True) as connection:
        assert connection.execute("select count(*) from fact_claim").fetchone()[0] == good_count
        rows = connection.execute(
            "select frame, expectation, column_name, load_id, article, reason from quarantine order by quarantine_id"
        ).fetchall()
    assert len(rows) == 5 and {row[3] for row in rows} == {1}
    assert {row[1] for row in rows} == {e[1] for e in EXPECTED}
    assert all(row[5] for row in rows)


def test_a_share_over_100_percent_in_an_article_is_quarantined_in_a_real_run(
    prefect_harness, seed_copy, tmp_path
):
    from flows.run.flow import pickup_etl

    (seed_copy / "bad_share.txt").write_text(
        "Toyota's market share of Thai pickup sales reached 180% in September 2025.\n"
    )
    db = tmp_path / "pickup.duckdb"
    summary = pickup_etl(source=str(seed_copy), db=str(db))
    with duckdb.connect(str(db), read_only=True) as connection:
        quarantined = connection.execute(
            "select frame, expectation, column_name, value, article from quarantine"
        ).fetchall()
        loaded = connection.execute(
            "select count(*) from v_claims where article like '00%'"
        ).fetchone()[0]
        bad_file = connection.execute(
            "select status, reason from etl_file where path = 'bad_share.txt'"
        ).fetchone()
    assert quarantined == [
        ("claims", "expect_column_values_to_be_between", "value", "180.0", "bad_share.txt")
    ]
    assert loaded == _seed_frames().claims.height
    assert summary["status"] == "partial"
    assert bad_file[0] == "loaded"  # its article loaded; only the impossible claim was set aside


def test_a_file_over_the_share_limit_is_set_aside_and_the_others_load(
    prefect_harness, seed_copy, tmp_path
):
    from flows.run.flow import pickup_etl

    db = tmp_path / "pickup.duckdb"
    clean = pickup_etl(source=str(seed_copy), db=str(db))
    brands = [
        "Toyota",
        "Ford",
        "Isuzu",
        "Mitsubishi",
        "Nissan",
        "Mazda",
        "Kia",
        "BYD",
        "Chevrolet",
        "GMC",
    ]
    lines = [
        f"{brand}'s market share reached {150 + i}% in 202{i % 5}."
        for i, brand in enumerate(brands * 3)
    ]
    (seed_copy / "impossible_shares.txt").write_text("\n".join(lines) + "\n")
    summary = pickup_etl(source=str(seed_copy), db=str(db))
    assert summary["status"] == "partial" and summary["files_quarantined"] == 1
    with duckdb.connect(str(db), read_only=True) as connection:
        status, reason = connection.execute(
            "select status, reason from etl_file where path = 'impossible_shares.txt'"
        ).fetchone()
        claims = connection.execute("select count(*) from fact_claim").fetchone()[0]
        from_bad_file = connection.execute(
            "select count(*) from dim_article where file_path = 'impossible_shares.txt'"
        ).fetchone()[0]
    assert status == "quarantined"
    assert re.match(
        r"claims: \d+ of \d+ rows failed row checks \(most often: .*\), more than the 25%", reason
    )
    assert from_bad_file == 0
    assert claims == clean["claims_loaded"]  # the seeds load as before
    assert not (tmp_path / ".pickup.duckdb.building").exists()


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self.links += [value for name, value in attrs if name == "href" and value]


def test_seed_run_quarantines_nothing(seed_run):
    summary, db = seed_run
    with duckdb.connect(str(db), read_only=True) as connection:
        assert connection.execute("select count(*) from quarantine").fetchone()[0] == 0
        validation = connection.execute("select validation from etl_run").fetchone()[0]
    assert summary["rows_quarantined"] == 0
    assert '"claims"' in validation and '"rows_checked"' in validation
    assert not (db.parent / "data_docs").exists()  # built only when asked


PAYLOAD = "<script>alert(1)</script><img src=x onerror=alert(1)>"


def test_data_docs_are_kept_per_run_and_escape_article_text(prefect_harness, seed_copy, tmp_path):
    from flows.run.flow import pickup_etl

    # A sentence over the length limit is quarantined, and its text reaches the docs.
    (seed_copy / "hostile.txt").write_text(
        f"{PAYLOAD} Toyota sold 1,000 pickups in Australia in 2025 " + "x" * 20_100 + ".\n"
    )
    db = tmp_path / "pickup.duckdb"
    first = pickup_etl(source=str(seed_copy), db=str(db), data_docs=True)
    assert first["rows_quarantined"] >= 1
    (seed_copy / "000_db328f05d34531cb.txt").write_text("Kia sold 5 pickups in Korea in 2025.\n")
    second = pickup_etl(source=str(seed_copy), db=str(db), data_docs=True)
    first_index, second_index = Path(first["data_docs"]), Path(second["data_docs"])
    assert first_index.parent.name == "run-0001" and second_index.parent.name == "run-0002"
    assert first_index.is_file() and second_index.is_file()  # the first run's docs are kept
    pages = list(first_index.parent.rglob("*.html"))
    text = "\n".join(page.read_text(encoding="utf-8") for page in pages)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text  # shown, as text
    assert PAYLOAD not in text and "<img src=x" not in text
    parser = _Links()
    parser.feed(first_index.read_text(encoding="utf-8"))
    suites = {
        link.removeprefix("expectations/").removesuffix(".html")
        for link in parser.links
        if link.startswith("expectations/")
    }
    assert suites == {"articles", "sentences", "mentions", "claims", "claim_regions"}
    assert any(link.startswith("validations/sentences/") for link in parser.links)
    for link in parser.links:
        if link.startswith(("expectations/", "validations/")):
            assert (first_index.parent / link).is_file(), link


def test_validation_leaves_no_reference_cycles_holding_the_group(validator):
    """Great Expectations' caught exceptions hold the frames it read in reference cycles;
    a run that left them to the next full collection grew by ~100 MB per group. After
    `validate` returns there is nothing left for the collector to free."""
    import gc

    frames = _seed_frames()
    frames.claims = pl.concat([frames.claims, _broken_claims(frames.claims)])  # failures too
    gc.collect()
    validator.validate(frames)
    assert gc.collect() == 0
