"""How long the first run and an unchanged re-run of the seeds take, idle and loaded.

    .venv/bin/python -m benchmarks.first_run [--repeat 3] [--busy 2] [--prefect]

Each repetition runs `pickup-etl run` on the seeds into a fresh warehouse, then
again unchanged, and prints the wall time and exit code of both. `--busy N`
keeps N busy-loop processes running meanwhile (a loaded machine); `--prefect`
measures the same runs as Prefect flow runs on a temporary server.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BIN = Path(sys.executable).parent
BUSY_LOOP = "while True: pass"


def timed(command: list[str]) -> tuple[float, int, str]:
    started = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True)
    return time.perf_counter() - started, result.returncode, result.stderr[-300:]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--busy", type=int, default=0, help="busy-loop processes to run meanwhile")
    parser.add_argument("--prefect", action="store_true", help="run as Prefect flow runs")
    args = parser.parse_args()
    busy = [subprocess.Popen([sys.executable, "-c", BUSY_LOOP]) for _ in range(args.busy)]
    rows = []
    try:
        for number in range(1, args.repeat + 1):
            with tempfile.TemporaryDirectory() as folder:
                db = Path(folder) / "warehouse" / "pickup.duckdb"
                command = [str(BIN / "pickup-etl"), "run", "--db", str(db), "--quiet"]
                command += ["--prefect"] if args.prefect else []
                first = timed(command)
                again = timed(command)
            rows.append((number, first, again))
            print(
                f"run {number}: first {first[0]:.1f}s (exit {first[1]}), "
                f"unchanged re-run {again[0]:.1f}s (exit {again[1]})",
                flush=True,
            )
            for _seconds, code, error in (first, again):
                if code != 0:
                    print(f"  failed: {error}", file=sys.stderr)
    finally:
        for process in busy:
            process.kill()
    firsts = [first[0] for _n, first, _a in rows]
    agains = [again[0] for _n, _f, again in rows]
    ok = sum(1 for _n, first, again in rows if first[1] == 0 and again[1] == 0)
    mode = "prefect" if args.prefect else "local"
    print(
        f"{mode}, {args.busy} busy loops: {ok}/{len(rows)} succeeded; first run median "
        f"{statistics.median(firsts):.1f}s (max {max(firsts):.1f}s), unchanged re-run median "
        f"{statistics.median(agains):.1f}s (max {max(agains):.1f}s)"
    )


if __name__ == "__main__":
    main()
