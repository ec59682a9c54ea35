"""What every page the project writes shares: one stylesheet inline (pages work
offline and load nothing), escaping, badges and tables.

Everything that can come from an article or a file name goes through `esc`.
"""

from __future__ import annotations

import html

STYLE = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1d2330;background:#f6f7f9}
header{background:#1d2330;color:#fff;padding:18px 28px}
header h1{margin:0 0 4px;font-size:20px}
header p{margin:0;color:#c9cfdb}
main{padding:8px 28px 40px;max-width:1200px}
section{background:#fff;border:1px solid #dde1e8;border-radius:6px;padding:12px 18px;margin:16px 0}
h2{font-size:16px;margin:4px 0 10px}
table{border-collapse:collapse;width:100%;font-size:13px}
th,td{text-align:left;padding:4px 8px;border-bottom:1px solid #eceef2;vertical-align:top}
th{background:#f0f2f5;font-weight:600}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
.badge{display:inline-block;padding:1px 8px;border-radius:10px;font-size:12px;font-weight:600}
.pass,.success,.loaded,.unchanged{background:#dff3e4;color:#17692f}
.fail,.failed,.quarantined{background:#fde2e1;color:#a4201b}
.partial,.skipped,.missing,.warning{background:#fff1d6;color:#8a5a00}
.muted{color:#6b7385}
code{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:12px}
.tiles{display:flex;gap:12px;flex-wrap:wrap}
.tile{border:1px solid #dde1e8;border-radius:6px;padding:8px 14px;min-width:110px}
.tile b{display:block;font-size:20px}
"""


def esc(value) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def badge(text: str) -> str:
    return f'<span class="badge {esc(text)}">{esc(text)}</span>'


def table(columns: list[str], rows: list[list], numeric: set[str] | None = None) -> str:
    numeric = numeric or set()
    head = "".join(
        f'<th class="num">{esc(c)}</th>' if c in numeric else f"<th>{esc(c)}</th>" for c in columns
    )
    body = "".join(
        "<tr>"
        + "".join(
            f'<td class="num">{cell}</td>' if column in numeric else f"<td>{cell}</td>"
            for column, cell in zip(columns, row, strict=True)
        )
        + "</tr>"
        for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
