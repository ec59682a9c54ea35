"""segment.py: sentence boundaries that survive abbreviations and bullets."""

from __future__ import annotations

import pytest

from flows.extract.clean import clean_text
from flows.extract.segment import split_sentences


def _sentences(text, reference):
    cleaned = clean_text(text, reference.boilerplate)
    return [
        cleaned.text[s.start : s.end] for s in split_sentences(cleaned.text, cleaned.paragraphs)
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Sales rose. Exports fell.", ["Sales rose.", "Exports fell."]),
        (
            "U.S. brands are postponing trucks. Asia is not.",
            ["U.S. brands are postponing trucks.", "Asia is not."],
        ),
        (
            'It avoids the U.S. "Chicken Tax," analysts say.',
            ['It avoids the U.S. "Chicken Tax," analysts say.'],
        ),
        (
            "Trucks are built in the U.S. The plant is new.",
            ["Trucks are built in the U.S.", "The plant is new."],
        ),
        ("Ford Motor Co. said sales rose.", ["Ford Motor Co. said sales rose."]),
        (
            "The Ranger is the No. 1 ute. It sold 5,000.",
            ["The Ranger is the No. 1 ute.", "It sold 5,000."],
        ),
        (
            "J. D. Power ranks it first. Dealers agree.",
            ["J. D. Power ranks it first.", "Dealers agree."],
        ),
        ("Sales hit 1.2 million. A record.", ["Sales hit 1.2 million.", "A record."]),
        ('He said "it is great." Then he left.', ['He said "it is great."', "Then he left."]),
    ],
)
def test_sentence_boundaries(text, expected, reference):
    assert _sentences(text, reference) == expected


def test_bullets_are_sentences_without_their_markers(reference):
    text = "The leaders:\n\n  • Great Wall Motors – market leader.\n  • BYD – exports rising.\n"
    assert _sentences(text, reference) == [
        "The leaders:",
        "Great Wall Motors – market leader.",
        "BYD – exports rising.",
    ]


def test_offsets_point_into_the_cleaned_text(reference):
    cleaned = clean_text("First one. Second one!\nThird?", reference.boilerplate)
    for sentence in split_sentences(cleaned.text, cleaned.paragraphs):
        assert (
            cleaned.text[sentence.start : sentence.end].strip()
            == cleaned.text[sentence.start : sentence.end]
        )
        assert 0 <= sentence.start < sentence.end <= len(cleaned.text)
