-- bridge_claim_region: the markets a claim is measured in.
-- Grain: one row per claim and market (a claim can name several markets).
-- Keys: claim_key -> fact_claim, region_key -> dim_region.
create table if not exists bridge_claim_region (
    claim_key bigint not null,
    region_key bigint not null,
    position integer not null,
    load_id bigint not null
);
comment on table bridge_claim_region is 'Claim x market: exports list destination markets (or the exporting country)';
comment on column bridge_claim_region.claim_key is 'Claim (fact_claim)';
comment on column bridge_claim_region.region_key is 'Market (dim_region)';
comment on column bridge_claim_region.position is 'Order the markets were named in, from 0';
comment on column bridge_claim_region.load_id is 'etl_run.load_id of the run that loaded it';
