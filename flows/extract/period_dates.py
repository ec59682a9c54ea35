"""The dates a time phrase covers: "Q3 2025" is July to September 2025, "last
month" the month before publication, "fiscal 2024" April 2024 to March 2025
where fiscal years start in April, "year to date" January to the data month.
"""

from __future__ import annotations

import calendar
import re
from datetime import date

from flows.extract.period_grammar import MONTH_NUMBERS
from flows.extract.words import WORDS


def month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def shift_month(year: int, month: int, delta: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + delta
    return index // 12, index % 12 + 1


def _ordinal(raw: str) -> int:
    """'third' or '3rd'."""
    digits = raw[:-2]
    return int(digits) if digits.isdigit() else WORDS.ordinals[raw.lower()]


def _month_number(raw: str) -> int:
    return MONTH_NUMBERS[raw.lower().rstrip(".")]


def _count(raw: str) -> int:
    if raw.isdigit():
        return int(raw)
    return sum(WORDS.cardinals[part] for part in raw.lower().split("-"))  # "twenty-four"


def _year_for_month(month: int, published: date | None, given: str | None) -> int | None:
    """A month without a year is the latest such month not after publication."""
    if given:
        return int(given)
    if published is None:
        return None
    return published.year if month <= published.month else published.year - 1


_Dates = tuple[date | None, date | None, bool]


def _quarter_to_date(g, published, fiscal_start, as_of) -> _Dates:
    q = int(g["q"]) if g["q"] else _ordinal(g["qw"])
    year = (
        int(g["y"])
        if g["y"]
        else (as_of.year if as_of else (published.year if published else None))
    )
    if year is None:
        return None, None, False
    return date(year, 1, 1), month_end(year, 3 * q), bool(g["y"])


def _this_quarter(g, published, fiscal_start, as_of) -> _Dates:
    # "for the quarter": the quarter the article reports.
    if as_of is None:
        return None, None, False
    quarter_start = (as_of.month - 1) // 3 * 3 + 1
    return date(as_of.year, quarter_start, 1), month_end(as_of.year, quarter_start + 2), False


def _full_year(g, published, fiscal_start, as_of) -> _Dates:
    year = as_of.year if as_of else (published.year if published else None)
    return (date(year, 1, 1), date(year, 12, 31), False) if year else (None, None, False)


def _month_range(g, published, fiscal_start, as_of) -> _Dates:
    m1, m2 = _month_number(g["m1"]), _month_number(g["m2"])
    y2 = _year_for_month(m2, published, g["y2"] or g["y1"])
    if y2 is None:
        return None, None, False
    y1 = int(g["y1"]) if g["y1"] else (y2 if m1 <= m2 else y2 - 1)
    return date(y1, m1, 1), month_end(y2, m2), bool(g["y2"] or g["y1"])


def _rolling_months(g, published, fiscal_start, as_of) -> _Dates:
    m = _month_number(g["m"])
    y = _year_for_month(m, published, g["y"])
    if y is None:
        return None, None, False
    if not g["n"] and not g["fin"] and g["kw"].lower() == "to":
        # "in the year to 28 February": the year to date, as British news writes it.
        return date(y, 1, 1), month_end(y, m), bool(g["y"])
    n = _count(g["n"]) if g["n"] else 12
    sy, sm = shift_month(y, m, -(n - 1))
    return date(sy, sm, 1), month_end(y, m), bool(g["y"])


def _first_months(g, published, fiscal_start, as_of) -> _Dates:
    n = _count(g["n"])
    if not 1 <= n <= 12:
        return None, None, False
    year = int(g["y"]) if g["y"] else None
    if year is None and published is not None:
        year = published.year - (1 if (g["rel"] or "").lower() == "last" else 0)
    if year is None:
        return None, None, False
    return date(year, 1, 1), month_end(year, n), bool(g["y"])


def _year_to_month(g, published, fiscal_start, as_of) -> _Dates:
    m = _month_number(g["m"])
    y = _year_for_month(m, published, g["y"])
    if y is None:
        return None, None, False
    return date(y, 1, 1), month_end(y, m), bool(g["y"])


def _quarter(g, published, fiscal_start, as_of) -> _Dates:
    q = int(g["q"]) if g["q"] else _ordinal(g["qw"])
    year = int(g["y"]) if g["y"] else (2000 + int(g["yy"]) if g["yy"] else None)
    if year is None and published is not None:
        year = published.year - (1 if (g["rel"] or "").lower() == "last" else 0)
        if not g["rel"] and q * 3 > published.month:
            year -= 1
    if year is None:
        return None, None, False
    start_month = 1
    if g["fiscal"] and fiscal_start != 1:
        start_month = fiscal_start
        year -= 1  # fiscal years are named after the year they end in
    sy, sm = shift_month(year, start_month, (q - 1) * 3)
    ey, em = shift_month(sy, sm, 2)
    return date(sy, sm, 1), month_end(ey, em), bool(g["y"] or g["yy"])


def _named_quarter(g, published, fiscal_start, as_of) -> _Dates:
    m = _month_number(g["m"])
    y = _year_for_month(m, published, g["y"])
    if y is None:
        return None, None, False
    sy, sm = shift_month(y, m, -2)
    return date(sy, sm, 1), month_end(y, m), bool(g["y"])


def _half(g, published, fiscal_start, as_of) -> _Dates:
    h = int(g["h"]) if g["h"] else (1 if g["hw"].lower() == "first" else 2)
    year = int(g["y"]) if g["y"] else None
    if year is None and published is not None:
        year = published.year - (1 if (g["rel"] or "").lower() == "last" else 0)
    if year is None:
        return None, None, False
    return date(year, 1 + 6 * (h - 1), 1), month_end(year, 6 * h), bool(g["y"])


def _fiscal_year(g, published, fiscal_start, as_of) -> _Dates:
    raw = g["fy"] or g["fy2"] or g["fy4"]
    if g["fy3"]:
        end_year = int(g["fy3"]) + 1
    elif g["fy4b"]:
        end_year = int(g["fy4"]) + 1
    else:
        end_year = int(raw) if len(raw) == 4 else 2000 + int(raw)
    if g["fy2"] and fiscal_start == 4:
        # Japanese and Indian news name an April-March year by its first year:
        # "fiscal 2024" runs from April 2024 to March 2025.
        end_year = int(g["fy2"]) + 1
    if fiscal_start == 1:
        return date(end_year, 1, 1), date(end_year, 12, 31), True
    return (
        date(end_year - 1, fiscal_start, 1),
        month_end(*shift_month(end_year - 1, fiscal_start, 11)),
        True,
    )


def _relative(g, published, fiscal_start, as_of) -> _Dates:
    if published is None:
        return None, None, False
    to_date = g["ytd"] or (g["what"] or "").lower().startswith("so far")
    if to_date and as_of is not None:
        return date(as_of.year, 1, 1), as_of, False
    if (g["what"] or "").lower() == "this" and (g["unit"] or "").lower() == "quarter" and as_of:
        quarter_start = (as_of.month - 1) // 3 * 3 + 1
        return (
            date(as_of.year, quarter_start, 1),
            month_end(as_of.year, quarter_start + 2),
            False,
        )
    if g["ytd"]:
        ey, em = shift_month(published.year, published.month, -1)
        if ey < published.year:
            return None, None, False
        return date(published.year, 1, 1), month_end(ey, em), False
    if g["ago"]:
        return date(published.year - 1, 1, 1), date(published.year - 1, 12, 31), False
    if g["n"]:
        n = _count(g["n"])
        if g["nunit"].lower() == "years":
            return date(published.year - n, 1, 1), date(published.year - 1, 12, 31), False
        ey, em = shift_month(published.year, published.month, -1)
        sy, sm = shift_month(ey, em, -(n - 1))
        return date(sy, sm, 1), month_end(ey, em), False
    what = re.sub(r"\s+", " ", g["what"].lower())
    unit = g["unit"].lower()
    offset = {
        "last": -1,
        "past": -1,
        "previous": -1,
        "the past": -1,
        "the previous": -1,
        "this": 0,
        "so far this": 0,
        "next": 1,
    }[what]
    if unit == "year":
        year = published.year + offset
        if what == "so far this":
            ey, em = shift_month(published.year, published.month, -1)
            return date(year, 1, 1), month_end(ey, em), False
        return date(year, 1, 1), date(year, 12, 31), False
    if unit == "month":
        y, m = shift_month(published.year, published.month, offset)
        return date(y, m, 1), month_end(y, m), False
    quarter_start = (published.month - 1) // 3 * 3 + 1
    sy, sm = shift_month(published.year, quarter_start, 3 * offset)
    ey, em = shift_month(sy, sm, 2)
    return date(sy, sm, 1), month_end(ey, em), False


def _day(g, published, fiscal_start, as_of) -> _Dates:
    m = _month_number(g["m"])
    d = int(g["d"])
    y = _year_for_month(m, published, g["y"])
    if y is None or d > calendar.monthrange(y, m)[1]:
        return None, None, False
    return date(y, m, d), date(y, m, d), bool(g["y"])


def _month(g, published, fiscal_start, as_of) -> _Dates:
    m = _month_number(g["m"])
    y = _year_for_month(m, published, g["y"])
    if y is None:
        return None, None, False
    return date(y, m, 1), month_end(y, m), bool(g["y"])


def _year(g, published, fiscal_start, as_of) -> _Dates:
    y = int(g["y"])
    return date(y, 1, 1), date(y, 12, 31), True


_RESOLVERS = {
    "quarter_to_date": _quarter_to_date,
    "this_quarter": _this_quarter,
    "full_year": _full_year,
    "month_range": _month_range,
    "rolling_months": _rolling_months,
    "first_months": _first_months,
    "year_to_month": _year_to_month,
    "quarter": _quarter,
    "named_quarter": _named_quarter,
    "half": _half,
    "fiscal_year": _fiscal_year,
    "relative": _relative,
    "day": _day,
    "month": _month,
    "year": _year,
}


def resolve(
    kind: str,
    match: re.Match[str],
    published: date | None,
    fiscal_start: int,
    as_of: date | None = None,
) -> tuple[date | None, date | None, bool]:
    """Dates covered by one match, and whether the year was written out. `as_of` is the
    end of the latest month the article reports: "year to date", "this quarter" and
    "the full year" count to it, not to the day of publication."""
    resolver = _RESOLVERS.get(kind)
    if resolver is None:
        return None, None, False
    return resolver(match.groupdict(), published, fiscal_start, as_of)
