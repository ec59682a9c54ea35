"""Reading one sentence: the lexicon, the article scan and the sentence reader.

`ArticleScan` finds numbers (`numbers.py`), time phrases (`periods.py`),
metric and powertrain cues, clause breaks and rank words once per article;
`SentenceReader` gives one sentence its share of them, its clauses and its
words. Classing its numbers is `candidates.py`'s job, pairing them
`pairing.py`'s, and attributing them across sentences `claims.py`'s.
"""

from __future__ import annotations

import bisect
import itertools
import re
from dataclasses import dataclass
from datetime import date
from types import SimpleNamespace

from flows.extract.cued import CuedPattern
from flows.extract.mentions import Mention
from flows.extract.numbers import NumberMatch, find_numbers
from flows.extract.periods import PeriodMatch, find_periods
from flows.extract.phrases import PhraseFinder, match_view, phrase_key
from flows.extract.segment import Sentence
from flows.reference import Reference

COUNT_METRICS = ("sales", "registrations", "exports", "orders", "deliveries", "production")


TARGET_METRICS = ("sales_target", "market_share_target")


SHARE_METRICS = ("market_share", "market_share_target")


_WORD = re.compile(r"[A-Za-z][A-Za-z'.-]*[A-Za-z]|[A-Za-z]|\d[\d,.]*")


_LABEL = re.compile(r"[^:\d.;]{1,50}:\s*$")


# Patterns run over whole articles open with a look at the first letter they can start
# with: the engine then skips most positions at once instead of trying every branch.
RANK_ONE = re.compile(
    r"\b(?=[btmnoBTMNO])(?:best(?:[- ]\s?)?selling|top[- ]selling|biggest[- ]selling|most[- ]sold|most[- ]registered"
    r"|best[- ]?seller|top[- ]seller|number[- ]one[- ]selling|most[- ]popular|top\s+spot"
    r"|(?:back\s+)?on\s+top\s+of|no\.?\s?1\s+(?:sales\s+)?spot)\b",
    re.IGNORECASE,
)


_CLAUSE_BREAK = re.compile(
    r"(?=[;:\s,])(?:;|:\s|\s[—–]\s|\s--\s|,\s(?=(?:while|whereas|but|although|though|compared)\b)|\s(?=(?:while|whereas)\s)|,\s(?=(?:and|which|who)\b[^.;]*\d))",
    re.IGNORECASE,
)


# "... 12,991 units, respectively–as its production ...": a dash joining two words.
_JOINING_DASH = re.compile(r"[—–](?<=[a-z][—–])(?=[a-z])")


EVENT_BEFORE = CuedPattern(
    r"\b(?:went\s+on\s+sale|goes\s+on\s+sale|on\s+sale\s+since|launched|launches|arrived|arrives|debuted|was\s+revealed|was\s+unveiled|unveiled|introduced|resumed\s+selling|was\s+founded|founded)\b[^,;.]*$",
    ("sale", "launch", "arriv", "debut", "reveal", "unveil", "introduc", "resum", "found"),
)


# "the locally built Ranger" describes the truck; it is not a production figure.
_DESCRIPTIVE_VERB = re.compile(r"\b(?:locally|domestically|locally-)\s*$", re.IGNORECASE)


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
        return _FOLD.sub(" ", phrase.lower())

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


_FOLD = re.compile(r"[\s-]+")


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


def _words(text: str, start: int, end: int) -> list[tuple[int, int, str]]:
    """The words of text[start:end] with their offsets, lower-cased (the piece is lowered
    once, unless a letter's lower case is longer and would move the offsets)."""
    piece = text[start:end]
    lowered = piece.lower()
    if len(lowered) != len(piece):
        return [(m.start(), m.end(), m.group().lower()) for m in _WORD.finditer(text, start, end)]
    return [(start + m.start(), start + m.end(), m.group()) for m in _WORD.finditer(lowered)]


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
        """The items of one kind that start (and end) inside text[start:end]."""
        starts = self._starts[name]
        items = getattr(self, name)[
            bisect.bisect_left(starts, start) : bisect.bisect_left(starts, end)
        ]
        if name in ("numbers", "periods"):
            return [item for item in items if item.end <= end]
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
        self.words = _words(text, sentence.start, sentence.end)
        self.word_starts = [w[0] for w in self.words]
        # Where a rank phrase starts ("best-selling"), from the article's one pass.
        self.rank_starts = scan.within("rank_words", sentence.start, sentence.end)
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
    if not reader.mentions:
        return []
    found = reader.mentions_in(("model", "manufacturer"), start, end)
    models = [m for m in found if m.type == "model"]
    return [
        m
        for m in found
        if m.type == "model"
        or not any(model.start <= m.start and m.end <= model.end for model in models)
    ]


@dataclass
class NounPhrase:
    noun: str | None
    kind: str | None  # vehicle | other | buyer | metric | None
    end: int
    models: list[Mention]
    verb_after: Cue | None


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
