"""The DuckDB warehouse: schema, load, and atomic publish.

The flow never writes the file readers use. It copies the published file to a
working file beside it (or starts an empty one on a full refresh), loads the
run into it (committing step by step: only the finished file is ever
published), checkpoints it, and renames it over the published path. A reader holding the old file keeps reading the old snapshot;
a crash at any point leaves the published file as it was.

The file is created with storage version v1.4.0 so DuckDB 1.4+ clients (the
versions BI drivers bundle) can open it.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import shutil
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import duckdb
import polars as pl

from flows.faults import kill_point
from flows.reference import Reference
from flows.resources import resource_dir
from flows.extract.frames import Frames

STORAGE_VERSION = "v1.4.0"
CATALOG = "wh"
CALENDAR = (date(2000, 1, 1), date(2040, 12, 31))
TABLES = (
    "dim_date",
    "dim_metric",
    "dim_powertrain",
    "dim_manufacturer",
    "dim_model",
    "dim_region",
    "dim_organization",
    "dim_person",
    "dim_facility",
    "dim_article",
    "dim_sentence",
    "fact_claim",
    "bridge_claim_region",
    "fact_entity_mention",
    "etl_run",
    "etl_file",
    "quarantine",
)
VIEWS = (
    "v_claims",
    "v_market_volumes",
    "v_model_leaderboard",
    "v_entity_coverage",
    "v_run_history",
)


def _scalar(connection: duckdb.DuckDBPyConnection, sql: str):
    """The single value of a query, with the result fully consumed (DuckDB 2 keeps
    a half-read result open, and the connection busy, otherwise)."""
    return connection.execute(sql).fetchall()[0][0]


def stable_key(*parts: object) -> int:
    """A positive 63-bit key from a natural key: the same input gives the same key in every run."""
    digest = hashlib.blake2b("\x1f".join(str(p) for p in parts).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") >> 1


def _child_keys(frame: pl.DataFrame, index_column: str, salt: int) -> pl.Expr:
    """Keys of rows that belong to an article: a hash of (article_key, index, kind)."""
    return (
        pl.struct([pl.col("article_key"), pl.col(index_column), pl.lit(salt, dtype=pl.Int64)])
        .hash(seed=20251201)
        .floordiv(2)
        .cast(pl.Int64)
    )


# DuckDB's buffer memory for a run's working database (PICKUP_ETL_DUCKDB_MEMORY overrides).
MEMORY_LIMIT = "512MB"


def working_path(db_path: Path) -> Path:
    return db_path.with_name(f".{db_path.name}.building")


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _sql_files(kind: str) -> list[Path]:
    return sorted((resource_dir("sql") / kind).glob("*.sql"))


class WarehouseError(RuntimeError):
    """The warehouse cannot be opened or written (a folder that is not writable, a full
    disk, a file that is not DuckDB): the message names the file and what to do."""


class SchemaError(WarehouseError):
    """The published warehouse has a schema this release cannot migrate to."""


def _columns(connection: duckdb.DuckDBPyConnection, database: str) -> dict[str, dict[str, str]]:
    rows = connection.execute(
        "select table_name, column_name, data_type from duckdb_columns() "
        "where database_name = ? and schema_name = 'main' and not internal "
        "and table_name in (select table_name from duckdb_tables() where database_name = ?) "
        "order by table_name, column_index",
        [database, database],
    ).fetchall()
    tables: dict[str, dict[str, str]] = {}
    for table, column, data_type in rows:
        tables.setdefault(table, {})[column] = data_type
    return tables


class WorkingDatabase:
    """The run's own copy of the warehouse. One per run, under the writer lock."""

    def __init__(self, db_path: Path, full_refresh: bool = False) -> None:
        self.db_path = db_path
        self.path = working_path(db_path)
        db_path.parent.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()  # left by a run that died; the lock says nobody else owns it
        wal = self.path.with_name(self.path.name + ".wal")
        with contextlib.suppress(FileNotFoundError):
            wal.unlink()
        copy_published = db_path.exists() and not full_refresh
        if copy_published:
            shutil.copyfile(db_path, self.path)
        # With DuckDB's default limit (80% of RAM) its buffers grow with the size of the
        # warehouse. Capped, DuckDB spills to disk beside the working file.
        self._spill_dir = self.path.with_name(self.path.name + ".tmp")
        self.connection = duckdb.connect(
            config={
                "memory_limit": os.environ.get("PICKUP_ETL_DUCKDB_MEMORY", MEMORY_LIMIT),
                "temp_directory": str(self._spill_dir),
            }
        )
        quoted = str(self.path).replace("'", "''")
        if copy_published:
            self.connection.execute(f"attach '{quoted}' as {CATALOG}")
        else:
            self.connection.execute(
                f"attach '{quoted}' as {CATALOG} (storage_version '{STORAGE_VERSION}')"
            )
        self.connection.execute(f"use {CATALOG}")
        self._in_transaction = False

    @classmethod
    def open(cls, db_path: Path, full_refresh: bool = False) -> WorkingDatabase:
        """The run's working copy with the current schema, or a WarehouseError saying why not.
        Nothing is left behind when it cannot be made."""
        working = None
        try:
            working = cls(db_path, full_refresh=full_refresh)
            working.create_schema()
            return working
        except OSError as error:
            if working is not None:
                working.discard()
            else:
                _remove_leftovers(working_path(db_path))
            raise WarehouseError(
                f"cannot write the warehouse {db_path}: {error.strerror or error}; "
                "free space or pass --db in a folder you can write"
            ) from None
        except duckdb.Error as error:
            if working is not None:
                working.discard()
            else:
                _remove_leftovers(working_path(db_path))
            message = str(error).splitlines()[0]
            raise WarehouseError(
                f"cannot open the warehouse {db_path}: {message} "
                "(if it is not a pickup-etl DuckDB file, move it away or pass another --db)"
            ) from None

    def start_load(self, reference: Reference) -> int:
        """Open the run's transaction with the reference dimensions as the CSV files say
        now; the run's load id."""
        load_id = self.next_load_id()
        self.begin()
        self.upsert_reference(reference)
        return load_id

    def load_group(self, frames: Frames, paths: list[str], load_id: int) -> None:
        """Replace the facts of a group's files and commit the step."""
        self.retire_files(paths)
        self.add_detected_entities(frames)
        self.insert_frames(frames, load_id, now_utc())
        kill_point("load")
        self.commit_step()

    def finish_run(self, outcomes: pl.DataFrame, quarantine: pl.DataFrame, run: dict) -> None:
        """Record every file's outcome, the quarantined rows and the run; commit."""
        seen_at = now_utc()
        self.record_files(outcomes, run["load_id"], seen_at)
        self.record_quarantine(quarantine, run["load_id"], seen_at)
        self.record_run({**run, "finished_at": seen_at})
        self.commit()
        kill_point("commit")

    # -- schema ---------------------------------------------------------------

    def create_schema(self) -> None:
        """Tables, views and comments as `sql/` declares them now. `schema_changed` says
        whether that changed the copy (a new release): such a copy is worth publishing
        even when no file changed."""
        before = self._schema_snapshot()
        self._align_columns()
        for path in _sql_files("tables"):
            self.connection.execute(path.read_text(encoding="utf-8"))
        for path in _sql_files("views"):
            self.connection.execute(path.read_text(encoding="utf-8"))
        if _scalar(self.connection, "select count(*) from dim_date") == 0:
            self._fill_calendar()
        self.schema_changed = self._schema_snapshot() != before

    def _schema_snapshot(self) -> tuple:
        columns = self.connection.execute(
            "select table_name, column_name, data_type, comment from duckdb_columns() "
            "where database_name = ? order by all",
            [CATALOG],
        ).fetchall()
        views = self.connection.execute(
            "select view_name, sql, comment from duckdb_views() "
            "where database_name = ? and not internal order by all",
            [CATALOG],
        ).fetchall()
        return columns, views

    def _align_columns(self) -> None:
        """Bring tables written by an older release to the columns sql/tables declares:
        new columns are added (null in old rows), dropped ones removed."""
        existing = _columns(self.connection, CATALOG)
        if not existing:
            return
        scratch = duckdb.connect()
        try:
            for path in _sql_files("tables"):
                scratch.execute(path.read_text(encoding="utf-8"))
            declared = _columns(scratch, "memory")
        finally:
            scratch.close()
        for table, columns in declared.items():
            have = existing.get(table)
            if have is None:
                continue
            try:
                for name, data_type in columns.items():
                    if name not in have:
                        self.connection.execute(
                            f'alter table {table} add column "{name}" {data_type}'
                        )
                for name in have:
                    if name not in columns:
                        self.connection.execute(f'alter table {table} drop column "{name}"')
            except duckdb.Error as error:
                raise SchemaError(
                    f"{self.db_path}: table {table} cannot be brought to the current schema "
                    f"({error}); run again with --full-refresh to rebuild the warehouse"
                ) from error

    def _fill_calendar(self) -> None:
        start, end = CALENDAR
        self.connection.execute(
            """
            insert into dim_date
            select
                cast(strftime(day, '%Y%m%d') as integer) as date_key,
                cast(day as date) as date,
                year(day), quarter(day), month(day), monthname(day), strftime(day, '%Y-%m'),
                day(day), isodow(day), week(day),
                day = last_day(day)
            from range(?::date, ?::date + interval 1 day, interval 1 day) as days(day)
            """,
            [start, end],
        )

    # -- state ----------------------------------------------------------------

    def file_states(self) -> dict[str, tuple[str | None, str | None, str]]:
        """path → (content_hash, extractor_version, status) as the last run recorded them."""
        rows = self.connection.execute(
            "select path, content_hash, extractor_version, status from etl_file"
        ).fetchall()
        return {path: (content_hash, version, status) for path, content_hash, version, status in rows}

    def file_stamps(self) -> dict[str, tuple[int, int, str, int]]:
        """path → (size, mtime_ns, content_hash, when it was recorded in ns) of the files
        the warehouse holds, for discovery to skip hashing files that have not changed."""
        rows = self.connection.execute(
            "select path, size_bytes, mtime_ns, content_hash, epoch_ns(last_seen_at) from etl_file "
            "where content_hash is not null and size_bytes is not null and mtime_ns is not null "
            "and last_seen_at is not null"
        ).fetchall()
        return {
            path: (size, mtime, content_hash, seen)
            for path, size, mtime, content_hash, seen in rows
        }

    def next_load_id(self) -> int:
        return int(_scalar(self.connection, "select coalesce(max(load_id), 0) + 1 from etl_run"))

    def counts(self) -> dict[str, int]:
        """Rows per table of the working database."""
        return {
            name: int(_scalar(self.connection, f"select count(*) from {name}")) for name in TABLES
        }

    # -- transaction ----------------------------------------------------------

    def begin(self) -> None:
        self.connection.execute("begin transaction")
        self._in_transaction = True

    def commit(self) -> None:
        self.connection.execute("commit")
        self._in_transaction = False

    def commit_step(self) -> None:
        """Commit what is loaded so far and go on in a new transaction.

        Readers never see these commits: they read the published file, and the
        working copy is only published (or thrown away) as a whole. Committing
        per step keeps memory flat: DuckDB holds a transaction's uncommitted rows
        in memory, so one transaction for a whole archive grows with its size."""
        self.commit()
        self.begin()

    def rollback(self) -> None:
        if self._in_transaction:
            self.connection.execute("rollback")
            self._in_transaction = False

    # -- dimensions -----------------------------------------------------------

    def upsert_reference(self, reference: Reference, detected: Frames | None = None) -> None:
        """Reference dimensions as the CSV files say now, plus entities found by rules."""
        con = self.connection
        metrics = pl.DataFrame(
            [
                {
                    "metric_key": index + 1,
                    "metric": row["metric"],
                    "unit_kind": row["unit_kind"],
                    "description": row["description"],
                }
                for index, row in enumerate(reference.metrics)
            ]
        )
        powertrains = pl.DataFrame(
            [
                {
                    "powertrain_key": index + 1,
                    "powertrain": row["powertrain"],
                    "name": row["name"],
                    "description": row["description"],
                }
                for index, row in enumerate(reference.powertrains)
            ]
        )
        self._replace("dim_metric", metrics, "metric")
        self._replace("dim_powertrain", powertrains, "powertrain")

        def key_of(entity_type: str, name: str | None) -> int | None:
            return stable_key(entity_type, name) if name else None

        rows: dict[str, list[dict]] = {
            name: []
            for name in ("manufacturer", "model", "region", "organization", "person", "facility")
        }
        for entity in reference.entities:
            aliases = list(entity.aliases) + list(entity.demonyms)
            if entity.type == "manufacturer":
                rows["manufacturer"].append(
                    {
                        "manufacturer_key": key_of("manufacturer", entity.name),
                        "name": entity.name,
                        "aliases": aliases,
                        "parent_key": key_of("manufacturer", entity.parent),
                        "parent_name": entity.parent,
                        "country": entity.country,
                        "kind": entity.kind,
                        "source": "reference",
                    }
                )
            elif entity.type == "model":
                rows["model"].append(
                    {
                        "model_key": key_of("model", f"{entity.manufacturer}/{entity.name}"),
                        "name": entity.name,
                        "manufacturer_key": key_of("manufacturer", entity.manufacturer),
                        "manufacturer_name": entity.manufacturer,
                        "aliases": aliases,
                        "powertrains": list(entity.powertrains),
                        "body": entity.body,
                        "status": entity.kind,
                        "source": "reference",
                    }
                )
            elif entity.type == "region":
                rows["region"].append(
                    {
                        "region_key": key_of("region", entity.name),
                        "name": entity.name,
                        "kind": entity.kind,
                        "iso_code": entity.iso_code,
                        "parent_key": key_of("region", entity.parent),
                        "parent_name": entity.parent,
                        "aliases": aliases,
                        "source": "reference",
                    }
                )
            elif entity.type == "organization":
                rows["organization"].append(
                    {
                        "organization_key": key_of("organization", entity.name),
                        "name": entity.name,
                        "kind": entity.kind,
                        "country": entity.country,
                        "domain": entity.domain,
                        "aliases": aliases,
                        "source": "reference",
                    }
                )
            elif entity.type == "person":
                rows["person"].append(
                    {
                        "person_key": key_of("person", entity.name),
                        "name": entity.name,
                        "organization": entity.parent,
                        "role": entity.kind,
                        "aliases": aliases,
                        "source": "reference",
                    }
                )
            elif entity.type == "facility":
                rows["facility"].append(
                    {
                        "facility_key": key_of("facility", entity.name),
                        "name": entity.name,
                        "manufacturer_name": entity.manufacturer,
                        "region_name": entity.parent,
                        "city": entity.country,
                        "aliases": aliases,
                        "source": "reference",
                    }
                )
        for entity_type, entity_rows in rows.items():
            frame = pl.DataFrame(entity_rows)
            con.register("incoming_dim", frame)
            table = f"dim_{entity_type}"
            key = f"{entity_type}_key"
            # Reference rows are replaced wholesale; detected rows stay unless the
            # reference now names the same entity.
            con.execute(
                f"delete from {table} where source = 'reference' or {key} in (select {key} from incoming_dim)"
            )
            con.execute(f"insert into {table} by name select * from incoming_dim")
            con.unregister("incoming_dim")

    def _replace(self, table: str, frame: pl.DataFrame, natural_key: str) -> None:
        self.connection.register("incoming_dim", frame)
        self.connection.execute(f"delete from {table}")
        self.connection.execute(f"insert into {table} by name select * from incoming_dim")
        self.connection.unregister("incoming_dim")

    def add_detected_entities(self, frames: Frames) -> None:
        """Entities found by rules (people, organisations, plants, sources) that the reference lacks."""
        con = self.connection
        mentions = (
            frames.mentions.filter(pl.col("rule") != "reference")
            .select("entity_type", "entity_name")
            .unique()
        )
        sources = (
            frames.claims.filter(pl.col("source_org").is_not_null())
            .select(
                pl.lit("organization").alias("entity_type"),
                pl.col("source_org").alias("entity_name"),
            )
            .unique()
        )
        detected = pl.concat([mentions, sources]).unique()
        columns = {
            "person": "person_key, name, organization, role, aliases, source",
            "organization": "organization_key, name, kind, country, domain, aliases, source",
            "facility": "facility_key, name, manufacturer_name, region_name, city, aliases, source",
            "manufacturer": "manufacturer_key, name, aliases, parent_key, parent_name, country, kind, source",
        }
        for entity_type, column_list in columns.items():
            names = detected.filter(pl.col("entity_type") == entity_type)["entity_name"].to_list()
            if not names:
                continue
            frame = pl.DataFrame(
                {"key": [stable_key(entity_type, n) for n in names], "name": names}
            )
            con.register("detected_names", frame)
            width = len(column_list.split(",")) - 4  # key, name, aliases and source are given
            nulls = ", ".join(["null"] * width)
            con.execute(
                f"""
                insert into dim_{entity_type} ({column_list})
                select key, name, {nulls}, []::varchar[], 'detected' from detected_names
                where key not in (select {entity_type}_key from dim_{entity_type})
                  and name not in (select name from dim_{entity_type})
                """
            )
            con.unregister("detected_names")

    # -- facts ----------------------------------------------------------------

    def retire_files(self, paths: list[str]) -> int:
        """Drop the articles of these files and every fact hanging off them (their new
        version replaces them in the same transaction). Returns the articles dropped."""
        if not paths:
            return 0
        con = self.connection
        con.register("retired_paths", pl.DataFrame({"path": paths}, schema={"path": pl.String}))
        con.execute(
            "create or replace temp table retired as select article_key from dim_article "
            "where file_path in (select path from retired_paths)"
        )
        con.execute(
            "delete from bridge_claim_region where claim_key in "
            "(select claim_key from fact_claim where article_key in (select article_key from retired))"
        )
        for table in ("fact_claim", "fact_entity_mention", "dim_sentence", "dim_article"):
            con.execute(
                f"delete from {table} where article_key in (select article_key from retired)"
            )
        count = _scalar(con, "select count(*) from retired")
        con.execute("drop table retired")
        con.unregister("retired_paths")
        return int(count)

    def insert_frames(self, frames: Frames, load_id: int, loaded_at: datetime) -> None:
        """Insert one batch of validated frames (their files were retired first)."""
        if frames.articles.is_empty():
            return
        con = self.connection
        articles = frames.articles.with_columns(
            pl.struct(["article", "content_hash", "extractor_version"])
            .map_elements(
                lambda r: stable_key(
                    "article", r["article"], r["content_hash"], r["extractor_version"]
                ),
                return_dtype=pl.Int64,
            )
            .alias("article_key"),
            pl.lit(load_id, dtype=pl.Int64).alias("load_id"),
            pl.lit(loaded_at).alias("loaded_at"),
            pl.col("published_on")
            .dt.strftime("%Y%m%d")
            .cast(pl.Int32, strict=False)
            .alias("published_date_key"),
        )
        # A rerun of the same version (after a retire) replaces its row.
        con.register("incoming_articles", articles)
        con.execute(
            "delete from dim_article where article_key in (select article_key from incoming_articles)"
        )
        con.execute(
            "insert into dim_article by name select * exclude (article_key), article_key from incoming_articles"
        )
        keys = articles.select("article", "article_key")

        sentences = frames.sentences.join(keys, on="article").with_columns(
            _child_keys(frames.sentences, "sentence_index", 1).alias("sentence_key"),
            pl.lit(load_id, dtype=pl.Int64).alias("load_id"),
        )
        con.register("incoming_sentences", sentences)
        con.execute(
            "insert into dim_sentence by name select * exclude (article) from incoming_sentences"
        )
        sentence_keys = sentences.select("article", "sentence_index", "sentence_key")

        mentions = (
            frames.mentions.join(keys, on="article")
            .join(sentence_keys, on=["article", "sentence_index"], how="left")
            .with_columns(
                _child_keys(frames.mentions, "mention_index", 2).alias("mention_key"),
                pl.struct(["entity_type", "entity_name"])
                .map_elements(
                    lambda r: (
                        stable_key(r["entity_type"], r["entity_name"])
                        if r["entity_type"] != "model"
                        else None
                    ),
                    return_dtype=pl.Int64,
                )
                .alias("entity_key"),
                pl.lit(load_id, dtype=pl.Int64).alias("load_id"),
            )
        )
        con.register("incoming_mentions", mentions)
        con.execute(
            """
            insert into fact_entity_mention by name
            select
                m.* exclude (article, entity_key, sentence_index),
                coalesce(m.entity_key, (
                    select model.model_key from dim_model as model where model.name = m.entity_name
                    order by model.source, model.model_key limit 1
                )) as entity_key
            from incoming_mentions as m
            """
        )

        claims = (
            frames.claims.join(keys, on="article")
            .join(sentence_keys, on=["article", "sentence_index"], how="left")
            .with_columns(
                _child_keys(frames.claims, "claim_index", 3).alias("claim_key"),
                pl.lit(load_id, dtype=pl.Int64).alias("load_id"),
            )
        )
        con.register("incoming_claims", claims)
        con.execute(
            """
            insert into fact_claim by name
            select
                c.claim_key,
                c.article_key,
                c.sentence_key,
                c.claim_index,
                metric.metric_key,
                c.value,
                c.unit,
                c.qualifier,
                manufacturer.manufacturer_key,
                (
                    select model.model_key from dim_model as model
                    where model.name = c.model
                    order by (model.manufacturer_name = c.manufacturer) desc, model.model_key
                    limit 1
                ) as model_key,
                powertrain.powertrain_key,
                source.organization_key as source_org_key,
                c.period_start,
                c.period_end,
                cast(strftime(c.period_start, '%Y%m%d') as integer) as period_start_key,
                cast(strftime(c.period_end, '%Y%m%d') as integer) as period_end_key,
                c.change_pct,
                c.baseline_value,
                c.value_start,
                c.value_end,
                c.value_text,
                c.load_id
            from incoming_claims as c
            join dim_metric as metric on metric.metric = c.metric
            join dim_powertrain as powertrain on powertrain.powertrain = c.powertrain
            left join dim_manufacturer as manufacturer on manufacturer.name = c.manufacturer
            left join dim_organization as source on source.name = c.source_org
            """
        )
        regions = frames.claim_regions.join(
            claims.select("article", "claim_index", "claim_key"), on=["article", "claim_index"]
        ).with_columns(pl.lit(load_id, dtype=pl.Int64).alias("load_id"))
        con.register("incoming_regions", regions)
        con.execute(
            """
            insert into bridge_claim_region by name
            select r.claim_key, region.region_key, r.position, r.load_id
            from incoming_regions as r
            join dim_region as region on region.name = r.region
            """
        )
        for name in (
            "incoming_articles",
            "incoming_sentences",
            "incoming_mentions",
            "incoming_claims",
            "incoming_regions",
        ):
            con.unregister(name)

    # -- operations -----------------------------------------------------------

    def record_files(self, outcomes: pl.DataFrame, load_id: int, seen_at: datetime) -> None:
        """Upsert the latest outcome of every file this run looked at."""
        if outcomes.is_empty():
            return
        con = self.connection
        con.register(
            "outcomes",
            outcomes.with_columns(
                pl.lit(load_id, dtype=pl.Int64).alias("load_id"), pl.lit(seen_at).alias("seen_at")
            ),
        )
        con.execute(
            """
            merge into etl_file as target
            using outcomes as o on target.path = o.path
            when matched then update set
                content_hash = coalesce(o.content_hash, target.content_hash),
                size_bytes = coalesce(o.size_bytes, target.size_bytes),
                mtime_ns = coalesce(o.mtime_ns, target.mtime_ns),
                status = o.status,
                reason = o.reason,
                article_count = coalesce(o.article_count, target.article_count),
                extractor_version = coalesce(o.extractor_version, target.extractor_version),
                last_load_id = o.load_id,
                last_seen_at = case when o.status = 'missing' then target.last_seen_at else o.seen_at end
            when not matched then insert (
                path, content_hash, size_bytes, mtime_ns, status, reason, article_count,
                extractor_version, first_load_id, last_load_id, last_seen_at
            ) values (
                o.path, o.content_hash, o.size_bytes, o.mtime_ns, o.status, o.reason, o.article_count,
                o.extractor_version, o.load_id, o.load_id, o.seen_at
            )
            """
        )
        con.unregister("outcomes")

    def record_quarantine(self, rows: pl.DataFrame, load_id: int, created_at: datetime) -> None:
        if rows.is_empty():
            return
        con = self.connection
        start = int(_scalar(con, "select coalesce(max(quarantine_id), 0) from quarantine"))
        frame = (
            rows.with_row_index("offset")
            .with_columns(
                (pl.col("offset").cast(pl.Int64) + start + 1).alias("quarantine_id"),
                pl.lit(load_id, dtype=pl.Int64).alias("load_id"),
                pl.lit(created_at).alias("created_at"),
            )
            .drop("offset")
        )
        con.register("incoming_quarantine", frame)
        con.execute("insert into quarantine by name select * from incoming_quarantine")
        con.unregister("incoming_quarantine")

    def record_run(self, run: dict) -> None:
        values = dict(run)
        for key in ("validation", "stage_seconds"):
            values[key] = json.dumps(values.get(key) or {})
        columns = ", ".join(values)
        placeholders = ", ".join("?" for _ in values)
        self.connection.execute(
            f"insert into etl_run ({columns}) values ({placeholders})", list(values.values())
        )

    # -- publish --------------------------------------------------------------

    def publish(self) -> Path:
        """Checkpoint, close, and atomically rename the working file over the published one."""
        self.connection.execute("checkpoint")
        self.connection.execute("use memory")
        self.connection.execute(f"detach {CATALOG}")
        self.connection.close()
        shutil.rmtree(self._spill_dir, ignore_errors=True)
        _fsync(self.path)
        kill_point("publish")
        os.replace(self.path, self.db_path)
        with contextlib.suppress(OSError):
            _fsync(self.db_path.parent)
        return self.db_path

    def discard(self) -> None:
        """Throw the working copy away; the published file is untouched."""
        with contextlib.suppress(Exception):
            self.rollback()
        with contextlib.suppress(Exception):
            self.connection.close()
        _remove_leftovers(self.path)


def _remove_leftovers(path: Path) -> None:
    """A working file, its write-ahead log and its spill folder."""
    shutil.rmtree(path.with_name(path.name + ".tmp"), ignore_errors=True)
    for leftover in (path, path.with_name(path.name + ".wal")):
        with contextlib.suppress(OSError):
            leftover.unlink()


def now_utc() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def seconds_since(start: datetime) -> float:
    return (now_utc() - start) / timedelta(seconds=1)
