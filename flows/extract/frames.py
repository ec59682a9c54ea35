"""The frames a batch of articles becomes: their schemas, and parsed articles into frames.

Pure: records in, polars frames out. Validation and the warehouse load read
these frames; `flows.sources` reads the records they come from.
"""

from __future__ import annotations

import gc
import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import polars as pl

from flows.extract.article import STAGES, ParsedArticle, parse_article
from flows.extract.budget import PARSE_SECONDS, OverBudget
from flows.extract.claim_record import Claim, record_fields
from flows.extract.gazetteer import build_gazetteer
from flows.extract.read import BatchRead, RawArticle
from flows.reference import Reference

ARTICLE_SCHEMA = {
    "article": pl.String,
    "file_path": pl.String,
    "record_index": pl.Int64,
    "content_hash": pl.String,
    "format": pl.String,
    "encoding": pl.String,
    "title": pl.String,
    "dek": pl.String,
    "publisher": pl.String,
    "published_on": pl.Date,
    "published_precision": pl.String,
    "published_source": pl.String,
    "url": pl.String,
    "word_count": pl.Int64,
    "char_count": pl.Int64,
    "sentence_count": pl.Int64,
    "mention_count": pl.Int64,
    "claim_count": pl.Int64,
    "boilerplate_lines": pl.Int64,
    "cleaned_text": pl.String,
    "extractor_version": pl.String,
}
SENTENCE_SCHEMA = {
    "article": pl.String,
    "sentence_index": pl.Int64,
    "paragraph_index": pl.Int64,
    "block_index": pl.Int64,
    "section_index": pl.Int64,
    "kind": pl.String,
    "start_char": pl.Int64,
    "end_char": pl.Int64,
    "text": pl.String,
}
MENTION_SCHEMA = {
    "article": pl.String,
    "mention_index": pl.Int64,
    "sentence_index": pl.Int64,
    "entity_type": pl.String,
    "entity_name": pl.String,
    "start_char": pl.Int64,
    "end_char": pl.Int64,
    "surface": pl.String,
    "rule": pl.String,
}
_POLARS = {"str": pl.String, "int": pl.Int64, "float": pl.Float64, "date": pl.Date}
# The claim record's own fields as frame columns: everything but the sentence text
# (kept in the sentences frame) and the markets (their own frame).
CLAIM_FIELDS = [
    f.name
    for f in record_fields(Claim)
    if f.store in ("dimension", "measure") or f.name == "sentence_index"
]
CLAIM_SCHEMA = {
    "article": pl.String,
    "claim_index": pl.Int64,
    **{f.name: _POLARS[f.kind] for f in record_fields(Claim) if f.name in CLAIM_FIELDS},
    "sentence_start": pl.Int64,
    "sentence_end": pl.Int64,
}
CLAIM_REGION_SCHEMA = {
    "article": pl.String,
    "claim_index": pl.Int64,
    "region": pl.String,
    "position": pl.Int64,
}
PROBLEM_SCHEMA = {"path": pl.String, "record_index": pl.Int64, "reason": pl.String}
SCHEMAS = {
    "articles": ARTICLE_SCHEMA,
    "sentences": SENTENCE_SCHEMA,
    "mentions": MENTION_SCHEMA,
    "claims": CLAIM_SCHEMA,
    "claim_regions": CLAIM_REGION_SCHEMA,
}


@dataclass
class Frames:
    """Everything a batch of files produced, as frames ready to validate and load."""

    articles: pl.DataFrame
    sentences: pl.DataFrame
    mentions: pl.DataFrame
    claims: pl.DataFrame
    claim_regions: pl.DataFrame
    problems: pl.DataFrame
    timings: dict[str, float] = field(default_factory=dict)
    # (article, hash): the MinHash bands of each article's wording, made where the batch
    # is parsed so the run's own process does not (flows/fingerprint.py); None when the
    # batch did not go through a parse step, and story grouping makes them itself.
    wording: pl.DataFrame | None = None

    @classmethod
    def empty(cls) -> Frames:
        return cls(
            *(pl.DataFrame(schema=SCHEMAS[name]) for name in SCHEMAS),
            problems=pl.DataFrame(schema=PROBLEM_SCHEMA),
        )

    @classmethod
    def concat(cls, parts: list[Frames]) -> Frames:
        if not parts:
            return cls.empty()
        timings: dict[str, float] = defaultdict(float)
        for part in parts:
            for stage, seconds in part.timings.items():
                timings[stage] += seconds
        wording = [p.wording for p in parts]
        return cls(
            *(pl.concat([getattr(p, name) for p in parts], how="vertical") for name in SCHEMAS),
            problems=pl.concat([p.problems for p in parts], how="vertical"),
            timings=dict(timings),
            wording=None if any(w is None for w in wording) else pl.concat(wording),
        )

    def counts(self) -> dict[str, int]:
        return {name: getattr(self, name).height for name in SCHEMAS}


@contextmanager
def few_collections() -> Iterator[None]:
    """Parsing makes tens of thousands of short-lived objects per article and keeps a
    batch's results alive: at the collector's default (a young pass every 700
    allocations, a full pass over every object when the old ones grow by a quarter)
    it spends a tenth of the time walking live objects it cannot free. A batch raises
    the young threshold; the previous setting comes back after."""
    before = gc.get_threshold()
    gc.set_threshold(max(before[0], 20_000), *before[1:])
    try:
        yield
    finally:
        gc.set_threshold(*before)


def parse_records(records: list[RawArticle], reference: Reference) -> list[ParsedArticle]:
    gazetteer = build_gazetteer(reference)
    with few_collections():
        return [parse_article(record, reference, gazetteer) for record in records]


def to_frames(
    parsed: list[ParsedArticle], hashes: dict[str, str], extractor_version: str
) -> Frames:
    """Frames of parsed articles. `hashes` maps file path to content hash."""
    articles, sentences, mentions, claims, regions = [], [], [], [], []
    timings: dict[str, float] = defaultdict(float)
    for item in parsed:
        for stage, seconds in item.timings.items():
            timings[stage] += seconds
        articles.append(_article_row(item, hashes, extractor_version))
        sentences.extend(_sentence_rows(item))
        mentions.extend(_mention_rows(item))
        article = item.raw.article
        for index, c in enumerate(item.claims):
            sentence = item.sentences[c.sentence_index]
            claims.append(
                {
                    "article": article,
                    "claim_index": index,
                    **{name: getattr(c, name) for name in CLAIM_FIELDS},
                    "sentence_start": sentence.start,
                    "sentence_end": sentence.end,
                }
            )
            regions.extend(
                {"article": article, "claim_index": index, "region": region, "position": position}
                for position, region in enumerate(c.region)
            )

    def frame(rows: list[dict], schema: dict) -> pl.DataFrame:
        return (
            pl.DataFrame(rows, schema=schema, orient="row") if rows else pl.DataFrame(schema=schema)
        )

    return Frames(
        articles=frame(articles, ARTICLE_SCHEMA),
        sentences=frame(sentences, SENTENCE_SCHEMA),
        mentions=frame(mentions, MENTION_SCHEMA),
        claims=frame(claims, CLAIM_SCHEMA),
        claim_regions=frame(regions, CLAIM_REGION_SCHEMA),
        problems=pl.DataFrame(schema=PROBLEM_SCHEMA),
        timings=dict(timings),
    )


def _article_row(item: ParsedArticle, hashes: dict[str, str], extractor_version: str) -> dict:
    raw, clean = item.raw, item.clean
    return {
        "article": raw.article,
        "file_path": raw.path,
        "record_index": raw.record,
        "content_hash": hashes.get(raw.path),
        "format": raw.format,
        "encoding": raw.encoding,
        "title": clean.title,
        "dek": clean.dek,
        "publisher": item.publisher,
        "published_on": item.published_on,
        "published_precision": item.published_precision,
        "published_source": item.published_source,
        "url": raw.url,
        "word_count": clean.word_count,
        "char_count": len(clean.text),
        "sentence_count": len(item.sentences),
        "mention_count": len(item.mentions),
        "claim_count": len(item.claims),
        "boilerplate_lines": len(clean.removed),
        "cleaned_text": clean.text,
        "extractor_version": extractor_version,
    }


def _sentence_rows(item: ParsedArticle) -> list[dict]:
    text = item.clean.text
    return [
        {
            "article": item.raw.article,
            "sentence_index": s.index,
            "paragraph_index": s.paragraph,
            "block_index": s.block,
            "section_index": s.section,
            "kind": s.kind,
            "start_char": s.start,
            "end_char": s.end,
            "text": text[s.start : s.end],
        }
        for s in item.sentences
    ]


def _mention_rows(item: ParsedArticle) -> list[dict]:
    return [
        {
            "article": item.raw.article,
            "mention_index": index,
            "sentence_index": m.sentence,
            "entity_type": m.type,
            "entity_name": m.name,
            "start_char": m.start,
            "end_char": m.end,
            "surface": m.surface,
            "rule": m.rule,
        }
        for index, m in enumerate(item.mentions)
    ]


def parse_read(batch: BatchRead, reference: Reference, extractor_version: str) -> Frames:
    """Clean, segment, recognise and extract the records of a batch (pure: no IO)."""
    problems = [
        {"path": p.path, "record_index": p.record, "reason": p.reason} for p in batch.problems
    ]
    parsed = []
    gazetteer = build_gazetteer(reference)
    with few_collections():
        for record in batch.records:
            try:
                deadline = time.perf_counter() + PARSE_SECONDS
                parsed.append(parse_article(record, reference, gazetteer, deadline))
            except OverBudget as over:
                problems.append(
                    {
                        "path": record.path,
                        "record_index": record.record,
                        "reason": f"{over} (the budget per article): set aside; "
                        "a page this heavy is not a news article",
                    }
                )
            except Exception as error:
                problems.append(
                    {
                        "path": record.path,
                        "record_index": record.record,
                        "reason": f"extraction failed: {type(error).__name__}: {error}",
                    }
                )
        frames = to_frames(parsed, batch.hashes, extractor_version)
    frames.problems = (
        pl.DataFrame(problems, schema=PROBLEM_SCHEMA, orient="row")
        if problems
        else pl.DataFrame(schema=PROBLEM_SCHEMA)
    )
    frames.timings = {
        "read": batch.seconds,
        **{stage: frames.timings.get(stage, 0.0) for stage in STAGES},
    }
    return frames
