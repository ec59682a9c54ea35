-- dim_facility: plants and centres.
-- Grain: one row per canonical facility name.
-- Key: facility_key (bigint hash of the name).
create table if not exists dim_facility (
    facility_key bigint primary key,
    name varchar not null unique,
    manufacturer_name varchar,
    region_name varchar,
    city varchar,
    aliases varchar[],
    source varchar not null
);
comment on table dim_facility is 'Plants, factories and centres of vehicle makers';
comment on column dim_facility.facility_key is 'Surrogate key (stable hash of the name)';
comment on column dim_facility.name is 'Canonical name, e.g. Dearborn Truck Plant';
comment on column dim_facility.manufacturer_name is 'Operator';
comment on column dim_facility.region_name is 'State or country the facility is in';
comment on column dim_facility.city is 'City';
comment on column dim_facility.aliases is 'Other names that resolve here, e.g. HMGMA';
comment on column dim_facility.source is 'reference or detected';
