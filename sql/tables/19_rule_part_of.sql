-- rule_part_of: what is part of what, for checking that no part outnumbers its whole.
-- Grain: one row per relation, from seeds/reference/part_of.csv: powertrain scopes (a BEV
-- count is part of the NEV count of the same market and period), levels (a model of its
-- manufacturer, a manufacturer of its market) and periods (a month of its year to date).
create table if not exists rule_part_of (
    kind varchar not null,
    part varchar not null,
    whole varchar not null,
    description varchar
);
comment on table rule_part_of is 'Part-of relations the figures must respect (seeds/reference/part_of.csv)';
comment on column rule_part_of.kind is 'powertrain, level or period';
comment on column rule_part_of.part is 'The part: a powertrain scope, a level (model, manufacturer) or inner';
comment on column rule_part_of.whole is 'The whole it belongs to';
comment on column rule_part_of.description is 'The relation in words';
