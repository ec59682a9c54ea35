"""A compiled core, measured: `flows/extract` compiled with Cython, beside the same code as Python.

    .venv/bin/pip install cython==3.3.1        # only this measurement uses it
    .venv/bin/python -m benchmarks.compiled_core /tmp/compiled
    cd /tmp/compiled && ../path/to/repo/.venv/bin/python -m benchmarks.extraction

Copies the repository (without its virtual environment and warehouse) to a scratch
folder and compiles every module of `flows/extract` there as written, with no type
declarations: what compiling buys the rules before anyone rewrites them for it. The
copy imports the compiled modules ahead of the `.py` files beside them. Run
`benchmarks.extraction` in both folders at the same time (one per core, `taskset`) to
compare; the figures and the decision are in benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SETUP = """
from setuptools import setup
from Cython.Build import cythonize
from pathlib import Path
modules = [str(p) for p in Path("flows/extract").glob("*.py") if p.name != "__init__.py"]
# Annotations are left to Python: a `dict[...]` hint would make Cython reject a defaultdict.
directives = {"annotation_typing": False}
setup(name="compiled-core", packages=[],
      ext_modules=cythonize(modules, language_level=3, compiler_directives=directives))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("target", type=Path, help="scratch folder for the compiled copy")
    args = parser.parse_args()
    try:
        import Cython  # noqa: F401
    except ImportError:
        sys.exit("needs Cython: .venv/bin/pip install cython==3.3.1")
    ignore = shutil.ignore_patterns(".venv", ".git", ".work", "warehouse", "__pycache__", "*.so")
    shutil.copytree(REPO, args.target, ignore=ignore, symlinks=True, dirs_exist_ok=True)
    corpora = REPO / "benchmarks" / ".work"  # the generated corpora, shared rather than copied
    if corpora.is_dir() and not (args.target / "benchmarks" / ".work").exists():
        (args.target / "benchmarks" / ".work").symlink_to(corpora)
    (args.target / "pyproject.toml").unlink()  # setuptools would read the project's own
    (args.target / "compile_setup.py").write_text(SETUP, encoding="utf-8")
    print(f"compiling flows/extract in {args.target} (a few minutes on one core)", flush=True)
    build = subprocess.run(
        [sys.executable, "compile_setup.py", "build_ext", "--inplace"],
        cwd=args.target,
        capture_output=True,
        text=True,
    )
    if build.returncode:
        sys.exit(f"the build failed:\n{build.stderr[-3000:]}")
    built = sorted(p.name for p in (args.target / "flows" / "extract").glob("*.so"))
    print(f"{len(built)} modules compiled in {args.target / 'flows' / 'extract'}")


if __name__ == "__main__":
    main()
