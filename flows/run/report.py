"""What a run did, for people: the terminal summary and the Prefect artifacts.

Artifacts use stable keys so the Prefect UI shows each run as a new version
of the same two artifacts: the run summary and the quarantined rows. Both read
the run's `RunSummary` (as a dict, the form a flow run returns).
"""

from __future__ import annotations

from dataclasses import is_dataclass

import polars as pl

SUMMARY_KEY = "pickup-etl-run-summary"
QUARANTINE_KEY = "pickup-etl-quarantine"
REPORT_KEY = "pickup-etl-run-report"
BRIEF_KEY = "pickup-etl-brief"
QUARANTINE_ARTIFACT_ROWS = 500


def _as_dict(summary) -> dict:
    return summary.as_dict() if is_dataclass(summary) else summary


def summary_markdown(summary) -> str:
    summary = _as_dict(summary)
    lines = [
        f"# pickup-etl run {summary.get('load_id')}: {summary.get('status')}",
        "",
        f"Source `{summary.get('source')}` → warehouse `{summary.get('db')}`"
        + (" (full refresh)" if summary.get("full_refresh") else ""),
        "",
        "## Files",
        "",
        "| new | changed | unchanged | missing | quarantined | seen | parsed |",
        "|---:|---:|---:|---:|---:|---:|---:|",
        f"| {summary.get('files_new', 0)} | {summary.get('files_changed', 0)} | {summary.get('files_unchanged', 0)} | "
        f"{summary.get('files_missing', 0)} | {summary.get('files_quarantined', 0)} | {summary.get('files_seen', 0)} | "
        f"{summary.get('files_parsed', 0)} |",
        "",
        "## Rows loaded by this run",
        "",
        "| articles | sentences | mentions | claims | quarantined |",
        "|---:|---:|---:|---:|---:|",
        f"| {summary.get('articles_loaded', 0)} | {summary.get('sentences_loaded', 0)} | {summary.get('mentions_loaded', 0)} | "
        f"{summary.get('claims_loaded', 0)} | {summary.get('rows_quarantined', 0)} |",
        "",
        "## Validation",
        "",
        "| suite | rows checked | rows quarantined | failed expectations |",
        "|---|---:|---:|---|",
    ]
    for name, result in (summary.get("validation") or {}).items():
        failed = ", ".join(result.get("failed_expectations") or []) or "none"
        lines.append(
            f"| {name} | {result.get('rows_checked', 0)} | {result.get('rows_quarantined', 0)} | {failed} |"
        )
    counts = summary.get("table_counts") or {}
    if counts:
        lines += ["", "## Warehouse rows after the run", "", "| table | rows |", "|---|---:|"]
        lines += [f"| {name} | {rows} |" for name, rows in counts.items()]
    stages = summary.get("stage_seconds") or {}
    if stages:
        lines += ["", "## Seconds per stage", "", "| stage | seconds |", "|---|---:|"]
        lines += [f"| {name} | {seconds:.3f} |" for name, seconds in stages.items()]
    if summary.get("report"):
        lines += ["", f"Run report: `{summary['report']}`"]
    return "\n".join(lines)


def publish_artifacts(summary, quarantine: pl.DataFrame) -> None:
    """Create the artifacts of a run (needs an active Prefect run context): the summary,
    the quarantined rows, and a link to the run report."""
    from prefect.artifacts import (
        create_link_artifact,
        create_markdown_artifact,
        create_table_artifact,
    )

    summary = _as_dict(summary)

    create_markdown_artifact(
        key=SUMMARY_KEY,
        markdown=summary_markdown(summary),
        description=f"pickup-etl run {summary.get('load_id')}: {summary.get('message')}",
    )
    rows = (
        quarantine.head(QUARANTINE_ARTIFACT_ROWS).drop("row_json", strict=False).to_dicts()
        if quarantine.height
        else []
    )
    if not rows:
        rows = [
            {
                "frame": "",
                "expectation": "",
                "column_name": "",
                "value": "",
                "article": "",
                "reason": "nothing quarantined",
            }
        ]
    if summary.get("report"):
        create_link_artifact(
            key=REPORT_KEY,
            link=f"file://{summary['report']}",
            link_text=f"run report {summary.get('load_id')}",
            description="The run's HTML report (files, validation, quarantine, timings)",
        )
    if summary.get("brief"):
        create_link_artifact(
            key=BRIEF_KEY,
            link=f"file://{summary['brief']}",
            link_text="market brief",
            description="The market brief written after this run (volumes, leaders, targets, figures to check)",
        )
    create_table_artifact(
        key=QUARANTINE_KEY,
        table=rows,
        description=f"Rows and files quarantined by run {summary.get('load_id')} (first {QUARANTINE_ARTIFACT_ROWS})",
    )


def terminal_summary(summary) -> str:
    summary = _as_dict(summary)
    stages = summary.get("stage_seconds") or {}
    stage_text = ", ".join(f"{name} {seconds:.2f}s" for name, seconds in stages.items())
    lines = [
        f"published {summary.get('db')} (run {summary.get('load_id')}, {summary.get('status')})",
        f"  files:       {summary.get('files_seen', 0)} seen: {summary.get('files_new', 0)} new, {summary.get('files_changed', 0)} changed, "
        f"{summary.get('files_unchanged', 0)} unchanged, {summary.get('files_missing', 0)} missing, {summary.get('files_quarantined', 0)} quarantined, "
        f"{summary.get('files_skipped', 0)} skipped; {summary.get('files_parsed', 0)} parsed",
        f"  articles:    {summary.get('articles_loaded', 0)}",
        f"  sentences:   {summary.get('sentences_loaded', 0)}",
        f"  mentions:    {summary.get('mentions_loaded', 0)}",
        f"  claims:      {summary.get('claims_loaded', 0)}",
        f"  quarantined: {summary.get('rows_quarantined', 0)} rows",
    ]
    for name, result in (summary.get("validation") or {}).items():
        lines.append(
            f"    {name:14} {result.get('rows_checked', 0):>8} checked {result.get('rows_quarantined', 0):>6} quarantined"
        )
    lines.append(f"  elapsed:     {summary.get('elapsed_seconds', 0):.1f}s ({stage_text})")
    if summary.get("report"):
        lines.append(f"  report:      {summary['report']}")
    if summary.get("brief"):
        lines.append(f"  brief:       {summary['brief']}")
    if summary.get("data_docs"):
        lines.append(f"  data docs:   {summary['data_docs']}")
    return "\n".join(lines)
