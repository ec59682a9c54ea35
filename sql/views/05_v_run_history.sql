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
