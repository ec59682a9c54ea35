-- Record the latest outcome of every file the run looked at (`outcomes`, with load_id and seen_at).
-- Grain: one row per file path ever seen. A file that went missing keeps the time it was last seen.
merge into etl_file as target
using outcomes as o on target.path = o.path
when matched then update set
    content_hash = coalesce(o.content_hash, target.content_hash),
    size_bytes = coalesce(o.size_bytes, target.size_bytes),
    mtime_ns = coalesce(o.mtime_ns, target.mtime_ns),
    status = o.status,
    reason = o.reason,
    article_count = coalesce(o.article_count, target.article_count),
    extractor_version = coalesce(o.extractor_version, target.extractor_version),
    last_load_id = o.load_id,
    last_seen_at = case when o.status = 'missing' then target.last_seen_at else o.seen_at end
when not matched then insert (
    path, content_hash, size_bytes, mtime_ns, status, reason, article_count,
    extractor_version, first_load_id, last_load_id, last_seen_at
) values (
    o.path, o.content_hash, o.size_bytes, o.mtime_ns, o.status, o.reason, o.article_count,
    o.extractor_version, o.load_id, o.load_id, o.seen_at
);
