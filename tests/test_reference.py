"""seeds/reference: well-formed, consistent, and regions.csv derived from its sources."""

from __future__ import annotations

import csv
import importlib.util

import pytest

from flows.reference import ENTITY_TYPES, load_reference
from flows.resources import resource_dir

from .conftest import REPO


def test_regions_csv_is_what_the_build_script_generates():
    spec = importlib.util.spec_from_file_location(
        "build_regions", REPO / "scripts" / "build_regions.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    committed = (resource_dir("reference") / "regions.csv").read_text(encoding="utf-8")
    assert module.render(module.build_rows()) == committed, (
        "regions.csv drifted: run python scripts/build_regions.py"
    )


@pytest.mark.parametrize(
    "path", sorted(resource_dir("reference").glob("*.csv")), ids=lambda p: p.name
)
def test_every_row_has_every_column(path):
    with open(path, newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        widths = {len(row) for row in reader}
    assert widths == {len(header)}


def test_parents_and_manufacturers_exist():
    reference = load_reference()
    manufacturers = {e.name for e in reference.of_type("manufacturer")}
    regions = {e.name for e in reference.of_type("region")}
    for entity in reference.of_type("manufacturer"):
        assert entity.parent is None or entity.parent in manufacturers, entity
    for entity in reference.of_type("model"):
        assert entity.manufacturer in manufacturers, entity
    for entity in reference.of_type("region"):
        assert entity.parent is None or entity.parent in regions, entity
    assert reference.manufacturer_lineage("Radar") == ["Radar", "Geely"]
    assert reference.manufacturer_lineage("Ram") == ["Ram", "Stellantis"]
    assert reference.manufacturer_lineage("GMC") == ["GMC", "GM"]
    assert reference.manufacturer_lineage("Kia") == ["Kia", "Hyundai Motor Group"]


def test_names_are_unique_within_a_type():
    reference = load_reference()
    for entity_type in ENTITY_TYPES:
        keys = [e.key for e in reference.of_type(entity_type)]
        assert len(keys) == len(set(keys)), entity_type


@pytest.mark.parametrize(
    ("market", "brands"),
    [
        (
            "United States",
            {
                "Ford",
                "Chevrolet",
                "GMC",
                "Ram",
                "Toyota",
                "Nissan",
                "Honda",
                "Hyundai",
                "Jeep",
                "Tesla",
                "Rivian",
            },
        ),
        (
            "China",
            {
                "Great Wall Motors",
                "BYD",
                "Changan",
                "JAC",
                "SAIC Maxus",
                "Radar",
                "Foton",
                "JMC",
                "Dongfeng",
                "Zhengzhou Nissan",
            },
        ),
        (
            "Australia",
            {
                "Ford",
                "Toyota",
                "Isuzu",
                "Mitsubishi",
                "Mazda",
                "Nissan",
                "Great Wall Motors",
                "SAIC Maxus",
                "BYD",
                "Kia",
                "KG Mobility",
            },
        ),
        ("Thailand", {"Toyota", "Isuzu", "Ford", "Mitsubishi", "Nissan", "MG", "BYD"}),
        (
            "South Africa",
            {"Toyota", "Ford", "Isuzu", "Nissan", "Mahindra", "JAC", "Great Wall Motors"},
        ),
        (
            "Latin America",
            {"Fiat", "Chevrolet", "Volkswagen", "Renault", "Ram", "Toyota", "Peugeot"},
        ),
    ],
)
def test_pickup_brands_of_every_market_have_pickup_models(market, brands):
    reference = load_reference()
    with_pickups = {e.manufacturer for e in reference.of_type("model") if e.body == "pickup"}
    assert brands <= with_pickups, brands - with_pickups
