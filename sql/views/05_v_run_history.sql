-- v_run_history: what each published run did.
-- Grain: one row per published run (etl_run), newest first.
-- Units: seconds for durations.
create or replace view v_run_history as
with final as (
    select
        load_id,
        run_name,
        status,
        started_at,
        finished_at,
        round(epoch(finished_at) - epoch(started_at), 2) as seconds,
        full_refresh,
        files_seen,
        files_new,
        files_changed,
        files_unchanged,
        files_missing,
        files_quarantined,
        files_parsed,
        articles_loaded,
        claims_loaded,
        rows_quarantined,
        extractor_version,
        message
    from etl_run
)

select * from final
order by load_id desc;
comment on view v_run_history is 'Published runs, newest first: files seen, loaded and quarantined, rows loaded, duration';
comment on column v_run_history.load_id is 'Run identifier; fact rows carry the load_id that wrote them';
comment on column v_run_history.run_name is 'Prefect flow run name';
comment on column v_run_history.status is 'success, or partial when some files or rows were quarantined';
comment on column v_run_history.started_at is 'Start (UTC)';
comment on column v_run_history.finished_at is 'End of the load (UTC)';
comment on column v_run_history.seconds is 'Duration of the run up to the load, in seconds';
comment on column v_run_history.full_refresh is 'True when the warehouse was rebuilt from scratch';
comment on column v_run_history.files_seen is 'Input files discovered';
comment on column v_run_history.files_new is 'Files not loaded before';
comment on column v_run_history.files_changed is 'Files whose content (or extractor version) changed';
comment on column v_run_history.files_unchanged is 'Files skipped without parsing';
comment on column v_run_history.files_missing is 'Files loaded before and now gone (their facts are kept)';
comment on column v_run_history.files_quarantined is 'Files that could not be used (reasons in etl_file)';
comment on column v_run_history.files_parsed is 'Files read and extracted by this run';
comment on column v_run_history.articles_loaded is 'Articles loaded (new or replaced)';
comment on column v_run_history.claims_loaded is 'Claims loaded';
comment on column v_run_history.rows_quarantined is 'Rows set aside by validation';
comment on column v_run_history.extractor_version is 'Extractor version of the run';
comment on column v_run_history.message is 'Summary line';
