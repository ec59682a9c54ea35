"""Closed classes of words that several rules share, read once from `seeds/reference/`.

Month names (`calendar_words.csv`), number words (`number_words.csv`) and the
verbs of speech and of reports (`grammar_words.csv`) are language, not
reference entities: every rule that needs one builds its pattern from here, so
adding "sept." or "reckons" is one line of data, not five regex literals.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from flows.reference import default_rows


@dataclass(frozen=True)
class Words:
    months: dict[str, int]  # "january", "jan", "sept" -> month number
    month_names: tuple[str, ...]  # the twelve full names, in order
    cardinals: dict[str, int]  # "one" .. "ninety", "hundred"
    articles: dict[str, float]  # "a", "an": one
    fractions: dict[str, float]  # "half a", "a quarter"
    ordinals: dict[str, int]  # "first" .. "twentieth"
    scales: dict[str, float]  # "thousand", "k", "million", "lakh"
    speech_verbs: frozenset[str]  # "said", "told", "noted"
    report_verbs: frozenset[str]  # "shows", "found", "estimated": what a report does
    lists: dict[str, frozenset[str]]  # every list of grammar_words.csv, by name


@cache
def words() -> Words:
    months = {row["word"]: int(row["month"]) for row in default_rows("calendar_words.csv")}
    names = tuple(
        row["word"] for row in default_rows("calendar_words.csv") if row["form"] == "name"
    )
    by_kind: dict[str, dict[str, float]] = {}
    for row in default_rows("number_words.csv"):
        by_kind.setdefault(row["kind"], {})[row["word"]] = float(row["value"])
    lists: dict[str, set[str]] = {}
    for row in default_rows("grammar_words.csv"):
        lists.setdefault(row["list"], set()).add(row["word"])
    return Words(
        months=months,
        month_names=names,
        cardinals={word: int(value) for word, value in by_kind["cardinal"].items()},
        articles=by_kind["article"],
        fractions=by_kind["fraction"],
        ordinals={word: int(value) for word, value in by_kind["ordinal"].items()},
        scales=by_kind["scale"],
        speech_verbs=frozenset(lists["speech_verb"]),
        report_verbs=frozenset(lists["report_verb"]),
        lists={name: frozenset(members) for name, members in lists.items()},
    )


def alternation(items: Iterable[str]) -> str:
    """A regex alternation of literal words, longest first so "sept" wins over "sep"."""
    return "|".join(re.escape(item) for item in sorted(set(items), key=lambda w: (-len(w), w)))


WORDS = words()
MONTHS = alternation(WORDS.months)  # full names and abbreviations
MONTH_NAMES = alternation(WORDS.month_names)
SPEECH_VERBS = alternation(WORDS.speech_verbs)
REPORT_VERBS = alternation(WORDS.report_verbs)
