"""One declaration per record: the claim record, its frame, its suite, its table and its
keys agree, and keys do not depend on a library's version."""

from __future__ import annotations

import dataclasses
import json
import re

import duckdb
import polars as pl
import pytest

from flows.extract.claim_record import Claim, record_fields
from flows.extract.frames import CLAIM_SCHEMA
from flows.resources import REPO_ROOT
from flows.warehouse.keys import keys_of, row_keys, stable_key
from flows.warehouse.schema import claim_measures, declare_tables

LOAD_SQL = (REPO_ROOT / "sql" / "load" / "fact_claim.sql").read_text(encoding="utf-8")


def test_every_field_of_the_claim_record_says_where_it_is_kept():
    stores = {f.name: f.store for f in record_fields(Claim)}
    assert set(stores) == {f.name for f in dataclasses.fields(Claim)}
    assert set(stores.values()) <= {"article", "sentence", "dimension", "bridge", "measure"}
    assert all(f.doc for f in record_fields(Claim))


def test_the_claims_frame_is_the_record_s_dimensions_and_measures():
    kept = [f.name for f in record_fields(Claim) if f.store in ("dimension", "measure")]
    frame = [c for c in CLAIM_SCHEMA if c not in ("article", "claim_index", "sentence_index")]
    assert frame == [*kept, "sentence_start", "sentence_end"]


def test_fact_claim_holds_every_measure_with_its_type_and_description():
    connection = duckdb.connect()
    declare_tables(connection)
    columns = {
        name: (data_type, comment)
        for name, data_type, comment in connection.execute(
            "select column_name, data_type, comment from duckdb_columns() "
            "where table_name = 'fact_claim'"
        ).fetchall()
    }
    types = {"varchar": "VARCHAR", "integer": "INTEGER", "double": "DOUBLE", "date": "DATE"}
    for name, data_type, doc in claim_measures():
        assert columns[name] == (types[data_type], doc), name


def test_the_load_carries_measures_through_by_name():
    """Only names that become keys are spelled out in the load; a new measure needs none."""
    excluded = LOAD_SQL.split("exclude (", 1)[1].split(")", 1)[0]
    named = {word.strip() for word in excluded.split(",")}
    to_keys = {f.name for f in record_fields(Claim) if f.store == "dimension"}
    assert named == to_keys | {"article", "sentence_index", "sentence_start", "sentence_end"}
    spelled = {
        name for name, _type, _doc in claim_measures() if re.search(rf"\bclaim\.{name}\b", LOAD_SQL)
    }
    assert spelled <= {"period_start", "period_end"}  # read for their date keys as well


def test_the_claims_suite_checks_the_record_s_column_set():
    suite = json.loads((REPO_ROOT / "expectations" / "claims.json").read_text())
    column_sets = [
        e["kwargs"]["column_set"]
        for e in suite["expectations"]
        if e["type"] == "expect_table_columns_to_match_set"
    ]
    assert column_sets == ["$columns:claims"]


@pytest.mark.parametrize(
    ("parts", "key"),
    [
        (("manufacturer", "Ford"), 268141652307705816),
        (("claim", 123, 4), 2113219263130564639),
        (
            ("article", "002_bae4b555c2f5d7a3.txt", "abc", "1.0+x"),
            stable_key("article", "002_bae4b555c2f5d7a3.txt", "abc", "1.0+x"),
        ),
    ],
)
def test_keys_are_fixed_by_their_algorithm(parts, key):
    assert stable_key(*parts) == key
    assert 0 < key < 2**63


def test_row_keys_are_the_key_of_each_row():
    assert keys_of("claim", [123, 123], [4, 5]) == [
        stable_key("claim", 123, 4),
        stable_key("claim", 123, 5),
    ]


def test_the_warehouse_keys_its_rows_with_the_one_key_function(seed_run):
    _summary, db = seed_run
    with duckdb.connect(str(db), read_only=True) as connection:
        rows = connection.execute(
            "select claim.claim_key, claim.article_key, claim.claim_index, article.article,"
            " article.content_hash, article.extractor_version"
            " from fact_claim as claim join dim_article as article using (article_key)"
        ).fetchall()
        sentences = connection.execute(
            "select sentence_key, article_key, sentence_index from dim_sentence"
        ).fetchall()
    assert rows and sentences
    for claim_key, article_key, index, article, content_hash, version in rows:
        assert article_key == stable_key("article", article, content_hash, version)
        assert claim_key == stable_key("claim", article_key, index)
    for sentence_key, article_key, index in sentences:
        assert sentence_key == stable_key("sentence", article_key, index)


def test_row_keys_made_column_wise_are_the_keys_of_each_row():
    frame = pl.DataFrame(
        {"article_key": [2**62 + 12345, 7, 7, 0], "claim_index": [0, 1, 123456, 4]},
        schema={"article_key": pl.Int64, "claim_index": pl.Int32},
    )
    keys = row_keys("claim", frame, "article_key", "claim_index").to_list()
    assert keys == keys_of("claim", frame["article_key"], frame["claim_index"])
    assert keys[1] == stable_key("claim", 7, 1)
    with pytest.raises(ValueError, match="nulls"):
        row_keys(
            "claim",
            frame.with_columns(pl.lit(None, dtype=pl.Int64).alias("article_key")),
            "article_key",
            "claim_index",
        )
