"""Bytes to article records: charset detection and the supported file formats.

`read_records(name, data, manifest_row)` turns one file's bytes into zero or
more `RawArticle` records plus `ReadProblem`s for what could not be used. It
never raises on bad input: every refusal carries a reason a person can act on.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import PurePosixPath

from flows.extract.textnorm import normalise

SUPPORTED_SUFFIXES = (
    ".txt",
    ".text",
    ".md",
    ".markdown",
    ".html",
    ".htm",
    ".json",
    ".jsonl",
    ".ndjson",
)
DEFAULT_MAX_BYTES = 20 * 1024 * 1024
TOO_NESTED = (
    "JSON nested too deeply to read (arrays or objects inside each other thousands of levels deep)"
)

TITLE_FIELDS = ("title", "headline", "name")
TEXT_FIELDS = ("text", "body", "content", "article", "article_text", "description", "summary")
URL_FIELDS = ("url", "link", "canonical_url", "permalink")
PUBLISHED_FIELDS = (
    "published",
    "published_on",
    "published_at",
    "date",
    "pubDate",
    "datePublished",
    "publication_date",
    "created_at",
)
PUBLISHER_FIELDS = ("publisher", "source", "site", "site_name", "outlet")


@dataclass
class RawArticle:
    """One article as read from its file, before cleaning."""

    article: str
    path: str
    record: int | None
    text: str
    format: str
    encoding: str
    title: str | None = None
    url: str | None = None
    publisher: str | None = None
    published: str | None = None
    metadata_source: str | None = None


@dataclass
class ReadProblem:
    """Why a file (or one record of it) could not be read."""

    path: str
    record: int | None
    reason: str
    # An operating-system error (gone, locked, I/O) that may pass if the read is tried again.
    retryable: bool = False


_MAGIC = (
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"%PDF", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive (or an Office document)"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"\x7fELF", "an executable"),
    (b"RIFF", "a RIFF media file"),
    (b"BM", None),  # too short a signature to trust alone
)
_BOMS = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)


def sniff_binary(data: bytes, records_per_line: bool = False) -> str | None:
    """A description of the binary format, or None when the bytes look like text.

    In a file of one record per line, a NUL byte spoils only its own line, which
    the record reader refuses on its own; the file as a whole is not binary."""
    for magic, description in _MAGIC:
        if description and data.startswith(magic):
            return description
    if any(data.startswith(bom) for bom, _ in _BOMS):
        return None
    head = data[:4096]
    if b"\x00" in head and not records_per_line:
        return "binary data (it contains NUL bytes)"
    controls = sum(1 for byte in head if byte < 9 or 13 < byte < 32)
    if head and controls / len(head) > 0.05:
        return "binary data (mostly control bytes)"
    return None


def decode(data: bytes) -> tuple[str, str]:
    """Text and the encoding it was read with: BOM, else UTF-8, else detected, else cp1252."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            text = data[len(bom) :].decode(encoding.removesuffix("-sig"), errors="replace")
            return text, encoding.removesuffix("-sig")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    if _reads_as_western(data):
        return data.decode("cp1252"), "cp1252"
    guess = _detect(data)
    if guess:
        try:
            return data.decode(guess), guess
        except (UnicodeDecodeError, LookupError):
            pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"


# In cp1252 these stand for letters of other code pages (Polish ł is ³, ż is ¿, ą is ¹):
# beside a letter they say the text is not cp1252.
_FOREIGN_LETTER = re.compile(r"(?<=[^\W\d_])[¹³¿¥¼¾]|[¹³¿¥¼¾](?=[^\W\d_])")


def _reads_as_western(data: bytes) -> bool:
    """True when the bytes read as plausible Western European text in cp1252, the
    usual encoding of news files that are not UTF-8 (detectors guess poorly on short text)."""
    try:
        text = data[:65536].decode("cp1252")
    except UnicodeDecodeError:
        return False  # a byte cp1252 leaves undefined
    letters = sum(1 for ch in text if ch.isalpha())
    accented = sum(1 for ch in text if ch.isalpha() and ord(ch) > 127)
    if letters and accented / letters > 0.3:
        return False  # words made of accented letters: Cyrillic, Greek, ... in disguise
    return _FOREIGN_LETTER.search(text) is None


# Single-byte Western guesses are all read as cp1252: it is what such news
# text almost always is, and it decodes curly quotes that latin-1 would not.
_WESTERN = {"cp1252", "latin_1", "iso8859_15", "iso8859_1", "mac_roman", "ascii"}


def _detect(data: bytes) -> str | None:
    from charset_normalizer import from_bytes

    best = from_bytes(data[:65536]).best()
    if best is None:
        return None
    encoding = best.encoding.lower().replace("-", "_")
    if encoding in _WESTERN or _is_dos_code_page(encoding):
        # A short Western text often scores as a DOS code page (cp850, cp852, ...), which
        # turns its curly quotes and dashes into box letters; news files are not DOS files.
        return "cp1252"
    return best.encoding


def _is_dos_code_page(encoding: str) -> bool:
    digits = encoding.removeprefix("cp").removeprefix("ibm")
    return digits.isdigit() and (digits.startswith(("4", "7", "8")) and len(digits) == 3)


def read_records(
    name: str,
    data: bytes,
    manifest_row: dict[str, str] | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> tuple[list[RawArticle], list[ReadProblem]]:
    """Records and problems of one file, given its path relative to the source folder."""
    suffix = PurePosixPath(name).suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        listed = " ".join(SUPPORTED_SUFFIXES)
        return [], [
            ReadProblem(
                name, None, f"unsupported file type '{suffix or '(none)'}'; supported: {listed}"
            )
        ]
    if len(data) > max_bytes:
        return [], [
            ReadProblem(
                name,
                None,
                f"file is {len(data) / 1e6:.1f} MB, over the {max_bytes / 1e6:.0f} MB limit "
                "for one input file; split it or raise --max-file-mb",
            )
        ]
    if not data:
        return [], [ReadProblem(name, None, "empty file (0 bytes)")]
    binary = sniff_binary(data, records_per_line=suffix in (".jsonl", ".ndjson"))
    if binary:
        return [], [ReadProblem(name, None, f"not text: the file is {binary}")]
    text, encoding = decode(data)
    if not text.strip():
        return [], [ReadProblem(name, None, "no text: the file holds only whitespace")]
    manifest = _manifest_fields(manifest_row)
    if suffix in (".json",):
        return _json_records(name, text, encoding, manifest)
    if suffix in (".jsonl", ".ndjson"):
        return _jsonl_records(name, text, encoding, manifest)
    if suffix in (".html", ".htm"):
        from flows.extract.html import TooDeep, html_to_article

        try:
            parsed = html_to_article(text)
        except TooDeep as error:
            return [], [ReadProblem(name, None, str(error))]
        article = RawArticle(
            article=name,
            path=name,
            record=None,
            text=parsed.text,
            format="html",
            encoding=encoding,
            title=parsed.title,
            url=parsed.url,
            publisher=parsed.publisher,
            published=parsed.published,
            metadata_source="html_meta" if (parsed.publisher or parsed.published) else None,
        )
        return _finish([_apply_manifest(article, manifest)], name)
    if suffix in (".md", ".markdown"):
        body, front = markdown_to_text(text)
        article = RawArticle(
            article=name,
            path=name,
            record=None,
            text=body,
            format="markdown",
            encoding=encoding,
            title=front.get("title"),
            url=front.get("url"),
            publisher=front.get("publisher"),
            published=front.get("published"),
            metadata_source="front_matter" if front else None,
        )
        return _finish([_apply_manifest(article, manifest)], name)
    article = RawArticle(
        article=name, path=name, record=None, text=text, format="text", encoding=encoding
    )
    return _finish([_apply_manifest(article, manifest)], name)


def _finish(articles: list[RawArticle], name: str) -> tuple[list[RawArticle], list[ReadProblem]]:
    kept = [article for article in articles if article.text.strip()]
    problems = [
        ReadProblem(name, article.record, "no article text left after removing markup")
        for article in articles
        if not article.text.strip()
    ]
    return kept, problems


def _manifest_fields(row: dict[str, str] | None) -> dict[str, str]:
    if not row:
        return {}
    return {
        "url": row.get("url") or "",
        "publisher": row.get("publisher") or "",
        "published": row.get("published_on") or "",
    }


def _apply_manifest(article: RawArticle, manifest: dict[str, str]) -> RawArticle:
    """Manifest values fill what the file itself did not declare."""
    if not manifest:
        return article
    used = False
    for field_name in ("url", "publisher", "published"):
        if manifest.get(field_name) and not getattr(article, field_name):
            setattr(article, field_name, manifest[field_name])
            used = True
    if used and article.metadata_source is None:
        article.metadata_source = "manifest"
    return article


def _first(record: dict, fields: tuple[str, ...]) -> str | None:
    for field_name in fields:
        value = record.get(field_name)
        if isinstance(value, dict):
            value = value.get("name") or value.get("title")
        if isinstance(value, str | int | float) and str(value).strip():
            return str(value).strip()
    return None


def _record_article(
    name: str,
    index: int,
    record: object,
    fmt: str,
    encoding: str,
    manifest: dict[str, str],
    single: bool,
) -> RawArticle | ReadProblem:
    where = "the file" if single else f"record {index}"
    if not isinstance(record, dict):
        return ReadProblem(
            name,
            index,
            f"{where} is a JSON {type(record).__name__}, expected an object with a 'text' field",
        )
    text = _first(record, TEXT_FIELDS)
    if not text:
        return ReadProblem(
            name, index, f"{where} has no article text (expected one of: {', '.join(TEXT_FIELDS)})"
        )
    looks_html = bool(re.search(r"<(p|div|br|h[1-6]|article)\b", text, re.IGNORECASE))
    if looks_html:
        from flows.extract.html import html_to_article

        text = html_to_article(text).text
    article = RawArticle(
        article=name if single else f"{name}#{index}",
        path=name,
        record=None if single else index,
        text=text,
        format=fmt,
        encoding=encoding,
        title=_first(record, TITLE_FIELDS),
        url=_first(record, URL_FIELDS),
        publisher=_first(record, PUBLISHER_FIELDS),
        published=_first(record, PUBLISHED_FIELDS),
    )
    if article.publisher or article.published:
        article.metadata_source = "json"
    return _apply_manifest(article, manifest)


def _json_records(name: str, text: str, encoding: str, manifest: dict[str, str]):
    try:
        payload = json.loads(text)
    except json.JSONDecodeError as error:
        return [], [
            ReadProblem(
                name, None, f"invalid JSON at line {error.lineno} column {error.colno}: {error.msg}"
            )
        ]
    except RecursionError:
        return [], [ReadProblem(name, None, TOO_NESTED)]
    if isinstance(payload, dict):
        for key in ("articles", "items", "data", "records", "results"):
            if isinstance(payload.get(key), list):
                payload = payload[key]
                break
    single = isinstance(payload, dict)
    records = [payload] if single else payload if isinstance(payload, list) else [payload]
    articles: list[RawArticle] = []
    problems: list[ReadProblem] = []
    for index, record in enumerate(records, start=1):
        result = _record_article(name, index, record, "json", encoding, manifest, single)
        (problems if isinstance(result, ReadProblem) else articles).append(result)
    kept, empty = _finish(articles, name)
    return kept, problems + empty


def _jsonl_records(name: str, text: str, encoding: str, manifest: dict[str, str]):
    articles: list[RawArticle] = []
    problems: list[ReadProblem] = []
    for line_number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        if "\x00" in line:
            problems.append(
                ReadProblem(
                    name,
                    line_number,
                    f"line {line_number} holds NUL bytes (binary data, not a JSON record); the other lines were read",
                )
            )
            continue
        try:
            record = json.loads(line)
        except RecursionError:
            problems.append(ReadProblem(name, line_number, f"line {line_number}: {TOO_NESTED}"))
            continue
        except json.JSONDecodeError as error:
            problems.append(
                ReadProblem(
                    name,
                    line_number,
                    f"line {line_number} is not valid JSON ({error.msg} at column {error.colno}); the other lines were read",
                )
            )
            continue
        result = _record_article(
            name, line_number, record, "jsonl", encoding, manifest, single=False
        )
        (problems if isinstance(result, ReadProblem) else articles).append(result)
    kept, empty = _finish(articles, name)
    return kept, problems + empty


_FRONT_MATTER = re.compile(r"\A---\s*\n(.*?)\n---\s*\n", re.DOTALL)
_FRONT_KEYS = {
    "title": "title",
    "url": "url",
    "link": "url",
    "publisher": "publisher",
    "source": "publisher",
    "date": "published",
    "published": "published",
    "published_on": "published",
}
_MD_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_MD_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")
_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$", re.MULTILINE)
_MD_EMPHASIS = re.compile(r"(\*\*|__|\*|_|~~)(?=\S)(.+?)(?<=\S)\1")
_MD_CODE = re.compile(r"`([^`]*)`")
_MD_QUOTE = re.compile(r"^\s{0,3}>\s?", re.MULTILINE)
_MD_RULE = re.compile(r"^\s{0,3}([-*_]\s*){3,}$", re.MULTILINE)
_MD_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}.*$", re.MULTILINE)


def markdown_to_text(text: str) -> tuple[str, dict[str, str]]:
    """Plain text of a Markdown article and the fields of its YAML front matter."""
    front: dict[str, str] = {}
    match = _FRONT_MATTER.match(text)
    if match:
        for line in match.group(1).splitlines():
            key, _, value = line.partition(":")
            field_name = _FRONT_KEYS.get(key.strip().lower())
            if field_name and value.strip():
                front[field_name] = value.strip().strip("'\"")
        text = text[match.end() :]
    text = _MD_IMAGE.sub("", text)
    text = _MD_LINK.sub(r"\1", text)
    text = _MD_HEADING.sub(r"\1", text)
    text = _MD_RULE.sub("", text)
    text = _MD_TABLE_RULE.sub("", text)
    text = _MD_QUOTE.sub("", text)
    text = _MD_CODE.sub(r"\1", text)
    text = _MD_EMPHASIS.sub(r"\2", text)
    return text, front


MANIFEST_COLUMNS = ("file", "url", "publisher", "published_on")
MAX_MANIFEST_FIELD = 4096  # characters: a URL or publisher name, never a page of text
EARLIEST_PUBLICATION = date(1990, 1, 1)


@dataclass
class Manifest:
    """The usable rows of one manifest.csv, keyed by file name, and a problem per bad row."""

    rows: dict[str, dict[str, str]]
    problems: list[str]
    lines: dict[str, int] = field(default_factory=dict)  # file name -> its line


def parse_manifest(data: bytes, today: date | None = None) -> Manifest:
    """Rows of a manifest.csv (file,url,publisher,published_on) keyed by file name.

    Never raises: a row that cannot be used, or a value that cannot, is named in
    `problems` by its line number, and the rest of the manifest is used."""
    import csv
    import io

    today = today or date.today()
    text, _ = decode(data)
    # The default limit (128 KiB) raises mid-file; fields are checked below instead.
    csv.field_size_limit(max(len(text) + 1, csv.field_size_limit()))
    reader = csv.reader(io.StringIO(normalise(text)))
    try:
        header = [(name or "").strip().lower() for name in next(reader)]
    except (StopIteration, csv.Error):
        return Manifest(
            {}, ["the manifest is empty: expected the header file,url,publisher,published_on"]
        )
    if "file" not in header:
        return Manifest(
            {},
            [
                f"the header has no `file` column ({','.join(header)[:200]}): "
                "expected file,url,publisher,published_on; no row was used"
            ],
        )
    rows: dict[str, dict[str, str]] = {}
    first_line: dict[str, int] = {}
    problems: list[str] = []
    while True:
        try:
            values = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            problems.append(f"line {reader.line_num}: not valid CSV ({error}); row ignored")
            continue
        line = reader.line_num
        if not any(value.strip() for value in values):
            continue
        row = {name: value.strip() for name, value in zip(header, values, strict=False) if name}
        file_name = row.get("file", "")
        if not file_name:
            problems.append(f"line {line}: no file name; row ignored")
            continue
        too_long = [name for name, value in row.items() if len(value) > MAX_MANIFEST_FIELD]
        if too_long:
            problems.append(
                f"line {line}: {', '.join(too_long)} longer than {MAX_MANIFEST_FIELD} characters; row ignored"
            )
            continue
        if file_name in rows:
            problems.append(
                f"line {line}: a second row for {file_name} (first on line {first_line[file_name]}); "
                "the first is used"
            )
            continue
        problem = _check_published_on(row, line, today)
        if problem:
            problems.append(problem)
            row["published_on"] = ""
        rows[file_name] = {name: row.get(name, "") for name in MANIFEST_COLUMNS}
        first_line[file_name] = line
    return Manifest(rows, problems, first_line)


def _check_published_on(row: dict[str, str], line: int, today: date) -> str | None:
    value = row.get("published_on", "")
    if not value:
        return None
    try:
        published = date.fromisoformat(value)
    except ValueError:
        return f"line {line}: published_on {value[:40]!r} is not a date (YYYY-MM-DD); the date is inferred from the text"
    latest = today.replace(year=today.year + 1) if (today.month, today.day) != (2, 29) else today
    if not EARLIEST_PUBLICATION <= published <= latest:
        return (
            f"line {line}: published_on {value} is out of range ({EARLIEST_PUBLICATION} to {latest}); "
            "the date is inferred from the text"
        )
    return None


@dataclass
class BatchRead:
    """The records of a batch of files as read, before any parsing."""

    records: list[RawArticle]
    problems: list[ReadProblem]
    hashes: dict[str, str]
    seconds: float

    @property
    def retryable(self) -> list[ReadProblem]:
        return [problem for problem in self.problems if problem.retryable]
