"""Running the flow from the command line: one writer, clear errors, exit codes.

`run_once` checks the arguments, takes the writer lock, runs the pipeline and
returns the exit code the README documents. By default the run's steps execute
in this process (`LocalRuntime`): no Prefect import, no server, seconds for a
small run. With `--prefect`, a PREFECT_API_URL in the environment, or the Dask
task runner, the run is a Prefect flow run (on a temporary server of its own
when no PREFECT_API_URL is set). `serve_flow` serves the flow on a schedule.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import sys
from datetime import UTC, datetime
from pathlib import Path

import click

from flows.exit_codes import ExitCode
from flows.run.locking import DEFAULT_LOCK_WAIT, WriterBusy, writer_lock
from flows.sources import SourceError, list_source


def _log_run(db_path: Path, record: dict) -> None:
    """One JSON line per run beside the warehouse, failed runs included."""
    try:
        db_path.parent.mkdir(parents=True, exist_ok=True)
        with open(db_path.parent / "runs.jsonl", "a", encoding="utf-8") as handle:
            handle.write(json.dumps(record, default=str) + "\n")
    except OSError:
        pass


def _fail(message: str, code: ExitCode) -> ExitCode:
    click.echo(f"pickup-etl: {message}", err=True)
    return code


def resolve_db(db_path: Path) -> Path:
    """The warehouse file a path means: links resolved, so a link and its target share
    one lock and the publish replaces the target, not the link."""
    return db_path.expanduser().resolve()


def uses_prefect(prefect: bool, task_runner: str) -> bool:
    return prefect or task_runner == "dask" or bool(os.environ.get("PREFECT_API_URL"))


def run_once(
    source: str,
    db_path: Path,
    full_refresh: bool = False,
    batch_size: int | None = None,
    workers: int | None = None,
    task_runner: str = "auto",
    dask_address: str | None = None,
    max_file_mb: float = 20.0,
    lock_wait: float | None = None,
    progress: bool = False,
    quiet: bool = False,
    prefect: bool = False,
    follow_links: bool = False,
    data_docs: bool = False,
    brief: bool = False,
) -> ExitCode:
    from flows.run.pipeline import DEFAULT_BATCH_SIZE, RunParameters
    from flows.run.task_runners import TaskRunnerError, choose_kind, parse_workers

    try:
        files = len(list_source(source, follow_links).files)
    except SourceError as error:
        return _fail(str(error), ExitCode.USAGE)
    batch_size = batch_size or DEFAULT_BATCH_SIZE
    try:
        kind = choose_kind(task_runner, files, batch_size, workers)
        if dask_address and kind != "dask":
            raise TaskRunnerError("--dask-address needs --task-runner dask")
    except TaskRunnerError as error:
        return _fail(str(error), ExitCode.USAGE)
    db_path = resolve_db(db_path)
    if db_path.is_dir():
        return _fail(f"--db {db_path} is a folder: pass the path of a .duckdb file", ExitCode.USAGE)
    params = RunParameters(
        source=source,
        db=db_path,
        full_refresh=full_refresh,
        batch_size=batch_size,
        max_file_mb=max_file_mb,
        workers=parse_workers(kind, workers),
        lock_wait=DEFAULT_LOCK_WAIT if lock_wait is None else lock_wait,
        follow_links=follow_links,
        data_docs=data_docs,
        brief=brief,
    )
    started = datetime.now(UTC)
    try:
        db_path.parent.mkdir(parents=True, exist_ok=True)
        # Taken before anything starts, so a busy warehouse is reported at once.
        with writer_lock(db_path, params.lock_wait):
            if uses_prefect(prefect, kind):
                return _run_with_prefect(params, kind, workers, dask_address, progress, started)
            return _run_locally(params, progress, quiet, started)
    except WriterBusy as busy:
        return _fail(str(busy), ExitCode.BUSY)
    except OSError as error:
        return _fail(
            f"cannot write beside the warehouse {db_path}: {error.strerror or error}; "
            "pass --db in a folder you can write",
            ExitCode.USAGE,
        )


def _run_locally(params, progress: bool, quiet: bool, started: datetime) -> ExitCode:
    from flows.run.pipeline import run_pipeline
    from flows.run.runtime import LocalRuntime

    runtime = LocalRuntime(logger=_terminal_logger(quiet=progress or quiet))
    try:
        return _finish(params, lambda: run_pipeline(params, runtime), progress, started)
    finally:
        runtime.close()


def _run_with_prefect(
    params, kind: str, workers, dask_address, progress: bool, started: datetime
) -> ExitCode:
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    from flows.run.server import ServerError, temporary_server

    server = contextlib.nullcontext() if os.environ.get("PREFECT_API_URL") else temporary_server()
    try:
        with server:
            from flows.run.flow import pickup_etl
            from flows.run.task_runners import TaskRunnerError, make_task_runner

            try:
                runner = make_task_runner(kind, workers, dask_address)
            except TaskRunnerError as error:
                return _fail(str(error), ExitCode.USAGE)

            def run():
                state = pickup_etl.with_options(task_runner=runner)(
                    source=params.source,
                    db=str(params.db),
                    full_refresh=params.full_refresh,
                    batch_size=params.batch_size,
                    max_file_mb=params.max_file_mb,
                    workers=params.workers,
                    lock_wait=params.lock_wait,
                    follow_links=params.follow_links,
                    data_docs=params.data_docs,
                    brief=params.brief,
                    return_state=True,
                )
                return _summary_from_state(state)

            try:
                return _finish(params, run, progress, started)
            finally:
                _drain_prefect_workers()
    except ServerError as error:
        return _fail(f"{error}; the warehouse at {params.db} is unchanged", ExitCode.FAILED)


def _drain_prefect_workers() -> None:
    """Send the run's last logs and events while the server still answers: left to the
    exit handlers, they retry a stopped temporary server for over a minute."""
    from prefect.events.worker import EventsWorker
    from prefect.logging.handlers import APILogWorker

    for worker in (APILogWorker, EventsWorker):
        with contextlib.suppress(Exception):
            worker.drain_all(timeout=10)


def _summary_from_state(state):
    """The RunSummary of a finished flow run (a failed-after-publish run carries it too)."""
    from flows.run.plan import RunSummary

    if state.is_completed() or (state.is_failed() and isinstance(state.data, dict)):
        data = state.result(raise_on_failure=False) if state.is_completed() else state.data
        if isinstance(data, dict):
            return _restore(RunSummary, data)
    # A failure before publishing: re-raise what the flow raised.
    state.result()
    raise RuntimeError(state.message or "the flow run failed")


def _restore(cls, data: dict):
    from dataclasses import fields

    from flows.run.plan import SuiteTotals

    values = {f.name: data[f.name] for f in fields(cls) if f.name in data}
    values["validation"] = {
        name: SuiteTotals(**totals) for name, totals in (data.get("validation") or {}).items()
    }
    return cls(**values)


def _finish(params, run, progress: bool, started: datetime) -> ExitCode:
    """Run, print what happened, and turn it into an exit code."""
    from flows.run.progress import listening
    from flows.run.report import terminal_summary
    from flows.validation.validator import ValidationFailed
    from flows.warehouse.database import WarehouseError

    bar = ProgressBar() if progress else None
    try:
        with listening(bar.update if bar else _ignore), bar or contextlib.nullcontext():
            summary = run()
    except KeyboardInterrupt:
        _log_run(params.db, {"started_at": started, "status": "failed", "reason": "interrupted"})
        return _fail(
            f"interrupted, nothing published; the warehouse at {params.db} is unchanged",
            ExitCode.FAILED,
        )
    except Exception as error:
        if isinstance(error, SourceError):
            return _fail(str(error), ExitCode.USAGE)
        kind = "validation failed" if isinstance(error, ValidationFailed) else "run failed"
        known = isinstance(error, ValidationFailed | WarehouseError)
        reason = str(error) if known else f"{type(error).__name__}: {error}"
        _log_run(params.db, {"started_at": started, "status": "failed", "reason": reason})
        return _fail(
            f"{kind}, nothing published ({reason}); the warehouse at {params.db} is unchanged",
            ExitCode.FAILED,
        )
    if summary.status == "empty":
        return _fail(summary.message, ExitCode.PARTIAL)
    if summary.status == "unchanged":
        click.echo(f"{summary.message} ({params.db}, {summary.elapsed_seconds:.1f}s)")
        return ExitCode.OK
    _log_run(
        params.db,
        {
            "started_at": started,
            "status": summary.status,
            "load_id": summary.load_id,
            "message": summary.message,
            "after_publish_error": summary.after_publish_error,
        },
    )
    click.echo(terminal_summary(summary))
    if summary.after_publish_error or summary.view_errors:
        problem = summary.after_publish_error or "; ".join(
            f"view {name} does not answer ({error})" for name, error in summary.view_errors.items()
        )
        return _fail(
            f"published {params.db}, then failed: {problem}", ExitCode.FAILED_AFTER_PUBLISH
        )
    return ExitCode.PARTIAL if summary.status == "partial" else ExitCode.OK


def _terminal_logger(quiet: bool) -> logging.Logger:
    """Log lines of a local run on stderr: progress at INFO unless quiet (or a bar shows it)."""
    logger = logging.getLogger("pickup_etl")
    if not logger.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(
            logging.Formatter("%(asctime)s | %(levelname)-7s | %(message)s", "%H:%M:%S")
        )
        logger.addHandler(handler)
        logger.propagate = False
    logger.setLevel(logging.WARNING if quiet else logging.INFO)
    return logger


def _ignore(event: str, data: dict) -> None:
    pass


class ProgressBar:
    """A terminal progress bar over the files a run parses (on stderr).

    While it shows, Prefect's console log is limited to warnings so the two do
    not interleave; the per-batch log lines still reach the Prefect server.
    """

    def __init__(self) -> None:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        self.progress = Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("files · {task.fields[articles]} articles · {task.fields[claims]} claims"),
            TimeElapsedColumn(),
            TimeRemainingColumn(),
            console=Console(stderr=True),
            transient=False,
        )
        self.task = None
        self.quieted: list[tuple[logging.Handler, int]] = []

    def __enter__(self) -> ProgressBar:
        for name in ("", "uvicorn", "fastapi"):  # where Prefect's console handler hangs
            for handler in logging.getLogger(name).handlers:
                if type(handler).__name__ == "PrefectConsoleHandler":
                    self.quieted.append((handler, handler.level))
                    handler.setLevel(max(handler.level, logging.WARNING))
        self.progress.start()
        self.task = self.progress.add_task("starting", total=None, articles=0, claims=0)
        return self

    def __exit__(self, *exc) -> None:
        self.progress.stop()
        for handler, level in self.quieted:
            handler.setLevel(level)

    def update(self, event: str, data: dict) -> None:
        if self.task is None:
            return
        if event == "plan":
            self.progress.update(self.task, description="parsing", total=data["to_parse"])
        elif event == "parsed":
            fields = self.progress.tasks[0].fields
            self.progress.update(
                self.task, advance=data["files"], articles=fields["articles"] + data["articles"]
            )
        elif event == "batch":  # a validated group loaded: its claims are in
            fields = self.progress.tasks[0].fields
            self.progress.update(self.task, claims=fields["claims"] + data["claims"])
        elif event == "publish":
            self.progress.update(self.task, description="publishing")


def serve_flow(
    name: str,
    cron: str | None,
    timezone: str,
    interval: float | None,
    source: str,
    db_path: str,
    full_refresh: bool,
    lock_wait: float | None = None,
    workers: int = 0,
    brief: bool = False,
) -> None:
    """Serve the flow as a deployment on a schedule until interrupted.

    Runs of the deployment never overlap (a deployment concurrency limit of one,
    later runs queue); the writer lock keeps other deployments and command-line
    runs off the same warehouse.
    """
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    from prefect.client.schemas.objects import ConcurrencyLimitConfig, ConcurrencyLimitStrategy
    from prefect.deployments.runner import EntrypointType

    from flows.run.flow import pickup_etl

    parameters = {
        "source": source,
        "db": db_path,
        "full_refresh": full_refresh,
        "lock_wait": DEFAULT_LOCK_WAIT if lock_wait is None else lock_wait,
        "workers": workers,
        "brief": brief,
    }
    if cron:
        from prefect.schedules import Cron

        schedule = Cron(cron, timezone=timezone)
        every = f"cron '{cron}' ({timezone})"
    else:
        from datetime import timedelta

        from prefect.schedules import Interval

        schedule = Interval(timedelta(seconds=interval))
        every = f"every {interval:g}s"
    click.echo(
        f"serving deployment pickup-etl/{name}: {every}, loading {source} into {db_path}; "
        "Ctrl-C to stop",
        err=True,
    )
    try:
        pickup_etl.serve(
            name=name,
            schedules=[schedule],
            parameters=parameters,
            tags=["pickup-etl"],
            description=f"Load {source} into {db_path} ({every})",
            global_limit=ConcurrencyLimitConfig(
                limit=1, collision_strategy=ConcurrencyLimitStrategy.ENQUEUE
            ),
            # The installed package, not a file path: runs work from any directory.
            entrypoint_type=EntrypointType.MODULE_PATH,
        )
    except KeyboardInterrupt:
        sys.exit(0)
