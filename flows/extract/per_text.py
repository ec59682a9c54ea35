"""A value worked out once for the text being read.

Several rules ask the same question of every sentence of one article (where its
credit words are, its period phrases, the role of each market it names); the
answer for the whole text is worked out at the first question and kept until a
text with other content comes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class PerText(Generic[T]):
    """`make(text)`, kept for the last text. The kept pair is read once per call, so
    parses on two threads each get their own text's value (at worst made twice)."""

    def __init__(self, make: Callable[[str], T]) -> None:
        self._make = make
        self._kept: tuple[str, T] | None = None

    def __call__(self, text: str) -> T:
        kept = self._kept
        if kept is None or not (kept[0] is text or kept[0] == text):
            kept = self._kept = (text, self._make(text))
        return kept[1]
