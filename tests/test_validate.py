"""expectations/: every suite parses and names only columns its frame has."""

from __future__ import annotations

from datetime import date

import pytest

from flows.extract.frames import SCHEMAS
from flows.validation.suites import load_suite_files, resolve

SUITES = load_suite_files()
COLUMN_KEYS = ("column", "column_A", "column_B")


def test_there_is_one_suite_per_validated_frame():
    assert set(SUITES) == set(SCHEMAS)


@pytest.mark.parametrize("frame", sorted(SUITES))
def test_suite_columns_exist_in_the_frame(frame):
    columns = set(SCHEMAS[frame])
    for expectation in SUITES[frame]["expectations"]:
        kwargs = expectation["kwargs"]
        named = [kwargs[key] for key in COLUMN_KEYS if key in kwargs]
        named += kwargs.get("column_list", [])
        assert set(named) <= columns, (expectation["type"], set(named) - columns)


@pytest.mark.parametrize("frame", sorted(SUITES))
def test_every_expectation_states_its_level_and_reason(frame):
    for expectation in SUITES[frame]["expectations"]:
        assert expectation["meta"]["level"] in ("row", "batch")
        assert expectation["meta"]["reason"]


@pytest.mark.parametrize("frame", sorted(SUITES))
def test_schema_expectation_lists_the_frame_exactly(frame):
    (schema_rule,) = [
        e for e in SUITES[frame]["expectations"] if e["type"] == "expect_table_columns_to_match_set"
    ]
    # The column set is derived from the frame's declaration, never written out again.
    assert schema_rule["kwargs"]["column_set"] == f"$columns:{frame}"
    assert resolve(schema_rule["kwargs"]["column_set"], None, date.today()) == list(SCHEMAS[frame])
