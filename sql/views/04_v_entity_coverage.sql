-- v_entity_coverage: which entities each article names, and how often.
-- Grain: one row per article x entity type x entity.
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
comment on column v_entity_coverage.article is 'Article name';
comment on column v_entity_coverage.title is 'Headline of the article';
comment on column v_entity_coverage.publisher is 'Publisher of the article';
comment on column v_entity_coverage.published_on is 'Publication date of the article';
comment on column v_entity_coverage.entity_type is 'manufacturer, model, region, organization, person or facility';
comment on column v_entity_coverage.entity_name is 'Canonical entity name';
comment on column v_entity_coverage.mentions is 'Times the article names it';
comment on column v_entity_coverage.first_offset is 'Character offset of its first mention in the cleaned text';
