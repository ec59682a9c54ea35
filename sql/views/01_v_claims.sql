-- v_claims: every claim with the field names of the claim format, plus its article.
-- Grain: one row per claim.
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
)

select * from final;
comment on view v_claims is 'One row per claim with the claim-format field names (article, sentence, metric, value, unit, qualifier, manufacturer, model, region, powertrain, period_start, period_end, change_pct, baseline_value, source_org) plus title, publisher and publication date';
comment on column v_claims.claim_key is 'fact_claim key';
comment on column v_claims.article is 'Article name: file path under the source folder, plus #N for record N of a JSON/JSONL file';
comment on column v_claims.sentence is 'The exact sentence the number came from';
comment on column v_claims.metric is 'What is counted (dim_metric): sales, registrations, exports, market_share, sales_rank, ...';
comment on column v_claims.value is 'The number as stated, in unit (null for words such as "top-selling" without a figure)';
comment on column v_claims.unit is 'units (vehicles), percent, rank, or an ISO currency code';
comment on column v_claims.qualifier is 'exact, approx (about, nearly), at_least (over, more than) or at_most (under, up to)';
comment on column v_claims.manufacturer is 'Manufacturer the number is about (null for a whole market)';
comment on column v_claims.model is 'Pickup model the number is about, where one is named';
comment on column v_claims.region is 'Markets the number is about, in the order the article names them';
comment on column v_claims.powertrain is 'Powertrain scope: bev, phev, erev, hybrid, nev (BEV + PHEV), ice, or all';
comment on column v_claims.period_start is 'First day of the period the number covers';
comment on column v_claims.period_end is 'Last day of the period the number covers';
comment on column v_claims.change_pct is 'Change against the baseline period in percent, where stated';
comment on column v_claims.baseline_value is 'The earlier value the change is measured against, where stated';
comment on column v_claims.source_org is 'Organisation the article credits for the number';
comment on column v_claims.title is 'Headline of the article';
comment on column v_claims.publisher is 'Publisher of the article';
comment on column v_claims.published_on is 'Publication date of the article';
comment on column v_claims.sentence_index is 'Position of the sentence in the article (0-based)';
comment on column v_claims.value_text is 'The text of the number as written';
comment on column v_claims.value_start is 'Character offset of the number in the cleaned article text';
comment on column v_claims.value_end is 'Character offset just past the number';
comment on column v_claims.load_id is 'etl_run.load_id of the run that loaded the claim';
