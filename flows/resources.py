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


# Code that decides what gets extracted from an article: the whole extraction
# package and the loader of the reference data. A change to any of it, or to the
# reference data, changes the extractor version, so articles loaded by an older
# extractor are re-extracted on the next run.
EXTRACTOR_CODE = ("extract", "reference.py")


def extractor_files() -> list[Path]:
    """The files whose bytes make up the extractor version, in a fixed order."""
    files: list[Path] = []
    for name in EXTRACTOR_CODE:
        path = PACKAGE_DIR / name
        files += sorted(path.rglob("*.py")) if path.is_dir() else [path]
    return files + sorted(resource_dir("reference").glob("*.csv"))


def digest_files(contents: list[tuple[str, bytes]]) -> str:
    """A short digest of (name, bytes) pairs: any changed byte or name changes it."""
    digest = hashlib.blake2b(digest_size=4)
    for name, data in contents:
        digest.update(name.encode() + b"\0" + len(data).to_bytes(8, "big"))
        digest.update(data)
    return digest.hexdigest()


@cache
def extractor_version() -> str:
    """Package version plus a digest of the extraction code and reference data."""
    contents = [(path.name, path.read_bytes()) for path in extractor_files()]
    return f"{__version__}+{digest_files(contents)}"
