-- dim_story: the stories the articles tell. Copies and rewrites of one story share a story_key
-- (dim_article.story_key); a story of one article is an article nobody else retold.
-- Grain: one row per story.
-- Key: story_key (stable hash of the first article's name).
create or replace view dim_story as
with members as (
    select
        story_key,
        article,
        title,
        publisher,
        published_on,
        story_match,
        row_number() over (
            partition by story_key
            order by coalesce(published_on, '9999-12-31'::DATE), loaded_at, article
        ) as position
    from dim_article
    where story_key is not null
),

final as (
    select
        story_key,
        max(case when position = 1 then article end) as first_article,
        max(case when position = 1 then title end) as title,
        count(*) as articles,
        count(*) filter (where story_match = 'copy') as copies,
        count(*) filter (where story_match = 'rewrite') as rewrites,
        count(distinct publisher) as publishers,
        min(published_on) as first_published,
        max(published_on) as last_published
    from members
    group by story_key
)

select * from final;
comment on view dim_story is 'Stories: groups of articles that tell the same story (copies share wording, rewrites share figures)';
comment on column dim_story.story_key is 'Story key (stable hash of the first article''s name); dim_article.story_key';
comment on column dim_story.first_article is 'The article that told it first (earliest publication, then earliest load)';
comment on column dim_story.title is 'Title of the first article';
comment on column dim_story.articles is 'Articles telling the story';
comment on column dim_story.copies is 'Articles that copy another''s wording';
comment on column dim_story.rewrites is 'Articles that retell its figures in other words';
comment on column dim_story.publishers is 'Distinct publishers among its articles';
comment on column dim_story.first_published is 'Earliest publication date among its articles';
comment on column dim_story.last_published is 'Latest publication date among its articles';
