"""Patterns looked for only where their words are.

Many rules ask whether the words before a figure end with a phrase ("planned for",
"the same period last", "which went on sale in"): a pattern anchored at the end,
which the regular-expression engine tries at every offset of the text. Most of
those texts hold none of the phrase's words, and a substring check for them costs
a small part of one such search.
"""

from __future__ import annotations

import re
import sys


class CuedPattern:
    """A compiled pattern with words at least one of which every match contains
    (lower case). `search` looks for the words first, the pattern only then; a test
    checks, over real articles, that it answers as the pattern alone does."""

    def __init__(self, pattern: str, cues: tuple[str, ...], flags: int = re.IGNORECASE) -> None:
        self.pattern = re.compile(pattern, flags)
        self.cues = cues

    def search(self, text: str, start: int = 0, end: int = sys.maxsize) -> re.Match[str] | None:
        piece = text[start:end].lower()
        if not any(cue in piece for cue in self.cues):
            return None
        return self.pattern.search(text, start, end)
