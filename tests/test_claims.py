"""claims.py and sentence_reading.py: what a careful reader takes from a sentence."""

from __future__ import annotations

import pytest

from flows.extract.article import parse_article
from flows.extract.gazetteer import build_gazetteer
from flows.extract.read import RawArticle


def _claims(text, reference, published="2025-12-03"):
    raw = RawArticle(
        article="t.txt",
        path="t.txt",
        record=None,
        text=text,
        format="text",
        encoding="utf-8",
        published=published,
    )
    return [c.as_record() for c in parse_article(raw, reference, build_gazetteer(reference)).claims]


def _one(text, reference, **kwargs):
    claims = _claims(text, reference, **kwargs)
    assert len(claims) == 1, claims
    return claims[0]


def _subset(claim, expected):
    return {key: claim[key] for key in expected} == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Ford sold 5,384 Rangers in Australia in October.",
            {
                "metric": "sales",
                "value": 5384,
                "unit": "units",
                "manufacturer": "Ford",
                "model": "Ranger",
                "region": ["Australia"],
                "period_start": "2025-10-01",
                "period_end": "2025-10-31",
            },
        ),
        (
            "South Korea registered nearly 23,500 electric pickups through November, up 68% from a year earlier.",
            {
                "metric": "registrations",
                "qualifier": "approx",
                "powertrain": "bev",
                "change_pct": 68,
                "period_start": "2025-01-01",
                "period_end": "2025-11-30",
            },
        ),
        (
            "Kia has exported more than 15,000 Tasman utes to Australia and New Zealand.",
            {
                "metric": "exports",
                "qualifier": "at_least",
                "region": ["Australia", "New Zealand"],
                "model": "Tasman",
            },
        ),
        (
            "BYD shipped 3,500 pickups abroad last month.",
            {
                "metric": "exports",
                "region": ["China"],
                "period_start": "2025-11-01",
                "period_end": "2025-11-30",
            },
        ),
        (
            "Sales of NEV pickups fell 5.2 per cent to 9,870 units in the third quarter.",
            {
                "metric": "sales",
                "value": 9870,
                "powertrain": "nev",
                "change_pct": -5.2,
                "period_start": "2025-07-01",
            },
        ),
        (
            "The Musso EV recorded 14,313 registrations, up from 12,231 in the first 11 months of 2024.",
            {
                "value": 14313,
                "baseline_value": 12231,
                "period_start": "2025-01-01",
                "period_end": "2025-11-30",
                "manufacturer": "KG Mobility",
            },
        ),
        (
            "The Shark 6 is priced from A$57,900 before on-road costs.",
            {
                "metric": "price",
                "unit": "AUD",
                "value": 57900,
                "powertrain": "phev",
                "region": ["Australia"],
            },
        ),
        (
            "Toyota has a 41.1% share of the Thai pickup segment.",
            {"metric": "market_share", "unit": "percent", "value": 41.1, "manufacturer": "Toyota"},
        ),
        (
            "Kia is targeting annual sales of 90,000 units in North America.",
            {"metric": "sales_target", "value": 90000, "period_start": None},
        ),
        (
            "GM now expects to sell 2.8 million vehicles in the US in 2025.",
            {
                "metric": "sales_target",
                "value": 2_800_000,
                "period_start": "2025-01-01",
                "period_end": "2025-12-31",
            },
        ),
        (
            "Slate said it had taken more than 100,000 refundable reservations.",
            {"metric": "orders", "value": 100_000, "qualifier": "at_least", "source_org": "Slate"},
        ),
        (
            "Ford delivered 10,005 F-150 Lightning trucks in Q3, according to Cox Automotive.",
            {"metric": "deliveries", "powertrain": "bev", "source_org": "Cox Automotive"},
        ),
        (
            "The Ram 1500 was America's third-best-selling pickup in 2024.",
            {
                "metric": "sales_rank",
                "value": 3,
                "unit": "rank",
                "model": "Ram 1500",
                "region": ["United States"],
            },
        ),
        (
            "Ranger sales rose 11.2 per cent in October.",
            {"metric": "sales", "value": None, "change_pct": 11.2},
        ),
        (
            "Pickups accounted for 19.4% of all light-vehicle registrations in Brazil in October.",
            {"metric": "market_share", "value": 19.4, "region": ["Brazil"]},
        ),
    ],
)
def test_one_claim_per_sentence(text, expected, reference):
    claim = _one(text, reference)
    assert _subset(claim, expected), claim


@pytest.mark.parametrize(
    "text",
    [
        "The Tacoma tows 6,000 pounds and makes 326 hp from its 2.4-litre engine.",
        "Tesla is recalling 46,096 Cybertrucks over a loose panel.",
        "Rivian plans to hire 2,000 workers at its plant.",
        "The Ford F-150 and the Ram 1500 were shown at the 2025 Detroit Auto Show.",
        "Buyers can claim a $7,500 federal tax credit.",
        "Kia's first pickup, the Tasman, arrives in the first half.",
        "Rating: 4/5",
    ],
)
def test_numbers_that_are_not_market_claims(text, reference):
    assert _claims(text, reference) == []


def test_respectively_maps_values_to_subjects_in_order(reference):
    claims = _claims(
        "The GMC Sierra and Ram's truck lineup ranked sixth and eighth, respectively.", reference
    )
    assert [(c["value"], c["manufacturer"], c["model"]) for c in claims] == [
        (6, "GMC", "Sierra"),
        (8, "Ram", None),
    ]


def test_a_run_of_figures_shares_source_period_and_metric(reference):
    text = (
        "The Ford Ranger was Australia's best-selling vehicle in October with 5,384 sales, according to the FCAI.\n"
        "The Isuzu D-Max finished third with 2,371 sales, and the GWM Cannon managed 655."
    )
    claims = [c for c in _claims(text, reference) if c["metric"] == "sales"]
    assert [(c["model"], c["value"], c["period_start"]) for c in claims] == [
        ("Ranger", 5384, "2025-10-01"),
        ("D-Max", 2371, "2025-10-01"),
        ("Cannon", 655, "2025-10-01"),
    ]
    assert claims[1]["source_org"] == "Federal Chamber of Automotive Industries"


def test_a_credit_carried_through_a_long_run_of_sentences(reference):
    """Each "..., the association said" takes the body credited before it; a run of
    thousands (hostile input) is read without the walks nesting."""
    text = (
        "Pickup sales in China rose 12% in October, according to the CPCA. "
        + "The figures were confirmed, the association said. " * 3000
        + "Exports reached 5,000 units in October, the association said."
    )
    claims = _claims(text, reference)
    assert [(c["value"], c["source_org"]) for c in claims if c["metric"] == "exports"] == [
        (5000, "China Passenger Car Association")
    ]


def test_a_sentence_facts_are_read_once_when_asked_and_keep_what_its_claims_set():
    from flows.extract.context import Facts

    reads = []

    def read(attribute):
        reads.append(attribute)
        return {"manufacturer": "Ford", "model": "Ranger"}

    facts = Facts(read)
    facts.model = "Everest"  # refined by the sentence's claims
    assert reads == []
    assert (facts.manufacturer, facts.model, facts.manufacturer) == ("Ford", "Everest", "Ford")
    assert reads == ["manufacturer"]
    assert Facts().markets == [] and Facts().source is None


def test_a_launch_date_is_not_the_period_of_a_figure(reference):
    text = "Ute sales in October, by model.\nThe Kia Tasman, which went on sale in July, recorded 812 sales in October."
    (claim,) = _claims(text, reference)
    assert (claim["period_start"], claim["period_end"]) == ("2025-10-01", "2025-10-31")


def test_table_rows_are_read_through_their_header(reference):
    text = (
        "Best-selling pickups in China in October, according to the CPCA:\n"
        "| Rank | Model | Sales | YoY |\n"
        "| 1 | JMC Yuhu | 3,150 | +41% |\n"
        "| 2 | Changan Hunter | 2,980 | -12% |\n"
    )
    claims = _claims(text, reference)
    rows = [(c["metric"], c["value"], c["model"], c["change_pct"]) for c in claims]
    assert rows == [
        ("sales_rank", 1, "Yuhu", None),
        ("sales", 3150, "Yuhu", 41),
        ("sales_rank", 2, "Hunter", None),
        ("sales", 2980, "Hunter", -12),
    ]
    assert {c["region"][0] for c in claims} == {"China"}
    assert {c["source_org"] for c in claims} == {"China Passenger Car Association"}


def test_extraction_does_not_depend_on_hash_order():
    """Same input, same output, whatever order sets and dicts iterate in."""
    import os
    import subprocess
    import sys

    from .conftest import CORPUS, SEEDS

    files = [str(p) for p in sorted(SEEDS.iterdir())] + [
        str(p) for p in sorted((CORPUS / "articles").glob("*.txt"))
    ]
    outputs = []
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        for flag in ([], ["--entities"]):
            result = subprocess.run(
                [sys.executable, "-m", "flows", "extract", *files, *flag],
                capture_output=True,
                text=True,
                env=env,
                timeout=120,
            )
            assert result.returncode == 0, result.stderr
            outputs.append(result.stdout)
    assert outputs[0] == outputs[2] and outputs[1] == outputs[3]
    assert outputs[0].count("\n") > 50
