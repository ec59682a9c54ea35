"""Loading one group of validated frames into the star schema, and the run's own
bookkeeping (files, quarantine, run).

Keys are made here (`flows/warehouse/keys.py`); the star-schema statements are
SQL files under `sql/load/`, run in the order below against the frames
registered as `incoming_*` tables.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from datetime import datetime

import duckdb
import polars as pl

from flows.extract.frames import Frames
from flows.resources import resource_dir
from flows.warehouse.keys import keys_of, row_keys, stable_key


def run_sql(connection: duckdb.DuckDBPyConnection, name: str, parameters: dict | None = None):
    """One file of `sql/load/` (its `$name` parameters from `parameters`)."""
    sql = (resource_dir("sql") / "load" / f"{name}.sql").read_text(encoding="utf-8")
    return connection.execute(sql, parameters) if parameters else connection.execute(sql)


@contextlib.contextmanager
def registered(connection: duckdb.DuckDBPyConnection, frames: dict[str, pl.DataFrame]) -> Iterator[None]:
    """Frames readable by SQL under their names while the block runs.

    After a statement fails, DuckDB has aborted the transaction and refuses even to
    unregister a frame: that refusal is not raised over the statement's own error."""
    for name, frame in frames.items():
        connection.register(name, frame)
    try:
        yield
    except BaseException:
        for name in frames:
            with contextlib.suppress(duckdb.Error):
                connection.unregister(name)
        raise
    for name in frames:
        connection.unregister(name)


def scalar(connection: duckdb.DuckDBPyConnection, sql: str):
    """The single value of a query, with the result fully consumed (DuckDB 2 keeps
    a half-read result open, and the connection busy, otherwise)."""
    return connection.execute(sql).fetchall()[0][0]


def retire_files(connection: duckdb.DuckDBPyConnection, paths: list[str]) -> int:
    """Drop the articles of these files and every fact hanging off them (their new
    version replaces them in the same transaction). Returns the articles dropped."""
    if not paths:
        return 0
    retired = pl.DataFrame({"path": paths}, schema={"path": pl.String})
    with registered(connection, {"retired_paths": retired}):
        run_sql(connection, "retire_files")
        count = scalar(connection, "select count(*) from retired")
        connection.execute("drop table retired")
    return int(count)


def insert_frames(
    connection: duckdb.DuckDBPyConnection, frames: Frames, load_id: int, loaded_at: datetime
) -> None:
    """Insert one group of validated frames (their files were retired first)."""
    if frames.articles.is_empty():
        return
    incoming = _with_keys(frames, load_id, loaded_at)
    with registered(connection, {f"incoming_{name}": frame for name, frame in incoming.items()}):
        for table in (
            "dim_article",
            "dim_sentence",
            "fact_entity_mention",
            "fact_claim",
            "bridge_claim_region",
        ):
            run_sql(connection, table)


def _with_keys(frames: Frames, load_id: int, loaded_at: datetime) -> dict[str, pl.DataFrame]:
    """The frames with their keys and load columns, named as `sql/load/` reads them."""
    load = pl.lit(load_id, dtype=pl.Int64).alias("load_id")
    articles = frames.articles.with_columns(
        pl.Series(
            "article_key",
            keys_of(
                "article",
                frames.articles["article"],
                frames.articles["content_hash"],
                frames.articles["extractor_version"],
            ),
            dtype=pl.Int64,
        ),
        load,
        pl.lit(loaded_at).alias("loaded_at"),
        pl.col("published_on").dt.strftime("%Y%m%d").cast(pl.Int32, strict=False).alias(
            "published_date_key"
        ),
    )
    keys = articles.select("article", "article_key")
    sentences = _child_keys(frames.sentences.join(keys, on="article"), "sentence", load)
    sentence_keys = sentences.select("article", "sentence_index", "sentence_key")
    mentions = _child_keys(
        frames.mentions.join(keys, on="article").join(
            sentence_keys, on=["article", "sentence_index"], how="left"
        ),
        "mention",
        load,
    )
    # A few hundred entities are named by a hundred thousand mentions: each keyed once.
    entities = mentions.select("entity_type", "entity_name").unique()
    entities = entities.with_columns(
        pl.Series(
            "entity_key",
            [
                stable_key(kind, name) if kind != "model" else None
                for kind, name in entities.iter_rows()
            ],
            dtype=pl.Int64,
        )
    )
    mentions = mentions.join(
        entities,
        on=["entity_type", "entity_name"],
        how="left",
        nulls_equal=True,
        maintain_order="left",
    )
    claims = _child_keys(
        frames.claims.join(keys, on="article").join(
            sentence_keys, on=["article", "sentence_index"], how="left"
        ),
        "claim",
        load,
    )
    regions = frames.claim_regions.join(
        claims.select("article", "claim_index", "claim_key"), on=["article", "claim_index"]
    ).with_columns(load)
    return {
        "articles": articles,
        "sentences": sentences,
        "mentions": mentions,
        "claims": claims,
        "regions": regions,
    }


def _child_keys(frame: pl.DataFrame, kind: str, load: pl.Expr) -> pl.DataFrame:
    """The keys of an article's rows: `stable_key(kind, article_key, <kind>_index)`."""
    keys = row_keys(kind, frame, "article_key", f"{kind}_index").alias(f"{kind}_key")
    return frame.with_columns(keys, load)


# -- the run's bookkeeping -------------------------------------------------------


def record_files(
    connection: duckdb.DuckDBPyConnection, outcomes: pl.DataFrame, load_id: int, seen_at: datetime
) -> None:
    """Upsert the latest outcome of every file this run looked at."""
    if outcomes.is_empty():
        return
    stamped = outcomes.with_columns(
        pl.lit(load_id, dtype=pl.Int64).alias("load_id"), pl.lit(seen_at).alias("seen_at")
    )
    with registered(connection, {"outcomes": stamped}):
        run_sql(connection, "etl_file")


def record_quarantine(
    connection: duckdb.DuckDBPyConnection, rows: pl.DataFrame, load_id: int, created_at: datetime
) -> None:
    if rows.is_empty():
        return
    start = int(scalar(connection, "select coalesce(max(quarantine_id), 0) from quarantine"))
    frame = (
        rows.with_row_index("offset")
        .with_columns(
            (pl.col("offset").cast(pl.Int64) + start + 1).alias("quarantine_id"),
            pl.lit(load_id, dtype=pl.Int64).alias("load_id"),
            pl.lit(created_at).alias("created_at"),
        )
        .drop("offset")
    )
    with registered(connection, {"incoming_quarantine": frame}):
        connection.execute("insert into quarantine by name select * from incoming_quarantine")


def record_run(connection: duckdb.DuckDBPyConnection, run: dict) -> None:
    values = dict(run)
    for key in ("validation", "stage_seconds"):
        values[key] = json.dumps(values.get(key) or {})
    columns = ", ".join(values)
    placeholders = ", ".join("?" for _ in values)
    connection.execute(
        f"insert into etl_run ({columns}) values ({placeholders})", list(values.values())
    )
