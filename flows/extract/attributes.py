"""Where, in which powertrain scope, when and on whose word a figure is stated:
the market, powertrain, period and source of a claim."""

from __future__ import annotations

import re
from datetime import date

from flows.extract.attribution import STATEMENT_DATE, speaks
from flows.extract.candidates import PARTITIVE
from flows.extract.context import Facts
from flows.extract.sentence_reading import (
    COUNT_METRICS,
    SHARE_METRICS,
    TARGET_METRICS,
    Candidate,
    SentenceReader,
)

_ANAPHORIC_PERIOD = re.compile(
    r"\b(?:in|during|over|for|across)\s+the\s+(?:same\s+)?(?:period|quarter|month|half|year\s+so\s+far)\b(?!\s+(?:a\s+year|last|of\s+\d|in\s+\d))",
    re.IGNORECASE,
)


_PREDICATE_BREAK = re.compile(
    r"\b(?:and|but)\s+(?:is|are|was|were|has|have|had|will|would|it|its|they|now)\b|,\s+which\b",
    re.IGNORECASE,
)


_MONTH_ON_MONTH = re.compile(r"\bmonth[- ](?:on|over)[- ]month\b|\bMoM\b", re.IGNORECASE)


_RELATIVE_START = re.compile(r"\W*(?:which|who|that)\b", re.IGNORECASE)


# Figures that run on from one sentence to the next share a period; an order
# book does not take the period of a market share stated before it.
_MARKET_DATA = {*COUNT_METRICS, "sales_rank", "market_share"}


def _periods_carry(source_metric: str | None, metric: str) -> bool:
    if source_metric is None:
        return metric in _MARKET_DATA - {"orders"}
    return source_metric == metric or (
        source_metric in _MARKET_DATA - {"orders"} and metric in _MARKET_DATA - {"orders"}
    )


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


def _next_year(day: date) -> date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)


class ClaimAttributes:
    """The attribute rules of `claims._Article` (a mixin: they read its context)."""

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
        scope_start = max(previous_numbers, default=clause[0])  # each is at or after clause[0]
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
                if not STATEMENT_DATE.search(reader.text, max(clause[0], p.start - 30), p.start)
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
        if speaks(reader.text, reader.sentence.start, reader.sentence.end):
            return (
                None  # someone in this sentence speaks for its numbers; an earlier credit does not
            )
        return self.ctx.carried(reader.sentence, "source")
