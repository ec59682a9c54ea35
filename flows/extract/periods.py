"""Periods and dates: "through November", "first eleven months of 2025", "Q3 2025",
"H1", "last month", "last year", "FY25", "the September quarter".

`find_periods` returns each period expression in a span with the dates it
covers, resolved against the article's publication date (declared or
inferred). `infer_publication` guesses that date from the latest data month
an article reports, the way a reader would. Dates are plain `datetime.date`.
The patterns live in `period_grammar.py`, the dates they cover in
`period_dates.py`; this module decides what a phrase means where it stands: a
comparison ("up on 2024"), a target date ("by 2030"), the data month.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime
from email.utils import parsedate_to_datetime

from flows.extract.cued import CuedPattern
from flows.extract.period_dates import month_end, resolve, shift_month
from flows.extract.period_grammar import CORE_GROUPS, accept, matches, text_matches


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


_COMPARISON_BEFORE = re.compile(
    r"\b(?:compared\s+(?:with|to)|from|versus|vs\.?|than|against|over|on|relative\s+to|up\s+from|down\s+from|(?:same|equivalent|corresponding|comparable)\s+(?:period|month|quarter|time)\s+(?:in|of|last)?)\s+(?:the\s+)?(?:(?:same|equivalent|corresponding|comparable)\s+(?:period|month|quarter|time)\s+(?:in|of|a)?\s*)?$",
    re.IGNORECASE,
)


_SAME_PERIOD = CuedPattern(
    r"(?:(?:same|equivalent|corresponding|comparable)\s+(?:period|month|quarter|time)\s+(?:in|of|a|last)?\s*|year[- ]earlier\s+)$",
    ("same", "equivalent", "corresponding", "comparable", "earlier"),
)


_FUTURE_BEFORE = CuedPattern(
    r"(?:planned\s+for|scheduled\s+for|slated\s+for|due\s+in|due|launch\s+in|arrive\s+in|starting\s+in|start\s+in|begin\s+in"
    r"|starts\s+in|begins\s+in|expected\s+in|will\s+\w+\s+in|in\s+time\s+for|ahead\s+of"
    r"|heading\s+into|going\s+into)\s+(?:the\s+)?(?:end\s+of\s+(?:the\s+)?)?$",
    # Every way it has holds one of these words.
    (
        "plan", "sched", "slated", "due", "launch", "arrive", "start", "begin", "expect", "will",
        "time", "ahead", "into",
    ),
)  # fmt: skip


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
    for kind, match in text_matches(text) if whole else matches(text, start, end):
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
    if any(x < b and a < y for x, y in taken) or not accept(kind, match, text):
        return None
    period_start, period_end, explicit = resolve(kind, match, published, fiscal_start, as_of)
    core = min(
        (
            match.start(name)
            for name, value in match.groupdict().items()
            if value and name in CORE_GROUPS
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
    for kind, match in text_matches(text, set(_DATA_KINDS)):
        if not accept(kind, match, text):
            continue
        period_start, period_end, explicit = resolve(kind, match, published, 1)
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
        year, month = shift_month(latest.year, latest.month, 1)
        return date(year, month, 1), "month"
    years: Counter = Counter()
    ahead: list[int] = []  # years in sentences that look forward: targets, mandates, plans
    for _kind, match in text_matches(text, {"year"}):
        prep = (match.group("prep") or "").lower()
        if prep in ("by", "until", "before", "since"):
            continue
        year = int(match.group("y"))
        sentence_start, sentence_end = _sentence_bounds(text, match.start())
        near = (max(sentence_start, match.start() - 60), min(sentence_end, match.end() + 25))
        if _LOOKS_AHEAD.search(text, *near):  # "24% in 2026 should be electric"
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
    r"\b(?:will|should|shall|would|could|aims?|aiming|targets?|targeting|plans?|planning|planned"
    r"|scheduled|slated|due|upcoming"
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
        year, month = shift_month(published.year, published.month, -1)
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
