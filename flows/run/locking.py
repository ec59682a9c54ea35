"""One writer per warehouse.

A run holds the writer lock from the moment it copies the published file until
it has published its own. Two guards make it:

- a file lock beside the published DuckDB file, always: it covers every
  process on the machine, whether or not it talks to a Prefect server;
- a Prefect global concurrency limit of one slot per warehouse when runs share
  a Prefect server (PREFECT_API_URL is set): it covers runs on other machines
  that write the same shared file, and shows the holder in the Prefect UI.

Readers never take either: they read the published snapshot, which a run
replaces by atomic rename. `pickup-etl run` takes the lock before it starts the
flow (so a busy warehouse is reported at once); the flow then finds it held by
its caller and does not take it twice.
"""

from __future__ import annotations

import contextvars
import hashlib
import os
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

DEFAULT_LOCK_WAIT = 60.0
_held: contextvars.ContextVar[frozenset[str]] = contextvars.ContextVar(
    "pickup_etl_writer_locks", default=frozenset()
)


class WriterBusy(RuntimeError):
    """Another run is writing the warehouse and did not finish within the wait."""


def writer_lock_path(db_path: Path) -> Path:
    return db_path.with_name(f".{db_path.name}.lock")


def concurrency_limit_name(db_path: Path) -> str:
    """The Prefect global concurrency limit guarding one warehouse file."""
    digest = hashlib.blake2b(str(db_path.resolve()).encode(), digest_size=6).hexdigest()
    return f"pickup-etl-writer-{digest}"


def shares_prefect_server() -> bool:
    """True when runs talk to a long-lived Prefect server rather than a private temporary one."""
    if os.environ.get("PICKUP_ETL_TEMPORARY_SERVER"):
        return False
    if "prefect" not in sys.modules and not os.environ.get("PREFECT_API_URL"):
        return False  # a local run: Prefect is not even imported
    if os.environ.get("PREFECT_API_URL"):
        return True
    try:
        from prefect.settings import get_current_settings

        return bool(get_current_settings().api.url)
    except Exception:  # Prefect not importable or settings unreadable: no shared server
        return False


@contextmanager
def writer_lock(db_path: Path, wait: float = DEFAULT_LOCK_WAIT) -> Iterator[None]:
    """Hold the writer lock of `db_path`, waiting at most `wait` seconds for it.

    Raises WriterBusy when another run keeps it longer than that.
    """
    db_path = db_path.resolve()  # a link to the warehouse is the warehouse: one lock
    key = str(db_path)
    if key in _held.get():
        yield  # our caller holds it
        return
    deadline = time.monotonic() + wait
    busy = (
        f"another run is writing {db_path} (waited {wait:.0f}s); "
        "try again when it ends, or pass --wait SECONDS"
    )
    with ExitStack() as stack:
        if shares_prefect_server():
            stack.enter_context(_concurrency_slot(db_path, wait, busy))
        from filelock import FileLock, Timeout

        db_path.parent.mkdir(parents=True, exist_ok=True)
        lock = FileLock(str(writer_lock_path(db_path)), thread_local=False)
        try:
            lock.acquire(timeout=max(0.0, deadline - time.monotonic()))
        except Timeout:
            raise WriterBusy(busy) from None
        stack.callback(lock.release)
        token = _held.set(_held.get() | {key})
        stack.callback(_held.reset, token)
        yield


@contextmanager
def _concurrency_slot(db_path: Path, wait: float, busy: str) -> Iterator[None]:
    from prefect.client.orchestration import get_client
    from prefect.concurrency.sync import concurrency

    name = concurrency_limit_name(db_path)
    with get_client(sync_client=True) as client:
        client.upsert_global_concurrency_limit_by_name(name, limit=1)
    try:
        # A short lease, renewed while the run lives: a run that dies frees the slot within
        # a minute rather than Prefect's default five.
        slot = concurrency(
            name, occupy=1, timeout_seconds=max(wait, 0.1), lease_duration=60, strict=True
        )
        slot.__enter__()
    except TimeoutError:
        raise WriterBusy(f"{busy} [Prefect concurrency limit {name}]") from None
    try:
        yield
    finally:
        slot.__exit__(None, None, None)
