"""Which markets a number is measured in: region mentions read for their role.

A region named in a sentence plays one of three roles:

- a market, where vehicles are counted: "sales in China", "Korea's
  registrations", "the Thai market", "Vietnamese customers";
- an origin, where they come from: "Chinese brands", "the American pickup",
  "built in Mexico", "exports from Thailand";
- a place: a city, where a plant, a show, a headquarters or a dateline is.
  News reports markets by country, province or state; a city is never one.

Only markets count a number. An origin counts an export that names no
destination (the exporting country). "Global", "worldwide" make the number a
world figure.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from flows.extract.mentions import Mention
from flows.extract.per_text import PerText
from flows.reference import Reference

WORLD = "World"
_ORIGIN_BEFORE = re.compile(
    r"\b(?:from|made\s+in|built\s+in|produced\s+in|assembled\s+in|manufactured\s+in|sourced\s+from"
    r"|imported\s+from|plants?\s+in|factory\s+in|factories\s+in|facility\s+in|based\s+in"
    r"|headquartered\s+in|native|home\s+country|out\s+of)\s+(?:the\s+)?$",
    re.IGNORECASE,
)
_DESTINATION_BEFORE = re.compile(
    r"(?:\bto|\binto|\bincluding|\bsuch\s+as|\blike|\bfor|\bdestined\s+for|\bbound\s+for"
    r"|\b(?:chiefly|mainly|mostly|primarily|largely|especially|notably|particularly)\s+(?:in|to)"
    r"|\bmarkets?\s+(?:in|including|such\s+as|like))\s+(?:the\s+)?$",
    re.IGNORECASE,
)
_COORDINATED = re.compile(r"^(?:\s*(?:,|and|or|&)\s*[a-z-]+)+(?=\s)")
_SITE_NOUNS = frozenset(
    ("factory", "plant", "gigafactory", "facility", "assembly", "headquarters", "hq", "works")
)
_MAKER_NOUNS = frozenset(
    (
        *("automaker", "automakers", "carmaker", "carmakers", "maker", "makers", "brand"),
        *("brands", "manufacturer", "manufacturers", "company", "companies", "firm", "firms"),
        *("giant", "giants", "rival", "rivals", "oem", "oems", "exporter", "exporters"),
    )
)
_LISTED = re.compile(r"^\s*(?:,|and|or|,\s*and|&)\s*(?:the\s+)?$")
_WORLD_WORDS = re.compile(
    r"\b(?:global|globally|worldwide|world-wide|around\s+the\s+world|across\s+the\s+world"
    r"|the\s+world's|in\s+the\s+world)\b",
    re.IGNORECASE,
)
_DOMESTIC = re.compile(
    r"\b(?:domestic|domestically|at\s+home|home\s+market|local\s+market|locally)\b", re.IGNORECASE
)


class Place(NamedTuple):
    """A region mention with the role it plays in its sentence (a tuple: made for
    every region of every sentence)."""

    name: str
    role: str  # market | origin | place
    start: int
    end: int


class MarketReader:
    """Reads region mentions for their role, with the article's reference data."""

    def __init__(self, reference: Reference) -> None:
        self.reference = reference
        words = reference.word_lists
        self.origin_nouns = words.get("origin_noun", frozenset())
        self.market_nouns = words.get("market_noun", frozenset())
        self.kinds = {e.name: e.kind for e in reference.of_type("region")}
        # Roles by mention and markets by span of the text being read.
        self._kept_for = PerText(lambda _text: ({}, {}))

    def role(self, text: str, mention: Mention, sentence_start: int) -> str:
        """'market', 'origin' or 'place'; kept per mention of the text being read, since
        the sentence, its claims and the context all ask."""
        roles = self._kept_for(text)[0]
        key = (mention.start, mention.end, sentence_start)
        role = roles.get(key)
        if role is None:
            role = roles[key] = self._role(text, mention, sentence_start)
        return role

    def _role(self, text: str, mention: Mention, sentence_start: int) -> str:
        if self.kinds.get(mention.name) == "city":
            return "place"
        after = text[mention.end : mention.end + 60].lower()
        # "Korean and American cars": coordinated names share the noun after them.
        after = _COORDINATED.sub("", after)
        next_words = re.findall(r"[a-z][a-z-]*", after)[:3]
        if mention.demonym:
            # "Korean registrations", "Thai buyers", "the Chinese pickup market": a market;
            # "Chinese brands", "the American pickup", "Korean-built": where it comes from.
            if after.startswith(("-made", "-built", "-designed", "-owned", "-based")):
                return "origin"
            if any(word in self.market_nouns for word in next_words):
                return "market"
            return "origin" if next_words else "market"
        before = text[max(sentence_start, mention.start - 30) : mention.start]
        if _ORIGIN_BEFORE.search(before) or (
            next_words and (next_words[0] in _SITE_NOUNS or next_words[0] in _MAKER_NOUNS)
        ):
            return "origin"  # "built in Mexico", "Tesla's Texas factory", "US automakers"
        return "market"

    def places(self, text: str, mentions: list[Mention], start: int, end: int) -> list[Place]:
        """Region mentions between `start` and `end`, each with its role (a region inside a
        company's name, "Toyota Motor North America", is not one)."""
        regions = [m for m in mentions if m.type == "region" and start <= m.start < end]
        if not regions:
            return []
        names = [(m.start, m.end) for m in mentions if m.type in ("organization", "manufacturer")]
        if names:
            regions = [m for m in regions if not any(a <= m.start and m.end <= b for a, b in names)]
        return [Place(m.name, self.role(text, m, start), m.start, m.end) for m in regions]

    def markets(self, text: str, mentions: list[Mention], start: int, end: int) -> list[str]:
        """Markets named between `start` and `end` (a world word makes it the world); kept
        per span of the text being read, since the context and the claims both ask."""
        kept = self._kept_for(text)[1]
        found = kept.get((start, end))
        if found is None:
            found = kept[(start, end)] = self._markets_in(text, mentions, start, end)
        return list(found)

    def _markets_in(self, text: str, mentions: list[Mention], start: int, end: int) -> list[str]:
        found: list[str] = []
        for place in self.places(text, mentions, start, end):
            if place.role == "market" and place.name not in found:
                found.append(place.name)
        if not found:
            piece = text[start:end].lower()
            if ("world" in piece or "global" in piece) and _WORLD_WORDS.search(piece):
                found.append(WORLD)
        return found

    def origins(self, text: str, mentions: list[Mention], start: int, end: int) -> list[str]:
        found: list[str] = []
        for place in self.places(text, mentions, start, end):
            if place.role == "origin" and place.name not in found:
                found.append(self.country_of(place.name))
        return found

    def is_country(self, name: str) -> bool:
        return self.kinds.get(name) == "country"

    def country_of(self, name: str) -> str:
        """The country a region belongs to (a city's or a province's), or the region itself."""
        for ancestor in self.reference.region_lineage(name):
            entity = self.reference.get("region", ancestor)
            if entity is not None and entity.kind == "country":
                return ancestor
        return name

    def destinations(self, text: str, mentions: list[Mention], after: int, end: int) -> list[str]:
        """Markets an export goes to: 'to X', 'such as X and Y', 'chiefly in X, Y'."""
        found: list[str] = []
        last_end = None
        for mention in (m for m in mentions if m.type == "region" and after <= m.start < end):
            if mention.demonym or self.kinds.get(mention.name) == "city":
                continue
            preceding = text[max(after, mention.start - 40) : mention.start]
            listed = last_end is not None and _LISTED.match(text[last_end : mention.start])
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

    @staticmethod
    def domestic(text: str, start: int, end: int) -> bool:
        """'domestic sales', 'sold locally': the market of the article, not a brand's home."""
        return bool(_DOMESTIC.search(text, start, end))


_READERS: dict[int, MarketReader] = {}


def markets_for(reference: Reference) -> MarketReader:
    """One market reader per reference data (built once per process)."""
    reader = _READERS.get(id(reference))
    if reader is None:
        reader = _READERS[id(reference)] = MarketReader(reference)
    return reader
