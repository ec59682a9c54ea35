"""Changes stated without a level of their own: "Ranger sales rose 11.2%",
"This is a 35.6% increase", "declines of 19.3% and 35.8%, respectively"."""

from __future__ import annotations

import re

from flows.extract.candidates import change_basis, nearest_cue
from flows.extract.numbers import NumberMatch
from flows.extract.pairing import RESPECTIVELY
from flows.extract.sentence_reading import COUNT_METRICS, Candidate, SentenceReader

# "the January–November decline of 6.25%": a period that is the change's own.
_DATED_CHANGE = re.compile(
    r"\s*(?:'s\s+)?(?:sales\s+|volume\s+)?(?:decline|decrease|drop|fall|increase|rise|growth|gain|jump|slide)s?\s+(?:of\s+)?(?:about\s+|around\s+|nearly\s+|almost\s+|some\s+)?[-+−]?$",
    re.IGNORECASE,
)


_FIGURE_ANAPHOR = re.compile(
    r"\b(?:this|that|these|it|the\s+(?:figure|total|number|result|tally|volume|count))\b",
    re.IGNORECASE,
)


_FIGURE_NOUN = re.compile(
    # not "the total sales volume of all Japanese pickups": that names its own subject
    r"\b(?:the|that|this)\s+(?:\w+\s+)?(?:figure|total|tally)\b(?!\s+(?:[\w-]+\s+){0,2}of\b)",
    re.IGNORECASE,
)


class ChangeReading:
    """The change rules of `claims._Article` (a mixin: they read its context)."""

    def _change_only(
        self,
        reader: SentenceReader,
        candidates: list[Candidate],
        changes: list[tuple[NumberMatch, float]],
        context_metric: str | None = None,
    ):
        """'Ranger sales rose 11.2%', 'This is a 35.6% increase compared with November':
        a change with no level of its own is a claim without a value. What it counts is
        the metric its clause names, else (a sentence of changes only) the metric the
        figures before it count."""
        remaining = []
        levels = [c for c in candidates if c.unit == "units"]
        level_metric = levels[-1].metric if levels else context_metric
        earlier: Candidate | None = None  # the change-only claim before, for "..., but a 7.1% drop"
        for number, change in changes:
            clause_index = reader.clause_index(number.start)
            clause = reader.clauses[clause_index]
            own_level = any(
                c.clause == clause_index and c.unit == "units" and c.value is not None
                for c in candidates
            )
            cue = nearest_cue(reader, number.start, clause, ("noun", "verb"))
            if cue is not None and cue.metric not in COUNT_METRICS:
                cue = None
            named = reader.mentions_in(("model", "manufacturer"), clause[0], number.start) or [
                c for c in reader.powertrain_cues if clause[0] <= c[0] < number.start
            ]  # "with diesel down nearly 20%"
            own_period = self._dated_change(reader, number, clause, own_level)
            stands_alone = (
                not levels or named or own_period or (cue is not None and cue.start < number.start)
            )
            # Without a word of what it counts, a change is a claim only about something:
            # a name, a pointer back to the figure before ("This is a 35.6% increase"), a
            # change before it that it is coordinated with, or a period of its own.
            refers = (
                named
                or _FIGURE_ANAPHOR.search(self.text, clause[0], number.start)
                or RESPECTIVELY.search(self.text, reader.sentence.start, reader.sentence.end)
            )
            if cue is not None:
                metric = cue.metric
            elif not levels and refers:
                metric = context_metric
            elif earlier is not None and earlier.clause != clause_index:
                metric = earlier.metric
            elif own_period and levels:
                metric = level_metric
            else:
                metric = None
            if reader.sentence.kind in ("title", "dek", "heading") and not levels:
                metric = None  # a headline's change sums up the story's figures
            if (own_level and not own_period) or metric is None or not stands_alone:
                remaining.append((number, change))
                continue
            if metric == "sales" and reader.has_kind("export_modifier", clause[0], clause[1]):
                metric = "exports"
            candidate = Candidate(
                number,
                metric,
                "units",
                None,
                clause_index,
                number.start,
                verb=cue.phrase if cue is not None else None,
            )
            candidate.change = change
            candidate.change_basis = change_basis(reader.text, number)
            candidates.append(candidate)
            earlier = candidate
        return remaining

    def _dated_change(self, reader, number, clause, own_level: bool) -> bool:
        """'the January–November decline of 6.25%': a change with a period of its own,
        which makes it a claim apart from the level its sentence states."""
        dated = [
            p.match
            for p in reader.periods
            if p.match.period_start
            and clause[0] <= p.match.start < number.start
            and not p.match.comparison
            and not p.event
        ]
        return bool(dated) and (
            not own_level or bool(_DATED_CHANGE.match(self.text, dated[-1].end, number.start))
        )

    def _figure_pointed_back(
        self, reader: SentenceReader, candidate: Candidate, clause: tuple[int, int]
    ) -> tuple[str | None, str | None] | None:
        """'However, this represents a 42.5% decline', 'The yearly figure fell from 42,619':
        about what the figure the sentence before stated was about (None: no pointer)."""
        index, previous = self.previous_claims
        if index != reader.sentence.index - 1 or candidate.number is None:
            return None
        pointer = _FIGURE_ANAPHOR if candidate.value is None else _FIGURE_NOUN
        if not pointer.search(self.text, clause[0], candidate.number.start):
            return None
        counts = [c for c in previous if c.metric in COUNT_METRICS and c.value is not None]
        return (counts[-1].manufacturer, counts[-1].model) if counts else None

    def _respective_to_before(
        self, reader: SentenceReader, candidates: list[Candidate]
    ) -> dict[int, tuple[str | None, str | None]]:
        """'Both models saw declines of 19.3% and 35.8%, respectively': the subjects are the
        ones the sentence before gave figures for, in their order."""
        sentence = reader.sentence
        index, previous = self.previous_claims
        if (
            index != sentence.index - 1
            or not RESPECTIVELY.search(self.text, sentence.start, sentence.end)
            or reader.mentions_in(("model", "manufacturer"), sentence.start, sentence.end)
        ):
            return {}
        subjects = list(
            dict.fromkeys(
                (c.manufacturer, c.model)
                for c in previous
                if c.metric in COUNT_METRICS and (c.manufacturer or c.model)
            )
        )
        changes = [c for c in candidates if c.value is None and c.change is not None]
        if len(subjects) < 2 or len(subjects) != len(changes):
            return {}
        return {id(c): subject for c, subject in zip(changes, subjects, strict=True)}
