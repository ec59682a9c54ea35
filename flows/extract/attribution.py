"""Who a sentence credits for its numbers: "according to CADA", "data from Cox
Automotive show", "Ford said", "said the association"."""

from __future__ import annotations

import bisect
import re

from flows.extract.mentions import Mention
from flows.extract.per_text import PerText
from flows.extract.phrases import PhraseFinder, match_view
from flows.extract.sentence_reading import SentenceView, names_in
from flows.extract.words import REPORT_VERBS, SPEECH_VERBS, WORDS
from flows.reference import Reference

_ATTRIBUTION_BEFORE = re.compile(
    r"(?:according\s+to(?:\s+(?:the\s+)?(?:\w+\s+){0,2}(?:data|figures|statistics|numbers|estimates|a\s+report|research|analysis|tally)(?:\s+\w+){0,3}\s+(?:from|by|of))?(?:\s+the(?:\s+[a-z][\w-]*){1,4})?"
    # "according to industry tracker Carisyou", "according to market researcher JATO"
    r"(?:\s+(?:the\s+)?(?:[a-z][\w-]*\s+){0,3}?)?"
    r"|(?:data|figures|statistics|numbers|estimates|reports?|research|analysis|tallies|tally)(?:\s+\w+){0,2}\s+(?:from|by|of|compiled\s+by|released\s+by|published\s+by)"
    r"|compiled\s+by|released\s+by|published\s+by|citing|cited\s+by|sourced\s+from|per"
    r"|(?:data\s+)?sources?\s*:)\s*(?:the\s+)?(?:latest\s+)?$",
    re.IGNORECASE,
)


_ATTRIBUTION_AFTER = re.compile(
    # "KBB's Q2 sales report bolsters ...", "Cox's data shows"
    r"^'s\s+(?:[\w-]+\s+){0,3}?(?:data|figures|report|study|survey|estimates?|numbers|analysis|tally)\b"
    r"|^(?:'s)?\s*(?:\([A-Z&]+\)\s*)?(?:(?:latest\s+|new\s+|official\s+|preliminary\s+|registration\s+|sales\s+)?(?:data|figures|statistics|numbers|estimates|research|report|tally)\s+)?"
    r"(?:" + REPORT_VERBS + r")\b",
    re.IGNORECASE,
)


_SELF_REPORT_AFTER = re.compile(
    r"^(?:'s)?\s*(?:,[^,]{0,80},\s*)?(?:" + SPEECH_VERBS + r")\b",
    re.IGNORECASE,
)


# Every credit below has one of these words; a sentence without any credits no one.
_CREDIT_WORDS = (
    frozenset(
        (
            "according",
            "data",
            "figures",
            "statistics",
            "numbers",
            "estimates",
            "estimate",
            "report",
            "reports",
            "research",
            "analysis",
            "study",
            "survey",
            "tally",
            "tallies",
            "compiled",
            "released",
            "published",
            "citing",
            "cited",
            "sourced",
            "per",
            "source",
            "sources",
        )
    )
    | WORDS.speech_verbs
    | WORDS.report_verbs
)


_SPEECH_WORDS = frozenset(WORDS.speech_verbs)


_CREDIT_FINDER: PhraseFinder | None = None


def _find_credits(text: str) -> tuple[list[int], list[str]]:
    """Where the credit words of a text are, and which: one pass for all its sentences."""
    global _CREDIT_FINDER
    if _CREDIT_FINDER is None:
        _CREDIT_FINDER = PhraseFinder(_CREDIT_WORDS, hyphen_joins=False)
    found = _CREDIT_FINDER.find(text, match_view(text))
    return [a for a, _b, _k in found], [k for _a, _b, k in found]


_credits_of = PerText(_find_credits)


def has_credit_words(text: str, start: int, end: int) -> bool:
    starts, _words = _credits_of(text)
    index = bisect.bisect_left(starts, start)
    return index < len(starts) and starts[index] < end


def speaks(text: str, start: int, end: int) -> bool:
    """Whether text[start:end] has a speech verb ("said", "told"): someone speaks in it."""
    starts, words = _credits_of(text)
    first, last = bisect.bisect_left(starts, start), bisect.bisect_left(starts, end)
    return any(word in _SPEECH_WORDS for word in words[first:last])


_VIA = re.compile(r"\bvia\s+$", re.IGNORECASE)


_SPEAKING_WITH = re.compile(r"\b(?:speaking|talking)\s+(?:with|to)\s+$|\btold\s+$", re.IGNORECASE)


_COMPANY_SAID = re.compile(
    r"\b(?:the\s+(?:company|automaker|carmaker|firm|group|brand)|it)\s+(?:" + SPEECH_VERBS + r")\b",
    re.IGNORECASE,
)


# Words that may stand between a verb and the number it governs ("sold more than 2,000").
# Verbs whose objects are vehicles but not market figures.
STATEMENT_DATE = re.compile(r"\b(?:" + SPEECH_VERBS + r")\b[^.;]*$", re.IGNORECASE)


CREDIT_ANAPHOR = re.compile(
    r"\b(?:(?:said|says|according\s+to|reported|data\s+from|figures\s+from)\s+the\s+"
    r"(?:association|body|industry\s+body|agency|ministry|federation|council|institute|bureau"
    r"|administration|organi[sz]ation|chamber|consultancy|research\s+firm|data\s+provider)"
    r"|the\s+(?:association|agency|ministry|federation|council|institute|bureau)\s+"
    r"(?:" + SPEECH_VERBS + r")"
    # "The report, which extracts registration data, suggests ...": the report credited before
    r"|the\s+(?:report|study|survey|data|figures|analysis|estimates?)\b(?:,[^,]{0,80},)?\s+"
    r"(?:" + REPORT_VERBS + r"))\b",
    re.IGNORECASE,
)


def _credited(mention: Mention, reader: SentenceView, reference: Reference) -> str | None:
    """The organisation a credit names: itself, or a person's organisation ("according to
    Cui Dongshu, secretary general of the CPCA")."""
    if mention.type != "person":
        return mention.name
    entity = reference.get("person", mention.name)
    if entity is not None and entity.organization:
        return entity.organization
    organisations = [
        m for m in reader.mentions if m.type == "organization" and m.start > mention.end
    ]
    return organisations[0].name if organisations else None


_CREDIT_NOUNS = frozenset(
    (
        "data",
        "figures",
        "statistics",
        "numbers",
        "estimates",
        "report",
        "reports",
        "research",
        "analysis",
        "tallies",
        "tally",
        "compiled",
        "released",
        "published",
        "cited",
        "sourced",
    )
)


def _may_credit(lead: str) -> bool:
    """Whether the text before a name can end in a credit: "according to …", "citing",
    "per", "source:", or "data from", "compiled by" and their kin. A cheap test before
    the full pattern, which is costly to try at every position of every name."""
    lowered = lead.lower()
    if "according" in lowered:
        return True
    words = [w for w in lowered.split()[-6:] if w not in ("the", "latest")]
    if not words:
        return False
    last = words[-1]
    if last in ("citing", "per") or last.endswith(":"):
        return True
    return last in ("from", "by", "of") and any(w in _CREDIT_NOUNS for w in words[-4:-1])


def attribution(
    reader: SentenceView, reference: Reference, before: int | None = None
) -> str | None:
    """The organisation a sentence credits for its numbers, if it names one."""
    limit = reader.sentence.end if before is None else before
    if not has_credit_words(reader.text, reader.sentence.start, reader.sentence.end):
        return None  # most sentences credit no one: one look instead of several per name
    if _COMPANY_SAID.search(reader.text, reader.sentence.start, reader.sentence.end):
        # "..., the company said": the company the sentence is about.
        brands = [
            m
            for m in names_in(reader, reader.sentence.start, reader.sentence.end)
            if m.type == "manufacturer"
        ]
        if brands:
            return brands[0].name
    for mention in reader.mentions:
        if mention.type not in ("organization", "manufacturer", "person"):
            continue
        lead = reader.text[max(reader.sentence.start, mention.start - 70) : mention.start]
        if _VIA.search(lead) or _SPEAKING_WITH.search(lead):
            continue
        tail = reader.text[mention.end : min(reader.sentence.end, mention.end + 90)]
        if _may_credit(lead) and _ATTRIBUTION_BEFORE.search(lead):
            return _credited(mention, reader, reference)
        if mention.type == "organization" and _ATTRIBUTION_AFTER.match(tail):
            return mention.name
        if (
            mention.type == "manufacturer"
            and _SELF_REPORT_AFTER.match(tail)
            and mention.start < limit
        ):
            return mention.name
    return None
