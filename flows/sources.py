"""Input files: list a source, stamp and hash its files, read their bytes.

The IO at the front of a run. Decoding bytes into articles is the pure
`flows.extract.read`; this module only finds files and reads them from disk.

Input is data, never a way out of the source: a link whose target lies outside
the source folder is not followed unless the run is told to (`--follow-links`),
and is recorded with the reason.
"""

from __future__ import annotations

import fnmatch
import glob
import hashlib
import os
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path, PurePosixPath

import polars as pl

from flows.extract.frames import Frames, parse_read
from flows.extract.read import (
    DEFAULT_MAX_BYTES,
    BatchRead,
    RawArticle,
    ReadProblem,
    parse_manifest,
    read_records,
)
from flows.reference import Reference

MANIFEST_NAME = "manifest.csv"
# Files in an article folder that are about the folder, not articles: recorded as skipped.
SKIPPED_NAMES = (
    ("manifest.csv", "manifest: article metadata, not an article"),
    (".*", "hidden file: not read"),
    ("README*", "README: notes about the folder, not an article"),
    ("readme*", "README: notes about the folder, not an article"),
    ("*~", "editor backup file: not read"),
    ("Thumbs.db", "thumbnail cache: not read"),
)

FILE_SCHEMA = {
    "path": pl.String,
    "size_bytes": pl.Int64,
    "mtime_ns": pl.Int64,
    "content_hash": pl.String,
    "error": pl.String,
    "skipped": pl.Boolean,
}
FOLLOW_LINKS_HINT = "pass --follow-links to read link targets outside the source"


class SourceError(Exception):
    """The input location cannot be used at all (a user mistake, not bad data)."""


@dataclass
class Listing:
    """What a source holds: article candidates, and entries recorded but not read."""

    root: Path
    files: list[Path]
    refused: list[tuple[str, str]] = field(default_factory=list)  # quarantined with a reason
    skipped: list[tuple[str, str]] = field(default_factory=list)  # not articles, by design


def _skip_reason(name: str) -> str | None:
    for pattern, reason in SKIPPED_NAMES:
        if fnmatch.fnmatch(name, pattern):
            return reason
    return None


def _hash_file(path: Path) -> str:
    digest = hashlib.blake2b(digest_size=16)
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _inside(path: str, root_real: str) -> bool:
    return path == root_real or path.startswith(root_real.rstrip(os.sep) + os.sep)


def _outside_reason(rel: str, target: str, what: str) -> str:
    return f"{what} link to {target}, outside the source folder: not read ({FOLLOW_LINKS_HINT})"


def list_source(source: str | Path, follow_links: bool = False) -> Listing:
    """The root folder, the files under a folder, file or glob, and what was not listed."""
    text = str(source)
    if any(ch in text for ch in "*?["):
        return _list_glob(text, follow_links)
    path = Path(text)
    if not path.exists():
        if path.is_symlink():
            raise SourceError(
                f"source {text} is a link to {os.readlink(path)}, which does not exist"
            )
        raise SourceError(
            f"source {text} does not exist: pass --source with a folder, file or glob of articles"
        )
    if path.is_file():
        return Listing(path.parent, [path])
    if not os.access(path, os.R_OK | os.X_OK):
        raise SourceError(f"source folder {text} is not readable: check its permissions")
    return _walk(path, follow_links)


def _list_glob(pattern: str, follow_links: bool) -> Listing:
    matches = sorted(Path(p) for p in glob.glob(pattern, recursive=True))
    candidates = [p for p in matches if p.is_file() or p.is_symlink()]
    if not candidates:
        raise SourceError(
            f"no files match {pattern}: check the pattern (quote it so the shell does not expand it)"
        )
    root = Path(os.path.commonpath([str(p.parent) for p in candidates]))
    listing = Listing(root, [])
    root_real = os.path.realpath(root)
    for path in candidates:
        rel = path.relative_to(root).as_posix()
        reason = _skip_reason(path.name)
        if reason:
            listing.skipped.append((rel, reason))
            continue
        real = os.path.realpath(path)
        if path.is_symlink() and not follow_links and not _inside(real, root_real):
            listing.refused.append((rel, _outside_reason(rel, real, "file")))
            continue
        listing.files.append(path)
    return listing


def _walk(root: Path, follow_links: bool) -> Listing:
    listing = Listing(root, [])
    root_real = os.path.realpath(root)

    def on_error(error: OSError) -> None:
        where = str(Path(error.filename).relative_to(root)) if error.filename else str(root)
        listing.refused.append((where, f"cannot list folder: {error.strerror}"))

    # Each real folder is walked once: a link back into the tree is reported, not walked forever.
    seen = {_identity(root)}
    for folder, dirs, names in os.walk(root, onerror=on_error, followlinks=True):
        kept = []
        for name in sorted(dirs):
            target = Path(folder) / name
            rel = target.relative_to(root).as_posix()
            if name.startswith("."):
                listing.skipped.append((rel + "/", "hidden folder: not read"))
                continue
            real = os.path.realpath(target)
            if target.is_symlink() and not follow_links and not _inside(real, root_real):
                listing.refused.append((rel + "/", _outside_reason(rel, real, "folder")))
                continue
            identity = _identity(target)
            if identity is None or identity in seen:
                listing.refused.append(
                    (
                        rel + "/",
                        f"symlink loop: the folder link points back to {real}; not followed",
                    )
                )
                continue
            seen.add(identity)
            kept.append(name)
        dirs[:] = kept
        for name in sorted(names):
            path = Path(folder) / name
            rel = path.relative_to(root).as_posix()
            reason = _skip_reason(name)
            if reason:
                listing.skipped.append((rel, reason))
                continue
            if path.is_symlink() and not follow_links:
                real = os.path.realpath(path)
                if not _inside(real, root_real):
                    listing.refused.append((rel, _outside_reason(rel, real, "file")))
                    continue
            listing.files.append(path)
    return listing


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
    source: str | Path,
    known: dict[str, tuple[int, int, str, int]] | None = None,
    follow_links: bool = False,
) -> tuple[Path, pl.DataFrame]:
    """Every input file with size, modification time and content hash (or why it has none).

    `known` maps a path to (size, mtime_ns, content_hash, recorded_ns) from the last
    run: a file with the same size and modification time keeps its recorded hash
    without being read (as git's index does), unless it was modified within two
    seconds of being recorded. Entries that are not read are listed with the reason:
    `skipped` for files that are not articles by design, an error for the rest."""
    known = known or {}
    listing = list_source(source, follow_links)
    root = listing.root
    rows = [_row(rel, error=reason) for rel, reason in listing.refused]
    rows += [_row(rel, error=reason, skipped=True) for rel, reason in listing.skipped]
    for path in listing.files:
        rel = path.relative_to(root).as_posix()
        try:
            stat = path.stat()
            if not path.is_file():
                raise IsADirectoryError("not a regular file")
            content_hash = _known_hash(known.get(rel), stat) or _hash_file(path)
            rows.append(_row(rel, stat.st_size, stat.st_mtime_ns, content_hash))
        except OSError as error:
            reason = error.strerror or str(error)
            if "loop" in reason.lower() or error.errno == 40:
                reason = "symlink loop: the link points back into itself"
            rows.append(_row(rel, error=f"cannot read file: {reason}"))
    frame = pl.DataFrame(rows, schema=FILE_SCHEMA, orient="row")
    return root, frame.sort("path")


def _row(rel, size=None, mtime=None, content_hash=None, error=None, skipped=False) -> dict:
    return {
        "path": rel,
        "size_bytes": size,
        "mtime_ns": mtime,
        "content_hash": content_hash,
        "error": error,
        "skipped": skipped,
    }


def _known_hash(stamp: tuple[int, int, str, int] | None, stat: os.stat_result) -> str | None:
    if stamp is None:
        return None
    size, mtime_ns, content_hash, recorded_ns = stamp
    unchanged = size == stat.st_size and mtime_ns == stat.st_mtime_ns
    return content_hash if unchanged and mtime_ns < recorded_ns - RACY_NS else None


# --- manifests ----------------------------------------------------------------


@dataclass
class Manifests:
    """Every manifest.csv under a source: rows by article path, and problems by manifest."""

    rows: dict[str, dict[str, str]] = field(default_factory=dict)
    problems: dict[str, list[str]] = field(default_factory=dict)

    def row_for(self, rel: str) -> dict[str, str] | None:
        return self.rows.get(rel)

    def of(self, paths: list[str]) -> Manifests:
        """The rows of these files only: what a batch's reader needs sent to it."""
        return Manifests({rel: self.rows[rel] for rel in paths if rel in self.rows})


def read_manifests(root: Path, paths: list[str], today: date | None = None) -> Manifests:
    """The manifests of the folders these files are in. A manifest describes the files of
    its own folder (`file` relative to it); a row for a file that is not there is a problem."""
    manifests = Manifests()
    folders = sorted({PurePosixPath(rel).parent.as_posix() for rel in paths} | {"."})
    present = set(paths)
    for folder in folders:
        rel_manifest = MANIFEST_NAME if folder == "." else f"{folder}/{MANIFEST_NAME}"
        path = root / rel_manifest
        if not path.is_file():
            continue
        try:
            parsed = parse_manifest(path.read_bytes(), today)
        except OSError as error:
            manifests.problems[rel_manifest] = [f"cannot read: {error.strerror or error}"]
            continue
        problems = list(parsed.problems)
        for file_name, row in parsed.rows.items():
            rel = file_name if folder == "." else f"{folder}/{file_name}"
            if rel not in present:
                where = "the folder" if folder == "." else f"{folder}/"
                line = parsed.lines.get(file_name)
                problems.append(f"line {line}: a row for {file_name}, which is not in {where}")
                continue
            manifests.rows[rel] = row
        manifests.problems[rel_manifest] = problems
    return manifests


def manifest_reason(rel_manifest: str, manifests: Manifests) -> str:
    """The etl_file reason of a manifest: what it declared and which of its rows were not used."""
    used = sum(
        1
        for rel in manifests.rows
        if PurePosixPath(rel).parent == PurePosixPath(rel_manifest).parent
    )
    problems = manifests.problems.get(rel_manifest, [])
    reason = f"manifest: metadata for {used} article file(s)"
    if problems:
        reason += f"; {len(problems)} problem(s): " + "; ".join(problems[:5])
    return reason


# --- read ---------------------------------------------------------------------


def read_file(
    root: Path,
    rel: str,
    manifest_row: dict[str, str] | None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> tuple[list[RawArticle], list[ReadProblem], str | None]:
    """Records of one file, its problems, and the hash of the bytes actually read."""
    path = root / rel
    try:
        size = path.stat().st_size
        if size > max_bytes:
            # Refuse before reading: a huge file must not be loaded into memory.
            reason = (
                f"file is {size / 1e6:.1f} MB, over the {max_bytes / 1e6:.0f} MB limit for one "
                "input file; split it or raise --max-file-mb"
            )
            return [], [ReadProblem(rel, None, reason)], None
        data = path.read_bytes()
    except FileNotFoundError:
        reason = "file disappeared between discovery and read"
        return [], [ReadProblem(rel, None, reason, True)], None
    except OSError as error:
        reason = f"cannot read file: {error.strerror or error}"
        return [], [ReadProblem(rel, None, reason, True)], None
    content_hash = hashlib.blake2b(data, digest_size=16).hexdigest()
    try:
        records, problems = read_records(rel, data, manifest_row, max_bytes)
    except Exception as error:  # a reader defect costs this file, never the run
        reason = f"could not be read: {type(error).__name__}: {error}"
        return [], [ReadProblem(rel, None, reason)], content_hash
    return records, problems, content_hash


def read_batch(
    root: Path,
    paths: list[str],
    max_bytes: int = DEFAULT_MAX_BYTES,
    manifests: Manifests | None = None,
) -> BatchRead:
    """Read a batch of files (the IO of a run); unreadable files become problems."""
    manifests = manifests if manifests is not None else read_manifests(root, paths)
    records: list[RawArticle] = []
    problems: list[ReadProblem] = []
    hashes: dict[str, str] = {}
    started = time.perf_counter()
    for rel in paths:
        file_records, file_problems, content_hash = read_file(
            root, rel, manifests.row_for(rel), max_bytes
        )
        if content_hash:
            hashes[rel] = content_hash
        records += file_records
        problems += file_problems
    return BatchRead(records, problems, hashes, time.perf_counter() - started)


def parse_batch(
    root: Path,
    paths: list[str],
    reference: Reference,
    extractor_version: str,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Frames:
    """Read and parse a batch of files into frames; unreadable input becomes problem rows."""
    return parse_read(read_batch(root, paths, max_bytes), reference, extractor_version)
