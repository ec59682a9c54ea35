"""Regenerate seeds/reference/regions.csv from pycountry and the curated region files.

regions.csv is derived: never edit it by hand. Edit world_regions.csv,
region_overrides.csv or places.csv and run `python scripts/build_regions.py`;
tests/test_reference.py fails when the committed file drifts from this output.
"""

from __future__ import annotations

import csv
import io
import re
import sys
from pathlib import Path

import pycountry

REFERENCE = Path(__file__).resolve().parent.parent / "seeds" / "reference"
COLUMNS = ["name", "kind", "iso_code", "parent", "aliases", "demonyms"]

# Subdivisions worth naming in pickup news: US states, Australian states,
# Canadian provinces and Chinese provinces. Others stay out to keep the
# gazetteer free of thousands of ambiguous small names.
SUBDIVISION_COUNTRIES = {"US", "AU", "CA", "CN"}
SUBDIVISION_TYPES = {"State", "District", "Territory", "Province", "Autonomous region"}
# Chinese province names in pycountry carry the pinyin type word.
CHINESE_SUFFIX = re.compile(r"\s+(Sheng|Shi|Zizhiqu)$")
# Chinese municipalities are named as cities in places.csv; Taiwan, Hong Kong
# and Macau are countries in pycountry already.
SKIPPED_SUBDIVISIONS = {"CN-BJ", "CN-SH", "CN-TJ", "CN-CQ", "CN-TW", "CN-HK", "CN-MO"}


def _read(name: str) -> list[dict[str, str]]:
    with open(REFERENCE / name, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _join(values: list[str], exclude: str) -> str:
    seen: list[str] = []
    for value in values:
        if value and value != exclude and value not in seen:
            seen.append(value)
    return "|".join(seen)


def build_rows() -> list[dict[str, str]]:
    """All region rows: world regions, countries, subdivisions, places."""
    overrides = {row["iso_code"]: row for row in _read("region_overrides.csv")}
    world = _read("world_regions.csv")
    parent_of_country = {
        code: row["name"] for row in world for code in row["members"].split() if code
    }
    rows = [
        {
            "name": row["name"],
            "kind": "world_region",
            "iso_code": "",
            "parent": row["parent"],
            "aliases": row["aliases"],
            "demonyms": row["demonyms"],
        }
        for row in world
    ]
    country_names: dict[str, str] = {}
    for country in sorted(pycountry.countries, key=lambda c: c.alpha_2):
        override = overrides.get(country.alpha_2, {})
        name = override.get("name") or getattr(country, "common_name", None) or country.name
        country_names[country.alpha_2] = name
        aliases = [country.name, getattr(country, "official_name", "") or ""]
        aliases += (override.get("aliases") or "").split("|")
        rows.append(
            {
                "name": name,
                "kind": "country",
                "iso_code": country.alpha_2,
                "parent": parent_of_country.get(country.alpha_2, ""),
                "aliases": _join(aliases, name),
                "demonyms": override.get("demonyms", ""),
            }
        )
    for country_code in sorted(SUBDIVISION_COUNTRIES):
        for sub in sorted(
            pycountry.subdivisions.get(country_code=country_code), key=lambda s: s.code
        ):
            if sub.type not in SUBDIVISION_TYPES or sub.code in SKIPPED_SUBDIVISIONS:
                continue
            if sub.parent_code:
                continue
            override = overrides.get(sub.code, {})
            plain = CHINESE_SUFFIX.sub("", sub.name)
            name = override.get("name") or plain
            aliases = [sub.name, plain, *(override.get("aliases") or "").split("|")]
            rows.append(
                {
                    "name": name,
                    "kind": "state" if country_code in {"US", "AU"} else "province",
                    "iso_code": sub.code,
                    "parent": country_names[country_code],
                    "aliases": _join(aliases, name),
                    "demonyms": "",
                }
            )
    for place in _read("places.csv"):
        rows.append(
            {
                "name": place["name"],
                "kind": place["kind"],
                "iso_code": "",
                "parent": place["parent"],
                "aliases": place["aliases"],
                "demonyms": "",
            }
        )
    return rows


def render(rows: list[dict[str, str]]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def main() -> int:
    target = REFERENCE / "regions.csv"
    target.write_text(render(build_rows()), encoding="utf-8")
    print(f"wrote {target}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
