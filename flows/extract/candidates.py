"""A sentence's numbers as candidates: levels that are claims ("sold 5,384
Rangers"), changes ("up 12%"), baselines ("up from 12,231"), shares and ranks,
and the numbers that are none of these (years, specs, fees, workers).

Each number is classed by the words around it: the noun it counts, the verb
that governs it, the cue words of `seeds/reference/metric_cues.csv`.
"""

from __future__ import annotations

import re

from flows.extract.mentions import Mention
from flows.extract.numbers import NumberMatch
from flows.extract.periods import PeriodMatch
from flows.extract.ranks import ordinal_is_rank, rank_words
from flows.extract.sentence_reading import COUNT_METRICS, Candidate, Cue, NounPhrase, SentenceReader
from flows.extract.words import MONTH_NAMES

# "made up 2.1% of sales" is a share, not a rise.
_PHRASAL_UP = re.compile(
    r"\b(?:made|make|makes|making|took|take|takes|taking)\s+up\s+(?:just\s+|only\s+|about\s+|around\s+|nearly\s+)?$",
    re.IGNORECASE,
)


_BASELINE_BEFORE = re.compile(
    r"(?:\b(?:up|down|rising|climbing|falling|growing|jumping|increasing|decreasing|dropping|rebounding)\s+from"
    r"|\bcompared\s+(?:with|to)|\bversus|\bvs\.?|\bagainst|\bfrom|\btimes)"
    r"\s+(?:the\s+)?(?:about\s+|around\s+|nearly\s+|just\s+|some\s+|roughly\s+)?$",
    re.IGNORECASE,
)


_PRICE_CUES = re.compile(
    r"\b(?:(?:priced|price[sd]?|pricing)(?:\s+(?:at|from|of|for))?|starts?\s+(?:at|from)|starting\s+(?:at|from)|costs?|costing|msrp|rrp|retails?\s+(?:for|at)|sticker|drive[- ]away|driveaway|sells?\s+for|selling\s+for|went\s+for|goes\s+for|list\s+price|base\s+price|from)\s+(?:(?:just|about|around|roughly|approximately|nearly|almost|under|over|an?|between)\s+){0,2}$",
    re.IGNORECASE,
)


_PRICE_AFTER = re.compile(
    r"^\s*(?:msrp|rrp|before\s+on[- ]road|drive[- ]away|driveaway|plus\s+on[- ]road|\(?\s*excluding"
    r"|(?:starting|base|sticker|list|entry|launch)\s+price|price\s*tag|price\b)",
    re.IGNORECASE,
)


# Money that is a fee, tax or subsidy, not the price of a vehicle.
_NOT_PRICE_AFTER = re.compile(
    r"^\s*(?:\w+\s+)?(?:destination|delivery|freight|charge|fee|fees|tax|credit|rebate|incentive|discount|subsidy|tariff|deposit|surcharge|investment|loss|profit|revenue|fine|bonus|budget)\b",
    re.IGNORECASE,
)


_BARE_LINK = re.compile(
    r"(?:\b(?:on|with|at|managed|recorded|added|had|took|posted|logged|notched|reached|totalled|totaled|hit|tallied|scored)\s+(?:just\s+|about\s+|around\s+|nearly\s+|some\s+|over\s+|more\s+than\s+)?|^\s*)$",
    re.IGNORECASE,
)


_MONTH_ON_MONTH = re.compile(
    r"^\s*(?:month[- ]on[- ]month|mom\b|m-o-m|sequentially|from\s+(?:the\s+)?previous\s+month"
    r"|(?:compared\s+(?:with|to)|over|from|on)\s+(?:the\s+previous\s+month|last\s+month|"
    + MONTH_NAMES
    + r"))",
    re.IGNORECASE,
)


_YEAR_ON_YEAR = re.compile(
    r"^\s*(?:year[- ]on[- ]year|year[- ]over[- ]year|yoy\b|y-o-y|y/y|from\s+a\s+year\s+(?:earlier|ago)"
    r"|(?:compared\s+(?:with|to)|over|from|on)\s+(?:the\s+same\s+(?:period|month|quarter)|a\s+year))",
    re.IGNORECASE,
)


def change_basis(text: str, number: NumberMatch) -> str | None:
    """Against what a change is stated: 'yoy' (a year before), 'mom' (the month before)."""
    after = text[number.end : number.end + 45]
    if _YEAR_ON_YEAR.match(after):
        return "yoy"
    if _MONTH_ON_MONTH.match(after):
        return "mom"
    return None


_SPACES = re.compile(r"\s+")
_PHRASE_BREAK = re.compile(r"[,;:.()—–]")
_CLAUSE_PUNCTUATION = re.compile(r"[,;:.]")


def noun_phrase(reader: SentenceReader, number: NumberMatch) -> NounPhrase:
    """What a number counts: the noun after it ("14,313 registrations", "2,000 RD6 units")."""
    lexicon = reader.lexicon
    text = reader.text
    models: list[Mention] = []
    position = number.end
    first_unknown: tuple[str, int] | None = None
    noun: str | None = None
    kind: str | None = None
    end = number.end
    for start, stop, word in reader.words_after(number.end, 8):
        if _PHRASE_BREAK.search(text, position, start):
            break
        mention = next(
            (
                m
                for m in reader.mentions
                if m.start <= start < m.end and m.type in ("model", "manufacturer")
            ),
            None,
        )
        if mention is not None:
            if mention.type == "model" and mention not in models:
                models.append(mention)
            position = max(stop, mention.end)
            end = position
            continue
        if start < position:
            continue
        counted = _count_noun_at(lexicon, text, start)
        if counted is not None:
            noun, kind, end = counted
            break
        folded = lexicon._fold(word)
        if folded in lexicon.metric_by_phrase and lexicon.metric_by_phrase[folded][1] == "noun":
            noun, kind, end = word, "metric", stop
            break
        if any(s <= start < e for s, e, _ in reader.powertrain_cues):
            position = stop
            continue
        folded_word = lexicon._fold(word)
        if (
            folded_word in lexicon.metric_by_phrase
            and lexicon.metric_by_phrase[folded_word][1] == "verb"
        ):
            break  # "16,530 registered": the verb is what the number did
        if word == "of" and first_unknown is None and noun is None:
            position = stop
            continue  # "3,300 of the electric trucks"
        if word == "and" and any(
            m.start > stop and m.type == "model" and m.start - stop < 3 for m in reader.mentions
        ):
            position = stop
            continue  # "7,650 Silverado EV and Sierra EV pickups"
        if word in lexicon.words.noun_phrase_stop:
            break
        if first_unknown is None:
            first_unknown = (word, stop)
        position = stop
    if noun is None and models:
        kind, end = "vehicle", end
    elif noun is None and first_unknown is not None:
        noun = first_unknown[0]
    verb_after = None
    if kind in ("vehicle", "metric") or models or noun is None:
        verb_after = _verb_after(reader, end)
    return NounPhrase(noun, kind, end, models, verb_after)


def _count_noun_at(lexicon, text: str, start: int) -> tuple[str, str, int] | None:
    """The longest count noun of the lexicon starting at `start` ("units", "new
    vehicles"): the noun, its kind and where it ends."""
    words = _SPACES.sub(" ", text[start : start + 60]).lower().split(" ")
    for size in range(lexicon.max_noun_words, 0, -1):
        phrase = words[:size]
        candidate = " ".join(phrase).strip(".,;:)(\"'”’")
        if candidate in lexicon.count_nouns:
            end = start + len(" ".join(phrase).rstrip(".,;:)(\"'”’"))
            return candidate, lexicon.count_nouns[candidate], end
    return None


def _verb_after(reader: SentenceReader, end: int) -> Cue | None:
    """A sales verb just after a noun phrase ("7,100 were delivered")."""
    for cue in reader.cues:
        if (
            cue.kind == "verb"
            and cue.start >= end
            and len(reader.text[end : cue.start].split()) <= 3
            and not _CLAUSE_PUNCTUATION.search(reader.text, end, cue.start)
        ):
            return cue
    return None


_BASIS_WORDS = frozenset(
    ("year-on-year", "year-over-year", "yoy", "y-o-y", "month-on-month", "month-over-month", "mom")
)


_COUNTED_WORDS = frozenset(("sales", "registrations", "deliveries", "volume", "volumes", "exports"))


def _coordinated_change(
    reader: SentenceReader, previous: tuple[NumberMatch, float], number: NumberMatch
) -> float | None:
    """'declines of 41.2% and 27.4%': a percent joined to a change is a change the same way."""
    before, change = previous
    if not _COORDINATED.match(reader.text[before.end : number.start]):
        return None
    return -abs(number.value) if change < 0 else number.value


_COORDINATED = re.compile(r"^\s*(?:,\s*|,?\s*and\s+|,?\s*or\s+)$")


def _change_value(reader: SentenceReader, number: NumberMatch) -> float | None:
    """The signed change if a percent is a change ("up 12%", "a 68% jump")."""
    before = reader.words_before(number.start, 3)
    after = [w[2] for w in reader.words_after(number.end, 5)]
    # "a 42.5% year-on-year (YoY) decline": the basis stands between number and noun.
    while after and (after[0] in _BASIS_WORDS or after[0] in _COUNTED_WORDS):
        after.pop(0)  # "the 13% sales drop": the counted noun too
    if before and before[-1] == "to":
        return None  # "climbed to 41.2%": the new level, not the change
    if _PHRASAL_UP.search(
        reader.text[max(reader.sentence.start, number.start - 30) : number.start]
    ):
        return None
    if not (
        any(word in reader.lexicon.words.change_before for word in before)
        or (after and after[0] in reader.lexicon.words.change_after)
    ):
        return None
    if (
        before
        and before[-1] == "by"
        and not any(word in reader.lexicon.words.change_before - {"by"} for word in before)
    ):
        return None
    negative = any(word in reader.lexicon.words.negative_change for word in before) or (
        after and after[0] in reader.lexicon.words.negative_change
    )
    return -abs(number.value) if negative else number.value


_SHARE_OF = re.compile(
    r"^\s*of\s+(?:the\s+|all\s+|total\s+|its\s+|their\s+)?(?:[\w.,'-]+\s+){0,4}?(?:pickups?|utes?|trucks?|vehicles?|cars?|sales|registrations|market|segment|buyers|deliveries|bakkies|purchases)\b",
    re.IGNORECASE,
)


# "Of those sales, however, 61% were Chinese": a part of the figure before.
PARTITIVE = re.compile(
    r"\s*(?:but\s+|and\s+)?of\s+(?:those|these|them|this|that|which|the\s+total)\b", re.IGNORECASE
)


def _is_share(reader: SentenceReader, number: NumberMatch) -> bool:
    if _SHARE_OF.match(reader.text[number.end : number.end + 80]):
        return True
    if PARTITIVE.match(reader.text, reader.sentence.start, number.start):
        return True
    window_start = max(reader.sentence.start, number.start - 30)
    window_end = min(reader.sentence.end, number.end + 45)
    for cue in reader.cues:
        if cue.kind == "share" and window_start <= cue.start < window_end:
            between = (
                reader.text[number.end : cue.start]
                if cue.start >= number.end
                else reader.text[cue.end : number.start]
            )
            if len(between) < 45 and not re.search(r"\d", between):
                return True
    return False


def _adjacent_verb(
    reader: SentenceReader, number: NumberMatch, clause: tuple[int, int]
) -> Cue | None:
    """A sales verb governing the number: 'sold over 3,500', 'registered nearly 23,500'."""
    best = None
    for cue in reader.cues:
        if cue.kind != "verb" or not (clause[0] <= cue.start < number.start):
            continue
        between = reader.text[cue.end : number.start].lower().split()
        if len(between) <= 4 and all(
            word.strip("$") in reader.lexicon.words.between_verb_and_number for word in between
        ):
            best = cue
    return best


def nearest_cue(
    reader: SentenceReader, position: int, span: tuple[int, int], kinds: tuple[str, ...]
) -> Cue | None:
    best = None
    for cue in reader.cues:
        if cue.kind not in kinds or not (span[0] <= cue.start < span[1]):
            continue
        distance = position - cue.end if cue.end <= position else (cue.start - position) * 1.5
        if best is None or distance < best[0]:
            best = (distance, cue)
    return best[1] if best else None


_LIST_OPEN = re.compile(r"^\s*\(\s*$")


def _bare_after_name(reader: SentenceReader, number: NumberMatch, clause: tuple[int, int]) -> bool:
    """'the HiLux on 48,310', 'the GWM Cannon managed 655', 'the Mitsubishi Triton 734',
    'Toyota Hilux (2 793)', 'Xinjiang (20,946)': a figure standing for a name."""
    names = reader.mentions_in(("model", "manufacturer", "region"), clause[0], number.start)
    if not names:
        return False
    gap = reader.text[max(m.end for m in names) : number.start]
    if _LIST_OPEN.match(gap):
        return True  # "Name (N)", as ranked lists write it
    names = [m for m in names if m.type != "region"]
    if not names:
        return False
    lead = reader.text[max(clause[0], number.start - 40) : number.start]
    if _BARE_LINK.search(lead) and re.search(
        r"\b(?:on|with|at|managed|recorded|added|had|took|posted|logged|notched|reached|totalled|totaled|hit|tallied|scored)\s+\S*\s*$",
        lead,
        re.IGNORECASE,
    ):
        return True
    return reader.text[max(m.end for m in names) : number.start].strip() == ""


def read_candidates(
    reader: SentenceReader, context_metric: str | None
) -> tuple[
    list[Candidate], list[tuple[NumberMatch, float]], list[tuple[NumberMatch, PeriodMatch | None]]
]:
    """Level claims, changes and baselines of one sentence."""
    claims: list[Candidate] = []
    changes: list[tuple[NumberMatch, float]] = []
    baselines: list[tuple[NumberMatch, PeriodMatch | None]] = []
    sentence = reader.sentence
    for number in reader.numbers:
        clause_index = reader.clause_index(number.start)
        clause = reader.clauses[clause_index]
        target = reader.has_kind("target_modifier", clause[0], clause[1])
        lead = reader.text[max(sentence.start, number.start - 30) : number.start]
        if number.kind == "percent":
            if _BASELINE_BEFORE.search(lead) and claims and claims[-1].unit == "percent":
                baselines.append((number, None))
                continue
            share = _is_share(reader, number)
            change = _change_value(reader, number)
            if change is None and changes and not share:
                change = _coordinated_change(reader, changes[-1], number)
            if change is not None and not share:
                changes.append((number, change))
            elif share or (change is None and reader.has_kind("share", clause[0], clause[1])):
                metric = "market_share_target" if target else "market_share"
                claims.append(
                    Candidate(number, metric, "percent", number.value, clause_index, number.start)
                )
            continue
        if number.kind == "money":
            tail = reader.text[number.end : number.end + 40]
            if _NOT_PRICE_AFTER.match(tail):
                continue
            noun = noun_phrase(reader, number)
            if _PRICE_CUES.search(lead) or _PRICE_AFTER.match(tail) or noun.kind == "vehicle":
                if _BASELINE_BEFORE.search(lead) and claims and claims[-1].unit == number.currency:
                    baselines.append((number, None))
                    continue
                claims.append(
                    Candidate(
                        number,
                        "price",
                        number.currency or "USD",
                        number.value,
                        clause_index,
                        number.start,
                        noun=noun,
                    )
                )
            continue
        if number.kind == "ordinal":
            if _ranked_ordinal(reader, number, claims):
                claims.append(
                    Candidate(
                        number, "sales_rank", "rank", number.value, clause_index, number.start
                    )
                )
            continue
        if number.kind != "count":
            continue
        if _BASELINE_BEFORE.search(lead) and any(c.unit == "units" for c in claims):
            following = [p.match for p in reader.periods if 0 <= p.match.start - number.end <= 6]
            baselines.append((number, following[0] if following else None))
            continue
        candidate = _count_candidate(
            reader, number, clause, clause_index, target, claims, context_metric
        )
        if candidate is not None:
            claims.append(candidate)
    rank_words(reader, claims)
    return claims, changes, baselines


def _ranked_ordinal(reader: SentenceReader, number: NumberMatch, claims: list[Candidate]) -> bool:
    """Whether an ordinal is a place: after a rank verb, or joined to a rank before it
    ("sixth and eighth", "first in pickups and third in overall LCV sales")."""
    previous_rank = next(
        (c for c in reversed(claims) if c.metric == "sales_rank" and c.number is not None),
        None,
    )
    if previous_rank is None:
        return ordinal_is_rank(reader, number)
    gap = reader.text[previous_rank.number.end : number.start]
    named_between = reader.mentions_in(
        ("model", "manufacturer"), previous_rank.number.end, number.start
    )
    coordinated = (
        re.fullmatch(r",?\s*(?:and|or|,)\s*", gap)
        # "ranked first in pickup sales and third in overall LCV sales"
        or (re.fullmatch(r"\s+in\s+[\w\s-]{1,40}?\s+and\s+", gap) and not named_between)
        or (
            re.search(r"(?:,|;)?\s+(?:and|while)\s+(?:the\s+)?", gap)
            and named_between
            and reader.text[named_between[-1].end : number.start].strip() == ""
        )
    )
    return bool(coordinated) or ordinal_is_rank(reader, number)


_UNSOLD = re.compile(r"\bunsold\b", re.IGNORECASE)


# A sales verb in the past: the figure happened ("sold", "delivered", "registered").
_DONE = re.compile(r"(?:having\s+)?(?:sold|sent|shipped|moved|built|made|\w+ed)", re.IGNORECASE)


def _governing_word(reader: SentenceReader, number: NumberMatch) -> str | None:
    """The word before a number once qualifiers are skipped ('recalling 46,096')."""
    for word in reversed(reader.words_before(number.start, 5)):
        if word not in reader.lexicon.words.between_verb_and_number:
            return word
    return None


def _count_candidate(
    reader, number, clause, clause_index, target, claims, context_metric
) -> Candidate | None:
    noun = noun_phrase(reader, number)
    before = reader.words_before(number.start, 3)
    if _governing_word(reader, number) in reader.lexicon.words.not_market_verb:
        return None  # "recalling 46,096 Cybertrucks", "hire 2,000 workers"
    if noun.noun is not None and _UNSOLD.search(reader.text, number.end, noun.end):
        return None  # "an inventory of about 2,400 unsold new Cybertrucks"
    if noun.kind == "other":
        return None
    if noun.kind == "buyer" and not any(word in reader.lexicon.words.buyer_verb for word in before):
        return None
    bare = noun.noun is None and noun.kind is None and _bare_after_name(reader, number, clause)
    if noun.kind is None and noun.noun is not None:
        # "500 workers", "48 consecutive years": a noun we do not count.
        return None
    if noun.kind is None and not bare and number.value < 100:
        return None
    cue = None
    if noun.kind == "metric":
        folded = reader.lexicon._fold(noun.noun)
        cue = Cue(number.end, noun.end, reader.lexicon.metric_by_phrase[folded][0], "noun", folded)
    cue = cue or _adjacent_verb(reader, number, clause) or noun.verb_after
    cue = (
        cue
        or nearest_cue(reader, number.start, clause, ("noun",))
        or nearest_cue(
            reader, number.start, (reader.sentence.start, reader.sentence.end), ("noun",)
        )
    )
    if noun.kind == "buyer":
        cue = cue or Cue(number.start, number.end, "sales", "verb", "found")
    if cue is not None:
        metric, verb = cue.metric, cue.phrase
    elif target and (noun.kind == "vehicle" or bare):
        metric, verb = "sales", None
    elif noun.kind in ("vehicle",) or bare or _dated_figure(reader, number):
        previous = next((c for c in reversed(claims) if c.metric in COUNT_METRICS), None)
        metric = previous.metric if previous else context_metric
        verb = None
        if metric is None:
            return None
    else:
        return None
    via_modifier = False
    if metric in ("sales",) and reader.has_kind("export_modifier", clause[0], clause[1]):
        metric, via_modifier = "exports", True
    aimed = reader.has_kind("target_modifier", max(clause[0], number.start - 25), number.start)
    if target and metric in COUNT_METRICS and (aimed or not (verb and _DONE.fullmatch(verb))):
        # "nowhere near that target, with Tesla having sold 16,000": done, not aimed at
        metric = "sales_target"
    return Candidate(
        number,
        metric,
        "units",
        number.value,
        clause_index,
        number.start,
        verb=verb,
        via_modifier=via_modifier,
        noun=noun,
    )


_FIGURE_WORD = re.compile(r"\b(?:figure|total|tally|volume)s?\b", re.IGNORECASE)


def _dated_figure(reader: SentenceReader, number: NumberMatch) -> bool:
    """'The yearly figure fell from 42,619 in 2019 to 38,117 in 2020': a bare number
    with a period of its own, in a sentence about a figure named before."""
    dated = any(0 <= p.match.start - number.end <= 5 for p in reader.periods)
    return dated and bool(_FIGURE_WORD.search(reader.text, reader.sentence.start, number.start))
