-- Load fact_entity_mention from `incoming_mentions` (mention_key, article_key,
-- sentence_key and, for every entity but a model, entity_key set).
-- Grain: one row per entity mention in one article version. A model's key is
-- the model of that name (reference models first).
insert into fact_entity_mention by name
select
    mention.* exclude (article, entity_key, sentence_index),
    coalesce(mention.entity_key, (
        select model.model_key
        from dim_model as model
        where model.name = mention.entity_name
        order by model.source, model.model_key
        limit 1
    )) as entity_key
from incoming_mentions as mention;
