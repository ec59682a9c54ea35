"""The example questions of sql/examples answer on the seed warehouse, and the README shows them."""

from __future__ import annotations

import json

import duckdb
import pytest

from .conftest import GOLD, REPO

pytestmark = pytest.mark.slow

EXAMPLES = sorted((REPO / "sql" / "examples").glob("*.sql"))


def _answer(db, path) -> list[dict]:
    with duckdb.connect(str(db), read_only=True) as connection:
        result = connection.execute(path.read_text(encoding="utf-8"))
        columns = [d[0] for d in result.description]
        return [dict(zip(columns, row, strict=True)) for row in result.fetchall()]


def _example(stem: str):
    return next(path for path in EXAMPLES if path.stem.endswith(stem))


def _gold_claims() -> list[dict]:
    lines = (GOLD / "seed_claims.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def test_there_are_five_examples_each_stating_its_question_and_grain():
    assert len(EXAMPLES) >= 5
    for path in EXAMPLES:
        lines = path.read_text(encoding="utf-8").splitlines()
        assert lines[0].startswith("-- ") and lines[0].endswith("?"), path.name
        assert lines[1].startswith("-- Grain:"), path.name


def test_the_readme_shows_every_example_verbatim():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for path in EXAMPLES:
        assert path.read_text(encoding="utf-8").rstrip() in readme, path.name


def test_electric_pickups_by_market_puts_the_largest_total_first(seed_run):
    _summary, db = seed_run
    rows = _answer(db, _example("electric_pickups_by_market"))
    assert rows, "no electric market totals for 2025"
    assert [row["value"] for row in rows] == sorted((row["value"] for row in rows), reverse=True)
    assert all(row["powertrain"] in {"bev", "phev", "erev", "nev"} for row in rows)
    top = rows[0]
    assert (top["market"], top["metric"], top["value"]) == ("China", "sales", 537000)
    assert top["sources"] == ["China Automobile Dealers Association"]


def test_model_leaders_rank_stated_positions(seed_run):
    _summary, db = seed_run
    rows = _answer(db, _example("model_leaders"))
    us = [(row["position"], row["model"]) for row in rows if row["market"] == "United States"]
    assert us[:2] == [(1, "F-Series"), (2, "Silverado")]
    assert all(row["position"] <= 3 for row in rows)


def test_announced_targets_are_the_gold_targets(seed_run):
    _summary, db = seed_run
    rows = _answer(db, _example("announced_targets"))
    gold = sorted(
        (claim["metric"], claim["value"])
        for claim in _gold_claims()
        if claim["metric"].endswith("target")
    )
    assert sorted((row["metric"], row["value"]) for row in rows) == gold


def test_conflicting_reports_show_the_seeds_drifted_and_inconsistent_figures(seed_run):
    _summary, db = seed_run
    rows = _answer(db, _example("conflicting_reports"))
    found = {(row["status"], row["metric"], row["powertrain"], row["value"]) for row in rows}
    # 001 retells 002's 23,500 Korean registrations as BEV ones of another year
    assert ("scope_drift", "registrations", "all", 23500) in found
    assert ("scope_drift", "registrations", "bev", 23500) in found
    # and states more BEV than NEV pickups sold in China
    assert ("inconsistent", "sales", "bev", 537000) in found
    assert ("inconsistent", "sales", "nev", 67000) in found
    assert all(row["articles"] and row["example_sentence"] for row in rows)


def test_sources_count_each_claim_once(seed_run):
    _summary, db = seed_run
    rows = _answer(db, _example("sources"))
    with duckdb.connect(str(db), read_only=True) as connection:
        credited = connection.execute(
            "select source_org, metric, count(*) from v_claims where source_org is not null "
            "group by all"
        ).fetchall()
    assert {(row["source_org"], row["metric"], row["claims"]) for row in rows} == set(credited)
