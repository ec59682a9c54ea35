-- story_fingerprint: the index that finds the story an article tells.
-- Grain: one row per fingerprint of one current article version: 32 MinHash bands of its
-- wording (kind 'band') and one hash per data figure it states (kind 'figure'); see
-- flows/fingerprint.py. A new article is matched against this index, not against each article.
create table if not exists story_fingerprint (
    article_key bigint not null,
    kind varchar not null,
    hash bigint not null
);
comment on table story_fingerprint is 'Fingerprints of each article (wording bands, figures) that story grouping matches on';
comment on column story_fingerprint.article_key is 'Article version (dim_article)';
comment on column story_fingerprint.kind is 'band (a MinHash band of 5-word shingles) or figure (value to two significant digits, period year, markets)';
comment on column story_fingerprint.hash is '63-bit hash of the band or figure';
