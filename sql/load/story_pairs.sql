-- Pairs of articles that tell the same story, for the articles in `incoming_story_articles`.
-- Grain: one row per (incoming article, other article, kind) that passes its threshold:
-- a copy shares at least $min_bands of its $bands wording bands; a rewrite shares at least
-- $min_figures figures, and at least $min_overlap of the figures of the one stating fewer,
-- and appears within $max_days days of it when both declare their day (a rewrite follows its
-- story within days; months apart, shared figures are the same data reported twice).
-- The thresholds are set in flows/warehouse/stories.py, measured on tests/fixtures/real.
with incoming as (
    select fingerprint.*
    from story_fingerprint as fingerprint
    where fingerprint.article_key in (select article_key from incoming_story_articles)
),

-- A fingerprint that many articles share is boilerplate or a figure every story repeats,
-- not the trace of one story: it links nothing (and would cost pairs by the square).
common as (
    select fingerprint.hash
    from story_fingerprint as fingerprint
    where fingerprint.hash in (select hash from incoming)
    group by fingerprint.hash
    having count(*) > $max_articles
),

distinctive as (
    -- left out before the join: a common fingerprint would pair with every article that has it
    select * from incoming
    anti join common using (hash)
),

shared as (
    select
        incoming.article_key as article_key,
        other.article_key as other_key,
        incoming.kind,
        count(*) as shared
    from distinctive as incoming
    join story_fingerprint as other
        on other.kind = incoming.kind and other.hash = incoming.hash
        and other.article_key <> incoming.article_key
    group by all
    -- the thresholds of the select below that need only this count, applied here: most
    -- pairs share one fingerprint by chance, and kept they would grow with the index
    having count(*) >= case when incoming.kind = 'band' then $min_bands else $min_figures end
),

sizes as (
    select article_key, kind, count(*) as n
    from story_fingerprint
    where article_key in (select article_key from shared union select other_key from shared)
    group by all
)

select
    shared.article_key,
    shared.other_key,
    shared.kind,
    case
        when shared.kind = 'band' then sqrt(shared.shared / $bands)
        else shared.shared / least(mine.n, theirs.n)
    end as similarity
from shared
join sizes as mine on mine.article_key = shared.article_key and mine.kind = shared.kind
join sizes as theirs on theirs.article_key = shared.other_key and theirs.kind = shared.kind
join dim_article as mine_article on mine_article.article_key = shared.article_key
join dim_article as their_article on their_article.article_key = shared.other_key
where (shared.kind = 'band' and shared.shared >= $min_bands)
   or (
       shared.kind = 'figure'
       and shared.shared >= $min_figures
       and shared.shared >= $min_overlap * least(mine.n, theirs.n)
       and (
           -- only dates to the day that the source declares: an inferred date is a guess
           mine_article.published_source = 'inferred'
           or their_article.published_source = 'inferred'
           or mine_article.published_precision <> 'day'
           or their_article.published_precision <> 'day'
           or abs(date_diff('day', mine_article.published_on, their_article.published_on)) <= $max_days
           or mine_article.published_on is null
           or their_article.published_on is null
       )
   );
