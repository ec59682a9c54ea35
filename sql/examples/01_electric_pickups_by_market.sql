-- Which markets had the most electric pickup registrations and sales in 2025, and who said so?
-- Grain: one row per market x metric x powertrain x period (market totals only).
select
    market,
    metric,
    powertrain,
    period_start,
    period_end,
    value,
    sources,
    articles
from v_market_volumes
where metric in ('registrations', 'sales')
  and powertrain in ('bev', 'phev', 'erev', 'nev')
  and year(period_end) = 2025
  and manufacturer is null
  and model is null
order by value desc;
