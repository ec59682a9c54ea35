"""Validating the frames of a run with the suites of `expectations/`.

Each expectation says in its `meta.level` what a failure means:

- `row`: the failing rows (from `unexpected_index_list`) go to quarantine with
  the expectation and reason, and the run goes on without them;
- `batch`: the data is broken as a whole (duplicate keys, an article with no
  sentences). The files whose rows break it are set aside whole, with the
  reason; the rest of the run goes on. Only a failure that no row explains
  (the frame lacks a column the loader needs: a defect, not bad input) stops
  the run before anything is published.

A suite's `meta.max_quarantined_share` is counted per file: a file whose rows
fail row checks more often than that is set aside whole. One bad file never
stops the others from loading. GX cannot validate polars frames, so each frame
is validated as a pandas view in which dates are `yyyymmdd` integers.
"""

from __future__ import annotations

import gc
import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

import polars as pl

from flows.extract.frames import Frames
from flows.reference import Reference
from flows.validation.context import gx_context
from flows.validation.suites import load_suite_files

FRAME_ORDER = ("articles", "sentences", "mentions", "claims", "claim_regions")
QUARANTINE_SCHEMA = {
    "frame": pl.String,
    "expectation": pl.String,
    "column_name": pl.String,
    "value": pl.String,
    "article": pl.String,
    "row_json": pl.String,
    "reason": pl.String,
}
# The share rule applies to files with at least this many rows in a frame: two bad
# claims out of three say little about a file.
MIN_ROWS_FOR_SHARE = 20
# Data Docs keep every validation of a small run, and of a large one the first group
# per frame plus groups with failures, up to this many pages.
MAX_DOCS_RESULTS = 40


class ValidationFailed(Exception):
    """A failure no row explains: the run must stop before publishing."""


@dataclass
class SuiteResult:
    frame: str
    rows_checked: int = 0
    rows_quarantined: int = 0
    expectations: int = 0
    failed_expectations: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "rows_checked": self.rows_checked,
            "rows_quarantined": self.rows_quarantined,
            "expectations": self.expectations,
            "failed_expectations": self.failed_expectations,
        }


@dataclass
class ValidationResult:
    frames: Frames
    quarantine: pl.DataFrame
    suites: dict[str, SuiteResult]
    refused_files: dict[str, str]  # file path -> why it was set aside whole
    batch_failures: list[str]

    def summary(self) -> dict[str, dict]:
        return {name: result.as_dict() for name, result in self.suites.items()}


def validation_view(frame: pl.DataFrame):
    """The pandas frame GX checks: dates as yyyymmdd integers."""
    converted = frame.with_columns(
        [
            pl.col(name).dt.strftime("%Y%m%d").cast(pl.Int64)
            for name, dtype in frame.schema.items()
            if dtype == pl.Date
        ]
    )
    return converted.to_pandas()


@dataclass
class _Failure:
    """One failed expectation of one frame."""

    label: str
    reason: str
    column: str | None
    config: object
    level: str
    indexes: list[int] | None
    detail: str


class Validator:
    """Runs the suites of `expectations/` on the frames of a run."""

    def __init__(
        self,
        reference: Reference,
        suites_dir=None,
        today: date | None = None,
        keep_results: bool = False,
    ) -> None:
        self.reference = reference
        self.today = today or date.today()
        self.suite_files = load_suite_files(suites_dir)
        # Results are stored only for Data Docs, which need a context of their own.
        self.keep_results = keep_results
        self.gx = gx_context(reference, self.suite_files, self.today, fresh=keep_results)
        self.recorded: dict[str, int] = {}

    def validate_frame(self, name: str, frame: pl.DataFrame):
        """The GX validation result of one frame against its suite."""
        view = validation_view(frame)
        keep = self.keep_results and sum(self.recorded.values()) < MAX_DOCS_RESULTS
        if keep and name not in self.recorded:
            return self._stored(name, view)  # the first group of every frame goes into the docs
        batch = self.gx.batch_definitions[name].get_batch(batch_parameters={"dataframe": view})
        # Pass or fail first: GX's cost is mostly per expectation and per call, and the
        # failing rows it lists in COMPLETE results double it. Most groups pass; only a
        # frame that fails is checked again for the rows to quarantine.
        result = batch.validate(self.gx.suites[name], result_format="BOOLEAN_ONLY")
        if result.success:
            return result
        if keep:
            return self._stored(name, view)  # and so do groups with failures
        return batch.validate(self.gx.suites[name], result_format="COMPLETE")

    def _stored(self, name: str, view):
        """Validate through the validation definition, which keeps the result for Data Docs."""
        self.recorded[name] = self.recorded.get(name, 0) + 1
        return self.gx.validation_definitions[name].run(
            batch_parameters={"dataframe": view}, result_format="COMPLETE"
        )

    def validate(self, frames: Frames) -> ValidationResult:
        """Validate every frame: quarantine failing rows, set aside files that break a
        batch rule or the share of bad rows, and collect failures no row explains."""
        file_of = dict(zip(frames.articles["article"], frames.articles["file_path"], strict=True))
        quarantine_rows: list[dict] = []
        suites: dict[str, SuiteResult] = {}
        failures: list[str] = []
        refused: dict[str, str] = {}
        bad_rows: dict[str, set[int]] = {}
        for name in FRAME_ORDER:
            frame: pl.DataFrame = getattr(frames, name)
            spec = self.suite_files.get(name)
            result = SuiteResult(frame=name, rows_checked=frame.height)
            suites[name] = result
            if spec is None:
                continue
            result.expectations = len(spec.get("expectations", []))
            if frame.is_empty():
                continue
            rows: set[int] = set()
            reasons_by_file: dict[str, list[str]] = defaultdict(list)
            for failure in _failures(self.validate_frame(name, frame)):
                result.failed_expectations.append(failure.label)
                if failure.indexes is None:
                    failures.append(f"{name}: {failure.reason} [{failure.label}: {failure.detail}]")
                    continue
                files = {_file_of(frame, index, file_of) for index in failure.indexes}
                if failure.level != "row" or None in files:
                    for path in sorted(files - {None}):
                        refused.setdefault(path, f"{name}: {failure.reason} [{failure.label}]")
                    if None in files:
                        failures.append(f"{name}: {failure.reason} [{failure.label}]")
                    continue
                for index in failure.indexes:
                    rows.add(index)
                    record = frame.row(index, named=True)
                    reasons_by_file[_file_of(frame, index, file_of)].append(failure.reason)
                    quarantine_rows.append(_quarantine_row(name, failure, record))
            result.rows_quarantined = len(rows)
            bad_rows[name] = rows
            share = (spec.get("meta") or {}).get("max_quarantined_share")
            if share is not None and rows:
                for path, reason in _files_over_share(
                    name, frame, rows, share, file_of, reasons_by_file
                ).items():
                    refused.setdefault(path, reason)
        quarantine_rows += [
            {
                "frame": "files",
                "expectation": "file_set_aside",
                "column_name": None,
                "value": None,
                "article": path,
                "row_json": None,
                "reason": reason,
            }
            for path, reason in sorted(refused.items())
        ]
        kept = _drop_rows(frames, bad_rows, set(refused))
        quarantine = pl.DataFrame(quarantine_rows, schema=QUARANTINE_SCHEMA, orient="row")
        # Great Expectations raises and catches exceptions of its own as it validates;
        # their tracebacks keep the frames it read (pandas copies of the group) in
        # reference cycles that only a full collection frees. Left to chance, a run grew
        # by ~100 MB per 5,000-article group until one came; collected here, it stays flat.
        gc.collect()
        return ValidationResult(kept, quarantine, suites, refused, failures)


def _failures(outcome) -> list[_Failure]:
    found = []
    for item in outcome.results:
        if item.success:
            continue
        config = item.expectation_config
        meta = config.meta or {}
        column = (
            config.kwargs.get("column")
            or config.kwargs.get("column_A")
            or ",".join(config.kwargs.get("column_list") or [])
        )
        label = f"{config.type}({column})" if column else config.type
        raised = (item.exception_info or {}).get("raised_exception")
        indexes = None if raised else item.result.get("unexpected_index_list")
        detail = (
            (item.exception_info or {}).get("exception_message")
            if raised
            else f"{item.result.get('unexpected_count', 0)} rows"
        )
        found.append(
            _Failure(
                label=label,
                reason=meta.get("reason") or label,
                column=column or None,
                config=config,
                level=meta.get("level", "batch"),
                indexes=None if indexes is None else [int(i) for i in indexes],
                detail=detail,
            )
        )
    return found


def _file_of(frame: pl.DataFrame, index: int, file_of: dict[str, str]) -> str | None:
    record = frame.row(index, named=True)
    return record.get("file_path") or file_of.get(record.get("article"))


def _quarantine_row(frame_name: str, failure: _Failure, record: dict) -> dict:
    kwargs = failure.config.kwargs
    if kwargs.get("column"):
        value = record.get(kwargs["column"])
    else:
        value = {
            key: record.get(kwargs.get(key)) for key in ("column_A", "column_B") if kwargs.get(key)
        }
    return {
        "frame": frame_name,
        "expectation": failure.config.type,
        "column_name": failure.column,
        "value": None if value is None else str(value),
        "article": record.get("article"),
        "row_json": json.dumps(_jsonable(record), ensure_ascii=False),
        "reason": failure.reason,
    }


def _files_over_share(
    name: str,
    frame: pl.DataFrame,
    rows: set[int],
    share: float,
    file_of: dict[str, str],
    reasons_by_file: dict[str, list[str]],
) -> dict[str, str]:
    """Files whose rows in this frame fail row checks more often than the suite allows."""
    files = frame.select(
        pl.col("file_path")
        if "file_path" in frame.columns
        else pl.col("article").replace_strict(file_of, default=None)
    ).to_series()
    totals = files.value_counts()
    total_by_file = dict(zip(totals[:, 0].to_list(), totals["count"].to_list(), strict=True))
    bad_by_file: dict[str, int] = defaultdict(int)
    for index in rows:
        bad_by_file[files[index]] += 1
    over = {}
    for path, bad in bad_by_file.items():
        total = total_by_file[path]
        if path is not None and total >= MIN_ROWS_FOR_SHARE and bad / total > share:
            common = max(set(reasons_by_file[path]), key=reasons_by_file[path].count)
            over[path] = (
                f"{name}: {bad} of {total} rows failed row checks (most often: {common}), "
                f"more than the {share:.0%} the suite allows for one file"
            )
    return over


def _jsonable(record: dict) -> dict:
    out = {}
    for key, value in record.items():
        if key == "cleaned_text":
            continue
        out[key] = value.isoformat() if isinstance(value, date) else value
    return out


def _drop_rows(frames: Frames, bad_rows: dict[str, set[int]], refused_files: set[str]) -> Frames:
    """Frames without quarantined rows, the rows that depend on them, and set-aside files."""

    def without(frame: pl.DataFrame, rows: set[int]) -> pl.DataFrame:
        if not rows:
            return frame
        return frame.with_row_index("_row").filter(~pl.col("_row").is_in(sorted(rows))).drop("_row")

    articles = without(frames.articles, bad_rows.get("articles", set()))
    if refused_files:
        articles = articles.filter(~pl.col("file_path").is_in(sorted(refused_files)))
    dropped_articles = set(frames.articles["article"].to_list()) - set(
        articles["article"].to_list()
    )
    sentences = without(frames.sentences, bad_rows.get("sentences", set()))
    bad_sentences = frames.sentences.join(
        sentences, on=["article", "sentence_index"], how="anti"
    ).select("article", "sentence_index")
    mentions = without(frames.mentions, bad_rows.get("mentions", set()))
    claims = without(frames.claims, bad_rows.get("claims", set()))
    regions = without(frames.claim_regions, bad_rows.get("claim_regions", set()))
    if not bad_sentences.is_empty():
        mentions = mentions.join(bad_sentences, on=["article", "sentence_index"], how="anti")
        claims = claims.join(bad_sentences, on=["article", "sentence_index"], how="anti")
    if dropped_articles:
        keep = ~pl.col("article").is_in(sorted(dropped_articles))
        sentences, mentions, claims, regions = (
            f.filter(keep) for f in (sentences, mentions, claims, regions)
        )
    regions = regions.join(
        claims.select("article", "claim_index"), on=["article", "claim_index"], how="semi"
    )
    return Frames(
        articles,
        sentences,
        mentions,
        claims,
        regions,
        frames.problems,
        frames.timings,
        wording=frames.wording,
    )
