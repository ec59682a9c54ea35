-- What sales and market-share targets have manufacturers announced, for which markets?
-- Grain: one row per target claim.
select
    manufacturer,
    model,
    metric,
    value,
    unit,
    region,
    powertrain,
    period_end,
    publisher,
    sentence
from v_claims
where metric like '%target'
order by manufacturer, metric, value desc;
