"""One article from raw record to document, sentences, mentions and claims.

`parse_article` chains the pure stages (clean, segment, recognise, extract)
for one record and resolves the article's publisher and publication date.
`flows/stages.py` runs it over batches and turns the results into frames.
"""

from __future__ import annotations

import re
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlparse

from flows.extract.budget import check
from flows.extract.claims import Claim, extract_claims
from flows.extract.clean import CleanArticle, clean_text
from flows.extract.context import Setting
from flows.extract.gazetteer import Gazetteer
from flows.extract.mentions import Mention, tokenize
from flows.extract.periods import infer_publication, parse_date
from flows.extract.read import RawArticle
from flows.extract.recognise import find_mentions
from flows.extract.segment import Sentence, split_sentences
from flows.reference import Reference

STAGES = ("clean", "segment", "recognise", "extract")


@dataclass
class ParsedArticle:
    raw: RawArticle
    clean: CleanArticle
    sentences: list[Sentence]
    mentions: list[Mention]
    claims: list[Claim]
    publisher: str | None
    published_on: date | None
    published_precision: str | None
    published_source: str | None
    timings: dict[str, float] = field(default_factory=dict)


def _canonical_org(name: str | None, gazetteer: Gazetteer) -> str | None:
    """An organisation's canonical name when the reference data knows it."""
    if not name:
        return None
    cleaned = re.sub(r"\s+", " ", name).strip().strip(".,;:")
    key = tuple(token.lower for token in tokenize(cleaned))
    if not key:
        return None
    for alias in gazetteer.index.get(key[0], []):
        if alias.key == key and alias.entity.type in ("organization", "manufacturer"):
            return alias.entity.name
    return cleaned


def _publisher_from_url(url: str | None, reference: Reference) -> str | None:
    if not url:
        return None
    host = urlparse(url if "//" in url else f"//{url}").hostname or ""
    host = host.removeprefix("www.")
    for entity in reference.of_type("organization"):
        if entity.domain and (host == entity.domain or host.endswith("." + entity.domain)):
            return entity.name
    return None


def _country_of_url(url: str | None, reference: Reference) -> str | None:
    """The country of a publisher's country-code domain ("citizen.co.za": South Africa)."""
    if not url:
        return None
    host = urlparse(url if "//" in url else f"//{url}").hostname or ""
    code = host.rsplit(".", 1)[-1].upper()
    code = {"UK": "GB"}.get(code, code)
    if len(code) != 2:
        return None
    for entity in reference.of_type("region"):
        if entity.kind == "country" and entity.iso_code == code:
            return entity.name
    return None


def _publisher(raw: RawArticle, clean: CleanArticle, gazetteer: Gazetteer) -> str | None:
    reference = gazetteer.reference
    if raw.publisher:
        return _canonical_org(raw.publisher, gazetteer)
    from_url = _publisher_from_url(raw.url, reference)
    if from_url:
        return from_url
    for hint in clean.publisher_hints:
        canonical = _canonical_org(hint, gazetteer)
        entity = reference.get("organization", canonical)
        if entity is not None and entity.kind == "media":
            return canonical
    return None


def _publication(
    raw: RawArticle, clean: CleanArticle
) -> tuple[date | None, str | None, str | None]:
    declared = parse_date(raw.published)
    if declared:
        return declared, "day", raw.metadata_source or "declared"
    from_dateline = parse_date(clean.dateline)
    if from_dateline:
        return from_dateline, "day", "dateline"
    inferred, precision = infer_publication(clean.text)
    if inferred:
        return inferred, precision, "inferred"
    return None, None, None


def parse_article(
    raw: RawArticle, reference: Reference, gazetteer: Gazetteer, deadline: float | None = None
) -> ParsedArticle:
    """Clean, segment, recognise and extract one article (pure, no IO). Past `deadline`
    (a `time.perf_counter()` value) it stops with `OverBudget`."""
    timings: dict[str, float] = defaultdict(float)
    started = time.perf_counter()
    clean = clean_text(raw.text, reference.boilerplate, declared_title=raw.title)
    timings["clean"] += time.perf_counter() - started
    check(deadline)

    started = time.perf_counter()
    sentences = split_sentences(clean.text, clean.paragraphs)
    timings["segment"] += time.perf_counter() - started
    check(deadline)

    started = time.perf_counter()
    mentions = find_mentions(clean.text, sentences, gazetteer)
    timings["recognise"] += time.perf_counter() - started
    check(deadline)

    started = time.perf_counter()
    published_on, precision, source = _publication(raw, clean)
    publisher = _publisher(raw, clean, gazetteer)
    publisher_entity = reference.get("organization", publisher)
    setting = Setting(
        published=published_on,
        precision=precision,
        dateline=clean.dateline,
        publisher_country=(
            publisher_entity.country if publisher_entity else _country_of_url(raw.url, reference)
        ),
    )
    claims = extract_claims(
        raw.article, clean.text, sentences, mentions, reference, setting, deadline=deadline
    )
    timings["extract"] += time.perf_counter() - started

    return ParsedArticle(
        raw=raw,
        clean=clean,
        sentences=sentences,
        mentions=mentions,
        claims=claims,
        publisher=publisher,
        # Known only to the year, the article is read as of the year's end (so "November"
        # falls inside it) but recorded as the year itself: its first day.
        published_on=published_on.replace(month=1, day=1)
        if published_on and precision == "year"
        else published_on,
        published_precision=precision,
        published_source=source,
        timings=dict(timings),
    )
