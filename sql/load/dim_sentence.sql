-- Load dim_sentence from `incoming_sentences` (sentence_key and article_key set).
-- Grain: one row per sentence of one article version.
insert into dim_sentence by name
select * exclude (article)
from incoming_sentences;
