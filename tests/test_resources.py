"""The extractor version covers every file that decides what is extracted."""

from __future__ import annotations

import pytest

from flows.resources import PACKAGE_DIR, digest_files, extractor_files, extractor_version

EXTRACTOR_FILES = extractor_files()


def test_every_module_of_the_extraction_package_is_covered():
    package = set((PACKAGE_DIR / "extract").glob("*.py"))
    assert package and package <= set(EXTRACTOR_FILES)
    assert PACKAGE_DIR / "reference.py" in EXTRACTOR_FILES
    assert any(path.suffix == ".csv" for path in EXTRACTOR_FILES)


@pytest.mark.parametrize("changed", EXTRACTOR_FILES, ids=lambda p: p.name)
def test_a_change_to_any_extractor_file_changes_the_version(changed):
    contents = [(path.name, path.read_bytes()) for path in EXTRACTOR_FILES]
    edited = [
        (name, data + b"\n# changed" if path == changed else data)
        for (name, data), path in zip(contents, EXTRACTOR_FILES, strict=True)
    ]
    assert digest_files(edited) != digest_files(contents)
    assert extractor_version().endswith("+" + digest_files(contents))
