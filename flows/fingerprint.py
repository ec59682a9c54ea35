"""An article's fingerprints: what tells two articles tell the same story.

News repeats itself two ways, and each leaves its own trace:

- **copies** (syndication, press-release pick-ups) share their wording: the
  text's MinHash over 5-word shingles, cut into bands; two copies share many
  bands, two articles on the same topic almost none;
- **rewrites** share their figures, not their words: the set of data figures
  an article states, each as (value to two significant digits, the year of its
  period, its markets), so "5,385" and "about 5,400" Cybertrucks in Q3 2025 in
  the US are the same figure, and a 2024 figure of another market is not.

Both are lists of 63-bit hashes, made as the warehouse makes its keys;
`flows/warehouse/stories.py` keeps them as an index in the warehouse and matches
a new article against it, so a new article is compared with the index, not with
each article loaded before.
"""

from __future__ import annotations

import hashlib
import re

import numpy as np
import polars as pl

from flows.warehouse.keys import SEPARATOR, stable_key, text_key

SHINGLE_WORDS = 5
NUM_PERM = 64
BANDS = 32
ROWS = NUM_PERM // BANDS  # two minhash values per band: equal with probability J²
SEED = 20251201
# Figures that identify a story: data, not the prices, targets, ranks and shares
# that many stories repeat ("the $39,990 starting price", "250,000 a year").
_DATA_METRICS = frozenset(
    ("sales", "registrations", "exports", "orders", "deliveries", "production")
)
_WORD = re.compile(r"\w+")


def _permutations(seed: int, count: int) -> tuple[np.ndarray, np.ndarray]:
    """`count` affine maps h -> a*h + b mod 2^32 (a odd: each one a bijection), drawn
    from the seed as datasketch 2's "affine32" MinHash draws them, so the bands
    warehouses already hold stay valid."""
    draw = np.random.RandomState(seed)
    a = draw.randint(0, 1 << 31, count, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = draw.randint(0, 1 << 32, count, dtype=np.uint32)
    return a, b


# The permutations depend only on the seed: drawn once, not for every article.
_A, _B = _permutations(SEED, NUM_PERM)


def _premix(hashes: np.ndarray) -> np.ndarray:
    """MurmurHash3's 32-bit finalizer: spreads similar inputs before the affine maps."""
    hashes = hashes ^ (hashes >> np.uint32(16))
    hashes = hashes * np.uint32(0x85EBCA6B)
    hashes = hashes ^ (hashes >> np.uint32(13))
    hashes = hashes * np.uint32(0xC2B2AE35)
    return hashes ^ (hashes >> np.uint32(16))


def minhash(shingles: list[bytes]) -> np.ndarray:
    """NUM_PERM minimum hash values of a set of shingles (each shingle's first four
    bytes of SHA-1, pre-mixed, through each affine map)."""
    hashes = np.array(
        [int.from_bytes(hashlib.sha1(shingle).digest()[:4], "little") for shingle in shingles],
        dtype=np.uint32,
    )
    permuted = _premix(hashes).reshape(-1, 1) * _A + _B  # wraps around: mod 2^32
    return permuted.min(axis=0)


def shingles(text: str) -> list[bytes]:
    """Every run of SHINGLE_WORDS words of a text, lower-cased, each once."""
    words = _WORD.findall(text.lower())
    return list(
        {
            " ".join(words[i : i + SHINGLE_WORDS]).encode()
            for i in range(len(words) - SHINGLE_WORDS + 1)
        }
    )


def text_bands(text: str) -> list[int]:
    """The MinHash bands of an article's wording (none for a text under five words)."""
    runs = shingles(text)
    if not runs:
        return []
    values = minhash(runs)
    return [
        stable_key("band", band, *values[band * ROWS : (band + 1) * ROWS].tolist())
        for band in range(BANDS)
    ]


MARK_SCHEMA = {"article": pl.String, "hash": pl.Int64}


def figure_marks_of(claims: pl.DataFrame, claim_regions: pl.DataFrame) -> pl.DataFrame:
    """(article, hash) rows: the data figures each article states, each once, as
    (value to two significant digits, period year, markets).

    Column-wise: a mark's text is put together by polars; Python only formats each
    distinct value and hashes each distinct text."""
    data = claims.filter(
        pl.col("metric").is_in(sorted(_DATA_METRICS)) & (pl.col("value") >= 100)
    ).select("article", "claim_index", "value", "period_end")
    if data.is_empty():
        return pl.DataFrame(schema=MARK_SCHEMA)
    values = data["value"].unique().to_list()
    markets = claim_regions.group_by("article", "claim_index").agg(
        pl.col("region").sort().str.join(SEPARATOR).alias("markets")
    )
    texts = data.join(markets, on=["article", "claim_index"], how="left").select(
        "article",
        text=pl.concat_str(
            pl.lit("figure"),
            pl.col("value").replace_strict(values, [f"{v:.2g}" for v in values]),
            pl.col("period_end").dt.year().cast(pl.String).fill_null(""),
            separator=SEPARATOR,
        )
        + pl.when(pl.col("markets").is_not_null())
        .then(SEPARATOR + pl.col("markets"))
        .otherwise(pl.lit("")),
    )
    distinct = texts["text"].unique().to_list()
    return (
        texts.select(
            "article",
            pl.col("text")
            .replace_strict(distinct, [text_key(t) for t in distinct], return_dtype=pl.Int64)
            .alias("hash"),
        )
        .unique(maintain_order=True)
        .cast(MARK_SCHEMA)
    )


WORDING_SCHEMA = {"article": pl.String, "hash": pl.Int64}


def wording_of(articles: pl.DataFrame) -> pl.DataFrame:
    """(article, hash) rows: the wording bands of each article of a frame."""
    rows = [
        (article, band)
        for article, text in articles.select("article", "cleaned_text").iter_rows()
        for band in text_bands(text or "")
    ]
    return pl.DataFrame(rows, schema=WORDING_SCHEMA, orient="row")
