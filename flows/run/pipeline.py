"""One run, as a table of contents: discover → plan → parse → validate → load →
publish → report.

Written once against a runtime (`runtime.py`): the same steps run in this
process for `pickup-etl run`, or as Prefect tasks inside the `pickup-etl` flow.
Under the writer lock, the run loads a working copy of the warehouse and
publishes it by atomic rename; a failure before the rename leaves the published
file as it was, a failure after it is reported as exactly that.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from concurrent.futures import Executor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from flows.extract.frames import Frames
from flows.faults import kill_point
from flows.reference import load_reference
from flows.resources import extractor_version
from flows.run import steps
from flows.run.locking import DEFAULT_LOCK_WAIT, writer_lock
from flows.run.parse_pool import parse_pool
from flows.run.plan import (
    OUTCOME_SCHEMA,
    FileState,
    Plan,
    RunSummary,
    batches,
    file_outcomes,
    plan_run,
    problem_quarantine,
    validation_groups,
)
from flows.run.progress import emit
from flows.run.runtime import Runtime
from flows.sources import MANIFEST_NAME, Manifests, manifest_reason
from flows.validation.validator import QUARANTINE_SCHEMA, ValidationFailed, Validator
from flows.warehouse.database import WorkingDatabase, now_utc

DEFAULT_BATCH_SIZE = 250  # files per read/parse step
MAX_BATCHES_IN_FLIGHT = 4  # parse steps submitted ahead of the load: bounds memory
VALIDATE_EVERY = 5000  # articles per validation and load step (see plan.validation_groups)
RECENT_RUNS = 20


@dataclass(frozen=True)
class RunParameters:
    """What to load, where, and how."""

    source: str
    db: Path
    full_refresh: bool = False
    batch_size: int = DEFAULT_BATCH_SIZE
    max_file_mb: float = 20.0
    validate_every: int = VALIDATE_EVERY
    workers: int = 0
    lock_wait: float = DEFAULT_LOCK_WAIT
    follow_links: bool = False
    data_docs: bool = False
    brief: bool = False  # write the market brief beside the warehouse after publishing


class StageClock:
    """Seconds per stage of a run."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}

    @contextmanager
    def __call__(self, stage: str) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            self.add(stage, time.perf_counter() - started)

    def add(self, stage: str, seconds: float) -> None:
        self.seconds[stage] = round(self.seconds.get(stage, 0.0) + seconds, 3)


def run_pipeline(params: RunParameters, runtime: Runtime) -> RunSummary:
    """Load new and changed articles into the warehouse and publish it."""
    started = time.perf_counter()
    with writer_lock(params.db, params.lock_wait), parse_pool(params.workers) as pool:
        summary, outcomes, quarantine, validator = _load_and_publish(params, runtime, pool)
    if summary.status not in ("empty", "unchanged"):
        _after_publish(params, runtime, summary, outcomes, quarantine, validator)
    summary.elapsed_seconds = round(time.perf_counter() - started, 3)
    return summary


def _load_and_publish(params: RunParameters, runtime: Runtime, pool: Executor | None):
    """Under the writer lock: everything up to and including the publish."""
    clock = StageClock()
    reference = load_reference()
    version = extractor_version()
    run_name, flow_run_id = runtime.identity()
    working: WorkingDatabase = runtime.call(
        steps.open_working_database, params.db, params.full_refresh
    )
    try:
        with clock("discover"):
            root, files, manifests = runtime.call(
                steps.discover_files, params.source, working.file_stamps(), params.follow_links
            )
            previous = {path: FileState(*state) for path, state in working.file_states().items()}
            plan = plan_run(root, files, previous, version)
        runtime.log("discovered %d files in %s; %s", files.height, params.source, plan.describe())
        if files.filter(~pl.col("skipped")).is_empty():
            working.discard()
            return _not_published(params, plan, version, "empty", EMPTY_MESSAGE), None, None, None
        if plan.unchanged and not params.full_refresh and not working.schema_changed:
            working.discard()
            summary = _not_published(params, plan, version, "unchanged", UNCHANGED_MESSAGE)
            return summary, None, None, None
        emit("plan", files=files.height, to_parse=len(plan.to_parse))
        load_id = working.start_load(reference)
        summary = RunSummary(
            load_id=load_id,
            started_at=now_utc(),
            source=params.source,
            db=str(params.db),
            run_name=run_name,
            flow_run_id=flow_run_id,
            full_refresh=params.full_refresh,
            extractor_version=version,
        )
        summary.plan(plan)
        _describe_manifests(plan.outcomes, manifests)
        outcomes = [pl.DataFrame(plan.outcomes, schema=OUTCOME_SCHEMA, orient="row")]
        quarantine = [_manifest_quarantine(manifests)]
        validator: Validator | None = None  # Great Expectations is set up only when needed
        parsed = _parse(params, runtime, plan, manifests, version, pool, clock)
        for number, group in enumerate(validation_groups(parsed, params.validate_every), 1):
            validator = validator or Validator(reference, keep_results=params.data_docs)
            with clock("validate"):
                validated = runtime.call(steps.validate_frames, validator, group.frames)
            if validated.batch_failures:
                raise ValidationFailed("; ".join(validated.batch_failures))
            summary.add_validation(validated.summary())
            with clock("load"):
                runtime.call(steps.load_group, working, validated.frames, group.paths, load_id)
            outcomes.append(
                file_outcomes(plan, group.paths, validated.frames, version, validated.refused_files)
            )
            quarantine += [problem_quarantine(group.frames), validated.quarantine]
            summary.add_loaded(validated.frames.counts())
            _log_group(runtime, number, group.paths, validated)
        with clock("load"):
            outcome_frame = pl.concat(outcomes)
            quarantined = pl.concat(quarantine)
            summary.close(outcome_frame, quarantined.height)
            clock.seconds["stories"] = round(working.story_seconds, 3)  # part of "load"
            summary.stage_seconds = clock.seconds
            working.finish_run(outcome_frame, quarantined, summary.record())
            summary.table_counts = working.counts()
        emit("publish")
        with clock("publish"):
            runtime.call(steps.publish_warehouse, working)
    except BaseException:
        working.discard()
        raise
    summary.stage_seconds = clock.seconds
    return summary, outcome_frame, quarantined, validator


# A source with no article files is most often a mistyped path: nothing is changed.
EMPTY_MESSAGE = (
    "no article files in {source}: nothing loaded, the warehouse is unchanged (check --source)"
)
UNCHANGED_MESSAGE = "nothing changed in {source} since the last run: the warehouse is as it was"


def _not_published(
    params: RunParameters, plan: Plan, version: str, status: str, message: str
) -> RunSummary:
    """The summary of a run that had nothing to publish."""
    summary = RunSummary(
        load_id=0,
        started_at=now_utc(),
        source=params.source,
        db=str(params.db),
        status=status,
        extractor_version=version,
        message=message.format(source=params.source),
    )
    summary.plan(plan)
    return summary


def _parse(
    params: RunParameters,
    runtime: Runtime,
    plan: Plan,
    manifests: Manifests,
    version: str,
    pool: Executor | None,
    clock: StageClock,
) -> Iterator[tuple[list[str], Frames]]:
    """(paths, frames) per batch, in order, with a bounded number of batches in flight:
    memory stays flat however many files there are."""
    todo = batches(plan.to_parse, params.batch_size)
    max_bytes = int(params.max_file_mb * 1e6)
    pending = []

    def finished(item) -> tuple[list[str], Frames]:
        number, paths, future = item
        frames: Frames = future.result()
        for stage, seconds in frames.timings.items():
            clock.add(stage, seconds)
        runtime.log(
            "parsed batch %d/%d: %d files, %d articles, %d claims",
            number,
            len(todo),
            len(paths),
            frames.articles.height,
            frames.claims.height,
        )
        emit("parsed", files=len(paths), articles=frames.articles.height)
        return paths, frames

    for number, paths in enumerate(todo, start=1):
        read = runtime.submit(steps.read_batch, plan.root, paths, max_bytes, manifests, pool)
        pending.append((number, paths, runtime.submit(steps.parse_batch, read, version, pool)))
        if len(pending) >= MAX_BATCHES_IN_FLIGHT:
            yield finished(pending.pop(0))
    for item in pending:
        yield finished(item)


def _log_group(runtime: Runtime, number: int, paths: list[str], validated) -> None:
    runtime.log(
        "load %d: %d files, %d articles, %d claims loaded, %d rows and %d files quarantined",
        number,
        len(paths),
        validated.frames.articles.height,
        validated.frames.claims.height,
        validated.quarantine.height,
        len(validated.refused_files),
    )
    emit(
        "batch",
        files=len(paths),
        articles=validated.frames.articles.height,
        claims=validated.frames.claims.height,
        quarantined=validated.quarantine.height,
    )


def _describe_manifests(outcomes: list[dict], manifests: Manifests) -> None:
    """The etl_file row of every manifest says what it declared and which rows it could not."""
    for outcome in outcomes:
        if Path(outcome["path"]).name == MANIFEST_NAME and outcome["status"] == "skipped":
            outcome["reason"] = manifest_reason(outcome["path"], manifests)


def _manifest_quarantine(manifests: Manifests) -> pl.DataFrame:
    rows = [
        {
            "frame": "files",
            "expectation": "manifest_row",
            "column_name": None,
            "value": None,
            "article": path,
            "row_json": None,
            "reason": f"{path}: {problem}",
        }
        for path, problems in sorted(manifests.problems.items())
        for problem in problems
    ]
    return pl.DataFrame(rows, schema=QUARANTINE_SCHEMA, orient="row")


def _after_publish(
    params: RunParameters,
    runtime: Runtime,
    summary: RunSummary,
    outcomes: pl.DataFrame,
    quarantine: pl.DataFrame,
    validator: Validator | None,
) -> None:
    """What readers find, the report, Data Docs and artifacts. The warehouse is published
    already: a failure here is recorded on the summary, never raised as "nothing published"."""
    kill_point("docs")
    started = time.perf_counter()
    try:
        if summary.files_parsed or params.full_refresh:
            counts = runtime.call(steps.count_views, params.db)
            summary.view_errors = {k: v for k, v in counts.items() if isinstance(v, str)}
            summary.table_counts.update(counts)
        if params.data_docs and validator is not None:
            from flows.validation.docs import build_data_docs, docs_dir

            index = build_data_docs(validator, docs_dir(params.db, summary.load_id))
            summary.data_docs = str(index) if index else None
        if params.brief:
            from flows.brief.page import write_brief

            summary.brief = str(write_brief(params.db, params.db.with_name("brief.html")))
        summary.report = str(_write_report(summary, outcomes, quarantine))
        runtime.publish_artifacts(summary, quarantine)
    except Exception as error:
        summary.after_publish_error = f"{type(error).__name__}: {error}"
        runtime.log("after publishing: %s", summary.after_publish_error, level=40)
    summary.stage_seconds = {
        **summary.stage_seconds,
        "report": round(time.perf_counter() - started, 3),
    }


def _write_report(summary: RunSummary, outcomes: pl.DataFrame, quarantine: pl.DataFrame) -> Path:
    from flows.run.report_page import write_report

    return write_report(summary, outcomes, quarantine, recent_runs(Path(summary.db)))


def recent_runs(db: Path) -> list[dict]:
    """The last runs, published (etl_run) and failed (runs.jsonl), newest first."""
    from flows.warehouse.readers import connect_reader, fetch

    runs: list[dict] = []
    if db.is_file():
        with connect_reader(db) as connection:
            columns = (
                "load_id",
                "started_at",
                "status",
                "files_parsed",
                "claims_loaded",
                "message",
            )
            rows = fetch(
                connection,
                f"select {', '.join(columns)} from etl_run order by load_id desc limit {RECENT_RUNS}",
            )
            runs = [dict(zip(columns, row, strict=True)) for row in rows]
    log = db.parent / "runs.jsonl"
    if log.is_file():
        for line in log.read_text(encoding="utf-8", errors="replace").splitlines()[-RECENT_RUNS:]:
            try:
                entry = json.loads(line)
            except json.JSONDecodeError:
                continue
            if entry.get("status") == "failed":
                runs.append(entry)
    runs.sort(key=lambda run: str(run.get("started_at")), reverse=True)
    return runs[:RECENT_RUNS]
