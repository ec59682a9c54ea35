"""Numeric claims: each market number with what it counts, about whom, where and when.

A sentence is read the way an analyst reads it. Its numbers come from
`numbers.py` and its time phrases from `periods.py`; each number is then
classed as a level (a claim), a change ("up 12%"), a baseline ("up from
12,231"), or not a market number at all (years, model names, specs, fees).

Claims take their attributes from their own clause first, then from the rest
of the sentence, then from the sentences just before it: news states the
source, market, period and metric once and then runs through the figures
("According to CADA, ... The HiLux was second on 4,012.").
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from datetime import date

from flows.numbers import NumberMatch, find_numbers
from flows.periods import PeriodMatch, find_periods
from flows.recognise import Mention
from flows.reference import Reference
from flows.segment import Sentence

COUNT_METRICS = ("sales", "registrations", "exports", "orders", "deliveries", "production")
TARGET_METRICS = ("sales_target", "market_share_target")
SHARE_METRICS = ("market_share", "market_share_target")


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


# --- grammar of market news (reference data lives in seeds/reference) -----

_WORD = re.compile(r"[A-Za-z][A-Za-z'.-]*[A-Za-z]|[A-Za-z]|\d[\d,.]*")
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
    "to",
}
_RANK_FILLERS = {
    "a",
    "an",
    "the",
    "close",
    "distant",
    "strong",
    "solid",
    "narrow",
    "clear",
    "comfortable",
    "respectable",
    "joint",
    "equal",
    "overall",
    "in",
}
_RANK_AFTER = re.compile(
    r"^(?:-|\s)?(?:place|spot|position|placed|ranked|best[- ]?sell(?:ing|er)|most[- ]popular|biggest[- ]selling|largest[- ]selling|top[- ]selling|most[- ]sold|most[- ]registered)\b",
    re.IGNORECASE,
)
_RANK_ONE = re.compile(
    r"\b(?:best[- ]?selling|top[- ]selling|biggest[- ]selling|most[- ]sold|most[- ]registered|best[- ]seller|top[- ]seller|number[- ]one[- ]selling)\b",
    re.IGNORECASE,
)
_FOLLOWED_BY = re.compile(r"\bfollowed\s+by\b", re.IGNORECASE)
_PRICE_CUES = re.compile(
    r"\b(?:(?:priced|price[sd]?|pricing)(?:\s+(?:at|from|of|for))?|starts?\s+(?:at|from)|starting\s+(?:at|from)|costs?|costing|msrp|rrp|retails?\s+(?:for|at)|sticker|drive[- ]away|driveaway|sells\s+for|list\s+price|base\s+price|from)\s+(?:just\s+|about\s+|around\s+|roughly\s+|under\s+|over\s+|an?\s+)?$",
    re.IGNORECASE,
)
_PRICE_AFTER = re.compile(
    r"^\s*(?:msrp|rrp|before\s+on[- ]road|drive[- ]away|driveaway|plus\s+on[- ]road|\(?\s*excluding)",
    re.IGNORECASE,
)
# Money that is a fee, tax or subsidy, not the price of a vehicle.
_NOT_PRICE_AFTER = re.compile(
    r"^\s*(?:\w+\s+)?(?:destination|delivery|freight|charge|fee|fees|tax|credit|rebate|incentive|discount|subsidy|tariff|deposit|surcharge|investment|loss|profit|revenue|fine|bonus|budget)\b",
    re.IGNORECASE,
)
_CLAUSE_BREAK = re.compile(
    r";|:\s|\s[—–]\s|\s--\s|,\s(?=(?:while|whereas|but|although|though|compared)\b)|\s(?=(?:while|whereas)\s)|,\s(?=(?:and|which|who)\b[^.;]*\d)",
    re.IGNORECASE,
)
_ATTRIBUTION_BEFORE = re.compile(
    r"(?:according\s+to(?:\s+(?:the\s+)?(?:\w+\s+){0,2}(?:data|figures|statistics|numbers|estimates|a\s+report|research|analysis|tally)(?:\s+\w+){0,3}\s+(?:from|by|of))?"
    r"|(?:data|figures|statistics|numbers|estimates|reports?|research|analysis|tallies|tally)(?:\s+\w+){0,2}\s+(?:from|by|of|compiled\s+by|released\s+by|published\s+by)"
    r"|compiled\s+by|released\s+by|published\s+by|citing|cited\s+by|sourced\s+from|per)\s+(?:the\s+)?(?:latest\s+)?$",
    re.IGNORECASE,
)
_ATTRIBUTION_AFTER = re.compile(
    r"^(?:'s)?\s*(?:\([A-Z&]+\)\s*)?(?:(?:latest\s+|new\s+|official\s+|preliminary\s+|registration\s+|sales\s+)?(?:data|figures|statistics|numbers|estimates|research|report|tally)\s+)?"
    r"(?:show|shows|showed|shown|showing|reveal|reveals|revealed|indicate|indicates|indicated|said|says|saying|reported|reports|reporting|estimated|estimates|estimating|found|finds|counted|counts|recorded|confirmed|puts|put|calculates|calculated|tallied|tallies|announced)\b",
    re.IGNORECASE,
)
_SELF_REPORT_AFTER = re.compile(
    r"^(?:'s)?\s*(?:,[^,]{0,80},\s*)?(?:said|says|reported|reports|announced|confirmed|told)\b",
    re.IGNORECASE,
)
_VIA = re.compile(r"\bvia\s+$", re.IGNORECASE)
_SPEAKING_WITH = re.compile(r"\b(?:speaking|talking)\s+(?:with|to)\s+$|\btold\s+$", re.IGNORECASE)
_COMPANY_REFERENCE = re.compile(
    r"^\W*(?:the\s+(?:company|automaker|carmaker|car\s+maker|brand|firm|manufacturer|maker|group|marque|truck\s+maker|ev\s+maker)|it)\b",
    re.IGNORECASE,
)
# "The compact pickup has sold ...", "since the truck was revealed": the model named before.
_VEHICLE_REFERENCE = re.compile(
    r"(?:^\W*|\b(?:since|as|when|while|after)\s+)the\s+(?:[a-z-]+\s+){0,3}(?:pickup|ute|truck|bakkie|model|vehicle)\b",
    re.IGNORECASE,
)
_DESTINATION_BEFORE = re.compile(
    r"(?:\bto|\binto|\bincluding|\bsuch\s+as|\blike|\bfor|\bdestined\s+for|\bbound\s+for|\b(?:chiefly|mainly|mostly|primarily|largely|especially|notably|particularly)\s+(?:in|to)|\bmarkets?\s+(?:in|including|such\s+as|like))\s+(?:the\s+)?$",
    re.IGNORECASE,
)
_ORIGIN_BEFORE = re.compile(
    r"\b(?:plant|factory|facility|built|made|produced|assembled|manufactured|based)\s+(?:at\s+\w+\s+)?(?:\w+\s+){0,2}in\s+$",
    re.IGNORECASE,
)
_EVENT_BEFORE = re.compile(
    r"\b(?:went\s+on\s+sale|goes\s+on\s+sale|on\s+sale\s+since|launched|launches|arrived|arrives|debuted|was\s+revealed|was\s+unveiled|unveiled|introduced|resumed\s+selling|was\s+founded|founded)\b[^,;.]*$",
    re.IGNORECASE,
)
_ANAPHORIC_PERIOD = re.compile(
    r"\b(?:in|during|over|for|across)\s+the\s+(?:same\s+)?(?:period|quarter|month|half|year\s+so\s+far)\b(?!\s+(?:a\s+year|last|of\s+\d|in\s+\d))",
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
    "lineup",
    "line-up",
    "bakkies",
    "bakkie",
    "4x4s",
}
_GENERIC_PLURAL = {"pickups", "pick-ups", "trucks", "utes", "vehicles", "cars", "bakkies", "4x4s"}
_AGGREGATE = re.compile(
    r"\b(?:overall|in\s+total|total|combined|brand[- ]wide|across\s+(?:its|the)\s+(?:range|lineup|line-up))\b",
    re.IGNORECASE,
)
_STOP_WORDS = {
    "in",
    "on",
    "at",
    "by",
    "for",
    "from",
    "to",
    "with",
    "and",
    "or",
    "but",
    "as",
    "while",
    "than",
    "were",
    "was",
    "is",
    "are",
    "be",
    "been",
    "has",
    "have",
    "had",
    "will",
    "would",
    "could",
    "this",
    "that",
    "these",
    "those",
    "the",
    "a",
    "an",
    "its",
    "their",
    "his",
    "her",
    "last",
    "next",
    "so",
    "per",
    "each",
    "every",
    "compared",
    "up",
    "down",
    "ahead",
    "behind",
    "during",
    "after",
    "before",
    "since",
    "until",
    "through",
    "into",
    "across",
    "among",
    "against",
    "versus",
    "vs",
    "respectively",
    "alone",
    "combined",
    "year",
    "month",
    "week",
    "it",
    "they",
    "which",
    "who",
    "making",
    "giving",
    "taking",
    "keeping",
    "leaving",
    "putting",
    "bringing",
    "year-on-year",
}
_BARE_LINK = re.compile(
    r"(?:\b(?:on|with|at|managed|recorded|added|had|took|posted|logged|notched|reached|totalled|totaled|hit|tallied|scored)\s+(?:just\s+|about\s+|around\s+|nearly\s+|some\s+|over\s+|more\s+than\s+)?|^\s*)$",
    re.IGNORECASE,
)
# Words that may stand between a verb and the number it governs ("sold more than 2,000").
_GOVERNED_BY_VERB = {
    "over",
    "more",
    "than",
    "nearly",
    "about",
    "around",
    "almost",
    "roughly",
    "some",
    "just",
    "a",
    "an",
    "the",
    "total",
    "of",
    "record",
    "another",
    "further",
    "additional",
    "only",
    "at",
    "least",
    "approximately",
    "alone",
    "up",
    "to",
    "exactly",
    "well",
    "under",
    "less",
    "fewer",
    "already",
    "also",
    "still",
    "close",
    "in",
    "excess",
    "upwards",
    "north",
    "estimated",
    "combined",
    "its",
    "their",
    "better",
    "slightly",
    "barely",
}
_BUYER_VERBS = {
    "found",
    "attracted",
    "won",
    "drew",
    "secured",
    "lured",
    "finds",
    "attracts",
    "wins",
}
_HOME_MARKET = re.compile(
    r"\b(?:domestic|domestically|at\s+home|home\s+market|local\s+market)\b", re.IGNORECASE
)
_PREDICATE_BREAK = re.compile(
    r"\b(?:and|but)\s+(?:is|are|was|were|has|have|had|will|would|it|its|they|now)\b|,\s+which\b",
    re.IGNORECASE,
)


# --- the lexicon, compiled once per Reference ------------------------------


class _Lexicon:
    def __init__(self, reference: Reference) -> None:
        self.reference = reference
        self.metric_pattern = self._alternation(reference.metric_cues)
        self.powertrain_pattern = self._alternation(reference.powertrain_cues, upper_exact=True)
        self.metric_by_phrase = {self._fold(p): v for p, v in reference.metric_cues.items()}
        self.powertrain_by_phrase = {self._fold(p): v for p, v in reference.powertrain_cues.items()}
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
        for entity in self.models.get(model or "", []):
            if manufacturer is None or entity.manufacturer == manufacturer:
                return entity.powertrains[0] if len(entity.powertrains) == 1 else None
        return None

    def model_brand(self, model: str | None, manufacturer: str | None = None) -> str | None:
        candidates = self.models.get(model or "", [])
        for entity in candidates:
            if manufacturer and manufacturer in self.reference.manufacturer_lineage(
                entity.manufacturer
            ):
                return entity.manufacturer
        return candidates[0].manufacturer if candidates else None


_LEXICONS: dict[int, _Lexicon] = {}


def _lexicon(reference: Reference) -> _Lexicon:
    lexicon = _LEXICONS.get(id(reference))
    if lexicon is None:
        lexicon = _LEXICONS[id(reference)] = _Lexicon(reference)
    return lexicon


# --- one sentence, read once ------------------------------------------------


@dataclass(frozen=True)
class _Cue:
    start: int
    end: int
    metric: str
    kind: str  # verb | noun | export_modifier | target_modifier | share
    phrase: str


@dataclass
class _Period:
    match: PeriodMatch
    event: bool  # "which went on sale in July": a date of something else


@dataclass
class _NounPhrase:
    noun: str | None
    kind: str | None  # vehicle | other | buyer | metric | None
    end: int
    models: list[Mention]
    verb_after: _Cue | None


@dataclass
class _Candidate:
    number: NumberMatch | None
    metric: str
    unit: str
    value: float | None
    clause: int
    position: int
    verb: str | None = None
    via_modifier: bool = False
    ranked_entity: tuple[str | None, str | None] | None = None
    noun: _NounPhrase | None = None
    change: float | None = None
    baseline: float | None = None
    baseline_period: PeriodMatch | None = None


def _inside(offset: int, spans: list[tuple[int, int]]) -> bool:
    return any(start <= offset < end for start, end in spans)


class _SentenceReader:
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
        self.published = published
        self.entity_spans = [
            (m.start, m.end)
            for m in mentions
            if m.type in ("model", "manufacturer", "organization", "facility")
        ]
        bounds = [sentence.start]
        bounds += [m.end() for m in _CLAUSE_BREAK.finditer(text, sentence.start, sentence.end)]
        bounds.append(sentence.end)
        self.clauses = [(a, b) for a, b in zip(bounds, bounds[1:], strict=False) if b > a]
        self.words = [
            (m.start(), m.end(), m.group().lower())
            for m in _WORD.finditer(text, sentence.start, sentence.end)
        ]
        self.word_starts = [w[0] for w in self.words]
        self.periods = [
            _Period(p, bool(_EVENT_BEFORE.search(text, self.clause_span(p.start)[0], p.start)))
            for p in find_periods(text, sentence.start, sentence.end, published, fiscal_start)
        ]
        period_spans = [(p.match.start, p.match.end) for p in self.periods]
        self.numbers = [
            n
            for n in find_numbers(text, sentence.start, sentence.end, lexicon.reference)
            if n.kind not in ("year", "date")
            and not _inside(n.start, self.entity_spans)
            and not _inside(n.start, period_spans)
        ]
        self.cues = []
        for match in lexicon.metric_pattern.finditer(text, sentence.start, sentence.end):
            if _inside(match.start(), self.entity_spans):
                continue
            metric, kind = lexicon.metric_by_phrase[lexicon._fold(match.group())]
            if kind == "verb" and re.search(
                r"\b(?:locally|domestically|locally-)\s*$",
                text[max(sentence.start, match.start() - 12) : match.start()],
            ):
                continue  # "the locally built Ranger" describes the truck
            self.cues.append(_Cue(match.start(), match.end(), metric, kind, match.group().lower()))
        self.powertrain_cues = [
            (m.start(), m.end(), lexicon.powertrain_by_phrase[lexicon._fold(m.group())])
            for m in lexicon.powertrain_pattern.finditer(text, sentence.start, sentence.end)
            if not _inside(m.start(), self.entity_spans)
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

    def mentions_in(self, types: tuple[str, ...], start: int, end: int) -> list[Mention]:
        return [m for m in self.mentions if m.type in types and start <= m.start < end]

    def has_kind(self, kind: str, start: int, end: int) -> bool:
        return any(c.kind == kind and start <= c.start < end for c in self.cues)


# --- numbers to candidates ---------------------------------------------------


def _noun_phrase(reader: _SentenceReader, number: NumberMatch) -> _NounPhrase:
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
            candidate = " ".join(phrase).strip(".,;:")
            if candidate in lexicon.count_nouns:
                phrase_kind = lexicon.count_nouns[candidate]
                noun, kind, end = (
                    candidate,
                    phrase_kind,
                    start + len(" ".join(phrase).rstrip(".,;:")),
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
        if word == "and" and any(
            m.start > stop and m.type == "model" and m.start - stop < 3 for m in reader.mentions
        ):
            position = stop
            continue  # "7,650 Silverado EV and Sierra EV pickups"
        if word in _STOP_WORDS:
            break
        if first_unknown is None:
            first_unknown = (word, stop)
        position = stop
    if noun is None and models:
        kind, end = "vehicle", end
    elif noun is None and first_unknown is not None:
        noun = first_unknown[0]
    verb_after = None
    if kind in ("vehicle", "metric") or models:
        for cue in reader.cues:
            if (
                cue.kind == "verb"
                and cue.start >= end
                and len(reader.text[end : cue.start].split()) <= 3
                and not re.search(r"[,;:.]", reader.text[end : cue.start])
            ):
                verb_after = cue
                break
    return _NounPhrase(noun, kind, end, models, verb_after)


def _change_value(reader: _SentenceReader, number: NumberMatch) -> float | None:
    """The signed change if a percent is a change ("up 12%", "a 68% jump")."""
    before = reader.words_before(number.start, 3)
    after = [w[2] for w in reader.words_after(number.end, 2)]
    if before and before[-1] == "to":
        return None  # "climbed to 41.2%": the new level, not the change
    if _PHRASAL_UP.search(
        reader.text[max(reader.sentence.start, number.start - 30) : number.start]
    ):
        return None
    if not (
        any(word in _CHANGE_BEFORE for word in before) or (after and after[0] in _CHANGE_AFTER)
    ):
        return None
    if (
        before
        and before[-1] == "by"
        and not any(word in _CHANGE_BEFORE - {"by"} for word in before)
    ):
        return None
    negative = any(word in _NEGATIVE for word in before) or (after and after[0] in _NEGATIVE)
    return -number.value if negative else number.value


_SHARE_OF = re.compile(
    r"^\s*of\s+(?:the\s+|all\s+|total\s+|its\s+|their\s+)?(?:[\w.,-]+\s+){0,4}?(?:pickups?|utes?|trucks?|vehicles?|cars?|sales|registrations|market|segment|buyers|deliveries|bakkies|purchases)\b",
    re.IGNORECASE,
)


def _is_share(reader: _SentenceReader, number: NumberMatch) -> bool:
    if _SHARE_OF.match(reader.text[number.end : number.end + 80]):
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
    reader: _SentenceReader, number: NumberMatch, clause: tuple[int, int]
) -> _Cue | None:
    """A sales verb governing the number: 'sold over 3,500', 'registered nearly 23,500'."""
    best = None
    for cue in reader.cues:
        if cue.kind != "verb" or not (clause[0] <= cue.start < number.start):
            continue
        between = reader.text[cue.end : number.start].lower().split()
        if len(between) <= 4 and all(word.strip("$") in _GOVERNED_BY_VERB for word in between):
            best = cue
    return best


def _nearest(
    reader: _SentenceReader, position: int, span: tuple[int, int], kinds: tuple[str, ...]
) -> _Cue | None:
    best = None
    for cue in reader.cues:
        if cue.kind not in kinds or not (span[0] <= cue.start < span[1]):
            continue
        distance = position - cue.end if cue.end <= position else (cue.start - position) * 1.5
        if best is None or distance < best[0]:
            best = (distance, cue)
    return best[1] if best else None


def _bare_after_name(reader: _SentenceReader, number: NumberMatch, clause: tuple[int, int]) -> bool:
    """'the HiLux on 48,310', 'the GWM Cannon managed 655', 'the Mitsubishi Triton 734'."""
    names = reader.mentions_in(("model", "manufacturer"), clause[0], number.start)
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


def _candidates(
    reader: _SentenceReader, context_metric: str | None
) -> tuple[
    list[_Candidate], list[tuple[NumberMatch, float]], list[tuple[NumberMatch, PeriodMatch | None]]
]:
    """Level claims, changes and baselines of one sentence."""
    claims: list[_Candidate] = []
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
            if change is not None and not share:
                changes.append((number, change))
            elif share or (change is None and reader.has_kind("share", clause[0], clause[1])):
                metric = "market_share_target" if target else "market_share"
                claims.append(
                    _Candidate(number, metric, "percent", number.value, clause_index, number.start)
                )
            continue
        if number.kind == "money":
            tail = reader.text[number.end : number.end + 40]
            if _NOT_PRICE_AFTER.match(tail):
                continue
            noun = _noun_phrase(reader, number)
            if _PRICE_CUES.search(lead) or _PRICE_AFTER.match(tail) or noun.kind == "vehicle":
                if _BASELINE_BEFORE.search(lead) and claims and claims[-1].unit == number.currency:
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
            coordinated = previous_rank is not None and (
                re.fullmatch(r",?\s*(?:and|or|,)\s*", gap)
                or (
                    re.match(r"^\s*(?:,\s*)?(?:and|while)\b", gap)
                    and reader.mentions_in(
                        ("model", "manufacturer"), previous_rank.number.end, number.start
                    )
                    and reader.text[number.start - 1] == " "
                    and re.search(r"\S\s*$", gap)
                )
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


def _count_candidate(
    reader, number, clause, clause_index, target, claims, context_metric
) -> _Candidate | None:
    noun = _noun_phrase(reader, number)
    before = reader.words_before(number.start, 3)
    if noun.kind == "other":
        return None
    if noun.kind == "buyer" and not any(word in _BUYER_VERBS for word in before):
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
        cue = _Cue(number.end, noun.end, reader.lexicon.metric_by_phrase[folded][0], "noun", folded)
    cue = cue or _adjacent_verb(reader, number, clause) or noun.verb_after
    cue = (
        cue
        or _nearest(reader, number.start, clause, ("noun",))
        or _nearest(reader, number.start, (reader.sentence.start, reader.sentence.end), ("noun",))
    )
    if noun.kind == "buyer":
        cue = cue or _Cue(number.start, number.end, "sales", "verb", "found")
    if cue is not None:
        metric, verb = cue.metric, cue.phrase
    elif target and (noun.kind == "vehicle" or bare):
        metric, verb = "sales", None
    elif noun.kind in ("vehicle",) or bare:
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
    if target and metric in COUNT_METRICS:
        metric = "sales_target"
    return _Candidate(
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


def _ordinal_is_rank(reader: _SentenceReader, number: NumberMatch) -> bool:
    after = reader.text[number.end : number.end + 25]
    if _RANK_AFTER.match(after) or number.text.lower().startswith(("no", "number")):
        return True
    before = reader.words_before(number.start, 4)
    while before and before[-1] in _RANK_FILLERS:
        before.pop()
    if before and before[-1] in _RANK_VERBS:
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


def _rank_words(reader: _SentenceReader, claims: list[_Candidate]) -> None:
    """'best-selling' and 'top-selling' are rank 1; 'followed by X' is the next rank."""
    text = reader.text
    taken = [c.number.start for c in claims if c.number is not None]
    for match in _RANK_ONE.finditer(text, reader.sentence.start, reader.sentence.end):
        before = text[max(reader.sentence.start, match.start() - 30) : match.start()].lower()
        if re.search(r"(one|some|among)\s+of\s+(the\s+)?(\w+\s+)?$", before) or re.search(
            r"(second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|\d(st|nd|rd|th))[- ]$",
            before,
        ):
            continue
        if any(abs(start - match.start()) < 3 for start in taken):
            continue
        claims.append(
            _Candidate(
                None, "sales_rank", "rank", 1.0, reader.clause_index(match.start()), match.start()
            )
        )
    for match in _FOLLOWED_BY.finditer(text, reader.sentence.start, reader.sentence.end):
        previous = [c for c in claims if c.metric == "sales_rank" and c.position < match.start()]
        if not previous:
            continue
        entity_end = min(reader.sentence.end, match.end() + 60)
        stop = re.search(r"[,;.]|\band\b", text[match.end() : entity_end])
        if stop:
            entity_end = match.end() + stop.start()
        brand, model = _last_names(reader, match.end(), entity_end)
        if brand or model:
            claims.append(
                _Candidate(
                    None,
                    "sales_rank",
                    "rank",
                    previous[-1].value + 1,
                    reader.clause_index(match.start()),
                    match.start(),
                    ranked_entity=(brand, model),
                )
            )


# --- attributes --------------------------------------------------------------


def _last_names(reader: _SentenceReader, start: int, end: int) -> tuple[str | None, str | None]:
    found = _names(reader, start, end)
    models = [m for m in found if m.type == "model"]
    brands = [m for m in found if m.type == "manufacturer"]
    if not brands and models:
        return models[-1].owner, models[-1].name
    return (brands[-1].name if brands else None), (models[-1].name if models else None)


def _first_names(reader: _SentenceReader, start: int, end: int) -> tuple[str | None, str | None]:
    found = _names(reader, start, end)[:2]
    models = [m for m in found if m.type == "model"]
    brands = [m for m in found if m.type == "manufacturer"]
    return (brands[0].name if brands else None), (models[0].name if models else None)


def _names(reader: _SentenceReader, start: int, end: int) -> list[Mention]:
    """Brand and model mentions, without a brand that only prefixes a model ("Mitsubishi Triton")."""
    found = reader.mentions_in(("model", "manufacturer"), start, end)
    models = [m for m in found if m.type == "model"]
    return [
        m
        for m in found
        if m.type == "model"
        or not any(model.start <= m.start and m.end <= model.end for model in models)
    ]


# A number about a brand named after a model ("the Rexton added 7,215, giving KGM 60%").
_BRAND_LEVEL = ""


def _subject_before(
    reader: _SentenceReader, start: int, position: int
) -> tuple[str | None, str | None]:
    """The brand and model a number is about, from the names before it.

    The nearest name wins. A brand that comes after a model is the model's
    maker only when it is attached to it ("the Musso EV from KG Mobility");
    otherwise the number is about the brand ("..., giving KG Mobility 60%").
    """
    found = _names(reader, start, position)
    if not found:
        return None, None
    last = found[-1]
    if last.type == "model":
        # The brand may be a prefix of the model's own name ("The Fiat Strada").
        brands = [
            m
            for m in reader.mentions_in(("manufacturer",), start, position)
            if m.start <= last.start
        ]
        return (brands[-1].name if brands else last.owner), last.name
    models = [m for m in found[:-1] if m.type == "model"]
    if models and re.fullmatch(
        r"\s*(?:,\s*)?(?:from|by|of|made\s+by|built\s+by)\s+(?:the\s+)?|\s*'s\s+|\s*\(\s*",
        reader.text[models[-1].end : last.start],
    ):
        return last.name, models[-1].name
    return last.name, _BRAND_LEVEL if models else None


def _reconcile(
    lexicon: _Lexicon, manufacturer: str | None, model: str | None
) -> tuple[str | None, str | None]:
    """A model's own brand wins over a group named beside it ("Geely's Radar RD6")."""
    if model:
        return lexicon.model_brand(model, manufacturer) or manufacturer, model
    return manufacturer, model


def _regions(reader: _SentenceReader, start: int, end: int) -> list[str]:
    names: list[str] = []
    demonyms: list[str] = []
    for mention in reader.mentions_in(("region",), start, end):
        target = demonyms if mention.demonym else names
        if mention.name not in target:
            target.append(mention.name)
    return names or demonyms


def _destinations(reader: _SentenceReader, after: int, end: int) -> list[str]:
    """Markets an export goes to: 'to X', 'such as X and Y', 'chiefly in X, Y'."""
    found: list[str] = []
    last_end = None
    for mention in reader.mentions_in(("region",), after, end):
        if mention.demonym:
            continue
        preceding = reader.text[max(after, mention.start - 40) : mention.start]
        listed = last_end is not None and re.match(
            r"^\s*(?:,|and|or|,\s*and|&)\s*(?:the\s+)?$", reader.text[last_end : mention.start]
        )
        if _ORIGIN_BEFORE.search(preceding) and not listed:
            last_end = None
            continue
        if _DESTINATION_BEFORE.search(preceding) or listed:
            if mention.name not in found:
                found.append(mention.name)
            last_end = mention.end
        else:
            last_end = None
    return found


def _attribution(reader: _SentenceReader, before: int | None = None) -> str | None:
    """The organisation a sentence credits for its numbers, if it names one."""
    limit = reader.sentence.end if before is None else before
    for mention in reader.mentions:
        if mention.type not in ("organization", "manufacturer"):
            continue
        lead = reader.text[max(reader.sentence.start, mention.start - 70) : mention.start]
        if _VIA.search(lead) or _SPEAKING_WITH.search(lead):
            continue
        tail = reader.text[mention.end : min(reader.sentence.end, mention.end + 90)]
        if _ATTRIBUTION_BEFORE.search(lead):
            return mention.name
        if mention.type == "organization" and _ATTRIBUTION_AFTER.match(tail):
            return mention.name
        if (
            mention.type == "manufacturer"
            and _SELF_REPORT_AFTER.match(tail)
            and mention.start < limit
        ):
            return mention.name
    return None


# --- one article -----------------------------------------------------------


@dataclass
class _SentenceFacts:
    regions: list[str] = field(default_factory=list)
    period: tuple[date | None, date | None] | None = None
    powertrain: str | None = None
    manufacturer: str | None = None
    model: str | None = None
    source: str | None = None
    metric: str | None = None
    rank_powertrain: str | None = None
    period_metric: str | None = None
    has_claims: bool = False
    kind: str = "body"


class _Article:
    """Claims of one article, with the context sentences pass to each other."""

    def __init__(
        self,
        article: str,
        text: str,
        sentences: list[Sentence],
        mentions: list[Mention],
        reference: Reference,
        published: date | None,
    ) -> None:
        self.article = article
        self.text = text
        self.sentences = sentences
        self.lexicon = _lexicon(reference)
        self.reference = reference
        self.published = published
        self.by_sentence: dict[int, list[Mention]] = {}
        for mention in mentions:
            self.by_sentence.setdefault(mention.sentence, []).append(mention)
        self.default_region = self._default_market()
        self.fiscal_start = self._fiscal_start(mentions)
        self.facts: list[_SentenceFacts] = []

    def _default_market(self) -> str | None:
        """The market an article is about: the first one its opening names."""
        for sentence in self.sentences[:4]:
            for mention in self.by_sentence.get(sentence.index, []):
                if mention.type == "region":
                    return mention.name
        return None

    def _fiscal_start(self, mentions: list[Mention]) -> int:
        for mention in mentions:
            if mention.type == "manufacturer":
                entity = self.reference.get("manufacturer", mention.name)
                if entity:
                    return entity.fiscal_year_start_month
        return 1

    def context(
        self, sentence: Sentence, attribute: str, reach: int = 2, claims_only: bool = False
    ):
        """An attribute of the nearest earlier sentences: the one before, then its block."""
        for back in range(1, reach + 1):
            index = sentence.index - back
            if index < 0:
                return None
            earlier = self.sentences[index]
            if earlier.kind in ("title", "dek") and sentence.kind not in ("title", "dek"):
                return None
            if back > 1 and earlier.section != sentence.section:
                return None
            fact = self.facts[index]
            value = getattr(fact, attribute)
            if value and (fact.has_claims or not claims_only):
                return value
            if earlier.kind == "heading":
                return None
        return None

    def heading(self, sentence: Sentence, attribute: str):
        """An attribute named by the heading of the sentence's section."""
        for index in range(sentence.index - 1, -1, -1):
            earlier = self.sentences[index]
            if earlier.section != sentence.section:
                return None
            if earlier.kind == "heading":
                return getattr(self.facts[index], attribute) or None
        return None

    def source_before(self, sentence: Sentence) -> str | None:
        """A credit in the sentence just before, or earlier in the same paragraph."""
        index = sentence.index - 1
        if index < 0 or self.sentences[index].kind in ("title", "heading"):
            return None
        if self.facts[index].source:
            return self.facts[index].source
        while index >= 0 and self.sentences[index].paragraph == sentence.paragraph:
            if self.facts[index].source:
                return self.facts[index].source
            index -= 1
        return None

    def extract(self) -> list[Claim]:
        claims: list[Claim] = []
        for sentence in self.sentences:
            reader = _SentenceReader(
                self.text,
                sentence,
                self.by_sentence.get(sentence.index, []),
                self.lexicon,
                self.published,
                self.fiscal_start,
            )
            fact = _SentenceFacts(
                regions=_regions(reader, sentence.start, sentence.end),
                powertrain=self._powertrain_cue(reader, sentence.start, sentence.end),
                source=_attribution(reader),
                kind=sentence.kind,
            )
            brand, model = _last_names(reader, sentence.start, sentence.end)
            fact.manufacturer, fact.model = _reconcile(self.lexicon, brand, model)
            main = [
                p.match
                for p in reader.periods
                if not p.match.comparison
                and not p.match.future
                and not p.event
                and p.match.period_start
            ]
            if main:
                fact.period = (main[0].period_start, main[0].period_end)
            self.facts.append(fact)
            if reader.numbers or _RANK_ONE.search(self.text, sentence.start, sentence.end):
                found = self._sentence_claims(reader, fact)
                fact.has_claims = bool(found)
                dated = [
                    c
                    for c in found
                    if c.period_start and c.metric not in TARGET_METRICS + ("price",)
                ]
                if dated:
                    fact.period = (dated[0].period_start, dated[0].period_end)
                    fact.period_metric = dated[0].metric
                counts = [c for c in found if c.metric in COUNT_METRICS]
                if counts:
                    fact.metric = counts[-1].metric
                ranks = [c for c in found if c.metric == "sales_rank"]
                if ranks:
                    fact.rank_powertrain = ranks[-1].powertrain
                named = [c for c in found if c.model]
                if named:
                    fact.model = named[-1].model
                measured = [c for c in found if c.metric not in ("exports",) and c.region]
                if measured:
                    fact.regions = list(measured[-1].region)
                claims.extend(found)
        return _drop_headline_repeats(claims, self.sentences)

    # -- one sentence --------------------------------------------------------

    def _sentence_claims(self, reader: _SentenceReader, fact: _SentenceFacts) -> list[Claim]:
        sentence = reader.sentence
        context_metric = self.context(sentence, "metric", reach=3, claims_only=True)
        candidates, changes, baselines = _candidates(reader, context_metric)
        changes = self._change_only(reader, candidates, changes)
        if not candidates:
            return []
        candidates.sort(key=lambda c: c.position)
        _attach_changes(candidates, changes, reader)
        _attach_baselines(candidates, baselines)
        respectively = _respectively(reader, candidates)
        sentence_text = self.text[sentence.start : sentence.end]
        company_reference = bool(_COMPANY_REFERENCE.match(sentence_text))
        vehicle_reference = bool(_VEHICLE_REFERENCE.search(sentence_text))
        claims: list[Claim] = []
        previous: _Candidate | None = None
        for index, candidate in enumerate(candidates):
            clause = reader.clauses[candidate.clause]
            if (
                previous is not None
                and candidate.verb
                and candidate.verb == previous.verb
                and previous.via_modifier
                and candidate.metric == "sales"
            ):
                candidate.metric = (
                    previous.metric
                )  # "BYD sold 3,500 overseas, and Radar sold 2,000"
            brand, model = self._entity(
                reader, candidate, clause, index, candidates, respectively, claims, previous
            )
            if (
                brand is None
                and model is None
                and (company_reference or vehicle_reference)
                and index == 0
            ):
                brand = self.context(sentence, "manufacturer", reach=2)
            if model is None and vehicle_reference:
                carried = self.context(sentence, "model", reach=3)
                if carried and (brand is None or brand == self.lexicon.model_brand(carried, brand)):
                    model = carried
            if brand and model is None and candidate.metric not in ("sales_rank", "market_share"):
                model = self._carried_model(reader, candidate, clause, brand)
            model = model or None
            brand, model = _reconcile(self.lexicon, brand, model)
            if candidate.metric in ("sales", "orders") and candidate.verb in (
                "shipped",
                "sent",
                "sold",
                "sending",
                "shipping",
            ):
                destinations = _destinations(reader, candidate.position, clause[1])
                home = self.reference.home_country(brand)
                if destinations and home and home not in destinations:
                    candidate.metric = "exports"
            number = candidate.number
            claims.append(
                Claim(
                    article=self.article,
                    sentence_index=sentence.index,
                    sentence=sentence_text,
                    metric=candidate.metric,
                    value=candidate.value,
                    unit=candidate.unit,
                    qualifier=_qualifier(reader, number) if number is not None else "exact",
                    manufacturer=brand,
                    model=model,
                    region=self._regions(reader, candidate, clause, brand, fact),
                    powertrain=self._powertrain(reader, candidate, clause, model, brand, claims),
                    period_start=None,
                    period_end=None,
                    change_pct=candidate.change,
                    baseline_value=candidate.baseline,
                    source_org=self._source(reader, candidate, fact),
                    value_start=number.start if number else candidate.position,
                    value_end=number.end if number else candidate.position,
                    value_text=number.text
                    if number
                    else _rank_phrase(self.text, candidate.position),
                )
            )
            claims[-1].period_start, claims[-1].period_end = self._period(
                reader, candidate, clause, fact
            )
            previous = candidate
        return claims

    def _change_only(
        self,
        reader: _SentenceReader,
        candidates: list[_Candidate],
        changes: list[tuple[NumberMatch, float]],
    ):
        """'Ranger sales rose 11.2%': a change in a clause of its own is a claim without a level."""
        remaining = []
        for number, change in changes:
            clause_index = reader.clause_index(number.start)
            clause = reader.clauses[clause_index]
            own_level = any(c.clause == clause_index and c.unit == "units" for c in candidates)
            cue = _nearest(reader, number.start, clause, ("noun", "verb"))
            if (
                not own_level
                and cue is not None
                and cue.metric in COUNT_METRICS
                and (
                    not candidates
                    or reader.mentions_in(("model", "manufacturer"), clause[0], number.start)
                    or cue.start < number.start
                )
            ):
                metric = cue.metric
                if metric == "sales" and reader.has_kind("export_modifier", clause[0], clause[1]):
                    metric = "exports"
                candidate = _Candidate(
                    number, metric, "units", None, clause_index, number.start, verb=cue.phrase
                )
                candidate.change = change
                if not any(c.clause == clause_index for c in candidates) or not candidates:
                    candidates.append(candidate)
                    continue
            remaining.append((number, change))
        return remaining

    def _entity(
        self, reader, candidate, clause, index, candidates, respectively, claims, previous
    ) -> tuple[str | None, str | None]:
        if candidate.ranked_entity is not None:
            return candidate.ranked_entity
        if id(candidate) in respectively:
            return respectively[id(candidate)]
        position = candidate.position
        noun = candidate.noun
        if noun is not None and noun.models:
            brand, _ = _subject_before(reader, clause[0], position)
            if len({m.name for m in noun.models}) > 1:
                return brand or self.lexicon.model_brand(noun.models[0].name), None
            return brand, noun.models[0].name
        brand, model = _subject_before(reader, clause[0], position)
        if brand or model:
            return brand, model
        if candidate.metric == "sales_rank":
            brand, model = _first_names(reader, position, clause[1])
            if brand or model:
                return brand, model
        if (
            claims
            and previous is not None
            and not reader.mentions_in(("model", "manufacturer"), previous.position, position)
        ):
            # "targeting 90,000 sales and a 7% share": one subject, two numbers.
            return claims[-1].manufacturer, claims[-1].model
        if not any(c.position < position for c in candidates[:index]):
            return _subject_before(reader, reader.sentence.start, position)
        return None, None

    def _carried_model(
        self, reader: _SentenceReader, candidate: _Candidate, clause: tuple[int, int], brand: str
    ) -> str | None:
        """The brand's model named earlier in the sentence or just before it, when the number is about it."""
        if candidate.number is None or _AGGREGATE.search(reader.text[clause[0] : clause[1]]):
            return None
        if candidate.noun is not None and candidate.noun.noun in _GENERIC_PLURAL:
            return None  # "Ram sold 117,910 pickups": the brand's total, not one model
        lineage_of = self.reference.manufacturer_lineage
        earlier = [
            m.name
            for m in reader.mentions_in(("model",), reader.sentence.start, candidate.position)
            if brand in lineage_of(self.lexicon.model_brand(m.name, brand))
        ]
        if earlier:
            return earlier[-1]
        if candidate.metric in COUNT_METRICS + TARGET_METRICS:
            carried = self.context(reader.sentence, "model", reach=1)
            if carried and brand == self.lexicon.model_brand(carried, brand):
                return carried
        return None

    def _regions(self, reader, candidate, clause, brand, fact) -> list[str]:
        if candidate.metric == "exports" or (
            candidate.metric == "sales_target"
            and candidate.verb in ("export", "exported", "exports")
        ):
            destinations = _destinations(reader, candidate.position, clause[1])
            if destinations:
                return destinations
            origin = _regions(reader, clause[0], candidate.position)
            home = self.reference.home_country(brand)
            # An export without named destinations counts in the exporting country.
            return (
                origin
                or ([home] if home else [])
                or ([self.default_region] if self.default_region else [])
            )
        if _HOME_MARKET.search(reader.text, clause[0], clause[1]):
            home = self.reference.home_country(brand) or self.default_region
            if home:
                return [home]
        stop = _PREDICATE_BREAK.search(reader.text, candidate.position, clause[1])
        clause_end = stop.start() if stop else clause[1]
        for start, end in ((clause[0], clause_end), (reader.sentence.start, reader.sentence.end)):
            found = _regions(reader, start, end)
            if found:
                return found
        if (
            candidate.metric == "price"
            and candidate.number is not None
            and candidate.number.currency
        ):
            currency = next(
                (
                    c
                    for c in self.reference.currencies
                    if c.code == candidate.number.currency and c.region
                ),
                None,
            )
            if currency and currency.code != "USD":
                return [currency.region]
        carried = (
            self.context(reader.sentence, "regions", reach=3, claims_only=True)
            or self.context(reader.sentence, "regions", reach=1)
            or self.heading(reader.sentence, "regions")
        )
        if carried:
            return list(carried)
        return [self.default_region] if self.default_region else []

    def _powertrain_cue(self, reader: _SentenceReader, start: int, end: int) -> str | None:
        cues = [c for c in reader.powertrain_cues if start <= c[0] < end]
        return cues[-1][2] if cues else None

    def _powertrain(self, reader, candidate, clause, model, brand, claims) -> str:
        number = candidate.number
        if candidate.metric == "sales_rank":
            scope = (candidate.position, min(clause[1], candidate.position + 45))
            cue = self._powertrain_cue(reader, *scope)
            if cue:
                return cue
            words = set(re.findall(r"[a-z-]+", reader.text[scope[0] : scope[1]].lower()))
            if words & _GENERIC_VEHICLE:
                return "all"
            ranks = [c for c in claims if c.metric == "sales_rank"]
            if ranks:
                return ranks[-1].powertrain
            carried = self.context(reader.sentence, "rank_powertrain", reach=1)
            return carried or "all"
        noun_end = (
            candidate.noun.end
            if candidate.noun is not None
            else (number.end if number else candidate.position)
        )
        # Words before an earlier level in the clause describe that level; a change
        # or baseline of this claim does not cut its subject off ("NEV sales jumped
        # 335%, reaching 67,000 units").
        previous_numbers = [
            c.value_end
            for c in claims
            if c.sentence_index == reader.sentence.index
            and c.value_end > c.value_start
            and clause[0] <= c.value_end <= candidate.position
        ]
        scope_start = max([clause[0], *previous_numbers])
        scope = (scope_start, max(noun_end, number.end if number else candidate.position))
        if candidate.metric in SHARE_METRICS:
            scope = (scope_start, clause[1])
        cue = self._powertrain_cue(reader, *scope)
        if cue:
            return cue
        own = self.lexicon.model_powertrain(model, brand)
        if own:
            return own
        listed = {
            self.lexicon.model_powertrain(m.name, None)
            for m in (candidate.noun.models if candidate.noun else [])
        }
        if (
            candidate.noun
            and len(candidate.noun.models) > 1
            and len(listed) == 1
            and None not in listed
        ):
            return listed.pop()  # "7,650 Silverado EV and Sierra EV pickups"
        if candidate.metric in SHARE_METRICS:
            # A share has its own scope; it takes one only from a number about the same subject.
            same_subject = [
                c
                for c in claims
                if c.sentence_index == reader.sentence.index
                and (c.manufacturer, c.model) == (brand, model)
            ]
            return same_subject[-1].powertrain if same_subject else "all"
        words = set(re.findall(r"[a-z0-9-]+", reader.text[scope[0] : scope[1]].lower()))
        if words & _GENERIC_VEHICLE and not model:
            return "all"
        if model:
            return "all"
        if claims and claims[-1].sentence_index == reader.sentence.index:
            return claims[-1].powertrain
        carried = self.context(reader.sentence, "powertrain", reach=3)
        return carried or "all"

    def _period(self, reader, candidate, clause, fact) -> tuple[date | None, date | None]:
        metric = candidate.metric
        if metric == "price":
            return None, None
        published = self.published
        usable = []
        for period in reader.periods:
            match = period.match
            if (
                not match.period_start
                or match.comparison
                or period.event
                or match is candidate.baseline_period
            ):
                continue
            future = match.future or (published is not None and match.period_start > published)
            if future and metric not in TARGET_METRICS:
                continue
            usable.append(match)
        in_clause = [p for p in usable if clause[0] <= p.start < clause[1]]
        if metric in TARGET_METRICS:
            cue = next(
                (
                    c
                    for c in reader.cues
                    if c.kind == "target_modifier" and clause[0] <= c.start < clause[1]
                ),
                None,
            )
            after_cue = [p for p in in_clause if cue is None or p.start > cue.start]
            return (
                (after_cue[0].period_start, after_cue[0].period_end) if after_cue else (None, None)
            )
        if in_clause:
            nearest = min(in_clause, key=lambda p: abs(p.start - candidate.position))
            return nearest.period_start, nearest.period_end
        if usable:
            return usable[0].period_start, usable[0].period_end
        baseline = candidate.baseline_period
        if baseline is not None and baseline.period_start:
            return _next_year(baseline.period_start), _next_year(baseline.period_end)
        anaphoric = bool(
            _ANAPHORIC_PERIOD.search(reader.text, reader.sentence.start, reader.sentence.end)
        )
        if candidate.number is None and metric != "sales_rank" and candidate.change is None:
            return None, None
        for back in range(1, (6 if anaphoric else 2) + 1):
            index = reader.sentence.index - back
            if index < 0 or self.sentences[index].kind in ("title", "dek", "heading"):
                break
            if back > 1 and self.sentences[index].section != reader.sentence.section:
                break
            fact_before = self.facts[index]
            if fact_before.period and _periods_carry(fact_before.period_metric, metric):
                return fact_before.period
        return None, None

    def _source(
        self, reader: _SentenceReader, candidate: _Candidate, fact: _SentenceFacts
    ) -> str | None:
        return fact.source or self.source_before(reader.sentence)


# Figures that run on from one sentence to the next share a period; an order
# book does not take the period of a market share stated before it.
_MARKET_DATA = {*COUNT_METRICS, "sales_rank", "market_share"}


def _periods_carry(source_metric: str | None, metric: str) -> bool:
    if source_metric is None:
        return metric in _MARKET_DATA - {"orders"}
    return source_metric == metric or (
        source_metric in _MARKET_DATA - {"orders"} and metric in _MARKET_DATA - {"orders"}
    )


def _qualifier(reader: _SentenceReader, number: NumberMatch) -> str:
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


def _rank_phrase(text: str, position: int) -> str:
    """The words that state a rank without a digit ("best-selling", "followed by")."""
    match = _RANK_ONE.match(text, position) or _FOLLOWED_BY.match(text, position)
    return match.group() if match else text[position : position + 12].split(",")[0].strip()


def _attach_changes(
    candidates: list[_Candidate], changes: list[tuple[NumberMatch, float]], reader: _SentenceReader
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


def _noun_phrases(
    reader: _SentenceReader, start: int, end: int
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
    if len(subjects) > len(same_kind):
        subjects = subjects[-len(same_kind) :]
    if len(subjects) != len(same_kind):
        return {}
    return {id(c): subject for c, subject in zip(same_kind, subjects, strict=True)}


def _next_year(day: date) -> date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)


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


def extract_claims(
    article: str,
    text: str,
    sentences: list[Sentence],
    mentions: list[Mention],
    reference: Reference,
    published: date | None,
) -> list[Claim]:
    """All claims of one cleaned article. Pure: text and reference data in, claims out."""
    return _Article(article, text, sentences, mentions, reference, published).extract()
