-- v_claims: every claim with the field names of the claim format, plus its article.
-- Grain: one row per claim of a current article version.
-- Keys: claim_key; article is the natural key of the article.
-- Units: value is in `unit` (units = vehicles, percent, rank, ISO currency); region is a list of markets.
create or replace view v_claims as
with claim_regions as (
    select
        bridge.claim_key,
        list(region.name order by bridge.position) as region
    from bridge_claim_region as bridge
    join dim_region as region on region.region_key = bridge.region_key
    group by bridge.claim_key
),

final as (
    select
        claim.claim_key,
        article.article,
        sentence.text as sentence,
        metric.metric,
        claim.value,
        claim.unit,
        claim.qualifier,
        manufacturer.name as manufacturer,
        model.name as model,
        coalesce(claim_regions.region, []::varchar[]) as region,
        powertrain.powertrain,
        claim.period_start,
        claim.period_end,
        claim.change_pct,
        claim.baseline_value,
        source.name as source_org,
        article.title,
        article.publisher,
        article.published_on,
        sentence.sentence_index,
        claim.value_text,
        claim.value_start,
        claim.value_end,
        claim.load_id
    from fact_claim as claim
    join dim_article as article on article.article_key = claim.article_key
    join dim_sentence as sentence on sentence.sentence_key = claim.sentence_key
    join dim_metric as metric on metric.metric_key = claim.metric_key
    join dim_powertrain as powertrain on powertrain.powertrain_key = claim.powertrain_key
    left join dim_manufacturer as manufacturer on manufacturer.manufacturer_key = claim.manufacturer_key
    left join dim_model as model on model.model_key = claim.model_key
    left join dim_organization as source on source.organization_key = claim.source_org_key
    left join claim_regions on claim_regions.claim_key = claim.claim_key
    where article.is_current
)

select * from final;
comment on view v_claims is 'One row per claim with the claim-format field names (article, sentence, metric, value, unit, qualifier, manufacturer, model, region, powertrain, period_start, period_end, change_pct, baseline_value, source_org) plus title, publisher and publication date';
