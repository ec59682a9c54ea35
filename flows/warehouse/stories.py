"""Stories: articles that tell the same story, copies and rewrites alike.

Each loaded article leaves its fingerprints in `story_fingerprint`
(`flows/fingerprint.py`); `sql/load/story_pairs.sql` finds, through that
index, the articles loaded before (or with it) that share enough of them; the
pairs join articles into stories. A story is a connected group: when a new
article links two stories (a rewrite of one that copies another), they become
one. The story's key is the first article's, so it does not change when later
copies arrive.
"""

from __future__ import annotations

from collections import defaultdict

import duckdb
import polars as pl

from flows.extract.frames import Frames
from flows.fingerprint import BANDS, figure_marks_of, wording_of
from flows.warehouse.keys import keys_of, stable_key
from flows.warehouse.load import registered

# Measured on tests/fixtures/real (tests/test_stories.py): same-story copies share 13–22
# of 32 bands, rewrites 2–3 figures (two thirds or more of the shorter article's);
# articles of different stories share no band and at most one figure.
MIN_BANDS = 4
MIN_FIGURES = 2
MIN_OVERLAP = 0.5
# A fingerprint shared by more articles than this marks boilerplate or a figure every story
# repeats ("250,000 a year"), not one story.
MAX_ARTICLES = 50
# Rewrites in tests/fixtures/real appear within a day of their story; a month leaves room
# for weekly and monthly round-ups, while articles months apart that share figures report
# the same data twice rather than retell one story.
MAX_REWRITE_DAYS = 31


def assign_stories(connection: duckdb.DuckDBPyConnection, frames: Frames) -> None:
    """Index the articles of a loaded group and put each in its story."""
    if frames.articles.is_empty():
        return
    keys = keys_of(
        "article",
        frames.articles["article"],
        frames.articles["content_hash"],
        frames.articles["extractor_version"],
    )
    _index(connection, frames, dict(zip(frames.articles["article"], keys, strict=True)))
    articles = pl.DataFrame({"article_key": keys}, schema={"article_key": pl.Int64})
    with registered(connection, {"incoming_story_articles": articles}):
        pairs = connection.execute(
            _sql("story_pairs"),
            {
                "bands": float(BANDS),
                "min_bands": MIN_BANDS,
                "min_figures": MIN_FIGURES,
                "min_overlap": MIN_OVERLAP,
                "max_articles": MAX_ARTICLES,
                "max_days": MAX_REWRITE_DAYS,
            },
        ).fetchall()
    _group(connection, keys, pairs)


def _sql(name: str) -> str:
    from flows.resources import resource_dir

    return (resource_dir("sql") / "load" / f"{name}.sql").read_text(encoding="utf-8")


def _index(connection: duckdb.DuckDBPyConnection, frames: Frames, key_of: dict[str, int]) -> None:
    """The fingerprints of each article of the group, into `story_fingerprint`."""
    schema = {"article_key": pl.Int64, "kind": pl.String, "hash": pl.Int64}
    keys = pl.DataFrame(
        {"article": list(key_of), "article_key": list(key_of.values())},
        schema={"article": pl.String, "article_key": pl.Int64},
    )
    wording = frames.wording if frames.wording is not None else wording_of(frames.articles)
    marks = figure_marks_of(frames.claims, frames.claim_regions)
    # Articles validation set aside have no fingerprints here either (no key: inner joins).
    frame = pl.concat(
        [
            found.join(keys, on="article", maintain_order="left").select(
                "article_key", pl.lit(kind).alias("kind"), "hash"
            )
            for kind, found in (("band", wording), ("figure", marks))
        ]
    ).cast(schema)
    with registered(connection, {"incoming_fingerprints": frame}):
        connection.execute("insert into story_fingerprint select * from incoming_fingerprints")


def _group(
    connection: duckdb.DuckDBPyConnection, new_keys: list[int], pairs: list[tuple]
) -> None:
    """Join the new articles to the stories of the articles they match, merging stories
    a new article links, and record how each article joined its story."""
    parent: dict[int, int] = {}

    def find(key: int) -> int:
        while parent.setdefault(key, key) != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key

    # Each article's closest match: shared wording (a copy) before shared figures.
    best: dict[int, tuple[tuple[bool, float], str, float]] = {}
    for article_key, other_key, kind, similarity in pairs:
        parent[find(article_key)] = find(other_key)
        rank = (kind == "band", similarity)
        for key in (article_key, other_key):
            if key not in best or rank > best[key][0]:
                best[key] = (rank, "copy" if kind == "band" else "rewrite", similarity)
    linked = {*new_keys, *parent}
    info = _articles(connection, linked)
    # Everything already in a story that a new link touches joins the new group too
    # (fetched once for the whole load group: a large story is read once, not per link).
    touched = {info[k][0] for k in linked if info[k][0] is not None}
    for keys in _members_of(connection, touched, info).values():
        root = find(keys[0])
        for key in keys[1:]:
            parent[find(key)] = root
    members: dict[int, set[int]] = defaultdict(set)
    for key in {*new_keys, *parent}:
        members[find(key)].add(key)
    new = set(new_keys)
    updates = []
    for group in members.values():
        first = min(group, key=lambda k: info[k][1])
        story = stable_key("story", info[first][2])
        for key in group:
            was_first = info[key][0] is not None and info[key][3] == "first"
            if key == first:
                match, similarity = "first", None
            elif key in new or was_first:
                _rank, match, similarity = best.get(key, (None, "rewrite", None))
            elif info[key][0] == story:
                continue  # an older member whose story and place are unchanged
            else:
                match, similarity = info[key][3], info[key][4]
            updates.append((key, story, match, similarity))
    _write(connection, updates)


# What grouping needs of an article: its story now, what orders "first" (publication,
# then load), its name, and how it joined its story.
_ARTICLES = (
    "select article_key, story_key, coalesce(published_on, date '9999-12-31'), loaded_at, "
    "article, story_match, story_similarity from dim_article "
)


def _info(row: tuple) -> tuple:
    """(story_key, first-order, article, story_match, story_similarity)."""
    return row[1], (row[2], row[3], row[4]), row[4], row[5], row[6]


def _articles(connection: duckdb.DuckDBPyConnection, keys: set[int]) -> dict[int, tuple]:
    """article_key → (story_key, sort order of "first", article name)."""
    frame = pl.DataFrame({"article_key": sorted(keys)}, schema={"article_key": pl.Int64})
    with registered(connection, {"story_keys": frame}):
        rows = connection.execute(
            _ARTICLES + "where article_key in (select article_key from story_keys)"
        ).fetchall()
    return {row[0]: _info(row) for row in rows}


def _members_of(
    connection: duckdb.DuckDBPyConnection, stories: set[int], info: dict[int, tuple]
) -> dict[int, list[int]]:
    """story_key → the keys of its articles, each added to `info`."""
    if not stories:
        return {}
    frame = pl.DataFrame({"story_key": sorted(stories)}, schema={"story_key": pl.Int64})
    with registered(connection, {"merged_stories": frame}):
        rows = connection.execute(
            _ARTICLES + "where story_key in (select story_key from merged_stories)"
        ).fetchall()
    members: dict[int, list[int]] = defaultdict(list)
    for row in rows:
        info.setdefault(row[0], _info(row))
        members[row[1]].append(row[0])
    return members


def _write(connection: duckdb.DuckDBPyConnection, updates: list[tuple]) -> None:
    frame = pl.DataFrame(
        updates,
        schema={
            "article_key": pl.Int64,
            "story_key": pl.Int64,
            "story_match": pl.String,
            "story_similarity": pl.Float64,
        },
        orient="row",
    )
    with registered(connection, {"story_updates": frame}):
        connection.execute(
            """
            update dim_article set
                story_key = u.story_key,
                story_match = coalesce(u.story_match, dim_article.story_match),
                story_similarity = coalesce(u.story_similarity, dim_article.story_similarity)
            from story_updates as u
            where dim_article.article_key = u.article_key
            """
        )
