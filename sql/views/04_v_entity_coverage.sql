-- v_entity_coverage: which entities each article names, and how often.
-- Grain: one row per current article x entity type x entity.
create or replace view v_entity_coverage as
with mentions as (
    select
        article.article,
        article.title,
        article.publisher,
        article.published_on,
        mention.entity_type,
        mention.entity_name,
        mention.start_char
    from fact_entity_mention as mention
    join dim_article as article on article.article_key = mention.article_key
    where article.is_current
),

final as (
    select
        article,
        title,
        publisher,
        published_on,
        entity_type,
        entity_name,
        count(*) as mentions,
        min(start_char) as first_offset
    from mentions
    group by all
)

select * from final;
comment on view v_entity_coverage is 'Entities named per article with mention counts and first position';
