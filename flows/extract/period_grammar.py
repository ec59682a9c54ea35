"""The grammar of time phrases: the patterns news writes periods in ("through
November 2025", "Q3", "the first half", "fiscal 2024", "last month"), the
anchor words that say where to look for them, and the dates each one covers.

`periods.py` decides what a found phrase means in its sentence (a comparison,
a target date, the data month); this module only finds and dates phrases.
"""

from __future__ import annotations

import re
from collections import defaultdict

from flows.extract.per_text import PerText
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
CORE_GROUPS = {
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


def accept(kind: str, match: re.Match[str], text: str) -> bool:
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


def matches(text: str, start: int, end: int, kinds: set[str] | None = None):
    """(kind, match) of every period pattern near its anchors, in pattern order."""
    anchors = _anchors(text, start, end)
    windows: dict[tuple[str, ...], list[tuple[int, int]]] = {}  # several kinds share anchors
    for kind, pattern in _PATTERNS:
        if kinds is not None and kind not in kinds:
            continue
        needs = _NEEDS[kind]
        if needs not in windows:
            windows[needs] = _windows(anchors, needs, start, end)
        for window_start, window_end in windows[needs]:
            for match in pattern.finditer(text, window_start, window_end):
                yield kind, match


_WHOLE_TEXT = PerText(lambda text: list(matches(text, 0, len(text))))


def text_matches(text: str, kinds: set[str] | None = None) -> list:
    """`matches` over a whole text, kept for the next call on the same text: the
    publication guess, the data month and the article scan all read one text."""
    return [item for item in _WHOLE_TEXT(text) if kinds is None or item[0] in kinds]
