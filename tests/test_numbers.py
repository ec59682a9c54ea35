"""numbers.py: the forms news writes numbers in, and the digits that are not numbers."""

from __future__ import annotations

import pytest

from flows.extract.numbers import find_numbers


def _numbers(text, reference):
    return [
        (n.text, n.value, n.kind, n.currency) for n in find_numbers(text, 0, len(text), reference)
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("sold 23,500 units", [("23,500", 23500, "count", None)]),
        ("1.2 million pickups", [("1.2 million", 1_200_000, "count", None)]),
        ("15k orders", [("15k", 15_000, "count", None)]),
        ("two million trucks", [("two million", 2_000_000, "count", None)]),
        ("priced at $57,900", [("$57,900", 57_900, "money", "USD")]),
        ("from A$57,900", [("A$57,900", 57_900, "money", "AUD")]),
        ("R599,900 in South Africa", [("R599,900", 599_900, "money", "ZAR")]),
        (
            "RMB 150,000 and 180,000 yuan",
            [("RMB 150,000", 150_000, "money", "CNY"), ("180,000 yuan", 180_000, "money", "CNY")],
        ),
        ("1,299,000 baht", [("1,299,000 baht", 1_299_000, "money", "THB")]),
        ("a 68% jump", [("68%", 68, "percent", None)]),
        ("up 335 per cent", [("335 per cent", 335, "percent", None)]),
        ("2.5 percentage points", [("2.5 percentage points", 2.5, "points", None)]),
        (
            "ranked sixth and eighth",
            [("sixth", 6, "ordinal", None), ("eighth", 8, "ordinal", None)],
        ),
        ("the No. 1 pickup", [("1", 1, "ordinal", None)]),
        ("in 2024", [("2024", 2024, "year", None)]),
        ("on December 3", [("3", 3, "date", None)]),
    ],
)
def test_number_forms(text, expected, reference):
    assert _numbers(text, reference) == expected


@pytest.mark.parametrize(
    "text", ["the F-150", "the RD6", "a 4x4", "in Q3", "2.0L engine", "500km", "CAR5"]
)
def test_digits_glued_to_letters_are_not_numbers(text, reference):
    assert [n for n in find_numbers(text, 0, len(text), reference) if n.kind != "year"] == []


def test_a_range_is_one_number_with_a_high_end(reference):
    (number,) = find_numbers("10,000-12,000 units", 0, 19, reference)
    assert (number.value, number.range_high) == (10_000, 12_000)
