"""Where a run's read and parse batches execute.

- `thread`: read and parse tasks run in the flow's threads; one core parses
  (parsing is pure Python and holds the GIL).
- `process`: the same tasks, with each batch's parsing handed to a pool of
  worker processes on this machine (`--workers`, one per core by default; see
  `parse_pool.py`).
- `dask`: read and parse tasks run on a Dask cluster through `prefect-dask` — a
  local cluster started for the run, or an existing one (`--dask-address`).
- `auto` (the default of `pickup-etl run`): `process` when there is more than one
  batch of files on a machine with more than one core, else `thread`.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from prefect.task_runners import TaskRunner

KINDS = ("auto", "thread", "process", "dask")


class TaskRunnerError(Exception):
    """A task runner cannot be set up as asked (a user mistake or a missing extra)."""


def cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def choose_kind(kind: str, files: int, batch_size: int, workers: int | None) -> str:
    """Resolve `auto`; a process pool of no workers is the thread runner."""
    if kind not in KINDS:
        raise TaskRunnerError(f"unknown task runner {kind!r}: choose one of {', '.join(KINDS)}")
    if kind == "auto":
        parallel = (workers if workers is not None else cores()) > 1
        return "process" if parallel and files > batch_size else "thread"
    if kind == "process" and workers == 0:
        return "thread"
    return kind


def make_task_runner(
    kind: str, workers: int | None = None, dask_address: str | None = None
) -> TaskRunner:
    """The Prefect task runner of a run (`process` parses in a pool *behind* thread tasks)."""
    if dask_address and kind != "dask":
        raise TaskRunnerError("--dask-address needs --task-runner dask")
    from prefect.task_runners import ThreadPoolTaskRunner

    if kind in ("thread", "process"):
        return ThreadPoolTaskRunner()
    if kind == "dask":
        return _dask_runner(workers, dask_address)
    raise TaskRunnerError(f"unknown task runner {kind!r}: choose thread, process or dask")


def parse_workers(kind: str, workers: int | None) -> int:
    """Worker processes the flow's parse pool needs (0: parse in the task itself)."""
    return (workers or cores()) if kind == "process" else 0


def _dask_runner(workers: int | None, address: str | None) -> TaskRunner:
    try:
        from prefect_dask import DaskTaskRunner
    except ImportError as error:
        raise TaskRunnerError(
            f"--task-runner dask needs prefect-dask ({error}); "
            "install it with: pip install -c requirements.lock -e '.[dask]'"
        ) from None
    if address:
        return DaskTaskRunner(address=address)
    return DaskTaskRunner(
        cluster_kwargs={
            "n_workers": workers or cores(),
            "threads_per_worker": 1,  # parsing holds the GIL: one thread per process
            "processes": True,
            "dashboard_address": None,  # no web dashboard for a run's own cluster
        }
    )
