"""Worker processes that parse batches, so every core is busy during the parse stage.

The flow's parse tasks stay Prefect tasks (on threads) and hand the CPU work of
each batch to this pool. Workers import only the parsing code — not Prefect — and
load the reference data as soon as they start, so they are ready in about a
second. (Prefect's own ProcessPoolTaskRunner starts a Prefect engine in every
worker: 5–20 s before the first batch, too much for a run of a few minutes.)
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import threading
import time
from collections.abc import Iterator
from concurrent.futures import Executor, ProcessPoolExecutor
from contextlib import contextmanager

from flows.extract.frames import Frames, parse_read
from flows.extract.read import BatchRead
from flows.fingerprint import wording_of
from flows.reference import load_reference


@contextmanager
def parse_pool(workers: int) -> Iterator[Executor | None]:
    """A pool of `workers` parse processes, started at once; None to parse in the caller.

    Spawned, not forked: the flow process runs Prefect's threads, and forking a
    threaded process can deadlock the child."""
    if workers <= 0:
        yield None
        return
    pool = ProcessPoolExecutor(
        workers,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_warm,
        initargs=(os.getpid(),),
    )
    for _ in range(workers):  # start every worker now, while the run discovers files
        pool.submit(int)
    try:
        yield pool
    finally:
        pool.shutdown(cancel_futures=True)


def _warm(parent: int) -> None:
    _exit_with_parent(parent)
    from flows.extract.gazetteer import build_gazetteer

    build_gazetteer(load_reference())
    # The reference data and the gazetteer live as long as the worker: frozen, the
    # collector's full passes no longer walk their hundred thousand objects.
    gc.freeze()


def _exit_with_parent(parent: int) -> None:
    """A worker ends when the run that started it is gone (killed by the OOM killer or
    `kill -9`, which gives the pool no chance to shut its workers down). The run's pid
    comes as an argument: a worker that starts after its run died must end too."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def parse_in_worker(batch: BatchRead, version: str) -> Frames:
    """What a parse process does with one batch: its frames, and the wording bands
    story grouping needs (MinHash costs ~0.6 ms an article: here it runs on every core)."""
    frames = parse_read(batch, load_reference(), version)
    frames.wording = wording_of(frames.articles)
    return frames
