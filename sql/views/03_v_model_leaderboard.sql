-- v_model_leaderboard: models ranked by the volumes articles report for them.
-- Grain: one row per model x market x metric x period (the largest stated value), ranked
-- within market, metric and period end.
-- Units: value in vehicles.
create or replace view v_model_leaderboard as
with model_volumes as (
    select
        model,
        manufacturer,
        unnested.region_name as market,
        metric,
        powertrain,
        period_start,
        period_end,
        max(value) as value,
        count(distinct article) as articles
    from v_claims
    cross join unnest(region) as unnested(region_name)
    where model is not null
      and unit = 'units'
      and value is not null
    group by all
),

stated_ranks as (
    select
        model,
        manufacturer,
        unnested.region_name as market,
        min(value) as best_stated_rank
    from v_claims
    cross join unnest(region) as unnested(region_name)
    where metric = 'sales_rank'
      and model is not null
    group by all
),

final as (
    select
        model_volumes.*,
        rank() over (
            partition by model_volumes.market, model_volumes.metric, model_volumes.period_end
            order by model_volumes.value desc
        ) as position,
        stated_ranks.best_stated_rank
    from model_volumes
    left join stated_ranks using (model, manufacturer, market)
)

select * from final;
comment on view v_model_leaderboard is 'Models ranked by reported volume within market, metric and period, beside the best rank articles state for them';
