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
import re
from collections import defaultdict

from flows.extract.gazetteer import FACILITY_HEADS, Gazetteer, GazetteerAlias
from flows.extract.mentions import Mention, tokenize
from flows.extract.name_rules import (
    COMPASS,
    ORG_SUFFIXES,
    ROLE_WORDS,
    SPEECH_VERBS_FOUND,
    acronym_mentions,
    coordinated_regions,
    facility_mentions,
    org_mentions,
    person_mentions,
)
from flows.extract.phrases import match_view
from flows.extract.segment import Sentence
from flows.reference import Reference


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


def _case_ok(alias: GazetteerAlias, surface: str, plural: bool = False) -> bool:
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
    aliases: list[GazetteerAlias],
    previous: str,
    sentence_brands: set[str],
    article_brands: set[str],
    us_context: bool,
    reference: Reference,
) -> GazetteerAlias | None:
    """Pick one entity for an alias that names several (or needs its brand)."""

    def brand_present(alias: GazetteerAlias, brands: set[str]) -> bool:
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


def _alias_spans(text: str, view: str, gazetteer: Gazetteer):
    """Where names of the gazetteer occur, with the aliases each span may be."""
    spans: list[tuple[int, int, list[tuple[GazetteerAlias, bool, int]]]] = []
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
    return spans


def _brand_context(spans, reference, sentence_of):
    """Which brands each sentence and the article name plainly, and whether the
    article is about the US: what decides an ambiguous name ("Ranger", "Colorado")."""
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
    return plain_brands, article_brands, us_context


def _gazetteer_mentions(text: str, view: str, gazetteer: Gazetteer, sentence_of) -> list[Mention]:
    reference = gazetteer.reference
    spans = _alias_spans(text, view, gazetteer)
    plain_brands, article_brands, us_context = _brand_context(spans, reference, sentence_of)
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


def _trigger_automaton():
    """Words that the rule-based finders start from, so they run only where one occurs."""
    import ahocorasick_rs

    kinds: dict[str, set[str]] = defaultdict(set)
    for word in FACILITY_HEADS:
        kinds[word].add("facility")
    for word in (*ORG_SUFFIXES, "administration"):
        kinds[word].add("organization")
    for word in (*ROLE_WORDS, *SPEECH_VERBS_FOUND, "according"):
        kinds[word.replace("-", " ")].add("person")
    for word in COMPASS:
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
            mentions += facility_mentions(text, tokens, covered, gazetteer, sentence_of)
        if "organization" in triggers:
            organizations = org_mentions(text, tokens, covered, sentence_of, place_tokens)
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
            mentions += person_mentions(text, tokens, covered, sentence_of, near)
        mentions += acronym_mentions(text, mentions, sentence_of)
        if "compass" in triggers:
            mentions += coordinated_regions(text, tokens, mentions, gazetteer)
    mentions.sort(key=lambda mention: (mention.start, -mention.end))
    return mentions
