-- dim_model: vehicle models (pickups, and the other models pickup news names).
-- Grain: one row per model of one manufacturer.
-- Key: model_key (bigint hash of manufacturer/name); manufacturer_key -> dim_manufacturer.
create table if not exists dim_model (
    model_key bigint primary key,
    name varchar not null,
    manufacturer_key bigint,
    manufacturer_name varchar,
    aliases varchar[],
    powertrains varchar[],
    body varchar,
    status varchar,
    source varchar not null
);
comment on table dim_model is 'Vehicle models with their manufacturer and powertrains';
comment on column dim_model.model_key is 'Surrogate key (stable hash of manufacturer and name)';
comment on column dim_model.name is 'Canonical model name, e.g. RD6';
comment on column dim_model.manufacturer_key is 'Key of the manufacturer';
comment on column dim_model.manufacturer_name is 'Name of the manufacturer';
comment on column dim_model.aliases is 'Other names that resolve here, e.g. R6';
comment on column dim_model.powertrains is 'Powertrains the model is offered with';
comment on column dim_model.body is 'pickup, suv, car, van or truck';
comment on column dim_model.status is 'current, announced, discontinued, cancelled or concept';
comment on column dim_model.source is 'reference or detected';
