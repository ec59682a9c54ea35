"""Properties of clean → segment → recognise → extract on arbitrary text:
nothing raises, every offset stays inside the text, cleaning is idempotent."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flows.extract.article import parse_article
from flows.extract.clean import clean_text
from flows.extract.gazetteer import build_gazetteer
from flows.extract.read import RawArticle
from flows.reference import load_reference

REFERENCE = load_reference()
GAZETTEER = build_gazetteer(REFERENCE)

# Pieces of news copy, so generated text reaches the number, period and entity rules
# and not only the paths taken by random characters.
FRAGMENTS = st.sampled_from(
    [
        "Ford",
        "Ranger",
        "Hilux",
        "BYD Shark",
        "Kia Tasman",
        "China",
        "U.S.",
        "Australia",
        "VFACTS",
        "sold",
        "registrations",
        "exports",
        "up",
        "down",
        "market share",
        "12%",
        "1.2 million",
        "23,500",
        "A$57,900",
        "$49,995",
        "15k",
        "sixth",
        "No. 1",
        "top-selling",
        "335 per cent",
        "in 2025",
        "through November",
        "Q3 2025",
        "H1",
        "last month",
        "fiscal 2026",
        "between 3,000 and 4,000",
        "according to Cox Automotive",
        ".",
        ",",
        "—",
        "(",
        ")",
        '"',
        "'",
        "\n",
        "\n\n",
        "| Model | Sales |",
        "- ",
        "• ",
        "Tags: ",
        "Share this",
        "<b>",
        "'); DROP TABLE fact_claim; --",
    ]
)
NEWSY = st.lists(st.one_of(FRAGMENTS, st.text(max_size=12)), max_size=60).map(" ".join)
ANY_TEXT = st.one_of(st.text(max_size=400), NEWSY)
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _parse(text: str):
    raw = RawArticle(
        article="t.txt", path="t.txt", record=None, text=text, format="text", encoding="utf-8"
    )
    return parse_article(raw, REFERENCE, GAZETTEER)


@SETTINGS
@given(ANY_TEXT)
def test_parsing_any_text_never_raises_and_offsets_stay_inside(text):
    parsed = _parse(text)
    cleaned = parsed.clean.text
    length = len(cleaned)
    for paragraph in parsed.clean.paragraphs:
        assert 0 <= paragraph.start <= paragraph.end <= length
    for sentence in parsed.sentences:
        assert 0 <= sentence.start < sentence.end <= length
    spans = {s.index: (s.start, s.end) for s in parsed.sentences}
    for mention in parsed.mentions:
        assert 0 <= mention.start < mention.end <= length
        assert cleaned[mention.start : mention.end] == mention.surface
        start, end = spans[mention.sentence]
        assert start <= mention.start and mention.end <= end
    for claim in parsed.claims:
        start, end = spans[claim.sentence_index]
        assert cleaned[start:end] == claim.sentence
        assert start <= claim.value_start <= claim.value_end <= end
        assert cleaned[claim.value_start : claim.value_end] == claim.value_text


@SETTINGS
@given(ANY_TEXT)
def test_cleaning_is_idempotent(text):
    once = clean_text(text, REFERENCE.boilerplate)
    twice = clean_text(once.text, REFERENCE.boilerplate)
    assert twice.text == once.text


@pytest.mark.parametrize(
    "text",
    [
        "",
        "\x00\x01\x02",
        "\ud7ff\ue000\uffff",
        "🚙" * 500,
        "1" * 5000,
        ".\n" * 2000,
        "A$" * 300,
        "Ford " * 2000,
    ],
)
def test_degenerate_text_is_handled(text):
    parsed = _parse(text)
    assert all(0 <= s.start < s.end <= len(parsed.clean.text) for s in parsed.sentences)
