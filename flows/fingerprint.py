"""An article's fingerprints: what tells two articles tell the same story.

News repeats itself two ways, and each leaves its own trace:

- **copies** (syndication, press-release pick-ups) share their wording: the
  text's MinHash over 5-word shingles, cut into bands; two copies share many
  bands, two articles on the same topic almost none;
- **rewrites** share their figures, not their words: the set of data figures
  an article states, each as (value to two significant digits, the year of its
  period, its markets), so "5,385" and "about 5,400" Cybertrucks in Q3 2025 in
  the US are the same figure, and a 2024 figure of another market is not.

Both are lists of 63-bit hashes; `flows/warehouse/stories.py` keeps them as an
index in the warehouse and matches a new article against it, so a new article
is compared with the index, not with each article loaded before.
"""

from __future__ import annotations

import hashlib
import re

import numpy as np
import polars as pl

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


def _hash(*parts: object) -> int:
    text = "\x1f".join(str(part) for part in parts)
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "big") >> 1


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
        _hash("band", band, *values[band * ROWS : (band + 1) * ROWS].tolist())
        for band in range(BANDS)
    ]


def figure_marks(figures) -> list[int]:
    """The data figures an article states, each once: (value to two significant
    digits, period year, markets). `figures` are (metric, value, period_end, markets)."""
    marks = {
        _hash("figure", f"{value:.2g}", period_end.year if period_end else "", *sorted(markets))
        for metric, value, period_end, markets in figures
        if metric in _DATA_METRICS and value is not None and value >= 100
    }
    return sorted(marks)


WORDING_SCHEMA = {"article": pl.String, "hash": pl.Int64}


def wording_of(articles: pl.DataFrame) -> pl.DataFrame:
    """(article, hash) rows: the wording bands of each article of a frame."""
    rows = [
        (article, band)
        for article, text in articles.select("article", "cleaned_text").iter_rows()
        for band in text_bands(text or "")
    ]
    return pl.DataFrame(rows, schema=WORDING_SCHEMA, orient="row")
