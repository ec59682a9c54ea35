"""Pairing a sentence's numbers: changes and baselines to the level they qualify,
"respectively" lists to their subjects in order, and the qualifier of each
figure ("nearly", "more than")."""

from __future__ import annotations

import re

from flows.extract.candidates import change_basis
from flows.extract.mentions import Mention
from flows.extract.numbers import NumberMatch
from flows.extract.periods import PeriodMatch
from flows.extract.sentence_reading import SHARE_METRICS, Candidate, SentenceReader


def attach_changes(
    candidates: list[Candidate], changes: list[tuple[NumberMatch, float]], reader: SentenceReader
) -> None:
    levels = [
        c
        for c in candidates
        if c.unit in ("units", "percent") and c.value is not None and c.metric not in SHARE_METRICS
    ]
    for number, change in changes:
        if not levels:
            return
        clause = reader.clause_index(number.start)
        same = [c for c in levels if c.clause == clause]
        pool = same or levels
        target = min(
            pool, key=lambda c: (c.position > number.start, abs(c.position - number.start))
        )
        basis = change_basis(reader.text, number)
        # Against a year before is the change a claim reports; against the month before
        # only when nothing else is given ("+19% month-on-month, -19% year-on-year").
        if target.change is None or (basis == "yoy" and target.change_basis == "mom"):
            target.change = change
            target.change_basis = basis


def attach_baselines(
    candidates: list[Candidate], baselines: list[tuple[NumberMatch, PeriodMatch | None]]
) -> None:
    for number, period in baselines:
        earlier = [c for c in candidates if c.position < number.start and c.value is not None]
        if earlier and earlier[-1].baseline is None:
            earlier[-1].baseline = number.value
            earlier[-1].baseline_period = period


def _noun_phrases(
    reader: SentenceReader, start: int, end: int
) -> list[tuple[str | None, str | None]]:
    """Coordinated subjects ("The GMC Sierra and Ram's truck lineup") as (brand, model) pairs."""
    groups: list[list[Mention]] = []
    last_end = None
    for mention in reader.mentions_in(("model", "manufacturer"), start, end):
        gap = reader.text[last_end : mention.start] if last_end is not None else ""
        if last_end is None or re.search(r"\band\b|,|&", gap):
            groups.append([mention])
        else:
            groups[-1].append(mention)
        last_end = mention.end
    pairs = []
    for group in groups:
        models = [m.name for m in group if m.type == "model"]
        brands = [m.name for m in group if m.type == "manufacturer"]
        pairs.append((brands[-1] if brands else None, models[-1] if models else None))
    return pairs


RESPECTIVELY = re.compile(r"\brespective(?:ly)?\b", re.IGNORECASE)


def map_respectively(
    reader: SentenceReader, candidates: list[Candidate]
) -> dict[int, tuple[str | None, str | None]]:
    """'X and Y ranked sixth and eighth, respectively': values map to subjects in order."""
    text = reader.text[reader.sentence.start : reader.sentence.end]
    if not RESPECTIVELY.search(text) or len(candidates) < 2:
        return {}
    first = min(c.position for c in candidates)
    subjects = _noun_phrases(reader, reader.sentence.start, first)
    same_kind = [c for c in candidates if c.metric == candidates[0].metric]
    if len(subjects) > len(same_kind):
        subjects = subjects[-len(same_kind) :]
    if len(subjects) != len(same_kind):
        return {}
    return {id(c): subject for c, subject in zip(same_kind, subjects, strict=True)}


def qualifier(reader: SentenceReader, number: NumberMatch) -> str:
    lexicon = reader.lexicon
    before = (
        reader.text[max(reader.sentence.start, number.start - 30) : number.start].lower().rstrip()
    )
    match = lexicon.qualifier_before.search(before)
    if match:
        return lexicon.qualifier_before_map[match.group(1).lower()]
    if number.text.endswith("+"):
        return "at_least"
    match = lexicon.qualifier_after.match(reader.text[number.end : number.end + 12].lower())
    if match:
        return lexicon.qualifier_after_map[match.group(1).lower()]
    if number.range_high is not None:
        return "at_least"
    return "exact"
