"""Progress of a run for whoever started it (the terminal progress bar).

The flow reports what it has done through `emit`; a caller in the same
context (`pickup-etl run`) listens with `listening`. Without a listener,
`emit` does nothing: scheduled runs report through their logs.
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable, Iterator
from contextlib import contextmanager

Listener = Callable[[str, dict], None]
_listener: contextvars.ContextVar[Listener | None] = contextvars.ContextVar(
    "pickup_etl_progress", default=None
)


def emit(event: str, **data) -> None:
    listener = _listener.get()
    if listener is not None:
        listener(event, data)


@contextmanager
def listening(listener: Listener) -> Iterator[None]:
    token = _listener.set(listener)
    try:
        yield
    finally:
        _listener.reset(token)
