"""The gazetteer: every name and alias of the reference data, keyed by tokens,
with the brand prefixes, spacing variants and plant names news writes them with.
Built once per reference data and process."""

from __future__ import annotations

import itertools
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cache, lru_cache

from flows.extract.mentions import tokenize
from flows.extract.phrases import match_view, phrase_key
from flows.extract.words import WORDS
from flows.reference import Entity, Reference


@dataclass(frozen=True)
class GazetteerAlias:
    key: tuple[str, ...]
    gaps: tuple[str, ...]
    original: tuple[str, ...]
    entity: Entity
    demonym: bool
    ambiguous: bool  # needs the brand in context (single ordinary word)


def _gap_class(gap: str) -> str | None:
    """Punctuation that may join the tokens of one name; None when it may not."""
    stripped = gap.strip()
    if len(gap) > 3:
        return None
    if stripped in ("", "-", "."):
        return ""
    if stripped in ("&", ",", "'", "/"):
        return stripped
    return None


@dataclass
class Gazetteer:
    """Alias index over the reference entities, and its Aho-Corasick automaton.

    Aliases are matched in a lower-case view of the text in which every
    character that is not a letter or digit is a space (same length, same
    offsets): "F-150", "F 150" and "f-150" look alike, "Kia's" ends at "Kia".
    """

    index: dict[str, list[GazetteerAlias]]
    facility_keys: dict[tuple[str, ...], Entity]
    reference: Reference
    keys: list[str] = field(default_factory=list)
    # per key: the aliases it spells, whether it is their plural, and a brand prefix
    entries: list[list[tuple[GazetteerAlias, bool, int]]] = field(default_factory=list)
    automaton: object = None


FACILITY_HEADS = WORDS.lists["facility_head"]


_FACILITY_DROP = {"its", "the", "a", "an", "new", "existing", "former", "flagship", "s", "main"}


def facility_key(words: list[str]) -> tuple[str, ...]:
    """Comparable form of a plant name: head noun dropped, EV spelt out."""
    tokens: list[str] = []
    for word in words:
        lower = word.lower()
        if lower == "ev":
            tokens += ["electric", "vehicle"]
        elif lower in ("evs", "vehicles"):
            tokens.append("vehicle")
        elif lower not in _FACILITY_DROP:
            tokens.append(lower)
    while tokens and tokens[-1] in (*FACILITY_HEADS, "assembly", "manufacturing"):
        tokens.pop()
    return tuple(tokens)


@lru_cache(maxsize=1 << 16)  # names recur across articles; bounded, so memory stays flat
def alias_key(name: str) -> str:
    return phrase_key(name)


def _brand_prefix_key(
    key: str, model: Entity, reference: Reference, brand_keys: dict[str, set[str]]
) -> str | None:
    """The longest name of the model's brand (or group) that the alias key starts with."""
    best = None
    for brand in reference.manufacturer_lineage(model.manufacturer):
        for brand_key in brand_keys.get(brand, ()):
            if key.startswith(brand_key + " ") and (best is None or len(brand_key) > len(best)):
                best = brand_key
    return best


@cache  # one per Reference (they hash by identity): building it takes ~0.1 s
def build_gazetteer(reference: Reference) -> Gazetteer:
    import ahocorasick_rs

    index: dict[str, list[GazetteerAlias]] = defaultdict(list)
    facility_keys: dict[tuple[str, ...], Entity] = {}
    by_key: dict[str, list[tuple[GazetteerAlias, bool, int]]] = defaultdict(list)
    aliases_of: dict[str, list[GazetteerAlias]] = defaultdict(list)
    brand_keys: dict[str, set[str]] = defaultdict(set)  # manufacturer -> its alias keys
    spaced_keys: dict[str, set[str]] = defaultdict(set)
    for entity in reference.entities:
        names = [(entity.name, False), *((alias, False) for alias in entity.aliases)]
        names += [(demonym, True) for demonym in entity.demonyms]
        for name, demonym in names:
            tokens = tokenize(name)
            if not tokens:
                continue
            gaps = tuple(
                _gap_class(name[a.end : b.start]) or "" for a, b in itertools.pairwise(tokens)
            )
            single_word = len(tokens) == 1 and tokens[0].text.isalpha()
            alias = GazetteerAlias(
                key=tuple(token.lower for token in tokens),
                gaps=gaps,
                original=tuple(token.text for token in tokens),
                entity=entity,
                demonym=demonym,
                ambiguous=entity.type == "model" and entity.needs_brand and single_word,
            )
            index[alias.key[0]].append(alias)
            aliases_of[alias_key(name)].append(alias)
            # "Manufacturers & Traders" reads as "manufacturers   traders" in the match
            # view (one space per character): that spacing is a key of its own.
            spaced = match_view(name).strip()
            if spaced != alias_key(name):
                spaced_keys[alias_key(name)].add(spaced)
            if entity.type == "manufacturer":
                brand_keys[entity.name].add(alias_key(name))
        if entity.type == "facility":
            for name in (entity.name, *entity.aliases):
                words = [token.text for token in tokenize(name)]
                if words and words[-1].lower() in FACILITY_HEADS:
                    key = facility_key(words)
                    if len(key) >= 1:
                        facility_keys.setdefault(key, entity)
    for aliases in index.values():
        aliases.sort(key=lambda alias: -len(alias.key))

    all_keys = set(aliases_of)
    for key, aliases in aliases_of.items():
        for alias in aliases:
            prefix = 0
            if alias.entity.type == "model":
                brand_key = _brand_prefix_key(key, alias.entity, reference, brand_keys)
                if brand_key:
                    prefix = len(brand_key)
                    words = key.split()
                    rest = " ".join(words[len(brand_key.split()) :])
                    longer_prefix = any(
                        " ".join(words[:n]) in all_keys
                        for n in range(len(brand_key.split()) + 1, len(words))
                    )
                    same_model = any(a.entity is alias.entity for a in aliases_of.get(rest, ()))
                    if same_model and not longer_prefix:
                        # "Jeep Gladiator" is Jeep + Gladiator: leave it to the two names, so
                        # "KGM Musso EV" is not read as "KGM Musso" + a stray "EV".
                        continue
            by_key[key].append((alias, False, prefix))
            for spaced in spaced_keys.get(key, ()):
                by_key[spaced].append((alias, False, prefix))
            if alias.key[-1].isalpha() and len(alias.key[-1]) >= 2:
                for suffix in ("s", "es"):
                    by_key[key + suffix].append((alias, True, prefix))
    gazetteer = Gazetteer(dict(index), facility_keys, reference)
    gazetteer.keys = sorted(by_key)
    gazetteer.entries = [by_key[key] for key in gazetteer.keys]
    gazetteer.automaton = ahocorasick_rs.AhoCorasick(
        [" " + key for key in gazetteer.keys], matchkind=ahocorasick_rs.MatchKind.LeftmostLongest
    )
    return gazetteer
