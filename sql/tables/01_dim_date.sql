-- dim_date: calendar spine.
-- Grain: one row per calendar day from 2000-01-01 to 2040-12-31.
-- Key: date_key = yyyymmdd (integer). Period keys of fact_claim point here.
create table if not exists dim_date (
    date_key integer primary key,
    date date not null,
    year smallint not null,
    quarter tinyint not null,
    month tinyint not null,
    month_name varchar not null,
    year_month varchar not null,
    day tinyint not null,
    day_of_week tinyint not null,
    iso_week tinyint not null,
    is_month_end boolean not null
);
comment on table dim_date is 'Calendar spine: one row per day 2000-2040; date_key = yyyymmdd';
comment on column dim_date.date_key is 'Surrogate key yyyymmdd, e.g. 20251130';
comment on column dim_date.date is 'Calendar date';
comment on column dim_date.year is 'Calendar year';
comment on column dim_date.quarter is 'Calendar quarter 1-4';
comment on column dim_date.month is 'Month number 1-12';
comment on column dim_date.month_name is 'Month name in English';
comment on column dim_date.year_month is 'Year and month as yyyy-mm';
comment on column dim_date.day is 'Day of the month';
comment on column dim_date.day_of_week is 'ISO day of the week, 1 = Monday';
comment on column dim_date.iso_week is 'ISO week number';
comment on column dim_date.is_month_end is 'True on the last day of a month (period ends fall here)';
