-- Load dim_article from the articles of one group of files (`incoming_articles`,
-- with article_key, load_id, loaded_at and published_date_key already set).
-- Grain: one row per article version. A re-run of the same version (after its
-- file was retired) replaces its row.
delete from dim_article where article_key in (select article_key from incoming_articles);

insert into dim_article by name
select * exclude (article_key), article_key
from incoming_articles;
