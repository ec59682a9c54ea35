-- etl_run: the run history.
-- Grain: one row per published run (a failed run publishes nothing, so it is not here:
-- see the Prefect run and warehouse/runs.jsonl).
-- Key: load_id (bigint, increasing). Every fact row carries the load_id that wrote it.
create table if not exists etl_run (
    load_id bigint primary key,
    run_name varchar,
    flow_run_id varchar,
    started_at timestamp not null,
    finished_at timestamp,
    status varchar not null,
    source varchar,
    full_refresh boolean,
    extractor_version varchar,
    files_seen integer,
    files_new integer,
    files_changed integer,
    files_unchanged integer,
    files_missing integer,
    files_quarantined integer,
    files_skipped integer,
    files_parsed integer,
    articles_loaded integer,
    sentences_loaded integer,
    mentions_loaded integer,
    claims_loaded integer,
    rows_quarantined integer,
    validation json,
    stage_seconds json,
    message varchar
);
comment on table etl_run is 'One row per published run: what it read, loaded, quarantined, and how long each stage took';
comment on column etl_run.load_id is 'Run identifier; fact rows carry the load_id that wrote them';
comment on column etl_run.run_name is 'Prefect flow run name';
comment on column etl_run.flow_run_id is 'Prefect flow run id';
comment on column etl_run.started_at is 'Start (UTC)';
comment on column etl_run.finished_at is 'End of the load (UTC)';
comment on column etl_run.status is 'success, or partial when some files or rows were quarantined';
comment on column etl_run.source is 'Input folder, file or glob';
comment on column etl_run.full_refresh is 'True when the warehouse was rebuilt from scratch';
comment on column etl_run.extractor_version is 'Extractor version of this run';
comment on column etl_run.files_seen is 'Input files discovered';
comment on column etl_run.files_new is 'Files not loaded before';
comment on column etl_run.files_changed is 'Files whose content (or extractor version) changed';
comment on column etl_run.files_unchanged is 'Files skipped without parsing';
comment on column etl_run.files_missing is 'Files loaded before and now gone (their facts are kept)';
comment on column etl_run.files_quarantined is 'Files that could not be used, with reasons in etl_file';
comment on column etl_run.files_skipped is 'Files in the source that are not articles by design (manifests, READMEs, hidden files)';
comment on column etl_run.files_parsed is 'Files read and extracted by this run (new and changed ones; unchanged files are not parsed)';
comment on column etl_run.articles_loaded is 'Articles loaded (new or replaced) by this run';
comment on column etl_run.sentences_loaded is 'Sentences loaded by this run';
comment on column etl_run.mentions_loaded is 'Entity mentions loaded by this run';
comment on column etl_run.claims_loaded is 'Claims loaded by this run';
comment on column etl_run.rows_quarantined is 'Rows set aside by validation (see quarantine)';
comment on column etl_run.validation is 'Per suite: rows checked, rows quarantined, expectations failed';
comment on column etl_run.stage_seconds is 'Seconds spent per stage';
comment on column etl_run.message is 'Summary line';
