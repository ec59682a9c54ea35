-- dim_powertrain: the powertrain scope of counted vehicles.
-- Grain: one row per powertrain scope (bev, phev, erev, hybrid, nev, ice, all).
-- Key: powertrain_key (integer). Source: seeds/reference/powertrains.csv.
create table if not exists dim_powertrain (
    powertrain_key integer primary key,
    powertrain varchar not null unique,
    name varchar not null,
    description varchar
);
comment on table dim_powertrain is 'Powertrain scopes of claims (seeds/reference/powertrains.csv)';
comment on column dim_powertrain.powertrain_key is 'Surrogate key';
comment on column dim_powertrain.powertrain is 'Code: bev, phev, erev, hybrid, nev (BEV + PHEV), ice, all';
comment on column dim_powertrain.name is 'Readable name';
comment on column dim_powertrain.description is 'What the scope includes and how news words it';
