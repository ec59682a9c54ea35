"""Tokens and entity mentions: what recognition finds and every later stage reads."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import NamedTuple

_TOKEN = re.compile(r"[^\W_]+")


class Token(NamedTuple):
    start: int
    end: int
    text: str
    lower: str


@dataclass(frozen=True)
class Mention:
    type: str
    name: str
    start: int
    end: int
    surface: str
    sentence: int
    demonym: bool = False
    rule: str = "reference"
    owner: str | None = None  # a model's manufacturer: "Strada" is Fiat's or Mitsubishi's


def tokenize(text: str, start: int = 0, end: int | None = None) -> list[Token]:
    matches = _TOKEN.finditer(text, start, len(text) if end is None else end)
    return [Token(m.start(), m.end(), m.group(), m.group().lower()) for m in matches]
