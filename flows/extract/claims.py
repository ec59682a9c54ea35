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

import dataclasses
import re
from dataclasses import dataclass, field
from datetime import date

from flows.extract.context import ArticleContext, Facts, Setting
from flows.extract.markets import markets_for
from flows.extract.numbers import NumberMatch, find_numbers
from flows.extract.periods import data_month, find_periods
from flows.extract.recognise import Mention
from flows.extract.segment import Sentence
from flows.extract.sentence_reading import (
    COUNT_METRICS,
    PARTITIVE,
    RANK_ONE,
    RESPECTIVELY,
    SHARE_METRICS,
    TARGET_METRICS,
    ArticleScan,
    Candidate,
    Lexicon,
    SentenceReader,
    SentenceView,
    attach_baselines,
    attach_changes,
    change_basis,
    first_names,
    inside,
    last_names,
    lexicon_for,
    map_respectively,
    names_in,
    nearest_cue,
    qualifier,
    rank_span,
    read_candidates,
)
from flows.extract.sentence_reading import (
    EVENT_BEFORE as _EVENT_BEFORE,
)
from flows.extract.words import MONTH_NAMES, REPORT_VERBS, SPEECH_VERBS, WORDS
from flows.reference import Reference


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
_LOWER_WORD = re.compile(r"[a-z]+")


def _has_credit_words(text: str, start: int, end: int) -> bool:
    return not _CREDIT_WORDS.isdisjoint(_LOWER_WORD.findall(text[start:end].lower()))


_VIA = re.compile(r"\bvia\s+$", re.IGNORECASE)
_SPEAKING_WITH = re.compile(r"\b(?:speaking|talking)\s+(?:with|to)\s+$|\btold\s+$", re.IGNORECASE)
_COMPANY_REFERENCE = re.compile(
    r"(?:^\W*|\b)(?:the\s+(?:company|automaker|carmaker|car\s+maker|brand|firm|manufacturer|maker|group|marque|truck\s+maker|ev\s+maker)|(?:^|\W)it|its)\b",
    re.IGNORECASE,
)
# "The compact pickup has sold ...", "since the truck was revealed": the model named before.
_VEHICLE_REFERENCE = re.compile(
    r"\bthe\s+(?:[a-z-]+\s+){0,2}(?:pickup|ute|truck|bakkie|model|vehicle)\b(?!\s+(?:segment|market|sector|industry|class|category|makers?|sales))|(?:^|[.;,]\s+)it\s",
    re.IGNORECASE,
)
_ANAPHORIC_PERIOD = re.compile(
    r"\b(?:in|during|over|for|across)\s+the\s+(?:same\s+)?(?:period|quarter|month|half|year\s+so\s+far)\b(?!\s+(?:a\s+year|last|of\s+\d|in\s+\d))",
    re.IGNORECASE,
)
_AGGREGATE = re.compile(
    r"\b(?:overall|in\s+total|total|combined|brand[- ]wide|across\s+(?:its|the)\s+(?:range|lineup|line-up))\b",
    re.IGNORECASE,
)
# Words that may stand between a verb and the number it governs ("sold more than 2,000").
# Verbs whose objects are vehicles but not market figures.
_STATEMENT_DATE = re.compile(r"\b(?:" + SPEECH_VERBS + r")\b[^.;]*$", re.IGNORECASE)
_PREDICATE_BREAK = re.compile(
    r"\b(?:and|but)\s+(?:is|are|was|were|has|have|had|will|would|it|its|they|now)\b|,\s+which\b",
    re.IGNORECASE,
)


# --- the lexicon, compiled once per Reference ------------------------------


# --- one sentence, read once ------------------------------------------------


# --- numbers to candidates ---------------------------------------------------


# --- attributes --------------------------------------------------------------


# "Nissan's plant": a brand that qualifies another noun is not the subject.
_POSSESSIVE_OF_OTHER = re.compile(r"'s?\s+(?:own\s+)?[a-z]")
_COMBINED = re.compile(r"\b(?:combined|together|between\s+them)\b", re.IGNORECASE)


# A number about a brand named after a model ("the Rexton added 7,215, giving KGM 60%").
_BRAND_LEVEL = ""


def _subject_before(
    reader: SentenceReader, start: int, position: int
) -> tuple[str | None, str | None]:
    """The brand and model a number is about, from the names before it.

    The nearest name wins. A brand that comes after a model is the model's
    maker only when it is attached to it ("the Musso EV from KG Mobility");
    otherwise the number is about the brand ("..., giving KG Mobility 60%").
    """
    found = [
        m
        for m in names_in(reader, start, position)
        if not (
            m.type == "manufacturer"
            and _POSSESSIVE_OF_OTHER.match(reader.text, m.end)
            and not any(x.type == "model" and 0 < x.start - m.end < 4 for x in reader.mentions)
        )
    ]
    if not found:
        return None, None
    last = found[-1]
    if (
        last.type == "model"
        and len(found) > 1
        and found[-2].type == "model"
        and re.fullmatch(r"\s*(?:and|&|,)\s*", reader.text[found[-2].end : last.start])
        and _COMBINED.search(reader.text, last.end, min(position + 1, reader.sentence.end))
    ):
        # "GM's Silverado and Sierra combined for 93,000": the brand's total.
        brands = [m for m in found if m.type == "manufacturer"]
        return (brands[-1].name if brands else None), None
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
    lexicon: Lexicon, manufacturer: str | None, model: str | None
) -> tuple[str | None, str | None]:
    """A model's own brand wins over a group named beside it ("Geely's Radar RD6")."""
    if model:
        return lexicon.model_brand(model, manufacturer) or manufacturer, model
    return manufacturer, model


_COMPANY_SAID = re.compile(
    r"\b(?:the\s+(?:company|automaker|carmaker|firm|group|brand)|it)\s+(?:" + SPEECH_VERBS + r")\b",
    re.IGNORECASE,
)
_NAME_AFTER = re.compile(
    r"^\s*(?:of|by|for|from|achieved\s+by|posted\s+by|were|was)\s+(?:the\s+|its\s+)?"
    r"(?:[\w-]+\s+){0,2}?$",
    re.IGNORECASE,
)
_MONTH_ON_MONTH = re.compile(r"\bmonth[- ](?:on|over)[- ]month\b|\bMoM\b", re.IGNORECASE)
# "the January–November decline of 6.25%": a period that is the change's own.
_DATED_CHANGE = re.compile(
    r"\s*(?:'s\s+)?(?:sales\s+|volume\s+)?(?:decline|decrease|drop|fall|increase|rise|growth|gain|jump|slide)s?\s+(?:of\s+)?(?:about\s+|around\s+|nearly\s+|almost\s+|some\s+)?[-+−]?$",
    re.IGNORECASE,
)
_FIGURE_ANAPHOR = re.compile(
    r"\b(?:this|that|these|it|the\s+(?:figure|total|number|result|tally|volume|count))\b",
    re.IGNORECASE,
)
_RELATIVE_START = re.compile(r"\W*(?:which|who|that)\b", re.IGNORECASE)
_THOUSANDS = re.compile(r"\d\s*thousand\b", re.IGNORECASE)
_PRONOUN_SUBJECT = re.compile(r"\b(?:it|its|it's)\b", re.IGNORECASE)
_PLACED = re.compile(r"[- ]?(?:placed|ranked|place)\s+(?:the\s+)?", re.IGNORECASE)
_FIGURE_NOUN = re.compile(
    # not "the total sales volume of all Japanese pickups": that names its own subject
    r"\b(?:the|that|this)\s+(?:\w+\s+)?(?:figure|total|tally)\b(?!\s+(?:[\w-]+\s+){0,2}of\b)",
    re.IGNORECASE,
)
_CREDIT_ANAPHOR = re.compile(
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
_SPOKEN = re.compile(r"\b(?:" + SPEECH_VERBS + r")\b", re.IGNORECASE)


def _credited(mention: Mention, reader: SentenceView, reference: Reference) -> str | None:
    """The organisation a credit names: itself, or a person's organisation ("according to
    Cui Dongshu, secretary general of the CPCA")."""
    if mention.type != "person":
        return mention.name
    entity = reference.get("person", mention.name)
    if entity is not None and entity.parent:
        return entity.parent
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


def _attribution(
    reader: SentenceView, reference: Reference, before: int | None = None
) -> str | None:
    """The organisation a sentence credits for its numbers, if it names one."""
    limit = reader.sentence.end if before is None else before
    if not _has_credit_words(reader.text, reader.sentence.start, reader.sentence.end):
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


# --- one article -----------------------------------------------------------


class _Article:
    """Claims of one article, with the context sentences pass to each other."""

    def __init__(
        self,
        article: str,
        text: str,
        sentences: list[Sentence],
        mentions: list[Mention],
        reference: Reference,
        setting: Setting,
    ) -> None:
        self.article = article
        self.text = text
        self.sentences = sentences
        self.lexicon = lexicon_for(reference)
        self.reference = reference
        self.published = setting.published
        self.as_of = data_month(text, setting.published, setting.precision)
        self.by_sentence: dict[int, list[Mention]] = {}
        for mention in mentions:
            self.by_sentence.setdefault(mention.sentence, []).append(mention)
        self.fiscal_start = self._fiscal_start(mentions)
        self.markets = markets_for(reference)
        # A story that writes "88.3 thousand units" may drop the word later ("754.9 total").
        self.counts_in_thousands = bool(_THOUSANDS.search(text))
        # The claims of the last sentence that had any, for what the next one points back to.
        self.previous_claims: tuple[int, list[Claim]] = (-1, [])
        self.ctx = ArticleContext(
            text,
            sentences,
            self.by_sentence,
            reference,
            self.markets,
            dateline=setting.dateline,
            publisher_country=setting.publisher_country,
        )
        self.facts = self.ctx.facts

    def _fiscal_start(self, mentions: list[Mention]) -> int:
        for mention in mentions:
            if mention.type == "manufacturer":
                entity = self.reference.get("manufacturer", mention.name)
                if entity:
                    return entity.fiscal_year_start_month
        return 1

    def extract(self) -> list[Claim]:
        claims: list[Claim] = []
        scan = ArticleScan(self.text, self.lexicon, self.published, self.fiscal_start, self.as_of)
        for sentence in self.sentences:
            mentions = self.by_sentence.get(sentence.index, [])
            view = SentenceView(self.text, sentence, mentions)
            entity_spans = [
                (m.start, m.end)
                for m in mentions
                if m.type in ("manufacturer", "organization", "facility")
            ]
            cues = [
                c
                for c in scan.within("powertrain_cues", sentence.start, sentence.end)
                if not inside(c[0], entity_spans)
            ]
            credit_words = _has_credit_words(self.text, sentence.start, sentence.end)
            source = _attribution(view, self.reference) if credit_words else None
            if (
                source is None
                and credit_words
                and _CREDIT_ANAPHOR.search(self.text, sentence.start, sentence.end)
            ):
                # "..., said the association": the body credited before.
                source = self.ctx.carried(sentence, "source", reach=12, widen=True)
            fact = Facts(
                markets=self.markets.markets(self.text, mentions, sentence.start, sentence.end),
                powertrain=joined_scope(self.text, cues),
                source=source,
                # "Sales by Fuel Type": what the figures after it count, until one says.
                metric=next(
                    (
                        cue.metric
                        for cue in scan.within("cues", sentence.start, sentence.end)
                        if cue.kind == "noun" and cue.metric in COUNT_METRICS
                    ),
                    None,
                ),
            )
            brand, model = last_names(view, sentence.start, sentence.end)
            fact.manufacturer, fact.model = _reconcile(self.lexicon, brand, model)
            main = [
                p
                for p in scan.within("periods", sentence.start, sentence.end)
                if not p.comparison
                and not p.future
                and p.period_start
                and p.period_start != p.period_end  # "the September 30 expiration" dates an event
                and not _EVENT_BEFORE.search(self.text, sentence.start, p.start)
            ]
            if main:
                fact.period = (main[0].period_start, main[0].period_end)
            self.ctx.record(sentence, fact)
            reader = None
            if sentence.kind not in ("table_row", "table_header") and scan.has_claim_words(
                sentence
            ):
                reader = SentenceReader(scan, sentence, mentions)
            if sentence.kind == "table_row":
                found = self._table_claims(view)
            elif self.text[sentence.end - 1 : sentence.end] in _DIGIT_ENDS and _FIGURE_ROW.match(
                self.text, sentence.start, sentence.end
            ):
                found = self._figure_row_claims(view)
            elif sentence.kind == "table_header":
                found = []
            elif reader is not None and (
                reader.numbers or RANK_ONE.search(self.text, sentence.start, sentence.end)
            ):
                found = self._sentence_claims(reader, fact)
            else:
                found = None
            if found is not None:
                self.previous_claims = (sentence.index, found)
                fact.has_claims = bool(found)
                dated = [
                    c
                    for c in found
                    if c.period_start and c.metric not in (*TARGET_METRICS, "price")
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
                    fact.markets = list(measured[-1].region)
                claims.extend(found)
        return _drop_headline_repeats(claims, self.sentences)

    # -- tables ----------------------------------------------------------------

    def _table_claims(self, reader: SentenceView) -> list[Claim]:
        """One row of a table: its header says what each column holds."""
        sentence = reader.sentence
        header_index = sentence.index
        while header_index >= 0 and self.sentences[header_index].kind == "table_row":
            header_index -= 1
        if header_index < 0 or self.sentences[header_index].kind != "table_header":
            return []
        header = self.sentences[header_index]
        header_cells = _cells(self.text, header.start, header.end)
        row_cells = _cells(self.text, sentence.start, sentence.end)
        roles = [_column_role(self.text[a:b], self.lexicon) for a, b in header_cells]
        brand, model = last_names(reader, sentence.start, sentence.end)
        brand, model = _reconcile(self.lexicon, brand, model)
        # The rows take what the caption and the sentences before the table establish.
        region = self.ctx.carried(header, "markets") or []
        period = self.ctx.carried(header, "period")
        source = self.ctx.carried(header, "source")
        claims: list[Claim] = []
        level: Claim | None = None
        change: float | None = None
        for column, ((start, end), (role, metric)) in enumerate(
            zip(row_cells, roles, strict=False)
        ):
            numbers = find_numbers(self.text, start, end, self.reference)
            if not numbers or role is None:
                continue
            number = numbers[0]
            column_period = period
            if role == "count" and column < len(header_cells):
                # "October sales": the column's own period beats the intro's.
                named = [
                    p
                    for p in find_periods(
                        self.text,
                        *header_cells[column],
                        self.published,
                        self.fiscal_start,
                        self.as_of,
                    )
                    if p.period_start
                ]
                if named:
                    column_period = (named[0].period_start, named[0].period_end)
            if role == "change":
                falling = self.text[start:end].strip().startswith(("-", "−", "–"))
                change = -abs(number.value) if falling else number.value
                continue
            if role == "rank":
                unit, value, claim_metric = "rank", number.value, "sales_rank"
            elif role == "share":
                unit, value, claim_metric = "percent", number.value, "market_share"
            else:
                unit, value = "units", number.value
                claim_metric = metric or self.ctx.carried(header, "metric") or "sales"
            claim = Claim(
                article=self.article,
                sentence_index=sentence.index,
                sentence=self.text[sentence.start : sentence.end],
                metric=claim_metric,
                value=value,
                unit=unit,
                manufacturer=brand,
                model=model,
                region=list(region or []),
                powertrain=(
                    self.lexicon.model_powertrain(model, brand)
                    if role == "count" and model
                    else None
                )
                or "all",
                period_start=column_period[0] if column_period else None,
                period_end=column_period[1] if column_period else None,
                source_org=source,
                value_start=number.start,
                value_end=number.end,
                value_text=number.text,
            )
            claims.append(claim)
            if role == "count":
                level = claim
        if level is not None and change is not None:
            level.change_pct = change
        return claims

    def _figure_row_claims(self, view: SentenceView) -> list[Claim]:
        """A table flattened to lines: 'Brand Ford Ranger Mitsubishi Triton Toyota Hilux'
        then 'Units 7785 1816 1473', one figure under each name of the line before."""
        sentence = view.sentence
        if sentence.index == 0:
            return []
        names_line = self.sentences[sentence.index - 1]
        entities = _named_entities(
            SentenceView(self.text, names_line, self.by_sentence.get(names_line.index, []))
        )
        label = _FIGURE_ROW.match(self.text, sentence.start, sentence.end)
        numbers = [
            n
            for n in find_numbers(self.text, label.start("figures"), sentence.end, self.reference)
            if n.value is not None
        ]
        if len(entities) < 2 or len(numbers) != len(entities):
            return []
        role, metric = _column_role(label.group("label"), self.lexicon)
        if role not in ("count", "share"):
            return []
        period = self.ctx.carried(names_line, "period")
        region = self.ctx.carried(names_line, "markets") or []
        source = self.ctx.carried(names_line, "source")
        claims = []
        for (brand, model), number in zip(entities, numbers, strict=True):
            share = role == "share"
            claims.append(
                Claim(
                    article=self.article,
                    sentence_index=sentence.index,
                    sentence=self.text[sentence.start : sentence.end],
                    metric="market_share"
                    if share
                    else metric or self.ctx.carried(names_line, "metric") or "sales",
                    value=number.value,
                    unit="percent" if share else "units",
                    manufacturer=brand,
                    model=model,
                    region=list(region),
                    powertrain=(self.lexicon.model_powertrain(model, brand) if model else None)
                    or "all",
                    period_start=period[0] if period else None,
                    period_end=period[1] if period else None,
                    source_org=source,
                    value_start=number.start,
                    value_end=number.end,
                    value_text=number.text,
                )
            )
        return claims

    # -- one sentence --------------------------------------------------------

    def _sentence_claims(self, reader: SentenceReader, fact: Facts) -> list[Claim]:
        sentence = reader.sentence
        context_metric = self.ctx.carried(sentence, "metric", claims_only=True)
        candidates, changes, baselines = read_candidates(reader, context_metric)
        changes = self._change_only(reader, candidates, changes, context_metric)
        if not candidates:
            return []
        candidates.sort(key=lambda c: c.position)
        attach_changes(candidates, changes, reader)
        attach_baselines(candidates, baselines)
        respectively = map_respectively(reader, candidates) or self._respective_to_before(
            reader, candidates
        )
        sentence_text = self.text[sentence.start : sentence.end]
        names_here = reader.mentions_in(("model", "manufacturer"), sentence.start, sentence.end)
        company_reference = bool(_COMPANY_REFERENCE.search(sentence_text))
        vehicle_reference = not any(m.type == "model" for m in names_here) and bool(
            _VEHICLE_REFERENCE.search(sentence_text)
        )
        clause_references = {
            index: not reader.mentions_in(("model",), start, end)
            and bool(_VEHICLE_REFERENCE.search(self.text, start, end))
            for index, (start, end) in enumerate(reader.clauses)
        }
        claims: list[Claim] = []
        previous: Candidate | None = None
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
            pointed_back = None
            if brand is None and model is None:
                pointed_back = self._figure_pointed_back(reader, candidate, clause)
                if pointed_back is not None:
                    brand, model = pointed_back
            if (
                brand is None
                and model is None
                and (company_reference or vehicle_reference)
                and (index == 0 or not names_here)
            ):
                brand = self.ctx.carried(sentence, "manufacturer")
            if model is None and (vehicle_reference or clause_references.get(candidate.clause)):
                carried = self.ctx.carried(sentence, "model")
                lineage = self.reference.manufacturer_lineage(
                    self.lexicon.model_brand(carried, brand)
                )
                if carried and (brand is None or brand in lineage):
                    model = carried
            if (
                brand is None
                and model is None
                and pointed_back is None
                and not self._market_level(reader, clause)
            ):
                # "Year-to-date sales have reached 16,000 vehicles" in a story about one truck.
                brand, model = self.ctx.article_subject
            if brand and model is None and candidate.metric not in ("sales_rank", "market_share"):
                model = self._carried_model(reader, candidate, clause, brand)
            model = model or None
            brand, model = _reconcile(self.lexicon, brand, model)
            if not self._about_pickups(reader, candidate, clause, brand, model):
                previous = candidate
                continue
            if candidate.metric in ("sales", "orders") and candidate.verb in (
                "shipped",
                "sent",
                "sold",
                "sending",
                "shipping",
            ):
                destinations = self.markets.destinations(
                    self.text, reader.mentions, candidate.position, clause[1]
                )
                home = self.reference.home_country(brand)
                if destinations and home and home not in destinations:
                    candidate.metric = "exports"
            number = candidate.number
            if (
                self.counts_in_thousands
                and candidate.unit == "units"
                and candidate.value is not None
                and candidate.value < 1000
                and candidate.value % 1
            ):
                # "the 754.9 total deliveries" in a story that counts "88.3 thousand units"
                candidate.value = round(candidate.value * 1000)
            value_start, value_end = (
                (number.start, number.end) if number else rank_span(self.text, candidate.position)
            )
            region = self._regions(reader, candidate, clause, brand, fact)
            claims.append(
                Claim(
                    article=self.article,
                    sentence_index=sentence.index,
                    sentence=sentence_text,
                    metric=candidate.metric,
                    value=candidate.value,
                    unit=self._currency(candidate, region),
                    qualifier=qualifier(reader, number) if number is not None else "exact",
                    manufacturer=brand,
                    model=model,
                    region=region,
                    powertrain=self._powertrain(reader, candidate, clause, model, brand, claims),
                    period_start=None,
                    period_end=None,
                    change_pct=candidate.change,
                    baseline_value=candidate.baseline,
                    source_org=self._source(reader, candidate, fact),
                    value_start=value_start,
                    value_end=value_end,
                    value_text=number.text if number else self.text[value_start:value_end],
                )
            )
            claims[-1].period_start, claims[-1].period_end = self._period(
                reader, candidate, clause, fact
            )
            if number is not None and number.range_high is not None:
                # "1,000 to 1,500 units": two figures, at least the one and at most the other.
                high = dataclasses.replace(claims[-1], value=number.range_high, qualifier="at_most")
                claims.append(high)
            previous = candidate
        return claims

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
            # "the January–November decline of 6.25%": a change with a period of its own.
            dated = [
                p.match
                for p in reader.periods
                if p.match.period_start
                and clause[0] <= p.match.start < number.start
                and not p.match.comparison
                and not p.event
            ]
            own_period = bool(dated) and (
                not own_level or bool(_DATED_CHANGE.match(self.text, dated[-1].end, number.start))
            )
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
        named_after = self._subject_after(reader, candidate, clause)
        if named_after is not None:
            return named_after
        if candidate.metric == "sales_rank" and candidate.number is not None:
            placed = _PLACED.match(self.text, candidate.number.end)
            if placed:  # "the fifth-placed Nissan Navara"
                brand, model = first_names(reader, placed.end(), min(clause[1], placed.end() + 40))
                if brand or model:
                    return _reconcile(self.lexicon, brand, model)
        if re.match(
            r"\s*(?:which|who|that)\b", reader.text[clause[0] : clause[0] + 8], re.IGNORECASE
        ):
            # "..., ahead of the Toyota Hilux, which sold 4,950 units": the name before the clause.
            brand, model = _subject_before(reader, reader.sentence.start, clause[0])
            if brand or model:
                return brand, model
        if self._several_makers(reader, clause[0], position):
            return None, None
        brand, model = _subject_before(reader, clause[0], position)
        if brand or model:
            return brand, model
        if clause[0] > reader.sentence.start and _PRONOUN_SUBJECT.search(
            self.text, clause[0], position
        ):
            # "Toyota's RAV4 was third – however it is out of the race with 39,519": "it" is
            # the subject the sentence opened with.
            brand, model = first_names(reader, reader.sentence.start, clause[0])
            if brand or model:
                return _reconcile(self.lexicon, brand, model)
        if candidate.metric == "sales_rank":
            brand, model = first_names(reader, position, clause[1])
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
            if self._several_makers(reader, reader.sentence.start, position):
                return None, None
            return _subject_before(reader, reader.sentence.start, position)
        return None, None

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

    def _several_makers(self, reader: SentenceReader, start: int, position: int) -> bool:
        """'five carmakers — Hyundai, Kia, GM Korea, Renault Korea and KGM — sold a combined
        13,475': a figure of several makers together belongs to none of them."""
        if position - start < 2:
            return False
        makers = {m.name for m in reader.mentions_in(("manufacturer",), start, position)}
        models = reader.mentions_in(("model",), start, position)
        combined = _AGGREGATE.search(reader.text, start, position + 40)
        return not models and (len(makers) >= 3 or (len(makers) == 2 and bool(combined)))

    def _subject_after(self, reader, candidate, clause) -> tuple[str | None, str | None] | None:
        """'the 9,562 sales of the second-placed Toyota Hilux', '7,785 units achieved by the
        Ford Ranger', 'of which 7,100 were Cybertrucks': the name after the figure."""
        if candidate.number is None:
            return None
        end = candidate.noun.end if candidate.noun is not None else candidate.number.end
        mentions = reader.mentions_in(("model", "manufacturer"), end, clause[1])
        if not mentions or not _NAME_AFTER.match(self.text[end : mentions[0].start]):
            return None
        name_end = mentions[0].end
        for mention in mentions[1:]:  # "the Ford Ranger": the brand and the model after it
            if self.text[name_end : mention.start].strip():
                break
            name_end = max(name_end, mention.end)
        brand, model = last_names(reader, mentions[0].start, name_end + 1)
        return _reconcile(self.lexicon, brand, model)

    def _carried_model(
        self, reader: SentenceReader, candidate: Candidate, clause: tuple[int, int], brand: str
    ) -> str | None:
        """The brand's model named earlier in the sentence or just before it, when the number is about it."""
        if candidate.number is None or _AGGREGATE.search(reader.text[clause[0] : clause[1]]):
            return None
        if (
            candidate.noun is not None
            and candidate.noun.noun in self.lexicon.words.generic_vehicle_plural
        ):
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
            carried = self.ctx.carried(reader.sentence, "model", reach=1)
            if carried and brand == self.lexicon.model_brand(carried, brand):
                return carried
        return None

    def _regions(self, reader, candidate, clause, brand, fact) -> list[str]:
        text, mentions = self.text, reader.mentions
        if candidate.metric == "exports" or (
            candidate.metric == "sales_target"
            and candidate.verb in ("export", "exported", "exports")
        ):
            destinations = self.markets.destinations(text, mentions, candidate.position, clause[1])
            if destinations:
                return destinations
            # An export without named destinations counts in the exporting country.
            origin = self.markets.origins(text, mentions, clause[0], clause[1]) or [
                m
                for m in self.markets.markets(text, mentions, clause[0], candidate.position)
                if m != "World"
            ]
            # Where it is exported from: named, else the market the article is about (the
            # Ranger exported from South Africa), else the maker's home country.
            home = self.reference.home_country(brand)
            article = [m for m in self.ctx.article_market.markets if self.markets.is_country(m)]
            return origin or article or ([home] if home else [])
        if self.markets.domestic(text, clause[0], clause[1]):
            # "domestic sales": the market the article is about, not the brand's home country.
            domestic = self.ctx.carried(reader.sentence, "markets")
            if domestic:
                return list(domestic)
            home = self.reference.home_country(brand)
            if home:
                return [home]
        listed = self._listed_region(reader, candidate)
        if listed:
            return [listed]
        stop = _PREDICATE_BREAK.search(text, candidate.position, clause[1])
        clause_end = stop.start() if stop else clause[1]
        for start, end in ((clause[0], clause_end), (reader.sentence.start, reader.sentence.end)):
            found = self.markets.markets(text, mentions, start, end)
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
        return list(self.ctx.carried(reader.sentence, "markets", claims_only=True) or [])

    def _market_level(self, reader: SentenceReader, clause: tuple[int, int]) -> bool:
        """Whether a clause is about a market rather than one maker: it names the market,
        the segment or a class of vehicle ("pickup sales in China", "the ute segment")."""
        if self.markets.markets(self.text, reader.mentions, clause[0], clause[1]):
            return True
        words = set(re.findall(r"[a-z][a-z-]*", self.text[clause[0] : clause[1]].lower()))
        return bool(words & self.lexicon.words.market_level)

    def _currency(self, candidate: Candidate, region: list[str]) -> str:
        """The unit of a claim; for a price in a token several currencies write ("$",
        "¥"), the currency of the market the price is quoted in."""
        number = candidate.number
        if candidate.metric != "price" or number is None or not number.symbol:
            return candidate.unit
        markets = set(region) | set(self.ctx.article_market.markets)
        for currency in self.reference.currencies:
            if currency.token == number.symbol and currency.region in markets:
                return currency.code
        return candidate.unit

    def _about_pickups(self, reader, candidate, clause, brand, model) -> bool:
        """Whether a figure counts pickups: not a model of another body ("the Toyota RAV4
        with 1,877 units"), not another class of vehicle ("medium vans ... to 5,688
        units"), and a rank of something named."""
        body = self.lexicon.model_body(model, brand) if model is not None else None
        if body not in (None, "pickup"):
            return False
        if candidate.metric == "sales_rank" and brand is None and model is None:
            return False
        named = any(
            m.name == model
            for m in reader.mentions_in(("model",), reader.sentence.start, reader.sentence.end)
        )
        if body == "pickup" and named:
            return (
                True  # "the Ranger, third in overall LCV sales": ranked among vans, still a pickup
            )
        end = candidate.noun.end if candidate.noun is not None else candidate.position
        start = clause[0]
        if candidate.clause > 0 and _RELATIVE_START.match(self.text, clause[0]):
            # "small and medium vans, which were up ... to 683 and 5,688 units"
            start = reader.clauses[candidate.clause - 1][0]
        words = re.findall(r"[a-z][a-z-]*", self.text[start:end].lower())
        words += re.findall(r"[a-z][a-z-]*", self.text[end : end + 12].lower())[:1]
        classes = self.lexicon.words
        last = next(
            (
                w
                for w in reversed(words)
                if w in classes.other_vehicle or w in classes.pickup_vehicle
            ),
            None,
        )
        return last is None or last in classes.pickup_vehicle

    def _listed_region(self, reader: SentenceReader, candidate: Candidate) -> str | None:
        """'Xinjiang (20,946), Yunnan (19,385)': a figure in brackets after a market is its own."""
        before = [
            m
            for m in reader.mentions_in(("region",), reader.sentence.start, candidate.position)
            if re.fullmatch(r"\s*\(\s*", self.text[m.end : candidate.position])
        ]
        return before[-1].name if before else None

    def _powertrain_cue(self, reader: SentenceReader, start: int, end: int) -> str | None:
        cues = [c for c in reader.powertrain_cues if start <= c[0] < end]
        return joined_scope(self.text, cues)

    def _powertrain(self, reader, candidate, clause, model, brand, claims) -> str:
        number = candidate.number
        if candidate.metric == "sales_rank":
            scope = (candidate.position, min(clause[1], candidate.position + 45))
            cue = self._powertrain_cue(reader, *scope)
            if cue:
                return cue
            words = set(re.findall(r"[a-z-]+", reader.text[scope[0] : scope[1]].lower()))
            if words & self.lexicon.words.generic_vehicle:
                return "all"
            ranks = [c for c in claims if c.metric == "sales_rank"]
            if ranks:
                return ranks[-1].powertrain
            carried = self.ctx.carried(reader.sentence, "rank_powertrain")
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
        if candidate.metric in SHARE_METRICS and PARTITIVE.match(
            self.text, reader.sentence.start, candidate.position
        ):
            return self.ctx.carried(reader.sentence, "powertrain") or "all"  # "Of those sales"
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
        if words & self.lexicon.words.generic_vehicle and not model:
            return "all"
        if model:
            return "all"
        if claims and claims[-1].sentence_index == reader.sentence.index:
            return claims[-1].powertrain
        carried = self.ctx.carried(reader.sentence, "powertrain")
        return carried or "all"

    def _period(self, reader, candidate, clause, fact) -> tuple[date | None, date | None]:
        start, end = self._stated_period(reader, candidate, clause, fact)
        as_of = self.as_of
        if (
            candidate.metric in COUNT_METRICS
            and start is not None
            and as_of is not None
            and (start, end) == (date(as_of.year, 1, 1), date(as_of.year, 12, 31))
            and as_of.month < 12
        ):
            # A year still running when the article reports can only be counted to date.
            return start, as_of
        if (
            candidate.metric in COUNT_METRICS
            and as_of is not None
            and start is not None
            and (end - start).days > 31
            and not any(clause[0] <= p.match.start < clause[1] for p in reader.periods)
            and _MONTH_ON_MONTH.search(self.text, reader.sentence.start, reader.sentence.end)
        ):
            # "Diesel: 16,060 units, +19% month-on-month": a month's figure, the data month.
            return date(as_of.year, as_of.month, 1), as_of
        return start, end

    def _stated_period(self, reader, candidate, clause, fact) -> tuple[date | None, date | None]:
        metric = candidate.metric
        if metric == "price":
            # A price is dated only by a date after it in its clause ("$100,000 when it
            # launched in November 2023"), not by a launch still to come.
            dated = [
                p.match
                for p in reader.periods
                if p.match.period_start
                and candidate.position < p.match.start < clause[1]
                and not p.match.future
            ]
            if not dated:
                return None, None
            nearest = min(dated, key=lambda p: abs(p.start - candidate.position))
            return nearest.period_start, nearest.period_end
        published = self.published
        usable = []
        for period in reader.periods:
            match = period.match
            if (
                not match.period_start
                or match.comparison
                or period.event
                or match is candidate.baseline_period
                or match.period_start == match.period_end  # a day dates, it does not span
            ):
                continue
            future = match.future or (published is not None and match.period_start > published)
            if future and metric not in TARGET_METRICS:
                continue
            usable.append(match)
        in_clause = [p for p in usable if clause[0] <= p.start < clause[1]]
        if metric in TARGET_METRICS:
            # "told investors in October that Ram aims to ..." dates the statement, not the target.
            own = [
                p
                for p in in_clause
                if not _STATEMENT_DATE.search(reader.text, max(clause[0], p.start - 30), p.start)
            ]
            if not own:
                return None, None
            nearest = min(own, key=lambda p: abs(p.start - candidate.position))
            return nearest.period_start, nearest.period_end
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
        carried = self.ctx.carried(
            reader.sentence,
            "period",
            accept=lambda facts: _periods_carry(facts.period_metric, metric),
            reach=6 if anaphoric else None,
        )
        return carried or (None, None)

    def _source(self, reader: SentenceReader, candidate: Candidate, fact: Facts) -> str | None:
        if fact.source:
            return fact.source if candidate.metric != "price" else None
        if candidate.metric == "price":
            return None  # a credit is for data; a price is the maker's own
        if _SPOKEN.search(reader.text, reader.sentence.start, reader.sentence.end):
            return (
                None  # someone in this sentence speaks for its numbers; an earlier credit does not
            )
        return self.ctx.carried(reader.sentence, "source")


# Figures that run on from one sentence to the next share a period; an order
# book does not take the period of a market share stated before it.
_MARKET_DATA = {*COUNT_METRICS, "sales_rank", "market_share"}


def _periods_carry(source_metric: str | None, metric: str) -> bool:
    if source_metric is None:
        return metric in _MARKET_DATA - {"orders"}
    return source_metric == metric or (
        source_metric in _MARKET_DATA - {"orders"} and metric in _MARKET_DATA - {"orders"}
    )


_RANK_HEADER = re.compile(r"^\s*(?:rank|#|no\.?|pos\.?|position|place)\s*$", re.IGNORECASE)
_CHANGE_HEADER = re.compile(
    r"yoy|y/y|y-o-y|change|growth|\bvs\b|%|mom|year-on-year|year-over-year|diff", re.IGNORECASE
)
_SHARE_HEADER = re.compile(r"\bshare\b", re.IGNORECASE)
_COUNT_HEADER = re.compile(
    r"sales|registrations?|deliveries|exports|orders|production|units|volume|total|ytd|sold|"
    + MONTH_NAMES
    + r"|\b(?:19|20)\d\d\b|\bq[1-4]\b|\bh[12]\b",
    re.IGNORECASE,
)


def _cells(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Spans of the cells of a "| a | b |" (or "a | b |") row, without padding."""
    cells = []
    row = text[start:end]
    if not row.lstrip().startswith("|"):
        first = row.index("|")
        inner = row[:first]
        left = start + len(inner) - len(inner.lstrip())
        cells.append((left, max(left, start + len(inner.rstrip()))))
        start += first
        row = text[start:end]
    position = start
    for part in row.split("|")[1:-1]:
        position = text.index("|", position) + 1
        inner_start = position + (len(part) - len(part.lstrip()))
        inner_end = position + len(part.rstrip())
        cells.append((inner_start, max(inner_start, inner_end)))
        position += len(part)
    return cells


# "Units 7785 1816 1473 255": a label, then only figures.
_DIGIT_ENDS = frozenset("0123456789%")
_FIGURE_ROW = re.compile(
    r"\s*(?P<label>[A-Za-z][A-Za-z ()/%.-]{0,30}?)\s+(?P<figures>\d[\d,.]*%?(?:\s+\d[\d,.]*%?)+)\s*$"
)


def _named_entities(view: SentenceView) -> list[tuple[str | None, str | None]]:
    """The brands and models a line names, one entry per name ('Ford Ranger' is one)."""
    found = names_in(view, view.sentence.start, view.sentence.end)
    entities: list[tuple[str | None, str | None]] = []
    pending: str | None = None  # a brand waiting to see whether a model follows it
    for mention in found:
        if mention.type == "manufacturer":
            if pending is not None:
                entities.append((pending, None))
            pending = mention.name
        else:
            entities.append((pending or mention.owner, mention.name))
            pending = None
    if pending is not None:
        entities.append((pending, None))
    return entities


_ELECTRIFIED = frozenset(("bev", "phev", "erev", "nev"))
_JOINED = re.compile(r"\s*(?:,|/|or|and|,\s*and|,\s*or)\s*$", re.IGNORECASE)


def joined_scope(text: str, cues: list[tuple[int, int, str]]) -> str | None:
    """The scope of the last powertrain words: 'electric or plug-in hybrid pick-ups' are
    new-energy ones together, 'diesel and petrol' combustion ones."""
    if not cues:
        return None
    joined = [cues[-1]]
    for cue in reversed(cues[:-1]):
        if not _JOINED.match(text[cue[1] : joined[0][0]]):
            break
        joined.insert(0, cue)
    scopes = {cue[2] for cue in joined}
    if len(scopes) == 1:
        return scopes.pop()
    return "nev" if scopes <= _ELECTRIFIED else cues[-1][2]


def _column_role(header: str, lexicon: Lexicon) -> tuple[str | None, str | None]:
    """What a table column holds, from its header: rank, change, share or a count (and its metric)."""
    if _RANK_HEADER.match(header):
        return "rank", None
    if _SHARE_HEADER.search(header):
        return "share", None
    if _CHANGE_HEADER.search(header):
        return "change", None
    if _COUNT_HEADER.search(header):
        match = lexicon.metric_pattern.search(header)
        metric = lexicon.metric_by_phrase[lexicon._fold(match.group())][0] if match else None
        return "count", metric if metric in COUNT_METRICS else None
    return None, None


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
    setting: Setting | None = None,
) -> list[Claim]:
    """All claims of one cleaned article. Pure: text and reference data in, claims out.
    The setting (publication date, dateline, publisher's country) resolves relative
    periods and places figures that no sentence places."""
    return _Article(article, text, sentences, mentions, reference, setting or Setting()).extract()
