"""The Prefect flow: discover → read → clean → segment → recognise → extract →
validate → load → publish → report.

Tasks wrap the plain functions of `stages.py`, `validate.py` and
`warehouse.py`. Work moves in batches of many articles per task; only the IO
tasks retry.
"""

from __future__ import annotations

import os
from collections import defaultdict
from concurrent.futures import Executor
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl
from prefect import flow, get_run_logger, task
from prefect.cache_policies import NONE
from prefect.runtime import flow_run, task_run
from prefect.states import Failed

from flows.extract.frames import Frames
from flows.extract.read import DEFAULT_MAX_BYTES, BatchRead
from flows.faults import kill_point
from flows.reference import load_reference
from flows.resources import default_articles_dir, default_db_path, extractor_version
from flows.run.locking import DEFAULT_LOCK_WAIT, WriterBusy, writer_lock
from flows.run.parse_pool import parse_in_worker, parse_pool
from flows.run.progress import emit
from flows.run.report import publish_artifacts
from flows.sources import discover_files, read_batch
from flows.validate import ValidationFailed, Validator, docs_paths, publish_docs
from flows.warehouse.database import VIEWS, WorkingDatabase, now_utc, seconds_since
from flows.warehouse.readers import view_counts

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")

DEFAULT_BATCH_SIZE = 250  # files per read/parse task
MAX_BATCHES_IN_FLIGHT = 4  # parse tasks submitted ahead of the load: bounds memory
VALIDATE_EVERY = 5000  # articles per validation and load step (see _validation_groups)
RUN_COUNTS = (
    "files_seen",
    "files_new",
    "files_changed",
    "files_unchanged",
    "files_missing",
    "files_quarantined",
    "files_parsed",
    "articles_loaded",
    "sentences_loaded",
    "mentions_loaded",
    "claims_loaded",
    "rows_quarantined",
)
OUTCOME_SCHEMA = {
    "path": pl.String,
    "content_hash": pl.String,
    "size_bytes": pl.Int64,
    "mtime_ns": pl.Int64,
    "status": pl.String,
    "reason": pl.String,
    "article_count": pl.Int64,
    "extractor_version": pl.String,
}


@dataclass
class Plan:
    """What a run will do with each discovered file."""

    root: Path
    files: pl.DataFrame
    to_parse: list[str]
    statuses: dict[str, str]
    outcomes: list[dict] = field(default_factory=list)


def _run_name() -> str:
    parameters = flow_run.parameters or {}
    source = Path(str(parameters.get("source") or default_articles_dir()))
    db = Path(str(parameters.get("db") or default_db_path()))
    mode = "full refresh" if parameters.get("full_refresh") else "load"
    return f"{mode} {source.name or source} → {db.name}"


@task(name="discover_files", retries=2, retry_delay_seconds=[1, 5], cache_policy=NONE)
def discover_files_task(source: str, working: WorkingDatabase) -> tuple[Path, pl.DataFrame]:
    """List input files with size, modification time and content hash (files whose size
    and modification time match what the warehouse recorded keep their hash unread)."""
    return discover_files(source, working.file_stamps())


@task(name="open_working_database", retries=2, retry_delay_seconds=[1, 5], cache_policy=NONE)
def open_working_database(db: str, full_refresh: bool) -> WorkingDatabase:
    """Copy the published warehouse to the run's working file (or start an empty one)."""
    working = WorkingDatabase(Path(db), full_refresh=full_refresh)
    working.create_schema()
    return working


@task(name="plan_run", cache_policy=NONE)
def plan_run(root: Path, files: pl.DataFrame, working: WorkingDatabase, version: str) -> Plan:
    """Compare discovered files with what the warehouse holds: new, changed, unchanged, gone."""
    previous = working.file_states()
    statuses: dict[str, str] = {}
    outcomes: list[dict] = []
    to_parse: list[str] = []
    for row in files.iter_rows(named=True):
        path = row["path"]
        if row["error"]:
            statuses[path] = "quarantined"
            outcomes.append({**_outcome(row), "status": "quarantined", "reason": row["error"]})
            continue
        before = previous.get(path)
        if before is None or before.status == "missing":
            statuses[path] = "new"
        elif before.content_hash != row["content_hash"] or before.extractor_version != version:
            statuses[path] = "changed"
        else:
            statuses[path] = "unchanged"
            outcomes.append(
                {
                    **_outcome(row),
                    "status": "unchanged" if before.status != "quarantined" else "quarantined",
                    "reason": None
                    if before.status != "quarantined"
                    else "unchanged since it was quarantined",
                }
            )
            continue
        to_parse.append(path)
    seen = set(files["path"].to_list())
    for path, before in previous.items():
        if path not in seen and before.status != "missing":
            statuses[path] = "gone"
            outcomes.append(
                {
                    "path": path,
                    "content_hash": None,
                    "size_bytes": None,
                    "mtime_ns": None,
                    "status": "missing",
                    "reason": "no longer in the source; its facts are kept (run --full-refresh to drop them)",
                    "article_count": None,
                    "extractor_version": None,
                }
            )
    return Plan(root, files, to_parse, statuses, outcomes)


def _outcome(row: dict) -> dict:
    return {
        "path": row["path"],
        "content_hash": row["content_hash"],
        "size_bytes": row["size_bytes"],
        "mtime_ns": row["mtime_ns"],
        "status": None,
        "reason": None,
        "article_count": None,
        "extractor_version": None,
    }


READ_RETRIES = 2


class TransientReadError(OSError):
    """Some files of a batch could not be read this time."""


@task(name="read_batch", retries=READ_RETRIES, retry_delay_seconds=[1, 5], cache_policy=NONE)
def read_batch_task(root: Path, paths: list[str], max_bytes: int) -> BatchRead:
    """Read a batch of files. A file that is gone or cannot be opened is tried again
    (it may be mid-copy); after the last try it is quarantined with the reason."""
    batch = read_batch(root, paths, max_bytes)
    if batch.retryable and task_run.run_count <= READ_RETRIES:
        first = batch.retryable[0]
        raise TransientReadError(
            f"{len(batch.retryable)} file(s) could not be read ({first.path}: {first.reason}); "
            "trying again"
        )
    return batch


@task(name="parse_batch", cache_policy=NONE)  # pure: the same input fails the same way again
def parse_batch_task(batch: BatchRead, version: str, pool: Executor | None = None) -> Frames:
    """Clean, segment, recognise and extract one batch of read files (in a parse process
    of the run's pool when it has one)."""
    if pool is not None:
        return pool.submit(parse_in_worker, batch, version).result()
    return parse_in_worker(batch, version)


@task(name="validate_frames", cache_policy=NONE)
def validate_frames(validator: Validator, frames: Frames):
    """Run the suites of expectations/ on a batch; quarantine failing rows."""
    return validator.validate(frames)


@task(name="load_batch", cache_policy=NONE)  # inside the run transaction: a retry could not help
def load_batch(working: WorkingDatabase, frames: Frames, paths: list[str], load_id: int) -> None:
    """Replace the facts of the batch's files in the working database."""
    working.retire_files(paths)
    working.add_detected_entities(frames)
    working.insert_frames(frames, load_id, now_utc())


@task(name="publish_warehouse", retries=2, retry_delay_seconds=[1, 5], cache_policy=NONE)
def publish_warehouse(working: WorkingDatabase) -> str:
    """Checkpoint the working file and rename it over the published warehouse."""
    return str(working.publish())


@task(name="count_views", cache_policy=NONE)
def count_views(db: str) -> dict[str, int | None]:
    """Rows per view of the published warehouse, for the run report."""
    return view_counts(Path(db), VIEWS)


@task(name="build_data_docs", cache_policy=NONE)
def build_data_docs(validator: Validator, db: str) -> str | None:
    """Render the run's Data Docs beside the warehouse (data_docs/index.html)."""
    index = publish_docs(validator, Path(db))
    return str(index) if index else None


@task(name="report_run", retries=2, retry_delay_seconds=[1, 5], cache_policy=NONE)
def report_run(summary: dict, quarantine: pl.DataFrame) -> None:
    """Publish the run summary and quarantined rows as Prefect artifacts."""
    publish_artifacts(summary, quarantine)


def _batches(paths: list[str], size: int) -> list[list[str]]:
    return [paths[i : i + size] for i in range(0, len(paths), size)]


def _file_outcomes(plan: Plan, paths: list[str], frames: Frames, version: str) -> list[dict]:
    """loaded / quarantined for every parsed file, with reasons a person can act on."""
    problems: dict[str, list[str]] = defaultdict(list)
    for row in frames.problems.iter_rows(named=True):
        problems[row["path"]].append(row["reason"])
    articles = frames.articles.group_by("file_path").agg(
        pl.len().alias("n"), pl.col("content_hash").first()
    )
    loaded = {
        row["file_path"]: (row["n"], row["content_hash"]) for row in articles.iter_rows(named=True)
    }
    in_group = plan.files.filter(pl.col("path").is_in(paths))
    by_path = {row["path"]: row for row in in_group.iter_rows(named=True)}
    outcomes = []
    for path in paths:
        row = _outcome(by_path[path])
        count, content_hash = loaded.get(path, (0, None))
        reasons = problems.get(path, [])
        if count:
            row.update(
                status="loaded",
                article_count=count,
                content_hash=content_hash or row["content_hash"],
                extractor_version=version,
            )
            if reasons:
                row["reason"] = f"{len(reasons)} record(s) skipped: " + "; ".join(reasons[:3])
        else:
            # With its hash and extractor version recorded, an unchanged quarantined file
            # is not parsed again by the next run (--full-refresh retries it).
            row.update(
                status="quarantined",
                article_count=0,
                extractor_version=version,
                reason="; ".join(reasons[:3]) or "no article survived validation (see quarantine)",
            )
        outcomes.append(row)
    return outcomes


def _problem_quarantine(frames: Frames) -> pl.DataFrame:
    rows = [
        {
            "frame": "files",
            "expectation": "readable_article",
            "column_name": None,
            "value": None if row["record_index"] is None else str(row["record_index"]),
            "article": row["path"]
            if row["record_index"] is None
            else f"{row['path']}#{row['record_index']}",
            "row_json": None,
            "reason": row["reason"],
        }
        for row in frames.problems.iter_rows(named=True)
    ]
    from flows.validate import QUARANTINE_SCHEMA

    return (
        pl.DataFrame(rows, schema=QUARANTINE_SCHEMA, orient="row")
        if rows
        else pl.DataFrame(schema=QUARANTINE_SCHEMA)
    )


@flow(name="pickup-etl", flow_run_name=_run_name, log_prints=False)
def pickup_etl(
    source: str | None = None,
    db: str | None = None,
    full_refresh: bool = False,
    batch_size: int = DEFAULT_BATCH_SIZE,
    max_file_mb: float = DEFAULT_MAX_BYTES / 1e6,
    lock_wait: float = DEFAULT_LOCK_WAIT,
    validate_every: int = VALIDATE_EVERY,
    workers: int = 0,
) -> dict:
    """Load pickup-market articles into the DuckDB warehouse and publish it.

    Only one run writes a warehouse at a time: a run that finds another one
    writing waits up to `lock_wait` seconds, then ends Failed with the reason.
    With `workers` > 0, batches are parsed in that many worker processes.
    """
    logger = get_run_logger()
    source = source or str(default_articles_dir())
    db = db or str(default_db_path())
    try:
        with writer_lock(Path(db), lock_wait), parse_pool(workers) as pool:
            summary, quarantine = _load_and_publish(
                source, db, full_refresh, batch_size, max_file_mb, validate_every, pool
            )
    except WriterBusy as busy:
        logger.error("%s", busy)
        return Failed(message=str(busy))
    report_run(summary, quarantine)
    logger.info("published %s: %s", db, summary["message"])
    return summary


def _load_and_publish(
    source: str,
    db: str,
    full_refresh: bool,
    batch_size: int,
    max_file_mb: float,
    validate_every: int,
    pool: Executor | None,
) -> tuple[dict, pl.DataFrame]:
    """The run under the writer lock: discover, plan, parse, validate, load, publish."""
    logger = get_run_logger()
    started = now_utc()
    version = extractor_version()
    reference = load_reference()
    stage_seconds: dict[str, float] = defaultdict(float)

    working = open_working_database(db, full_refresh)
    try:
        discover_started = now_utc()
        root, files = discover_files_task(source, working)
        stage_seconds["discover"] = seconds_since(discover_started)
        logger.info("discovered %d files in %s", files.height, source)
        plan = plan_run(root, files, working, version)
        counts = defaultdict(int)
        for status in plan.statuses.values():
            counts[status] += 1
        logger.info(
            "plan: %d new, %d changed, %d unchanged, %d gone, %d unreadable",
            counts["new"],
            counts["changed"],
            counts["unchanged"],
            counts["gone"],
            counts["quarantined"],
        )
        emit("plan", files=files.height, to_parse=len(plan.to_parse))
        load_id = working.next_load_id()
        # Built at the first group: setting up Great Expectations takes ~2 s, which a run
        # that finds nothing to load does not need to spend.
        validator: Validator | None = None
        working.begin()
        working.upsert_reference(reference)
        quarantine_parts: list[pl.DataFrame] = []
        suite_totals: dict[str, dict] = {}
        loaded_counts: dict[str, int] = defaultdict(int)
        outcomes = list(plan.outcomes)
        batches = _batches(plan.to_parse, batch_size)
        groups = _validation_groups(
            _parsed_batches(root, batches, version, int(max_file_mb * 1e6), pool), validate_every
        )
        for number, (paths, frames) in enumerate(groups, start=1):
            for stage, seconds in frames.timings.items():
                stage_seconds[stage] += seconds
            checked_at = now_utc()
            validator = validator or Validator(reference, docs_dir=docs_paths(Path(db))[0])
            validated = validate_frames(validator, frames)
            stage_seconds["validate"] += seconds_since(checked_at)
            if validated.batch_failures:
                build_data_docs(validator, db)
                raise ValidationFailed("; ".join(validated.batch_failures))
            _add_suite_totals(suite_totals, validated.summary())
            load_started = now_utc()
            load_batch(working, validated.frames, paths, load_id)
            kill_point("load")
            working.commit_step()
            stage_seconds["load"] += seconds_since(load_started)
            outcomes += _file_outcomes(plan, paths, validated.frames, version)
            quarantine_parts += [_problem_quarantine(frames), validated.quarantine]
            for name, value in validated.frames.counts().items():
                loaded_counts[name] += value
            logger.info(
                "load %d: %d files, %d articles, %d claims loaded, %d rows quarantined",
                number,
                len(paths),
                validated.frames.articles.height,
                validated.frames.claims.height,
                validated.quarantine.height,
            )
            emit(
                "batch",
                files=len(paths),
                articles=validated.frames.articles.height,
                claims=validated.frames.claims.height,
                quarantined=validated.quarantine.height,
            )

        finalize_started = now_utc()
        quarantine = (
            pl.concat(quarantine_parts) if quarantine_parts else _problem_quarantine(Frames.empty())
        )
        outcome_frame = (
            pl.DataFrame(outcomes, schema=OUTCOME_SCHEMA, orient="row")
            if outcomes
            else pl.DataFrame(schema=OUTCOME_SCHEMA)
        )
        files_quarantined = outcome_frame.filter(pl.col("status") == "quarantined").height
        summary = {
            "load_id": load_id,
            "run_name": flow_run.name,
            "flow_run_id": str(flow_run.id) if flow_run.id else None,
            "started_at": started,
            "source": source,
            "db": db,
            "full_refresh": full_refresh,
            "extractor_version": version,
            "files_seen": files.height,
            "files_new": counts["new"],
            "files_changed": counts["changed"],
            "files_unchanged": counts["unchanged"],
            "files_missing": counts["gone"],
            "files_quarantined": files_quarantined,
            "files_parsed": len(plan.to_parse),
            "articles_loaded": loaded_counts["articles"],
            "sentences_loaded": loaded_counts["sentences"],
            "mentions_loaded": loaded_counts["mentions"],
            "claims_loaded": loaded_counts["claims"],
            "rows_quarantined": quarantine.height,
            "validation": suite_totals,
        }
        working.record_files(outcome_frame, load_id, now_utc())
        working.record_quarantine(quarantine, load_id, now_utc())
        stage_seconds["load"] += seconds_since(finalize_started)
        summary["status"] = "partial" if files_quarantined or quarantine.height else "success"
        summary["message"] = (
            f"{summary['articles_loaded']} articles, {summary['claims_loaded']} claims loaded; "
            f"{files_quarantined} files and {quarantine.height} rows quarantined"
        )
        summary["stage_seconds"] = {k: round(v, 3) for k, v in stage_seconds.items()}
        working.record_run(
            {
                "load_id": load_id,
                "run_name": summary["run_name"],
                "flow_run_id": summary["flow_run_id"],
                "started_at": started,
                "finished_at": now_utc(),
                "status": summary["status"],
                "source": source,
                "full_refresh": full_refresh,
                "extractor_version": version,
                **{key: summary[key] for key in RUN_COUNTS},
                "validation": suite_totals,
                "stage_seconds": summary["stage_seconds"],
                "message": summary["message"],
            }
        )
        working.commit()
        kill_point("commit")
        summary["table_counts"] = working.counts()
        emit("publish")
        publish_started = now_utc()
        publish_warehouse(working)
        stage_seconds["publish"] = seconds_since(publish_started)
    except BaseException:
        working.discard()
        raise
    # Nothing loaded: counting the views (seconds on a large warehouse) would tell nothing new.
    if plan.to_parse or full_refresh:
        summary["table_counts"].update(count_views(db))
    docs_started = now_utc()
    kill_point("docs")
    published_docs = docs_paths(Path(db))[1] / "index.html"
    if validator is None and published_docs.exists():
        summary["data_docs"] = str(published_docs)  # nothing validated: the last docs stand
    else:
        validator = validator or Validator(reference, docs_dir=docs_paths(Path(db))[0])
        summary["data_docs"] = build_data_docs(validator, db)
    stage_seconds["report"] = seconds_since(docs_started)
    summary["stage_seconds"] = {k: round(v, 3) for k, v in stage_seconds.items()}
    summary["elapsed_seconds"] = round(seconds_since(started), 3)
    return summary, quarantine


def _parsed_batches(
    root: Path, batches: list[list[str]], version: str, max_bytes: int, pool: Executor | None
):
    """(paths, frames) per batch, in order, with a bounded number of batches in flight:
    memory stays flat however many files there are."""
    logger = get_run_logger()
    pending = []
    for number, batch in enumerate(batches, start=1):
        read = read_batch_task.submit(root, batch, max_bytes)
        pending.append((number, batch, parse_batch_task.submit(read, version, pool)))
        if len(pending) >= MAX_BATCHES_IN_FLIGHT:
            yield _finished(pending.pop(0), len(batches), logger)
    for item in pending:
        yield _finished(item, len(batches), logger)


def _finished(item: tuple, total: int, logger) -> tuple[list[str], Frames]:
    number, batch, future = item
    frames = future.result()
    kill_point("parse")
    logger.info(
        "parsed batch %d/%d: %d files, %d articles, %d claims",
        number,
        total,
        len(batch),
        frames.articles.height,
        frames.claims.height,
    )
    emit("parsed", files=len(batch), articles=frames.articles.height)
    return batch, frames


def _validation_groups(parsed, every: int):
    """Parsed batches joined until they hold `every` articles: a Great Expectations run
    costs ~1.5 s whatever its size, so validating (and loading) few large groups is far
    cheaper than many small ones, while memory stays bounded by `every`."""
    paths: list[str] = []
    parts: list[Frames] = []
    articles = 0
    for batch, frames in parsed:
        paths += batch
        parts.append(frames)
        articles += frames.articles.height + frames.problems.height
        if articles >= every:
            yield paths, Frames.concat(parts)
            paths, parts, articles = [], [], 0
    if paths:
        yield paths, Frames.concat(parts)


def _add_suite_totals(totals: dict, summary: dict[str, dict]) -> None:
    for name, result in summary.items():
        total = totals.setdefault(
            name,
            {
                "rows_checked": 0,
                "rows_quarantined": 0,
                "expectations": result["expectations"],
                "failed_expectations": [],
            },
        )
        total["rows_checked"] += result["rows_checked"]
        total["rows_quarantined"] += result["rows_quarantined"]
        for label in result["failed_expectations"]:
            if label not in total["failed_expectations"]:
                total["failed_expectations"].append(label)
