"""Stories and facts: copies and rewrites grouped, thresholds measured on real pairs,
statuses that find the seeds' drifted and inconsistent figures and real conflicts."""

from __future__ import annotations

import csv
import itertools
import shutil
from pathlib import Path

import duckdb
import polars as pl
import pytest

from flows.extract.frames import parse_records, to_frames
from flows.fingerprint import figure_marks_of, text_bands
from flows.reference import load_reference
from flows.sources import read_file, read_manifests
from flows.warehouse.stories import MIN_BANDS, MIN_FIGURES, MIN_OVERLAP

from .conftest import REPO, SEEDS, run_in_process

pytestmark = pytest.mark.slow

REAL = REPO / "tests" / "fixtures" / "real"


def _run(source: Path, db: Path) -> None:
    summary = run_in_process(source, db)
    assert summary["status"] in ("success", "partial"), summary


def _rows(db: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as connection:
        return connection.execute(sql).fetchall()


def _same_story_pairs() -> set[frozenset[str]]:
    """Pairs of articles that tell one story, from tests/fixtures/real/stories.csv."""
    with open(REAL / "stories.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    by_story: dict[str, list[str]] = {}
    for row in rows:
        by_story.setdefault(row["story"], []).append(row["file"])
    return {frozenset(p) for files in by_story.values() for p in itertools.combinations(files, 2)}


@pytest.fixture(scope="module")
def real_db(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("real") / "real.duckdb"
    _run(REAL / "articles", db)
    return db


def test_thresholds_separate_real_same_story_pairs_from_the_rest():
    """The measured data behind the thresholds: every same-story pair of the real corpus
    shares enough wording or figures, no other pair does."""
    reference = load_reference()
    root = REAL / "articles"
    names = sorted(p.name for p in root.glob("*.txt"))
    manifests = read_manifests(root, names)
    parsed = {
        name: parse_records(read_file(root, name, manifests.row_for(name))[0], reference)[0]
        for name in names
    }
    frames = to_frames(list(parsed.values()), {}, "test")
    marks = figure_marks_of(frames.claims, frames.claim_regions)
    prints = {
        name: (
            set(text_bands(parsed[name].clean.text)),
            set(marks.filter(pl.col("article") == parsed[name].raw.article)["hash"]),
        )
        for name in names
    }
    same = _same_story_pairs()
    for a, b in itertools.combinations(names, 2):
        bands = len(prints[a][0] & prints[b][0])
        figures = len(prints[a][1] & prints[b][1])
        overlap = figures / max(1, min(len(prints[a][1]), len(prints[b][1])))
        linked = bands >= MIN_BANDS or (figures >= MIN_FIGURES and overlap >= MIN_OVERLAP)
        assert linked == (frozenset((a, b)) in same), (a, b, bands, figures, overlap)


def test_story_grouping_on_real_articles_finds_the_same_story_pairs(real_db):
    rows = _rows(real_db, "select article, story_key from dim_article")
    story = dict(rows)
    found = {
        frozenset((a, b))
        for a, b in itertools.combinations(sorted(story), 2)
        if story[a] == story[b]
    }
    expected = _same_story_pairs()
    precision = len(found & expected) / len(found)
    recall = len(found & expected) / len(expected)
    assert (precision, recall) == (1.0, 1.0), found ^ expected
    matches = dict(_rows(real_db, "select article, story_match from dim_article"))
    assert matches["st09_nation_cn_pickups_april_2024.txt"] in ("copy", "first")
    assert {
        matches["st08_chinadaily_cn_pickups_april_2024.txt"],
        matches["st09_nation_cn_pickups_april_2024.txt"],
    } == {"first", "copy"}
    q3 = [matches[name] for name in story if name.startswith(("st01", "st02", "st03"))]
    assert sorted(q3) == ["first", "rewrite", "rewrite"]


def test_a_later_rewrite_joins_the_story_of_the_article_it_retells(tmp_path):
    source = tmp_path / "articles"
    source.mkdir()
    for name in ("000_db328f05d34531cb.txt", "002_bae4b555c2f5d7a3.txt"):
        shutil.copy(SEEDS / name, source / name)
    db = tmp_path / "pickup.duckdb"
    _run(source, db)
    before = dict(_rows(db, "select article, story_key from dim_article"))
    assert before["000_db328f05d34531cb.txt"] != before["002_bae4b555c2f5d7a3.txt"]
    shutil.copy(SEEDS / "001_d27553af4ab55881.txt", source / "001_d27553af4ab55881.txt")
    _run(source, db)
    after = {
        row[0]: row[1:]
        for row in _rows(db, "select article, story_key, story_match from dim_article")
    }
    # compared with the index of what was loaded before, the rewrite finds its story
    assert after["001_d27553af4ab55881.txt"] == (before["002_bae4b555c2f5d7a3.txt"], "rewrite")
    assert after["002_bae4b555c2f5d7a3.txt"] == (before["002_bae4b555c2f5d7a3.txt"], "first")
    stories = _rows(db, "select first_article, articles, rewrites from dim_story order by articles")
    assert stories == [("000_db328f05d34531cb.txt", 1, 0), ("002_bae4b555c2f5d7a3.txt", 2, 1)]


@pytest.mark.parametrize(("second_day", "together"), [("2025-12-20", True), ("2026-04-20", False)])
def test_a_rewrite_links_only_articles_published_within_a_month(tmp_path, second_day, together):
    """001 retells 002 (15 of their 16 figures shared): the same story when it follows
    within days, the same data reported again when it comes months later."""
    source = tmp_path / "articles"
    source.mkdir()
    for name in ("001_d27553af4ab55881.txt", "002_bae4b555c2f5d7a3.txt"):
        shutil.copy(SEEDS / name, source / name)
    (source / "manifest.csv").write_text(
        "file,published_on\n"
        f"002_bae4b555c2f5d7a3.txt,2025-12-15\n001_d27553af4ab55881.txt,{second_day}\n",
        encoding="utf-8",
    )
    db = tmp_path / "pickup.duckdb"
    _run(source, db)
    stories = _rows(db, "select count(distinct story_key) from dim_article")[0][0]
    assert stories == (1 if together else 2)


def test_fact_statuses_on_the_seeds_name_the_drifted_and_inconsistent_figures(seed_run):
    _summary, db = seed_run
    statuses = dict(_rows(db, "select status, count(*) from fact_figure group by all"))
    assert statuses["inconsistent"] == 2 and statuses["scope_drift"] >= 4
    flagged = {
        (status, metric, market, powertrain, value)
        for status, metric, market, powertrain, value in _rows(
            db,
            "select status, metric, market, powertrain, value from fact_figure "
            "where status in ('inconsistent', 'scope_drift')",
        )
    }
    # 002's 23,500 Korean registrations, retold by 001 as BEV ones of another year
    assert ("scope_drift", "registrations", "South Korea", "all", 23500) in flagged
    assert ("scope_drift", "registrations", "South Korea", "bev", 23500) in flagged
    # 537,000 Chinese sales: all pickups in 002, BEV ones in 001, which also says 67,000 NEV
    assert ("scope_drift", "sales", "China", "all", 537000) in flagged
    assert ("inconsistent", "sales", "China", "bev", 537000) in flagged
    assert ("inconsistent", "sales", "China", "nev", 67000) in flagged
    # 3,500 BYD exports: all pickups in one article, electric ones in the other
    assert {("scope_drift", "exports", "China", p, 3500) for p in ("all", "bev")} <= flagged
    # each traceable to its sentences
    traced = _rows(
        db,
        "select status, article, sentence from v_conflicts where metric = 'sales' and market = 'China'",
    )
    assert {row[1] for row in traced} == {"001_d27553af4ab55881.txt", "002_bae4b555c2f5d7a3.txt"}
    assert all("537,000" in sentence or "67,000" in sentence for _s, _a, sentence in traced)


def test_part_of_rules_are_data(seed_run):
    _summary, db = seed_run
    rules = _rows(db, "select kind, part, whole from rule_part_of")
    assert ("powertrain", "bev", "nev") in rules
    with open(REPO / "seeds" / "reference" / "part_of.csv", newline="", encoding="utf-8") as f:
        assert len(rules) == len(list(csv.DictReader(f)))


def test_real_conflicting_figures_are_flagged(real_db):
    """tests/fixtures/real/conflicts.csv: China's 2019 pickup sales, 452,000 (Automotive
    News) against 440,000 (CPCA); US Cybertruck sales in 2024, 50,000 against 39,000."""
    conflicts = _rows(
        real_db,
        "select status, metric, market, period_end, value from v_conflicts",
    )
    china = {
        (s, v)
        for s, m, market, end, v in conflicts
        if market == "China" and str(end) == "2019-12-31"
    }
    assert china == {("conflicting", 452000), ("conflicting", 440000)}
    cybertruck_2024 = {
        v
        for s, m, market, end, v in conflicts
        if market == "United States" and str(end) == "2024-12-31" and m == "sales"
    }
    assert {50000, 39000} <= cybertruck_2024
    best = _rows(
        real_db,
        "select value, chosen_because from v_market_facts "
        "where market = 'China' and metric = 'sales' and period_end = date '2019-12-31'",
    )
    assert len(best) == 1 and best[0][0] in (452000, 440000)


def test_the_wording_bands_made_in_the_parse_step_are_the_ones_indexed(seed_run):
    """The parse step makes each article's bands (on every core); they reach the story
    index through validation and the load, one set per article, as its text gives them."""
    _summary, db = seed_run
    texts = dict(_rows(db, "select article_key, cleaned_text from dim_article"))
    indexed: dict[int, set[int]] = {}
    for key, band in _rows(
        db, "select article_key, hash from story_fingerprint where kind = 'band'"
    ):
        indexed.setdefault(key, set()).add(band)
    assert len(texts) == 3
    assert indexed == {key: set(text_bands(text)) for key, text in texts.items()}
    assert all(len(bands) >= MIN_BANDS for bands in indexed.values())


def test_the_wording_bands_are_datasketchs_minhash_bit_for_bit():
    """Warehouses hold bands made with datasketch's MinHash ("affine32", datasketch 2):
    the project's own MinHash must give the same bands, or copies loaded before and
    after an upgrade would no longer find each other."""
    datasketch = pytest.importorskip("datasketch", reason="install the dev extra")
    from flows.fingerprint import NUM_PERM, SEED, minhash, shingles

    def reference_minhash(runs: list[bytes]) -> list[int]:
        reference = datasketch.MinHash(num_perm=NUM_PERM, seed=SEED, scheme="affine32")
        reference.update_batch(runs)
        return reference.hashvalues.tolist()

    texts = [path.read_text(encoding="utf-8") for path in sorted((REAL / "articles").iterdir())]
    texts += [path.read_text(encoding="utf-8") for path in sorted(SEEDS.iterdir())]
    texts += ["", "four words only here", "five words make one shingle"]
    assert len(texts) > 50
    runs = [shingles(text) for text in texts]
    assert [bool(r) for r in runs[-3:]] == [False, False, True]
    assert [minhash(r).tolist() for r in runs if r] == [reference_minhash(r) for r in runs if r]
    assert text_bands(texts[-2]) == [] and len(text_bands(texts[-1])) == 32


def _one_percent_support(values: list[float]) -> dict[float, int]:
    """The rule fact_figure states, pair by pair: each value with the statements of a value
    within 1% of the larger of the two (each statement here its own story)."""
    return {
        value: sum(abs(other - value) <= 0.01 * max(abs(other), abs(value)) for other in values)
        for value in set(values)
    }


def _state_in_1999(db: Path, statements: list[tuple[int | None, float]]) -> None:
    """Add claims of one fact (the first seed claim's, moved to 1999, a year no seed claim
    has): each (story, value) stated by an article of its own; story None: its own story."""
    with duckdb.connect(str(db)) as connection:
        claim_key, article_key = connection.execute(
            "select claim_key, article_key from fact_claim where value is not null "
            "order by claim_key limit 1"
        ).fetchone()
        for number, (story, value) in enumerate(statements, start=1):
            connection.execute(
                "insert into dim_article select * replace (? as article_key, "
                "'edge_' || ? as article, ? as story_key) from dim_article where article_key = ?",
                [number, number, story, article_key],
            )
            connection.execute(
                "insert into fact_claim select * replace (? as claim_key, ? as article_key, "
                "?::double as value, 'exact' as qualifier, date '1999-01-01' as period_start, "
                "date '1999-12-31' as period_end) from fact_claim where claim_key = ?",
                [-number, number, value, claim_key],
            )
            connection.execute(
                "insert into bridge_claim_region select * replace (? as claim_key) "
                "from bridge_claim_region where claim_key = ?",
                [-number, claim_key],
            )


IN_1999 = "from fact_figure where period_start = date '1999-01-01'"


def test_figures_support_each_other_within_one_percent_at_every_edge(seed_run, tmp_path):
    """fact_figure compares a value only with those in nearby buckets of a log scale: what it
    finds must be what comparing every pair finds, at the edges of 1% and of the buckets."""
    db = tmp_path / "pickup.duckdb"
    shutil.copy(seed_run[1], db)
    edges = [0, 0, 98.99, 99, 100, 101, 101.01, 101.02, 990, 1000, 1010, 1010.1, 1010.11]
    # a run of values 0.3% apart crosses several buckets (2% wide)
    values = edges + [round(5000 * 1.003**step) for step in range(-12, 13)] + [1.02**300]
    _state_in_1999(db, [(None, value) for value in values])
    expected = _one_percent_support([float(value) for value in values])
    assert expected[100] == 4 and expected[98.99] == 2  # 99, 100, 101, 101.01 | 98.99, 99
    facts = _rows(db, f"select values {IN_1999}")  # one fact per market the claim names
    assert facts
    for (found,) in facts:
        assert {entry["value"]: entry["stories"] for entry in found} == expected


def test_a_value_beyond_a_double_leaves_the_facts_readable(seed_run, tmp_path):
    db = tmp_path / "pickup.duckdb"
    shutil.copy(seed_run[1], db)
    _state_in_1999(db, [(None, 100), (None, 100.5), (None, float("inf"))])
    supports = _rows(db, f"select list_sort(values) {IN_1999}")
    assert supports and all(
        [(entry["value"], entry["stories"]) for entry in values][:2] == [(100, 2), (100.5, 2)]
        for (values,) in supports
    )


@pytest.mark.parametrize(
    ("statements", "status"),
    [
        ([(7, 100), (7, 90)], "single_source"),  # one story may correct itself
        ([(7, 100), (7, 90), (8, 100)], "conflicting"),  # 90 against another story's 100
        ([(7, 100), (7, 90), (8, 99.5)], "conflicting"),
        ([(7, 100), (8, 99.5), (9, 99.2)], "corroborated"),  # all within 1%
        ([(7, 100), (8, 100), (9, 98.9)], "conflicting"),
    ],
)
def test_a_figure_is_conflicting_when_independent_stories_differ(
    seed_run, tmp_path, statements, status
):
    db = tmp_path / "pickup.duckdb"
    shutil.copy(seed_run[1], db)
    _state_in_1999(db, statements)
    assert _rows(db, f"select distinct status {IN_1999}") == [(status,)]
