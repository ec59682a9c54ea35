-- dim_article: the articles the warehouse holds.
-- Grain: one row per input article (a file, or one record of a JSON/JSONL file) as last read:
-- a changed file or a new extractor version replaces the row and all facts hanging off it.
-- Key: article_key (bigint hash of article, content_hash, extractor_version). Natural key: article.
create table if not exists dim_article (
    article_key bigint primary key,
    article varchar not null,
    file_path varchar not null,
    record_index integer,
    content_hash varchar not null,
    format varchar,
    encoding varchar,
    title varchar,
    dek varchar,
    publisher varchar,
    published_on date,
    published_date_key integer,
    published_precision varchar,
    published_source varchar,
    url varchar,
    word_count integer,
    char_count integer,
    sentence_count integer,
    mention_count integer,
    claim_count integer,
    boilerplate_lines integer,
    cleaned_text varchar,
    extractor_version varchar not null,
    load_id bigint not null,
    loaded_at timestamp not null,
    story_key bigint,
    story_match varchar,
    story_similarity double
);
comment on table dim_article is 'One input article as last read; its sentences, mentions and claims hang off it';
comment on column dim_article.article_key is 'Surrogate key (stable hash of article, content hash and extractor version: a new version gets a new key)';
comment on column dim_article.article is 'Article name: file path under the source folder, plus #N for record N of a JSON/JSONL file';
comment on column dim_article.file_path is 'File path under the source folder';
comment on column dim_article.record_index is 'Record number within a JSON/JSONL file (1-based), null for single-article files';
comment on column dim_article.content_hash is 'BLAKE2b-128 hash of the file bytes this version was read from';
comment on column dim_article.format is 'text, markdown, html, json or jsonl';
comment on column dim_article.encoding is 'Character encoding the bytes were decoded with';
comment on column dim_article.title is 'Headline, declared or found in the text';
comment on column dim_article.dek is 'Standfirst under the headline, where one was found';
comment on column dim_article.publisher is 'Publisher: declared (manifest, HTML meta, JSON) or inferred from the text';
comment on column dim_article.published_on is 'Publication date (declared, or inferred: see published_source)';
comment on column dim_article.published_date_key is 'dim_date key of published_on';
comment on column dim_article.published_precision is 'day, month or year: how precise published_on is';
comment on column dim_article.published_source is 'manifest, html_meta, json, front_matter, dateline or inferred';
comment on column dim_article.url is 'Source URL, where declared';
comment on column dim_article.word_count is 'Words in the cleaned text';
comment on column dim_article.char_count is 'Characters in the cleaned text (all offsets point into it)';
comment on column dim_article.sentence_count is 'Sentences found';
comment on column dim_article.mention_count is 'Entity mentions found';
comment on column dim_article.claim_count is 'Claims extracted';
comment on column dim_article.boilerplate_lines is 'Lines removed as boilerplate (tags, ratings, comments, share bars)';
comment on column dim_article.cleaned_text is 'The cleaned article text; character offsets of sentences, mentions and claims point into it';
comment on column dim_article.extractor_version is 'Version of the extraction code and reference data that produced this row';
comment on column dim_article.load_id is 'etl_run.load_id of the run that loaded this version';
comment on column dim_article.loaded_at is 'When this version was loaded (UTC)';
comment on column dim_article.story_key is 'The story this article tells (dim_story): copies and rewrites of one story share it';
comment on column dim_article.story_match is 'How it joined its story: first (no earlier article told it), copy (shares its wording), rewrite (shares its figures, not its words)';
comment on column dim_article.story_similarity is 'For a copy, the estimated Jaccard similarity of its wording to the closest article; for a rewrite, the share of its figures the closest article states too';
