"""periods.py: time phrases resolved against the publication date."""

from __future__ import annotations

from datetime import date

import pytest

from flows.extract.periods import find_periods, infer_publication, parse_date

PUBLISHED = date(2025, 12, 3)


def _periods(text, published=PUBLISHED, fiscal_start=1):
    return [
        (
            p.text,
            p.period_start and p.period_start.isoformat(),
            p.period_end and p.period_end.isoformat(),
            p.comparison,
            p.future,
        )
        for p in find_periods(text, 0, len(text), published, fiscal_start)
    ]


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("sold through November", "2025-01-01", "2025-11-30"),
        ("registered by November 2024", "2024-01-01", "2024-11-30"),
        ("in the first eleven months of 2025", "2025-01-01", "2025-11-30"),
        ("in the first 11 months of 2024", "2024-01-01", "2024-11-30"),
        ("From January to November 2025", "2025-01-01", "2025-11-30"),
        ("in Jan-Jun 2025", "2025-01-01", "2025-06-30"),
        ("in November", "2025-11-01", "2025-11-30"),
        ("October 2024 sales", "2024-10-01", "2024-10-31"),
        ("in Q3 2025", "2025-07-01", "2025-09-30"),
        ("in the third quarter", "2025-07-01", "2025-09-30"),
        ("in H1 2025", "2025-01-01", "2025-06-30"),
        ("in the first half", "2025-01-01", "2025-06-30"),
        ("last month", "2025-11-01", "2025-11-30"),
        ("last year", "2024-01-01", "2024-12-31"),
        ("so far this year", "2025-01-01", "2025-11-30"),
        ("in the 12 months to June 2025", "2024-07-01", "2025-06-30"),
        ("the September quarter", "2025-07-01", "2025-09-30"),
        ("in 2024", "2024-01-01", "2024-12-31"),
    ],
)
def test_period_phrases(text, start, end):
    found = _periods(text)
    assert len(found) == 1, found
    assert found[0][1:3] == (start, end)


def test_december_published_in_january_means_last_december():
    assert _periods("in December", date(2026, 1, 10))[0][1:3] == ("2025-12-01", "2025-12-31")


def test_fiscal_year_follows_the_companys_year_start():
    # Australian fiscal years end in June and are named by that year ("FY25").
    assert _periods("in FY25", fiscal_start=7)[0][1:3] == ("2024-07-01", "2025-06-30")
    # Japanese years run April-March; "FY2025" names the end, "fiscal 2024" the start.
    assert _periods("in FY2025", fiscal_start=4)[0][1:3] == ("2024-04-01", "2025-03-31")
    assert _periods("in fiscal 2024", fiscal_start=4)[0][1:3] == ("2024-04-01", "2025-03-31")
    assert _periods("in the fiscal year ended March 2025")[0][1:3] == ("2024-04-01", "2025-03-31")
    assert _periods("in FY2025")[0][1:3] == ("2025-01-01", "2025-12-31")


@pytest.mark.parametrize(
    ("text", "comparison", "future"),
    [
        ("up 12% from the same period in 2024", True, False),
        ("compared with the same period in 2023", True, False),
        ("another model planned for 2026", False, True),
        ("to sell 100,000 by 2030", False, True),
        ("sold in 2024", False, False),
    ],
)
def test_comparison_and_future_periods_are_marked(text, comparison, future):
    (found,) = _periods(text)
    assert found[3:] == (comparison, future)


@pytest.mark.parametrize("text", ["the 2025 CEO Investor Day", "the 2026 Ranger", "may rise"])
def test_years_and_words_that_are_not_periods(text):
    assert _periods(text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "537,000 were sold through November 2025, up from the first 11 months of 2024",
            (date(2025, 12, 1), "month"),
        ),
        # Known only to the year: dated to its end, so a bare month falls inside it.
        ("Kia showed the truck at its 2025 investor day", (date(2025, 12, 31), "year")),
        ("No dates here.", (None, None)),
    ],
)
def test_publication_date_is_inferred_from_the_latest_data_month(text, expected):
    assert infer_publication(text) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "2025-12-03",
        "2025-12-03T10:00:00Z",
        "Wed, 03 Dec 2025 10:00:00 GMT",
        "December 3, 2025",
        "3 Dec 2025",
        "Published: Dec. 3rd, 2025 at 9:00 am",
    ],
)
def test_declared_dates_parse(raw):
    assert parse_date(raw) == date(2025, 12, 3)
