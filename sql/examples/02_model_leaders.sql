-- Which pickup models lead their markets, and on what evidence?
-- Grain: one row per model x market x metric x period in the top three.
select
    market,
    position,
    model,
    manufacturer,
    metric,
    value,
    period_start,
    period_end,
    basis,
    articles
from v_model_leaderboard
where position <= 3
order by market, period_end desc, metric, position;
