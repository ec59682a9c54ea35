-- v_conflicts: the facts that need a person's eye, with every competing value, who states it
-- and the sentence it comes from.
-- Grain: one row per claim stating a fact whose status is conflicting, inconsistent or
-- scope_drift (fact_figure).
create or replace view v_conflicts as
with flagged as (
    select *
    from fact_figure
    where status in ('conflicting', 'inconsistent', 'scope_drift')
),

final as (
    select
        flagged.fact_key,
        flagged.status,
        flagged.status_reason,
        flagged.metric,
        flagged.market,
        flagged.manufacturer,
        flagged.model,
        flagged.powertrain,
        flagged.period_start,
        flagged.period_end,
        flagged.unit,
        claim.claim_key,
        claim.value,
        claim.qualifier,
        claim.source_org,
        claim.publisher,
        claim.published_on,
        claim.article,
        article.story_key,
        claim.sentence
    from flagged
    cross join unnest(flagged.claim_keys) as stating(claim_key)
    join v_claims as claim on claim.claim_key = stating.claim_key
    join dim_article as article on article.article = claim.article
)

select * from final
order by status, metric, market, period_end, value;
comment on view v_conflicts is 'Facts whose values conflict, break a part-of rule or drift in scope within a story, one row per stating claim';
comment on column v_conflicts.fact_key is 'The fact (fact_figure)';
comment on column v_conflicts.status is 'conflicting, inconsistent or scope_drift';
comment on column v_conflicts.status_reason is 'Why, in words';
comment on column v_conflicts.metric is 'What is counted';
comment on column v_conflicts.market is 'Market, when named';
comment on column v_conflicts.manufacturer is 'Brand, null for market totals';
comment on column v_conflicts.model is 'Model';
comment on column v_conflicts.powertrain is 'Powertrain scope';
comment on column v_conflicts.period_start is 'First day of the period';
comment on column v_conflicts.period_end is 'Last day of the period';
comment on column v_conflicts.unit is 'units, percent, rank or a currency code';
comment on column v_conflicts.claim_key is 'The claim (fact_claim) stating this value';
comment on column v_conflicts.value is 'The value this claim states';
comment on column v_conflicts.qualifier is 'exact, approx, at_least or at_most';
comment on column v_conflicts.source_org is 'The organisation the article credits';
comment on column v_conflicts.publisher is 'Who published the article';
comment on column v_conflicts.published_on is 'When';
comment on column v_conflicts.article is 'The article';
comment on column v_conflicts.story_key is 'Its story (dim_story): claims of one story are not independent';
comment on column v_conflicts.sentence is 'The sentence the value comes from';
