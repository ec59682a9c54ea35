"""The expectation suites as written in `expectations/`, with their placeholders resolved.

Suite files hold what cannot be known when they are written as placeholders:

- `$columns:<frame>` — the frame's columns as its record declares them
  (`flows.extract.frames.SCHEMAS`), so the suite, the frame and the loader
  cannot drift apart;
- `$reference:<type>` — canonical names from the reference data;
- `$date_key:+<n>d` — a yyyymmdd key n days from the day of the run.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

from flows.extract.frames import SCHEMAS
from flows.reference import Reference
from flows.resources import resource_dir


class SuiteError(Exception):
    """A suite file cannot be used (not JSON, or an unknown placeholder)."""


def load_suite_files(directory: Path | None = None) -> dict[str, dict]:
    """The suites as written in `expectations/*.json`, keyed by frame name."""
    directory = directory or resource_dir("expectations")
    suites: dict[str, dict] = {}
    for path in sorted(directory.glob("*.json")):
        try:
            suite = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as error:
            raise SuiteError(
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


def resolve(value, reference: Reference, today: date):
    """A suite value with its placeholder replaced."""
    if not isinstance(value, str) or not value.startswith("$"):
        return value
    kind, _, argument = value[1:].partition(":")
    if kind == "reference":
        return _reference_values(reference, argument)
    if kind == "date_key":
        days = int(argument.rstrip("d"))
        return int((today + timedelta(days=days)).strftime("%Y%m%d"))
    if kind == "columns":
        if argument not in SCHEMAS:
            raise SuiteError(f"unknown frame in placeholder {value}: one of {', '.join(SCHEMAS)}")
        return list(SCHEMAS[argument])
    raise SuiteError(f"unknown placeholder {value}: $columns, $reference or $date_key")


def resolved_expectations(spec: dict, reference: Reference, today: date) -> list[dict]:
    """The expectations of one suite, ready for Great Expectations."""
    return [
        {
            "type": expectation["type"],
            "kwargs": {
                key: resolve(value, reference, today)
                for key, value in expectation.get("kwargs", {}).items()
            },
            "meta": expectation.get("meta", {}),
        }
        for expectation in spec.get("expectations", [])
    ]
