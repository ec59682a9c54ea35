"""The writer lock: one run writes a warehouse at a time.

A file lock beside the published DuckDB file. Readers never take it: they
read the published snapshot, which a run replaces by atomic rename.
"""

from __future__ import annotations

from pathlib import Path


def writer_lock_path(db_path: Path) -> Path:
    return db_path.with_name(f".{db_path.name}.lock")
