-- v_market_volumes: vehicle counts by market, metric, powertrain and period.
-- Grain: one row per market x metric x powertrain x period x manufacturer x model (market-level
-- totals have manufacturer and model null), keeping every article that states it.
-- Units: value in vehicles; claims in percent, rank or currency are left out.
create or replace view v_market_volumes as
with volume_claims as (
    select *
    from v_claims
    where unit = 'units'
      and value is not null
),

by_market as (
    select
        market.name as market,
        market.kind as market_kind,
        claim.metric,
        claim.powertrain,
        claim.period_start,
        claim.period_end,
        claim.manufacturer,
        claim.model,
        claim.value,
        claim.qualifier,
        claim.change_pct,
        claim.source_org,
        claim.publisher,
        claim.published_on,
        claim.article,
        claim.claim_key,
        claim.sentence
    from volume_claims as claim
    cross join unnest(claim.region) as unnested(region_name)
    join dim_region as market on market.name = unnested.region_name
),

final as (
    select
        market,
        market_kind,
        metric,
        powertrain,
        period_start,
        period_end,
        manufacturer,
        model,
        max(value) as value,
        count(*) as times_stated,
        list(distinct article order by article) as articles,
        list(distinct source_org order by source_org) filter (where source_org is not null) as sources,
        -- the sentence behind the value shown; of several, the one of the lowest claim key, so
        -- every read gives the same one
        arg_min(sentence, (-value, claim_key)) as example_sentence
    from by_market
    group by all
)

select * from final;
comment on view v_market_volumes is 'Vehicle volumes by market, metric, powertrain and period, with the articles and sources that state them';
comment on column v_market_volumes.market is 'Market (dim_region name): a country, world region, state or province';
comment on column v_market_volumes.market_kind is 'Kind of market: country, world_region, subdivision, ...';
comment on column v_market_volumes.metric is 'What is counted: sales, registrations, exports, production, deliveries, ...';
comment on column v_market_volumes.powertrain is 'Powertrain scope: bev, phev, erev, hybrid, nev (BEV + PHEV), ice, or all';
comment on column v_market_volumes.period_start is 'First day of the period';
comment on column v_market_volumes.period_end is 'Last day of the period';
comment on column v_market_volumes.manufacturer is 'Manufacturer, or null for a market total';
comment on column v_market_volumes.model is 'Model, or null for a manufacturer or market total';
comment on column v_market_volumes.value is 'Vehicles: the largest value stated for this row''s grain';
comment on column v_market_volumes.times_stated is 'How many claims state a volume at this grain';
comment on column v_market_volumes.articles is 'Articles that state it';
comment on column v_market_volumes.sources is 'Organisations credited for it';
comment on column v_market_volumes.example_sentence is 'A sentence that states the value shown (the same one on every read)';
