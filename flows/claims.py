"""Numeric claims: each market number with what it counts, about whom, where and when.

A sentence is read the way an analyst reads it. Its numbers are found
(`numbers.py`) and its time phrases (`periods.py`); each number is then
classed as a level (a claim), a change ("up 12%"), a baseline ("up from
12,231"), or not a market number at all (years, model names, specs).
Claims take their attributes from their own clause first, then from the rest
of the sentence, then from the sentences just before it, which is where news
puts the source ("According to CADA, ..."), the market and the period of a
run of figures.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from datetime import date

from flows.numbers import NumberMatch, find_numbers
from flows.periods import PeriodMatch, find_periods
from flows.recognise import Mention
from flows.reference import Reference
from flows.segment import Sentence

COUNT_METRICS = ("sales", "registrations", "exports", "orders", "deliveries", "production")
_WORD = re.compile(r"[A-Za-z][A-Za-z'.-]*[A-Za-z]|[A-Za-z]|\d[\d,.]*|[%$€£¥₩]")


@dataclass
class Claim:
    article: str
    sentence_index: int
    sentence: str
    metric: str
    value: float | None
    unit: str
    qualifier: str = "exact"
    manufacturer: str | None = None
    model: str | None = None
    region: list[str] = field(default_factory=list)
    powertrain: str = "all"
    period_start: date | None = None
    period_end: date | None = None
    change_pct: float | None = None
    baseline_value: float | None = None
    source_org: str | None = None
    value_start: int = 0
    value_end: int = 0
    value_text: str = ""

    def as_record(self) -> dict:
        """The claim with the field names of the gold format."""
        return {
            "article": self.article,
            "sentence": self.sentence,
            "metric": self.metric,
            "value": self.value,
            "unit": self.unit,
            "qualifier": self.qualifier,
            "manufacturer": self.manufacturer,
            "model": self.model,
            "region": list(self.region),
            "powertrain": self.powertrain,
            "period_start": self.period_start.isoformat() if self.period_start else None,
            "period_end": self.period_end.isoformat() if self.period_end else None,
            "change_pct": self.change_pct,
            "baseline_value": self.baseline_value,
            "source_org": self.source_org,
        }


@dataclass
class _Word:
    start: int
    end: int
    text: str
    lower: str


@dataclass
class _Candidate:
    number: NumberMatch | None
    metric: str
    unit: str
    value: float | None
    clause: int
    position: int  # offset used for nearness
    verb: str | None = None
    via_modifier: bool = False
    ranked_entity: tuple[str | None, str | None] | None = None
    change: float | None = None
    baseline: float | None = None
    baseline_period: PeriodMatch | None = None


@dataclass
class _SentenceFacts:
    regions: list[str] = field(default_factory=list)
    period: tuple[date | None, date | None] | None = None
    powertrain: str | None = None
    manufacturer: str | None = None
    model: str | None = None
    source: str | None = None
    has_claims: bool = False
    rank_powertrain: str | None = None


# --- lexical cues that are grammar rather than reference data -------------

_CHANGE_BEFORE = {
    "up",
    "down",
    "rose",
    "rise",
    "rising",
    "risen",
    "fell",
    "fall",
    "falling",
    "fallen",
    "jumped",
    "jump",
    "jumping",
    "grew",
    "grow",
    "growing",
    "grown",
    "increased",
    "increase",
    "increasing",
    "decreased",
    "decrease",
    "declined",
    "decline",
    "declining",
    "dropped",
    "drop",
    "dropping",
    "surged",
    "surge",
    "surging",
    "soared",
    "soar",
    "soaring",
    "climbed",
    "climb",
    "slipped",
    "slip",
    "slid",
    "slide",
    "dipped",
    "dip",
    "plunged",
    "plunge",
    "plummeted",
    "tumbled",
    "gained",
    "gain",
    "lost",
    "expanded",
    "shrank",
    "shrunk",
    "contracted",
    "slumped",
    "spiked",
    "leapt",
    "leaped",
    "rebounded",
    "by",
    "growth",
    "boost",
    "boosted",
    "lifted",
    "added",
    "sank",
    "eased",
    "retreated",
    "advanced",
    "skyrocketed",
    "rocketed",
}
_CHANGE_AFTER = {
    "increase",
    "rise",
    "jump",
    "gain",
    "growth",
    "surge",
    "decline",
    "drop",
    "fall",
    "decrease",
    "slump",
    "higher",
    "lower",
    "more",
    "fewer",
    "less",
    "year-on-year",
    "year-over-year",
    "yoy",
    "y-o-y",
    "on-year",
    "from",
    "compared",
    "versus",
    "vs",
    "over",
    "on",
    "than",
    "uplift",
    "improvement",
    "hike",
    "dip",
    "slide",
    "contraction",
    "climb",
    "boost",
    "rebound",
}
_NEGATIVE = {
    "down",
    "fell",
    "fall",
    "falling",
    "fallen",
    "declined",
    "decline",
    "declining",
    "decreased",
    "decrease",
    "dropped",
    "drop",
    "dropping",
    "slipped",
    "slip",
    "slid",
    "slide",
    "dipped",
    "dip",
    "plunged",
    "plunge",
    "plummeted",
    "tumbled",
    "lost",
    "shrank",
    "shrunk",
    "contracted",
    "slumped",
    "lower",
    "fewer",
    "less",
    "slump",
    "contraction",
    "sank",
    "eased",
    "retreated",
}
_BASELINE_BEFORE = re.compile(
    r"(?:\b(?:up|down|rising|climbing|falling|growing|jumping|increasing|decreasing|dropping|rebounding)\s+from|\bcompared\s+(?:with|to)|\bversus|\bvs\.?|\bagainst|\bfrom)\s+(?:about\s+|around\s+|nearly\s+|just\s+|some\s+|roughly\s+)?$",
    re.IGNORECASE,
)
_RANK_VERBS = {
    "ranked",
    "ranks",
    "ranking",
    "rank",
    "placed",
    "came",
    "finished",
    "sits",
    "sat",
    "slotted",
    "was",
    "is",
    "remained",
    "remains",
    "held",
    "took",
    "claimed",
    "secured",
    "in",
    "at",
    "moved",
    "climbed",
    "fell",
    "dropped",
    "slipped",
    "rose",
    "were",
    "are",
    "be",
    "been",
}
_RANK_AFTER = re.compile(
    r"^(?:-|\s)?(?:place|spot|position|placed|ranked|best[- ]?sell(?:ing|er)|most[- ]popular|biggest[- ]selling|largest[- ]selling|top[- ]selling|most[- ]sold)\b",
    re.IGNORECASE,
)
_RANK_ONE = re.compile(
    r"\b(?:best[- ]?selling|top[- ]selling|biggest[- ]selling|most[- ]sold|best[- ]seller|top[- ]seller|number[- ]one[- ]selling)\b",
    re.IGNORECASE,
)
_FOLLOWED_BY = re.compile(r"\bfollowed\s+by\b", re.IGNORECASE)
_PRICE_CUES = re.compile(
    r"\b(?:priced|price[sd]?|pricing|starts?\s+(?:at|from)|starting\s+(?:at|from)|costs?|costing|msrp|rrp|retails?\s+(?:for|at)|sticker|drive[- ]away|driveaway|before\s+on[- ]road|sells\s+for|list\s+price|base\s+price|from)\b",
    re.IGNORECASE,
)
_CLAUSE_BREAK = re.compile(
    r";|\s[—–]\s|\s--\s|,\s(?=(?:while|whereas|but|although|though|compared)\b)|\s(?=(?:while|whereas)\s)|,\s(?=and\b[^.;]*\d)",
    re.IGNORECASE,
)
_ATTRIBUTION_BEFORE = re.compile(
    r"(?:according\s+to(?:\s+(?:the\s+)?(?:latest\s+|new\s+|preliminary\s+|official\s+)?(?:data|figures|statistics|numbers|estimates|a\s+report|research|analysis)\s+(?:from|by|of))?|(?:data|figures|statistics|numbers|estimates|reports?|research|analysis|tallies|tally)\s+(?:from|by|compiled\s+by|released\s+by|published\s+by)|compiled\s+by|released\s+by|published\s+by|citing|cited\s+by|sourced\s+from|per)\s+(?:the\s+)?(?:latest\s+)?$",
    re.IGNORECASE,
)
_ATTRIBUTION_AFTER = re.compile(
    r"^(?:'s)?\s*(?:\([A-Z&]+\)\s*)?(?:(?:latest\s+|new\s+|official\s+|registration\s+|sales\s+)?(?:data|figures|statistics|numbers|estimates|research|report|tally)\s+)?(?:show|shows|showed|shown|reveal|reveals|revealed|indicate|indicates|indicated|said|says|reported|reports|estimated|estimates|found|finds|counted|recorded|confirmed)\b",
    re.IGNORECASE,
)
_VIA = re.compile(r"\bvia\s+$", re.IGNORECASE)
_COREFERENCE = re.compile(
    r"^\W*(?:the\s+(?:company|automaker|carmaker|car\s+maker|brand|firm|manufacturer|maker|group|marque|truck\s+maker|ev\s+maker)|it|its)\b",
    re.IGNORECASE,
)
_DESTINATION_BEFORE = re.compile(
    r"(?:\bto|\binto|\bincluding|\bsuch\s+as|\blike|\bin|\bfor|\bacross|\bdestined\s+for|\bbound\s+for)\s+(?:the\s+)?(?:markets?\s+(?:such\s+as|like|including|in)\s+)?$",
    re.IGNORECASE,
)
_GENERIC_VEHICLE = {
    "pickups",
    "pickup",
    "pick-ups",
    "pick-up",
    "trucks",
    "truck",
    "utes",
    "ute",
    "vehicles",
    "vehicle",
    "cars",
    "car",
    "light trucks",
    "lineup",
    "line-up",
    "bakkies",
    "4x4s",
}
_NEUTRAL_NOUNS = {
    "units",
    "unit",
    "examples",
    "models",
    "sales",
    "registrations",
    "orders",
    "deliveries",
    "exports",
}
_AGGREGATE = re.compile(
    r"\b(?:overall|in\s+total|total|combined|brand[- ]wide|across\s+(?:its|the)\s+(?:range|lineup|line-up))\b",
    re.IGNORECASE,
)
_NEW_PREDICATE = re.compile(
    r"\b(?:and|but)\s+(?:is|are|was|were|has|have|had|will|would|it|its|they|now)\b|,\s+which\b",
    re.IGNORECASE,
)
_TARGET_PHRASE = re.compile(r"\b(?:annual|a\s+year|per\s+year|each\s+year|yearly)\b", re.IGNORECASE)


def _words(text: str, start: int, end: int) -> list[_Word]:
    return [
        _Word(m.start(), m.end(), m.group(), m.group().lower())
        for m in _WORD.finditer(text, start, end)
    ]


def _clauses(text: str, sentence: Sentence) -> list[tuple[int, int]]:
    bounds = [sentence.start]
    for match in _CLAUSE_BREAK.finditer(text, sentence.start, sentence.end):
        bounds.append(match.end())
    bounds.append(sentence.end)
    return [(a, b) for a, b in itertools.pairwise(bounds) if b > a]


def _clause_of(clauses: list[tuple[int, int]], offset: int) -> int:
    for index, (start, end) in enumerate(clauses):
        if start <= offset < end:
            return index
    return len(clauses) - 1


class _Lexicon:
    """Phrase lookups built once per reference: cue phrase -> (metric, role)."""

    def __init__(self, reference: Reference) -> None:
        self.reference = reference
        self.metric_phrases = self._compile(reference.metric_cues)
        self.qualifier_before = {
            p: q for p, (q, pos) in reference.qualifier_cues.items() if pos == "before"
        }
        self.qualifier_after = {
            p: q for p, (q, pos) in reference.qualifier_cues.items() if pos == "after"
        }
        self.powertrain = self._compile(reference.powertrain_cues, case_sensitive_upper=True)
        self.count_nouns = reference.count_nouns
        self.max_noun_words = max(len(noun.split()) for noun in reference.count_nouns)

    @staticmethod
    def _compile(table: dict, case_sensitive_upper: bool = False) -> re.Pattern[str]:
        phrases = sorted(table, key=len, reverse=True)
        parts = []
        for phrase in phrases:
            body = re.escape(phrase).replace(r"\ ", r"[\s-]")
            if case_sensitive_upper and phrase.isupper():
                parts.append(f"(?-i:{body})")
            else:
                parts.append(body)
        return re.compile(r"(?<![\w-])(?:" + "|".join(parts) + r")(?![\w-])", re.IGNORECASE)


_LEXICONS: dict[int, _Lexicon] = {}


def _lexicon(reference: Reference) -> _Lexicon:
    lexicon = _LEXICONS.get(id(reference))
    if lexicon is None:
        lexicon = _LEXICONS[id(reference)] = _Lexicon(reference)
    return lexicon


def _inside(offset: int, spans: list[tuple[int, int]]) -> bool:
    return any(start <= offset < end for start, end in spans)


class _SentenceReader:
    """Everything one sentence says, read once, for the claim rules below."""

    def __init__(
        self,
        text: str,
        sentence: Sentence,
        mentions: list[Mention],
        lexicon: _Lexicon,
        published: date | None,
        fiscal_start: int,
    ) -> None:
        self.text = text
        self.sentence = sentence
        self.lexicon = lexicon
        self.mentions = mentions
        self.entity_spans = [
            (m.start, m.end)
            for m in mentions
            if m.type in ("model", "manufacturer", "organization", "facility")
        ]
        self.clauses = _clauses(text, sentence)
        self.periods = find_periods(text, sentence.start, sentence.end, published, fiscal_start)
        period_spans = [(p.start, p.end) for p in self.periods]
        self.numbers = [
            n
            for n in find_numbers(text, sentence.start, sentence.end, lexicon.reference)
            if n.kind not in ("year", "date")
            and not _inside(n.start, self.entity_spans)
            and not _inside(n.start, period_spans)
        ]
        self.metric_cues = [
            (
                m.start(),
                m.end(),
                *lexicon.reference.metric_cues[
                    self._phrase_key(m.group(), lexicon.reference.metric_cues)
                ],
            )
            for m in lexicon.metric_phrases.finditer(text, sentence.start, sentence.end)
            if not _inside(m.start(), self.entity_spans)
        ]
        self.powertrain_cues = [
            (
                m.start(),
                m.end(),
                lexicon.reference.powertrain_cues[
                    self._phrase_key(m.group(), lexicon.reference.powertrain_cues)
                ],
            )
            for m in lexicon.powertrain.finditer(text, sentence.start, sentence.end)
            if not _inside(m.start(), self.entity_spans)
        ]

    @staticmethod
    def _phrase_key(surface: str, table: dict) -> str:
        if surface in table:
            return surface
        folded = re.sub(r"[\s-]+", " ", surface.lower())
        for phrase in table:
            if re.sub(r"[\s-]+", " ", phrase.lower()) == folded:
                return phrase
        return next(iter(table))

    def clause(self, offset: int) -> int:
        return _clause_of(self.clauses, offset)

    def before(self, offset: int, chars: int = 40) -> str:
        return self.text[max(self.sentence.start, offset - chars) : offset]

    def after(self, offset: int, chars: int = 40) -> str:
        return self.text[offset : min(self.sentence.end, offset + chars)]

    def words_before(self, offset: int, count: int) -> list[str]:
        return [w.lower for w in _words(self.text, max(self.sentence.start, offset - 80), offset)][
            -count:
        ]

    def words_after(self, offset: int, count: int) -> list[str]:
        return [w.lower for w in _words(self.text, offset, min(self.sentence.end, offset + 80))][
            :count
        ]

    def mentions_of(self, types: tuple[str, ...], start: int, end: int) -> list[Mention]:
        return [m for m in self.mentions if m.type in types and start <= m.start < end]


# --- classifying numbers --------------------------------------------------


def _is_change(reader: _SentenceReader, number: NumberMatch) -> float | None:
    """The signed change if a percent is a change ("up 12%", "a 68% jump")."""
    before = reader.words_before(number.start, 3)
    after = reader.words_after(number.end, 2)
    if any(word in _CHANGE_BEFORE for word in before) or (after and after[0] in _CHANGE_AFTER):
        negative = any(word in _NEGATIVE for word in before) or (after and after[0] in _NEGATIVE)
        if (
            before
            and before[-1] == "by"
            and not any(word in _CHANGE_BEFORE - {"by"} for word in before)
        ):
            # "by 2030" style "by" alone is not a change; "rose by 20%" is.
            return None
        return -number.value if negative else number.value
    return None


def _share_cue(reader: _SentenceReader, number: NumberMatch) -> bool:
    window_start = max(reader.sentence.start, number.start - 30)
    window_end = min(reader.sentence.end, number.end + 45)
    for start, end, _metric, role in reader.metric_cues:
        if role == "share" and window_start <= start < window_end:
            between = (
                reader.text[number.end : start]
                if start >= number.end
                else reader.text[end : number.start]
            )
            if len(between) < 45 and not re.search(r"\d", between):
                return True
    return False


def _noun_after(reader: _SentenceReader, number: NumberMatch) -> tuple[str | None, str | None, int]:
    """The counted noun after a number: (noun, kind vehicle/other/metric, end offset)."""
    lexicon = reader.lexicon
    words = _words(reader.text, number.end, min(reader.sentence.end, number.end + 80))
    skip_until = number.end
    for index, word in enumerate(words[:6]):
        if word.start < skip_until:
            continue
        mention = next((m for m in reader.mentions if m.start <= word.start < m.end), None)
        if mention is not None:
            skip_until = mention.end
            continue
        for size in range(lexicon.max_noun_words, 0, -1):
            phrase_words = words[index : index + size]
            if len(phrase_words) < size:
                continue
            phrase = reader.text[phrase_words[0].start : phrase_words[-1].end]
            kind = lexicon.count_nouns.get(phrase) or lexicon.count_nouns.get(phrase.lower())
            if kind:
                return phrase.lower(), kind, phrase_words[-1].end
        lower = word.lower
        if (
            lower in reader.lexicon.reference.metric_cues
            and reader.lexicon.reference.metric_cues[lower][1] == "metric"
        ):
            return lower, "metric", word.end
        if any(start <= word.start < end for start, end, _ in reader.powertrain_cues):
            continue
        if lower in (
            "new",
            "more",
            "additional",
            "such",
            "of",
            "the",
            "new-energy",
            "light",
            "commercial",
            "all-new",
            "locally",
            "built",
            "made",
            "imported",
            "domestically",
            "passenger",
        ):
            continue
        if re.match(r"^[a-z]", word.text):
            return lower, None, word.end
        return None, None, number.end
    return None, None, number.end


def _nearest_metric(
    reader: _SentenceReader,
    number: NumberMatch,
    clause: tuple[int, int],
    roles: tuple[str, ...] = ("metric",),
) -> tuple[str, str, int] | None:
    """The metric cue nearest the number within its clause: (metric, phrase, offset)."""
    best = None
    for start, end, metric, role in reader.metric_cues:
        if role not in roles or not (clause[0] <= start < clause[1]):
            continue
        distance = number.start - end if end <= number.start else (start - number.end) * 1.5
        phrase = reader.text[start:end].lower()
        if best is None or distance < best[0]:
            best = (distance, metric, phrase, start)
    return (best[1], best[2], best[3]) if best else None


def _has_role(reader: _SentenceReader, role: str, start: int, end: int) -> bool:
    return any(r == role and start <= s < end for s, _e, _m, r in reader.metric_cues)


def _qualifier(reader: _SentenceReader, number: NumberMatch) -> str:
    lexicon = reader.lexicon
    before = reader.before(number.start, 30).lower().rstrip()
    for phrase in sorted(lexicon.qualifier_before, key=len, reverse=True):
        if re.search(r"(?:^|[\s(])" + re.escape(phrase) + r"$", before):
            return lexicon.qualifier_before[phrase]
    after = reader.after(number.end, 12).lower()
    if number.text.endswith("+"):
        return "at_least"
    for phrase in sorted(lexicon.qualifier_after, key=len, reverse=True):
        if re.match(r"^\s?" + re.escape(phrase) + r"(?![\w])", after):
            return lexicon.qualifier_after[phrase]
    if number.range_high is not None:
        return "at_least"
    return "exact"


def _ordinal_is_rank(reader: _SentenceReader, number: NumberMatch) -> bool:
    before = reader.words_before(number.start, 2)
    after = reader.after(number.end, 25)
    if _RANK_AFTER.match(after):
        return True
    if number.text.lower().startswith(("no", "number")):
        return True
    if before and before[-1] in _RANK_VERBS:
        following = reader.words_after(number.end, 1)
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
        )
    if before and before[-1] in ("and", "or", "then") and len(before) == 2:
        return False
    return False


# --- attributes -----------------------------------------------------------


def _powertrain_near(reader: _SentenceReader, start: int, end: int) -> str | None:
    cues = [c for c in reader.powertrain_cues if start <= c[0] < end]
    return cues[-1][2] if cues else None


def _model_powertrain(
    reference: Reference, model: str | None, manufacturer: str | None
) -> str | None:
    if not model:
        return None
    for entity in reference.entities:
        if (
            entity.type == "model"
            and entity.name == model
            and (manufacturer is None or entity.manufacturer == manufacturer)
        ):
            return entity.powertrains[0] if len(entity.powertrains) == 1 else None
    return None


def _subject(
    reader: _SentenceReader, start: int, end: int, prefer_after: bool = False
) -> tuple[str | None, str | None]:
    """(manufacturer, model) named in text[start:end]: the last model, the last brand."""
    found = reader.mentions_of(("model", "manufacturer"), start, end)
    if prefer_after:
        found = found[:2]
    models = [m for m in found if m.type == "model"]
    brands = [m for m in found if m.type == "manufacturer"]
    model = models[-1] if models else None
    brand = brands[-1] if brands else None
    return (brand.name if brand else None), (model.name if model else None)


def _reconcile(
    reference: Reference, manufacturer: str | None, model: str | None
) -> tuple[str | None, str | None]:
    """A model's own brand wins over a group named beside it ("Geely's Radar RD6")."""
    if model:
        for entity in reference.entities:
            if (
                entity.type == "model"
                and entity.name == model
                and (
                    manufacturer is None
                    or entity.manufacturer == manufacturer
                    or manufacturer in reference.manufacturer_lineage(entity.manufacturer)
                )
            ):
                return entity.manufacturer, model
        candidates = [e for e in reference.entities if e.type == "model" and e.name == model]
        if candidates:
            return candidates[0].manufacturer, model
    return manufacturer, model


def _regions(reader: _SentenceReader, start: int, end: int) -> list[str]:
    names: list[str] = []
    demonyms: list[str] = []
    for mention in reader.mentions_of(("region",), start, end):
        target = demonyms if mention.demonym else names
        if mention.name not in target:
            target.append(mention.name)
    return names or demonyms


def _destinations(reader: _SentenceReader, after: int, end: int) -> list[str]:
    """Markets an export goes to: 'to X', 'such as X and Y', 'including X, Y'."""
    found: list[str] = []
    last_end = None
    for mention in reader.mentions_of(("region",), after, end):
        if mention.demonym:
            continue
        preceding = reader.text[max(after, mention.start - 40) : mention.start]
        listed = last_end is not None and re.match(
            r"^\s*(?:,|and|or|,\s*and|&)\s*(?:the\s+)?$", reader.text[last_end : mention.start]
        )
        if _DESTINATION_BEFORE.search(preceding) or listed:
            if mention.name not in found:
                found.append(mention.name)
            last_end = mention.end
    return found


def _attribution(reader: _SentenceReader) -> str | None:
    """The organisation a sentence credits for its numbers, if it names one."""
    for mention in reader.mentions:
        if mention.type not in ("organization", "manufacturer"):
            continue
        before = reader.text[max(reader.sentence.start, mention.start - 60) : mention.start]
        if _VIA.search(before):
            continue
        after = reader.text[mention.end : min(reader.sentence.end, mention.end + 50)]
        if _ATTRIBUTION_BEFORE.search(before):
            return mention.name
        if mention.type == "organization" and _ATTRIBUTION_AFTER.match(after):
            return mention.name
    return None


# --- the claim rules -------------------------------------------------------


def _candidates(
    reader: _SentenceReader,
) -> tuple[
    list[_Candidate], list[tuple[NumberMatch, float]], list[tuple[NumberMatch, PeriodMatch | None]]
]:
    """Level claims, changes and baselines of one sentence."""
    claims: list[_Candidate] = []
    changes: list[tuple[NumberMatch, float]] = []
    baselines: list[tuple[NumberMatch, PeriodMatch | None]] = []
    sentence = reader.sentence
    for number in reader.numbers:
        clause_index = reader.clause(number.start)
        clause = reader.clauses[clause_index]
        target = _has_role(reader, "target_modifier", clause[0], clause[1])
        if number.kind == "percent":
            change = _is_change(reader, number)
            if change is not None and not _share_cue(reader, number):
                changes.append((number, change))
                continue
            if _share_cue(reader, number):
                metric = "market_share_target" if target else "market_share"
                claims.append(
                    _Candidate(number, metric, "percent", number.value, clause_index, number.start)
                )
            continue
        if number.kind == "money":
            window = reader.text[max(clause[0], number.start - 60) : number.start]
            if _PRICE_CUES.search(window) or _PRICE_CUES.search(reader.after(number.end, 30)):
                if (
                    _BASELINE_BEFORE.search(reader.before(number.start, 30))
                    and claims
                    and claims[-1].unit == number.currency
                ):
                    baselines.append((number, None))
                    continue
                claims.append(
                    _Candidate(
                        number,
                        "price",
                        number.currency or "USD",
                        number.value,
                        clause_index,
                        number.start,
                    )
                )
            continue
        if number.kind == "ordinal":
            previous_rank = next(
                (c for c in reversed(claims) if c.metric == "sales_rank" and c.number is not None),
                None,
            )
            coordinated = previous_rank is not None and re.fullmatch(
                r",?\s*(?:and|or|,)\s*", reader.text[previous_rank.number.end : number.start]
            )
            if coordinated or _ordinal_is_rank(reader, number):
                claims.append(
                    _Candidate(
                        number, "sales_rank", "rank", number.value, clause_index, number.start
                    )
                )
            continue
        if number.kind != "count":
            continue
        if _BASELINE_BEFORE.search(reader.before(number.start, 30)) and any(
            c.unit == "units" for c in claims
        ):
            following = [p for p in reader.periods if 0 <= p.start - number.end <= 6]
            baselines.append((number, following[0] if following else None))
            continue
        noun, noun_kind, _noun_end = _noun_after(reader, number)
        if noun_kind == "other":
            continue
        if number.value < 10 and noun_kind != "vehicle" and noun_kind != "metric":
            continue
        before_words = reader.words_before(number.start, 4)
        cue = None
        if noun_kind == "metric":
            cue = (reader.lexicon.reference.metric_cues[noun][0], noun, number.end)
        else:
            cue = _nearest_metric(reader, number, clause) or _nearest_metric(
                reader, number, (sentence.start, sentence.end)
            )
        if cue is None:
            continue
        verb_before = any(w in reader.lexicon.reference.metric_cues for w in before_words)
        if (
            noun_kind is None
            and noun is not None
            and not verb_before
            and noun not in _NEUTRAL_NOUNS
        ):
            # "500 workers", "300 miles": a noun we do not count, with no sales verb right before.
            continue
        metric, phrase, _cue_at = cue
        via_modifier = False
        if metric == "sales" and (_has_role(reader, "export_modifier", clause[0], clause[1])):
            metric, via_modifier = "exports", True
        if target and metric in COUNT_METRICS:
            metric = "sales_target"
        claims.append(
            _Candidate(
                number,
                metric,
                "units",
                number.value,
                clause_index,
                number.start,
                verb=phrase,
                via_modifier=via_modifier,
            )
        )
    _rank_words(reader, claims)
    return claims, changes, baselines


def _rank_words(reader: _SentenceReader, claims: list[_Candidate]) -> None:
    """'best-selling' and 'top-selling' are rank 1; 'followed by X' is the next rank."""
    text = reader.text
    taken = [c.number.start for c in claims if c.number is not None]
    for match in _RANK_ONE.finditer(text, reader.sentence.start, reader.sentence.end):
        before = text[max(reader.sentence.start, match.start() - 30) : match.start()].lower()
        if re.search(r"(one|some|among)\s+of\s+(the\s+)?(\w+\s+)?$", before) or re.search(
            r"(second|third|fourth|fifth|\d(st|nd|rd|th))[- ]$", before
        ):
            continue
        if any(abs(start - match.start()) < 3 for start in taken):
            continue
        claims.append(
            _Candidate(None, "sales_rank", "rank", 1.0, reader.clause(match.start()), match.start())
        )
    for match in _FOLLOWED_BY.finditer(text, reader.sentence.start, reader.sentence.end):
        previous = [c for c in claims if c.metric == "sales_rank" and c.position < match.start()]
        if not previous:
            continue
        entity_end = min(reader.sentence.end, match.end() + 60)
        stop = re.search(r"[,;.]|\band\b", text[match.end() : entity_end])
        if stop:
            entity_end = match.end() + stop.start()
        brand, model = _subject(reader, match.end(), entity_end)
        if brand or model:
            claims.append(
                _Candidate(
                    None,
                    "sales_rank",
                    "rank",
                    previous[-1].value + 1,
                    reader.clause(match.start()),
                    match.start(),
                    ranked_entity=(brand, model),
                )
            )


def _noun_phrases(
    reader: _SentenceReader, start: int, end: int
) -> list[tuple[str | None, str | None]]:
    """Coordinated subjects ("The GMC Sierra and Ram's truck lineup") as (brand, model) pairs."""
    groups: list[list[Mention]] = []
    last_end = None
    for mention in reader.mentions_of(("model", "manufacturer"), start, end):
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


def extract_claims(
    article: str,
    text: str,
    sentences: list[Sentence],
    mentions: list[Mention],
    reference: Reference,
    published: date | None,
) -> list[Claim]:
    """All claims of one cleaned article. Pure: text and reference data in, claims out."""
    lexicon = _lexicon(reference)
    by_sentence: dict[int, list[Mention]] = {}
    for mention in mentions:
        by_sentence.setdefault(mention.sentence, []).append(mention)
    default_region = _default_market(sentences, by_sentence)
    fiscal_start = _fiscal_start(reference, mentions)
    facts: list[_SentenceFacts] = []
    claims: list[Claim] = []
    for sentence in sentences:
        sentence_mentions = by_sentence.get(sentence.index, [])
        reader = _SentenceReader(
            text, sentence, sentence_mentions, lexicon, published, fiscal_start
        )
        fact = _SentenceFacts(
            regions=_regions(reader, sentence.start, sentence.end),
            powertrain=_powertrain_near(reader, sentence.start, sentence.end),
            source=_attribution(reader),
        )
        brand, model = _subject(reader, sentence.start, sentence.end)
        fact.manufacturer, fact.model = _reconcile(reference, brand, model)
        main_periods = [
            p for p in reader.periods if not p.comparison and not p.future and p.period_start
        ]
        if main_periods:
            fact.period = (main_periods[0].period_start, main_periods[0].period_end)
        if reader.numbers or _RANK_ONE.search(text, sentence.start, sentence.end):
            found = _sentence_claims(article, reader, fact, facts, sentences, default_region)
            fact.has_claims = bool(found)
            ranks = [c for c in found if c.metric == "sales_rank"]
            if ranks:
                fact.rank_powertrain = ranks[-1].powertrain
            if found and any(c.period_start for c in found):
                dated = next(c for c in found if c.period_start)
                fact.period = (dated.period_start, dated.period_end)
            claims.extend(found)
        facts.append(fact)
    return _drop_headline_repeats(claims, sentences)


def _default_market(sentences: list[Sentence], by_sentence: dict[int, list[Mention]]) -> str | None:
    """The market an article is about: the first one its opening names."""
    for sentence in sentences[:3]:
        for mention in by_sentence.get(sentence.index, []):
            if mention.type == "region":
                return mention.name
    return None


def _fiscal_start(reference: Reference, mentions: list[Mention]) -> int:
    for mention in mentions:
        if mention.type == "manufacturer":
            entity = reference.get("manufacturer", mention.name)
            if entity:
                return entity.fiscal_year_start_month
    return 1


def _context(
    facts: list[_SentenceFacts],
    sentences: list[Sentence],
    sentence: Sentence,
    attribute: str,
    reach: int = 2,
):
    """An attribute from the nearest earlier sentences: the one just before, then its block."""
    for back in range(1, reach + 1):
        index = sentence.index - back
        if index < 0:
            break
        if sentences[index].block != sentence.block and back > 1:
            break
        value = getattr(facts[index], attribute)
        if value:
            return value
        if sentences[index].block != sentence.block:
            break
    return None


def _heading_context(
    facts: list[_SentenceFacts], sentences: list[Sentence], sentence: Sentence, attribute: str
):
    """An attribute named by the heading of the sentence's section ("China Sets New Records")."""
    for index in range(sentence.index - 1, -1, -1):
        if sentences[index].section != sentence.section:
            return None
        if sentences[index].kind == "heading":
            return getattr(facts[index], attribute) or None
    return None


def _sentence_claims(
    article: str,
    reader: _SentenceReader,
    fact: _SentenceFacts,
    facts: list[_SentenceFacts],
    sentences: list[Sentence],
    default_region: str | None,
) -> list[Claim]:
    reference = reader.lexicon.reference
    sentence = reader.sentence
    candidates, changes, baselines = _candidates(reader)
    if not candidates and changes:
        candidates = _change_only(reader, changes)
    if not candidates:
        return []
    candidates.sort(key=lambda c: c.position)
    _attach_changes(candidates, changes, reader)
    _attach_baselines(candidates, baselines)
    respectively = _respectively(reader, candidates)

    claims: list[Claim] = []
    previous: _Candidate | None = None
    sentence_text = reader.text[sentence.start : sentence.end]
    coreferent = bool(_COREFERENCE.match(sentence_text))
    for index, candidate in enumerate(candidates):
        clause = reader.clauses[candidate.clause]
        position = candidate.position
        # Parallel clauses with the same verb share the metric
        # ("BYD sold 3,500 overseas, and Radar sold 2,000").
        if (
            previous is not None
            and candidate.verb
            and candidate.verb == previous.verb
            and previous.via_modifier
            and candidate.metric == "sales"
        ):
            candidate.metric = previous.metric
        brand, model = _claim_entity(reader, candidate, clause, index, candidates, respectively)
        if brand is None and model is None and claims and previous is not None:
            between = reader.mentions_of(
                ("model", "manufacturer"), previous.position, candidate.position
            )
            if not between:
                # "targeting 90,000 sales and a 7% share": one subject, two numbers.
                brand, model = claims[-1].manufacturer, claims[-1].model
        if brand and not model:
            earlier_models = [
                m
                for m in reader.mentions_of(("model",), reader.sentence.start, candidate.position)
                if brand in reference.manufacturer_lineage(_reconcile(reference, None, m.name)[0])
            ]
            if earlier_models and not _AGGREGATE.search(reader.text[clause[0] : clause[1]]):
                # "the Tasman is on track ..., with Kia targeting 80,000 sales"
                model = earlier_models[-1].name
        if brand is None and model is None and coreferent and index == 0:
            brand = _context(facts, sentences, sentence, "manufacturer", reach=1)
        if (
            brand
            and not model
            and candidate.metric
            in (*COUNT_METRICS, "sales_target", "market_share", "market_share_target")
        ):
            carried_model = _context(facts, sentences, sentence, "model", reach=1)
            if (
                carried_model
                and candidate.number is not None
                and not _AGGREGATE.search(reader.text[clause[0] : clause[1]])
            ):
                carried_brand = reference.get("model", carried_model)
                lineage = reference.manufacturer_lineage(
                    _reconcile(reference, None, carried_model)[0]
                )
                if brand in lineage and carried_brand is not None:
                    model = carried_model
        brand, model = _reconcile(reference, brand, model)

        regions = _claim_regions(
            reader, candidate, clause, brand, fact, facts, sentences, default_region
        )
        powertrain = _claim_powertrain(
            reader, candidate, clause, model, brand, facts, sentences, claims
        )
        period_start, period_end = _claim_period(reader, candidate, clause, fact, facts, sentences)
        source = fact.source or _source_context(facts, sentences, sentence)

        number = candidate.number
        claims.append(
            Claim(
                article=article,
                sentence_index=sentence.index,
                sentence=sentence_text,
                metric=candidate.metric,
                value=candidate.value,
                unit=candidate.unit,
                qualifier=_qualifier(reader, number) if number is not None else "exact",
                manufacturer=brand,
                model=model,
                region=regions,
                powertrain=powertrain,
                period_start=period_start,
                period_end=period_end,
                change_pct=candidate.change,
                baseline_value=candidate.baseline,
                source_org=source,
                value_start=number.start if number else position,
                value_end=number.end if number else position,
                value_text=number.text if number else _rank_phrase(reader.text, position),
            )
        )
        previous = candidate
    return claims


def _rank_phrase(text: str, position: int) -> str:
    """The words that state a rank without a digit ("best-selling", "followed by")."""
    match = _RANK_ONE.match(text, position) or _FOLLOWED_BY.match(text, max(0, position - 12))
    if match:
        return match.group()
    return text[position : position + 12].split(",")[0].strip()


def _change_only(
    reader: _SentenceReader, changes: list[tuple[NumberMatch, float]]
) -> list[_Candidate]:
    """'Sales rose 20%': a claim with a change and no level."""
    found: list[_Candidate] = []
    for number, change in changes:
        clause_index = reader.clause(number.start)
        clause = reader.clauses[clause_index]
        cue = _nearest_metric(reader, number, clause)
        if cue is None or cue[0] not in COUNT_METRICS:
            continue
        metric = cue[0]
        if metric == "sales" and _has_role(reader, "export_modifier", clause[0], clause[1]):
            metric = "exports"
        candidate = _Candidate(
            number, metric, "units", None, clause_index, number.start, verb=cue[1]
        )
        candidate.change = change
        found.append(candidate)
    return found


def _attach_changes(
    candidates: list[_Candidate], changes: list[tuple[NumberMatch, float]], reader: _SentenceReader
) -> None:
    levels = [c for c in candidates if c.unit == "units" and c.value is not None]
    for number, change in changes:
        if not levels:
            return
        clause = reader.clause(number.start)
        same = [c for c in levels if c.clause == clause]
        pool = same or levels
        target = min(
            pool, key=lambda c: (c.position > number.start, abs(c.position - number.start))
        )
        if target.change is None:
            target.change = change


def _attach_baselines(
    candidates: list[_Candidate], baselines: list[tuple[NumberMatch, PeriodMatch | None]]
) -> None:
    for number, period in baselines:
        earlier = [c for c in candidates if c.position < number.start and c.value is not None]
        if earlier and earlier[-1].baseline is None:
            earlier[-1].baseline = number.value
            earlier[-1].baseline_period = period


def _respectively(
    reader: _SentenceReader, candidates: list[_Candidate]
) -> dict[int, tuple[str | None, str | None]]:
    """'X and Y ranked sixth and eighth, respectively': values map to subjects in order."""
    text = reader.text[reader.sentence.start : reader.sentence.end]
    if "respectively" not in text.lower() or len(candidates) < 2:
        return {}
    first = min(c.position for c in candidates)
    subjects = _noun_phrases(reader, reader.sentence.start, first)
    same_kind = [c for c in candidates if c.metric == candidates[0].metric]
    if len(subjects) != len(same_kind):
        subjects = subjects[-len(same_kind) :] if len(subjects) > len(same_kind) else subjects
    if len(subjects) != len(same_kind):
        return {}
    return {id(c): subject for c, subject in zip(same_kind, subjects, strict=True)}


def _claim_entity(
    reader: _SentenceReader,
    candidate: _Candidate,
    clause: tuple[int, int],
    index: int,
    candidates: list[_Candidate],
    respectively: dict,
) -> tuple[str | None, str | None]:
    if candidate.ranked_entity is not None:
        return candidate.ranked_entity
    if id(candidate) in respectively:
        return respectively[id(candidate)]
    number = candidate.number
    position = candidate.position
    # The counted noun phrase: "2,000 RD6 units", "5,000 units of the HiLux".
    if number is not None:
        _noun, _kind, noun_end = _noun_after(reader, number)
        tail_end = noun_end
        of_phrase = re.match(r"^\s+of\s+(?:the\s+)?", reader.text[noun_end : noun_end + 10])
        if of_phrase:
            tail_end = min(clause[1], noun_end + 40)
        brand, model = _subject(reader, number.end, tail_end)
        if model:
            before_brand, _ = _subject(reader, clause[0], position)
            return before_brand or brand, model
    brand, model = _subject(reader, clause[0], position)
    if brand or model:
        return brand, model
    if candidate.metric == "sales_rank":
        brand, model = _subject(reader, position, clause[1], prefer_after=True)
        if brand or model:
            return brand, model
    earlier = [c for c in candidates[:index] if c.position < position]
    if not earlier:
        return _subject(reader, reader.sentence.start, position)
    return None, None


def _claim_regions(
    reader, candidate, clause, brand, fact, facts, sentences, default_region
) -> list[str]:
    reference = reader.lexicon.reference
    if candidate.metric == "exports":
        destinations = _destinations(reader, candidate.position, clause[1])
        if destinations:
            return destinations
        origin = _regions(reader, clause[0], candidate.position)
        if origin:
            return origin
        home = reference.home_country(brand)
        if home:
            return [home]
    stop = _NEW_PREDICATE.search(reader.text, candidate.position, clause[1])
    clause_end = stop.start() if stop else clause[1]
    for start, end in ((clause[0], clause_end), (reader.sentence.start, reader.sentence.end)):
        found = _regions(reader, start, end)
        if found:
            return found
    if candidate.metric == "price" and candidate.number and candidate.number.currency:
        currency = next(
            (c for c in reference.currencies if c.code == candidate.number.currency and c.region),
            None,
        )
        if currency and currency.code != "USD":
            return [currency.region]
    carried = _context(facts, sentences, reader.sentence, "regions") or _heading_context(
        facts, sentences, reader.sentence, "regions"
    )
    if carried:
        return list(carried)
    return [default_region] if default_region else []


def _claim_powertrain(reader, candidate, clause, model, brand, facts, sentences, claims) -> str:
    reference = reader.lexicon.reference
    number = candidate.number
    scope_end = min(clause[1], (number.end if number else candidate.position) + 40)
    scope_start = clause[0]
    if number is not None:
        noun, _kind, noun_end = _noun_after(reader, number)
        scope_end = max(noun_end, number.end)
    else:
        noun = None
        end_match = re.search(r"[,.;]", reader.text[candidate.position : clause[1]])
        scope_end = candidate.position + (
            end_match.start() if end_match else clause[1] - candidate.position
        )
    cue = _powertrain_near(reader, scope_start, scope_end)
    if cue:
        return cue
    if candidate.metric == "sales_rank":
        # A ranking has one scope ("best-selling vehicle lineup"); later ranks share it.
        after = reader.text[candidate.position : scope_end].lower()
        if any(word in after.split() for word in _GENERIC_VEHICLE):
            return "all"
        earlier_ranks = [c for c in claims if c.metric == "sales_rank"]
        if earlier_ranks:
            return earlier_ranks[-1].powertrain
        carried_rank = _context(facts, sentences, reader.sentence, "rank_powertrain", reach=1)
        if carried_rank:
            return carried_rank
    own = _model_powertrain(reference, model, brand)
    if own:
        return own
    if noun in _GENERIC_VEHICLE:
        return "all"
    if claims and claims[-1].sentence_index == reader.sentence.index:
        return claims[-1].powertrain
    carried = _context(facts, sentences, reader.sentence, "powertrain", reach=3)
    if carried:
        return carried
    return "all"


def _claim_period(
    reader, candidate, clause, fact, facts, sentences
) -> tuple[date | None, date | None]:
    metric = candidate.metric
    baseline_period = candidate.baseline_period
    usable = [
        p
        for p in reader.periods
        if p.period_start
        and not p.comparison
        and p is not baseline_period
        and (p.future == (metric in ("sales_target", "market_share_target")))
    ]
    if metric in ("sales_target", "market_share_target", "price"):
        in_clause = [p for p in usable if clause[0] <= p.start < clause[1]]
        chosen = (in_clause or usable)[:1]
        return (chosen[0].period_start, chosen[0].period_end) if chosen else (None, None)
    in_clause = [p for p in usable if clause[0] <= p.start < clause[1]]
    if in_clause:
        nearest = min(in_clause, key=lambda p: abs(p.start - candidate.position))
        return nearest.period_start, nearest.period_end
    if usable:
        return usable[0].period_start, usable[0].period_end
    if baseline_period is not None and baseline_period.period_start:
        start, end = baseline_period.period_start, baseline_period.period_end
        return _next_year(start), _next_year(end)
    carried = _context(facts, sentences, reader.sentence, "period", reach=1)
    if (carried and candidate.number is not None) or (carried and metric == "sales_rank"):
        return carried
    return None, None


def _next_year(day: date) -> date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)


def _source_context(
    facts: list[_SentenceFacts], sentences: list[Sentence], sentence: Sentence
) -> str | None:
    """A credit in the sentence just before, or earlier in the same paragraph."""
    index = sentence.index - 1
    if index < 0:
        return None
    if facts[index].source and sentences[index].block == sentence.block:
        return facts[index].source
    while index >= 0 and sentences[index].paragraph == sentence.paragraph:
        if facts[index].source:
            return facts[index].source
        index -= 1
    return None


def _drop_headline_repeats(claims: list[Claim], sentences: list[Sentence]) -> list[Claim]:
    """A title or dek number repeated in the body is one claim, kept where the body states it."""
    kinds = {sentence.index: sentence.kind for sentence in sentences}
    body = {
        (c.metric, c.value, c.unit)
        for c in claims
        if kinds.get(c.sentence_index) not in ("title", "dek")
    }
    return [
        c
        for c in claims
        if kinds.get(c.sentence_index) not in ("title", "dek")
        or (c.metric, c.value, c.unit) not in body
    ]
