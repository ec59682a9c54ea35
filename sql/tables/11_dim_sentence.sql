-- dim_sentence: the provenance of every fact.
-- Grain: one row per sentence of one current article version.
-- Key: sentence_key (bigint hash of article_key and sentence_index); article_key -> dim_article.
create table if not exists dim_sentence (
    sentence_key bigint not null,
    article_key bigint not null,
    sentence_index integer not null,
    paragraph_index integer not null,
    block_index integer not null,
    section_index integer not null,
    kind varchar not null,
    start_char integer not null,
    end_char integer not null,
    text varchar not null,
    load_id bigint not null
);
comment on table dim_sentence is 'Sentences of current article versions, with character spans into dim_article.cleaned_text';
comment on column dim_sentence.sentence_key is 'Surrogate key (stable hash of article_key and sentence_index)';
comment on column dim_sentence.article_key is 'Article version the sentence belongs to';
comment on column dim_sentence.sentence_index is 'Position of the sentence in the article, from 0';
comment on column dim_sentence.paragraph_index is 'Paragraph the sentence is in, from 0';
comment on column dim_sentence.block_index is 'Block of paragraphs between blank lines or headings';
comment on column dim_sentence.section_index is 'Section between headings';
comment on column dim_sentence.kind is 'title, dek, heading, body or bullet';
comment on column dim_sentence.start_char is 'Start offset in the cleaned text (inclusive)';
comment on column dim_sentence.end_char is 'End offset in the cleaned text (exclusive)';
comment on column dim_sentence.text is 'The sentence';
comment on column dim_sentence.load_id is 'etl_run.load_id of the run that loaded it';
