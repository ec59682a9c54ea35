"""What a run does with each file, and what it did: pure planning and the run summary.

No IO here: the plan compares discovered files with the states the warehouse
recorded, file outcomes come from parsed and validated frames, and the
`RunSummary` is the one typed record of a run that the warehouse (`etl_run`),
the terminal, the HTML report and the Prefect artifacts all read.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field, fields
from datetime import datetime
from pathlib import Path

import polars as pl

from flows.extract.frames import Frames
from flows.validation.validator import QUARANTINE_SCHEMA

OUTCOME_SCHEMA = {
    "path": pl.String,
    "content_hash": pl.String,
    "size_bytes": pl.Int64,
    "mtime_ns": pl.Int64,
    "status": pl.String,
    "reason": pl.String,
    "article_count": pl.Int64,
    "extractor_version": pl.String,
}
MISSING_REASON = "no longer in the source; its facts are kept (run --full-refresh to drop them)"


@dataclass(frozen=True)
class FileState:
    """What the warehouse recorded about a file the last time a run saw it."""

    content_hash: str | None
    extractor_version: str | None
    status: str


@dataclass
class Plan:
    """What a run will do with each discovered file."""

    root: Path
    files: pl.DataFrame
    to_parse: list[str]
    statuses: dict[str, str]  # path -> new, changed, unchanged, gone, quarantined, skipped
    outcomes: list[dict] = field(default_factory=list)
    # Nothing to parse and every file's outcome as recorded: publishing would change nothing.
    unchanged: bool = False

    def count(self, status: str) -> int:
        return sum(1 for value in self.statuses.values() if value == status)

    def describe(self) -> str:
        counts = Counter(self.statuses.values())
        order = ("new", "changed", "unchanged", "gone", "quarantined", "skipped")
        return "plan: " + ", ".join(f"{counts[name]} {name}" for name in order)


def _outcome(row: dict, **values) -> dict:
    outcome = {name: row.get(name) for name in OUTCOME_SCHEMA}
    return {**outcome, **values}


def plan_run(root: Path, files: pl.DataFrame, previous: dict[str, FileState], version: str) -> Plan:
    """Compare discovered files with what the warehouse holds: new, changed, unchanged, gone."""
    statuses: dict[str, str] = {}
    outcomes: list[dict] = []
    to_parse: list[str] = []
    for row in files.iter_rows(named=True):
        path = row["path"]
        if row["skipped"]:
            statuses[path] = "skipped"
            outcomes.append(_outcome(row, status="skipped", reason=row["error"]))
            continue
        if row["error"]:
            statuses[path] = "quarantined"
            outcomes.append(_outcome(row, status="quarantined", reason=row["error"]))
            continue
        before = previous.get(path)
        if before is None or before.status in ("missing", "skipped"):
            statuses[path] = "new"
        elif before.content_hash != row["content_hash"] or before.extractor_version != version:
            statuses[path] = "changed"
        else:
            statuses[path] = "unchanged"
            was_quarantined = before.status == "quarantined"
            outcomes.append(
                _outcome(
                    row,
                    status="quarantined" if was_quarantined else "unchanged",
                    reason="unchanged since it was quarantined" if was_quarantined else None,
                )
            )
            continue
        to_parse.append(path)
    seen = set(files["path"].to_list())
    for path, before in previous.items():
        if path not in seen and before.status not in ("missing", "skipped"):
            statuses[path] = "gone"
            outcomes.append(_outcome({"path": path}, status="missing", reason=MISSING_REASON))
    unchanged = (
        not to_parse
        and "gone" not in statuses.values()
        and all(_as_recorded(outcome, previous.get(outcome["path"])) for outcome in outcomes)
    )
    return Plan(root, files, to_parse, statuses, outcomes, unchanged)


def _as_recorded(outcome: dict, before: FileState | None) -> bool:
    """True when the warehouse already records this outcome of the file."""
    if before is None:
        return False
    if outcome["status"] == "unchanged":
        return before.status in ("loaded", "unchanged")
    return before.status == outcome["status"]


def file_outcomes(
    plan: Plan, paths: list[str], frames: Frames, version: str, refused: dict[str, str]
) -> pl.DataFrame:
    """loaded / quarantined for every parsed file, with reasons a person can act on: a
    frame (OUTCOME_SCHEMA), compact enough to keep for every file of a long run.

    `refused` maps a file that validation set aside as a whole to the reason."""
    problems: dict[str, list[str]] = defaultdict(list)
    for row in frames.problems.iter_rows(named=True):
        problems[row["path"]].append(row["reason"])
    articles = frames.articles.group_by("file_path").agg(
        pl.len().alias("n"), pl.col("content_hash").first()
    )
    loaded = {
        row["file_path"]: (row["n"], row["content_hash"]) for row in articles.iter_rows(named=True)
    }
    in_group = plan.files.filter(pl.col("path").is_in(paths))
    by_path = {row["path"]: row for row in in_group.iter_rows(named=True)}
    outcomes = []
    for path in paths:
        count, content_hash = loaded.get(path, (0, None))
        reasons = problems.get(path, [])
        if count:
            skipped = f"{len(reasons)} record(s) skipped: " + "; ".join(reasons[:3])
            outcomes.append(
                _outcome(
                    by_path[path],
                    status="loaded",
                    article_count=count,
                    content_hash=content_hash or by_path[path]["content_hash"],
                    extractor_version=version,
                    reason=skipped if reasons else None,
                )
            )
            continue
        # With its hash and extractor version recorded, an unchanged quarantined file
        # is not parsed again by the next run (--full-refresh retries it).
        reason = refused.get(path) or "; ".join(reasons[:3])
        outcomes.append(
            _outcome(
                by_path[path],
                status="quarantined",
                article_count=0,
                extractor_version=version,
                reason=reason or "no article survived validation (see quarantine)",
            )
        )
    return pl.DataFrame(outcomes, schema=OUTCOME_SCHEMA, orient="row")


def problem_quarantine(frames: Frames) -> pl.DataFrame:
    """Quarantine rows for files and records that could not be read or parsed."""
    rows = [
        {
            "frame": "files",
            "expectation": "readable_article",
            "column_name": None,
            "value": None if row["record_index"] is None else str(row["record_index"]),
            "article": row["path"]
            if row["record_index"] is None
            else f"{row['path']}#{row['record_index']}",
            "row_json": None,
            "reason": row["reason"],
        }
        for row in frames.problems.iter_rows(named=True)
    ]
    return pl.DataFrame(rows, schema=QUARANTINE_SCHEMA, orient="row")


def batches(paths: list[str], size: int) -> list[list[str]]:
    return [paths[i : i + size] for i in range(0, len(paths), size)]


@dataclass
class Group:
    """Parsed batches joined into one validation and load step."""

    paths: list[str]
    frames: Frames


def validation_groups(parsed: Iterable[tuple[list[str], Frames]], every: int) -> Iterator[Group]:
    """Parsed batches joined until they hold `every` articles: a Great Expectations run
    costs about the same whatever its size, so validating (and loading) few large groups
    is far cheaper than many small ones, while memory stays bounded by `every`."""
    paths: list[str] = []
    parts: list[Frames] = []
    articles = 0
    for batch, frames in parsed:
        paths += batch
        parts.append(frames)
        articles += frames.articles.height + frames.problems.height
        if articles >= every:
            yield Group(paths, Frames.concat(parts))
            paths, parts, articles = [], [], 0
    if paths:
        yield Group(paths, Frames.concat(parts))


@dataclass
class SuiteTotals:
    """One suite's results summed over the groups of a run."""

    rows_checked: int = 0
    rows_quarantined: int = 0
    expectations: int = 0
    failed_expectations: list[str] = field(default_factory=list)

    def add(self, result: dict) -> None:
        self.rows_checked += result["rows_checked"]
        self.rows_quarantined += result["rows_quarantined"]
        self.expectations = result["expectations"]
        for label in result["failed_expectations"]:
            if label not in self.failed_expectations:
                self.failed_expectations.append(label)


# Marks a field of the run summary that is also a column of `etl_run`.
ETL_RUN = {"etl_run": True}


@dataclass
class RunSummary:
    """Everything a run did. Fields marked `etl_run` are the columns of that table."""

    load_id: int = field(metadata=ETL_RUN)
    started_at: datetime = field(metadata=ETL_RUN)
    source: str = field(metadata=ETL_RUN)
    db: str = field(default="")
    run_name: str | None = field(metadata=ETL_RUN, default=None)
    flow_run_id: str | None = field(metadata=ETL_RUN, default=None)
    finished_at: datetime | None = field(metadata=ETL_RUN, default=None)
    status: str = field(metadata=ETL_RUN, default="running")
    full_refresh: bool = field(metadata=ETL_RUN, default=False)
    extractor_version: str = field(metadata=ETL_RUN, default="")
    files_seen: int = field(metadata=ETL_RUN, default=0)
    files_new: int = field(metadata=ETL_RUN, default=0)
    files_changed: int = field(metadata=ETL_RUN, default=0)
    files_unchanged: int = field(metadata=ETL_RUN, default=0)
    files_missing: int = field(metadata=ETL_RUN, default=0)
    files_quarantined: int = field(metadata=ETL_RUN, default=0)
    files_skipped: int = field(metadata=ETL_RUN, default=0)
    files_parsed: int = field(metadata=ETL_RUN, default=0)
    articles_loaded: int = field(metadata=ETL_RUN, default=0)
    sentences_loaded: int = field(metadata=ETL_RUN, default=0)
    mentions_loaded: int = field(metadata=ETL_RUN, default=0)
    claims_loaded: int = field(metadata=ETL_RUN, default=0)
    rows_quarantined: int = field(metadata=ETL_RUN, default=0)
    validation: dict[str, SuiteTotals] = field(metadata=ETL_RUN, default_factory=dict)
    stage_seconds: dict[str, float] = field(metadata=ETL_RUN, default_factory=dict)
    message: str = field(metadata=ETL_RUN, default="")
    # After publishing: what readers find, and what went wrong after the publish.
    table_counts: dict[str, int | str] = field(default_factory=dict)
    view_errors: dict[str, str] = field(default_factory=dict)
    after_publish_error: str | None = None
    report: str | None = None
    data_docs: str | None = None
    brief: str | None = None
    elapsed_seconds: float = 0.0

    @classmethod
    def recorded_columns(cls) -> list[str]:
        return [f.name for f in fields(cls) if f.metadata.get("etl_run")]

    def record(self) -> dict:
        """The `etl_run` row of this run."""
        values = {name: getattr(self, name) for name in self.recorded_columns()}
        values["validation"] = {name: asdict(t) for name, t in self.validation.items()}
        return values

    def plan(self, plan: Plan) -> None:
        self.files_seen = plan.files.height
        self.files_new = plan.count("new")
        self.files_changed = plan.count("changed")
        self.files_unchanged = plan.count("unchanged")
        self.files_missing = plan.count("gone")
        self.files_skipped = plan.count("skipped")
        self.files_parsed = len(plan.to_parse)

    def add_loaded(self, counts: dict[str, int]) -> None:
        self.articles_loaded += counts["articles"]
        self.sentences_loaded += counts["sentences"]
        self.mentions_loaded += counts["mentions"]
        self.claims_loaded += counts["claims"]

    def add_validation(self, results: dict[str, dict]) -> None:
        for name, result in results.items():
            self.validation.setdefault(name, SuiteTotals()).add(result)

    def close(self, outcomes: pl.DataFrame, quarantined_rows: int) -> None:
        """Counts of the files' final outcomes, the status and the summary line."""
        self.files_quarantined = outcomes.filter(pl.col("status") == "quarantined").height
        self.rows_quarantined = quarantined_rows
        self.status = "partial" if self.files_quarantined or quarantined_rows else "success"
        self.message = (
            f"{self.articles_loaded} articles, {self.claims_loaded} claims loaded; "
            f"{self.files_quarantined} files and {quarantined_rows} rows quarantined"
        )

    @property
    def views_failing(self) -> bool:
        return bool(self.view_errors)

    def as_dict(self) -> dict:
        values = asdict(self)
        values["validation"] = {name: asdict(t) for name, t in self.validation.items()}
        return values
