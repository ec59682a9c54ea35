-- fact_claim: the numbers.
-- Grain: one numeric claim in one sentence of one current article version.
-- Key: claim_key (bigint hash of article_key and claim_index).
-- Units: value is in `unit`: units = vehicles, percent, rank, or an ISO 4217 currency code.
-- Measures: every `measure` field of the claim record (flows/extract/claim_record.py: value,
-- unit, qualifier, the period, the change, the offsets, ...) is a column of this table too,
-- added by flows/warehouse/schema.py with the field's description as its comment.
create table if not exists fact_claim (
    claim_key bigint not null,
    article_key bigint not null,
    sentence_key bigint not null,
    claim_index integer not null,
    metric_key integer not null,
    manufacturer_key bigint,
    model_key bigint,
    powertrain_key integer not null,
    source_org_key bigint,
    period_start_key integer,
    period_end_key integer,
    load_id bigint not null
);
comment on table fact_claim is 'Numeric claims: one number stated in one sentence, with metric, entities, period and source';
comment on column fact_claim.claim_key is 'Surrogate key (stable hash of article_key and claim_index)';
comment on column fact_claim.article_key is 'Article version (dim_article)';
comment on column fact_claim.sentence_key is 'Sentence the number was stated in (dim_sentence)';
comment on column fact_claim.claim_index is 'Position of the claim in the article, from 0';
comment on column fact_claim.metric_key is 'What is counted (dim_metric)';
comment on column fact_claim.manufacturer_key is 'Brand the number is about (dim_manufacturer), null for market totals';
comment on column fact_claim.model_key is 'Model the number is about (dim_model)';
comment on column fact_claim.powertrain_key is 'Powertrain scope of the counted vehicles (dim_powertrain)';
comment on column fact_claim.source_org_key is 'Organisation the article credits for the number (dim_organization or dim_manufacturer key)';
comment on column fact_claim.period_start_key is 'dim_date key of period_start';
comment on column fact_claim.period_end_key is 'dim_date key of period_end';
comment on column fact_claim.load_id is 'etl_run.load_id of the run that loaded it';
