"""What the brief shows, read from the published warehouse through a sandboxed reader.

Each section is one query over the views people use too (`fact_figure`,
`v_conflicts`, `dim_story`, `v_claims`), so the brief says nothing the
warehouse does not. Lists are capped: a brief of a large archive stays a page.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import duckdb

from flows.warehouse.readers import fetch

MARKETS = 8  # markets with a volume chart
BARS = 10  # latest figures per market chart
LEADER_MARKETS = 6
LEADERS = 5
TARGETS = 30
CONFLICTS = 40
MONTHS = 24
COUNTED = ("sales", "registrations", "deliveries", "exports", "production", "orders")


@dataclass
class Figure:
    label: str
    value: float
    unit: str
    powertrain: str
    claim_key: int | None
    status: str = ""


@dataclass
class Brief:
    tiles: dict[str, int | str]
    volumes: dict[str, list[Figure]]
    leaders: list[tuple[str, str, list[Figure]]]
    targets: list[tuple[str, Figure]]
    conflicts: list[dict]
    coverage: list[tuple[str, int, int, int]]
    evidence: dict[int, dict] = field(default_factory=dict)


def period_label(start: date | None, end: date | None) -> str:
    """'Nov 2025', 'Q3 2025', '2025', 'Jan–Nov 2025', or the two dates."""
    if start is None or end is None:
        return "undated"
    months = (end.year - start.year) * 12 + end.month - start.month + 1
    if start.day != 1:
        return f"{start:%d %b %Y}–{end:%d %b %Y}"
    if months == 1:
        return f"{end:%b %Y}"
    if months == 12 and start.month == 1:
        return str(end.year)
    if months == 3 and start.month in (1, 4, 7, 10):
        return f"Q{(start.month - 1) // 3 + 1} {end.year}"
    if start.year == end.year:
        return f"{start:%b}–{end:%b %Y}"
    return f"{start:%b %Y}–{end:%b %Y}"


def read_brief(connection: duckdb.DuckDBPyConnection) -> Brief:
    brief = Brief(
        tiles=_tiles(connection),
        volumes=_volumes(connection),
        leaders=_leaders(connection),
        targets=_targets(connection),
        conflicts=_conflicts(connection),
        coverage=_coverage(connection),
    )
    keys = {f.claim_key for figures in brief.volumes.values() for f in figures}
    keys |= {f.claim_key for _m, _p, figures in brief.leaders for f in figures}
    keys |= {f.claim_key for _label, f in brief.targets}
    keys |= {c["claim_key"] for fact in brief.conflicts for c in fact["claims"]}
    brief.evidence = _evidence(connection, {k for k in keys if k is not None})
    return brief


def _tiles(connection) -> dict[str, int | str]:
    ((articles, publishers, first, last),) = fetch(
        connection,
        "select count(*), count(distinct publisher), min(published_on), max(published_on) "
        "from dim_article",
    )
    ((stories,),) = fetch(connection, "select count(*) from dim_story")
    ((claims,),) = fetch(connection, "select count(*) from fact_claim")
    ((facts, flagged),) = fetch(
        connection,
        "select count(*), count(*) filter (where status in "
        "('conflicting', 'inconsistent', 'scope_drift')) from fact_figure",
    )
    return {
        "articles": articles,
        "publishers": publishers,
        "stories": stories,
        "claims": claims,
        "facts": facts,
        "facts to check": flagged,
        "published": f"{first or '?'} – {last or '?'}",
    }


def _volumes(connection) -> dict[str, list[Figure]]:
    rows = fetch(
        connection,
        """
        with totals as (
            select *, count(*) over (partition by market) as per_market
            from fact_figure
            where market is not null and manufacturer is null and model is null
              and unit = 'units' and metric in ?
        ),
        top as (
            select market from totals group by market, per_market
            order by per_market desc, market limit ?
        )
        select market, metric, powertrain, period_start, period_end, value, unit, claim_keys[1], status
        from totals
        where market in (select market from top)
        qualify row_number() over (
            partition by market order by period_end desc nulls last, value desc, fact_key
        ) <= ?
        order by market, period_end desc nulls last, value desc, fact_key
        """,
        [list(COUNTED), MARKETS, BARS],
    )
    volumes: dict[str, list[Figure]] = {}
    for market, metric, powertrain, start, end, value, unit, key, status in rows:
        label = f"{metric} · {powertrain} · {period_label(start, end)}"
        volumes.setdefault(market, []).append(Figure(label, value, unit, powertrain, key, status))
    return volumes


def _leaders(connection) -> list[tuple[str, str, list[Figure]]]:
    rows = fetch(
        connection,
        """
        with models as (
            select * from fact_figure
            where model is not null and market is not null and unit = 'units' and metric in ?
        ),
        periods as (
            select market, metric, period_start, period_end, count(*) as models
            from models
            group by market, metric, period_start, period_end
            having count(*) >= 2
        ),
        latest as (
            -- per market, the latest period with at least two models
            select * from periods
            qualify row_number() over (
                partition by market order by period_end desc, models desc, metric, period_start
            ) = 1
        ),
        ranked as (
            select models.*, row_number() over (
                partition by models.market order by models.value desc, models.fact_key
            ) as place
            from models join latest using (market, metric, period_start, period_end)
        )
        select market, metric, period_start, period_end, model, manufacturer, value,
               powertrain, claim_keys[1], status, place
        from ranked
        where place <= ?
          and market in (
              select market from latest order by models desc, market limit ?
          )
        order by market, place
        """,
        [list(COUNTED), LEADERS, LEADER_MARKETS],
    )
    leaders: dict[tuple[str, str], list[Figure]] = {}
    for market, metric, start, end, model, maker, value, powertrain, key, status, _place in rows:
        heading = f"{metric} · {period_label(start, end)}"
        label = f"{maker} {model}" if maker and not model.startswith(maker) else model
        figure = Figure(label, value, "units", powertrain, key, status)
        leaders.setdefault((market, heading), []).append(figure)
    return [(market, heading, figures) for (market, heading), figures in leaders.items()]


def _targets(connection) -> list[tuple[str, Figure]]:
    rows = fetch(
        connection,
        """
        select coalesce(model, manufacturer, 'the market'), market, metric, period_start,
               period_end, value, unit, powertrain, claim_keys[1], status
        from fact_figure
        where metric in ('sales_target', 'market_share_target')
        order by period_end nulls last, value desc, fact_key
        limit ?
        """,
        [TARGETS],
    )
    return [
        (
            f"{who} · {market or 'no market named'} · {period_label(start, end)}",
            Figure(metric, value, unit, powertrain, key, status),
        )
        for who, market, metric, start, end, value, unit, powertrain, key, status in rows
    ]


def _conflicts(connection) -> list[dict]:
    facts = fetch(
        connection,
        """
        select fact_key, status, status_reason, metric, market, manufacturer, model, powertrain,
               period_start, period_end, unit
        from fact_figure
        where status in ('conflicting', 'inconsistent', 'scope_drift')
        order by case status when 'conflicting' then 0 when 'inconsistent' then 1 else 2 end,
                 stories desc, metric, market, fact_key
        limit ?
        """,
        [CONFLICTS],
    )
    keys = [row[0] for row in facts]
    claims = fetch(
        connection,
        "select fact_key, claim_key, value, source_org, article from v_conflicts "
        "where fact_key in (select unnest(?::varchar[])) order by value desc, claim_key",
        [keys],
    )
    by_fact: dict[str, list[dict]] = {}
    for fact_key, claim_key, value, source, article in claims:
        by_fact.setdefault(fact_key, []).append(
            {"claim_key": claim_key, "value": value, "source": source, "article": article}
        )
    columns = (
        "fact_key",
        "status",
        "reason",
        "metric",
        "market",
        "manufacturer",
        "model",
        "powertrain",
        "period_start",
        "period_end",
        "unit",
    )
    return [
        {**dict(zip(columns, row, strict=True)), "claims": by_fact.get(row[0], [])} for row in facts
    ]


def _coverage(connection) -> list[tuple[str, int, int, int]]:
    rows = fetch(
        connection,
        """
        select strftime(date_trunc('month', published_on), '%Y-%m') as month,
               count(*), count(distinct publisher), count(distinct story_key)
        from dim_article
        where published_on is not null
        group by all
        order by month desc
        limit ?
        """,
        [MONTHS],
    )
    return list(reversed(rows))


def _evidence(connection, keys: set[int]) -> dict[int, dict]:
    if not keys:
        return {}
    rows = fetch(
        connection,
        """
        select claim.claim_key, claim.sentence, claim.article, claim.title, claim.publisher,
               claim.published_on, claim.source_org, article.url
        from v_claims as claim
        join dim_article as article on article.article = claim.article
        where claim.claim_key in (select unnest(?::bigint[]))
        order by claim.published_on desc nulls last, claim.article, claim.claim_key
        """,
        [sorted(keys)],
    )
    columns = ("sentence", "article", "title", "publisher", "published_on", "source", "url")
    return {row[0]: dict(zip(columns, row[1:], strict=True)) for row in rows}
