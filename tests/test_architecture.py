"""The layout keeps its promises: pure extraction, no import cycles, small modules."""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import pytest

from .conftest import REPO

FLOWS = REPO / "flows"
EXTRACT_MODULES = sorted((FLOWS / "extract").glob("*.py"))
IO_PACKAGES = {"prefect", "duckdb", "great_expectations"}


def _module_name(path: Path) -> str:
    parts = path.relative_to(REPO).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    """Every module a file imports, at the top or inside a function."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    imported: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module)
            imported |= {f"{node.module}.{alias.name}" for alias in node.names}
    return imported


@pytest.mark.parametrize("path", EXTRACT_MODULES, ids=lambda p: p.name)
def test_extraction_imports_no_io_framework_and_nothing_of_the_run(path):
    imported = _imports(path)
    assert not {name.split(".")[0] for name in imported} & IO_PACKAGES
    ours = {name for name in imported if name.startswith("flows.")}
    allowed = ("flows.extract", "flows.reference")
    assert all(name.startswith(allowed) for name in ours), sorted(ours)


def test_the_package_has_no_import_cycle():
    modules = {_module_name(p): p for p in FLOWS.rglob("*.py")}
    graph: dict[str, set[str]] = defaultdict(set)
    for name, path in modules.items():
        for imported in _imports(path):
            while imported and imported not in modules:
                imported = imported.rpartition(".")[0]
            if imported and imported != name and imported != "flows":
                graph[name].add(imported)
    visiting, done, cycles = set(), set(), []

    def visit(node: str, trail: list[str]) -> None:
        if node in done:
            return
        if node in visiting:
            cycles.append([*trail[trail.index(node) :], node])
            return
        visiting.add(node)
        for nxt in sorted(graph[node]):
            visit(nxt, [*trail, node])
        visiting.discard(node)
        done.add(node)

    for module in sorted(modules):
        visit(module, [])
    assert cycles == []


def test_the_project_never_reads_the_shared_folder():
    this_test = __file__.rsplit("/", 1)[-1]
    for path in [*REPO.glob("flows/**/*.py"), *REPO.glob("tests/*.py"), *REPO.glob("scripts/*.py")]:
        if path.name != this_test:
            assert "../shared" not in path.read_text(encoding="utf-8"), path


MODULE_LINES = 600
FUNCTION_LINES = 80


@pytest.mark.parametrize(
    "path", sorted(FLOWS.rglob("*.py")), ids=lambda p: str(p.relative_to(FLOWS))
)
def test_modules_and_functions_stay_small(path):
    """No module above 600 lines, no function above 80: each can be read at one sitting."""
    source = path.read_text(encoding="utf-8")
    assert source.count("\n") <= MODULE_LINES
    long = [
        f"{node.name} ({node.end_lineno - node.lineno + 1} lines)"
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and node.end_lineno - node.lineno + 1 > FUNCTION_LINES
    ]
    assert long == []
