"""Extraction speed per article on one core: the generated corpus and the real articles.

    .venv/bin/python -m benchmarks.extraction [--articles 2000] [--repeat 3]

Times `parse_read` (clean → segment → recognise → claims) in this process, files
already read, after a warm-up, and prints the best of `--repeat` runs as
milliseconds per article and articles per second. The generated corpus is the
one `benchmarks.run` uses (same seed); the real articles are
`tests/fixtures/real/articles/`.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from benchmarks.corpus import write_corpus

REPO = Path(__file__).resolve().parent.parent
REAL = REPO / "tests" / "fixtures" / "real" / "articles"


def time_folder(folder: Path, limit: int, repeat: int) -> dict:
    from flows.extract.frames import parse_read
    from flows.extract.gazetteer import build_gazetteer
    from flows.reference import load_reference
    from flows.sources import discover_files, read_batch

    reference = load_reference()
    build_gazetteer(reference)
    root, files = discover_files(folder)
    paths = files.filter(~files["skipped"])["path"].to_list()
    batch = read_batch(root, paths[:limit])
    batch.records = batch.records[:limit]
    parse_read(read_batch(root, paths[:20]), reference, "warm-up")
    best = float("inf")
    claims = 0
    for _ in range(repeat):
        started = time.perf_counter()
        frames = parse_read(batch, reference, "bench")
        best = min(best, time.perf_counter() - started)
        claims = frames.claims.height
    articles = len(batch.records)
    return {
        "articles": articles,
        "claims": claims,
        "seconds": round(best, 3),
        "ms_per_article": round(1000 * best / articles, 2),
        "articles_per_second": round(articles / best, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--work-dir", type=Path, default=REPO / "benchmarks" / ".work")
    args = parser.parse_args()
    corpus = args.work_dir / f"corpus-{args.articles}-seed7"
    if not corpus.exists():
        write_corpus(corpus, args.articles, 7)
    figures = {
        "generated": time_folder(corpus, args.articles, args.repeat),
        "real": time_folder(REAL, 10_000, args.repeat),
    }
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
