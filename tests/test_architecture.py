"""Pure stages never import IO frameworks: text in, frames out."""

from __future__ import annotations

import ast

import pytest

from .conftest import REPO

PURE = (
    "textnorm",
    "clean",
    "segment",
    "recognise",
    "numbers",
    "periods",
    "claims",
    "parse",
    "evaluate",
    "read",
    "html",
)
IO_PACKAGES = {"prefect", "duckdb", "great_expectations"}


@pytest.mark.parametrize("module", PURE)
def test_pure_module_imports_no_io_framework(module):
    tree = ast.parse((REPO / "flows" / f"{module}.py").read_text(encoding="utf-8"))
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module.split(".")[0])
    assert not imported & IO_PACKAGES


def test_the_project_never_reads_the_shared_folder():
    this_test = __file__.rsplit("/", 1)[-1]
    for path in [*REPO.glob("flows/*.py"), *REPO.glob("tests/*.py"), *REPO.glob("scripts/*.py")]:
        if path.name != this_test:
            assert "../shared" not in path.read_text(encoding="utf-8"), path
