"""The `pickup-etl` command line.

Prefect and Great Expectations take seconds to import, so only `run` and
`serve` import them; `query`, `extract`, `eval` and `--help` answer at once.
A user mistake prints one line to stderr and a non-zero exit code, never a
traceback.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from flows.exit_codes import ExitCode
from flows.resources import default_articles_dir, default_db_path

# The published warehouse, as every command that reads or serves it takes it.
db_option = click.option(
    "--db",
    "db_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Published DuckDB file.",
)


class UserError(click.ClickException):
    exit_code = ExitCode.USAGE

    def show(self, file=None) -> None:
        click.echo(f"pickup-etl: {self.message}", err=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="pickup-etl")
def main() -> None:
    """Pickup-truck market news into a DuckDB warehouse of traceable claims."""


@main.command()
@click.option(
    "--source",
    type=str,
    default=None,
    help="Folder, file or glob of articles (default: the seed articles).",
)
@click.option(
    "--db",
    "db_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Published DuckDB file (default: warehouse/pickup.duckdb).",
)
@click.option(
    "--full-refresh",
    is_flag=True,
    help="Rebuild the warehouse from scratch instead of loading only new and changed files.",
)
@click.option(
    "--batch-size", type=click.IntRange(1, 100_000), default=None, help="Articles per parse batch."
)
@click.option(
    "--workers",
    type=click.IntRange(0, 64),
    default=None,
    help="Worker processes for --task-runner process or a local Dask cluster "
    "(default: one per core; 0 parses in the flow process).",
)
@click.option(
    "--task-runner",
    type=click.Choice(["auto", "thread", "process", "dask"]),
    default="auto",
    show_default=True,
    help="Where read and parse batches run: the flow's threads, a process pool on this "
    "machine, or a Dask cluster (auto: a process pool when there is more than one batch).",
)
@click.option(
    "--dask-address",
    type=str,
    default=None,
    help="Scheduler address of an existing Dask cluster (with --task-runner dask).",
)
@click.option(
    "--max-file-mb",
    type=click.FloatRange(0.001, 10_000),
    default=20.0,
    show_default=True,
    help="Refuse input files larger than this.",
)
@click.option(
    "--wait",
    "lock_wait",
    type=click.FloatRange(0, 86_400),
    default=None,
    help="Seconds to wait for another run holding the warehouse.",
)
@click.option(
    "--prefect",
    is_flag=True,
    help="Run as a Prefect flow run (with its UI, logs and artifacts) on the server in "
    "PREFECT_API_URL, or on a temporary one. Implied by PREFECT_API_URL and --task-runner dask.",
)
@click.option(
    "--follow-links",
    is_flag=True,
    help="Read files and folders that links in the source point to outside it (off: such "
    "links are recorded in etl_file and not read).",
)
@click.option(
    "--data-docs",
    is_flag=True,
    help="Also build Great Expectations Data Docs of the run (warehouse/data_docs/run-N/).",
)
@click.option(
    "--brief",
    is_flag=True,
    help="After publishing, write the market brief beside the warehouse (brief.html).",
)
@click.option("--quiet", is_flag=True, help="No progress bar.")
def run(
    source,
    db_path,
    full_refresh,
    batch_size,
    workers,
    task_runner,
    dask_address,
    max_file_mb,
    lock_wait,
    prefect,
    follow_links,
    data_docs,
    brief,
    quiet,
) -> None:
    """Run the flow once: load articles into the warehouse and publish it."""
    from flows.run.launch import run_once

    code = run_once(
        source=source or str(default_articles_dir()),
        db_path=db_path or default_db_path(),
        full_refresh=full_refresh,
        batch_size=batch_size,
        workers=workers,
        task_runner=task_runner,
        dask_address=dask_address,
        max_file_mb=max_file_mb,
        lock_wait=lock_wait,
        progress=not quiet and sys.stderr.isatty(),
        quiet=quiet,
        prefect=prefect,
        follow_links=follow_links,
        data_docs=data_docs,
        brief=brief,
    )
    sys.exit(int(code))


@main.command()
@click.option("--cron", type=str, default=None, help="Cron schedule, e.g. '0 6 * * *'.")
@click.option(
    "--timezone", type=str, default="UTC", show_default=True, help="Time zone of the cron schedule."
)
@click.option(
    "--interval",
    type=click.FloatRange(1, None),
    default=None,
    help="Run every N seconds instead of a cron schedule.",
)
@click.option("--source", type=str, default=None, help="Folder, file or glob of articles.")
@db_option
@click.option("--full-refresh", is_flag=True, help="Rebuild from scratch on every scheduled run.")
@click.option(
    "--name", type=str, default="pickup-etl-scheduled", show_default=True, help="Deployment name."
)
@click.option(
    "--wait",
    "lock_wait",
    type=click.FloatRange(0, 86_400),
    default=None,
    help="Seconds a scheduled run waits for another run holding the warehouse.",
)
@click.option(
    "--workers",
    type=click.IntRange(0, 64),
    default=0,
    show_default=True,
    help="Parse processes per scheduled run (0 parses in the flow process).",
)
@click.option(
    "--brief",
    is_flag=True,
    help="After publishing, write the market brief beside the warehouse (brief.html).",
)
def serve(
    cron, timezone, interval, source, db_path, full_refresh, name, lock_wait, workers, brief
) -> None:
    """Serve the flow as a Prefect deployment with a schedule."""
    if cron and interval:
        raise UserError("give either --cron or --interval, not both")
    if not cron and not interval:
        raise UserError(
            "give a schedule: --cron '0 6 * * *' (with --timezone) or --interval SECONDS"
        )
    _check_server()
    if cron:
        _check_schedule(cron, timezone)
    source = source or str(default_articles_dir())
    from flows.sources import SourceError, list_source

    try:
        list_source(source)
    except SourceError as error:
        raise UserError(str(error)) from None
    from flows.run.launch import serve_flow

    serve_flow(
        name=name,
        cron=cron,
        timezone=timezone,
        interval=interval,
        source=str(Path(source).resolve()) if "*" not in source else source,
        db_path=str((db_path or default_db_path()).resolve()),
        full_refresh=full_refresh,
        lock_wait=lock_wait,
        workers=workers,
        brief=brief,
    )


def _check_server() -> None:
    """Schedules need a Prefect server that runs its scheduler: a temporary one has none."""
    import os
    import urllib.request

    url = os.environ.get("PREFECT_API_URL")
    start = (
        "start one with `.venv/bin/prefect server start` and, in this shell, "
        "`export PREFECT_API_URL=http://127.0.0.1:4200/api`"
    )
    if not url:
        raise UserError(f"serve needs a Prefect server to schedule runs on: {start}")
    try:
        with urllib.request.urlopen(f"{url.rstrip('/')}/health", timeout=5) as response:
            healthy = response.status == 200
    except OSError:
        healthy = False
    if not healthy:
        raise UserError(f"no Prefect server answers at PREFECT_API_URL={url}: {start}")


def _check_schedule(cron: str, timezone: str) -> None:
    """Reject a bad cron expression or time zone before Prefect starts serving."""
    from prefect.client.schemas.schedules import CronSchedule
    from pydantic import ValidationError

    try:
        CronSchedule(cron=cron, timezone=timezone)
    except ValidationError as error:
        field = str(error.errors()[0]["loc"][0])
        example = "'0 6 * * *'" if field == "cron" else "'Europe/Berlin' or 'UTC'"
        given = cron if field == "cron" else timezone
        raise UserError(f"--{field} '{given}' is not valid (for example {example})") from None


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--entities", is_flag=True, help="Print entity mentions instead of claims.")
@click.option(
    "--format", "fmt", type=click.Choice(["jsonl", "table"]), default="jsonl", show_default=True
)
def extract(files, entities, fmt) -> None:
    """Print the claims (or entity mentions) of article files, without touching the warehouse."""
    from flows.extract.frames import parse_records
    from flows.reference import load_reference
    from flows.sources import read_file, read_manifests

    reference = load_reference()
    rows: list[dict] = []
    failed = 0
    for path in files:
        if not path.is_file():
            raise UserError(
                f"{path} is not a file: pass article files (.txt .md .html .json .jsonl)"
            )
        # The manifest beside the file declares its metadata, as it does for `run`.
        manifests = read_manifests(path.parent, [path.name])
        records, problems, _ = read_file(
            path.parent, path.name, manifests.row_for(path.name), max_bytes=1 << 30
        )
        for problem in problems:
            failed += 1
            where = f"{problem.path}" + (f" record {problem.record}" if problem.record else "")
            click.echo(f"pickup-etl: skipped {where}: {problem.reason}", err=True)
        for parsed in parse_records(records, reference):
            if entities:
                rows += [
                    {
                        "article": parsed.raw.article,
                        "type": m.type,
                        "name": m.name,
                        "start": m.start,
                        "end": m.end,
                    }
                    for m in parsed.mentions
                ]
            else:
                rows += [claim.as_record() for claim in parsed.claims]
    _print_rows(rows, fmt)
    if failed and not rows:
        sys.exit(ExitCode.PARTIAL)


@main.command(name="eval")
@click.option(
    "--gold",
    "gold_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder of gold answers (default: tests/fixtures/gold).",
)
@click.option(
    "--articles",
    "articles_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder of the articles the gold answers are about (default: the seeds).",
)
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True
)
@click.option("--details", is_flag=True, help="List missed, extra and wrong claims and entities.")
def evaluate(gold_dir, articles_dir, fmt, details) -> None:
    """Score extraction against gold answers: claim P/R/F1, strict F1, attributes, entities."""
    from flows.evaluation_report import evaluate_folder, render_table
    from flows.resources import REPO_ROOT

    gold_dir = gold_dir or REPO_ROOT / "tests" / "fixtures" / "gold"
    articles_dir = articles_dir or default_articles_dir()
    for label, folder in (("--gold", gold_dir), ("--articles", articles_dir)):
        if not folder.is_dir():
            raise UserError(f"{label} {folder} is not a folder")
    try:
        report = evaluate_folder(gold_dir, articles_dir)
    except (ValueError, FileNotFoundError) as error:
        raise UserError(str(error)) from None
    if fmt == "json":
        click.echo(
            json.dumps(
                report if details else {k: v for k, v in report.items() if k != "details"},
                indent=2,
                default=str,
            )
        )
    else:
        click.echo(render_table(report, details))


@main.command()
@click.argument("sql", required=False)
@click.option(
    "--file",
    "-f",
    "sql_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="Read the SQL from a file (for example sql/examples/01_electric_pickups_by_market.sql).",
)
@db_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "jsonl"]),
    default="table",
    show_default=True,
)
@click.option(
    "--max-rows",
    type=click.IntRange(1, None),
    default=200,
    show_default=True,
    help="Rows printed in table format.",
)
def query(sql, sql_file, db_path, fmt, max_rows) -> None:
    """Run read-only SQL against the published warehouse and print the result.

    SQL is the argument, `-` for standard input, or --file PATH.
    """
    import duckdb

    from flows.warehouse.readers import ReaderError, connect_reader

    if sql_file is not None:
        sql = sql_file.read_text(encoding="utf-8")
    elif sql == "-":
        sql = sys.stdin.read()
    if not sql or not sql.strip():
        raise UserError("no SQL given: pass it as an argument, `-` for standard input, or --file")
    db_path = db_path or default_db_path()
    try:
        connection = connect_reader(db_path)
    except ReaderError as error:
        raise UserError(str(error)) from None
    try:
        result = connection.execute(sql)
        columns = [d[0] for d in result.description] if result.description else []
        rows = result.fetchall() if columns else []
    except duckdb.Error as error:
        raise UserError(f"query failed: {_first_line(error)}") from None
    finally:
        connection.close()
    records = [dict(zip(columns, row, strict=True)) for row in rows]
    if fmt == "table":
        _print_table(columns, rows[:max_rows])
        if len(rows) > max_rows:
            click.echo(
                f"({len(rows)} rows, {max_rows} shown; use --max-rows or --format csv)", err=True
            )
    elif fmt == "csv":
        import csv

        writer = csv.writer(sys.stdout)
        writer.writerow(columns)
        writer.writerows(rows)
    else:
        for record in records:
            click.echo(json.dumps(record, default=str))


@main.command()
@click.option(
    "--parquet",
    "parquet_dir",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="Folder to write one Parquet file per table and view.",
)
@db_option
def export(parquet_dir, db_path) -> None:
    """Write every table and view of the published warehouse as Parquet."""
    from flows.warehouse.readers import ReaderError, export_parquet

    try:
        written = export_parquet(db_path or default_db_path(), parquet_dir)
    except ReaderError as error:
        raise UserError(str(error)) from None
    except OSError as error:
        raise UserError(f"cannot write {parquet_dir}: {error.strerror or error}") from None
    for name, rows in written:
        click.echo(f"{name}\t{rows}")


@main.command()
@db_option
@click.option(
    "--out",
    "out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="HTML file to write (default: brief.html beside the warehouse).",
)
def brief(db_path, out) -> None:
    """Write the market brief: one HTML page, readable offline, every figure linked to its sentence."""
    import time

    import duckdb

    from flows.brief.page import write_brief
    from flows.warehouse.readers import ReaderError

    db = db_path or default_db_path()
    target = out or db.with_name("brief.html")
    started = time.perf_counter()
    try:
        written = write_brief(db, target)
    except ReaderError as error:
        raise UserError(str(error)) from None
    except duckdb.CatalogException as error:
        raise UserError(
            f"{db} has no {_first_line(error).split('Table with name ')[-1].split(' ')[0]}: "
            "run `pickup-etl run` with this release to bring the warehouse up to date"
        ) from None
    except OSError as error:
        raise UserError(f"cannot write {target}: {error.strerror or error}") from None
    size = written.stat().st_size
    click.echo(f"wrote {written} ({size / 1024:.0f} KB) in {time.perf_counter() - started:.1f}s")


def _first_line(error: Exception) -> str:
    return str(error).splitlines()[0] if str(error) else type(error).__name__


def _print_rows(rows: list[dict], fmt: str) -> None:
    if fmt == "jsonl":
        for row in rows:
            click.echo(json.dumps(row, ensure_ascii=False, default=str))
        return
    if not rows:
        click.echo("(no rows)")
        return
    columns = list(rows[0])
    _print_table(columns, [tuple(row.get(c) for c in columns) for row in rows])


def _print_table(columns: list[str], rows: list[tuple]) -> None:
    def cell(value) -> str:
        if value is None:
            return ""
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        text = str(value)
        return text if len(text) <= 80 else text[:77] + "..."

    cells = [[cell(v) for v in row] for row in rows]
    widths = [max([len(c)] + [len(r[i]) for r in cells]) for i, c in enumerate(columns)]
    click.echo(" | ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)))
    click.echo("-+-".join("-" * w for w in widths))
    for row in cells:
        click.echo(" | ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)))
    click.echo(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
