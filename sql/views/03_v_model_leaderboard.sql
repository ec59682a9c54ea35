-- v_model_leaderboard: where each pickup model stands in its markets.
-- Grain: one row per model x market x metric x powertrain x period. Volume rows (unit
-- vehicles; targets left out) are ranked by the largest stated value within market, metric and period;
-- sales_rank rows carry the best rank an article states for that period.
create or replace view v_model_leaderboard as
with model_claims as (
    select
        claim.model,
        claim.manufacturer,
        unnested.region_name as market,
        claim.metric,
        claim.unit,
        claim.powertrain,
        claim.period_start,
        claim.period_end,
        claim.value,
        claim.article
    from v_claims as claim
    cross join unnest(claim.region) as unnested(region_name)
    where claim.model is not null
      and claim.value is not null
      and (claim.unit = 'units' or claim.metric = 'sales_rank')
      and claim.metric not like '%target'  -- plans are not standings
),

-- One pass over model_claims (DuckDB 2.0.0 failed with an internal error on the earlier
-- form, which read it twice and joined the halves with union all, at ~100,000 articles).
grouped as (
    select
        model,
        manufacturer,
        market,
        metric,
        powertrain,
        period_start,
        period_end,
        -- volumes: the largest stated value; stated ranks: the best (smallest) rank
        case when metric = 'sales_rank' then min(value) else max(value) end as value,
        count(distinct article) as articles
    from model_claims
    group by model, manufacturer, market, metric, powertrain, period_start, period_end
),

final as (
    select
        *,
        case
            when metric = 'sales_rank' then cast(value as bigint)
            else rank() over (
                partition by market, metric, period_start, period_end order by value desc
            )
        end as position,
        case when metric = 'sales_rank' then 'stated rank' else 'reported volume' end as basis
    from grouped
)

select * from final;
comment on view v_model_leaderboard is 'Where each model stands per market, metric and period: ranked by reported volume, or by the rank articles state';
comment on column v_model_leaderboard.model is 'Pickup model';
comment on column v_model_leaderboard.manufacturer is 'Its manufacturer';
comment on column v_model_leaderboard.market is 'Market the figure is about';
comment on column v_model_leaderboard.metric is 'sales, registrations, exports, ... or sales_rank for stated ranks';
comment on column v_model_leaderboard.powertrain is 'Powertrain scope of the figure';
comment on column v_model_leaderboard.period_start is 'First day of the period';
comment on column v_model_leaderboard.period_end is 'Last day of the period';
comment on column v_model_leaderboard.value is 'Vehicles (the largest stated value), or the best stated rank for sales_rank';
comment on column v_model_leaderboard.articles is 'Number of articles that state it';
comment on column v_model_leaderboard.position is 'Position in the market for this metric and period (1 = first)';
comment on column v_model_leaderboard.basis is 'reported volume (ranked here) or stated rank (as the article says)';
