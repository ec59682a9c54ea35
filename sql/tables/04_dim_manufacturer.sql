-- dim_manufacturer: brands and groups (Radar -> Geely; Ram -> Stellantis).
-- Grain: one row per canonical manufacturer name.
-- Key: manufacturer_key (bigint hash of the name); parent_key points into this table.
create table if not exists dim_manufacturer (
    manufacturer_key bigint primary key,
    name varchar not null unique,
    aliases varchar[],
    parent_key bigint,
    parent_name varchar,
    country varchar,
    kind varchar,
    source varchar not null
);
comment on table dim_manufacturer is 'Vehicle brands and groups with their parent group';
comment on column dim_manufacturer.manufacturer_key is 'Surrogate key (stable hash of the name)';
comment on column dim_manufacturer.name is 'Canonical name, e.g. KG Mobility';
comment on column dim_manufacturer.aliases is 'Other names that resolve here, e.g. KGM, SsangYong';
comment on column dim_manufacturer.parent_key is 'Key of the parent group, null at the top';
comment on column dim_manufacturer.parent_name is 'Name of the parent group';
comment on column dim_manufacturer.country is 'Home country (exports without named destinations are counted here)';
comment on column dim_manufacturer.kind is 'brand or group';
comment on column dim_manufacturer.source is 'reference (seeds/reference) or detected (found by a rule in an article)';
