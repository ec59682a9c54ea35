"""Finding many fixed phrases in a text at once.

A regular expression that alternates hundreds of phrases tries each of them
at every position of the text; an Aho-Corasick automaton finds all of them in
one pass. Phrases are matched on the text's match view (lower case, every
non-word character a space, offsets kept), so "best-selling", "best selling"
and "Best Selling" are one phrase.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

# ASCII letters lowered, every other ASCII character but digits made a space, in one
# bytes.translate; the few non-ASCII characters of a news text are mapped one by one.
_ASCII_VIEW = bytes(
    (code + 32 if 65 <= code <= 90 else code if chr(code).isalnum() else 32) for code in range(256)
)
_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def _non_ascii_view(match: re.Match[str]) -> str:
    ch = match.group()
    if not ch.isalnum():
        return " "
    return ch.lower()[:1] or ch  # a few characters grow when lowered ("İ" is "i̇")


def match_view(text: str) -> str:
    """The text in lower case with every non-word character a space, offsets kept."""
    if not text.isascii():
        text = _NON_ASCII.sub(_non_ascii_view, text)
        if not text.isascii():  # letters beyond ASCII stay, lowered
            chars = list(text.encode("ascii", "replace").translate(_ASCII_VIEW).decode("ascii"))
            for match in _NON_ASCII.finditer(text):
                chars[match.start()] = match.group()
            return "".join(chars)
    return text.encode("ascii").translate(_ASCII_VIEW).decode("ascii")


def phrase_key(phrase: str) -> str:
    """A phrase as the match view writes it, with single spaces."""
    return " ".join(match_view(phrase).split())


class PhraseFinder:
    """Whole-word occurrences of a set of phrases, leftmost-longest, without overlaps.

    Phrases written in capitals ("EV", "NEV") only match in capitals when
    `exact_capitals` is set. With `hyphen_joins`, a hyphen joins words ("X-sales" is
    not "sales"); without it, a hyphen separates them ("Jan-Jun" is two months).
    """

    def __init__(
        self, phrases: Iterable[str], exact_capitals: bool = False, hyphen_joins: bool = True
    ) -> None:
        import ahocorasick_rs

        self.hyphen_joins = hyphen_joins
        keys: dict[str, str | None] = {}
        for phrase in phrases:
            key = phrase_key(phrase)
            if not key:
                continue
            exact = phrase.strip() if exact_capitals and phrase.isupper() else None
            keys.setdefault(key, exact)
        self.keys = sorted(keys)
        self._exact = [keys[key] for key in self.keys]
        self._automaton = ahocorasick_rs.AhoCorasick(
            [f" {key} " for key in self.keys], matchkind=ahocorasick_rs.MatchKind.Standard
        )

    def find(self, text: str, view: str) -> list[tuple[int, int, str]]:
        """(start, end, key) of every phrase in text, given its match view."""
        padded = f" {view} "
        found = []
        # Each pattern is " key ": the spaces are the word boundaries, so matches of
        # one key never overlap and neighbouring words need overlapping search.
        for index, start, end in self._automaton.find_matches_as_indexes(padded, overlapping=True):
            text_start, text_end = start, end - 2  # padded[start] is the space before the phrase
            if self.hyphen_joins and (
                (text_start > 0 and text[text_start - 1] == "-")
                or (text_end < len(text) and text[text_end] == "-")
            ):
                continue  # "X-sales" is one word
            exact = self._exact[index]
            if exact is not None and text[text_start:text_end] != exact:
                continue
            found.append((text_start, text_end, self.keys[index]))
        found.sort(key=lambda item: (item[0], item[0] - item[1]))
        chosen: list[tuple[int, int, str]] = []
        for item in found:
            if not chosen or item[0] >= chosen[-1][1]:
                chosen.append(item)
        return chosen
