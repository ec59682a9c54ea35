"""The stages of a run as plain functions over polars frames.

discover → read → (clean → segment → recognise → extract, per article in
`parse.py`) → frames. The Prefect flow only wires these together; tests and
the `extract`/`eval` commands call them directly.
"""

from __future__ import annotations

import fnmatch
import glob
import hashlib
import os
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from flows.parse import STAGES, ParsedArticle, parse_article
from flows.read import DEFAULT_MAX_BYTES, RawArticle, ReadProblem, parse_manifest, read_records
from flows.recognise import build_gazetteer
from flows.reference import Reference

MANIFEST_NAME = "manifest.csv"
# Files in an article folder that are about the folder, not articles.
IGNORED_NAMES = ("manifest.csv", "README*", "readme*", ".*", "*~", "Thumbs.db")

FILE_SCHEMA = {
    "path": pl.String,
    "size_bytes": pl.Int64,
    "mtime_ns": pl.Int64,
    "content_hash": pl.String,
    "error": pl.String,
}
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
CLAIM_SCHEMA = {
    "article": pl.String,
    "claim_index": pl.Int64,
    "sentence_index": pl.Int64,
    "metric": pl.String,
    "value": pl.Float64,
    "unit": pl.String,
    "qualifier": pl.String,
    "manufacturer": pl.String,
    "model": pl.String,
    "powertrain": pl.String,
    "period_start": pl.Date,
    "period_end": pl.Date,
    "change_pct": pl.Float64,
    "baseline_value": pl.Float64,
    "source_org": pl.String,
    "value_start": pl.Int64,
    "value_end": pl.Int64,
    "value_text": pl.String,
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


class SourceError(Exception):
    """The input location cannot be used at all (a user mistake, not bad data)."""


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
        return cls(
            *(pl.concat([getattr(p, name) for p in parts], how="vertical") for name in SCHEMAS),
            problems=pl.concat([p.problems for p in parts], how="vertical"),
            timings=dict(timings),
        )

    def counts(self) -> dict[str, int]:
        return {name: getattr(self, name).height for name in SCHEMAS}


# --- discover ---------------------------------------------------------------


def _ignored(name: str) -> bool:
    return any(fnmatch.fnmatch(name, pattern) for pattern in IGNORED_NAMES)


def _hash_file(path: Path) -> str:
    digest = hashlib.blake2b(digest_size=16)
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def list_source(source: str | Path) -> tuple[Path, list[Path], list[tuple[str, str]]]:
    """The root folder, the files under a folder, file or glob, and entries that could not be listed."""
    text = str(source)
    if any(ch in text for ch in "*?["):
        matches = sorted(Path(p) for p in glob.glob(text, recursive=True))
        files = [p for p in matches if p.is_file() and not _ignored(p.name)]
        if not files:
            raise SourceError(
                f"no files match {text}: check the pattern (quote it so the shell does not expand it)"
            )
        root = Path(os.path.commonpath([str(p.parent) for p in files]))
        return root, files, []
    path = Path(text)
    if not path.exists():
        raise SourceError(
            f"source {text} does not exist: pass --source with a folder, file or glob of articles"
        )
    if path.is_file():
        return path.parent, [path], []
    if not os.access(path, os.R_OK | os.X_OK):
        raise SourceError(f"source folder {text} is not readable: check its permissions")
    files: list[Path] = []
    unreadable: list[tuple[str, str]] = []

    def on_error(error: OSError) -> None:
        unreadable.append(
            (
                str(Path(error.filename).relative_to(path)) if error.filename else text,
                f"cannot list folder: {error.strerror}",
            )
        )

    # Linked folders are followed (archives are often assembled from links), but each
    # real folder once: a link back into the tree is reported, not walked forever.
    seen = {_identity(path)}
    for folder, dirs, names in os.walk(path, onerror=on_error, followlinks=True):
        kept = []
        for name in sorted(d for d in dirs if not d.startswith(".")):
            target = Path(folder) / name
            identity = _identity(target)
            if identity is None or identity in seen:
                rel = target.relative_to(path).as_posix()
                points_to = os.path.realpath(target)
                unreadable.append(
                    (rel, f"symlink loop: the folder link points back to {points_to}; not followed")
                )
                continue
            seen.add(identity)
            kept.append(name)
        dirs[:] = kept
        for name in sorted(names):
            if not _ignored(name):
                files.append(Path(folder) / name)
    return path, files, unreadable


def _identity(folder: Path) -> tuple[int, int] | None:
    try:
        stat = folder.stat()
    except OSError:
        return None
    return stat.st_dev, stat.st_ino


# A file stamped (size, mtime) this close to when its hash was recorded could have
# changed again within the same clock tick: such a file is always hashed again.
RACY_NS = 2_000_000_000


def discover_files(
    source: str | Path, known: dict[str, tuple[int, int, str, int]] | None = None
) -> tuple[Path, pl.DataFrame]:
    """Every input file with size, modification time and content hash (or why it has none).

    `known` maps a path to (size, mtime_ns, content_hash, recorded_ns) from the last
    run: a file with the same size and modification time keeps its recorded hash
    without being read (as git's index does), unless it was modified within two
    seconds of being recorded."""
    known = known or {}
    root, files, unreadable = list_source(source)
    rows = [
        {"path": rel, "size_bytes": None, "mtime_ns": None, "content_hash": None, "error": reason}
        for rel, reason in unreadable
    ]
    for path in files:
        rel = path.relative_to(root).as_posix()
        try:
            stat = path.stat()
            if not path.is_file():
                raise IsADirectoryError("not a regular file")
            rows.append(
                {
                    "path": rel,
                    "size_bytes": stat.st_size,
                    "mtime_ns": stat.st_mtime_ns,
                    "content_hash": _known_hash(known.get(rel), stat) or _hash_file(path),
                    "error": None,
                }
            )
        except OSError as error:
            reason = error.strerror or str(error)
            if isinstance(error, RuntimeError) or "loop" in reason.lower() or error.errno == 40:
                reason = "symlink loop: the link points back into itself"
            rows.append(
                {
                    "path": rel,
                    "size_bytes": None,
                    "mtime_ns": None,
                    "content_hash": None,
                    "error": f"cannot read file: {reason}",
                }
            )
    return root, pl.DataFrame(rows, schema=FILE_SCHEMA, orient="row") if rows else pl.DataFrame(
        schema=FILE_SCHEMA
    )


def _known_hash(stamp: tuple[int, int, str, int] | None, stat: os.stat_result) -> str | None:
    if stamp is None:
        return None
    size, mtime_ns, content_hash, recorded_ns = stamp
    unchanged = size == stat.st_size and mtime_ns == stat.st_mtime_ns
    return content_hash if unchanged and mtime_ns < recorded_ns - RACY_NS else None


def read_manifest(root: Path) -> dict[str, dict[str, str]]:
    path = root / MANIFEST_NAME
    if not path.is_file():
        return {}
    try:
        return parse_manifest(path.read_bytes())
    except OSError:
        return {}


# --- read and parse ---------------------------------------------------------


def read_file(
    root: Path, rel: str, manifest: dict[str, dict[str, str]], max_bytes: int = DEFAULT_MAX_BYTES
) -> tuple[list[RawArticle], list[ReadProblem], str | None]:
    """Records of one file, its problems, and the hash of the bytes actually read."""
    path = root / rel
    try:
        size = path.stat().st_size
        if size > max_bytes:
            # Refuse before reading: a huge file must not be loaded into memory.
            return (
                [],
                [
                    ReadProblem(
                        rel,
                        None,
                        f"file is {size / 1e6:.1f} MB, over the {max_bytes / 1e6:.0f} MB limit for one input file; split it or raise --max-file-mb",
                    )
                ],
                None,
            )
        data = path.read_bytes()
    except FileNotFoundError:
        return (
            [],
            [ReadProblem(rel, None, "file disappeared between discovery and read", True)],
            None,
        )
    except OSError as error:
        reason = f"cannot read file: {error.strerror or error}"
        return [], [ReadProblem(rel, None, reason, True)], None
    content_hash = hashlib.blake2b(data, digest_size=16).hexdigest()
    records, problems = read_records(
        rel, data, manifest.get(rel) or manifest.get(Path(rel).name), max_bytes
    )
    return records, problems, content_hash


def parse_records(records: list[RawArticle], reference: Reference) -> list[ParsedArticle]:
    gazetteer = build_gazetteer(reference)
    return [parse_article(record, reference, gazetteer) for record in records]


def to_frames(
    parsed: list[ParsedArticle], hashes: dict[str, str], extractor_version: str
) -> Frames:
    """Frames of parsed articles. `hashes` maps file path to content hash."""
    articles, sentences, mentions, claims, regions = [], [], [], [], []
    timings: dict[str, float] = defaultdict(float)
    for item in parsed:
        raw, clean = item.raw, item.clean
        for stage, seconds in item.timings.items():
            timings[stage] += seconds
        articles.append(
            {
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
        )
        for s in item.sentences:
            sentences.append(
                {
                    "article": raw.article,
                    "sentence_index": s.index,
                    "paragraph_index": s.paragraph,
                    "block_index": s.block,
                    "section_index": s.section,
                    "kind": s.kind,
                    "start_char": s.start,
                    "end_char": s.end,
                    "text": clean.text[s.start : s.end],
                }
            )
        for index, m in enumerate(item.mentions):
            mentions.append(
                {
                    "article": raw.article,
                    "mention_index": index,
                    "sentence_index": m.sentence,
                    "entity_type": m.type,
                    "entity_name": m.name,
                    "start_char": m.start,
                    "end_char": m.end,
                    "surface": m.surface,
                    "rule": m.rule,
                }
            )
        for index, c in enumerate(item.claims):
            sentence = item.sentences[c.sentence_index]
            claims.append(
                {
                    "article": raw.article,
                    "claim_index": index,
                    "sentence_index": c.sentence_index,
                    "metric": c.metric,
                    "value": c.value,
                    "unit": c.unit,
                    "qualifier": c.qualifier,
                    "manufacturer": c.manufacturer,
                    "model": c.model,
                    "powertrain": c.powertrain,
                    "period_start": c.period_start,
                    "period_end": c.period_end,
                    "change_pct": c.change_pct,
                    "baseline_value": c.baseline_value,
                    "source_org": c.source_org,
                    "value_start": c.value_start,
                    "value_end": c.value_end,
                    "value_text": c.value_text,
                    "sentence_start": sentence.start,
                    "sentence_end": sentence.end,
                }
            )
            for position, region in enumerate(c.region):
                regions.append(
                    {
                        "article": raw.article,
                        "claim_index": index,
                        "region": region,
                        "position": position,
                    }
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


@dataclass
class BatchRead:
    """The records of a batch of files as read, before any parsing."""

    records: list[RawArticle]
    problems: list[ReadProblem]
    hashes: dict[str, str]
    seconds: float

    @property
    def retryable(self) -> list[ReadProblem]:
        return [problem for problem in self.problems if problem.retryable]


def read_batch(root: Path, paths: list[str], max_bytes: int = DEFAULT_MAX_BYTES) -> BatchRead:
    """Read a batch of files (the IO of a run); unreadable files become problems."""
    manifest = read_manifest(root)
    records: list[RawArticle] = []
    problems: list[ReadProblem] = []
    hashes: dict[str, str] = {}
    started = time.perf_counter()
    for rel in paths:
        file_records, file_problems, content_hash = read_file(root, rel, manifest, max_bytes)
        if content_hash:
            hashes[rel] = content_hash
        records += file_records
        problems += file_problems
    return BatchRead(records, problems, hashes, time.perf_counter() - started)


def parse_read(batch: BatchRead, reference: Reference, extractor_version: str) -> Frames:
    """Clean, segment, recognise and extract the records of a batch (pure: no IO)."""
    problems = [
        {"path": p.path, "record_index": p.record, "reason": p.reason} for p in batch.problems
    ]
    parsed = []
    for record in batch.records:
        try:
            parsed.append(parse_records([record], reference)[0])
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


def parse_batch(
    root: Path,
    paths: list[str],
    reference: Reference,
    extractor_version: str,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Frames:
    """Read and parse a batch of files into frames; unreadable input becomes problem rows."""
    return parse_read(read_batch(root, paths, max_bytes), reference, extractor_version)
