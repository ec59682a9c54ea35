"""Cleaning: normalised text, title and dek, paragraphs, boilerplate removed.

The cleaned text is the article's kept paragraphs joined by newlines; every
later offset points into it. What was removed is kept with its kind, so a
reader can see why a line is gone.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from flows.extract.textnorm import normalise
from flows.extract.words import MONTHS
from flows.reference import BoilerplateRule


@dataclass
class Paragraph:
    start: int
    end: int
    kind: str  # title | dek | heading | body | bullet
    block: int  # paragraphs between blank lines or headings share a block
    section: int  # a heading opens a section that runs to the next heading


@dataclass
class CleanArticle:
    text: str
    paragraphs: list[Paragraph]
    title: str | None
    dek: str | None
    removed: list[tuple[str, str]] = field(default_factory=list)
    publisher_hints: list[str] = field(default_factory=list)
    dateline: str | None = None

    @property
    def word_count(self) -> int:
        return len(self.text.split())


# Paragraphs are separated by a blank line, so the cleaned text reads back as the same
# paragraphs (cleaning it again changes nothing).
PARAGRAPH_BREAK = "\n\n"
# "| a | b |", and "a | b |" as some pages write their tables (two pipes at least).
_TABLE_ROW = re.compile(r"^\|.*\|$|^[^|]+\|[^|]*\|(?:[^|]*\|)*$")
# One or more list markers ("- ", "1. ", "• - "): all go, so the text is clean in one pass.
_BULLET = re.compile(r"^(?:(?:[•·▪◦●○■□►▸‣⁃*–-]|\d{1,2}[.)])\s+)+")
_TERMINAL = re.compile(r"[.!?…:;]['\")\]]*$")
_SENTENCE_END = re.compile(r"[.!?]['\")\]]*$")
_WORD = re.compile(r"[^\W_]+(?:['-][^\W_]+)*")
# "Electrek's Take", "CarExpert's Verdict": an outlet signing its own section.
_OUTLET_HEADING = re.compile(r"^(.{2,40}?)'s (take|view|verdict|opinion|analysis)$", re.IGNORECASE)
_CREDIT_LINE = re.compile(
    r"^(?:©|\(c\)|copyright)\s*(?:\d{4}\s*)?(.+?)(?:\.|,|\s+all rights reserved.*)?$"
    r"|^(?:this (?:article|story) )?(?:was )?originally (?:appeared|published) (?:on|in) (.+?)\.?$",
    re.IGNORECASE,
)
_DATELINE = re.compile(
    r"^(?:published|posted|updated|last updated|date)?\s*:?\s*"
    r"((?:mon|tue|wed|thu|fri|sat|sun)[a-z]*,?\s+)?"
    r"(\d{4}-\d{2}-\d{2}|\d{1,2}\s+[A-Z][a-z]{2,8}\.?\s+\d{4}|[A-Z][a-z]{2,8}\.?\s+\d{1,2},?\s+\d{4})"
    r"(?:\s*(?:at\s+)?\d{1,2}[:.]\d{2}\s*(?:am|pm|a\.m\.|p\.m\.)?(?:\s*[A-Z]{2,4})?)?\s*$",
    re.IGNORECASE,
)


# "AUBURN HILLS, Mich., Dec. 2, 2025 — Ram today ..." / "TOKYO, May 9, 2025 (Kyodo) —"
_LEAD_DATELINE = re.compile(
    r"^[A-Z][A-Z .'-]{2,40}(?:,\s*[A-Z][A-Za-z]*\.?)*,\s*"
    r"((?i:" + MONTHS + r")\.?\s+\d{1,2},\s+\d{4})\b"
)


# "Diesel: 16,060 units, +19% month-on-month": a line of figures, however terse.
_FIGURES = re.compile(r"\d,\d{3}|\d\s?(?:%|per\s?cent\b|units?\b)")
_LABELLED_FIGURES = re.compile(r"^[^:]{1,50}:\s+\S.*\d")


def _words_after(lines: list[str], index: int, keep: list[bool]) -> int:
    return sum(len(lines[i].split()) for i in range(index + 1, len(lines)) if keep[i])


def _is_tag_line(line: str) -> bool:
    """Keyword-stuffed tag lines: many short comma-separated items, no sentence."""
    if _SENTENCE_END.search(line) or line.count(",") < 3 or _FIGURES.search(line):
        return False
    items = [item.strip() for item in line.split(",")]
    return all(0 < len(item.split()) <= 6 for item in items)


def _is_title_like(line: str) -> bool:
    words = line.split()
    return 0 < len(words) <= 20 and not re.search(r"[.!:;,]['\")]*$", line)


def _is_heading_like(line: str) -> bool:
    words = line.split()
    return (
        0 < len(words) <= 12
        and not _TERMINAL.search(line)
        and not _BULLET.match(line)
        and not (_LABELLED_FIGURES.match(line) and _FIGURES.search(line))
    )


def _proper_nouns(line: str) -> set[str]:
    """Capitalised words that do not open a sentence: names the text is about."""
    names: set[str] = set()
    previous_end = True
    for match in _WORD.finditer(line):
        word = match.group()
        if word[0].isupper() and not previous_end and len(word) > 1:
            names.add(word)
        tail = line[match.end() : match.end() + 2]
        previous_end = bool(re.match(r"[.!?…]", tail))
    return names


def _unwrap(lines: list[str]) -> list[str]:
    """Join hard-wrapped lines (a long line without a stop, then a lowercase start)."""
    joined: list[str] = []
    for line in lines:
        if (
            joined
            and line
            and joined[-1]
            and len(joined[-1]) > 40
            and not _TERMINAL.search(joined[-1])
            and (line[0].islower() or line[0].isdigit())
            and not _BULLET.match(line)
        ):
            joined[-1] = f"{joined[-1]} {line}"
        else:
            joined.append(line)
    return joined


def _without_counter(line: str) -> str:
    """A line without the count at its end ("Share 12", "Comments 3")."""
    stripped = line.rstrip("0123456789")
    return stripped.rstrip() if len(stripped) < len(line) else line


def clean_text(
    raw_text: str,
    boilerplate: list[BoilerplateRule],
    declared_title: str | None = None,
) -> CleanArticle:
    """Clean one article's text. Pure: the rules come in as an argument."""
    lines = _unwrap([line.strip() for line in normalise(raw_text).split("\n")])
    removed: list[tuple[str, str]] = []
    publisher_hints: list[str] = []
    keep = [bool(line) for line in lines]
    any_rule = _any_rule(boilerplate)

    folded = Counter(_without_counter(line).lower() for line in lines if line)
    index = 0
    while index < len(lines):
        line = lines[index]
        if not line:
            index += 1
            continue
        # A bullet's marker is not part of its text: "- Tags: ..." is the tag line
        # "Tags: ...", and cleaning the cleaned text (markers dropped) finds the same.
        bullet = _BULLET.match(line)
        probe = line[bullet.end() :] if bullet and len(line) > bullet.end() else line
        rule = (
            next((rule for rule in boilerplate if rule.pattern.search(probe)), None)
            if any_rule.search(probe)
            else None
        )
        if rule is not None:
            credit = _CREDIT_LINE.match(line)
            if credit:
                publisher_hints.append((credit.group(1) or credit.group(2) or "").strip())
            keep[index] = False
            removed.append((rule.kind, line))
            # A "Comments" link above the story is furniture of its own; the comments
            # themselves follow the story, after most of its words.
            before = sum(len(lines[i].split()) for i in range(index) if keep[i])
            if rule.action == "rest" and before >= _words_after(lines, index, keep):
                for later in range(index + 1, len(lines)):
                    if lines[later] and keep[later]:
                        keep[later] = False
                        removed.append((rule.kind, lines[later]))
                break
            if rule.action == "rest_of_block":
                later = index + 1
                while later < len(lines) and lines[later]:
                    keep[later] = False
                    removed.append((rule.kind, lines[later]))
                    later += 1
                index = later
                continue
            if rule.action == "comment_block":
                index = _drop_comment_block(lines, keep, index, removed)
                continue
        elif _is_tag_line(probe):
            keep[index] = False
            removed.append(("tag_line", line))
        elif folded[_without_counter(line).lower()] > 1 and len(line.split()) > 3:
            # The same long line more than once is page furniture, not prose.
            keep[index] = False
            removed.append(("repeated", line))
        index += 1

    return _assemble(lines, keep, removed, publisher_hints, declared_title)


_ANY_RULE: dict[int, tuple[list[BoilerplateRule], re.Pattern[str]]] = {}


def _any_rule(boilerplate: list[BoilerplateRule]) -> re.Pattern[str]:
    """One pattern that matches where any rule does: most lines match none, and one
    search is cheaper than thirty."""
    cached = _ANY_RULE.get(id(boilerplate))
    if cached is None or cached[0] is not boilerplate:
        combined = "|".join(f"(?:{rule.pattern.pattern})" for rule in boilerplate) or "(?!)"
        cached = _ANY_RULE[id(boilerplate)] = (boilerplate, re.compile(combined, re.IGNORECASE))
    return cached[1]


def _drop_comment_block(lines: list[str], keep: list[bool], header: int, removed: list) -> int:
    """Drop a reader-comment widget: the header and the comment lines under it.

    A comment block ends at the first line that names something the article
    named before it (the article resumes), or after a few lines.
    """
    known: set[str] = set()
    for earlier in range(header):
        if keep[earlier]:
            known |= _proper_nouns(lines[earlier])
    index = header + 1
    dropped = 0
    while index < len(lines) and dropped < 6:
        line = lines[index]
        if line:
            quoted = line[0] in "\"'"
            if not quoted and _proper_nouns(line) & known:
                break
            keep[index] = False
            removed.append(("comments", line))
            dropped += 1
        index += 1
    return index


def _take_dateline(kept: list[tuple[str, int]], removed: list[tuple[str, str]]) -> str | None:
    """Date lines at the top or the bottom are furniture. Removing one brings the next
    line into reach, so look again until none is left: cleaning twice then changes
    nothing. Without one, a dateline opening the lead ("TOKYO, May 9, 2025 —")."""
    dateline = None
    while True:
        window = [*range(min(3, len(kept))), *range(max(0, len(kept) - 3), len(kept))]
        position = next((p for p in window if _DATELINE.match(kept[p][0])), None)
        if position is None:
            break
        dateline = dateline or kept[position][0]
        removed.append(("dateline", kept[position][0]))
        kept.pop(position)
    if dateline is None:
        for line, _block in kept[:3]:
            match = _LEAD_DATELINE.match(line)
            if match:
                return match.group(1)
    return dateline


def _line_kind(kept, position: int, title, dek, publisher_hints) -> tuple[str, str]:
    """What one kept line is (title, table row, bullet, dek, heading, body) and its text."""
    line, line_block = kept[position]
    bullet = _BULLET.match(line)
    if position == 0 and title is not None:
        return "title", line
    if _TABLE_ROW.match(line):
        # The first row of a table names its columns.
        previous_row = position > 0 and _TABLE_ROW.match(kept[position - 1][0])
        return ("table_row" if previous_row else "table_header"), line
    if bullet and len(line) > bullet.end():
        return "bullet", line[bullet.end() :]
    if (
        title is not None
        and dek is None
        and position == 1
        and len(line.split()) <= 45
        and not re.search(r"\d", line)  # a lede with figures is the story, not its standfirst
        and (len(kept) < 3 or kept[2][1] != line_block)
    ):
        return "dek", line
    if _is_heading_like(line) and position + 1 < len(kept):
        match = _OUTLET_HEADING.match(line)
        if match:
            publisher_hints.append(match.group(1))
        return "heading", line
    return "body", line


def _paragraphs(kept, title, publisher_hints):
    """The paragraphs of the cleaned text, their kinds, blocks and sections."""
    paragraphs: list[Paragraph] = []
    pieces: list[str] = []
    offset = 0
    block = 0
    section = 0
    previous_block = None
    dek = None
    for position, (_line, line_block) in enumerate(kept):
        kind, text = _line_kind(kept, position, title, dek, publisher_hints)
        if kind == "dek":
            dek = text
        if kind in ("title", "heading", "dek") or line_block != previous_block:
            block += 1
        if kind == "heading":
            section += 1
        previous_block = line_block
        paragraphs.append(Paragraph(offset, offset + len(text), kind, block, section))
        pieces.append(text)
        offset += len(text) + len(PARAGRAPH_BREAK)
        if kind in ("title", "heading", "dek"):
            block += 1
    return paragraphs, pieces, dek


def _assemble(
    lines: list[str],
    keep: list[bool],
    removed: list[tuple[str, str]],
    publisher_hints: list[str],
    declared_title: str | None,
) -> CleanArticle:
    kept: list[tuple[str, int]] = []  # (line, block)
    block = 0
    for line, is_kept in zip(lines, keep, strict=True):
        if not line:
            block += 1
            continue
        if is_kept:
            kept.append((line, block))
    dateline = _take_dateline(kept, removed)
    title = None
    declared = normalise(declared_title).strip() if declared_title else None
    if declared:
        title = declared
        if kept and kept[0][0].lower() == declared.lower():
            kept.pop(0)
        kept.insert(0, (declared, -1))
    elif len(kept) > 1 and _is_title_like(kept[0][0]) and not _BULLET.match(kept[0][0]):
        title = kept[0][0]
    paragraphs, pieces, dek = _paragraphs(kept, title, publisher_hints)
    return CleanArticle(
        text=PARAGRAPH_BREAK.join(pieces),
        paragraphs=paragraphs,
        title=title,
        dek=dek,
        removed=removed,
        publisher_hints=[hint for hint in publisher_hints if hint],
        dateline=dateline,
    )
