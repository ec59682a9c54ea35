"""recognise.py: entity mentions from reference aliases and from rules."""

from __future__ import annotations

import json

import pytest

from flows.evaluate import score_entities
from flows.extract.clean import clean_text
from flows.extract.gazetteer import build_gazetteer
from flows.extract.recognise import find_mentions
from flows.extract.segment import split_sentences

from .conftest import GOLD, SEEDS

ENTITIES = json.loads((GOLD / "seed_entities.json").read_text())


def _mentions(text, reference):
    cleaned = clean_text(text, reference.boilerplate)
    sentences = split_sentences(cleaned.text, cleaned.paragraphs)
    return find_mentions(cleaned.text, sentences, build_gazetteer(reference))


def _names(text, reference):
    return {(m.type, m.name) for m in _mentions(text, reference)}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Kia's first pickup.", {("manufacturer", "Kia")}),
        ("KGM sold more.", {("manufacturer", "KG Mobility")}),
        ("The R6 from Radar.", {("model", "RD6"), ("manufacturer", "Radar")}),
        ("Data from Carisyou shows it.", {("organization", "Carisyou Data Research Institute")}),
        ("A Kia-built truck.", {("manufacturer", "Kia")}),
        ("Sales in South-Africa rose.", {("region", "South Africa")}),
        (
            "Central and South America.",
            {("region", "Central America"), ("region", "South America")},
        ),
        ("The Jeep Gladiator sells.", {("manufacturer", "Jeep"), ("model", "Gladiator")}),
        ("The U.S. market.", {("region", "United States")}),
    ],
)
def test_aliases_resolve_to_canonical_names(text, expected, reference):
    assert _names(text, reference) == expected


def test_a_common_word_model_needs_its_brand(reference):
    assert ("model", "Ranger") in _names("Ford sells the Ranger in Australia.", reference)
    assert ("model", "Ranger") not in _names("A Ranger guided the tour.", reference)


def test_georgia_is_the_us_state_in_an_american_story(reference):
    assert ("region", "Georgia (US state)") in _names(
        "Hyundai builds EVs in the United States, in Georgia.", reference
    )
    assert ("region", "Georgia") in _names("Exports to Georgia and Armenia rose.", reference)


@pytest.mark.parametrize(
    ("text", "person"),
    [
        ("CEO Ho Sung Song hinted at it.", "Ho Sung Song"),
        (
            "Kia's head of marketing for South Africa, Christo Valentyn, confirmed it.",
            "Christo Valentyn",
        ),
        ("Jane Doe, an analyst at Cox Automotive, said demand is soft.", "Jane Doe"),
        ('"Demand is strong," said Maria Lopez.', "Maria Lopez"),
    ],
)
def test_people_are_found_by_how_news_introduces_them(text, person, reference):
    assert ("person", person) in _names(text, reference)


def test_capitalised_events_are_not_people(reference):
    assert not {
        name
        for kind, name in _names("At the 2025 CEO Investor Day, Kia spoke.", reference)
        if kind == "person"
    }


def test_plants_match_whatever_head_noun_news_uses(reference):
    names = _names(
        "Ford moved staff from its Rouge electric-vehicle hub to the Dearborn truck plant.",
        reference,
    )
    assert {
        ("facility", "Rouge Electric Vehicle Center"),
        ("facility", "Dearborn Truck Plant"),
    } <= names


def test_an_acronym_after_a_name_is_that_entity(reference):
    mentions = _mentions(
        "The Korea Automobile Examiners Federation (KAEF) counted 5,000. KAEF said more.", reference
    )
    assert [m.name for m in mentions if m.surface == "KAEF"] == [
        "Korea Automobile Examiners Federation"
    ] * 2


@pytest.mark.parametrize("name", sorted(ENTITIES))
def test_seed_entities_match_the_gold_sets(name, reference):
    predicted: dict[str, set[str]] = {}
    for mention in _mentions((SEEDS / name).read_text(encoding="utf-8"), reference):
        predicted.setdefault(mention.type, set()).add(mention.name)
    score = score_entities(ENTITIES[name], predicted)
    assert score.summary()["recall"] >= 0.95, score.missing
    assert score.summary()["precision"] >= 0.9, score.unexpected
    assert score.never == 0
