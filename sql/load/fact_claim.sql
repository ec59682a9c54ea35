-- Load fact_claim from `incoming_claims` (claim_key, article_key and sentence_key set).
-- Grain: one row per claim in one article version.
-- Names become dimension keys; everything else of the claim record (its measures:
-- value, unit, qualifier, period, change, offsets, and any measure added to the
-- record later) passes through by name.
insert into fact_claim by name
select
    claim.* exclude (article, metric, manufacturer, model, powertrain, source_org, sentence_index, sentence_start, sentence_end),
    metric.metric_key,
    manufacturer.manufacturer_key,
    (
        select model.model_key
        from dim_model as model
        where model.name = claim.model
        order by (model.manufacturer_name = claim.manufacturer) desc, model.model_key
        limit 1
    ) as model_key,
    powertrain.powertrain_key,
    source.organization_key as source_org_key,
    cast(strftime(claim.period_start, '%Y%m%d') as integer) as period_start_key,
    cast(strftime(claim.period_end, '%Y%m%d') as integer) as period_end_key
from incoming_claims as claim
join dim_metric as metric on metric.metric = claim.metric
join dim_powertrain as powertrain on powertrain.powertrain = claim.powertrain
left join dim_manufacturer as manufacturer on manufacturer.name = claim.manufacturer
left join dim_organization as source on source.name = claim.source_org;
