"""The market brief: written from the warehouse, readable offline in a real browser,
every figure linked to its sentence, article text shown as text."""

from __future__ import annotations

import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

from flows.cli import main

from .conftest import run_in_process

pytestmark = pytest.mark.slow

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None, reason="needs Chromium (apt install chromium)"
)


class _Page(HTMLParser):
    """Elements, ids, links and visible text of a rendered page."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.ids: set[str] = set()
        self.text: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        self.tags.append((tag, attributes))
        if "id" in attributes:
            self.ids.add(attributes["id"])
        if tag in ("style", "title"):
            self._hidden += 1

    def handle_endtag(self, tag):
        if tag in ("style", "title"):
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden and data.strip():
            self.text.append(data.strip())


def _rendered(page: Path) -> _Page:
    """The DOM as headless Chromium builds it, offline."""
    result = subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--dump-dom", page.as_uri()],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    parsed = _Page()
    parsed.feed(result.stdout)
    return parsed


def _brief(db: Path, out: Path) -> Path:
    result = CliRunner().invoke(main, ["brief", "--db", str(db), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "wrote" in result.output
    return out


@needs_chromium
def test_the_brief_of_the_seeds_renders_offline_with_its_charts_and_sources(seed_run, tmp_path):
    _summary, db = seed_run
    page = _rendered(_brief(db, tmp_path / "brief.html"))
    text = " ".join(page.text)
    for heading in (
        "Volumes by market and powertrain",
        "Model leaderboards",
        "Announced targets",
        "Figures to check",
        "Coverage",
        "Evidence",
    ):
        assert heading in text
    charts = [a for tag, a in page.tags if tag == "svg" and "chart" in a.get("class", "")]
    markets = {"China", "South Korea"}  # the seeds state market totals for these
    assert len(charts) >= len(markets) + 1  # one per market, and coverage
    assert all(f"{market}: latest figures" in text for market in markets)
    assert "inconsistent" in text and "scope_drift" in text  # the seeds' figures to check
    assert "537,000" in text and "67,000" in text
    links = [
        a["href"][1:] for tag, a in page.tags if tag == "a" and a.get("href", "").startswith("#c")
    ]
    assert links and set(links) <= page.ids  # every figure links to its sentence
    # nothing loads from elsewhere: no scripts, no external stylesheets, images or fonts
    assert not [tag for tag, _a in page.tags if tag in ("script", "link", "img", "iframe")]


@needs_chromium
def test_article_text_in_the_brief_is_text_not_markup(tmp_path):
    source = tmp_path / "articles"
    source.mkdir()
    (source / "hostile.txt").write_text(
        "Ute sales <script>document.title='pwned'</script>\n\n"
        "Pickup sales in Australia reached 19,384 <img src=x onerror=\"document.title='pwned'\"> "
        "units in October 2025, according to the <b>FCAI</b>.\n",
        encoding="utf-8",
    )
    db = tmp_path / "pickup.duckdb"
    assert run_in_process(source, db)["claims_loaded"] >= 1
    html = _brief(db, tmp_path / "brief.html").read_text(encoding="utf-8")
    assert "<img src=x" not in html and "<script>" not in html
    assert re.search(
        r"&lt;img src=x onerror=&quot;document.title=&#x27;pwned&#x27;&quot;&gt;", html
    )
    page = _rendered(tmp_path / "brief.html")
    assert not [tag for tag, _a in page.tags if tag in ("script", "img")]
    assert any("<img src=x" in chunk for chunk in page.text)  # shown, as text


def test_the_brief_does_not_depend_on_the_order_rows_are_stored(seed_run, tmp_path):
    # Figures tie (two sources state 67,000; two makers export 15,000): every list in the
    # brief must break ties by key, not by the order DuckDB happens to read rows in.
    import duckdb

    first, reordered = tmp_path / "a" / "pickup.duckdb", tmp_path / "b" / "pickup.duckdb"
    for db in (first, reordered):
        db.parent.mkdir()
        shutil.copy(seed_run[1], db)
    with duckdb.connect(str(reordered)) as connection:
        for table in ("bridge_claim_region", "fact_claim", "dim_sentence", "dim_article"):
            connection.execute(
                f"create temp table kept as select * from {table} order by rowid desc"
            )
            connection.execute(f"delete from {table}")
            connection.execute(f"insert into {table} select * from kept")
            connection.execute("drop table kept")
    briefs = [_brief(db, db.with_name("brief.html")).read_bytes() for db in (first, reordered)]
    assert briefs[0] == briefs[1]


def test_the_brief_of_a_missing_warehouse_is_a_one_line_error(tmp_path):
    result = CliRunner().invoke(main, ["brief", "--db", str(tmp_path / "none.duckdb")])
    assert result.exit_code == 2
    assert "no warehouse at" in result.output and "Traceback" not in result.output
