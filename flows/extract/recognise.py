"""Entity mentions: reference-data aliases, then rules for names it does not hold.

Matching is token based (a dict keyed by the first token, longest alias
first), so an article costs one pass over its tokens whatever the size of
the gazetteer. Possessives ("Kia's") and hyphenated compounds ("Kia-built",
"South-Africa") match their entity. Names that are also ordinary words or
places ("Ranger", "Colorado", "Georgia") are resolved from the article's
context. People, organisations and plants that the reference data does not
hold are found from how news introduces them ("CEO Ho Sung Song",
"the X Association", "the Dearborn truck plant").
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import NamedTuple

from flows.extract.phrases import match_view, phrase_key
from flows.extract.segment import Sentence
from flows.extract.words import WORDS
from flows.reference import Entity, Reference

_TOKEN = re.compile(r"[^\W_]+")


class Token(NamedTuple):
    start: int
    end: int
    text: str
    lower: str


@dataclass(frozen=True)
class Mention:
    type: str
    name: str
    start: int
    end: int
    surface: str
    sentence: int
    demonym: bool = False
    rule: str = "reference"
    owner: str | None = None  # a model's manufacturer: "Strada" is Fiat's or Mitsubishi's


@dataclass(frozen=True)
class _Alias:
    key: tuple[str, ...]
    gaps: tuple[str, ...]
    original: tuple[str, ...]
    entity: Entity
    demonym: bool
    ambiguous: bool  # needs the brand in context (single ordinary word)


def tokenize(text: str, start: int = 0, end: int | None = None) -> list[Token]:
    matches = _TOKEN.finditer(text, start, len(text) if end is None else end)
    return [Token(m.start(), m.end(), m.group(), m.group().lower()) for m in matches]


def _sentences_with(
    triggers: dict[str, list[int]], sentences: list[Sentence], sentence_of
) -> list[tuple[int, int]]:
    """The spans of the sentences that hold a trigger word, neighbours merged."""
    if not sentences:
        return []
    indexes = sorted({sentence_of(offset) for offsets in triggers.values() for offset in offsets})
    spans: list[tuple[int, int]] = []
    for index in indexes:
        sentence = sentences[index]
        if spans and index > 0 and sentences[index - 1].end == spans[-1][1]:
            spans[-1] = (spans[-1][0], sentence.end)
        else:
            spans.append((sentence.start, sentence.end))
    return spans


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

    index: dict[str, list[_Alias]]
    facility_keys: dict[tuple[str, ...], Entity]
    reference: Reference
    keys: list[str] = field(default_factory=list)
    # per key: the aliases it spells, whether it is their plural, and a brand prefix
    entries: list[list[tuple[_Alias, bool, int]]] = field(default_factory=list)
    automaton: object = None


_FACILITY_HEADS = WORDS.lists["facility_head"]
_FACILITY_DROP = {"its", "the", "a", "an", "new", "existing", "former", "flagship", "s", "main"}


def _facility_key(words: list[str]) -> tuple[str, ...]:
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
    while tokens and tokens[-1] in (*_FACILITY_HEADS, "assembly", "manufacturing"):
        tokens.pop()
    return tuple(tokens)


@lru_cache(maxsize=1 << 16)  # names recur across articles; bounded, so memory stays flat
def _key(name: str) -> str:
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

    index: dict[str, list[_Alias]] = defaultdict(list)
    facility_keys: dict[tuple[str, ...], Entity] = {}
    by_key: dict[str, list[tuple[_Alias, bool, int]]] = defaultdict(list)
    aliases_of: dict[str, list[_Alias]] = defaultdict(list)
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
            alias = _Alias(
                key=tuple(token.lower for token in tokens),
                gaps=gaps,
                original=tuple(token.text for token in tokens),
                entity=entity,
                demonym=demonym,
                ambiguous=entity.type == "model" and entity.needs_brand and single_word,
            )
            index[alias.key[0]].append(alias)
            aliases_of[_key(name)].append(alias)
            # "Manufacturers & Traders" reads as "manufacturers   traders" in the match
            # view (one space per character): that spacing is a key of its own.
            spaced = match_view(name).strip()
            if spaced != _key(name):
                spaced_keys[_key(name)].add(spaced)
            if entity.type == "manufacturer":
                brand_keys[entity.name].add(_key(name))
        if entity.type == "facility":
            for name in (entity.name, *entity.aliases):
                words = [token.text for token in tokenize(name)]
                if words and words[-1].lower() in _FACILITY_HEADS:
                    key = _facility_key(words)
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


def _case_ok(alias: _Alias, surface: str, plural: bool = False) -> bool:
    """One-word aliases match their own capitalisation ("Ram", not "ram"); longer ones need a capital."""
    if len(alias.key) == 1:
        original = alias.original[0]
        if plural:
            surface = surface[: len(original)]
        return surface == original or (
            surface.isupper() and len(surface) >= 3 and surface == original.upper()
        )
    return any(ch.isupper() for ch in surface)


_LAST_WORD = re.compile(r"([^\W_]+)[^\w]*$")


_LOCATIVE = {"in", "from", "across", "near", "throughout", "into", "to", "of", "outside", "at"}


def _choose(
    aliases: list[_Alias],
    previous: str,
    sentence_brands: set[str],
    article_brands: set[str],
    us_context: bool,
    reference: Reference,
) -> _Alias | None:
    """Pick one entity for an alias that names several (or needs its brand)."""

    def brand_present(alias: _Alias, brands: set[str]) -> bool:
        lineage = set(reference.manufacturer_lineage(alias.entity.manufacturer))
        return bool(lineage & brands)

    models = [a for a in aliases if a.entity.type == "model"]
    others = [a for a in aliases if a.entity.type != "model"]
    chosen_model = None
    for alias in models:
        if brand_present(alias, sentence_brands):
            chosen_model = alias
            break
    if chosen_model is None and previous not in _LOCATIVE:
        for alias in models:
            if brand_present(alias, article_brands) or not alias.ambiguous:
                chosen_model = alias
                break
    if chosen_model is not None and (
        not others or previous not in _LOCATIVE or brand_present(chosen_model, sentence_brands)
    ):
        return chosen_model
    if not others:
        return None
    regions = [a for a in others if a.entity.type == "region"]
    if len(regions) > 1:
        us = [a for a in regions if a.entity.parent == "United States"]
        rest = [a for a in regions if a.entity.parent != "United States"]
        return (us or rest)[0] if us_context else (rest or us)[0]
    return others[0]


def _gazetteer_mentions(text: str, view: str, gazetteer: Gazetteer, sentence_of) -> list[Mention]:
    reference = gazetteer.reference
    spans: list[tuple[int, int, list[tuple[_Alias, bool, int]]]] = []
    padded = " " + view
    for key_index, start, end in gazetteer.automaton.find_matches_as_indexes(padded):
        # the key " kia" spans padded[start:end]; the name is text[start:end - 1]
        if end < len(padded) and padded[end] != " ":
            continue  # "ram" inside "rambling"
        text_start, text_end = start, end - 1
        surface = text[text_start:text_end]
        if text_end < len(text) - 1 and text[text_end] == "-" and text[text_end + 1].isdigit():
            continue  # "F-150" is not the name "F"
        found = [
            (alias, plural, prefix)
            for alias, plural, prefix in gazetteer.entries[key_index]
            if _case_ok(alias, surface, plural)
        ]
        if found:
            spans.append((text_start, text_end, found))

    # Context for ambiguous names: which brands the sentence and article name.
    plain_brands: dict[int, set[str]] = defaultdict(set)
    article_brands: set[str] = set()
    us_context = False
    for start, _end, found in spans:
        if len(found) != 1:
            continue
        alias = found[0][0]
        entity = alias.entity
        if entity.type == "manufacturer":
            lineage = reference.manufacturer_lineage(entity.name)
            plain_brands[sentence_of(start)] |= set(lineage)
            article_brands.update(lineage)
        elif entity.type == "model" and not alias.ambiguous:
            article_brands.update(reference.manufacturer_lineage(entity.manufacturer))
        elif entity.type == "region" and (
            entity.name == "United States" or entity.parent == "United States"
        ):
            us_context = True

    mentions: list[Mention] = []
    for start, end, found in spans:
        sentence = sentence_of(start)
        aliases = [alias for alias, _plural, _prefix in found]
        if len(aliases) == 1 and not aliases[0].ambiguous:
            alias = aliases[0]
        else:
            previous = _LAST_WORD.search(text, max(0, start - 30), start)
            word = previous.group(1).lower() if previous else ""
            alias = _choose(
                aliases, word, plain_brands[sentence], article_brands, us_context, reference
            )
        if alias is None:
            continue
        prefix = next(p for a, _plural, p in found if a is alias)
        if prefix:
            # "Ram 1500 REV" names the brand as well as the model.
            brand = next(
                (
                    b.entity.name
                    for b in gazetteer.index.get(alias.key[0], [])
                    if b.entity.type == "manufacturer"
                ),
                None,
            )
            if brand:
                mentions.append(
                    Mention(
                        "manufacturer",
                        brand,
                        start,
                        start + prefix,
                        text[start : start + prefix],
                        sentence,
                    )
                )
        mentions.append(
            Mention(
                type=alias.entity.type,
                name=alias.entity.name,
                start=start,
                end=end,
                surface=text[start:end],
                sentence=sentence,
                demonym=alias.demonym,
                owner=alias.entity.manufacturer,
            )
        )
    return mentions


_ROLE_WORDS = WORDS.lists["role_word"]
_SPEECH_VERBS = WORDS.lists["speech_verb"]
_NOT_NAME = WORDS.lists["not_name"] | set(WORDS.month_names)
# Capitalised words that end names of events, laws and things, not people.
_NOT_PERSON_TAIL = WORDS.lists["not_person_tail"]
_PARTICLES = WORDS.lists["name_particle"]
_NAME_WORD = re.compile(r"^[A-Z][a-z]+$|^[A-Z][a-z]*[A-Z][a-z]+$|^[A-Z]$")


def _name_runs(
    text: str, tokens: list[Token], covered: list[bool], near: set[int]
) -> list[tuple[int, int]]:
    """Runs of 2-4 capitalised tokens not covered by a mention, near a role word or speech verb."""
    runs: list[tuple[int, int]] = []
    i = 0
    while i < len(tokens):
        if (
            i not in near
            or covered[i]
            or not _NAME_WORD.match(tokens[i].text)
            or tokens[i].lower in _NOT_NAME
        ):
            i += 1
            continue
        j = i + 1
        while j < len(tokens) and not covered[j]:
            gap = text[tokens[j - 1].end : tokens[j].start]
            word = tokens[j].text
            if gap == "-" and word.islower():
                j += 1  # Korean given names: "Eui-sun"
                continue
            if gap not in (" ", ". ") or (gap == ". " and len(tokens[j - 1].text) > 1):
                break
            if (_NAME_WORD.match(word) and word.lower() not in _NOT_NAME) or (
                word in _PARTICLES and j + 1 < len(tokens) and _NAME_WORD.match(tokens[j + 1].text)
            ):
                j += 1
            else:
                break
        words = sum(
            1 for k in range(i, j) if text[tokens[k - 1].end : tokens[k].start] != "-" or k == i
        )
        if 2 <= words <= 4 and tokens[j - 1].lower not in _NOT_PERSON_TAIL:
            runs.append((i, j))
        i = max(j, i + 1)
    return runs


def _person_mentions(
    text: str, tokens: list[Token], covered: list[bool], sentence_of, near: set[int]
) -> list[Mention]:
    mentions: list[Mention] = []
    for i, j in _name_runs(text, tokens, covered, near):
        start, end = tokens[i].start, tokens[j - 1].end
        before = [token.lower for token in tokens[max(0, i - 8) : i]]
        between = text[tokens[max(0, i - 8)].start : start] if i else ""
        after_text = text[end : end + 60]
        role_before = any(word in _ROLE_WORDS for word in before) and not re.search(
            r"[.;:!?]", between
        )
        directly_after_role = i > 0 and tokens[i - 1].lower in _ROLE_WORDS
        after_words = re.findall(r"[A-Za-z']+", after_text)[:6]
        speech_after = bool(after_words) and after_words[0].lower() in _SPEECH_VERBS
        role_after = after_text.startswith(", ") and any(
            word.lower() in _ROLE_WORDS for word in after_words
        )
        speech_before = i > 0 and tokens[i - 1].lower in {"according"} | _SPEECH_VERBS
        if not (directly_after_role or role_before or speech_after or role_after or speech_before):
            continue
        if role_before and not directly_after_role and not text[:start].rstrip().endswith(","):
            # "head of marketing for South Africa, Christo Valentyn" needs the comma
            # that introduces the name; "chief Christo Valentyn" is adjacent.
            continue
        surface = text[start:end]
        mentions.append(
            Mention(
                "person",
                re.sub(r"\s+", " ", surface),
                start,
                end,
                surface,
                sentence_of(start),
                rule="person_rule",
            )
        )
        for k in range(i, j):
            covered[k] = True
    return mentions


_ORG_SUFFIXES = WORDS.lists["organisation_suffix"]
_ORG_JOINERS = {"of", "and", "for", "&", "the", "on"}


def _org_mentions(
    text: str, tokens: list[Token], covered: list[bool], sentence_of, place_tokens: set[int]
) -> list[Mention]:
    """'The X Y Association', 'Ministry of X' and '<Name> administration'.

    A place at the front belongs to the name ("Korea Automobile ... Federation").
    """
    mentions: list[Mention] = []
    for k, token in enumerate(tokens):
        if covered[k]:
            continue
        if (
            token.lower == "administration"
            and k > 0
            and not covered[k - 1]
            and _NAME_WORD.match(tokens[k - 1].text)
        ):
            start = tokens[k - 1].start
            name = f"{tokens[k - 1].text} administration"
            mentions.append(
                Mention(
                    "organization",
                    name,
                    start,
                    token.end,
                    text[start : token.end],
                    sentence_of(start),
                    rule="org_rule",
                )
            )
            covered[k - 1] = covered[k] = True
            continue
        if token.lower not in _ORG_SUFFIXES or not token.text[0].isupper():
            continue
        i = k
        while i > 0 and (not covered[i - 1] or (i - 1) in place_tokens):
            previous = tokens[i - 1]
            gap = text[previous.end : tokens[i].start]
            if gap not in (" ", "-", " & "):
                break
            if previous.text[0].isupper() or (
                previous.lower in _ORG_JOINERS and i - 2 >= 0 and tokens[i - 2].text[0].isupper()
            ):
                i -= 1
            else:
                break
        while i < k and tokens[i].lower in _ORG_JOINERS:
            i += 1
        # "Chamber of Automotive Manufacturers of the Philippines": names grow to the
        # right through "of (the) Capitalised ..." runs, places included.
        end = k + 1
        while (
            end + 1 < len(tokens)
            and tokens[end].lower == "of"
            and text[tokens[end - 1].end : tokens[end].start] == " "
        ):
            step = end + 1
            if tokens[step].lower == "the" and step + 1 < len(tokens):
                step += 1
            if not tokens[step].text[0].isupper() or (covered[step] and step not in place_tokens):
                break
            while (
                step + 1 < len(tokens)
                and tokens[step + 1].text[0].isupper()
                and text[tokens[step].end : tokens[step + 1].start] == " "
                and (not covered[step + 1] or step + 1 in place_tokens)
            ):
                step += 1
            end = step + 1
        if end - i < 2 and token.lower in ("board", "union", "show", "forum", "research"):
            continue
        if end - i < 2:
            continue
        start, stop = tokens[i].start, tokens[end - 1].end
        surface = text[start:stop]
        if surface.split()[0] in ("The",):
            start += 4
            surface = surface[4:]
        mentions.append(
            Mention(
                "organization", surface, start, stop, surface, sentence_of(start), rule="org_rule"
            )
        )
        for index in range(i, end):
            covered[index] = True
    return mentions


def _facility_mentions(
    text: str, tokens: list[Token], covered: list[bool], gazetteer: Gazetteer, sentence_of
) -> list[Mention]:
    """Plants named by place and kind: 'the Dearborn truck plant', 'its Rouge EV hub'."""
    mentions: list[Mention] = []
    for k, token in enumerate(tokens):
        if token.lower not in _FACILITY_HEADS or covered[k]:
            continue
        first = k
        while first > 0 and k - first < 5 and not covered[first - 1]:
            gap = text[tokens[first - 1].end : tokens[first].start]
            if gap not in (" ", "-"):
                break
            first -= 1
        for i in range(first, k):
            key = _facility_key([t.text for t in tokens[i : k + 1]])
            entity = gazetteer.facility_keys.get(key)
            if entity is None:
                continue
            start = tokens[i].start
            mentions.append(
                Mention(
                    "facility",
                    entity.name,
                    start,
                    token.end,
                    text[start : token.end],
                    sentence_of(start),
                    rule="facility_rule",
                )
            )
            for index in range(i, k + 1):
                covered[index] = True
            break
    return mentions


_ACRONYM = re.compile(r"\(([A-Z][A-Z0-9&]{1,9})\)")


def _acronym_mentions(text: str, mentions: list[Mention], sentence_of) -> list[Mention]:
    """'(CADA)' right after a named entity is that entity's acronym in this article."""
    found: list[Mention] = []
    by_end = {mention.end: mention for mention in mentions}
    known = {mention.surface for mention in mentions}
    for match in _ACRONYM.finditer(text):
        owner = by_end.get(match.start() - 1) or by_end.get(match.start())
        if owner is None or match.group(1) in known:
            continue
        found.append(
            Mention(
                owner.type,
                owner.name,
                match.start(1),
                match.end(1),
                match.group(1),
                sentence_of(match.start(1)),
                rule="acronym",
            )
        )
        known.add(match.group(1))
    if not found:
        return []
    # Later uses of the acronym in the same article name the same entity.
    acronyms = {mention.surface: mention for mention in found}
    pattern = re.compile(r"\b(" + "|".join(re.escape(a) for a in acronyms) + r")\b")
    taken = [(mention.start, mention.end) for mention in mentions + found]
    for match in pattern.finditer(text):
        if any(start <= match.start() < end for start, end in taken):
            continue
        owner = acronyms[match.group(1)]
        found.append(
            Mention(
                owner.type,
                owner.name,
                match.start(),
                match.end(),
                match.group(),
                sentence_of(match.start()),
                rule="acronym",
            )
        )
    return found


_COMPASS = WORDS.lists["compass_word"]


def _coordinated_regions(
    text: str, tokens: list[Token], mentions: list[Mention], gazetteer: Gazetteer
) -> list[Mention]:
    """'Central and South America' names Central America as well as South America."""
    found: list[Mention] = []
    by_start = {mention.start: mention for mention in mentions if mention.type == "region"}
    for k in range(len(tokens) - 2):
        first, joiner, second = tokens[k], tokens[k + 1], tokens[k + 2]
        if (
            first.lower not in _COMPASS
            or joiner.lower not in ("and", "or")
            or not first.text[0].isupper()
        ):
            continue
        region = by_start.get(second.start)
        if region is None or second.lower not in _COMPASS:
            continue
        tail = region.surface[len(second.text) :]
        candidate = f"{first.text}{tail}"
        for alias in gazetteer.index.get(first.lower, []):
            if alias.entity.type == "region" and " ".join(alias.key) == " ".join(
                t.lower for t in tokenize(candidate)
            ):
                found.append(
                    Mention(
                        "region",
                        alias.entity.name,
                        first.start,
                        first.end,
                        first.text,
                        region.sentence,
                        rule="coordination",
                    )
                )
                break
    return found


def _trigger_automaton():
    """Words that the rule-based finders start from, so they run only where one occurs."""
    import ahocorasick_rs

    kinds: dict[str, set[str]] = defaultdict(set)
    for word in _FACILITY_HEADS:
        kinds[word].add("facility")
    for word in (*_ORG_SUFFIXES, "administration"):
        kinds[word].add("organization")
    for word in (*_ROLE_WORDS, *_SPEECH_VERBS, "according"):
        kinds[word.replace("-", " ")].add("person")
    for word in _COMPASS:
        kinds[word.replace("-", " ")].add("compass")
    words = sorted(kinds)
    return ahocorasick_rs.AhoCorasick([" " + w for w in words]), [kinds[w] for w in words]


_TRIGGERS = None


def _triggers(view: str) -> dict[str, list[int]]:
    global _TRIGGERS
    if _TRIGGERS is None:
        _TRIGGERS = _trigger_automaton()
    automaton, kinds = _TRIGGERS
    padded = " " + view
    found: dict[str, list[int]] = defaultdict(list)
    for index, start, end in automaton.find_matches_as_indexes(padded, overlapping=True):
        if end == len(padded) or padded[end] == " ":
            for kind in kinds[index]:
                found[kind].append(start)
    return found


def find_mentions(text: str, sentences: list[Sentence], gazetteer: Gazetteer) -> list[Mention]:
    """Every entity mention in the cleaned text, sorted by position."""
    starts = [sentence.start for sentence in sentences]

    def sentence_of(offset: int) -> int:
        return max(bisect.bisect_right(starts, offset) - 1, 0)

    view = match_view(text)
    mentions = _gazetteer_mentions(text, view, gazetteer, sentence_of)
    triggers = _triggers(view)
    if triggers or "(" in text:
        # The rule finders look only near their trigger words, so only the sentences
        # holding one are tokenised; the text between them separates their names.
        tokens = [
            token
            for a, b in _sentences_with(triggers, sentences, sentence_of)
            for token in tokenize(text, a, b)
        ]
        token_starts = {token.start: index for index, token in enumerate(tokens)}
        covered = [False] * len(tokens)
        place_tokens: set[int] = set()
        for mention in mentions:
            index = token_starts.get(mention.start)
            while index is not None and index < len(tokens) and tokens[index].start < mention.end:
                covered[index] = True
                if mention.type == "region" and not mention.demonym:
                    place_tokens.add(index)
                index += 1
        if "facility" in triggers:
            mentions += _facility_mentions(text, tokens, covered, gazetteer, sentence_of)
        if "organization" in triggers:
            organizations = _org_mentions(text, tokens, covered, sentence_of, place_tokens)
            if organizations:
                # A place swallowed into an organisation's name is not a mention of its own.
                mentions = [
                    m
                    for m in mentions
                    if not any(o.start <= m.start and m.end <= o.end for o in organizations)
                ]
            mentions += organizations
        if "person" in triggers:
            token_offsets = [token.start for token in tokens]
            near = set()
            for offset in triggers["person"]:
                index = bisect.bisect_left(token_offsets, offset)
                near.update(range(max(0, index - 10), index + 6))
            mentions += _person_mentions(text, tokens, covered, sentence_of, near)
        mentions += _acronym_mentions(text, mentions, sentence_of)
        if "compass" in triggers:
            mentions += _coordinated_regions(text, tokens, mentions, gazetteer)
    mentions.sort(key=lambda mention: (mention.start, -mention.end))
    return mentions
