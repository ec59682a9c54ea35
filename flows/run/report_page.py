"""The run report: one self-contained HTML page per run, readable offline.

Files by outcome with their reasons, validation per suite with pass/fail at a
glance, the quarantined rows, row counts, stage timings and the recent runs.
Styles are inline and nothing is loaded from the network. Every text that can
come from an article (titles, sentences, values, file names, reasons) is
escaped: the page shows it as text and never runs it.
"""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

import polars as pl

from flows.html_page import STYLE, badge, esc, table
from flows.run.plan import RunSummary

MAX_ROWS = 500  # per list: a report of a large backfill stays a page, not a dump


def _status(summary: RunSummary) -> str:
    if summary.after_publish_error or summary.view_errors:
        return "failed"
    return summary.status


def _files_section(outcomes: pl.DataFrame) -> str:
    counts = outcomes.group_by("status").len().sort("status").rows() if outcomes.height else []
    tiles = "".join(
        f'<div class="tile">{badge(status)}<b>{count}</b></div>' for status, count in counts
    )
    flagged = outcomes.filter(pl.col("status") != "loaded").filter(pl.col("status") != "unchanged")
    rows = [
        [f"<code>{esc(r['path'])}</code>", badge(r["status"]), esc(r["reason"])]
        for r in flagged.head(MAX_ROWS).iter_rows(named=True)
    ]
    listing = (
        table(["file", "outcome", "reason"], rows)
        if rows
        else '<p class="muted">Every file loaded or was unchanged.</p>'
    )
    more = (
        f'<p class="muted">{flagged.height - MAX_ROWS} more in <code>etl_file</code>.</p>'
        if flagged.height > MAX_ROWS
        else ""
    )
    return f'<section id="files"><h2>Files by outcome</h2><div class="tiles">{tiles}</div>{listing}{more}</section>'


def _validation_section(summary: RunSummary) -> str:
    rows = []
    for name, totals in summary.validation.items():
        passed = not totals.failed_expectations
        rows.append(
            [
                esc(name),
                badge("pass" if passed else "fail"),
                totals.rows_checked,
                totals.rows_quarantined,
                totals.expectations,
                esc(", ".join(totals.failed_expectations) or "none"),
            ]
        )
    if not rows:
        return '<section id="validation"><h2>Validation</h2><p class="muted">Nothing new to validate in this run.</p></section>'
    rendered = table(
        ["suite", "result", "rows checked", "rows quarantined", "expectations", "failed"],
        rows,
        {"rows checked", "rows quarantined", "expectations"},
    )
    return f'<section id="validation"><h2>Validation</h2>{rendered}</section>'


def _quarantine_section(quarantine: pl.DataFrame) -> str:
    if quarantine.is_empty():
        return '<section id="quarantine"><h2>Quarantined rows</h2><p class="muted">Nothing quarantined.</p></section>'
    rows = [
        [
            esc(r["frame"]),
            f"<code>{esc(r['article'])}</code>",
            esc(r["column_name"]),
            esc((r["value"] or "")[:300]),
            esc(r["reason"]),
        ]
        for r in quarantine.head(MAX_ROWS).iter_rows(named=True)
    ]
    more = (
        f'<p class="muted">{quarantine.height - MAX_ROWS} more in <code>quarantine</code>.</p>'
        if quarantine.height > MAX_ROWS
        else ""
    )
    rendered = table(["frame", "article", "column", "value", "reason"], rows)
    return f'<section id="quarantine"><h2>Quarantined rows ({quarantine.height})</h2>{rendered}{more}</section>'


def _counts_section(summary: RunSummary) -> str:
    loaded = [
        ["articles", summary.articles_loaded],
        ["sentences", summary.sentences_loaded],
        ["mentions", summary.mentions_loaded],
        ["claims", summary.claims_loaded],
        ["rows quarantined", summary.rows_quarantined],
    ]
    tables = [
        [f"<code>{esc(name)}</code>", esc(count) if isinstance(count, int) else badge("failed")]
        for name, count in summary.table_counts.items()
    ]
    errors = "".join(
        f"<li><code>{esc(view)}</code>: {esc(error)}</li>"
        for view, error in summary.view_errors.items()
    )
    warning = (
        f'<p class="badge fail">Views that do not answer</p><ul>{errors}</ul>' if errors else ""
    )
    return (
        '<section id="rows"><h2>Rows</h2>'
        f"{warning}<h3>Loaded by this run</h3>{table(['', 'rows'], loaded, {'rows'})}"
        f"<h3>In the warehouse after it</h3>{table(['table or view', 'rows'], tables, {'rows'})}</section>"
    )


def _timings_section(summary: RunSummary) -> str:
    rows = [[esc(name), f"{seconds:.3f}"] for name, seconds in summary.stage_seconds.items()]
    return (
        '<section id="timings"><h2>Seconds per stage</h2>'
        f"{table(['stage', 'seconds'], rows, {'seconds'})}"
        f'<p class="muted">Whole run: {summary.elapsed_seconds:.2f} s</p></section>'
    )


def _history_section(history: list[dict], reports_dir: Path, here: Path) -> str:
    rows = []
    for run in history:
        load_id = run.get("load_id")
        page = reports_dir / f"run-{load_id:04d}.html" if isinstance(load_id, int) else None
        link = (
            f'<a href="{esc(os.path.relpath(page, here.parent))}">{esc(load_id)}</a>'
            if page is not None and page.exists()
            else esc(load_id if load_id is not None else "-")
        )
        rows.append(
            [
                link,
                esc(_when(run.get("started_at"))),
                badge(str(run.get("status"))),
                esc(run.get("files_parsed", "")),
                esc(run.get("claims_loaded", "")),
                esc(run.get("message") or run.get("reason") or ""),
            ]
        )
    if not rows:
        return ""
    rendered = table(["run", "started (UTC)", "status", "files parsed", "claims", "summary"], rows)
    return f'<section id="history"><h2>Recent runs</h2>{rendered}</section>'


def _when(value) -> str:
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    return str(value or "")[:19].replace("T", " ")


def render_report(
    summary: RunSummary,
    outcomes: pl.DataFrame,
    quarantine: pl.DataFrame,
    history: list[dict],
    page: Path,
) -> str:
    """The whole page of one run."""
    status = _status(summary)
    problem = summary.after_publish_error or ""
    if summary.view_errors:
        problem = (problem + "; " if problem else "") + "a view does not answer"
    alert = (
        f'<section class="failed"><h2>Published, then failed</h2><p>{esc(problem)}</p></section>'
        if problem
        else ""
    )
    docs = (
        f'<p>Great Expectations Data Docs of this run: <a href="{esc(os.path.relpath(summary.data_docs, page.parent))}">'
        "data docs</a> (their styling loads from the network).</p>"
        if summary.data_docs
        else ""
    )
    title = f"pickup-etl run {summary.load_id}"
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(title)}</title><style>{STYLE}</style></head>
<body>
<header><h1>{esc(title)} {badge(status)}</h1>
<p>{esc(summary.message)}</p>
<p><code>{esc(summary.source)}</code> → <code>{esc(summary.db)}</code>{" (full refresh)" if summary.full_refresh else ""}
· started {esc(_when(summary.started_at))} UTC · extractor {esc(summary.extractor_version)}</p></header>
<main>
{alert}
{docs}
{_files_section(outcomes)}
{_validation_section(summary)}
{_quarantine_section(quarantine)}
{_counts_section(summary)}
{_timings_section(summary)}
{_history_section(history, page.parent, page)}
</main></body></html>
"""


def report_paths(db_path: Path, load_id: int) -> tuple[Path, Path]:
    """The run's own page and the page that always shows the latest run."""
    reports = db_path.parent / "reports"
    return reports / f"run-{load_id:04d}.html", db_path.parent / "run-report.html"


def write_report(
    summary: RunSummary,
    outcomes: pl.DataFrame,
    quarantine: pl.DataFrame,
    history: list[dict],
) -> Path:
    """Write the run's page and point the latest page at it; the run's page."""
    page, latest = report_paths(Path(summary.db), summary.load_id)
    page.parent.mkdir(parents=True, exist_ok=True)
    page.write_text(render_report(summary, outcomes, quarantine, history, page), encoding="utf-8")
    latest_html = render_report(summary, outcomes, quarantine, history, latest)
    temporary = latest.with_name(latest.name + ".tmp")
    temporary.write_text(latest_html, encoding="utf-8")
    os.replace(temporary, latest)
    return page
