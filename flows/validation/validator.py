"""Great Expectations suites over the frames of a run.

Suites live as JSON in `expectations/`, one per frame. Each expectation says
in its `meta.level` what a failure means:

- `row`: the failing rows (from `unexpected_index_list`) go to quarantine
  with the expectation and reason, and the run goes on without them;
- `batch`: the run fails before anything is published (schema drift, broken
  keys, a non-empty article with no sentences).

A suite's `meta.max_quarantined_share` turns "too many bad rows" into a batch
failure too. GX cannot validate polars frames, so each frame is validated as
a pandas view in which dates are `yyyymmdd` integers (null-safe to compare).
"""

from __future__ import annotations

import contextlib
import html
import json
import logging
import os
import re
import shutil
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import polars as pl

from flows.extract.frames import SCHEMAS, Frames
from flows.reference import Reference
from flows.resources import resource_dir

os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
logging.getLogger("great_expectations").setLevel(logging.ERROR)

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
MIN_ROWS_FOR_SHARE = 20


class ValidationFailed(Exception):
    """A batch rule failed: the run must stop before publishing."""


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
    batch_failures: list[str]

    def summary(self) -> dict[str, dict]:
        return {name: result.as_dict() for name, result in self.suites.items()}


def load_suite_files(directory: Path | None = None) -> dict[str, dict]:
    """The suites as written in `expectations/*.json`, keyed by frame name."""
    directory = directory or resource_dir("expectations")
    suites: dict[str, dict] = {}
    for path in sorted(directory.glob("*.json")):
        try:
            suite = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as error:
            raise ValidationFailed(
                f"{path}: not valid JSON ({error.msg} at line {error.lineno}); fix the suite file"
            ) from error
        frame = (suite.get("meta") or {}).get("frame") or suite.get("name")
        suites[frame] = suite
    return suites


def _reference_values(reference: Reference, kind: str) -> list[str]:
    if kind == "metric":
        return [row["metric"] for row in reference.metrics]
    if kind == "powertrain":
        return [row["powertrain"] for row in reference.powertrains]
    if kind == "all":
        return sorted({entity.name for entity in reference.entities})
    return sorted({entity.name for entity in reference.entities if entity.type == kind})


def _resolve(value, reference: Reference, today: date):
    """Placeholders in suite files: `$reference:<type>` and `$date_key:+<n>d`."""
    if isinstance(value, str) and value.startswith("$reference:"):
        return _reference_values(reference, value.split(":", 1)[1])
    if isinstance(value, str) and value.startswith("$date_key:"):
        days = int(value.split(":", 1)[1].rstrip("d"))
        return int((today + timedelta(days=days)).strftime("%Y%m%d"))
    return value


def validation_view(frame: pl.DataFrame):
    """The pandas frame GX checks: dates as yyyymmdd integers, lists as text."""
    converted = frame.with_columns(
        [
            pl.col(name).dt.strftime("%Y%m%d").cast(pl.Int64)
            for name, dtype in frame.schema.items()
            if dtype == pl.Date
        ]
    )
    return converted.to_pandas()


@dataclass
class GxContext:
    """The GX objects a run needs: context, batch definitions, suites, validation definitions."""

    context: object
    batch_definitions: dict
    suites: dict
    validation_definitions: dict
    docs_dir: Path | None


def build_context(
    reference: Reference, suite_files: dict[str, dict], today: date, docs_dir: Path | None = None
) -> GxContext:
    """One ephemeral GX context with a pandas source, the suites of expectations/ and, when
    asked, a Data Docs site. Idempotent: every object is fetched if present, added if not."""
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    if docs_dir is not None:
        site = {
            "class_name": "SiteBuilder",
            "store_backend": {
                "class_name": "TupleFilesystemStoreBackend",
                "base_directory": str(docs_dir.resolve()),
            },
            "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
        }
        with contextlib.suppress(Exception):
            context.delete_data_docs_site("pickup_etl")
        context.add_data_docs_site(site_name="pickup_etl", site_config=site)
    try:
        source = context.data_sources.get("frames")
    except Exception:
        source = context.data_sources.add_pandas("frames")
    batch_definitions, suites, validation_definitions = {}, {}, {}
    for frame_name, spec in suite_files.items():
        try:
            asset = source.get_asset(frame_name)
        except LookupError:
            asset = source.add_dataframe_asset(frame_name)
        try:
            batch_definition = asset.get_batch_definition("whole")
        except (KeyError, LookupError):
            batch_definition = asset.add_batch_definition_whole_dataframe("whole")
        batch_definitions[frame_name] = batch_definition
        suites[frame_name] = _get_or_add_suite(context, spec, reference, today)
        name = f"{frame_name}_validation"
        with contextlib.suppress(Exception):
            context.validation_definitions.delete(name)
        validation_definitions[frame_name] = context.validation_definitions.add(
            gx.ValidationDefinition(name=name, data=batch_definition, suite=suites[frame_name])
        )
    return GxContext(context, batch_definitions, suites, validation_definitions, docs_dir)


def _get_or_add_suite(context, spec: dict, reference: Reference, today: date):
    import great_expectations as gx

    expectations = []
    for expectation in spec.get("expectations", []):
        kwargs = {
            key: _resolve(value, reference, today)
            for key, value in expectation.get("kwargs", {}).items()
        }
        expectations.append(
            {"type": expectation["type"], "kwargs": kwargs, "meta": expectation.get("meta", {})}
        )
    suite = gx.ExpectationSuite(
        name=spec["name"], expectations=expectations, meta=spec.get("meta", {})
    )
    with contextlib.suppress(Exception):
        context.suites.delete(spec["name"])
    return context.suites.add(suite)


# Data Docs keep every validation of a small run, and of a large one the first
# batch per frame plus batches with failures, up to this many pages.
MAX_DOCS_RESULTS = 40


class Validator:
    """Runs the suites of `expectations/` on the frames of a run."""

    def __init__(
        self,
        reference: Reference,
        suites_dir: Path | None = None,
        today: date | None = None,
        docs_dir: Path | None = None,
    ) -> None:
        self.reference = reference
        self.today = today or date.today()
        self.suite_files = load_suite_files(suites_dir)
        if docs_dir is not None:
            shutil.rmtree(docs_dir, ignore_errors=True)
        self.gx = build_context(reference, self.suite_files, self.today, docs_dir)
        self.recorded: dict[str, int] = {}

    def validate_frame(self, name: str, frame: pl.DataFrame):
        """The GX validation result of one frame against its suite (kept for Data Docs when useful)."""
        view = validation_view(frame)
        keep = self.gx.docs_dir is not None and sum(self.recorded.values()) < MAX_DOCS_RESULTS
        if keep and name not in self.recorded:
            return self._stored(name, view)  # the first batch of every frame goes into Data Docs
        batch = self.gx.batch_definitions[name].get_batch(batch_parameters={"dataframe": view})
        result = batch.validate(self.gx.suites[name], result_format="COMPLETE")
        if keep and not result.success:
            return self._stored(name, view)  # and so do batches with failures
        return result

    def _stored(self, name: str, view):
        """Validate through the validation definition, which keeps the result for Data Docs."""
        self.recorded[name] = self.recorded.get(name, 0) + 1
        return self.gx.validation_definitions[name].run(
            batch_parameters={"dataframe": view}, result_format="COMPLETE"
        )

    def build_docs(self) -> Path | None:
        """Write the Data Docs site: suites and the kept validation results, readable offline."""
        docs_dir = self.gx.docs_dir
        if docs_dir is None:
            return None
        self.gx.context.build_data_docs(site_names=["pickup_etl"])
        _add_offline_index(docs_dir)
        return docs_dir / "index.html"

    def validate(self, frames: Frames) -> ValidationResult:
        """Validate every frame; quarantine failing rows; collect batch failures."""
        quarantine_rows: list[dict] = []
        suites: dict[str, SuiteResult] = {}
        failures: list[str] = []
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
            outcome = self.validate_frame(name, frame)
            rows: set[int] = set()
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
                result.failed_expectations.append(label)
                reason = meta.get("reason") or label
                raised = (item.exception_info or {}).get("raised_exception")
                indexes = item.result.get("unexpected_index_list")
                if meta.get("level") != "row" or raised or indexes is None:
                    detail = (
                        (item.exception_info or {}).get("exception_message")
                        if raised
                        else f"{item.result.get('unexpected_count', 0)} rows"
                    )
                    failures.append(f"{name}: {reason} [{label}: {detail}]")
                    continue
                for index in indexes:
                    position = int(index)
                    rows.add(position)
                    record = frame.row(position, named=True)
                    value = (
                        record.get(config.kwargs.get("column"))
                        if config.kwargs.get("column")
                        else {
                            key: record.get(config.kwargs.get(key))
                            for key in ("column_A", "column_B")
                            if config.kwargs.get(key)
                        }
                    )
                    quarantine_rows.append(
                        {
                            "frame": name,
                            "expectation": config.type,
                            "column_name": column or None,
                            "value": None if value is None else str(value),
                            "article": record.get("article"),
                            "row_json": json.dumps(_jsonable(record), ensure_ascii=False),
                            "reason": reason,
                        }
                    )
            result.rows_quarantined = len(rows)
            bad_rows[name] = rows
            share_limit = (spec.get("meta") or {}).get("max_quarantined_share")
            if (
                share_limit is not None
                and frame.height >= MIN_ROWS_FOR_SHARE
                and len(rows) / frame.height > share_limit
            ):
                failures.append(
                    f"{name}: {len(rows)} of {frame.height} rows failed row checks, more than the {share_limit:.0%} the suite allows"
                )
        kept = _drop_rows(frames, bad_rows)
        quarantine = (
            pl.DataFrame(quarantine_rows, schema=QUARANTINE_SCHEMA, orient="row")
            if quarantine_rows
            else pl.DataFrame(schema=QUARANTINE_SCHEMA)
        )
        return ValidationResult(kept, quarantine, suites, failures)


def docs_paths(db_path: Path) -> tuple[Path, Path]:
    """Where a run builds its Data Docs, and where readers find them (beside the warehouse)."""
    return db_path.parent / ".data_docs.building", db_path.parent / "data_docs"


def publish_docs(validator: Validator, db_path: Path) -> Path | None:
    """Render the Data Docs of a run and put them in place of the previous run's."""
    building, published = docs_paths(db_path)
    if validator.build_docs() is None:
        return None
    shutil.rmtree(published, ignore_errors=True)
    os.replace(building, published)
    return published / "index.html"


def _add_offline_index(docs_dir: Path) -> None:
    """GX's index lists suites and results from scripts it loads off the network; add the
    same lists as plain HTML, so the page reads the same without network."""
    index = docs_dir / "index.html"
    if not index.exists():
        return
    suites = sorted(
        p.relative_to(docs_dir).as_posix() for p in (docs_dir / "expectations").glob("*.html")
    )
    results = sorted(
        p.relative_to(docs_dir).as_posix() for p in (docs_dir / "validations").rglob("*.html")
    )
    items = "".join(
        f'<li><a href="{html.escape(p)}">{html.escape(Path(p).stem)}</a></li>' for p in suites
    )
    runs = "".join(
        f'<li><a href="{html.escape(p)}">{html.escape(p.removeprefix("validations/"))}</a></li>'
        for p in results
    )
    block = (
        '<div id="pickup-etl-offline-index" style="margin:70px 20px 0 20px">'
        f"<h2>Expectation suites</h2><ul>{items}</ul><h2>Validation results</h2><ul>{runs}</ul></div>"
    )
    page = index.read_text(encoding="utf-8")
    if "pickup-etl-offline-index" not in page:
        page = re.sub(r"(<body[^>]*>)", lambda m: m.group(1) + block, page, count=1)
        index.write_text(page, encoding="utf-8")


def _jsonable(record: dict) -> dict:
    out = {}
    for key, value in record.items():
        if key == "cleaned_text":
            continue
        out[key] = value.isoformat() if isinstance(value, date) else value
    return out


def _drop_rows(frames: Frames, bad_rows: dict[str, set[int]]) -> Frames:
    """Frames without quarantined rows and without the rows that depend on them."""

    def without(frame: pl.DataFrame, rows: set[int]) -> pl.DataFrame:
        if not rows:
            return frame
        return frame.with_row_index("_row").filter(~pl.col("_row").is_in(sorted(rows))).drop("_row")

    articles = without(frames.articles, bad_rows.get("articles", set()))
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
    return Frames(articles, sentences, mentions, claims, regions, frames.problems, frames.timings)


def frame_columns() -> dict[str, list[str]]:
    """Columns of every validated frame, for checking suites against them."""
    return {name: list(schema) for name, schema in SCHEMAS.items()}
