"""Named points where a run can be made to die, to prove a crash loses nothing.

With PICKUP_ETL_KILL_AT=<point> in its environment, a run kills its own
process with SIGKILL (no clean-up, as a power cut or the OOM killer would)
when it reaches that point. The crash-safety tests use it; nothing else sets it.
"""

from __future__ import annotations

import os
import signal

ENV = "PICKUP_ETL_KILL_AT"
POINTS = (
    "parse",  # a batch has been parsed, nothing loaded yet
    "load",  # rows are in the working database, inside the open transaction
    "commit",  # the transaction is committed, nothing published yet
    "publish",  # the working file is checkpointed and closed, not yet renamed
    "docs",  # the warehouse is published, Data Docs are being written
)


def kill_point(point: str) -> None:
    if os.environ.get(ENV) == point:
        os.kill(os.getpid(), signal.SIGKILL)
