"""The Prefect flow `pickup-etl`: the run's steps as Prefect tasks.

The steps and their order live in `pipeline.py`; here each step becomes a task
(its name, retries and no result caching), logs go to the flow run, and the
summary and quarantined rows become artifacts. Scheduled runs (`pickup-etl
serve`, `prefect.yaml`) and command-line runs with a Prefect server use it.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from concurrent.futures import Future
from functools import cache
from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NONE
from prefect.runtime import flow_run
from prefect.states import Failed

from flows.resources import default_articles_dir, default_db_path
from flows.run.locking import DEFAULT_LOCK_WAIT, WriterBusy
from flows.run.pipeline import DEFAULT_BATCH_SIZE, VALIDATE_EVERY, RunParameters, run_pipeline
from flows.run.report import publish_artifacts
from flows.run.runtime import RETRY_DELAYS

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")


@cache
def _as_task(function: Callable):
    policy = function.policy
    return task(
        function,
        name=policy.name,
        retries=policy.retries,
        retry_delay_seconds=list(RETRY_DELAYS)[: max(policy.retries, 1)],
        cache_policy=NONE,  # inputs are files and open connections: nothing to cache on
    )


class PrefectRuntime:
    """Each step a task of the current flow run."""

    name = "prefect"

    def __init__(self) -> None:
        self.logger = get_run_logger()

    def call(self, function: Callable, *args: Any) -> Any:
        return _as_task(function)(*args)

    def submit(self, function: Callable, *args: Any) -> Future:
        return _as_task(function).submit(*args)

    def log(self, message: str, *args: Any, level: int = logging.INFO) -> None:
        self.logger.log(level, message, *args)

    def identity(self) -> tuple[str | None, str | None]:
        return flow_run.name, str(flow_run.id) if flow_run.id else None

    def publish_artifacts(self, summary, quarantine) -> None:
        publish_artifacts(summary, quarantine)


def _run_name() -> str:
    parameters = flow_run.parameters or {}
    source = Path(str(parameters.get("source") or default_articles_dir()))
    db = Path(str(parameters.get("db") or default_db_path()))
    mode = "full refresh" if parameters.get("full_refresh") else "load"
    return f"{mode} {source.name or source} → {db.name}"


@flow(name="pickup-etl", flow_run_name=_run_name, log_prints=False)
def pickup_etl(
    source: str | None = None,
    db: str | None = None,
    full_refresh: bool = False,
    batch_size: int = DEFAULT_BATCH_SIZE,
    max_file_mb: float = 20.0,
    lock_wait: float = DEFAULT_LOCK_WAIT,
    validate_every: int = VALIDATE_EVERY,
    workers: int = 0,
    follow_links: bool = False,
    data_docs: bool = False,
    brief: bool = False,
) -> dict:
    """Load pickup-market articles into the DuckDB warehouse and publish it.

    Only one run writes a warehouse at a time: a run that finds another one
    writing waits up to `lock_wait` seconds, then ends Failed with the reason.
    With `workers` > 0, batches are parsed in that many worker processes.
    """
    logger = get_run_logger()
    params = RunParameters(
        source=source or str(default_articles_dir()),
        db=Path(db or default_db_path()).resolve(),
        full_refresh=full_refresh,
        batch_size=batch_size,
        max_file_mb=max_file_mb,
        validate_every=validate_every,
        workers=workers,
        lock_wait=lock_wait,
        follow_links=follow_links,
        data_docs=data_docs,
        brief=brief,
    )
    try:
        summary = run_pipeline(params, PrefectRuntime())
    except WriterBusy as busy:
        logger.error("%s", busy)
        return Failed(message=str(busy))
    if summary.after_publish_error or summary.view_errors:
        problem = summary.after_publish_error or f"views do not answer: {summary.view_errors}"
        logger.error("published %s, then failed: %s", params.db, problem)
        return Failed(message=f"published, then failed: {problem}", data=summary.as_dict())
    logger.info("%s: %s", summary.status, summary.message)
    return summary.as_dict()
