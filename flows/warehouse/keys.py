"""The one way the warehouse makes keys.

A key is the first 8 bytes of the BLAKE2b digest (digest size 8) of the
natural key's parts, written as text and joined by the unit separator U+001F,
read as a big-endian integer with its top bit cleared: a positive 63-bit
integer that fits DuckDB's BIGINT. The algorithm is fixed by the Python
standard library, not by polars or DuckDB, so a key never changes with a
library upgrade (`tests/test_record.py` pins known keys).

- entity: `stable_key("manufacturer", "Ford")`
- article version: `stable_key("article", article, content_hash, extractor_version)`
- a row of an article: `stable_key("claim", article_key, claim_index)`
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

import polars as pl

SEPARATOR = "\x1f"


def stable_key(*parts: object) -> int:
    """A positive 63-bit key from a natural key: the same parts give the same key in
    every run, process and library version."""
    return text_key(SEPARATOR.join(str(part) for part in parts))


def text_key(text: str) -> int:
    """The key of a natural key already written as text (its parts joined by SEPARATOR)."""
    digest = hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big") >> 1


def keys_of(kind: str, *columns: Iterable[object]) -> list[int]:
    """`stable_key(kind, *row)` for each row of some columns, in order."""
    return [stable_key(kind, *row) for row in zip(*columns, strict=True)]


def row_keys(kind: str, frame: pl.DataFrame, *columns: str) -> pl.Series:
    """`keys_of(kind, *columns)` for integer columns without nulls (an article key and
    a row index): polars writes the natural keys, Python only hashes them."""
    texts = frame.select(
        pl.concat_str(
            [pl.lit(kind), *(pl.col(name).cast(pl.Int64).cast(pl.String) for name in columns)],
            separator=SEPARATOR,
        )
    ).to_series()
    if texts.null_count():
        raise ValueError(f"a {kind} key needs every part: {columns} has nulls")
    return pl.Series([text_key(text) for text in texts], dtype=pl.Int64)
