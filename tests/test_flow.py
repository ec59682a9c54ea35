"""The whole pipeline through a real Prefect flow run into a real DuckDB file."""

from __future__ import annotations

import duckdb
import pytest

from flows.reference import load_reference
from flows.resources import extractor_version
from flows.sources import discover_files, parse_batch
from flows.warehouse.database import TABLES, VIEWS

from .conftest import SEEDS

pytestmark = pytest.mark.slow


def _counts(db) -> dict[str, int]:
    with duckdb.connect(str(db), read_only=True) as connection:
        return {
            name: connection.execute(f"select count(*) from {name}").fetchone()[0]
            for name in (*TABLES, *VIEWS)
        }


@pytest.fixture(scope="module")
def flow_run(prefect_harness, tmp_path_factory):
    """The Prefect flow run once on the seeds into a fresh warehouse: (summary, db path)."""
    from flows.run.flow import pickup_etl

    db = tmp_path_factory.mktemp("flow_warehouse") / "pickup.duckdb"
    return pickup_etl(source=str(SEEDS), db=str(db)), db


def _expected_frames():
    root, files = discover_files(SEEDS)
    return parse_batch(root, files["path"].to_list(), load_reference(), extractor_version())


def test_seed_run_creates_exactly_the_star_schema(flow_run):
    _summary, db = flow_run
    with duckdb.connect(str(db), read_only=True) as connection:
        tables = {
            row[0]
            for row in connection.execute("select table_name from duckdb_tables()").fetchall()
        }
        views = {
            row[0]
            for row in connection.execute(
                "select view_name from duckdb_views() where not internal"
            ).fetchall()
        }
    assert tables == set(TABLES)
    assert views == set(VIEWS)


def test_seed_run_row_counts_match_what_extraction_produced(flow_run):
    summary, db = flow_run
    frames = _expected_frames()
    counts = _counts(db)
    assert counts["dim_article"] == frames.articles.height == 3
    assert counts["dim_sentence"] == frames.sentences.height
    assert counts["fact_entity_mention"] == frames.mentions.height
    assert counts["fact_claim"] == frames.claims.height == counts["v_claims"]
    assert counts["bridge_claim_region"] == frames.claim_regions.height
    assert counts["etl_file"] == 3
    assert counts["etl_run"] == 1
    assert counts["quarantine"] == 0
    assert counts["dim_date"] == 14976  # 2000-01-01 .. 2040-12-31
    assert counts["dim_metric"] == 11
    assert counts["dim_powertrain"] == 7
    assert summary["claims_loaded"] == frames.claims.height
    assert summary["status"] == "success"


def test_seed_claims_carry_their_sentences(flow_run):
    _summary, db = flow_run
    with duckdb.connect(str(db), read_only=True) as connection:
        china = connection.execute(
            "select value, unit, region, powertrain, period_start::varchar, period_end::varchar, change_pct, source_org, sentence "
            "from v_claims where article = '002_bae4b555c2f5d7a3.txt' and metric = 'sales' and value = 537000"
        ).fetchall()
        share = connection.execute(
            "select value, unit, manufacturer, region, sentence from v_claims "
            "where article = '000_db328f05d34531cb.txt' and metric = 'market_share_target' and value = 7"
        ).fetchall()
        orphans = connection.execute(
            "select count(*) from fact_claim c left join dim_sentence s using (sentence_key) where s.sentence_key is null"
        ).fetchone()[0]
    assert china == [
        (
            537000.0,
            "units",
            ["China"],
            "all",
            "2025-01-01",
            "2025-11-30",
            12.0,
            "China Automobile Dealers Association",
            "Through November, 537,000 pickups were sold in China, up 12% from the same period in 2024.",
        )
    ]
    assert len(share) == 1
    value, unit, manufacturer, region, sentence = share[0]
    assert (value, unit, manufacturer, region) == (7.0, "percent", "Kia", ["North America"])
    assert "a 7% market share" in sentence
    assert orphans == 0


def test_second_run_on_unchanged_seeds_adds_no_rows(prefect_harness, tmp_path):
    from flows.run.flow import pickup_etl

    db = tmp_path / "pickup.duckdb"
    first = pickup_etl(source=str(SEEDS), db=str(db))
    before = _counts(db)
    second = pickup_etl(source=str(SEEDS), db=str(db))
    after = _counts(db)
    assert first["files_new"] == 3
    assert second["files_unchanged"] == 3 and second["articles_loaded"] == 0
    # Nothing changed, so nothing is published: not even a run row.
    assert second["status"] == "unchanged"
    assert after == before
