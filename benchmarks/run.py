"""The pickup-etl benchmark: one command, one report.

    .venv/bin/python -m benchmarks.run --articles 20000

1. Writes (or reuses) a deterministic corpus of N articles (`corpus.py`).
2. Starts a temporary Prefect server (not timed), then runs the flow on the
   corpus into a fresh warehouse — a full load, then a re-run on the unchanged
   files — sampling the resident memory of the run's processes.
3. On the same corpus, times extraction (clean → claims) of a sample of articles
   in one process beside the spaCy peer (`peer.py`) on the same texts.
4. Prints the figures and writes them as JSON (`--json`).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import sys
import threading
import time
from pathlib import Path

# Before Prefect is imported: per-task log lines would drown the report.
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")

import psutil

REPO = Path(__file__).resolve().parent.parent
DEFAULT_WORK = REPO / "benchmarks" / ".work"


class MemorySampler:
    """Peak resident memory of this process and its children, sampled every 50 ms.

    Processes that existed before the sampler started (the Prefect server) are
    not counted: they are the platform, not the run."""

    def __init__(self, interval: float = 0.05) -> None:
        self.interval = interval
        self.me = psutil.Process()
        self.excluded = {child.pid for child in self.me.children(recursive=True)}
        self.peak = 0
        self.flow_peak = 0  # this process alone
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self.current())
            self.flow_peak = max(self.flow_peak, self.me.memory_info().rss)
            self._stop.wait(self.interval)

    def current(self) -> int:
        total = self.me.memory_info().rss
        for child in self.me.children(recursive=True):
            if child.pid in self.excluded:
                continue
            with contextlib.suppress(psutil.Error):  # it ended between listing and reading
                total += child.memory_info().rss
        return total

    def __enter__(self) -> MemorySampler:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self.current())


def ensure_corpus(directory: Path, articles: int, seed: int) -> dict:
    """The corpus of (articles, seed), written once and reused while its stamp matches."""
    from benchmarks.corpus import write_corpus

    stamp = directory.with_name(directory.name + ".json")  # beside it: not an article
    if stamp.exists():
        written = json.loads(stamp.read_text())
        if written.get("articles") == articles and written.get("seed") == seed:
            return written
    shutil.rmtree(directory, ignore_errors=True)
    started = time.perf_counter()
    written = write_corpus(directory, articles, seed)
    written.update(seed=seed, seconds=round(time.perf_counter() - started, 1))
    stamp.write_text(json.dumps(written))
    return written


def run_flow(corpus: Path, db: Path, full_refresh: bool, runner: str, workers: int | None) -> dict:
    """One flow run (as `pickup-etl run` makes it) with its wall time and peak memory."""
    from flows.run.flow import pickup_etl
    from flows.run.pipeline import DEFAULT_BATCH_SIZE
    from flows.run.progress import listening
    from flows.run.task_runners import choose_kind, make_task_runner, parse_workers
    from flows.sources import list_source

    files = len(list_source(corpus).files)
    kind = choose_kind(runner, files, DEFAULT_BATCH_SIZE, workers)
    done = {"files": 0, "shown": 0.0}
    memory = MemorySampler()

    def progress(event: str, data: dict) -> None:
        if event == "plan":
            done["total"] = data["to_parse"]
        elif event == "parsed":
            done["files"] += data["files"]
            share = done["files"] / max(done["total"], 1)
            if share - done["shown"] >= 0.1 or share == 1:
                done["shown"] = share
                print(
                    f"  parsed {done['files']:,}/{done['total']:,} files, "
                    f"resident memory {memory.current() / 1e6:,.0f} MB "
                    f"(flow process {memory.me.memory_info().rss / 1e6:,.0f} MB)",
                    file=sys.stderr,
                )

    with memory, listening(progress):
        started = time.perf_counter()
        summary = pickup_etl.with_options(task_runner=make_task_runner(kind, workers))(
            source=str(corpus),
            db=str(db),
            full_refresh=full_refresh,
            workers=parse_workers(kind, workers),
        )
        seconds = time.perf_counter() - started
    return {
        "task_runner": kind,
        "seconds": round(seconds, 2),
        "peak_rss_mb": round(memory.peak / 1e6),
        "peak_rss_flow_process_mb": round(memory.flow_peak / 1e6),
        "files_parsed": summary["files_parsed"],
        "files_unchanged": summary["files_unchanged"],
        "articles_loaded": summary["articles_loaded"],
        "rows_quarantined": summary["rows_quarantined"],
        "stage_seconds": summary["stage_seconds"],
        "table_rows": summary["table_counts"],
    }


def compare_with_peer(corpus: Path, sample: int) -> dict:
    """Extraction (clean → claims) of `sample` articles in this process, and the spaCy
    peer on the same texts. Reading the files is not timed for either."""
    from benchmarks.peer import build_peer, run_peer
    from flows.extract.frames import parse_read
    from flows.extract.gazetteer import build_gazetteer
    from flows.reference import load_reference
    from flows.sources import discover_files, read_batch

    reference = load_reference()
    build_gazetteer(reference)  # built once per process, as in a run
    root, files = discover_files(corpus)
    files = files.filter(~files["skipped"])
    batch = read_batch(root, files["path"].to_list()[:sample])
    batch.records = batch.records[:sample]
    texts = [record.text for record in batch.records]

    parse_read(read_batch(root, files["path"].to_list()[:20]), reference, "warm-up")
    started = time.perf_counter()
    frames = parse_read(batch, reference, "bench")
    ours = time.perf_counter() - started

    nlp, patterns = build_peer(reference)
    run_peer(nlp, texts[:20])  # warm-up
    peer = run_peer(nlp, texts)
    return {
        "articles": len(texts),
        "megabytes": round(sum(len(text.encode()) for text in texts) / 1e6, 2),
        "ours_seconds": round(ours, 2),
        "ours_articles_per_second": round(len(texts) / ours, 1),
        "ours_claims": frames.claims.height,
        "ours_mentions": frames.mentions.height,
        "peer_seconds": round(peer["seconds"], 2),
        "peer_articles_per_second": round(len(texts) / peer["seconds"], 1),
        "peer_entities": peer["entities"],
        "peer_sentences": peer["sentences"],
        "peer_patterns": patterns,
        "speedup_vs_peer": round(peer["seconds"] / ours, 2),
    }


def benchmark(
    articles: int,
    seed: int = 7,
    work: Path = DEFAULT_WORK,
    runner: str = "auto",
    workers: int | None = None,
    compare: int = 2000,
    rerun: bool = True,
    start_server: bool = True,
) -> dict:
    """Everything the report shows, as a dict. With `start_server` false the caller
    provides the Prefect API (a running server or a test harness)."""
    from prefect.testing.utilities import prefect_test_harness

    corpus = work / f"corpus-{articles}-seed{seed}"
    print(f"corpus: {articles:,} articles in {corpus}", file=sys.stderr)
    written = ensure_corpus(corpus, articles, seed)
    db = work / f"bench-{articles}.duckdb"
    for stale in (db, db.with_suffix(".duckdb.wal")):
        stale.unlink(missing_ok=True)
    report: dict = {"articles": articles, "seed": seed, "corpus": written, "cores": os.cpu_count()}
    if start_server:
        print("starting a temporary Prefect server (not timed)", file=sys.stderr)
    server = (
        prefect_test_harness(server_startup_timeout=120)
        if start_server
        else contextlib.nullcontext()
    )
    with server:
        print("full load", file=sys.stderr)
        full = run_flow(corpus, db, True, runner, workers)
        full["articles_per_second"] = round(full["articles_loaded"] / full["seconds"], 1)
        full["megabytes_per_second"] = round(written["bytes"] / 1e6 / full["seconds"], 2)
        report["full_load"] = full
        if rerun:
            print("re-run on the unchanged corpus", file=sys.stderr)
            report["rerun"] = run_flow(corpus, db, False, runner, workers)
    if compare:
        print(f"extraction beside the spaCy peer on {compare:,} articles", file=sys.stderr)
        report["extraction"] = compare_with_peer(corpus, min(compare, articles))
    return report


def render(report: dict) -> str:
    full = report["full_load"]
    lines = [
        f"pickup-etl benchmark: {report['articles']:,} articles "
        f"({report['corpus']['files']:,} files, {report['corpus']['bytes'] / 1e6:.1f} MB), "
        f"{report['cores']} cores",
        "",
        f"full load      {full['seconds']:>8.1f} s   {full['articles_per_second']:>8.1f} articles/s"
        f"   {full['megabytes_per_second']:.2f} MB/s   peak RSS {full['peak_rss_mb']:,} MB"
        f"   ({full['task_runner']} runner)",
    ]
    if "rerun" in report:
        rerun = report["rerun"]
        lines.append(
            f"unchanged re-run {rerun['seconds']:>6.1f} s   files parsed {rerun['files_parsed']}"
            f", unchanged {rerun['files_unchanged']:,}   peak RSS {rerun['peak_rss_mb']:,} MB"
        )
    lines += ["", "time per stage (s; parse stages summed over workers):"]
    lines += [f"  {stage:<10} {seconds:>8.2f}" for stage, seconds in full["stage_seconds"].items()]
    lines += ["", "rows loaded:"]
    lines += [
        f"  {table:<22} {rows:>10,}" if rows is not None else f"  {table:<22} {'(failed)':>10}"
        for table, rows in full["table_rows"].items()
    ]
    if "extraction" in report:
        ex = report["extraction"]
        lines += [
            "",
            f"extraction, one process, {ex['articles']:,} articles ({ex['megabytes']} MB):",
            f"  pickup-etl clean → claims  {ex['ours_seconds']:>7.2f} s"
            f"  {ex['ours_articles_per_second']:>8.1f} articles/s"
            f"  ({ex['ours_claims']:,} claims, {ex['ours_mentions']:,} mentions)",
            f"  spaCy blank+sentencizer+entity_ruler {ex['peer_seconds']:>6.2f} s"
            f"  {ex['peer_articles_per_second']:>8.1f} articles/s"
            f"  ({ex['peer_entities']:,} entities, {ex['peer_patterns']:,} patterns)",
            f"  pickup-etl / peer throughput: {ex['speedup_vs_peer']}×",
        ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__)
    parser.add_argument("--articles", type=int, default=20_000, help="corpus size (N)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--work-dir", type=Path, default=DEFAULT_WORK)
    parser.add_argument(
        "--task-runner", choices=["auto", "thread", "process", "dask"], default="auto"
    )
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument(
        "--compare", type=int, default=2000, help="articles in the peer comparison (0: skip)"
    )
    parser.add_argument("--no-rerun", action="store_true", help="skip the unchanged re-run")
    parser.add_argument("--json", type=Path, default=None, help="write the figures here")
    args = parser.parse_args(argv)
    if args.articles < 1:
        parser.error("--articles must be at least 1")
    report = benchmark(
        args.articles,
        args.seed,
        args.work_dir,
        args.task_runner,
        args.workers,
        args.compare,
        not args.no_rerun,
    )
    print(render(report))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
