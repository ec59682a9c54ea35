"""Great Expectations Data Docs of a run, built when asked (`--data-docs`).

GX's renderers put the values of failing rows (article sentences, titles) into
the pages unescaped, so a sentence holding `<script>` would run in the reader's
browser. Every string in the stored results is HTML-escaped before the pages are
rendered; the pages then show the text as text.

Each run's docs go in a folder of their own (`data_docs/run-<load id>/`): a run
never erases another's. GX loads its CSS and scripts from CDNs (GX issues #994
and #8734), so offline the pages are plain; the run report is the offline page.
"""

from __future__ import annotations

import html
import shutil
from pathlib import Path

from flows.validation.validator import Validator

SITE = "pickup_etl"


def docs_dir(db_path: Path, load_id: int) -> Path:
    return db_path.parent / "data_docs" / f"run-{load_id:04d}"


def escape_strings(value):
    """The same structure with every string HTML-escaped."""
    if isinstance(value, str):
        return html.escape(value)
    if isinstance(value, list):
        return [escape_strings(item) for item in value]
    if isinstance(value, tuple):
        return tuple(escape_strings(item) for item in value)
    if isinstance(value, dict):
        return {key: escape_strings(item) for key, item in value.items()}
    return value


def _escape_stored_results(context) -> None:
    store = context.validation_results_store
    for key in store.list_keys():
        suite_result = store.get(key)
        for item in suite_result.results:
            item.result = escape_strings(dict(item.result or {}))
        store.set(key, suite_result)


def build_data_docs(validator: Validator, target: Path) -> Path | None:
    """Render the suites and the kept results of a run into `target`; its index page."""
    if not validator.keep_results:
        return None
    context = validator.gx.context
    building = target.with_name(target.name + ".building")
    shutil.rmtree(building, ignore_errors=True)
    site = {
        "class_name": "SiteBuilder",
        "store_backend": {
            "class_name": "TupleFilesystemStoreBackend",
            "base_directory": str(building.resolve()),
        },
        "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
    }
    if SITE in context.get_site_names():
        context.delete_data_docs_site(SITE)
    context.add_data_docs_site(site_name=SITE, site_config=site)
    _escape_stored_results(context)
    context.build_data_docs(site_names=[SITE])
    _add_offline_index(building)
    shutil.rmtree(target, ignore_errors=True)
    building.replace(target)
    return target / "index.html"


def _add_offline_index(folder: Path) -> None:
    """GX's index lists suites and results from scripts it loads off the network; add the
    same lists as plain HTML, so the page reads the same without network."""
    index = folder / "index.html"
    if not index.exists():
        return
    suites = sorted(
        p.relative_to(folder).as_posix() for p in (folder / "expectations").glob("*.html")
    )
    results = sorted(
        p.relative_to(folder).as_posix() for p in (folder / "validations").rglob("*.html")
    )
    items = "".join(
        f'<li><a href="{html.escape(p)}">{html.escape(Path(p).stem)}</a></li>' for p in suites
    )
    runs = "".join(
        f'<li><a href="{html.escape(p)}">{html.escape(p.removeprefix("validations/"))}</a></li>'
        for p in results
    )
    block = (
        '<div id="pickup-etl-offline-index" style="margin:70px 20px 0 20px">'
        f"<h2>Expectation suites</h2><ul>{items}</ul><h2>Validation results</h2><ul>{runs}</ul></div>"
    )
    page = index.read_text(encoding="utf-8")
    if "pickup-etl-offline-index" not in page:
        marker = page.find(">", page.find("<body"))
        page = page[: marker + 1] + block + page[marker + 1 :] if marker > 0 else block + page
        index.write_text(page, encoding="utf-8")
