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
import functools
import re
from dataclasses import dataclass

from flows.extract.attributes import ClaimAttributes, joined_scope
from flows.extract.attribution import CREDIT_ANAPHOR, attribution, has_credit_words
from flows.extract.budget import check
from flows.extract.candidates import read_candidates
from flows.extract.changes import ChangeReading
from flows.extract.claim_record import Claim
from flows.extract.context import ArticleContext, Facts, Setting
from flows.extract.markets import markets_for
from flows.extract.mentions import Mention
from flows.extract.pairing import attach_baselines, attach_changes, map_respectively, qualifier
from flows.extract.periods import data_month
from flows.extract.ranks import rank_span
from flows.extract.segment import Sentence
from flows.extract.sentence_reading import (
    COUNT_METRICS,
    EVENT_BEFORE,
    TARGET_METRICS,
    ArticleScan,
    Candidate,
    SentenceReader,
    SentenceView,
    inside,
    last_names,
    lexicon_for,
)
from flows.extract.subjects import SubjectReading, reconcile
from flows.extract.tables import DIGIT_ENDS, FIGURE_ROW, TableReading
from flows.reference import Reference

_COMPANY_REFERENCE = re.compile(
    r"(?:^\W*|\b)(?:the\s+(?:company|automaker|carmaker|car\s+maker|brand|firm|manufacturer|maker|group|marque|truck\s+maker|ev\s+maker)|(?:^|\W)it|its)\b",
    re.IGNORECASE,
)


# "The compact pickup has sold ...", "since the truck was revealed": the model named before.
_VEHICLE_REFERENCE = re.compile(
    r"\bthe\s+(?:[a-z-]+\s+){0,2}(?:pickup|ute|truck|bakkie|model|vehicle)\b(?!\s+(?:segment|market|sector|industry|class|category|makers?|sales))|(?:^|[.;,]\s+)it\s",
    re.IGNORECASE,
)


_THOUSANDS = re.compile(r"\d\s*thousand\b", re.IGNORECASE)


# --- one article -----------------------------------------------------------


class _Article(SubjectReading, ChangeReading, ClaimAttributes, TableReading):
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
        self.deadline: float | None = None  # see budget.py
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

    def _fiscal_start(self, mentions: list[Mention]) -> int:
        for mention in mentions:
            if mention.type == "manufacturer":
                entity = self.reference.get("manufacturer", mention.name)
                if entity:
                    return entity.fiscal_year_start_month
        return 1

    def extract(self) -> list[Claim]:
        """Each sentence in order: what it establishes for the ones after it (`Facts`,
        read when first asked for), then its own claims, which refine those facts."""
        claims: list[Claim] = []
        scan = ArticleScan(self.text, self.lexicon, self.published, self.fiscal_start, self.as_of)
        for sentence in self.sentences:
            if sentence.index % 64 == 0:
                check(self.deadline)
            view = SentenceView(self.text, sentence, self.by_sentence.get(sentence.index, []))
            fact = Facts(functools.partial(self._read_fact, scan, view))
            self.ctx.reached(sentence, fact)
            if self._credits_back(sentence):
                # Its credit walks back over the sentences before: read now, in order, so
                # that one walk never waits on another (no nesting however long the run).
                fact.source  # noqa: B018
            found = self._claims_of(scan, view, fact)
            if found is not None:
                self.previous_claims = (sentence.index, found)
                _refine_facts(fact, found)
                claims.extend(found)
        # Each sentence's facts hold their reader, which holds this article: let them go
        # now rather than leave the cycle to the garbage collector.
        self.ctx.facts.clear()
        return _drop_headline_repeats(claims, self.sentences)

    def _credits_back(self, sentence: Sentence) -> bool:
        """Whether a sentence may credit a body named before it ("..., said the association")."""
        return has_credit_words(self.text, sentence.start, sentence.end) and bool(
            CREDIT_ANAPHOR.search(self.text, sentence.start, sentence.end)
        )

    def _read_fact(self, scan: ArticleScan, view: SentenceView, attribute: str) -> dict:
        """What a sentence's words state for the figures after it, one attribute (or the
        pair read together) at a time: markets, powertrain scope, source, what is
        counted, whom and when."""
        sentence, mentions = view.sentence, view.mentions
        if attribute == "markets":
            return {
                "markets": self.markets.markets(self.text, mentions, sentence.start, sentence.end)
            }
        if attribute == "powertrain":
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
            return {"powertrain": joined_scope(self.text, cues)}
        if attribute == "source":
            source = None
            if has_credit_words(self.text, sentence.start, sentence.end):
                # Only a name is credited: a sentence without one needs no closer look.
                source = attribution(view, self.reference) if mentions else None
                if source is None and self._credits_back(sentence):
                    # "..., said the association": the body credited before.
                    source = self.ctx.carried(sentence, "source", reach=12, widen=True)
            return {"source": source}
        if attribute == "metric":
            # "Sales by Fuel Type": what the figures after it count, until one says.
            return {
                "metric": next(
                    (
                        cue.metric
                        for cue in scan.within("cues", sentence.start, sentence.end)
                        if cue.kind == "noun" and cue.metric in COUNT_METRICS
                    ),
                    None,
                )
            }
        if attribute in ("manufacturer", "model"):
            if not mentions:
                return {}
            brand, model = last_names(view, sentence.start, sentence.end)
            manufacturer, model = reconcile(self.lexicon, brand, model)
            return {"manufacturer": manufacturer, "model": model}
        main = [
            p
            for p in scan.within("periods", sentence.start, sentence.end)
            if not p.comparison
            and not p.future
            and p.period_start
            and p.period_start != p.period_end  # "the September 30 expiration" dates an event
            and not EVENT_BEFORE.search(self.text, sentence.start, p.start)
        ]
        return {"period": (main[0].period_start, main[0].period_end) if main else None}

    def _claims_of(self, scan: ArticleScan, view: SentenceView, fact: Facts) -> list[Claim] | None:
        """A sentence's claims by its kind: a table row, a line of figures under a line of
        names, or prose; None for a sentence with no figure to read."""
        sentence = view.sentence
        if sentence.kind == "table_row":
            return self._table_claims(view)
        if self.text[sentence.end - 1 : sentence.end] in DIGIT_ENDS and FIGURE_ROW.match(
            self.text, sentence.start, sentence.end
        ):
            return self._figure_row_claims(view)
        if sentence.kind == "table_header" or not scan.has_claim_words(sentence):
            return [] if sentence.kind == "table_header" else None
        reader = SentenceReader(scan, sentence, view.mentions)
        if reader.numbers or scan.within("rank_words", sentence.start, sentence.end):
            return self._sentence_claims(reader, fact)
        return None

    def _sentence_claims(self, reader: SentenceReader, fact: Facts) -> list[Claim]:
        """The claims of one sentence of prose: its candidates, each given its subject,
        its vehicle class checked, and its attributes read."""
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
        pointers = _Pointers.of(reader)
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
                # "BYD sold 3,500 overseas, and Radar sold 2,000"
                candidate.metric = previous.metric
            brand, model = self._subject(
                reader, candidate, index, candidates, respectively, claims, previous, pointers
            )
            previous = candidate
            if not self._about_pickups(reader, candidate, clause, brand, model):
                continue
            claims.extend(self._claims_for(reader, candidate, brand, model, fact, claims))
        return claims

    def _subject(
        self, reader, candidate, index, candidates, respectively, claims, previous, pointers
    ) -> tuple[str | None, str | None]:
        """Whom a candidate is about: the names around it, a pointer back ("the truck",
        "the company", "the yearly figure"), or the story's own subject."""
        sentence = reader.sentence
        clause = reader.clauses[candidate.clause]
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
            and (pointers.company or pointers.vehicle)
            and (index == 0 or not pointers.names)
        ):
            brand = self.ctx.carried(sentence, "manufacturer")
        if model is None and (pointers.vehicle or pointers.clauses.get(candidate.clause)):
            carried = self.ctx.carried(sentence, "model")
            lineage = self.reference.manufacturer_lineage(self.lexicon.model_brand(carried, brand))
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
        return reconcile(self.lexicon, brand, model or None)

    def _claims_for(self, reader, candidate, brand, model, fact, claims) -> list[Claim]:
        """The claim a candidate makes, with its market, scope, period and source (two
        claims for a range: "1,000 to 1,500 units")."""
        clause = reader.clauses[candidate.clause]
        if candidate.metric in ("sales", "orders") and candidate.verb in _SHIPPING_VERBS:
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
        claim = Claim(
            article=self.article,
            sentence_index=reader.sentence.index,
            sentence=self.text[reader.sentence.start : reader.sentence.end],
            metric=candidate.metric,
            value=candidate.value,
            unit=self._currency(candidate, region),
            qualifier=qualifier(reader, number) if number is not None else "exact",
            manufacturer=brand,
            model=model,
            region=region,
            powertrain=self._powertrain(reader, candidate, clause, model, brand, claims),
            change_pct=candidate.change,
            baseline_value=candidate.baseline,
            source_org=self._source(reader, candidate, fact),
            value_start=value_start,
            value_end=value_end,
            value_text=number.text if number else self.text[value_start:value_end],
        )
        claim.period_start, claim.period_end = self._period(reader, candidate, clause, fact)
        if number is not None and number.range_high is not None:
            # "1,000 to 1,500 units": two figures, at least the one and at most the other.
            return [claim, dataclasses.replace(claim, value=number.range_high, qualifier="at_most")]
        return [claim]


_SHIPPING_VERBS = frozenset(("shipped", "sent", "sold", "sending", "shipping"))


@dataclass(frozen=True)
class _Pointers:
    """What a sentence points back with: "the company", "the truck", "it", and the
    clauses that do so without naming a model."""

    names: list
    company: bool
    vehicle: bool
    clauses: dict[int, bool]

    @classmethod
    def of(cls, reader: SentenceReader) -> _Pointers:
        sentence = reader.sentence
        text = reader.text[sentence.start : sentence.end]
        names = reader.mentions_in(("model", "manufacturer"), sentence.start, sentence.end)
        return cls(
            names=names,
            company=bool(_COMPANY_REFERENCE.search(text)),
            vehicle=not any(m.type == "model" for m in names)
            and bool(_VEHICLE_REFERENCE.search(text)),
            clauses={
                index: not reader.mentions_in(("model",), start, end)
                and bool(_VEHICLE_REFERENCE.search(reader.text, start, end))
                for index, (start, end) in enumerate(reader.clauses)
            },
        )


def _refine_facts(fact: Facts, found: list[Claim]) -> None:
    """A sentence's claims say more exactly than its words what it established: the
    period and metric of its figures, the model and market they are about."""
    fact.has_claims = bool(found)
    dated = [c for c in found if c.period_start and c.metric not in (*TARGET_METRICS, "price")]
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
    deadline: float | None = None,
) -> list[Claim]:
    """All claims of one cleaned article. Pure: text and reference data in, claims out.
    The setting (publication date, dateline, publisher's country) resolves relative
    periods and places figures that no sentence places."""
    reader = _Article(article, text, sentences, mentions, reference, setting or Setting())
    reader.deadline = deadline
    return reader.extract()
