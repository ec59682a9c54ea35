-- fact_figure: what the articles say each figure is, and how far to trust it.
-- Grain: one row per fact: a figure for one metric, market, manufacturer and model,
-- powertrain, period and unit. A claim naming several markets states a fact for each.
-- Values within 1% of each other are one value ("5,385" and "about 5,400"); support is
-- counted in independent stories (dim_story), not articles, so five copies of one press
-- release count once.
-- status, first that applies:
--   inconsistent  breaks a part-of rule (rule_part_of) with a related fact: a part above its
--                 whole (BEV above NEV, a model above its maker, a maker above its market, a
--                 month above its year to date), or a share above 100%
--   conflicting   independent stories state values more than 1% apart
--   scope_drift   an article of the same story states the same number with another scope
--   corroborated  its value is stated by two or more independent stories
--   single_source one story states it
create or replace view fact_figure as
with stated as (
    select
        claim.claim_key,
        article.article_key,  -- one per article: its key stands for it in counts and joins
        article.story_key,
        metric.metric,
        claim.value,
        claim.unit,
        claim.qualifier,
        market.name as market,
        manufacturer.name as manufacturer,
        model.name as model,
        powertrain.powertrain,
        claim.period_start,
        claim.period_end,
        -- the md5 as a number: a fixed 16 bytes to join and group on, where its text would
        -- put 32 characters per stated claim in every hash table (the text is made per
        -- fact, in final)
        md5_number(concat_ws('|',
            metric.metric, coalesce(market.name, ''), coalesce(manufacturer.name, ''),
            coalesce(model.name, ''), powertrain.powertrain,
            coalesce(claim.period_start::varchar, ''), coalesce(claim.period_end::varchar, ''),
            claim.unit
        )) as fact_key,
        -- 2% wide on a log scale, by sign: see support (zero, and a value too large for a
        -- double, are buckets of their own: the log of either cannot be one; the offset keeps
        -- every other value's bucket away from theirs)
        case
            when claim.value = 0 or not isfinite(claim.value) then 0
            else sign(claim.value) * (1 + floor(ln(abs(claim.value)) / ln(1.02)) + 10000)
        end::bigint as bucket
    from fact_claim as claim
    join dim_article as article on article.article_key = claim.article_key
    join dim_metric as metric on metric.metric_key = claim.metric_key
    join dim_powertrain as powertrain on powertrain.powertrain_key = claim.powertrain_key
    left join dim_manufacturer as manufacturer
        on manufacturer.manufacturer_key = claim.manufacturer_key
    left join dim_model as model on model.model_key = claim.model_key
    left join bridge_claim_region as bridge on bridge.claim_key = claim.claim_key
    left join dim_region as market on market.region_key = bridge.region_key
    where claim.value is not null
),

support as (
    -- each value, with the stories and articles stating it or a value within 1% of it.
    -- Values are first put in buckets 2% wide on a log scale, so each is compared only with
    -- those of its own and the two next buckets (where every value within 1% lies), not
    -- with every value of its fact: a fact restated by thousands of articles made the
    -- comparisons grow with the square of its statements.
    select
        value_of.fact_key,
        value_of.value,
        count(distinct coalesce(other.story_key, other.article_key)) as stories,
        count(distinct other.article_key) as articles
    from (
        select distinct fact_key, value, unnest([bucket - 1, bucket, bucket + 1]) as bucket
        from stated
    ) as value_of
    join stated as other
        on other.fact_key = value_of.fact_key
        and other.bucket = value_of.bucket
        and abs(other.value - value_of.value) <= 0.01 * greatest(abs(other.value), abs(value_of.value))
    group by all
),

facts as (
    select
        stated.fact_key,
        any_value(stated.metric) as metric,
        any_value(stated.market) as market,
        any_value(stated.manufacturer) as manufacturer,
        any_value(stated.model) as model,
        any_value(stated.powertrain) as powertrain,
        any_value(stated.period_start) as period_start,
        any_value(stated.period_end) as period_end,
        any_value(stated.unit) as unit,
        min(stated.value) as low,
        max(stated.value) as high,
        count(distinct coalesce(stated.story_key, stated.article_key)) as stories,
        count(distinct stated.article_key) as articles,
        list(distinct stated.claim_key order by stated.claim_key) as claim_keys
    from stated
    group by stated.fact_key
),

best as (
    -- the best supported value: most independent stories, then most articles, then highest
    select fact_key, value, stories as value_stories, articles as value_articles
    from support
    qualify row_number() over (
        partition by fact_key order by stories desc, articles desc, value desc
    ) = 1
),

valued as (
    select facts.*, best.value, best.value_stories, best.value_articles
    from facts
    join best using (fact_key)
),

additive as (
    select *
    from valued
    where metric in ('sales', 'registrations', 'exports', 'orders', 'deliveries', 'production')
),

powertrain_broken as (
    -- a powertrain scope above the scope it is part of
    select part.fact_key as part_key, whole.fact_key as whole_key, 'more ' || part.powertrain || ' than ' || whole.powertrain || ' ('
        || part.value::bigint || ' > ' || whole.value::bigint || ')' as reason
    from additive as part
    join rule_part_of as rule on rule.kind = 'powertrain' and rule.part = part.powertrain
    join additive as whole
        on whole.powertrain = rule.whole
        and whole.metric = part.metric and whole.unit = part.unit
        and whole.market is not distinct from part.market
        and whole.manufacturer is not distinct from part.manufacturer
        and whole.model is not distinct from part.model
        and whole.period_start is not distinct from part.period_start
        and whole.period_end is not distinct from part.period_end
    where part.value > whole.value * 1.01
),

model_broken as (
    -- a model above its manufacturer
    select part.fact_key, whole.fact_key, 'the model above its manufacturer (' || part.value::bigint || ' > '
        || whole.value::bigint || ')'
    from additive as part
    join rule_part_of as rule on rule.kind = 'level' and rule.part = 'model'
    join additive as whole
        on whole.model is null and whole.manufacturer = part.manufacturer
        and whole.metric = part.metric and whole.unit = part.unit
        and whole.powertrain = part.powertrain
        and whole.market is not distinct from part.market
        and whole.period_start is not distinct from part.period_start
        and whole.period_end is not distinct from part.period_end
    where part.model is not null and part.value > whole.value * 1.01
),

maker_broken as (
    -- a manufacturer above its market
    select part.fact_key, whole.fact_key, 'the manufacturer above its market (' || part.value::bigint || ' > '
        || whole.value::bigint || ')'
    from additive as part
    join rule_part_of as rule on rule.kind = 'level' and rule.part = 'manufacturer'
    join additive as whole
        on whole.manufacturer is null and whole.model is null and whole.market = part.market
        and whole.metric = part.metric and whole.unit = part.unit
        and whole.powertrain = part.powertrain
        and whole.period_start is not distinct from part.period_start
        and whole.period_end is not distinct from part.period_end
    where part.manufacturer is not null and part.model is null and part.value > whole.value * 1.01
),

period_broken as (
    -- a period above a longer period that contains it
    select part.fact_key, whole.fact_key, 'more in ' || part.period_start || '..' || part.period_end || ' than in '
        || whole.period_start || '..' || whole.period_end
    from additive as part
    join rule_part_of as rule on rule.kind = 'period'
    join additive as whole
        on whole.metric = part.metric and whole.unit = part.unit
        and whole.powertrain = part.powertrain
        and whole.market is not distinct from part.market
        and whole.manufacturer is not distinct from part.manufacturer
        and whole.model is not distinct from part.model
        and whole.period_start <= part.period_start and part.period_end <= whole.period_end
        and (whole.period_start, whole.period_end) <> (part.period_start, part.period_end)
    where part.value > whole.value * 1.01
),

share_broken as (
    select fact_key, null, 'a share above 100%'
    from valued
    where metric in ('market_share', 'market_share_target') and value > 100
),

-- Two branches per union: DuckDB writes longer unions back differently from storage, which
-- would make every run see a changed schema.
broken_rules as (
    select * from powertrain_broken
    union all
    select * from model_broken
),

broken_levels as (
    select * from broken_rules
    union all
    select * from maker_broken
),

broken_periods as (
    select * from broken_levels
    union all
    select * from period_broken
),

broken_pairs as (
    select * from broken_periods
    union all
    select * from share_broken
),

broken as (
    -- both sides of a broken rule: the part and the whole it outnumbers
    select part_key as fact_key, reason from broken_pairs
    union all
    select whole_key, reason from broken_pairs where whole_key is not null
),

story_highs as (
    -- per fact, the highest value each independent story states (bounds such as "over
    -- 10,000" are not values), and the story with the highest of all
    select *, first(story order by high desc) over (partition by fact_key) as top_story
    from (
        select fact_key, coalesce(story_key, article_key) as story, max(value) as high
        from stated
        where qualifier in ('exact', 'approx')
        group by all
    )
),

highest as (
    -- per fact: its highest value, and the highest of the stories other than the top one
    select fact_key, any_value(top_story) as top_story, max(high) as top,
           max(high) filter (where story <> top_story) as runner_up
    from story_highs
    group by fact_key
),

disputed as (
    -- two independent stories state values more than 1% apart: a value is disputed when the
    -- highest value of the other stories is above it (per fact, not per pair of statements:
    -- a fact restated by thousands of articles made the pairs grow with their square)
    select distinct mine.fact_key
    from stated as mine
    join highest using (fact_key)
    where mine.qualifier in ('exact', 'approx')
      and case
            when coalesce(mine.story_key, mine.article_key) = highest.top_story then highest.runner_up
            else highest.top
          end > mine.value * 1.01
),

drifted as (
    -- the same number, within one story, stated by another article with another scope
    select distinct mine.fact_key
    from stated as mine
    join stated as theirs
        on theirs.story_key = mine.story_key
        and theirs.article_key <> mine.article_key
        and theirs.fact_key <> mine.fact_key
        and theirs.metric = mine.metric
        and theirs.unit = mine.unit
        and abs(theirs.value - mine.value) <= 0.01 * greatest(abs(theirs.value), abs(mine.value))
    where mine.value >= 100  -- small numbers (ranks, shares) repeat by chance
),

value_lists as (
    select fact_key, list(struct_pack(value, stories, articles) order by stories desc, value desc) as values
    from support
    group by fact_key
),

final as (
    select
        md5(concat_ws('|',
            valued.metric, coalesce(valued.market, ''), coalesce(valued.manufacturer, ''),
            coalesce(valued.model, ''), valued.powertrain,
            coalesce(valued.period_start::varchar, ''), coalesce(valued.period_end::varchar, ''),
            valued.unit
        )) as fact_key,
        valued.metric,
        valued.market,
        valued.manufacturer,
        valued.model,
        valued.powertrain,
        valued.period_start,
        valued.period_end,
        valued.unit,
        valued.value,
        value_lists.values,
        valued.stories,
        valued.articles,
        valued.value_stories,
        valued.value_articles,
        case
            when broken.fact_key is not null then 'inconsistent'
            when disputed.fact_key is not null then 'conflicting'
            when drifted.fact_key is not null then 'scope_drift'
            when valued.value_stories >= 2 then 'corroborated'
            else 'single_source'
        end as status,
        case
            when broken.fact_key is not null then broken.reason
            when disputed.fact_key is not null then
                len(value_lists.values) || ' values from ' || valued.stories || ' independent stories'
            when drifted.fact_key is not null then 'another article of its story states this number with another scope'
            when valued.value_stories >= 2 then valued.value_stories || ' independent stories agree'
            else 'one story'
        end as status_reason,
        valued.claim_keys
    from valued
    join value_lists using (fact_key)
    left join (select fact_key, min(reason) as reason from broken group by fact_key) as broken
        using (fact_key)
    left join disputed using (fact_key)
    left join drifted using (fact_key)
)

select * from final;
comment on view fact_figure is 'Facts: one figure (metric, market, maker/model, powertrain, period) with every value articles state for it, its support in independent stories and a status';
comment on column fact_figure.fact_key is 'Fact key: md5 of metric, market, manufacturer, model, powertrain, period and unit';
comment on column fact_figure.metric is 'What is counted (dim_metric)';
comment on column fact_figure.market is 'Market the figure counts in; null when no claim names one';
comment on column fact_figure.manufacturer is 'Brand the figure is about; null for market totals';
comment on column fact_figure.model is 'Model the figure is about';
comment on column fact_figure.powertrain is 'Powertrain scope';
comment on column fact_figure.period_start is 'First day of the period';
comment on column fact_figure.period_end is 'Last day of the period';
comment on column fact_figure.unit is 'units (vehicles), percent, rank or a currency code';
comment on column fact_figure.value is 'The best supported value: most independent stories, then most articles, then the highest';
comment on column fact_figure.values is 'Every value stated (values within 1% are one), with the stories and articles behind it';
comment on column fact_figure.stories is 'Independent stories stating any value for the fact';
comment on column fact_figure.articles is 'Articles stating any value for the fact';
comment on column fact_figure.value_stories is 'Independent stories behind the best supported value: its corroboration count';
comment on column fact_figure.value_articles is 'Articles behind the best supported value';
comment on column fact_figure.status is 'inconsistent, conflicting, scope_drift, corroborated or single_source (see the view''s header)';
comment on column fact_figure.status_reason is 'Why the fact has its status, in words';
comment on column fact_figure.claim_keys is 'The claims (fact_claim) stating it, in key order: each traces to its sentence and article';
