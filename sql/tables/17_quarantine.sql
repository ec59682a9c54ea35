-- quarantine: rows and inputs set aside, with the reason.
-- Grain: one row per rejected row of a frame (a failed expectation) or per unusable input.
-- Key: quarantine_id (bigint, increasing within a load).
create table if not exists quarantine (
    quarantine_id bigint not null,
    load_id bigint not null,
    frame varchar not null,
    expectation varchar not null,
    column_name varchar,
    value varchar,
    article varchar,
    row_json json,
    reason varchar not null,
    created_at timestamp not null
);
comment on table quarantine is 'Rejected rows and inputs with the expectation (or read check) they failed';
comment on column quarantine.quarantine_id is 'Row identifier';
comment on column quarantine.load_id is 'Run that rejected it';
comment on column quarantine.frame is 'Frame the row came from (articles, sentences, mentions, claims, claim_regions) or files';
comment on column quarantine.expectation is 'Great Expectations expectation type, or read check name';
comment on column quarantine.column_name is 'Column the expectation checks';
comment on column quarantine.value is 'The offending value, as text';
comment on column quarantine.article is 'Article (or file) the row came from';
comment on column quarantine.row_json is 'The whole rejected row';
comment on column quarantine.reason is 'Readable reason';
comment on column quarantine.created_at is 'When it was rejected (UTC)';
