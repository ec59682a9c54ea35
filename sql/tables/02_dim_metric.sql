-- dim_metric: what a claim counts.
-- Grain: one row per metric (sales, registrations, exports, ... price).
-- Key: metric_key (integer, stable per metric name). Source: seeds/reference/metrics.csv.
create table if not exists dim_metric (
    metric_key integer primary key,
    metric varchar not null unique,
    unit_kind varchar not null,
    description varchar
);
comment on table dim_metric is 'Metrics a claim can state (seeds/reference/metrics.csv)';
comment on column dim_metric.metric_key is 'Surrogate key';
comment on column dim_metric.metric is 'Metric name as in the claim format: sales, registrations, exports, orders, deliveries, production, sales_target, market_share, market_share_target, sales_rank, price';
comment on column dim_metric.unit_kind is 'count (units = vehicles), percent, rank or currency';
comment on column dim_metric.description is 'What the metric measures';
