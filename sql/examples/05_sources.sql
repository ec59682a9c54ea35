-- Which organisations are credited for the numbers, for which metrics and markets?
-- Grain: one row per credited source x metric.
select
    claim.source_org,
    organization.kind as source_kind,
    claim.metric,
    count(distinct claim.claim_key) as claims,
    count(distinct claim.article) as articles,
    list(distinct market order by market) as markets
from v_claims as claim
left join dim_organization as organization on organization.name = claim.source_org
cross join unnest(claim.region) as unnested(market)
where claim.source_org is not null
group by all
order by claims desc, claim.source_org, claim.metric;
