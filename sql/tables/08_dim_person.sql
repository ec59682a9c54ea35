-- dim_person: people quoted or named in articles.
-- Grain: one row per canonical person name.
-- Key: person_key (bigint hash of the name).
create table if not exists dim_person (
    person_key bigint primary key,
    name varchar not null unique,
    organization varchar,
    role varchar,
    aliases varchar[],
    source varchar not null
);
comment on table dim_person is 'People named in articles (executives, analysts, officials)';
comment on column dim_person.person_key is 'Surrogate key (stable hash of the name)';
comment on column dim_person.name is 'Name as written, e.g. Ho Sung Song';
comment on column dim_person.organization is 'Organisation the person speaks for, where known';
comment on column dim_person.role is 'Role, where known';
comment on column dim_person.aliases is 'Other spellings';
comment on column dim_person.source is 'reference or detected';
