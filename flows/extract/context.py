"""The context an article sets: what its title, lead, dateline, headings and earlier
sentences establish for the figures that follow.

News states a market, a period, a powertrain scope, a subject and a credited
source once and then runs through the figures: "According to CADA, pickup sales
in China rose 12% through November. Great Wall led with 180,000." Each sentence
records what it establishes (`Facts`); a claim that leaves an attribute open
takes it from `ArticleContext.carried`, which applies one look-back rule:

- walk back over the sentences before, nearest first, at most `REACH[attribute]`
  of them; a heading counts like a sentence (it answers when it names the
  attribute, "Thailand", "Electric pickups", and is passed over when not);
- stop at a scope end: a sentence that turns to another place ("Elsewhere,
  ...", "And it's not just Korea": who, where and which scope) or to another
  subject ("Meanwhile, ...", "By contrast, ...": who), the title and dek, and
  for a credit the start of its paragraph;
- then what the article as a whole establishes (markets only: title, lead,
  dateline, the credited source's country, and as a last resort the publisher's
  country, marked inferred).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from flows.extract.markets import MarketReader
from flows.extract.mentions import Mention
from flows.extract.segment import Sentence
from flows.reference import Reference

# How many sentences back an attribute carries. A market holds for a whole section;
# a subject ("it", "the truck") and a credit only for the next sentences; a period
# while the figures run on.
REACH = {
    "markets": 40,
    "period": 3,
    "powertrain": 3,
    "manufacturer": 2,
    "model": 3,
    "source": 3,
    "metric": 3,
    "rank_powertrain": 1,
}
# A credit holds for the rest of its paragraph (and the sentence right after it); the
# other attributes hold across paragraphs, within the section.
PARAGRAPH_SCOPED = frozenset({"source"})
# What a turn ends. "Elsewhere", "Not just Korea": who and where the figures are about
# (what they count and when runs on). "Meanwhile", "By contrast": who.
TURNS = {
    "scope_break": frozenset(REACH) - {"metric", "period"},
    "subject_break": frozenset({"manufacturer", "model", "rank_powertrain"}),
}
BODY = ("body", "bullet", "table_row", "table_header")


@dataclass(frozen=True)
class Setting:
    """What is known about an article from outside its sentences: when it was published
    (and how precisely that is known), its dateline, and its publisher's country."""

    published: date | None = None
    precision: str | None = None  # day | month | year
    dateline: str | None = None
    publisher_country: str | None = None


# What a sentence's own words establish, read from them when first asked for; the
# rest (`Facts` class attributes) only its claims establish.
READ_ATTRIBUTES = frozenset(
    {"markets", "period", "powertrain", "manufacturer", "model", "source", "metric"}
)


class Facts:
    """What one sentence establishes for the sentences after it.

    Made with `read(attribute) -> {attribute: value, ...}`, an attribute of
    `READ_ATTRIBUTES` not given is read from the sentence the first time it is asked
    for: most sentences state no figure, and a walk back asks them for one attribute
    or none. A value set (given, or refined by the sentence's claims) is kept.
    """

    period_metric: str | None = None
    rank_powertrain: str | None = None
    has_claims: bool = False
    turns: frozenset[str] = frozenset()  # the attributes the sentence starts anew

    markets: list[str]
    period: tuple[date | None, date | None] | None
    powertrain: str | None
    manufacturer: str | None
    model: str | None
    source: str | None
    metric: str | None

    def __init__(self, read: Callable[[str], dict] | None = None, **given) -> None:
        self._read = read
        self.__dict__.update(given)

    def __getattr__(self, name: str):
        # Called only for an attribute not set yet.
        if name not in READ_ATTRIBUTES:
            raise AttributeError(name)
        for attribute, value in (self._read(name) if self._read else {}).items():
            self.__dict__.setdefault(attribute, value)
        return self.__dict__.setdefault(name, [] if name == "markets" else None)


@dataclass(frozen=True)
class ArticleMarket:
    """The market an article is about when a sentence names none, and how it is known."""

    markets: tuple[str, ...]
    basis: str  # title | figures | dateline | source | inferred (the publisher's) | none


class ArticleContext:
    """The facts of every sentence read so far, and the article's own market."""

    def __init__(
        self,
        text: str,
        sentences: list[Sentence],
        mentions_by_sentence: dict[int, list[Mention]],
        reference: Reference,
        markets: MarketReader,
        dateline: str | None = None,
        publisher_country: str | None = None,
    ) -> None:
        self.text = text
        self.sentences = sentences
        self.mentions_by_sentence = mentions_by_sentence
        self.reference = reference
        self.markets = markets
        self.facts: list[Facts] = []  # per sentence reached so far
        self._turn_patterns = [
            (
                re.compile(
                    r"\W*(?:and\s+|but\s+|so\s+)?(?:"
                    + "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
                    + r")\b",
                    re.IGNORECASE,
                ),
                TURNS[name],
            )
            for name in TURNS
            if (words := reference.word_lists.get(name, ()))
        ]
        self.article_market = self._article_market(dateline, publisher_country)
        self.article_subject = self._article_subject()

    # -- what the article as a whole establishes ---------------------------------

    def _named_markets(self, sentences: list[Sentence]) -> list[str]:
        found: list[str] = []
        for sentence in sentences:
            mentions = self.mentions_by_sentence.get(sentence.index, [])
            for name in self.markets.markets(self.text, mentions, sentence.start, sentence.end):
                if name not in found:
                    found.append(name)
        return found

    def _article_market(self, dateline: str | None, publisher_country: str | None) -> ArticleMarket:
        # The headline; without one, the opening sentence does its job.
        heads = [s for s in self.sentences if s.kind in ("title", "dek")] or [
            s for s in self.sentences if s.kind in BODY
        ][:1]
        named = [m for m in self._named_markets(heads) if m != "World"]
        if len(named) == 1:
            return ArticleMarket((named[0],), "title")
        if len(named) > 1:
            return ArticleMarket((), "none")  # "Ranger outsells HiLux in Thailand and Australia"
        # Else the market the story is about: the one most of its sentences name, when it
        # is most of them ("Korean and Chinese pickups": neither is).
        counts: dict[str, int] = {}
        for sentence in self.sentences:
            if sentence.kind in BODY:
                for name in set(self._named_markets([sentence])) - {"World"}:
                    counts[name] = counts.get(name, 0) + 1
        if counts:
            top = max(counts, key=lambda name: (counts[name], name))
            if counts[top] >= 0.6 * sum(counts.values()):
                return ArticleMarket((top,), "figures")
            return ArticleMarket((), "none")
        if dateline:
            country = self._dateline_country(dateline)
            if country:
                return ArticleMarket((country,), "dateline")
        source_country = self._source_country()
        if source_country:
            return ArticleMarket((source_country,), "source")
        if publisher_country:
            return ArticleMarket((publisher_country,), "inferred")
        return ArticleMarket((), "none")

    def _article_subject(self) -> tuple[str | None, str | None]:
        """The one model (or, failing that, brand) a story's title is about; none when
        the title names several ("Hilux and Ranger") or none."""
        heads = [s for s in self.sentences if s.kind == "title"] or [
            s for s in self.sentences if s.kind in BODY
        ][:1]
        market_words = self.reference.word_lists.get("market_level", frozenset())
        names = [
            m
            for s in heads
            for m in self.mentions_by_sentence.get(s.index, [])
            if m.type in ("model", "manufacturer")
        ]
        models = {m.name for m in names if m.type == "model"}
        for sentence in heads:
            words = set(
                re.findall(r"[a-z][a-z-]*", self.text[sentence.start : sentence.end].lower())
            )
            if self._named_markets([sentence]) or (words & market_words and len(models) != 1):
                return None, None  # "China's Pickup Market Rebounds": a story about a market
        if len(models) == 1:
            model = next(m for m in names if m.type == "model")
            return model.owner, model.name
        brands = {m.name for m in names if m.type == "manufacturer"}
        if not models and len(brands) <= 1:
            brand = brands.pop() if brands else None
            dominant = self._dominant_model(brand)
            if dominant is not None:
                return dominant.owner or brand, dominant.name
            return brand, None
        return None, None

    def _dominant_model(self, brand: str | None) -> Mention | None:
        """The model a story keeps returning to, when its head names only the brand:
        at least three mentions, half of all model mentions and twice the next model's."""
        mentions = [
            m for found in self.mentions_by_sentence.values() for m in found if m.type == "model"
        ]
        if not mentions:
            return None
        counts: dict[str, int] = {}
        for m in mentions:
            counts[m.name] = counts.get(m.name, 0) + 1
        ranked = sorted(counts.values(), reverse=True)
        name, count = max(counts.items(), key=lambda item: item[1])
        top = next(m for m in mentions if m.name == name)
        runner_up = ranked[1] if len(ranked) > 1 else 0
        if count < 3 or count < 0.5 * len(mentions) or count < 2 * runner_up:
            return None
        if brand is not None and top.owner is not None and top.owner != brand:
            return None
        return top

    def _dateline_country(self, dateline: str) -> str | None:
        head = re.split(r"[,(—–-]", dateline, maxsplit=1)[0].strip().lower()
        for entity in self.reference.of_type("region"):
            names = (entity.name, *entity.aliases)
            if any(name.lower() == head for name in names):
                return self.markets.country_of(entity.name)
        return None

    def _source_country(self) -> str | None:
        """The country of the first data provider or industry body the article credits."""
        for sentence in self.sentences:
            for mention in self.mentions_by_sentence.get(sentence.index, []):
                if mention.type != "organization":
                    continue
                entity = self.reference.get("organization", mention.name)
                kinds = ("data_provider", "industry_body", "government", "research")
                if entity is not None and entity.kind in kinds and entity.country:
                    return entity.country
        return None

    # -- sentences ---------------------------------------------------------------

    def reached(self, sentence: Sentence, facts: Facts) -> None:
        """The reading has come to `sentence`: what it establishes is in reach of the
        sentences after it."""
        facts.turns = self.turns(sentence)
        self.facts.append(facts)

    def turns(self, sentence: Sentence) -> frozenset[str]:
        """The attributes a sentence's opening words start anew."""
        if sentence.index < len(self.facts):
            return self.facts[sentence.index].turns  # read when it was reached
        for pattern, attributes in self._turn_patterns:
            if pattern.match(self.text, sentence.start):
                return attributes
        return frozenset()

    def carried(
        self,
        sentence: Sentence,
        attribute: str,
        claims_only: bool = False,
        accept=None,
        reach: int | None = None,
        widen: bool = False,
    ):
        """The value the text before `sentence` establishes for an attribute (see the
        module docstring for the rule), or None.

        `claims_only`: sentences that stated figures come first; a sentence without any
        counts only right before ("In the US, ...") or as a heading, since elsewhere the
        names in it are incidental. `accept(facts)` can refuse a sentence's value (a
        period stated for another kind of figure); `reach` and `widen` widen the walk
        where the sentence points back itself ("in the same period", "said the
        association": past the paragraph)."""
        if sentence.kind in ("title", "dek"):
            return None
        reach = reach or REACH[attribute]
        if attribute not in self.turns(sentence):
            for mode in ("figures", "adjacent") if claims_only else ("any",):
                value = self._walk(sentence, attribute, reach, mode, accept, widen)
                if value:
                    return value
        if attribute == "markets" and self.article_market.markets:
            return list(self.article_market.markets)
        return None

    def _walk(self, sentence: Sentence, attribute: str, reach: int, mode: str, accept, widen=False):
        """The look-back itself; `mode` says which sentences count: those with figures,
        those plus the one right before, or any."""
        for back in range(1, reach + 1):
            index = sentence.index - back
            if index < 0:
                return None
            earlier = self.sentences[index]
            if earlier.kind in ("title", "dek"):
                return None
            if (
                attribute in PARAGRAPH_SCOPED
                and not widen
                and back > 1
                and earlier.paragraph != sentence.paragraph
            ):
                return None
            facts = self.facts[index]
            value = getattr(facts, attribute)
            counts = (
                mode == "any"
                or facts.has_claims
                or earlier.kind == "heading"
                or (mode == "adjacent" and back == 1)
            )
            if value and counts and (accept is None or accept(facts)):
                return value
            # A heading that names something else for this attribute has answered above;
            # one that does not ("Sales by Fuel Type") lets the walk go on. A turn ends it.
            if attribute in facts.turns:
                return None
        return None
