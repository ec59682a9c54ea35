"""The Great Expectations context of a run: built once per process and reused.

Setting up an ephemeral context with a pandas source, one asset, batch
definition and suite per frame costs more than validating a small batch, so a
process keeps one context per (suites, reference data, day) and every run in it
reuses that. Data Docs need the results stored, so a run that asks for them
gets a context of its own (`fresh=True`).
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
from dataclasses import dataclass
from datetime import date

from flows.reference import Reference
from flows.validation.suites import resolved_expectations

os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
logging.getLogger("great_expectations").setLevel(logging.ERROR)


@dataclass
class GxContext:
    """The GX objects a run needs: context, batch definitions, suites, validation definitions."""

    context: object
    batch_definitions: dict
    suites: dict
    validation_definitions: dict


_CACHE: dict[tuple, GxContext] = {}


def gx_context(
    reference: Reference, suite_files: dict[str, dict], today: date, fresh: bool = False
) -> GxContext:
    """The context for these suites and this reference data (reused unless `fresh`)."""
    key = (json.dumps(suite_files, sort_keys=True), id(reference), today)
    if fresh:
        return build_context(reference, suite_files, today)
    if key not in _CACHE:
        _CACHE.clear()  # one context per process: the suites or the day changed
        _CACHE[key] = build_context(reference, suite_files, today)
    return _CACHE[key]


def build_context(reference: Reference, suite_files: dict[str, dict], today: date) -> GxContext:
    """One ephemeral GX context with a pandas source and the suites of expectations/.
    Idempotent: every object is fetched if present, added if not."""
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
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
        suites[frame_name] = _add_suite(context, spec, reference, today)
        name = f"{frame_name}_validation"
        with contextlib.suppress(Exception):
            context.validation_definitions.delete(name)
        validation_definitions[frame_name] = context.validation_definitions.add(
            gx.ValidationDefinition(name=name, data=batch_definition, suite=suites[frame_name])
        )
    return GxContext(context, batch_definitions, suites, validation_definitions)


def _add_suite(context, spec: dict, reference: Reference, today: date):
    import great_expectations as gx

    suite = gx.ExpectationSuite(
        name=spec["name"],
        expectations=resolved_expectations(spec, reference, today),
        meta=spec.get("meta", {}),
    )
    with contextlib.suppress(Exception):
        context.suites.delete(spec["name"])
    return context.suites.add(suite)
