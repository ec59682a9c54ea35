"""Exit codes of `pickup-etl`, as the README documents them.

A module of its own so that the command line and the code that runs the flow
both read them without importing each other.
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0  # every file loaded (or unchanged) and the warehouse was published
    FAILED = 1  # the run failed and nothing was published: the warehouse is as it was
    USAGE = 2  # a user mistake: bad argument, missing input; nothing ran
    PARTIAL = 3  # published, but with warnings: files or rows quarantined, an empty source
    BUSY = 4  # another run holds the warehouse
    FAILED_AFTER_PUBLISH = 5  # published, then a later step (report, docs, a view) failed
