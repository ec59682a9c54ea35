"""HTML pages to article text and metadata.

The page is parsed with selectolax (the Lexbor engine: fast, and iterative,
so 5,000 nested tags do not exhaust the stack). Scripts, styles, navigation,
share bars, comment sections and related-link boxes are removed before the
text is taken; block elements become paragraphs.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from selectolax.lexbor import LexborHTMLParser

_REMOVED_TAGS = (
    "script,style,noscript,template,svg,canvas,iframe,object,embed,form,button,"
    "input,select,textarea,nav,aside,footer,figcaption,dialog,menu"
)
# Class or id words of page furniture that is not the article.
_FURNITURE = re.compile(
    r"(^|[-_ ])(comments?|comment-list|disqus|share|sharing|social|related|recommended|"
    r"newsletter|subscribe|subscription|advert|advertisement|ads?|promo|sponsored|sidebar|"
    r"breadcrumbs?|cookie|consent|popup|modal|rating|ratings|post-ratings|tags|tag-list|"
    r"author-bio|byline-social|site-header|site-footer|masthead|menu|navbar|pagination)($|[-_ ])",
    re.IGNORECASE,
)
_BLOCK_TAGS = {
    "p",
    "div",
    "section",
    "article",
    "main",
    "header",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "ul",
    "ol",
    "blockquote",
    "pre",
    "table",
    "tr",
    "td",
    "th",
    "dt",
    "dd",
    "br",
    "hr",
    "figure",
    "address",
    "details",
    "summary",
}
_SPACES = re.compile(r"[ \t\r\f\v]+")
# HTML parsers build their tree in time that grows with the square of the nesting depth
# (100,000 nested divs: minutes). Real pages nest a few dozen levels; a page nested deeper
# than this is refused before it is parsed.
MAX_DEPTH = 10_000
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9]*)\b[^>]*?(/?)>")
# Elements that never hold children, or that the parser closes when a sibling opens.
_FLAT = frozenset(
    {
        *("area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta"),
        *("param", "source", "track", "wbr", "p", "li", "dt", "dd", "tr", "td", "th"),
        *("option", "thead", "tbody", "tfoot", "html", "head", "body"),
    }
)


class TooDeep(ValueError):
    """The page nests elements deeper than a page is read to."""


def nesting_depth(markup: str, limit: int = MAX_DEPTH) -> int:
    """The deepest nesting of elements, counted in one pass (stops counting at `limit`+1)."""
    depth = deepest = 0
    for match in _TAG.finditer(markup):
        closing, name, self_closing = match.groups()
        if self_closing or name.lower() in _FLAT:
            continue
        depth = max(depth - 1, 0) if closing else depth + 1
        if depth > deepest:
            deepest = depth
            if deepest > limit:
                break
    return deepest


@dataclass
class ParsedHtml:
    text: str
    title: str | None
    url: str | None
    publisher: str | None
    published: str | None


def _meta(tree: LexborHTMLParser, *selectors: str) -> str | None:
    for selector in selectors:
        node = tree.css_first(selector)
        if node is None:
            continue
        value = (
            node.attributes.get("content")
            or node.attributes.get("datetime")
            or node.attributes.get("href")
        )
        if value is None and node.tag != "meta":
            value = node.text(deep=True)
        if value and value.strip():
            return value.strip()
    return None


def _json_ld(tree: LexborHTMLParser) -> dict:
    for node in tree.css('script[type="application/ld+json"]'):
        try:
            payload = json.loads(node.text(deep=True) or "")
        except (json.JSONDecodeError, ValueError):
            continue
        candidates = payload if isinstance(payload, list) else [payload]
        for candidate in candidates:
            if isinstance(candidate, dict) and "@graph" in candidate:
                candidates.extend(item for item in candidate["@graph"] if isinstance(item, dict))
                continue
            if isinstance(candidate, dict) and (
                candidate.get("datePublished") or candidate.get("headline")
            ):
                return candidate
    return {}


def html_to_article(markup: str) -> ParsedHtml:
    """Article text (one paragraph per line) and the page's declared metadata.
    Raises TooDeep for a page nested deeper than MAX_DEPTH."""
    depth = nesting_depth(markup)
    if depth > MAX_DEPTH:
        raise TooDeep(
            f"HTML nested more than {MAX_DEPTH:,} elements deep (real pages nest a few dozen): "
            "not read, as parsing it would take minutes"
        )
    tree = LexborHTMLParser(markup)
    ld = _json_ld(tree)
    publisher = ld.get("publisher")
    if isinstance(publisher, dict):
        publisher = publisher.get("name")
    parsed = ParsedHtml(
        text="",
        title=_meta(tree, 'meta[property="og:title"]', 'meta[name="twitter:title"]')
        or (ld.get("headline") if isinstance(ld.get("headline"), str) else None)
        or _meta(tree, "h1", "title"),
        url=_meta(tree, 'link[rel="canonical"]', 'meta[property="og:url"]'),
        publisher=_meta(
            tree,
            'meta[property="og:site_name"]',
            'meta[name="publisher"]',
            'meta[name="application-name"]',
        )
        or (publisher if isinstance(publisher, str) else None),
        published=_meta(
            tree,
            'meta[property="article:published_time"]',
            'meta[name="article:published_time"]',
            'meta[name="pubdate"]',
            'meta[name="publish-date"]',
            'meta[name="date"]',
            'meta[name="dc.date"]',
            'meta[name="DC.date.issued"]',
            "time[datetime]",
        )
        or (ld.get("datePublished") if isinstance(ld.get("datePublished"), str) else None),
    )
    for node in tree.css(_REMOVED_TAGS):
        node.decompose()
    for node in tree.css("[class],[id]"):
        marker = f"{node.attributes.get('class') or ''} {node.attributes.get('id') or ''}"
        if node.tag not in ("html", "body", "article", "main") and _FURNITURE.search(marker):
            node.decompose()
    for table in tree.css("table"):
        # A table keeps its rows: one "| cell | cell |" line per row, header first.
        rows = []
        for row in table.css("tr"):
            cells = [
                _SPACES.sub(" ", cell.text(deep=True) or "").strip() for cell in row.css("th,td")
            ]
            if any(cells):
                rows.append("| " + " | ".join(cells) + " |")
        table.replace_with("\n" + "\n".join(rows) + "\n")
    root = (
        tree.css_first("article")
        or tree.css_first("main")
        or tree.css_first('[role="main"]')
        or tree.body
    )
    if root is None:
        return parsed
    parsed.text = _block_text(root)
    return parsed


def _block_text(root) -> str:
    """Text of a subtree with a line break at every block element."""
    pieces: list[str] = []
    for node in root.traverse(include_text=True):
        if node.tag == "-text":
            pieces.append(node.text_content or "")
        elif node.tag in _BLOCK_TAGS:
            pieces.append("\n")
    lines = (_SPACES.sub(" ", line).strip() for line in "".join(pieces).split("\n"))
    return "\n".join(line for line in lines if line)
