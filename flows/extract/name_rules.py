"""Names the reference data does not list, found by how news writes them: people
("CEO Jane Doe", "Jane Doe, an analyst at …, said"), organisations ("… Association",
"… Consultants"), plants ("the Dearborn truck plant"), acronyms defined in the
text ("the Korea Automobile & Mobility Association (KAMA)") and compass-qualified
regions ("northern and eastern China")."""

from __future__ import annotations

import re

from flows.extract.gazetteer import FACILITY_HEADS, Gazetteer, facility_key
from flows.extract.mentions import Mention, Token, tokenize
from flows.extract.words import WORDS

ROLE_WORDS = WORDS.lists["role_word"]


SPEECH_VERBS_FOUND = WORDS.lists["speech_verb"]


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


def person_mentions(
    text: str, tokens: list[Token], covered: list[bool], sentence_of, near: set[int]
) -> list[Mention]:
    mentions: list[Mention] = []
    for i, j in _name_runs(text, tokens, covered, near):
        start, end = tokens[i].start, tokens[j - 1].end
        before = [token.lower for token in tokens[max(0, i - 8) : i]]
        between = text[tokens[max(0, i - 8)].start : start] if i else ""
        after_text = text[end : end + 60]
        role_before = any(word in ROLE_WORDS for word in before) and not re.search(
            r"[.;:!?]", between
        )
        directly_after_role = i > 0 and tokens[i - 1].lower in ROLE_WORDS
        after_words = re.findall(r"[A-Za-z']+", after_text)[:6]
        speech_after = bool(after_words) and after_words[0].lower() in SPEECH_VERBS_FOUND
        role_after = after_text.startswith(", ") and any(
            word.lower() in ROLE_WORDS for word in after_words
        )
        speech_before = i > 0 and tokens[i - 1].lower in {"according"} | SPEECH_VERBS_FOUND
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


ORG_SUFFIXES = WORDS.lists["organisation_suffix"]


_ORG_JOINERS = {"of", "and", "for", "&", "the", "on"}


def org_mentions(
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
        if token.lower not in ORG_SUFFIXES or not token.text[0].isupper():
            continue
        i = _org_name_start(text, tokens, covered, place_tokens, k)
        end = _org_name_end(text, tokens, covered, place_tokens, k)
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


def _org_name_start(text, tokens, covered, place_tokens, k: int) -> int:
    """The first token of an organisation's name ending at its suffix: capitalised
    words to the left, through joiners ("Federation of Korean ... Association")."""
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
    return i


def _org_name_end(text, tokens, covered, place_tokens, k: int) -> int:
    """One past the last token: "Chamber of Automotive Manufacturers of the Philippines"
    grows to the right through "of (the) Capitalised ..." runs, places included."""
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
    return end


def facility_mentions(
    text: str, tokens: list[Token], covered: list[bool], gazetteer: Gazetteer, sentence_of
) -> list[Mention]:
    """Plants named by place and kind: 'the Dearborn truck plant', 'its Rouge EV hub'."""
    mentions: list[Mention] = []
    for k, token in enumerate(tokens):
        if token.lower not in FACILITY_HEADS or covered[k]:
            continue
        first = k
        while first > 0 and k - first < 5 and not covered[first - 1]:
            gap = text[tokens[first - 1].end : tokens[first].start]
            if gap not in (" ", "-"):
                break
            first -= 1
        for i in range(first, k):
            key = facility_key([t.text for t in tokens[i : k + 1]])
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


def acronym_mentions(text: str, mentions: list[Mention], sentence_of) -> list[Mention]:
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


COMPASS = WORDS.lists["compass_word"]


def coordinated_regions(
    text: str, tokens: list[Token], mentions: list[Mention], gazetteer: Gazetteer
) -> list[Mention]:
    """'Central and South America' names Central America as well as South America."""
    found: list[Mention] = []
    by_start = {mention.start: mention for mention in mentions if mention.type == "region"}
    for k in range(len(tokens) - 2):
        first, joiner, second = tokens[k], tokens[k + 1], tokens[k + 2]
        if (
            first.lower not in COMPASS
            or joiner.lower not in ("and", "or")
            or not first.text[0].isupper()
        ):
            continue
        region = by_start.get(second.start)
        if region is None or second.lower not in COMPASS:
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
