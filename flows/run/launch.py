"""Running the flow from the command line: one writer, clear errors, exit codes.

`run_once` takes the writer lock, runs the flow (Prefect starts a temporary
local server when no PREFECT_API_URL is set), prints the summary and returns
the exit code the README documents. `serve_flow` serves the flow on a
schedule as a Prefect deployment.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import click

from flows.exit_codes import ExitCode
from flows.sources import SourceError, list_source

if TYPE_CHECKING:
    from prefect.task_runners import TaskRunner


def _check_source(source: str) -> int:
    """Fail fast, before Prefect starts, when the input cannot be used at all.
    Returns the number of candidate files."""
    return len(list_source(source)[1])


def _log_run(db_path: Path, record: dict) -> None:
    """One JSON line per run beside the warehouse, failed runs included."""
    try:
        db_path.parent.mkdir(parents=True, exist_ok=True)
        with open(db_path.parent / "runs.jsonl", "a", encoding="utf-8") as handle:
            handle.write(json.dumps(record, default=str) + "\n")
    except OSError:
        pass


def run_once(
    source: str,
    db_path: Path,
    full_refresh: bool = False,
    batch_size: int | None = None,
    workers: int | None = None,
    task_runner: str = "thread",
    dask_address: str | None = None,
    max_file_mb: float = 20.0,
    lock_wait: float | None = None,
    progress: bool = False,
) -> int:
    from flows.run.flow import DEFAULT_BATCH_SIZE
    from flows.run.task_runners import (
        TaskRunnerError,
        choose_kind,
        make_task_runner,
        parse_workers,
    )

    try:
        files = _check_source(source)
    except SourceError as error:
        click.echo(f"pickup-etl: {error}", err=True)
        return ExitCode.USAGE
    batch_size = batch_size or DEFAULT_BATCH_SIZE
    try:
        kind = choose_kind(task_runner, files, batch_size, workers)
        runner = make_task_runner(kind, workers, dask_address)
        pool_size = parse_workers(kind, workers)
    except TaskRunnerError as error:
        click.echo(f"pickup-etl: {error}", err=True)
        return ExitCode.USAGE
    if db_path.exists() and db_path.is_dir():
        click.echo(
            f"pickup-etl: --db {db_path} is a folder: pass the path of a .duckdb file", err=True
        )
        return ExitCode.USAGE

    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    # Without PREFECT_API_URL the run starts a temporary Prefect server; on a busy
    # machine it can take longer than Prefect's 20 s default to answer.
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
    from flows.run.locking import DEFAULT_LOCK_WAIT, WriterBusy, writer_lock

    wait = DEFAULT_LOCK_WAIT if lock_wait is None else lock_wait
    started = datetime.now(UTC)
    try:
        # Taken before Prefect starts, so a busy warehouse is reported at once.
        with writer_lock(db_path, wait):
            return _run_locked(
                source,
                db_path,
                full_refresh,
                batch_size,
                max_file_mb,
                progress,
                started,
                runner,
                pool_size,
            )
    except WriterBusy as busy:
        click.echo(f"pickup-etl: {busy}", err=True)
        return ExitCode.BUSY


def _run_locked(
    source: str,
    db_path: Path,
    full_refresh: bool,
    batch_size: int,
    max_file_mb: float,
    progress: bool,
    started: datetime,
    runner: TaskRunner,
    workers: int,
) -> int:
    from flows.run.flow import pickup_etl
    from flows.run.progress import listening
    from flows.run.report import terminal_summary
    from flows.validate import ValidationFailed

    bar = ProgressBar() if progress else None
    try:
        with listening(bar.update if bar else _ignore), bar or contextlib.nullcontext():
            summary = pickup_etl.with_options(task_runner=runner)(
                source=source,
                db=str(db_path),
                full_refresh=full_refresh,
                batch_size=batch_size,
                max_file_mb=max_file_mb,
                workers=workers,
            )
    except ValidationFailed as error:
        _log_run(
            db_path,
            {"started_at": started, "status": "failed", "reason": f"validation: {error}"},
        )
        click.echo(f"pickup-etl: validation failed, nothing published: {error}", err=True)
        return ExitCode.FAILED
    except SourceError as error:
        click.echo(f"pickup-etl: {error}", err=True)
        return ExitCode.USAGE
    except Exception as error:
        _log_run(
            db_path,
            {
                "started_at": started,
                "status": "failed",
                "reason": f"{type(error).__name__}: {error}",
            },
        )
        click.echo(
            f"pickup-etl: run failed, nothing published ({type(error).__name__}: {error}); "
            f"the warehouse at {db_path} is unchanged",
            err=True,
        )
        return ExitCode.FAILED
    _log_run(
        db_path,
        {
            "started_at": started,
            "status": summary["status"],
            "load_id": summary["load_id"],
            "message": summary["message"],
        },
    )
    click.echo(terminal_summary(summary))
    return ExitCode.PARTIAL if summary["status"] == "partial" else ExitCode.OK


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
    from flows.run.locking import DEFAULT_LOCK_WAIT

    parameters = {
        "source": source,
        "db": db_path,
        "full_refresh": full_refresh,
        "lock_wait": DEFAULT_LOCK_WAIT if lock_wait is None else lock_wait,
        "workers": workers,
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
