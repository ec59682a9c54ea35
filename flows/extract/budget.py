"""The time one article may take to parse.

Real articles parse in milliseconds; an input built to be slow (or a rule that
goes quadratic on some page) must not hold a run hostage. The stages check a
deadline between steps and every so many sentences, and the article is set
aside with the reason when it passes.
"""

from __future__ import annotations

import time

PARSE_SECONDS = 30.0


class OverBudget(Exception):
    """An article took longer than its budget to parse."""


def check(deadline: float | None) -> None:
    if deadline is not None and time.perf_counter() > deadline:
        raise OverBudget(f"took more than {PARSE_SECONDS:.0f} s to parse")
