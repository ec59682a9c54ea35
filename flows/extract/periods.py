"""Periods and dates: "through November", "first eleven months of 2025", "Q3 2025",
"H1", "last month", "last year", "FY25", "the September quarter".

`find_periods` returns each period expression in a span with the dates it
covers, resolved against the article's publication date (declared or
inferred). `infer_publication` guesses that date from the latest data month
an article reports, the way a reader would. Dates are plain `datetime.date`.
"""

from __future__ import annotations

import calendar
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from email.utils import parsedate_to_datetime

from flows.extract.phrases import PhraseFinder, match_view
from flows.extract.words import WORDS, alternation

MONTH_NUMBERS = WORDS.months
_TENS = alternation(w for w, v in WORDS.cardinals.items() if v in range(20, 100, 10))
_ONES = alternation(w for w, v in WORDS.cardinals.items() if v < 10)
_QUARTER_ORDINALS = alternation(w for w, v in WORDS.ordinals.items() if v <= 4)
_ABBREVIATIONS = [w.capitalize() for w in WORDS.months if w not in WORDS.month_names]

_MONTH = (
    r"(?P<{name}>"
    + alternation(w.capitalize() for w in WORDS.month_names)
    + r"|(?:"
    + alternation(_ABBREVIATIONS)
    + r")\.?)"
)
_YEAR = r"(?P<{name}>(?:19|20)\d\d)"
# "11", "eleven", "twenty-four"
_COUNT = (
    r"(?P<{name}>\d{{1,2}}|(?:"
    + _TENS
    + r")-(?:"
    + _ONES
    + r")|"
    + alternation(w for w in WORDS.cardinals if w != "hundred")
    + r")"
)


def _m(name: str) -> str:
    return _MONTH.format(name=name)


def _y(name: str) -> str:
    return _YEAR.format(name=name)


def _c(name: str) -> str:
    return _COUNT.format(name=name)


@dataclass(frozen=True)
class PeriodMatch:
    start: int
    end: int
    text: str
    period_start: date | None
    period_end: date | None
    comparison: bool  # "the same period in 2024", "a year earlier"
    future: bool  # "by 2030", "planned for 2026": a target date, not a data period
    explicit_year: bool


def month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _shift_month(year: int, month: int, delta: int) -> tuple[int, int]:
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


# Ordered: earlier patterns win where spans overlap.
_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    (
        "month_range",
        re.compile(
            r"\b(?:from\s+|between\s+(?:its\s+|their\s+|the\s+)?)?"
            + _m("m1")
            + r"(?:\s+"
            + _y("y1")
            + r")?"
            # "between its February launch and August": counted from the launch month
            + r"(?:\s+(?:launch|debut|release|arrival|introduction))?"
            + r"\s*(?:to|through|thru|until|and|-|–)\s*"
            + _m("m2")
            + r"(?:,?\s+"
            + _y("y2")
            + r")?",
            re.IGNORECASE,
        ),
    ),
    (
        "rolling_months",
        re.compile(
            r"\b(?:in\s+)?(?:the\s+)?(?:(?P<n>\d{1,2}|twelve|six|three|eighteen)\s+months|(?:(?P<fin>fiscal|financial)\s+)?year)\s+(?P<kw>to|ending|ended)\s+(?:the\s+end\s+of\s+)?(?:\d{1,2}(?:st|nd|rd|th)?\s+)?"
            + _m("m")
            + r"(?:\s+\d{1,2}(?:st|nd|rd|th)?\b)?(?:,?\s+"
            + _y("y")
            + r")?",
            re.IGNORECASE,
        ),
    ),
    (
        "first_months",
        re.compile(
            r"\b(?:(?P<the>the)\s+)?first\s+"
            + _c("n")
            + r"\s+months(?:\s+of)?(?:\s+(?:the\s+year|"
            + _y("y")
            + r"|(?P<rel>this|last)\s+year))?",
            re.IGNORECASE,
        ),
    ),
    (
        "year_to_month",
        re.compile(
            r"\b(?P<kw>through|thru|by|until|up\s+to|as\s+of|to\s+the\s+end\s+of|at\s+the\s+end\s+of|year[- ]to[- ]date\s+(?:through|to|in)|ytd\s+(?:through|to))\s+(?:the\s+end\s+of\s+)?(?:\d{1,2}(?:st|nd|rd|th)?\s+)?"
            + _m("m")
            + r"(?:\s+\d{1,2}(?:st|nd|rd|th)?\b)?(?:,?\s+"
            + _y("y")
            + r")?(?!\s+\d)",
            re.IGNORECASE,
        ),
    ),
    (
        "quarter_to_date",
        re.compile(
            r"\b(?:through|thru|by\s+the\s+end\s+of|up\s+to|to\s+the\s+end\s+of)\s+(?:the\s+)?"
            r"(?:Q(?P<q>[1-4])|(?P<qw>" + _QUARTER_ORDINALS + r")\s+quarter)"
            r"(?:\s+(?:of\s+)?" + _y("y") + r")?",
            re.IGNORECASE,
        ),
    ),
    (
        "quarter",
        re.compile(
            r"\b(?:(?P<fiscal>fiscal|financial)\s+)?(?:Q(?P<q>[1-4])|(?P<qw>"
            + _QUARTER_ORDINALS
            + r"|1st|2nd|3rd|4th)[- ]quarter)"
            r"(?:\s+(?:of\s+)?(?:(?:FY|fiscal\s+)?(?:"
            + _y("y")
            + r"|'(?P<yy>\d\d))|(?P<rel>this|last)\s+year))?",
            re.IGNORECASE,
        ),
    ),
    (
        "named_quarter",
        re.compile(
            r"\bthe\s+" + _m("m") + r"\s+quarter(?:\s+(?:of\s+)?" + _y("y") + r")?", re.IGNORECASE
        ),
    ),
    (
        "half",
        re.compile(
            r"\b(?:H(?P<h>[12])|(?P<hw>first|second)\s+half)(?:\s+(?:of\s+)?(?:the\s+year\s+)?(?:"
            + _y("y")
            + r"|(?P<rel>this|last)\s+year))?",
            re.IGNORECASE,
        ),
    ),
    (
        "fiscal_year",
        re.compile(
            r"\b(?:FY\s?'?(?P<fy>\d{4}|\d{2})|fiscal(?:\s+year)?\s+(?P<fy2>\d{4})|(?P<fy3>\d{4})[-/](?P<fy3b>\d{2})\s+(?:financial|fiscal)\s+year|(?:financial|fiscal)\s+year\s+(?P<fy4>\d{4})(?:[-/](?P<fy4b>\d{2}))?)\b",
            re.IGNORECASE,
        ),
    ),
    (
        "this_quarter",
        re.compile(r"\b(?:the|this)\s+quarter\b(?!\s+(?:of\s+)?(?:19|20)\d\d)", re.IGNORECASE),
    ),
    (
        "full_year",
        re.compile(
            r"\b(?:full[- ]year|the\s+whole\s+year|the\s+full\s+year)\b(?!\s+(?:19|20)\d\d)",
            re.IGNORECASE,
        ),
    ),
    (
        "relative",
        re.compile(
            r"\b(?P<what>last|this|past|previous|the\s+past|the\s+previous|so\s+far\s+this|next)\s+(?P<unit>year|month|quarter)\b"
            r"|\b(?P<ytd>year[- ]to[- ]date|ytd|so\s+far\s+this\s+year|this\s+year\s+so\s+far)\b"
            r"|\b(?:over\s+|in\s+|during\s+)?(?:the\s+)?(?:past|last)\s+(?P<n>\d{1,2}|two|three|four|five|six|twelve|eighteen)\s+(?P<nunit>years|months)\b"
            r"|\b(?P<ago>a\s+year\s+(?:earlier|ago|before)|year[- ]ago|the\s+prior\s+year|the\s+previous\s+year|a\s+year\s+prior)\b",
            re.IGNORECASE,
        ),
    ),
    (
        "day",
        re.compile(
            r"\b" + _m("m") + r"\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?(?:,?\s+" + _y("y") + r")?(?!\d)",
            re.IGNORECASE,
        ),
    ),
    (
        "month",
        re.compile(
            r"\b" + _m("m") + r"(?:'s)?(?:,?\s+" + _y("y") + r")?\b(?!\s*\d{1,2}\b)", re.IGNORECASE
        ),
    ),
    (
        "year",
        re.compile(
            r"\b(?P<prep>in|during|for|of|throughout|across|over|calendar|by|until|before|since|from|through|in\s+calendar|CY)?\s*(?:the\s+)?(?:calendar\s+year\s+|year\s+)?"
            + _y("y")
            + r"(?P<after>\s+(?:(?:annual|full[- ]year|yearly|total|overall|pickup|pick-up|ute|truck|market|industry|new[- ]vehicle)\s+){0,3}(?:sales|registrations|deliveries|delivery|exports|volumes?|figures|total|tally|results|production|calendar\s+year|guidance|outlook|forecast|target))?\b(?![-/]\d)",
            re.IGNORECASE,
        ),
    ),
]

# Groups that hold the date itself (not the preposition that introduces it).
_CORE_GROUPS = {
    "m",
    "m1",
    "y",
    "n",
    "q",
    "qw",
    "h",
    "hw",
    "fy",
    "fy2",
    "fy3",
    "fy4",
    "what",
    "ytd",
    "ago",
    "d",
}
_COMPARISON_BEFORE = re.compile(
    r"\b(?:compared\s+(?:with|to)|from|versus|vs\.?|than|against|over|on|relative\s+to|up\s+from|down\s+from|(?:same|equivalent|corresponding|comparable)\s+(?:period|month|quarter|time)\s+(?:in|of|last)?)\s+(?:the\s+)?(?:(?:same|equivalent|corresponding|comparable)\s+(?:period|month|quarter|time)\s+(?:in|of|a)?\s*)?$",
    re.IGNORECASE,
)
_SAME_PERIOD = re.compile(
    r"(?:(?:same|equivalent|corresponding|comparable)\s+(?:period|month|quarter|time)\s+(?:in|of|a|last)?\s*|year[- ]earlier\s+)$",
    re.IGNORECASE,
)
_FUTURE_BEFORE = re.compile(
    r"(?:planned\s+for|scheduled\s+for|slated\s+for|due\s+in|due|launch\s+in|arrive\s+in|starting\s+in|start\s+in|begin\s+in"
    r"|starts\s+in|begins\s+in|expected\s+in|will\s+\w+\s+in|in\s+time\s+for|ahead\s+of"
    r"|heading\s+into|going\s+into)\s+(?:the\s+)?(?:end\s+of\s+(?:the\s+)?)?$",
    re.IGNORECASE,
)


def _resolve(
    kind: str,
    match: re.Match[str],
    published: date | None,
    fiscal_start: int,
    as_of: date | None = None,
) -> tuple[date | None, date | None, bool]:
    """Dates covered by one match, and whether the year was written out. `as_of` is the
    end of the latest month the article reports: "year to date", "this quarter" and
    "the full year" count to it, not to the day of publication."""
    g = match.groupdict()
    if kind == "quarter_to_date":
        q = int(g["q"]) if g["q"] else _ordinal(g["qw"])
        year = (
            int(g["y"])
            if g["y"]
            else (as_of.year if as_of else (published.year if published else None))
        )
        if year is None:
            return None, None, False
        return date(year, 1, 1), month_end(year, 3 * q), bool(g["y"])
    if kind == "this_quarter":
        # "for the quarter": the quarter the article reports.
        if as_of is None:
            return None, None, False
        quarter_start = (as_of.month - 1) // 3 * 3 + 1
        return date(as_of.year, quarter_start, 1), month_end(as_of.year, quarter_start + 2), False
    if kind == "full_year":
        year = as_of.year if as_of else (published.year if published else None)
        return (date(year, 1, 1), date(year, 12, 31), False) if year else (None, None, False)
    if kind == "month_range":
        m1, m2 = _month_number(g["m1"]), _month_number(g["m2"])
        y2 = _year_for_month(m2, published, g["y2"] or g["y1"])
        if y2 is None:
            return None, None, False
        y1 = int(g["y1"]) if g["y1"] else (y2 if m1 <= m2 else y2 - 1)
        return date(y1, m1, 1), month_end(y2, m2), bool(g["y2"] or g["y1"])
    if kind == "rolling_months":
        m = _month_number(g["m"])
        y = _year_for_month(m, published, g["y"])
        if y is None:
            return None, None, False
        if not g["n"] and not g["fin"] and g["kw"].lower() == "to":
            # "in the year to 28 February": the year to date, as British news writes it.
            return date(y, 1, 1), month_end(y, m), bool(g["y"])
        n = _count(g["n"]) if g["n"] else 12
        sy, sm = _shift_month(y, m, -(n - 1))
        return date(sy, sm, 1), month_end(y, m), bool(g["y"])
    if kind == "first_months":
        n = _count(g["n"])
        if not 1 <= n <= 12:
            return None, None, False
        year = int(g["y"]) if g["y"] else None
        if year is None and published is not None:
            year = published.year - (1 if (g["rel"] or "").lower() == "last" else 0)
        if year is None:
            return None, None, False
        return date(year, 1, 1), month_end(year, n), bool(g["y"])
    if kind == "year_to_month":
        m = _month_number(g["m"])
        y = _year_for_month(m, published, g["y"])
        if y is None:
            return None, None, False
        return date(y, 1, 1), month_end(y, m), bool(g["y"])
    if kind == "quarter":
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
        sy, sm = _shift_month(year, start_month, (q - 1) * 3)
        ey, em = _shift_month(sy, sm, 2)
        return date(sy, sm, 1), month_end(ey, em), bool(g["y"] or g["yy"])
    if kind == "named_quarter":
        m = _month_number(g["m"])
        y = _year_for_month(m, published, g["y"])
        if y is None:
            return None, None, False
        sy, sm = _shift_month(y, m, -2)
        return date(sy, sm, 1), month_end(y, m), bool(g["y"])
    if kind == "half":
        h = int(g["h"]) if g["h"] else (1 if g["hw"].lower() == "first" else 2)
        year = int(g["y"]) if g["y"] else None
        if year is None and published is not None:
            year = published.year - (1 if (g["rel"] or "").lower() == "last" else 0)
        if year is None:
            return None, None, False
        return date(year, 1 + 6 * (h - 1), 1), month_end(year, 6 * h), bool(g["y"])
    if kind == "fiscal_year":
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
            month_end(*_shift_month(end_year - 1, fiscal_start, 11)),
            True,
        )
    if kind == "relative":
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
            ey, em = _shift_month(published.year, published.month, -1)
            if ey < published.year:
                return None, None, False
            return date(published.year, 1, 1), month_end(ey, em), False
        if g["ago"]:
            return date(published.year - 1, 1, 1), date(published.year - 1, 12, 31), False
        if g["n"]:
            n = _count(g["n"])
            if g["nunit"].lower() == "years":
                return date(published.year - n, 1, 1), date(published.year - 1, 12, 31), False
            ey, em = _shift_month(published.year, published.month, -1)
            sy, sm = _shift_month(ey, em, -(n - 1))
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
                ey, em = _shift_month(published.year, published.month, -1)
                return date(year, 1, 1), month_end(ey, em), False
            return date(year, 1, 1), date(year, 12, 31), False
        if unit == "month":
            y, m = _shift_month(published.year, published.month, offset)
            return date(y, m, 1), month_end(y, m), False
        quarter_start = (published.month - 1) // 3 * 3 + 1
        sy, sm = _shift_month(published.year, quarter_start, 3 * offset)
        ey, em = _shift_month(sy, sm, 2)
        return date(sy, sm, 1), month_end(ey, em), False
    if kind == "day":
        m = _month_number(g["m"])
        d = int(g["d"])
        y = _year_for_month(m, published, g["y"])
        if y is None or d > calendar.monthrange(y, m)[1]:
            return None, None, False
        return date(y, m, d), date(y, m, d), bool(g["y"])
    if kind == "month":
        m = _month_number(g["m"])
        y = _year_for_month(m, published, g["y"])
        if y is None:
            return None, None, False
        return date(y, m, 1), month_end(y, m), bool(g["y"])
    if kind == "year":
        y = int(g["y"])
        return date(y, 1, 1), date(y, 12, 31), True
    return None, None, False


def _accept(kind: str, match: re.Match[str], text: str) -> bool:
    """Filters for words that are periods only in some uses."""
    g = match.groupdict()
    if kind in ("month", "day", "named_quarter", "year_to_month", "month_range", "rolling_months"):
        raw = g.get("m") or g.get("m1") or ""
        if raw == "May" and kind == "month" and not g.get("y"):
            # "May" is a month only with a year or after "in"/"during".
            before = text[max(0, match.start() - 8) : match.start()].lower()
            if not re.search(r"\b(in|during|of|for|since|until|through)\s$", before):
                return False
        if raw.islower():
            return False  # "may rise", "march on": lowercase month words are not months
        if raw.lower() in ("mar", "mar.", "may") and kind == "month_range":
            return False
    if kind == "first_months" and not (g.get("the") or g.get("y") or g.get("rel")):
        return False  # "its first seven months on sale" counts from a launch, not from January
    if kind == "year":
        # A bare year is a period after a preposition or before "sales";
        # "2025 CEO Investor Day" and "the 2026 Ranger" are not periods.
        return bool(g.get("prep") or g.get("after"))
    return True


# Every period pattern needs one of its anchor words nearby: a month for "through
# November", "quarter" or "Q3" for a quarter, a year for "in 2025". Patterns only run
# in windows around their own anchors: most articles name many months and years but
# few quarters or fiscal years, and one pass for the anchors is cheap.
_ANCHOR_CLASS = {
    **{name: "month_name" for name in MONTH_NUMBERS},
    **{word: "quarter" for word in ("quarter", "q1", "q2", "q3", "q4")},
    **{word: "half" for word in ("half", "h1", "h2")},
    **{word: "unit" for word in ("month", "months", "year", "years", "ytd")},
    **{word: "fiscal" for word in ("fiscal", "financial", "fy")},
}
_NUMERIC_ANCHOR = re.compile(r"(?:19|20)\d\d|fy\d+")  # on the match view: lower case
_NEEDS = {
    "month_range": ("month_name",),
    "rolling_months": ("unit",),
    "first_months": ("unit",),
    "year_to_month": ("month_name",),
    "quarter": ("quarter",),
    "named_quarter": ("quarter",),
    "half": ("half",),
    "fiscal_year": ("fiscal",),
    "relative": ("unit", "quarter"),
    "full_year": ("unit",),
    "quarter_to_date": ("quarter",),
    "this_quarter": ("quarter",),
    "day": ("month_name",),
    "month": ("month_name",),
    "year": ("year_number",),
}
_ANCHOR_FINDER = None


def _anchors(text: str, start: int, end: int) -> dict[str, list[tuple[int, int]]]:
    """Where the anchor words of each class are in text[start:end]."""
    global _ANCHOR_FINDER
    if _ANCHOR_FINDER is None:
        _ANCHOR_FINDER = PhraseFinder(_ANCHOR_CLASS, hyphen_joins=False)
    piece = text[start:end]
    view = match_view(piece)
    found: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for a, b, key in _ANCHOR_FINDER.find(piece, view):
        found[_ANCHOR_CLASS[key]].append((start + a, start + b))
    for match in _NUMERIC_ANCHOR.finditer(view):
        a, b = match.span()
        if (a == 0 or not view[a - 1].isalnum()) and (b == len(view) or not view[b].isalnum()):
            kind = "fiscal" if view[a] == "f" else "year_number"
            found[kind].append((start + a, start + b))
    return found


def _windows(
    anchors: dict[str, list[tuple[int, int]]], kinds: tuple[str, ...], start: int, end: int
) -> list[tuple[int, int]]:
    """Stretches of text around the anchors of some classes, merged where they touch."""
    spots = sorted(spot for kind in kinds for spot in anchors.get(kind, ()))
    windows: list[tuple[int, int]] = []
    for a, b in spots:
        window = (max(start, a - 50), min(end, b + 45))
        if windows and window[0] <= windows[-1][1]:
            windows[-1] = (windows[-1][0], max(windows[-1][1], window[1]))
        else:
            windows.append(window)
    return windows


def _matches(text: str, start: int, end: int, kinds: set[str] | None = None):
    """(kind, match) of every period pattern near its anchors, in pattern order."""
    anchors = _anchors(text, start, end)
    for kind, pattern in _PATTERNS:
        if kinds is not None and kind not in kinds:
            continue
        for window_start, window_end in _windows(anchors, _NEEDS[kind], start, end):
            for match in pattern.finditer(text, window_start, window_end):
                yield kind, match


_LAST_SCAN: tuple[str, list] | None = None


def _text_matches(text: str, kinds: set[str] | None = None) -> list:
    """`_matches` over a whole text, kept for the next call on the same text: the
    publication guess, the data month and the article scan all read one text."""
    global _LAST_SCAN
    scan = _LAST_SCAN
    if scan is None or not (scan[0] is text or scan[0] == text):
        scan = _LAST_SCAN = (text, list(_matches(text, 0, len(text))))
    return [item for item in scan[1] if kinds is None or item[0] in kinds]


def find_periods(
    text: str,
    start: int,
    end: int,
    published: date | None,
    fiscal_start: int = 1,
    as_of: date | None = None,
) -> list[PeriodMatch]:
    """Period expressions in text[start:end], resolved, without overlaps."""
    taken: list[tuple[int, int]] = []
    found: list[PeriodMatch] = []
    whole = start == 0 and end == len(text)
    for kind, match in _text_matches(text) if whole else _matches(text, start, end):
        period = _period_of(kind, match, text, start, published, fiscal_start, taken, as_of)
        if period is not None:
            taken.append((period.start, period.end))
            found.append(period)
    found.sort(key=lambda p: p.start)
    return found


def _period_of(
    kind, match, text, start, published, fiscal_start, taken, as_of=None
) -> PeriodMatch | None:
    """One match as a resolved period, or None when it overlaps a better one or is not a period."""
    a, b = match.span()
    if any(x < b and a < y for x, y in taken) or not _accept(kind, match, text):
        return None
    period_start, period_end, explicit = _resolve(kind, match, published, fiscal_start, as_of)
    core = min(
        (
            match.start(name)
            for name, value in match.groupdict().items()
            if value and name in _CORE_GROUPS
        ),
        default=a,
    )
    before = text[max(start, core - 40) : core]
    lead = text[max(start, a - 40) : a]
    comparison = bool(
        _COMPARISON_BEFORE.search(lead) or _SAME_PERIOD.search(lead) or _SAME_PERIOD.search(before)
    )
    if kind == "relative" and match.group("ago"):
        comparison = True
    if kind in ("first_months", "rolling_months") and re.search(
        r"\b(?:over|in|during)\s+$", lead, re.I
    ):
        comparison = False  # "over the first two months of 2022": a span, not a comparison
    prep = (match.groupdict().get("prep") or match.groupdict().get("kw") or "").lower()
    future = bool(_FUTURE_BEFORE.search(before)) or (
        kind == "year" and prep in ("by", "until", "before")
    )
    if (
        kind == "year"
        and prep in ("for", "in")
        and _PLANNED_BEFORE.search(text[max(start, a - 30) : a])
    ):
        future = True
    if kind == "relative" and (match.group("what") or "").lower() == "next":
        future = True
    if (
        kind == "year_to_month"
        and prep == "by"
        and published is not None
        and period_end
        and period_end > published
    ):
        future = True
    return PeriodMatch(
        start=a,
        end=b,
        text=match.group().strip(),
        period_start=period_start,
        period_end=period_end,
        comparison=comparison,
        future=future,
        explicit_year=explicit,
    )


_PLANNED_BEFORE = re.compile(
    r"(planned|scheduled|due|slated|expected|launch|arrive|arrives|arriving)\s+$"
)


_DATA_KINDS = (
    "month_range",
    "rolling_months",
    "first_months",
    "year_to_month",
    "quarter",
    "named_quarter",
    "half",
    "month",
)


# A month or year naming when something else happened: "a November 2025 Yale study".
_DATED_THING = re.compile(
    r"\s+(?:[A-Z][\w&-]*\s+){0,2}(?:study|report|survey|poll|analysis|paper|announcement|"
    r"statement|interview|filing|memo|note|letter|ruling|decision|update)\b"
)
_YEAR_WORD = re.compile(r"\b(?:19|20)\d\d\b")


def _sentence_bounds(text: str, position: int) -> tuple[int, int]:
    """The sentence around a position, roughly: from the last '. ' or line break before it
    to the next one after it."""
    start = max(text.rfind(". ", 0, position), text.rfind("\n", 0, position), 0)
    ends = [i for i in (text.find(". ", position), text.find("\n", position)) if i >= 0]
    return start, min(ends, default=len(text))


def _reported_months(text: str, published: date | None) -> list[date]:
    """Ends of the data periods an article names (not its future dates)."""
    ends = []
    for kind, match in _text_matches(text, set(_DATA_KINDS)):
        if not _accept(kind, match, text):
            continue
        period_start, period_end, explicit = _resolve(kind, match, published, 1)
        if period_end is None or (published is None and not explicit):
            continue
        lead = text[max(0, match.start() - 40) : match.start()]
        if _FUTURE_BEFORE.search(lead) or _DATED_THING.match(text, match.end()):
            continue  # "arrive in July", "a November 2025 Yale study"
        if not explicit and published is not None:
            start, end = _sentence_bounds(text, match.start())
            if any(int(y) < published.year - 1 for y in _YEAR_WORD.findall(text, start, end)):
                continue  # "in both 2023 and 2024, ... at the end of November": not this year's
        if _COMPARISON_BEFORE.search(lead) or _SAME_PERIOD.search(lead):
            if not explicit:
                continue  # "compared with November": the month before, not the data month
            # "compared to March 2024": the article reports the March a year on.
            period_end = month_end(period_end.year + 1, period_end.month)
            period_start = (
                date(period_start.year + 1, period_start.month, 1) if period_start else None
            )
        if published is not None and period_start is not None:
            if period_start >= published:
                continue
            # The month the article appears in counts only when named with its year
            # ("in August 2024" on 30 August); a bare "January" is the last one past.
            same_month = (period_start.year, period_start.month) == (
                published.year,
                published.month,
            )
            if same_month and not explicit:
                continue
        ends.append(period_end)
    return ends


def infer_publication(text: str) -> tuple[date | None, str | None]:
    """Publication date guessed from the data an article reports, with its precision.

    News reports data up to the month before it is published: the latest
    month named with its year ("through November 2025", "first eleven months
    of 2025") gives the month of publication as the one after it. An article
    that names only years is dated to the latest year it reports (an earlier one
    is a comparison; a later one after "by" or "until" is a target).
    """
    ends = _reported_months(text, None)
    if ends:
        latest = max(ends)
        year, month = _shift_month(latest.year, latest.month, 1)
        return date(year, month, 1), "month"
    years: Counter = Counter()
    ahead: list[int] = []  # years in sentences that look forward: targets, mandates, plans
    for _kind, match in _text_matches(text, {"year"}):
        prep = (match.group("prep") or "").lower()
        if prep in ("by", "until", "before", "since"):
            continue
        year = int(match.group("y"))
        if _LOOKS_AHEAD.search(text, *_sentence_bounds(text, match.start())):
            ahead.append(year)
            continue
        lead = text[max(0, match.start("y") - 50) : match.start("y")]
        lead = re.sub(r"(?:calendar\s+|financial\s+|fiscal\s+)?(?:year\s+)?$", "", lead)
        # "up 12% on 2023", "compared with 2023": the article reports a later year.
        compared = prep == "from" or _COMPARISON_BEFORE.search(lead) or _SAME_PERIOD.search(lead)
        years[year + 1 if compared else year] += 1
    if years:
        # The latest year reported (an earlier one is a comparison). Known only to the
        # year, it is dated to its end, so "last month" and "November" fall inside it.
        return date(max(years), 12, 31), "year"
    if ahead:
        # Only years looked forward to ("24% in 2026 should be electric"): the year before.
        return date(min(ahead) - 1, 12, 31), "year"
    return None, None


# Words of a sentence about what is to come: its years are not the year reported.
_LOOKS_AHEAD = re.compile(
    r"\b(?:will|should|shall|would|could|aims?|aiming|targets?|targeting|plans?|planning"
    r"|forecasts?|projected|projections?|expects?|expected|anticipates?|predicts?|going\s+to)\b",
    re.IGNORECASE,
)


def data_month(text: str, published: date | None, precision: str | None) -> date | None:
    """The end of the latest month an article reports data for: its "as of" date.

    "Year to date", "this quarter" and a year still running count to it. Without a
    data month in the text, it is the month before publication."""
    ends = _reported_months(text, published)
    if ends:
        return max(ends)
    if published is not None and precision in ("day", "month"):
        year, month = _shift_month(published.year, published.month, -1)
        return month_end(year, month)
    return None


_DATE_FORMATS = (
    "%B %d, %Y",
    "%b %d, %Y",
    "%b. %d, %Y",
    "%d %B %Y",
    "%d %b %Y",
    "%B %d %Y",
    "%Y/%m/%d",
    "%Y.%m.%d",
    "%d %B, %Y",
)


def parse_date(raw: str | None) -> date | None:
    """A date from metadata or a dateline: ISO 8601, RFC 2822, or written out in English."""
    if not raw:
        return None
    value = raw.strip()
    value = re.sub(
        r"^(published|posted|updated|last updated|date)\s*:?\s*", "", value, flags=re.IGNORECASE
    )
    iso = re.match(r"(\d{4})-(\d{2})-(\d{2})", value)
    if iso:
        try:
            return date(int(iso.group(1)), int(iso.group(2)), int(iso.group(3)))
        except ValueError:
            return None
    try:
        return parsedate_to_datetime(value).date()
    except (TypeError, ValueError, IndexError):
        pass
    value = re.sub(r"^(mon|tue|wed|thu|fri|sat|sun)[a-z]*,?\s+", "", value, flags=re.IGNORECASE)
    value = re.sub(r"(\d)(st|nd|rd|th)\b", r"\1", value)
    value = re.sub(r"\s+(at\s+)?\d{1,2}[:.]\d{2}.*$", "", value)
    value = value.replace("Sept.", "Sep.").replace("Sept ", "Sep ")
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    return None
