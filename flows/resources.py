"""Where the SQL, suites, reference data and default articles live.

A wheel carries them inside the package (`flows/_resources/`); a checkout or an
editable install reads them from the repository root.
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

from flows import __version__

PACKAGE_DIR = Path(__file__).resolve().parent
REPO_ROOT = PACKAGE_DIR.parent
_BUNDLED = PACKAGE_DIR / "_resources"

_LAYOUT = {
    "sql": Path("sql"),
    "expectations": Path("expectations"),
    "reference": Path("seeds") / "reference",
    "articles": Path("seeds") / "articles",
}


def resource_dir(name: str) -> Path:
    """The directory of one resource kind: sql, expectations, reference or articles."""
    bundled = _BUNDLED / name
    if bundled.is_dir():
        return bundled
    return REPO_ROOT / _LAYOUT[name]


def default_articles_dir() -> Path:
    return resource_dir("articles")


def default_db_path() -> Path:
    return Path("warehouse") / "pickup.duckdb"


# Modules whose code decides what gets extracted from an article. A change to
# any of them, or to the reference data, changes the extractor version, so
# articles loaded by an older extractor are re-extracted on the next run.
_EXTRACTOR_MODULES = (
    "textnorm.py",
    "read.py",
    "clean.py",
    "segment.py",
    "reference.py",
    "recognise.py",
    "numbers.py",
    "periods.py",
    "sentence_reading.py",
    "claims.py",
    "html.py",
    "parse.py",
)


@cache
def extractor_version() -> str:
    """Package version plus a digest of the extraction code and reference data."""
    digest = hashlib.blake2b(digest_size=4)
    for module in _EXTRACTOR_MODULES:
        path = PACKAGE_DIR / module
        if path.exists():
            digest.update(path.read_bytes())
    for csv_path in sorted(resource_dir("reference").glob("*.csv")):
        digest.update(csv_path.name.encode())
        digest.update(csv_path.read_bytes())
    return f"{__version__}+{digest.hexdigest()}"
