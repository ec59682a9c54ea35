-- Retire the articles of the files in `retired_paths` and every fact hanging off
-- them: their new version (loaded next, in the same transaction) replaces them.
-- Grain: whole article versions.
create or replace temp table retired as
select article_key from dim_article where file_path in (select path from retired_paths);

delete from bridge_claim_region where claim_key in (
    select claim_key from fact_claim where article_key in (select article_key from retired)
);
delete from fact_claim where article_key in (select article_key from retired);
delete from story_fingerprint where article_key in (select article_key from retired);
delete from fact_entity_mention where article_key in (select article_key from retired);
delete from dim_sentence where article_key in (select article_key from retired);
delete from dim_article where article_key in (select article_key from retired);
