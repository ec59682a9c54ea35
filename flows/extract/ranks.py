"""Ranks in prose: ordinals that are places ("finished third", "the fifth-placed
Navara"), "best-selling" as first, and "followed by X" as the next place."""

from __future__ import annotations

import re

from flows.extract.numbers import NumberMatch
from flows.extract.sentence_reading import RANK_ONE, Candidate, SentenceReader, last_names

_RANK_AFTER = re.compile(
    r"^(?:-|\s)?(?:place|spot|position|placed|ranked|best(?:[- ]\s?)?sell(?:ing|er)|most[- ]popular|biggest[- ]selling|largest[- ]selling|top[- ]selling|most[- ]sold|most[- ]registered)\b",
    re.IGNORECASE,
)


FOLLOWED_BY = re.compile(r"\bfollowed\s+by\b", re.IGNORECASE)


def ordinal_is_rank(reader: SentenceReader, number: NumberMatch) -> bool:
    after = reader.text[number.end : number.end + 25]
    if _RANK_AFTER.match(after) or number.text.lower().startswith(("no", "number")):
        return True
    before = reader.words_before(number.start, 4)
    while before and before[-1] in reader.lexicon.words.rank_filler:
        before.pop()
    if before and before[-1] in reader.lexicon.words.rank_verb:
        following = [w[2] for w in reader.words_after(number.end, 1)]
        return not following or following[0] in (
            "and",
            "or",
            "with",
            "place",
            "spot",
            "in",
            "among",
            "on",
            "behind",
            "after",
            "overall",
            "respectively",
            "for",
            "last",
            "this",
            "at",
        )
    return False


def rank_words(reader: SentenceReader, claims: list[Candidate]) -> None:
    """'best-selling' and 'top-selling' are rank 1; 'followed by X' is the next rank."""
    text = reader.text
    taken = [c.number.start for c in claims if c.number is not None]
    for start in reader.rank_starts:
        match = RANK_ONE.match(text, start, reader.sentence.end)
        if match is None:
            continue
        before = text[max(reader.sentence.start, match.start() - 30) : match.start()].lower()
        if re.search(r"(one|some|among)\s+of\s+(the\s+)?(\w+\s+)?$", before) or re.search(
            r"(next|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|\d(st|nd|rd|th))[- ]$",
            before,
        ):
            continue
        if any(abs(start - match.start()) < 3 for start in taken):
            continue
        following = re.match(
            r"\s+(?:[\w-]+\s+){0,2}?(pickups|utes|trucks|models|vehicles|cars|bakkies|brands|nameplates)\b",
            text[match.end() : match.end() + 40],
            re.IGNORECASE,
        )
        if following:
            continue  # "the best-selling pickups in China:" introduces a list
        claims.append(
            Candidate(
                None, "sales_rank", "rank", 1.0, reader.clause_index(match.start()), match.start()
            )
        )
    for match in FOLLOWED_BY.finditer(text, reader.sentence.start, reader.sentence.end):
        previous = [c for c in claims if c.metric == "sales_rank" and c.position < match.start()]
        if not previous:
            continue
        entity_end = min(reader.sentence.end, match.end() + 60)
        stop = re.search(r"[,;.]|\band\b", text[match.end() : entity_end])
        if stop:
            entity_end = match.end() + stop.start()
        brand, model = last_names(reader, match.end(), entity_end)
        if brand or model:
            claims.append(
                Candidate(
                    None,
                    "sales_rank",
                    "rank",
                    previous[-1].value + 1,
                    reader.clause_index(match.start()),
                    match.start(),
                    ranked_entity=(brand, model),
                )
            )


def rank_span(text: str, position: int) -> tuple[int, int]:
    """Where the words that state a rank without a digit ("best-selling", "followed by")
    start and end."""
    match = RANK_ONE.match(text, position) or FOLLOWED_BY.match(text, position)
    if match:
        return match.start(), match.end()
    piece = text[position : position + 12].split(",")[0]
    start = position + len(piece) - len(piece.lstrip())
    return start, max(start, position + len(piece.rstrip()))
