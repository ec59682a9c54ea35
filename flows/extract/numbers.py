"""Numbers as news writes them: 23,500 · 1.2 million · 15k · A$57,900 · 68% · 335 per cent · sixth.

`find_numbers(text, start, end, lexicon)` returns every numeric expression in
a span with its value, kind (count, percent, points, money, ordinal, year,
date) and currency. Deciding which numbers are claims is `claims.py`'s job;
this module only reads them, and never reads a digit glued to letters
("F-150", "RD6", "4x4", "Q3") as a number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from flows.extract.phrases import PhraseFinder, match_view
from flows.extract.words import MONTHS, WORDS, alternation
from flows.reference import Reference

WORD_NUMBERS: dict[str, float] = {**WORDS.articles, **WORDS.cardinals, **WORDS.fractions}
ORDINAL_WORDS = WORDS.ordinals
SCALES = WORDS.scales
_SCALE_WORDS = {word: value for word, value in SCALES.items() if len(word) > 3}
_SCALE_SUFFIXES = [word for word in SCALES if len(word) <= 3]  # "bn", "m", "k"


@dataclass(frozen=True)
class NumberMatch:
    start: int
    end: int
    value: float
    kind: str  # count | percent | points | money | ordinal | year | date
    text: str
    currency: str | None = None
    range_high: float | None = None
    symbol: str | None = None  # the currency token as written ("$", "A$", "baht")


@dataclass(frozen=True)
class _Patterns:
    number: re.Pattern[str]
    prefix_codes: dict[str, str]
    suffix_codes: dict[str, str]
    counted_after: re.Pattern[str]  # words after a number that make it a count


def _alternation(tokens: list[str]) -> str:
    return "|".join(re.escape(token) for token in sorted(tokens, key=len, reverse=True))


@cache
def _patterns(reference: Reference) -> _Patterns:
    # A token written by several currencies ("$", "¥") reads as its first row; the claim
    # it is a price in picks the one of its market.
    prefixes: dict[str, str] = {}
    suffixes: dict[str, str] = {}
    for currency in reference.currencies:
        table = prefixes if currency.kind == "prefix" else suffixes
        table.setdefault(currency.token, currency.code)
    # Letter-only prefixes ("R", "RM", "Rs", "P") must touch the digits, and
    # not be the end of a word ("CAR 5" is not a price).
    symbol_prefixes = [t for t in prefixes if not t.isalpha()]
    word_prefixes = [t for t in prefixes if t.isalpha()]
    number = re.compile(
        r"(?:(?<![A-Za-z])(?-i:(?P<cur>" + _alternation(symbol_prefixes) + r"))\s?"
        r"|(?<![A-Za-z])(?-i:(?P<curw>" + _alternation(word_prefixes) + r"))(?:\s|(?=\d))"
        r"|(?<![\w.,/×])(?<![A-Za-z]-))"
        # A minus sign read as written ("-5,000"); a hyphen between numbers is a range.
        r"(?P<sign>[-\u2212](?=\d))?"
        r"(?P<num>\d+(?:\.\d+)?(?:[eE][+-]?\d{1,4}|\^[+-]?\d{1,4})(?![\d.])"
        # Indian grouping (1,45,543), thousands in commas, then in spaces ("2 793", "43 509")
        r"|\d{1,2}(?:,\d\d)+,\d{3}(?![\d,])"
        r"|\d{1,3}(?:,\d{3})+(?:\.\d+)?"
        r"|\d{1,3}(?:[ \u00a0\u202f\u2009]\d{3})+(?![\d,.])"
        # A decimal comma in a share ("1,81%")
        r"|\d{1,3},\d{1,2}(?=\s?(?:%|per\s?cent))"
        r"|\d+(?:\.\d+)?|\.\d+)"
        r"(?:(?P<scale1>" + alternation(_SCALE_SUFFIXES) + r")(?![A-Za-z0-9])"
        r"|\s?(?P<scale2>" + alternation(_SCALE_WORDS) + r")\b)?"
        r"(?:\s?(?P<pct>%|per\s?cent\b|percent\b|percentage[- ]points?\b|points?\b|pts\b|ppts?\b))?"
        r"(?:\s(?P<cur2>" + _alternation(list(suffixes)) + r")\b)?"
        r"(?P<plus>\+(?!\w))?"
        # Not a drivetrain, engine or size glued to the digits: 4x4, 4×2, 2.4T, 1,000cc.
        r"(?![A-Za-z0-9×]|\.\d|,\d{3})",
        re.IGNORECASE,
    )
    # "recorded 2022 deliveries", "2026 examples reached customers": a count, not a year.
    counted = {noun.lower() for noun, kind in reference.count_nouns.items() if kind == "vehicle"}
    counted |= {p.lower() for p, (_m, kind) in reference.metric_cues.items() if kind == "noun"}
    counted_after = re.compile(r"^\s?(?:" + _alternation(sorted(counted)) + r")\b", re.IGNORECASE)
    return _Patterns(
        number,
        {k.lower(): v for k, v in prefixes.items()},
        {k.lower(): v for k, v in suffixes.items()},
        counted_after,
    )


_WORD_NUMBER = re.compile(
    r"\b(?P<word>" + alternation(WORD_NUMBERS) + r")"
    r"(?:[\s-](?P<word2>" + alternation(w for w, v in WORDS.cardinals.items() if v < 10) + r"))?"
    r"\s(?P<scale>(?:hundred\s)?(?:" + alternation(_SCALE_WORDS) + r"))\b",
    re.IGNORECASE,
)
_ORDINAL = re.compile(
    r"\b(?:(?P<digits>\d{1,2})(?:st|nd|rd|th)|(?P<word>" + "|".join(ORDINAL_WORDS) + r"))\b"
    r"|\b(?:No\.|no\.|number|Number)\s?(?P<no>\d{1,2}|"
    + alternation(w for w, v in WORDS.cardinals.items() if v <= 10)
    + r")\b",
)
_MONTH_BEFORE = re.compile(r"(?:" + MONTHS + r")\.?\s$", re.IGNORECASE)
_MONTH_AFTER = re.compile(r"^\s(?:" + MONTHS + r")\b", re.IGNORECASE)
_RANGE_JOIN = re.compile(r"^\s?(?:-|–|to)\s?$")
_BETWEEN = re.compile(r"\bbetween\s+$", re.IGNORECASE)


# A figure beyond this is not a market number (and 10^400 is not even a float).
LARGEST_VALUE = 1e15
_SCIENTIFIC = re.compile(r"(\d+(?:\.\d+)?)(?:[eE]([+-]?\d+)|\^([+-]?\d+))$")
# Before a year: "in 2024 sales rose", "2025 sales were" (a clause's first word), "the 2024 total".
_FIGURE_FOLLOWS = re.compile(
    r"(?:\s+[A-Za-z][\w-]*){1,4}\s+(?:of|at|were|was|reached|totalled|totaled|hit)\s+\d"
)
_YEAR_LEAD = re.compile(
    r"(?:^|[.;:!?]\s*|\b(?:in|during|for|since|by|until|of|from|through|throughout|across|over"
    r"|the|and|to|calendar|fiscal|year|its|their|our|his|her|this|that|last|next)\s+"
    # "December 2024 sales", "Q3 2025 deliveries": a month or quarter before it dates it.
    r"|\b(?:" + MONTHS + r"|Q[1-4]|H[12]|FY)\.?,?\s+)$",
    re.IGNORECASE,
)
_NEGATIVE_WORD = re.compile(r"\b(?:negative|minus)\s$", re.IGNORECASE)


_GROUP_SPACE = re.compile(r"[ \u00a0\u202f\u2009,]")
_DECIMAL_COMMA = re.compile(r"^\d{1,3},\d{1,2}$")


def _value(raw: str) -> float | None:
    """The value of a written number, None when it is not a finite, plausible figure."""
    if _DECIMAL_COMMA.match(raw):
        return float(raw.replace(",", "."))
    scientific = _SCIENTIFIC.match(raw)
    try:
        if scientific:
            mantissa, exponent, power = scientific.groups()
            if exponent is not None:
                value = float(f"{mantissa}e{exponent}")
            else:
                value = float(mantissa) ** int(power)
        else:
            value = float(_GROUP_SPACE.sub("", raw))
    except (OverflowError, ValueError):
        return None
    return value if abs(value) <= LARGEST_VALUE else None


_DIGITS = re.compile(r"\d[\d,.]*")
_ORDINAL_FINDER = None


def _near(spots, length: int, before: int, after: int) -> list[tuple[int, int]]:
    """Merged windows around (start, end) spots."""
    windows: list[tuple[int, int]] = []
    for a, b in spots:
        window = (max(0, a - before), min(length, b + after))
        if windows and window[0] <= windows[-1][1]:
            windows[-1] = (windows[-1][0], max(windows[-1][1], window[1]))
        else:
            windows.append(window)
    return windows


def find_numbers(text: str, start: int, end: int, reference: Reference) -> list[NumberMatch]:
    """Numeric expressions between `start` and `end` of `text`, in order.

    The number patterns only run near digits (and the ordinals near their words):
    their alternations are costly at every position of a long text, and most of
    an article is words.
    """
    global _ORDINAL_FINDER
    patterns = _patterns(reference)
    span = text[start:end]
    found: list[NumberMatch] = []
    digit_spots = [m.span() for m in _DIGITS.finditer(span)]
    # Room for a currency before ("MXN ", "A$") and a scale or unit after ("per cent").
    for a, b in _near(digit_spots, len(span), 12, 30):
        for match in patterns.number.finditer(span, a, b):
            number = _classify(match, span, start, patterns)
            if number is not None:
                found.append(number)
    taken = [(n.start - start, n.end - start) for n in found]
    # "two million": only near a scale word, which few sentences have.
    lowered = span.lower()
    scale_spots = sorted(
        (m.start(), m.end())
        for word in _SCALE_WORDS
        if word in lowered
        for m in re.finditer(re.escape(word), lowered)
    )
    word_numbers = (
        m
        for a, b in _near(scale_spots, len(span), 40, 2)
        for m in _WORD_NUMBER.finditer(span, a, b)
    )
    for match in word_numbers:
        if any(a < match.end() and match.start() < b for a, b in taken):
            continue
        base = WORD_NUMBERS[match.group("word").lower()]
        if match.group("word2"):
            base += WORD_NUMBERS[match.group("word2").lower()]
        scale = 1.0
        for word in match.group("scale").lower().split():
            scale *= 100 if word == "hundred" else _SCALE_WORDS[word]
        found.append(
            NumberMatch(
                start + match.start(), start + match.end(), base * scale, "count", match.group()
            )
        )
    if _ORDINAL_FINDER is None:
        _ORDINAL_FINDER = PhraseFinder([*ORDINAL_WORDS, "no", "number"], hyphen_joins=False)
    ordinal_spots = [(a, b) for a, b, _key in _ORDINAL_FINDER.find(span, match_view(span))]
    ordinal_windows = _near(sorted(ordinal_spots + digit_spots), len(span), 2, 16)
    ordinals = (m for a, b in ordinal_windows for m in _ORDINAL.finditer(span, a, b))
    for match in ordinals:
        if any(a < match.end() and match.start() < b for a, b in taken):
            continue
        if match.group("digits"):
            value = int(match.group("digits"))
        elif match.group("word"):
            value = ORDINAL_WORDS[match.group("word").lower()]
        else:
            raw = match.group("no")
            value = int(raw) if raw.isdigit() else WORD_NUMBERS[raw.lower()]
        found.append(
            NumberMatch(start + match.start(), start + match.end(), value, "ordinal", match.group())
        )
    found.sort(key=lambda n: n.start)
    return _merge_ranges(found, text)


def _classify(
    match: re.Match[str], span: str, offset: int, patterns: _Patterns
) -> NumberMatch | None:
    """A number match read into its value and kind; None for a figure no market has."""
    raw = match.group("num")
    value = _value(raw)
    if value is None:
        return None
    scale = match.group("scale1") or match.group("scale2")
    if scale:
        value *= SCALES[scale.lower()]
    start = match.start()
    negative = _NEGATIVE_WORD.search(span[max(0, start - 9) : start])
    if match.group("sign") or negative:
        value = -value
        if negative:
            start -= len(negative.group())
    currency = None
    symbol = match.group("cur") or match.group("curw") or match.group("cur2")
    if match.group("cur"):
        currency = patterns.prefix_codes.get(match.group("cur").lower())
    elif match.group("curw"):
        currency = patterns.prefix_codes.get(match.group("curw").lower())
    elif match.group("cur2"):
        currency = patterns.suffix_codes.get(match.group("cur2").lower())
    pct = (match.group("pct") or "").lower()
    before = span[max(0, match.start() - 10) : match.start()]
    after = span[match.end() : match.end() + 12]
    if re.search(r"\bNo\.\s?$", before):
        kind = "ordinal"
    elif currency:
        kind = "money"
    elif pct.startswith(("percentage", "point", "pt", "ppt")):
        kind = "points"
    elif pct:
        kind = "percent"
    elif (
        "," not in raw
        and "." not in raw
        and not scale
        and 1900 <= value <= 2100
        and not (
            patterns.counted_after.match(span[match.end() : match.end() + 30])
            and not _YEAR_LEAD.search(before)
            # "2021 pickup truck sales of 550,000": the figure follows, the number is its year
            and not _FIGURE_FOLLOWS.match(span, match.end(), match.end() + 60)
        )
    ):
        kind = "year"
    elif (
        value <= 31
        and "." not in raw
        and (_MONTH_BEFORE.search(before) or _MONTH_AFTER.match(after))
    ):
        kind = "date"
    else:
        kind = "count"
    return NumberMatch(
        start=offset + start,
        end=offset + match.end(),
        value=value,
        kind=kind,
        text=span[start : match.end()],
        currency=currency,
        symbol=symbol,
    )


def _merge_ranges(found: list[NumberMatch], text: str) -> list[NumberMatch]:
    """'10,000-12,000 units' is one number with a high end, not two claims."""
    merged: list[NumberMatch] = []
    for number in found:
        previous = merged[-1] if merged else None
        if (
            previous is not None
            and previous.kind == number.kind
            and number.kind in ("count", "money", "percent")
            and (
                _RANGE_JOIN.match(text[previous.end : number.start])
                or (
                    text[previous.end : number.start].strip() == "and"
                    and _BETWEEN.search(text[max(0, previous.start - 12) : previous.start])
                )
            )
            and number.value > previous.value
        ):
            low = previous.value
            # "1-1.26 million": the scale written once belongs to both ends.
            if low * 1000 <= number.value and re.search(r"[a-z]$", number.text.lower()):
                for factor in (1e9, 1e6, 1e3):
                    if low * factor <= number.value * 10:
                        low *= factor
                        break
            merged[-1] = NumberMatch(
                previous.start,
                number.end,
                low,
                number.kind,
                text[previous.start : number.end],
                previous.currency or number.currency,
                number.value,
            )
            continue
        merged.append(number)
    return merged
