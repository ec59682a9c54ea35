"""clean.py: normalisation, title and dek, and boilerplate that must not survive."""

from __future__ import annotations

import json

import pytest

from flows.extract.clean import clean_text
from flows.extract.textnorm import fold, normalise

from .conftest import GOLD, SEEDS

DOCUMENTS = json.loads((GOLD / "seed_documents.json").read_text())


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("F\u2011150", "F-150"),
        ("Kia\u2019s", "Kia's"),
        ("\u201cPower.\u201d", '"Power."'),
        ("23\u202f500", "23 500"),
        ("soft\u00adhyphen", "softhyphen"),
        ("\uff12\uff10\uff12\uff15", "2025"),
        ("a\r\nb", "a\nb"),
    ],
)
def test_normalise(raw, expected):
    assert normalise(raw) == expected


def test_fold_makes_dashes_and_spaces_comparable():
    assert fold("a \u2013 b\u00a0 c") == "a - b c"


@pytest.mark.parametrize("name", sorted(DOCUMENTS))
def test_seed_boilerplate_is_removed_and_text_kept(name, reference):
    expected = DOCUMENTS[name]
    cleaned = clean_text((SEEDS / name).read_text(encoding="utf-8"), reference.boilerplate)
    text = fold(cleaned.text)
    for line in expected["boilerplate"]:
        assert fold(line) not in text, line
    for line in expected["must_keep"]:
        assert fold(line) in text, line
    assert cleaned.title == expected["title"]


def test_comment_block_ends_where_the_article_resumes(reference):
    raw = (
        "Ford builds trucks in Dearborn.\n"
        "Top comment by reader42\n"
        '"Why not electric?"\n'
        "Because nobody asked me, honestly.\n"
        "Meanwhile Ford said Dearborn output will rise.\n"
    )
    cleaned = clean_text(raw, reference.boilerplate)
    assert "Meanwhile Ford said Dearborn output will rise." in cleaned.text
    assert "reader42" not in cleaned.text and "nobody asked" not in cleaned.text


def test_tag_lines_ratings_and_affiliate_notes_go(reference):
    raw = (
        "Ute sales climb in Australia\n\n"
        "utes, Ford Ranger, Toyota HiLux, car sales, VFACTS\n\n"
        "The Ranger sold 5,000 units in October.\n"
        "How useful was this post?\n"
        "FTC: We use income earning auto affiliate links. More.\n"
    )
    cleaned = clean_text(raw, reference.boilerplate)
    assert cleaned.title == "Ute sales climb in Australia"
    assert {kind for kind, _ in cleaned.removed} == {
        "tag_line",
        "rating_widget",
        "affiliate_disclosure",
    }
    assert cleaned.text.endswith("The Ranger sold 5,000 units in October.")


def test_an_outlet_signing_its_section_names_the_publisher(reference):
    cleaned = clean_text("Sales rose.\nElectrek's Take\nWe think so.\n", reference.boilerplate)
    assert cleaned.publisher_hints == ["Electrek"]
