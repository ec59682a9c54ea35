"""Input files: list a source, stamp and hash its files, read their bytes.

The IO at the front of a run. Decoding bytes into articles is the pure
`flows.extract.read`; this module only finds files and reads them from disk.
"""

from __future__ import annotations

import fnmatch
import glob
import hashlib
import os
import time
from pathlib import Path

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
# Files in an article folder that are about the folder, not articles.
IGNORED_NAMES = ("manifest.csv", "README*", "readme*", ".*", "*~", "Thumbs.db")

FILE_SCHEMA = {
    "path": pl.String,
    "size_bytes": pl.Int64,
    "mtime_ns": pl.Int64,
    "content_hash": pl.String,
    "error": pl.String,
}


class SourceError(Exception):
    """The input location cannot be used at all (a user mistake, not bad data)."""


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


def parse_batch(
    root: Path,
    paths: list[str],
    reference: Reference,
    extractor_version: str,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Frames:
    """Read and parse a batch of files into frames; unreadable input becomes problem rows."""
    return parse_read(read_batch(root, paths, max_bytes), reference, extractor_version)
