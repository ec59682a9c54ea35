-- dim_organization: data providers, industry bodies, agencies, media, shows.
-- Grain: one row per canonical organisation name.
-- Key: organization_key (bigint hash of the name). fact_claim.source_org_key points here.
create table if not exists dim_organization (
    organization_key bigint primary key,
    name varchar not null unique,
    kind varchar,
    country varchar,
    domain varchar,
    aliases varchar[],
    source varchar not null
);
comment on table dim_organization is 'Organisations: data providers, industry bodies, government, media, shows';
comment on column dim_organization.organization_key is 'Surrogate key (stable hash of the name)';
comment on column dim_organization.name is 'Canonical name, e.g. China Automobile Dealers Association';
comment on column dim_organization.kind is 'data_provider, industry_body, government, media, research, show, union';
comment on column dim_organization.country is 'Country of the organisation';
comment on column dim_organization.domain is 'Web domain, used to name the publisher of an article from its URL';
comment on column dim_organization.aliases is 'Other names that resolve here, e.g. CADA';
comment on column dim_organization.source is 'reference or detected';
