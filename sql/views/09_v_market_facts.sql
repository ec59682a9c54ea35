-- v_market_facts: one value per fact, the best supported one, and how it was chosen.
-- Grain: one row per fact (fact_figure).
create or replace view v_market_facts as
select
    fact_key,
    metric,
    market,
    manufacturer,
    model,
    powertrain,
    period_start,
    period_end,
    unit,
    value,
    case
        when len(values) = 1 and value_stories >= 2 then 'the only value, from ' || value_stories || ' independent stories'
        when len(values) = 1 then 'the only value, from one story'
        when value_stories > values[2].stories then 'stated by the most independent stories (' || value_stories || ' of ' || stories || ')'
        when value_articles > values[2].articles then 'stories tie; stated by the most articles'
        else 'stories and articles tie; the highest value'
    end as chosen_because,
    value_stories as corroborating_stories,
    stories,
    articles,
    status
from fact_figure;
comment on view v_market_facts is 'The best supported value of each fact, how it was chosen, and the fact''s status';
comment on column v_market_facts.fact_key is 'The fact (fact_figure)';
comment on column v_market_facts.metric is 'What is counted';
comment on column v_market_facts.market is 'Market, when named';
comment on column v_market_facts.manufacturer is 'Brand, null for market totals';
comment on column v_market_facts.model is 'Model';
comment on column v_market_facts.powertrain is 'Powertrain scope';
comment on column v_market_facts.period_start is 'First day of the period';
comment on column v_market_facts.period_end is 'Last day of the period';
comment on column v_market_facts.unit is 'units, percent, rank or a currency code';
comment on column v_market_facts.value is 'The value chosen';
comment on column v_market_facts.chosen_because is 'How it was chosen: independent stories first, then articles, then the highest';
comment on column v_market_facts.corroborating_stories is 'Independent stories stating the chosen value';
comment on column v_market_facts.stories is 'Independent stories stating any value for the fact';
comment on column v_market_facts.articles is 'Articles stating any value for the fact';
comment on column v_market_facts.status is 'The fact''s status (fact_figure)';
