"""Reading one sentence: its numbers, and which of them are claims.

Given a sentence, its entity mentions and the reference lexicon, the
`SentenceReader` finds numbers (`numbers.py`), time phrases (`periods.py`),
metric and powertrain cues and clauses once. `read_candidates` then classes
each number as a level (a claim candidate), a change ("up 12%"), a baseline
("up from 12,231") or not a market figure at all. Attributing candidates to
brands, markets, periods and sources across sentences is `claims.py`'s job.
"""

from __future__ import annotations

import bisect
import itertools
import re
from dataclasses import dataclass
from datetime import date
from types import SimpleNamespace

from flows.extract.numbers import NumberMatch, find_numbers
from flows.extract.periods import PeriodMatch, find_periods
from flows.extract.phrases import PhraseFinder, match_view, phrase_key
from flows.extract.recognise import Mention
from flows.extract.segment import Sentence
from flows.extract.words import MONTH_NAMES
from flows.reference import Reference

COUNT_METRICS = ("sales", "registrations", "exports", "orders", "deliveries", "production")


TARGET_METRICS = ("sales_target", "market_share_target")


SHARE_METRICS = ("market_share", "market_share_target")


_WORD = re.compile(r"[A-Za-z][A-Za-z'.-]*[A-Za-z]|[A-Za-z]|\d[\d,.]*")
_LABEL = re.compile(r"[^:\d.;]{1,50}:\s*$")


# "made up 2.1% of sales" is a share, not a rise.
_PHRASAL_UP = re.compile(
    r"\b(?:made|make|makes|making|took|take|takes|taking)\s+up\s+(?:just\s+|only\s+|about\s+|around\s+|nearly\s+)?$",
    re.IGNORECASE,
)


_BASELINE_BEFORE = re.compile(
    r"(?:\b(?:up|down|rising|climbing|falling|growing|jumping|increasing|decreasing|dropping|rebounding)\s+from"
    r"|\bcompared\s+(?:with|to)|\bversus|\bvs\.?|\bagainst|\bfrom|\btimes)"
    r"\s+(?:the\s+)?(?:about\s+|around\s+|nearly\s+|just\s+|some\s+|roughly\s+)?$",
    re.IGNORECASE,
)


_RANK_AFTER = re.compile(
    r"^(?:-|\s)?(?:place|spot|position|placed|ranked|best(?:[- ]\s?)?sell(?:ing|er)|most[- ]popular|biggest[- ]selling|largest[- ]selling|top[- ]selling|most[- ]sold|most[- ]registered)\b",
    re.IGNORECASE,
)


# Patterns run over whole articles open with a look at the first letter they can start
# with: the engine then skips most positions at once instead of trying every branch.
RANK_ONE = re.compile(
    r"\b(?=[btmnoBTMNO])(?:best(?:[- ]\s?)?selling|top[- ]selling|biggest[- ]selling|most[- ]sold|most[- ]registered"
    r"|best[- ]?seller|top[- ]seller|number[- ]one[- ]selling|most[- ]popular|top\s+spot"
    r"|(?:back\s+)?on\s+top\s+of|no\.?\s?1\s+(?:sales\s+)?spot)\b",
    re.IGNORECASE,
)


FOLLOWED_BY = re.compile(r"\bfollowed\s+by\b", re.IGNORECASE)


_PRICE_CUES = re.compile(
    r"\b(?:(?:priced|price[sd]?|pricing)(?:\s+(?:at|from|of|for))?|starts?\s+(?:at|from)|starting\s+(?:at|from)|costs?|costing|msrp|rrp|retails?\s+(?:for|at)|sticker|drive[- ]away|driveaway|sells?\s+for|selling\s+for|went\s+for|goes\s+for|list\s+price|base\s+price|from)\s+(?:(?:just|about|around|roughly|approximately|nearly|almost|under|over|an?|between)\s+){0,2}$",
    re.IGNORECASE,
)


_PRICE_AFTER = re.compile(
    r"^\s*(?:msrp|rrp|before\s+on[- ]road|drive[- ]away|driveaway|plus\s+on[- ]road|\(?\s*excluding"
    r"|(?:starting|base|sticker|list|entry|launch)\s+price|price\s*tag|price\b)",
    re.IGNORECASE,
)


# Money that is a fee, tax or subsidy, not the price of a vehicle.
_NOT_PRICE_AFTER = re.compile(
    r"^\s*(?:\w+\s+)?(?:destination|delivery|freight|charge|fee|fees|tax|credit|rebate|incentive|discount|subsidy|tariff|deposit|surcharge|investment|loss|profit|revenue|fine|bonus|budget)\b",
    re.IGNORECASE,
)


_CLAUSE_BREAK = re.compile(
    r"(?=[;:\s,])(?:;|:\s|\s[—–]\s|\s--\s|,\s(?=(?:while|whereas|but|although|though|compared)\b)|\s(?=(?:while|whereas)\s)|,\s(?=(?:and|which|who)\b[^.;]*\d))",
    re.IGNORECASE,
)
# "... 12,991 units, respectively–as its production ...": a dash joining two words.
_JOINING_DASH = re.compile(r"[—–](?<=[a-z][—–])(?=[a-z])")


EVENT_BEFORE = re.compile(
    r"\b(?:went\s+on\s+sale|goes\s+on\s+sale|on\s+sale\s+since|launched|launches|arrived|arrives|debuted|was\s+revealed|was\s+unveiled|unveiled|introduced|resumed\s+selling|was\s+founded|founded)\b[^,;.]*$",
    re.IGNORECASE,
)


# "the locally built Ranger" describes the truck; it is not a production figure.
_DESCRIPTIVE_VERB = re.compile(r"\b(?:locally|domestically|locally-)\s*$", re.IGNORECASE)
_BARE_LINK = re.compile(
    r"(?:\b(?:on|with|at|managed|recorded|added|had|took|posted|logged|notched|reached|totalled|totaled|hit|tallied|scored)\s+(?:just\s+|about\s+|around\s+|nearly\s+|some\s+|over\s+|more\s+than\s+)?|^\s*)$",
    re.IGNORECASE,
)


class Lexicon:
    def __init__(self, reference: Reference) -> None:
        self.reference = reference
        self.words = SimpleNamespace(**reference.word_lists)  # seeds/reference/grammar_words.csv
        self.metric_pattern = self._alternation(reference.metric_cues)
        self.powertrain_pattern = self._alternation(reference.powertrain_cues, upper_exact=True)
        self.metric_by_phrase = {self._fold(p): v for p, v in reference.metric_cues.items()}
        self.powertrain_by_phrase = {self._fold(p): v for p, v in reference.powertrain_cues.items()}
        # The same phrases for whole-article scans (one automaton pass instead of a regex).
        self.metric_finder = PhraseFinder(reference.metric_cues)
        self.metric_by_key = {phrase_key(p): v for p, v in reference.metric_cues.items()}
        self.powertrain_finder = PhraseFinder(reference.powertrain_cues, exact_capitals=True)
        self.powertrain_by_key = {phrase_key(p): v for p, v in reference.powertrain_cues.items()}
        before = {p: q for p, (q, pos) in reference.qualifier_cues.items() if pos == "before"}
        after = {p: q for p, (q, pos) in reference.qualifier_cues.items() if pos == "after"}
        self.qualifier_before = re.compile(
            r"(?:^|[\s(])("
            + "|".join(re.escape(p) for p in sorted(before, key=len, reverse=True))
            + r")\s*$",
            re.IGNORECASE,
        )
        self.qualifier_after = re.compile(
            r"^\s?("
            + "|".join(re.escape(p) for p in sorted(after, key=len, reverse=True))
            + r")(?!\w)",
            re.IGNORECASE,
        )
        self.qualifier_before_map = {p.lower(): q for p, q in before.items()}
        self.qualifier_after_map = {p.lower(): q for p, q in after.items()}
        self.count_nouns = {noun.lower(): kind for noun, kind in reference.count_nouns.items()}
        self.max_noun_words = max(len(noun.split()) for noun in reference.count_nouns)
        self.models = {}
        for entity in reference.entities:
            if entity.type == "model":
                self.models.setdefault(entity.name, []).append(entity)
        share = [
            self._fold(p) for p, (_m, kind) in reference.metric_cues.items() if kind == "share"
        ]
        self.share_phrases = set(share)

    @staticmethod
    def _fold(phrase: str) -> str:
        return re.sub(r"[\s-]+", " ", phrase.lower())

    def _alternation(self, table: dict, upper_exact: bool = False) -> re.Pattern[str]:
        parts = []
        for phrase in sorted(table, key=len, reverse=True):
            body = re.escape(phrase).replace(r"\ ", r"[\s-]")
            parts.append(f"(?-i:{body})" if upper_exact and phrase.isupper() else body)
        return re.compile(r"(?<![\w-])(?:" + "|".join(parts) + r")(?![\w-])", re.IGNORECASE)

    def model_powertrain(self, model: str | None, manufacturer: str | None) -> str | None:
        """The scope a model's name sets: an electrified model that exists in no other form
        (F-150 Lightning, Musso EV, RD6). A combustion model counts `all`: its figures
        include any electrified versions the catalogue does not list, and `ice` is a scope
        only the text itself can state ("diesel utes")."""
        for entity in self.models.get(model or "", []):
            if manufacturer is None or entity.manufacturer == manufacturer:
                single = len(entity.powertrains) == 1 and entity.powertrains[0] != "ice"
                return entity.powertrains[0] if single else None
        return None

    def model_body(self, model: str | None, manufacturer: str | None = None) -> str | None:
        """The body of a model (pickup, suv, car, van), the brand's own where two share a name."""
        candidates = self.models.get(model or "", [])
        for entity in candidates:
            if manufacturer is None or entity.manufacturer == manufacturer:
                return entity.body
        return candidates[0].body if candidates else None

    def model_brand(self, model: str | None, manufacturer: str | None = None) -> str | None:
        candidates = self.models.get(model or "", [])
        for entity in candidates:
            if manufacturer and manufacturer in self.reference.manufacturer_lineage(
                entity.manufacturer
            ):
                return entity.manufacturer
        return candidates[0].manufacturer if candidates else None


_LEXICONS: dict[int, Lexicon] = {}


def lexicon_for(reference: Reference) -> Lexicon:
    lexicon = _LEXICONS.get(id(reference))
    if lexicon is None:
        lexicon = _LEXICONS[id(reference)] = Lexicon(reference)
    return lexicon


@dataclass(frozen=True)
class Cue:
    start: int
    end: int
    metric: str
    kind: str  # verb | noun | export_modifier | target_modifier | share
    phrase: str


@dataclass
class PeriodMention:
    match: PeriodMatch
    event: bool  # "which went on sale in July": a date of something else


@dataclass
class NounPhrase:
    noun: str | None
    kind: str | None  # vehicle | other | buyer | metric | None
    end: int
    models: list[Mention]
    verb_after: Cue | None


_MONTH_ON_MONTH = re.compile(
    r"^\s*(?:month[- ]on[- ]month|mom\b|m-o-m|sequentially|from\s+(?:the\s+)?previous\s+month"
    r"|(?:compared\s+(?:with|to)|over|from|on)\s+(?:the\s+previous\s+month|last\s+month|"
    + MONTH_NAMES
    + r"))",
    re.IGNORECASE,
)
_YEAR_ON_YEAR = re.compile(
    r"^\s*(?:year[- ]on[- ]year|year[- ]over[- ]year|yoy\b|y-o-y|y/y|from\s+a\s+year\s+(?:earlier|ago)"
    r"|(?:compared\s+(?:with|to)|over|from|on)\s+(?:the\s+same\s+(?:period|month|quarter)|a\s+year))",
    re.IGNORECASE,
)


def change_basis(text: str, number: NumberMatch) -> str | None:
    """Against what a change is stated: 'yoy' (a year before), 'mom' (the month before)."""
    after = text[number.end : number.end + 45]
    if _YEAR_ON_YEAR.match(after):
        return "yoy"
    if _MONTH_ON_MONTH.match(after):
        return "mom"
    return None


@dataclass
class Candidate:
    number: NumberMatch | None
    metric: str
    unit: str
    value: float | None
    clause: int
    position: int
    verb: str | None = None
    via_modifier: bool = False
    ranked_entity: tuple[str | None, str | None] | None = None
    noun: NounPhrase | None = None
    change: float | None = None
    change_basis: str | None = None
    baseline: float | None = None
    baseline_period: PeriodMatch | None = None


def inside(offset: int, spans: list[tuple[int, int]]) -> bool:
    return any(start <= offset < end for start, end in spans)


class ArticleScan:
    """Every pattern run once over a whole article; each sentence takes its share.

    Running a dozen regular expressions per sentence costs more in call
    overhead than in matching; once per article it is cheap.
    """

    def __init__(
        self,
        text: str,
        lexicon: Lexicon,
        published: date | None,
        fiscal_start: int,
        as_of: date | None = None,
    ) -> None:
        self.text = text
        self.lexicon = lexicon
        self.published = published
        self.fiscal_start = fiscal_start
        self.numbers = find_numbers(text, 0, len(text), lexicon.reference)
        self.periods = find_periods(text, 0, len(text), published, fiscal_start, as_of)
        view = match_view(text)
        self.cues = []
        for start, end, key in lexicon.metric_finder.find(text, view):
            metric, kind = lexicon.metric_by_key[key]
            self.cues.append(Cue(start, end, metric, kind, text[start:end].lower()))
        self.powertrain_cues = [
            (start, end, lexicon.powertrain_by_key[key])
            for start, end, key in lexicon.powertrain_finder.find(text, view)
        ]
        self.clause_breaks = sorted(
            [m.end() for m in _CLAUSE_BREAK.finditer(text)]
            + [m.end() for m in _JOINING_DASH.finditer(text)]
        )
        self.rank_words = [m.start() for m in RANK_ONE.finditer(text)]
        self._within: dict[tuple[str, int, int], list] = {}
        self._starts = {
            "numbers": [n.start for n in self.numbers],
            "periods": [p.start for p in self.periods],
            "cues": [c.start for c in self.cues],
            "powertrain_cues": [c[0] for c in self.powertrain_cues],
            "clause_breaks": self.clause_breaks,
            "rank_words": self.rank_words,
        }

    def has_claim_words(self, sentence: Sentence) -> bool:
        """Whether a sentence holds a number or a rank word worth reading closely."""
        numbers = self.within("numbers", sentence.start, sentence.end)
        return any(n.kind not in ("year", "date") for n in numbers) or bool(
            self.within("rank_words", sentence.start, sentence.end)
        )

    def within(self, name: str, start: int, end: int) -> list:
        """The items of one kind that start (and end) inside text[start:end] (kept: each
        sentence is asked for the same kinds by its context, its reader and its claims)."""
        key = (name, start, end)
        items = self._within.get(key)
        if items is None:
            starts = self._starts[name]
            items = getattr(self, name)[
                bisect.bisect_left(starts, start) : bisect.bisect_left(starts, end)
            ]
            if name in ("numbers", "periods"):
                items = [item for item in items if item.end <= end]
            self._within[key] = items
        return items


class SentenceView:
    """A sentence with its entity mentions: enough to read its context."""

    def __init__(self, text: str, sentence: Sentence, mentions: list[Mention]) -> None:
        self.text = text
        self.sentence = sentence
        self.mentions = mentions

    def mentions_in(self, types: tuple[str, ...], start: int, end: int) -> list[Mention]:
        return [m for m in self.mentions if m.type in types and start <= m.start < end]


class SentenceReader(SentenceView):
    """A sentence with numbers, read once for the claim rules."""

    def __init__(self, scan: ArticleScan, sentence: Sentence, mentions: list[Mention]) -> None:
        text = scan.text
        super().__init__(text, sentence, mentions)
        self.lexicon = scan.lexicon
        self.published = scan.published
        self.entity_spans = [
            (m.start, m.end)
            for m in mentions
            if m.type in ("model", "manufacturer", "organization", "facility")
        ]
        # "Diesel: 16,060 units, ..." — a label before a colon scopes the whole line,
        # so the colon after it does not end a clause.
        breaks = [
            b
            for b in scan.within("clause_breaks", sentence.start, sentence.end)
            if not _LABEL.match(text, sentence.start, b)
        ]
        bounds = [sentence.start, *breaks, sentence.end]
        self.clauses = [(a, b) for a, b in itertools.pairwise(bounds) if b > a]
        # Words only for the sentences read closely (most sentences are not).
        self.words = [
            (m.start(), m.end(), m.group().lower())
            for m in _WORD.finditer(text, sentence.start, sentence.end)
        ]
        self.word_starts = [w[0] for w in self.words]
        # Year-shaped counts only: "the first 11 months" holds a count that is part of it.
        counts = [
            (n.start, n.end)
            for n in scan.within("numbers", sentence.start, sentence.end)
            if n.kind == "count" and n.value is not None and 1900 <= n.value <= 2100
        ]
        self.periods = [
            PeriodMention(p, bool(EVENT_BEFORE.search(text, self.clause_span(p.start)[0], p.start)))
            for p in scan.within("periods", sentence.start, sentence.end)
            # "recorded 2022 deliveries": the number is a count, not the year 2022.
            if not any(p.start <= a and b <= p.end for a, b in counts)
        ]
        period_spans = [(p.match.start, p.match.end) for p in self.periods]
        self.numbers = [
            n
            for n in scan.within("numbers", sentence.start, sentence.end)
            if n.kind not in ("year", "date")
            and not inside(n.start, self.entity_spans)
            and not inside(n.start, period_spans)
        ]
        self.cues = [
            cue
            for cue in scan.within("cues", sentence.start, sentence.end)
            if not inside(cue.start, self.entity_spans)
            and not (
                cue.kind == "verb"
                and _DESCRIPTIVE_VERB.search(text, max(sentence.start, cue.start - 12), cue.start)
            )
        ]
        # A powertrain word inside a model's name scopes it ("Maverick Hybrid", "Shark 6 PHEV");
        # inside an organisation's name it does not.
        not_models = [(m.start, m.end) for m in mentions if m.type != "model"]
        self.powertrain_cues = [
            cue
            for cue in scan.within("powertrain_cues", sentence.start, sentence.end)
            if not inside(cue[0], not_models)
        ]

    def clause_index(self, offset: int) -> int:
        for index, (start, end) in enumerate(self.clauses):
            if start <= offset < end:
                return index
        return len(self.clauses) - 1

    def clause_span(self, offset: int) -> tuple[int, int]:
        return self.clauses[self.clause_index(offset)]

    def words_before(self, offset: int, count: int) -> list[str]:
        index = bisect.bisect_left(self.word_starts, offset)
        return [w[2] for w in self.words[max(0, index - count) : index]]

    def words_after(self, offset: int, count: int) -> list[tuple[int, int, str]]:
        index = bisect.bisect_left(self.word_starts, offset)
        return self.words[index : index + count]

    def has_kind(self, kind: str, start: int, end: int) -> bool:
        return any(c.kind == kind and start <= c.start < end for c in self.cues)


def noun_phrase(reader: SentenceReader, number: NumberMatch) -> NounPhrase:
    """What a number counts: the noun after it ("14,313 registrations", "2,000 RD6 units")."""
    lexicon = reader.lexicon
    text = reader.text
    models: list[Mention] = []
    position = number.end
    first_unknown: tuple[str, int] | None = None
    noun: str | None = None
    kind: str | None = None
    end = number.end
    for start, stop, word in reader.words_after(number.end, 8):
        if re.search(r"[,;:.()—–]", text[position:start]):
            break
        mention = next(
            (
                m
                for m in reader.mentions
                if m.start <= start < m.end and m.type in ("model", "manufacturer")
            ),
            None,
        )
        if mention is not None:
            if mention.type == "model" and mention not in models:
                models.append(mention)
            position = max(stop, mention.end)
            end = position
            continue
        if start < position:
            continue
        phrase_kind = None
        for size in range(lexicon.max_noun_words, 0, -1):
            phrase = re.sub(r"\s+", " ", text[start : start + 60]).lower().split(" ")[:size]
            candidate = " ".join(phrase).strip(".,;:)(\"'”’")
            if candidate in lexicon.count_nouns:
                phrase_kind = lexicon.count_nouns[candidate]
                noun, kind, end = (
                    candidate,
                    phrase_kind,
                    start + len(" ".join(phrase).rstrip(".,;:)(\"'”’")),
                )
                break
        if phrase_kind:
            break
        folded = lexicon._fold(word)
        if folded in lexicon.metric_by_phrase and lexicon.metric_by_phrase[folded][1] == "noun":
            noun, kind, end = word, "metric", stop
            break
        if any(s <= start < e for s, e, _ in reader.powertrain_cues):
            position = stop
            continue
        folded_word = lexicon._fold(word)
        if (
            folded_word in lexicon.metric_by_phrase
            and lexicon.metric_by_phrase[folded_word][1] == "verb"
        ):
            break  # "16,530 registered": the verb is what the number did
        if word == "of" and first_unknown is None and noun is None:
            position = stop
            continue  # "3,300 of the electric trucks"
        if word == "and" and any(
            m.start > stop and m.type == "model" and m.start - stop < 3 for m in reader.mentions
        ):
            position = stop
            continue  # "7,650 Silverado EV and Sierra EV pickups"
        if word in lexicon.words.noun_phrase_stop:
            break
        if first_unknown is None:
            first_unknown = (word, stop)
        position = stop
    if noun is None and models:
        kind, end = "vehicle", end
    elif noun is None and first_unknown is not None:
        noun = first_unknown[0]
    verb_after = None
    if kind in ("vehicle", "metric") or models or noun is None:
        for cue in reader.cues:
            if (
                cue.kind == "verb"
                and cue.start >= end
                and len(reader.text[end : cue.start].split()) <= 3
                and not re.search(r"[,;:.]", reader.text[end : cue.start])
            ):
                verb_after = cue
                break
    return NounPhrase(noun, kind, end, models, verb_after)


_BASIS_WORDS = frozenset(
    ("year-on-year", "year-over-year", "yoy", "y-o-y", "month-on-month", "month-over-month", "mom")
)


_COUNTED_WORDS = frozenset(("sales", "registrations", "deliveries", "volume", "volumes", "exports"))


def _coordinated_change(
    reader: SentenceReader, previous: tuple[NumberMatch, float], number: NumberMatch
) -> float | None:
    """'declines of 41.2% and 27.4%': a percent joined to a change is a change the same way."""
    before, change = previous
    if not _COORDINATED.match(reader.text[before.end : number.start]):
        return None
    return -abs(number.value) if change < 0 else number.value


_COORDINATED = re.compile(r"^\s*(?:,\s*|,?\s*and\s+|,?\s*or\s+)$")


def _change_value(reader: SentenceReader, number: NumberMatch) -> float | None:
    """The signed change if a percent is a change ("up 12%", "a 68% jump")."""
    before = reader.words_before(number.start, 3)
    after = [w[2] for w in reader.words_after(number.end, 5)]
    # "a 42.5% year-on-year (YoY) decline": the basis stands between number and noun.
    while after and (after[0] in _BASIS_WORDS or after[0] in _COUNTED_WORDS):
        after.pop(0)  # "the 13% sales drop": the counted noun too
    if before and before[-1] == "to":
        return None  # "climbed to 41.2%": the new level, not the change
    if _PHRASAL_UP.search(
        reader.text[max(reader.sentence.start, number.start - 30) : number.start]
    ):
        return None
    if not (
        any(word in reader.lexicon.words.change_before for word in before)
        or (after and after[0] in reader.lexicon.words.change_after)
    ):
        return None
    if (
        before
        and before[-1] == "by"
        and not any(word in reader.lexicon.words.change_before - {"by"} for word in before)
    ):
        return None
    negative = any(word in reader.lexicon.words.negative_change for word in before) or (
        after and after[0] in reader.lexicon.words.negative_change
    )
    return -abs(number.value) if negative else number.value


_SHARE_OF = re.compile(
    r"^\s*of\s+(?:the\s+|all\s+|total\s+|its\s+|their\s+)?(?:[\w.,'-]+\s+){0,4}?(?:pickups?|utes?|trucks?|vehicles?|cars?|sales|registrations|market|segment|buyers|deliveries|bakkies|purchases)\b",
    re.IGNORECASE,
)


# "Of those sales, however, 61% were Chinese": a part of the figure before.
PARTITIVE = re.compile(
    r"\s*(?:but\s+|and\s+)?of\s+(?:those|these|them|this|that|which|the\s+total)\b", re.IGNORECASE
)


def _is_share(reader: SentenceReader, number: NumberMatch) -> bool:
    if _SHARE_OF.match(reader.text[number.end : number.end + 80]):
        return True
    if PARTITIVE.match(reader.text, reader.sentence.start, number.start):
        return True
    window_start = max(reader.sentence.start, number.start - 30)
    window_end = min(reader.sentence.end, number.end + 45)
    for cue in reader.cues:
        if cue.kind == "share" and window_start <= cue.start < window_end:
            between = (
                reader.text[number.end : cue.start]
                if cue.start >= number.end
                else reader.text[cue.end : number.start]
            )
            if len(between) < 45 and not re.search(r"\d", between):
                return True
    return False


def _adjacent_verb(
    reader: SentenceReader, number: NumberMatch, clause: tuple[int, int]
) -> Cue | None:
    """A sales verb governing the number: 'sold over 3,500', 'registered nearly 23,500'."""
    best = None
    for cue in reader.cues:
        if cue.kind != "verb" or not (clause[0] <= cue.start < number.start):
            continue
        between = reader.text[cue.end : number.start].lower().split()
        if len(between) <= 4 and all(
            word.strip("$") in reader.lexicon.words.between_verb_and_number for word in between
        ):
            best = cue
    return best


def nearest_cue(
    reader: SentenceReader, position: int, span: tuple[int, int], kinds: tuple[str, ...]
) -> Cue | None:
    best = None
    for cue in reader.cues:
        if cue.kind not in kinds or not (span[0] <= cue.start < span[1]):
            continue
        distance = position - cue.end if cue.end <= position else (cue.start - position) * 1.5
        if best is None or distance < best[0]:
            best = (distance, cue)
    return best[1] if best else None


_LIST_OPEN = re.compile(r"^\s*\(\s*$")


def _bare_after_name(reader: SentenceReader, number: NumberMatch, clause: tuple[int, int]) -> bool:
    """'the HiLux on 48,310', 'the GWM Cannon managed 655', 'the Mitsubishi Triton 734',
    'Toyota Hilux (2 793)', 'Xinjiang (20,946)': a figure standing for a name."""
    names = reader.mentions_in(("model", "manufacturer", "region"), clause[0], number.start)
    if not names:
        return False
    gap = reader.text[max(m.end for m in names) : number.start]
    if _LIST_OPEN.match(gap):
        return True  # "Name (N)", as ranked lists write it
    names = [m for m in names if m.type != "region"]
    if not names:
        return False
    lead = reader.text[max(clause[0], number.start - 40) : number.start]
    if _BARE_LINK.search(lead) and re.search(
        r"\b(?:on|with|at|managed|recorded|added|had|took|posted|logged|notched|reached|totalled|totaled|hit|tallied|scored)\s+\S*\s*$",
        lead,
        re.IGNORECASE,
    ):
        return True
    return reader.text[max(m.end for m in names) : number.start].strip() == ""


def read_candidates(
    reader: SentenceReader, context_metric: str | None
) -> tuple[
    list[Candidate], list[tuple[NumberMatch, float]], list[tuple[NumberMatch, PeriodMatch | None]]
]:
    """Level claims, changes and baselines of one sentence."""
    claims: list[Candidate] = []
    changes: list[tuple[NumberMatch, float]] = []
    baselines: list[tuple[NumberMatch, PeriodMatch | None]] = []
    sentence = reader.sentence
    for number in reader.numbers:
        clause_index = reader.clause_index(number.start)
        clause = reader.clauses[clause_index]
        target = reader.has_kind("target_modifier", clause[0], clause[1])
        lead = reader.text[max(sentence.start, number.start - 30) : number.start]
        if number.kind == "percent":
            if _BASELINE_BEFORE.search(lead) and claims and claims[-1].unit == "percent":
                baselines.append((number, None))
                continue
            share = _is_share(reader, number)
            change = _change_value(reader, number)
            if change is None and changes and not share:
                change = _coordinated_change(reader, changes[-1], number)
            if change is not None and not share:
                changes.append((number, change))
            elif share or (change is None and reader.has_kind("share", clause[0], clause[1])):
                metric = "market_share_target" if target else "market_share"
                claims.append(
                    Candidate(number, metric, "percent", number.value, clause_index, number.start)
                )
            continue
        if number.kind == "money":
            tail = reader.text[number.end : number.end + 40]
            if _NOT_PRICE_AFTER.match(tail):
                continue
            noun = noun_phrase(reader, number)
            if _PRICE_CUES.search(lead) or _PRICE_AFTER.match(tail) or noun.kind == "vehicle":
                if _BASELINE_BEFORE.search(lead) and claims and claims[-1].unit == number.currency:
                    baselines.append((number, None))
                    continue
                claims.append(
                    Candidate(
                        number,
                        "price",
                        number.currency or "USD",
                        number.value,
                        clause_index,
                        number.start,
                        noun=noun,
                    )
                )
            continue
        if number.kind == "ordinal":
            previous_rank = next(
                (c for c in reversed(claims) if c.metric == "sales_rank" and c.number is not None),
                None,
            )
            gap = reader.text[previous_rank.number.end : number.start] if previous_rank else ""
            named_between = (
                reader.mentions_in(
                    ("model", "manufacturer"), previous_rank.number.end, number.start
                )
                if previous_rank is not None
                else []
            )
            coordinated = (
                previous_rank is not None
                and (
                    re.fullmatch(r",?\s*(?:and|or|,)\s*", gap)
                    # "ranked first in pickup sales and third in overall LCV sales"
                    or (re.fullmatch(r"\s+in\s+[\w\s-]{1,40}?\s+and\s+", gap) and not named_between)
                    or (
                        re.search(r"(?:,|;)?\s+(?:and|while)\s+(?:the\s+)?", gap)
                        and named_between
                        and reader.text[named_between[-1].end : number.start].strip() == ""
                    )
                )
            )
            if coordinated or _ordinal_is_rank(reader, number):
                claims.append(
                    Candidate(
                        number, "sales_rank", "rank", number.value, clause_index, number.start
                    )
                )
            continue
        if number.kind != "count":
            continue
        if _BASELINE_BEFORE.search(lead) and any(c.unit == "units" for c in claims):
            following = [p.match for p in reader.periods if 0 <= p.match.start - number.end <= 6]
            baselines.append((number, following[0] if following else None))
            continue
        candidate = _count_candidate(
            reader, number, clause, clause_index, target, claims, context_metric
        )
        if candidate is not None:
            claims.append(candidate)
    _rank_words(reader, claims)
    return claims, changes, baselines


_UNSOLD = re.compile(r"\bunsold\b", re.IGNORECASE)
# A sales verb in the past: the figure happened ("sold", "delivered", "registered").
_DONE = re.compile(r"(?:having\s+)?(?:sold|sent|shipped|moved|built|made|\w+ed)", re.IGNORECASE)


def _governing_word(reader: SentenceReader, number: NumberMatch) -> str | None:
    """The word before a number once qualifiers are skipped ('recalling 46,096')."""
    for word in reversed(reader.words_before(number.start, 5)):
        if word not in reader.lexicon.words.between_verb_and_number:
            return word
    return None


def _count_candidate(
    reader, number, clause, clause_index, target, claims, context_metric
) -> Candidate | None:
    noun = noun_phrase(reader, number)
    before = reader.words_before(number.start, 3)
    if _governing_word(reader, number) in reader.lexicon.words.not_market_verb:
        return None  # "recalling 46,096 Cybertrucks", "hire 2,000 workers"
    if noun.noun is not None and _UNSOLD.search(reader.text, number.end, noun.end):
        return None  # "an inventory of about 2,400 unsold new Cybertrucks"
    if noun.kind == "other":
        return None
    if noun.kind == "buyer" and not any(word in reader.lexicon.words.buyer_verb for word in before):
        return None
    bare = noun.noun is None and noun.kind is None and _bare_after_name(reader, number, clause)
    if noun.kind is None and noun.noun is not None:
        # "500 workers", "48 consecutive years": a noun we do not count.
        return None
    if noun.kind is None and not bare and number.value < 100:
        return None
    cue = None
    if noun.kind == "metric":
        folded = reader.lexicon._fold(noun.noun)
        cue = Cue(number.end, noun.end, reader.lexicon.metric_by_phrase[folded][0], "noun", folded)
    cue = cue or _adjacent_verb(reader, number, clause) or noun.verb_after
    cue = (
        cue
        or nearest_cue(reader, number.start, clause, ("noun",))
        or nearest_cue(
            reader, number.start, (reader.sentence.start, reader.sentence.end), ("noun",)
        )
    )
    if noun.kind == "buyer":
        cue = cue or Cue(number.start, number.end, "sales", "verb", "found")
    if cue is not None:
        metric, verb = cue.metric, cue.phrase
    elif target and (noun.kind == "vehicle" or bare):
        metric, verb = "sales", None
    elif noun.kind in ("vehicle",) or bare or _dated_figure(reader, number):
        previous = next((c for c in reversed(claims) if c.metric in COUNT_METRICS), None)
        metric = previous.metric if previous else context_metric
        verb = None
        if metric is None:
            return None
    else:
        return None
    via_modifier = False
    if metric in ("sales",) and reader.has_kind("export_modifier", clause[0], clause[1]):
        metric, via_modifier = "exports", True
    aimed = reader.has_kind("target_modifier", max(clause[0], number.start - 25), number.start)
    if target and metric in COUNT_METRICS and (aimed or not (verb and _DONE.fullmatch(verb))):
        # "nowhere near that target, with Tesla having sold 16,000": done, not aimed at
        metric = "sales_target"
    return Candidate(
        number,
        metric,
        "units",
        number.value,
        clause_index,
        number.start,
        verb=verb,
        via_modifier=via_modifier,
        noun=noun,
    )


_FIGURE_WORD = re.compile(r"\b(?:figure|total|tally|volume)s?\b", re.IGNORECASE)


def _dated_figure(reader: SentenceReader, number: NumberMatch) -> bool:
    """'The yearly figure fell from 42,619 in 2019 to 38,117 in 2020': a bare number
    with a period of its own, in a sentence about a figure named before."""
    dated = any(0 <= p.match.start - number.end <= 5 for p in reader.periods)
    return dated and bool(_FIGURE_WORD.search(reader.text, reader.sentence.start, number.start))


def _ordinal_is_rank(reader: SentenceReader, number: NumberMatch) -> bool:
    after = reader.text[number.end : number.end + 25]
    if _RANK_AFTER.match(after) or number.text.lower().startswith(("no", "number")):
        return True
    before = reader.words_before(number.start, 4)
    while before and before[-1] in reader.lexicon.words.rank_filler:
        before.pop()
    if before and before[-1] in reader.lexicon.words.rank_verb:
        following = [w[2] for w in reader.words_after(number.end, 1)]
        return not following or following[0] in (
            "and",
            "or",
            "with",
            "place",
            "spot",
            "in",
            "among",
            "on",
            "behind",
            "after",
            "overall",
            "respectively",
            "for",
            "last",
            "this",
            "at",
        )
    return False


def _rank_words(reader: SentenceReader, claims: list[Candidate]) -> None:
    """'best-selling' and 'top-selling' are rank 1; 'followed by X' is the next rank."""
    text = reader.text
    taken = [c.number.start for c in claims if c.number is not None]
    for match in RANK_ONE.finditer(text, reader.sentence.start, reader.sentence.end):
        before = text[max(reader.sentence.start, match.start() - 30) : match.start()].lower()
        if re.search(r"(one|some|among)\s+of\s+(the\s+)?(\w+\s+)?$", before) or re.search(
            r"(next|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|\d(st|nd|rd|th))[- ]$",
            before,
        ):
            continue
        if any(abs(start - match.start()) < 3 for start in taken):
            continue
        following = re.match(
            r"\s+(?:[\w-]+\s+){0,2}?(pickups|utes|trucks|models|vehicles|cars|bakkies|brands|nameplates)\b",
            text[match.end() : match.end() + 40],
            re.IGNORECASE,
        )
        if following:
            continue  # "the best-selling pickups in China:" introduces a list
        claims.append(
            Candidate(
                None, "sales_rank", "rank", 1.0, reader.clause_index(match.start()), match.start()
            )
        )
    for match in FOLLOWED_BY.finditer(text, reader.sentence.start, reader.sentence.end):
        previous = [c for c in claims if c.metric == "sales_rank" and c.position < match.start()]
        if not previous:
            continue
        entity_end = min(reader.sentence.end, match.end() + 60)
        stop = re.search(r"[,;.]|\band\b", text[match.end() : entity_end])
        if stop:
            entity_end = match.end() + stop.start()
        brand, model = last_names(reader, match.end(), entity_end)
        if brand or model:
            claims.append(
                Candidate(
                    None,
                    "sales_rank",
                    "rank",
                    previous[-1].value + 1,
                    reader.clause_index(match.start()),
                    match.start(),
                    ranked_entity=(brand, model),
                )
            )


def last_names(reader: SentenceView, start: int, end: int) -> tuple[str | None, str | None]:
    found = names_in(reader, start, end)
    models = [m for m in found if m.type == "model"]
    brands = [m for m in found if m.type == "manufacturer"]
    if not brands and models:
        return models[-1].owner, models[-1].name
    return (brands[-1].name if brands else None), (models[-1].name if models else None)


def first_names(reader: SentenceView, start: int, end: int) -> tuple[str | None, str | None]:
    found = names_in(reader, start, end)[:2]
    models = [m for m in found if m.type == "model"]
    brands = [m for m in found if m.type == "manufacturer"]
    return (brands[0].name if brands else None), (models[0].name if models else None)


def names_in(reader: SentenceView, start: int, end: int) -> list[Mention]:
    """Brand and model mentions, without a brand that only prefixes a model ("Mitsubishi Triton")."""
    found = reader.mentions_in(("model", "manufacturer"), start, end)
    models = [m for m in found if m.type == "model"]
    return [
        m
        for m in found
        if m.type == "model"
        or not any(model.start <= m.start and m.end <= model.end for model in models)
    ]


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


def rank_span(text: str, position: int) -> tuple[int, int]:
    """Where the words that state a rank without a digit ("best-selling", "followed by")
    start and end."""
    match = RANK_ONE.match(text, position) or FOLLOWED_BY.match(text, position)
    if match:
        return match.start(), match.end()
    piece = text[position : position + 12].split(",")[0]
    start = position + len(piece) - len(piece.lstrip())
    return start, max(start, position + len(piece.rstrip()))


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
