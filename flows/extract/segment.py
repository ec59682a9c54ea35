"""Sentences with character offsets into the cleaned text.

A sentence never crosses a paragraph. Boundaries are sentence-final
punctuation followed by space and a sentence start, except after
abbreviations ("U.S.", "Inc.", "No. 1", initials) that news text uses inside
sentences.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from flows.extract.clean import Paragraph


@dataclass(frozen=True)
class Sentence:
    index: int
    paragraph: int
    block: int  # paragraphs between blank lines or headings
    section: int  # from one heading to the next
    kind: str  # the paragraph's kind: title | dek | heading | body | bullet | table_header | table_row
    start: int
    end: int


_BOUNDARY = re.compile(r"(?:[.!?]+|…)['\")\]]*\s+(?=[\"'(\[]?[A-Z0-9•])")
# Abbreviations that never end a sentence in news copy.
_NEVER_SPLIT = {
    "mr",
    "mrs",
    "ms",
    "dr",
    "prof",
    "sr",
    "jr",
    "st",
    "no",
    "nos",
    "vs",
    "v",
    "gen",
    "gov",
    "sen",
    "rep",
    "lt",
    "col",
    "capt",
    "mt",
    "ft",
    "approx",
    "est",
    "jan",
    "feb",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
    "e.g",
    "i.e",
    "cf",
    "fig",
    "vol",
    "ref",
    "dept",
    "univ",
    "assn",
    "bros",
    "messrs",
}
# Abbreviations that end a sentence only when a typical sentence opener follows.
_SOMETIMES_SPLIT = {
    "u.s",
    "u.k",
    "e.u",
    "u.n",
    "inc",
    "ltd",
    "co",
    "corp",
    "plc",
    "llc",
    "a.m",
    "p.m",
    "etc",
    "bhd",
    "s.a",
    "ag",
}
_OPENERS = {
    "the",
    "a",
    "an",
    "it",
    "its",
    "this",
    "that",
    "these",
    "those",
    "he",
    "she",
    "they",
    "we",
    "i",
    "in",
    "on",
    "at",
    "but",
    "and",
    "however",
    "meanwhile",
    "there",
    "their",
    "his",
    "her",
    "our",
    "for",
    "as",
    "after",
    "before",
    "while",
    "when",
    "with",
    "by",
    "from",
    "to",
    "since",
    "some",
    "many",
    "most",
    "sales",
    "according",
    "last",
    "still",
    "also",
    "yet",
    "so",
    "if",
    "both",
    "each",
    "other",
    "one",
    "two",
    "three",
}
_LAST_WORD = re.compile(r"([A-Za-z](?:[A-Za-z.]*[A-Za-z])?)\.?['\")\]]*$")


def _is_boundary(paragraph_text: str, punct_start: int, next_start: int) -> bool:
    if paragraph_text[punct_start] != ".":
        return True
    # The word before the stop is all that matters: look at a short tail, not the whole
    # paragraph so far (that made long paragraphs quadratic).
    head = paragraph_text[max(0, punct_start - 40) : punct_start + 1].rstrip(".'\")]") + "."
    # The word holds no space: its last run of non-spaces is where to look.
    match = _LAST_WORD.search(head.rsplit(None, 1)[-1])
    word = match.group(1).lower() if match else ""
    if not word:
        return True
    if word in _NEVER_SPLIT:
        return False
    if len(word) == 1 and word.isalpha():
        # initials ("J. D. Power") and single-letter abbreviations
        return False
    if word in _SOMETIMES_SPLIT:
        following = re.match(r"[\"'(\[]?([A-Za-z]+)", paragraph_text[next_start:])
        return bool(following and following.group(1).lower() in _OPENERS)
    return True


def split_sentences(text: str, paragraphs: list[Paragraph]) -> list[Sentence]:
    """Sentences of every paragraph, in document order, with offsets into `text`."""
    sentences: list[Sentence] = []
    for paragraph_index, paragraph in enumerate(paragraphs):
        body = text[paragraph.start : paragraph.end]
        spans: list[tuple[int, int]] = []
        start = 0
        if paragraph.kind in ("body", "dek", "bullet"):
            for match in _BOUNDARY.finditer(body):
                if _is_boundary(body, match.start(), match.end()):
                    spans.append((start, match.end()))
                    start = match.end()
        spans.append((start, len(body)))
        for span_start, span_end in spans:
            piece = body[span_start:span_end]
            stripped_start = span_start + (len(piece) - len(piece.lstrip()))
            stripped_end = span_start + len(piece.rstrip())
            if stripped_end > stripped_start:
                sentences.append(
                    Sentence(
                        index=len(sentences),
                        paragraph=paragraph_index,
                        block=paragraph.block,
                        section=paragraph.section,
                        kind=paragraph.kind,
                        start=paragraph.start + stripped_start,
                        end=paragraph.start + stripped_end,
                    )
                )
    return sentences
