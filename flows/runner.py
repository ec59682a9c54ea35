"""Running the flow from the command line: one writer, clear errors, exit codes.

`run_once` takes the writer lock, runs the flow (Prefect starts a temporary
local server when no PREFECT_API_URL is set), prints the summary and returns
the exit code the README documents. `serve_flow` serves the flow on a
schedule as a Prefect deployment.
"""

from __future__ import annotations

import json
import os
import sys
from datetime import UTC, datetime
from pathlib import Path

import click

from flows.stages import SourceError, list_source

DEFAULT_LOCK_WAIT = 60.0


def _check_source(source: str) -> None:
    """Fail fast, before Prefect starts, when the input cannot be used at all."""
    list_source(source)


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
    from flows.cli import EXIT_BUSY, EXIT_FAILED, EXIT_OK, EXIT_PARTIAL, EXIT_USAGE

    try:
        _check_source(source)
    except SourceError as error:
        click.echo(f"pickup-etl: {error}", err=True)
        return EXIT_USAGE
    if db_path.exists() and db_path.is_dir():
        click.echo(
            f"pickup-etl: --db {db_path} is a folder: pass the path of a .duckdb file", err=True
        )
        return EXIT_USAGE

    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    from filelock import FileLock, Timeout

    from flows.locking import writer_lock_path

    db_path.parent.mkdir(parents=True, exist_ok=True)
    wait = DEFAULT_LOCK_WAIT if lock_wait is None else lock_wait
    lock = FileLock(str(writer_lock_path(db_path)))
    try:
        lock.acquire(timeout=wait)
    except Timeout:
        click.echo(
            f"pickup-etl: another run is writing {db_path} (waited {wait:.0f}s); try again when it ends, or pass --wait SECONDS",
            err=True,
        )
        return EXIT_BUSY
    started = datetime.now(UTC)
    try:
        from flows.flow import DEFAULT_BATCH_SIZE, pickup_etl
        from flows.report import terminal_summary
        from flows.validate import ValidationFailed

        try:
            summary = pickup_etl(
                source=source,
                db=str(db_path),
                full_refresh=full_refresh,
                batch_size=batch_size or DEFAULT_BATCH_SIZE,
                max_file_mb=max_file_mb,
            )
        except ValidationFailed as error:
            _log_run(
                db_path,
                {"started_at": started, "status": "failed", "reason": f"validation: {error}"},
            )
            click.echo(f"pickup-etl: validation failed, nothing published: {error}", err=True)
            return EXIT_FAILED
        except SourceError as error:
            click.echo(f"pickup-etl: {error}", err=True)
            return EXIT_USAGE
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
            return EXIT_FAILED
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
        return EXIT_PARTIAL if summary["status"] == "partial" else EXIT_OK
    finally:
        lock.release()


def serve_flow(
    name: str,
    cron: str | None,
    timezone: str,
    interval: float | None,
    source: str,
    db_path: str,
    full_refresh: bool,
) -> None:
    """Serve the flow as a deployment on a schedule until interrupted."""
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    from flows.flow import pickup_etl

    parameters = {"source": source, "db": db_path, "full_refresh": full_refresh}
    if cron:
        from prefect.schedules import Cron

        schedule = Cron(cron, timezone=timezone)
    else:
        from datetime import timedelta

        from prefect.schedules import Interval

        schedule = Interval(timedelta(seconds=interval))
    click.echo(
        f"serving deployment pickup-etl/{name} ({cron or f'every {interval:g}s'}); Ctrl-C to stop",
        err=True,
    )
    try:
        pickup_etl.serve(name=name, schedules=[schedule], parameters=parameters)
    except KeyboardInterrupt:
        sys.exit(0)
