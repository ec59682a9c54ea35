"""The steps of a run: each a plain function with a verb_noun name and its retries.

`pipeline.run_pipeline` calls them through a runtime (`runtime.py`), which runs
them in this process or as Prefect tasks. Only IO retries: opening the working
copy, listing and reading files, publishing, writing the report. A pure step
(parse, validate, load into the run's own copy) would fail the same way again.
"""

from __future__ import annotations

from concurrent.futures import Executor
from pathlib import Path

import polars as pl

from flows import sources
from flows.extract.frames import Frames
from flows.extract.read import BatchRead
from flows.faults import kill_point
from flows.run.parse_pool import parse_in_worker
from flows.run.runtime import attempt, step
from flows.sources import Manifests
from flows.validation.validator import ValidationResult, Validator
from flows.warehouse.database import VIEWS, WorkingDatabase
from flows.warehouse.readers import view_counts

IO_RETRIES = 2


@step(retries=IO_RETRIES)
def open_working_database(db: Path, full_refresh: bool) -> WorkingDatabase:
    """Copy the published warehouse to the run's working file (or start an empty one)."""
    return WorkingDatabase.open(db, full_refresh=full_refresh)


@step(retries=IO_RETRIES)
def discover_files(
    source: str, stamps: dict, follow_links: bool
) -> tuple[Path, pl.DataFrame, Manifests]:
    """List input files with size, modification time and hash, and read their manifests
    (files whose size and modification time match what the warehouse recorded keep their
    hash unread)."""
    root, files = sources.discover_files(source, stamps, follow_links)
    articles = files.filter(~pl.col("skipped") & pl.col("error").is_null())["path"].to_list()
    return root, files, sources.read_manifests(root, articles)


class TransientReadError(OSError):
    """Some files of a batch could not be read this time."""


@step(retries=IO_RETRIES)
def read_batch(
    root: Path, paths: list[str], max_bytes: int, manifests: Manifests, pool: Executor | None = None
) -> BatchRead:
    """Read a batch of files (in a parse process of the run's pool when it has one: decoding
    and reading formats is CPU work the run's own process would otherwise do). A file that
    is gone or cannot be opened is tried again (it may be mid-copy); after the last try
    it is quarantined with the reason."""
    if pool is not None:
        reading = pool.submit(sources.read_batch, root, paths, max_bytes, manifests.of(paths))
        batch = reading.result()
    else:
        batch = sources.read_batch(root, paths, max_bytes, manifests)
    if batch.retryable and attempt() <= IO_RETRIES:
        first = batch.retryable[0]
        raise TransientReadError(
            f"{len(batch.retryable)} file(s) could not be read ({first.path}: {first.reason}); "
            "trying again"
        )
    return batch


@step()
def parse_batch(batch: BatchRead, version: str, pool: Executor | None = None) -> Frames:
    """Clean, segment, recognise and extract one batch of read files (in a parse process
    of the run's pool when it has one)."""
    if pool is not None:
        frames = pool.submit(parse_in_worker, batch, version).result()
    else:
        frames = parse_in_worker(batch, version)
    kill_point("parse")
    return frames


@step()
def validate_frames(validator: Validator, frames: Frames) -> ValidationResult:
    """Run the suites of expectations/ on a group; quarantine failing rows and files."""
    return validator.validate(frames)


@step()
def load_group(working: WorkingDatabase, frames: Frames, paths: list[str], load_id: int) -> None:
    """Replace the facts of the group's files in the working database."""
    working.load_group(frames, paths, load_id)


@step(retries=IO_RETRIES)
def publish_warehouse(working: WorkingDatabase) -> Path:
    """Checkpoint the working file and rename it over the published warehouse."""
    return working.publish()


@step()
def count_views(db: Path) -> dict[str, int | str]:
    """Rows per view of the published warehouse: every view must answer."""
    return view_counts(db, VIEWS)
