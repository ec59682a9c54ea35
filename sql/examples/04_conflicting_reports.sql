-- Which figures do different articles report with different scope (market, powertrain or period)?
-- Grain: one row per metric x value x unit stated by two or more articles in more than one way.
with stated as (
    select
        metric,
        value,
        unit,
        article,
        array_to_string(region, ', ') as markets,
        powertrain,
        coalesce(period_start::varchar, '?') || ' .. ' || coalesce(period_end::varchar, '?') as period
    from v_claims
    where value is not null
      and unit <> 'rank'
)

select
    metric,
    value,
    unit,
    count(distinct article) as articles,
    list(distinct markets order by markets) as markets,
    list(distinct powertrain order by powertrain) as powertrains,
    list(distinct period order by period) as periods
from stated
group by metric, value, unit
having count(distinct article) > 1
   and count(distinct (markets, powertrain, period)) > 1
order by articles desc, metric, value desc;
