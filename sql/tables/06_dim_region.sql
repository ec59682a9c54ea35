-- dim_region: markets and places: world regions, countries, states, cities.
-- Grain: one row per canonical region name ("Georgia (US state)" apart from Georgia).
-- Key: region_key (bigint hash of the name); parent_key -> the containing region.
create table if not exists dim_region (
    region_key bigint primary key,
    name varchar not null unique,
    kind varchar,
    iso_code varchar,
    parent_key bigint,
    parent_name varchar,
    aliases varchar[],
    source varchar not null
);
comment on table dim_region is 'Regions: world regions, countries (ISO 3166 via pycountry), states and cities';
comment on column dim_region.region_key is 'Surrogate key (stable hash of the name)';
comment on column dim_region.name is 'Canonical name, e.g. South Korea';
comment on column dim_region.kind is 'world_region, country, state, province or city';
comment on column dim_region.iso_code is 'ISO 3166-1 alpha-2 or 3166-2 code where one exists';
comment on column dim_region.parent_key is 'Key of the containing region';
comment on column dim_region.parent_name is 'Name of the containing region';
comment on column dim_region.aliases is 'Other names and demonyms that resolve here';
comment on column dim_region.source is 'reference or detected';
