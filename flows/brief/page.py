"""The market brief as one self-contained HTML page.

Volumes by market and powertrain, model leaderboards, announced targets, the
figures to check (conflicts, inconsistencies, scope drift) and coverage, each
figure a link to the sentence it comes from (the evidence list at the end,
with the article and its publisher). Styles and charts are inline: the page
loads nothing and works offline. Article text is escaped everywhere.
"""

from __future__ import annotations

from pathlib import Path

from flows.brief.charts import CHART_STYLE, COLOURS, Bar, bar_chart, column_chart, number
from flows.brief.data import Brief, Figure, period_label, read_brief
from flows.html_page import STYLE, badge, esc, table
from flows.warehouse.readers import connect_reader

BRIEF_STYLE = """
.evidence li{margin:6px 0}
.evidence q{display:block;color:#1d2330}
.legend span{display:inline-block;margin-right:12px;font-size:12px}
.legend i{display:inline-block;width:10px;height:10px;margin-right:4px;vertical-align:middle}
nav a{margin-right:14px;color:#c9cfdb}
.scope_drift,.conflicting,.inconsistent{background:#fde2e1;color:#a4201b}
.corroborated{background:#dff3e4;color:#17692f}
.single_source{background:#eef0f4;color:#4a5568}
"""


def anchor(claim_key: int | None) -> str | None:
    return f"c{claim_key}" if claim_key is not None else None


def _value(figure: Figure) -> str:
    unit = "" if figure.unit in ("units", "rank") else f" {figure.unit}"
    text = f"{esc(number(figure.value))}{esc(unit)}"
    link = anchor(figure.claim_key)
    return f'<a href="#{link}">{text}</a>' if link else text


def _tiles(brief: Brief) -> str:
    tiles = "".join(
        f'<div class="tile"><b>{esc(value)}</b>{esc(name)}</div>'
        for name, value in brief.tiles.items()
    )
    return f'<section id="summary"><h2>In this warehouse</h2><div class="tiles">{tiles}</div></section>'


def _volumes(brief: Brief) -> str:
    if not brief.volumes:
        return '<section id="volumes"><h2>Volumes by market</h2><p class="muted">No market totals yet.</p></section>'
    charts = "".join(
        bar_chart(
            f"{market}: latest figures",
            [Bar(f.label, f.value, f.powertrain, anchor(f.claim_key)) for f in figures],
        )
        for market, figures in brief.volumes.items()
    )
    legend = "".join(
        f'<span><i style="background:{colour}"></i>{esc(name)}</span>'
        for name, colour in COLOURS.items()
    )
    return (
        '<section id="volumes"><h2>Volumes by market and powertrain</h2>'
        '<p class="muted">Market totals (all makers), the latest figures per market; each bar '
        f'links to the sentence it comes from.</p><p class="legend">{legend}</p>{charts}</section>'
    )


def _leaders(brief: Brief) -> str:
    if not brief.leaders:
        return '<section id="leaders"><h2>Model leaderboards</h2><p class="muted">No market has figures for two models of one period yet.</p></section>'
    blocks = "".join(
        f"<h3>{esc(market)} · {esc(heading)}</h3>"
        + table(
            ["place", "model", "value", "status"],
            [
                [str(place), esc(f.label), _value(f), badge(f.status)]
                for place, f in enumerate(figures, start=1)
            ],
            numeric={"place", "value"},
        )
        for market, heading, figures in brief.leaders
    )
    return f'<section id="leaders"><h2>Model leaderboards</h2>{blocks}</section>'


def _targets(brief: Brief) -> str:
    if not brief.targets:
        return '<section id="targets"><h2>Announced targets</h2><p class="muted">No targets stated.</p></section>'
    rows = [[esc(label), esc(f.label), _value(f), badge(f.status)] for label, f in brief.targets]
    return (
        '<section id="targets"><h2>Announced targets</h2>'
        + table(["who · market · period", "target", "value", "status"], rows, numeric={"value"})
        + "</section>"
    )


def _conflicts(brief: Brief) -> str:
    if not brief.conflicts:
        return '<section id="checks"><h2>Figures to check</h2><p class="muted">No conflicting, inconsistent or drifted figures.</p></section>'
    rows = []
    for fact in brief.conflicts:
        who = fact["model"] or fact["manufacturer"] or "all makers"
        what = (
            f"{fact['metric']} · {fact['market'] or 'no market named'} · {who} · "
            f"{fact['powertrain']} · {period_label(fact['period_start'], fact['period_end'])}"
        )
        values = "<br>".join(
            f'<a href="#{anchor(c["claim_key"])}">{esc(number(c["value"]))}</a> '
            f'<span class="muted">{esc(c["source"] or c["article"])}</span>'
            for c in fact["claims"]
        )
        rows.append([badge(fact["status"]), esc(what), values, esc(fact["reason"])])
    return (
        '<section id="checks"><h2>Figures to check</h2>'
        '<p class="muted">Facts that independent stories report differently, that break a '
        "part-of rule (a part above its whole), or that one story's articles state with "
        "different scopes.</p>"
        + table(["status", "fact", "values and who states them", "why"], rows)
        + "</section>"
    )


def _coverage(brief: Brief) -> str:
    if not brief.coverage:
        return '<section id="coverage"><h2>Coverage</h2><p class="muted">No dated articles.</p></section>'
    chart = column_chart("Articles per month", [(m, a) for m, a, _p, _s in brief.coverage])
    rows = [[esc(m), str(a), str(p), str(s)] for m, a, p, s in brief.coverage]
    return (
        f'<section id="coverage"><h2>Coverage</h2>{chart}'
        + table(
            ["month", "articles", "publishers", "stories"],
            rows,
            numeric={"articles", "publishers", "stories"},
        )
        + "</section>"
    )


def _evidence(brief: Brief) -> str:
    items = []
    for key, e in brief.evidence.items():
        title = esc(e["title"] or e["article"])
        link = (
            f'<a href="{esc(e["url"])}" rel="noopener noreferrer">{title}</a>'
            if e["url"] and str(e["url"]).startswith(("http://", "https://"))
            else title
        )
        credit = f" · credited to {esc(e['source'])}" if e["source"] else ""
        items.append(
            f'<li id="{anchor(key)}"><q>{esc(e["sentence"])}</q>'
            f'<span class="muted">{link} · {esc(e["publisher"] or "publisher unknown")} · '
            f"{esc(e['published_on'] or 'undated')}{credit} · <code>{esc(e['article'])}</code></span></li>"
        )
    return f'<section id="evidence" class="evidence"><h2>Evidence</h2><ol>{"".join(items)}</ol></section>'


def render_brief(brief: Brief, db_name: str) -> str:
    nav = "".join(
        f'<a href="#{section}">{name}</a>'
        for section, name in (
            ("volumes", "Volumes"),
            ("leaders", "Leaderboards"),
            ("targets", "Targets"),
            ("checks", "Figures to check"),
            ("coverage", "Coverage"),
            ("evidence", "Evidence"),
        )
    )
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Pickup market brief</title><style>{STYLE}{CHART_STYLE}{BRIEF_STYLE}</style></head>
<body>
<header><h1>Pickup market brief</h1>
<p>From <code>{esc(db_name)}</code>: every figure links to the sentence it was read from.</p>
<nav>{nav}</nav></header>
<main>
{_tiles(brief)}
{_volumes(brief)}
{_leaders(brief)}
{_targets(brief)}
{_conflicts(brief)}
{_coverage(brief)}
{_evidence(brief)}
</main></body></html>
"""


def write_brief(db_path: Path, out: Path) -> Path:
    """Read the published warehouse (sandboxed) and write the brief atomically."""
    connection = connect_reader(db_path)
    try:
        brief = read_brief(connection)
    finally:
        connection.close()
    out.parent.mkdir(parents=True, exist_ok=True)
    temporary = out.with_name(out.name + ".tmp")
    temporary.write_text(render_brief(brief, db_path.name), encoding="utf-8")
    temporary.replace(out)
    return out
