-- fact_entity_mention: where articles name entities.
-- Grain: one row per entity mention in one current article version.
-- Key: mention_key (bigint hash of article_key and mention_index).
create table if not exists fact_entity_mention (
    mention_key bigint not null,
    article_key bigint not null,
    sentence_key bigint not null,
    mention_index integer not null,
    entity_type varchar not null,
    entity_key bigint,
    entity_name varchar not null,
    start_char integer not null,
    end_char integer not null,
    surface varchar not null,
    rule varchar not null,
    load_id bigint not null
);
comment on table fact_entity_mention is 'Entity mentions with their canonical entity and character span';
comment on column fact_entity_mention.mention_key is 'Surrogate key (stable hash of article_key and mention_index)';
comment on column fact_entity_mention.article_key is 'Article version (dim_article)';
comment on column fact_entity_mention.sentence_key is 'Sentence of the mention (dim_sentence)';
comment on column fact_entity_mention.mention_index is 'Position of the mention in the article, from 0';
comment on column fact_entity_mention.entity_type is 'manufacturer, model, region, organization, person or facility';
comment on column fact_entity_mention.entity_key is 'Key into the dimension of entity_type (dim_manufacturer, dim_model, ...)';
comment on column fact_entity_mention.entity_name is 'Canonical entity name';
comment on column fact_entity_mention.start_char is 'Start offset in the cleaned article text';
comment on column fact_entity_mention.end_char is 'End offset in the cleaned article text';
comment on column fact_entity_mention.surface is 'The text as written, e.g. KGM for KG Mobility';
comment on column fact_entity_mention.rule is 'How it was found: reference (alias), person_rule, org_rule, facility_rule, acronym, coordination';
comment on column fact_entity_mention.load_id is 'etl_run.load_id of the run that loaded it';
