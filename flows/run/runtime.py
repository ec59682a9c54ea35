"""Where the steps of a run execute: in this process, or as Prefect tasks.

The run (`pipeline.run_pipeline`) is written once, against this small
interface: `call` a step, `submit` one to run alongside, `log`. A step is a
plain function with a retry policy (`@step`). Two runtimes carry it out:

- `LocalRuntime`: the steps in this process, with the same retries and a
  thread pool for submitted steps. No Prefect import and no server: a
  command-line run on a laptop answers in seconds.
- `PrefectRuntime` (`flows/run/flow.py`): each step a Prefect task, inside the
  `pickup-etl` flow run, with its logs, retries, artifacts and task runner.
"""

from __future__ import annotations

import contextvars
import logging
import sys
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Protocol

RETRY_DELAYS = (1.0, 5.0)  # seconds before the first and the second retry
_attempt: contextvars.ContextVar[int | None] = contextvars.ContextVar(
    "pickup_etl_attempt", default=None
)


@dataclass(frozen=True)
class StepPolicy:
    name: str
    retries: int


def step(retries: int = 0) -> Callable:
    """Mark a function as a step of the run (named after the function: verb_noun) with
    its retries. Retries only for IO that can fail transiently; a pure step would fail
    the same way again."""

    def mark(function: Callable) -> Callable:
        function.policy = StepPolicy(function.__name__, retries)
        return function

    return mark


def attempt() -> int:
    """Which try of the current step this is (1 on the first)."""
    local = _attempt.get()
    if local is not None:
        return local
    if "prefect" in sys.modules:
        from prefect.runtime import task_run

        return int(task_run.run_count or 1)
    return 1


class Runtime(Protocol):
    name: str

    def call(self, function: Callable, *args: Any) -> Any: ...

    def submit(self, function: Callable, *args: Any) -> Future: ...

    def log(self, message: str, *args: Any, level: int = logging.INFO) -> None: ...

    def identity(self) -> tuple[str | None, str | None]: ...

    def publish_artifacts(self, summary, quarantine) -> None: ...


class LocalRuntime:
    """The steps of a run in this process: retries as declared, submitted steps on threads."""

    name = "local"

    def __init__(self, threads: int = 4, logger: logging.Logger | None = None) -> None:
        self._pool = ThreadPoolExecutor(threads, thread_name_prefix="pickup-etl")
        self.logger = logger or logging.getLogger("pickup_etl")

    def call(self, function: Callable, *args: Any) -> Any:
        policy: StepPolicy = function.policy
        # A submitted step's result passed on as an argument is awaited first, as Prefect does.
        args = tuple(arg.result() if isinstance(arg, Future) else arg for arg in args)
        for number in range(1, policy.retries + 2):
            token = _attempt.set(number)
            try:
                return function(*args)
            except Exception as error:
                if number > policy.retries:
                    raise
                delay = RETRY_DELAYS[min(number - 1, len(RETRY_DELAYS) - 1)]
                self.log("%s failed (%s); trying again in %.0fs", policy.name, error, delay)
                time.sleep(delay)
            finally:
                _attempt.reset(token)
        raise AssertionError("unreachable")

    def submit(self, function: Callable, *args: Any) -> Future:
        context = contextvars.copy_context()
        return self._pool.submit(context.run, self.call, function, *args)

    def log(self, message: str, *args: Any, level: int = logging.INFO) -> None:
        self.logger.log(level, message, *args)

    def identity(self) -> tuple[str | None, str | None]:
        return None, None

    def publish_artifacts(self, summary, quarantine) -> None:
        """Artifacts live on a Prefect server; a local run has the HTML report instead."""

    def close(self) -> None:
        self._pool.shutdown(cancel_futures=True)
