-- etl_file: every input file's outcome.
-- Grain: one row per input file path (the latest outcome).
-- Key: path (relative to the source folder).
create table if not exists etl_file (
    path varchar primary key,
    content_hash varchar,
    size_bytes bigint,
    mtime_ns bigint,
    status varchar not null,
    reason varchar,
    article_count integer,
    extractor_version varchar,
    first_load_id bigint,
    last_load_id bigint not null,
    last_seen_at timestamp
);
comment on table etl_file is 'Latest outcome of every input file: loaded, unchanged, quarantined, skipped or missing, with a reason';
comment on column etl_file.path is 'File path under the source folder';
comment on column etl_file.content_hash is 'BLAKE2b-128 of the bytes last read';
comment on column etl_file.size_bytes is 'Size in bytes';
comment on column etl_file.mtime_ns is 'Modification time (ns since epoch)';
comment on column etl_file.status is 'loaded, unchanged, quarantined (not usable: see reason), skipped (not an article by design: manifests, READMEs, hidden files) or missing';
comment on column etl_file.reason is 'Why the file is not loaded (quarantined) or gone (missing); what to do about it';
comment on column etl_file.article_count is 'Articles loaded from the file';
comment on column etl_file.extractor_version is 'Extractor version of the loaded facts';
comment on column etl_file.first_load_id is 'Run that first loaded the file';
comment on column etl_file.last_load_id is 'Run that last looked at the file';
comment on column etl_file.last_seen_at is 'When the file was last seen in the source (UTC)';
