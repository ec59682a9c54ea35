-- Which figures do the articles disagree on, and who says what?
-- Grain: one row per fact that independent stories report differently, that breaks a
-- part-of rule, or that one story's articles state with different scopes (v_conflicts),
-- with each competing value and the articles and sources behind it.
select
    status,
    status_reason,
    metric,
    market,
    coalesce(model, manufacturer, 'all makers') as subject,
    powertrain,
    period_start,
    period_end,
    value,
    list(distinct article order by article) as articles,
    list(distinct source_org order by source_org) filter (where source_org is not null) as sources,
    arg_min(sentence, (article, sentence)) as example_sentence  -- the first article's
from v_conflicts
group by all
order by status, metric, market, period_end, value desc;
