"""Whom a figure is about: the brand and model a claim's clause, sentence or the
sentences before name, and when a figure belongs to no one maker."""

from __future__ import annotations

import re

from flows.extract.sentence_reading import (
    COUNT_METRICS,
    TARGET_METRICS,
    Candidate,
    Lexicon,
    SentenceReader,
    first_names,
    last_names,
    names_in,
)

# "Nissan's plant": a brand that qualifies another noun is not the subject.
_POSSESSIVE_OF_OTHER = re.compile(r"'s?\s+(?:own\s+)?[a-z]")


_COMBINED = re.compile(r"\b(?:combined|together|between\s+them)\b", re.IGNORECASE)


# A number about a brand named after a model ("the Rexton added 7,215, giving KGM 60%").
_BRAND_LEVEL = ""


_AGGREGATE = re.compile(
    r"\b(?:overall|in\s+total|total|combined|brand[- ]wide|across\s+(?:its|the)\s+(?:range|lineup|line-up))\b",
    re.IGNORECASE,
)


_NAME_AFTER = re.compile(
    r"^\s*(?:of|by|for|from|achieved\s+by|posted\s+by|were|was)\s+(?:the\s+|its\s+)?"
    r"(?:[\w-]+\s+){0,2}?$",
    re.IGNORECASE,
)


_PRONOUN_SUBJECT = re.compile(r"\b(?:it|its|it's)\b", re.IGNORECASE)


_PLACED = re.compile(r"[- ]?(?:placed|ranked|place)\s+(?:the\s+)?", re.IGNORECASE)


def _subject_before(
    reader: SentenceReader, start: int, position: int
) -> tuple[str | None, str | None]:
    """The brand and model a number is about, from the names before it.

    The nearest name wins. A brand that comes after a model is the model's
    maker only when it is attached to it ("the Musso EV from KG Mobility");
    otherwise the number is about the brand ("..., giving KG Mobility 60%").
    """
    found = [
        m
        for m in names_in(reader, start, position)
        if not (
            m.type == "manufacturer"
            and _POSSESSIVE_OF_OTHER.match(reader.text, m.end)
            and not any(x.type == "model" and 0 < x.start - m.end < 4 for x in reader.mentions)
        )
    ]
    if not found:
        return None, None
    last = found[-1]
    if (
        last.type == "model"
        and len(found) > 1
        and found[-2].type == "model"
        and re.fullmatch(r"\s*(?:and|&|,)\s*", reader.text[found[-2].end : last.start])
        and _COMBINED.search(reader.text, last.end, min(position + 1, reader.sentence.end))
    ):
        # "GM's Silverado and Sierra combined for 93,000": the brand's total.
        brands = [m for m in found if m.type == "manufacturer"]
        return (brands[-1].name if brands else None), None
    if last.type == "model":
        # The brand may be a prefix of the model's own name ("The Fiat Strada").
        brands = [
            m
            for m in reader.mentions_in(("manufacturer",), start, position)
            if m.start <= last.start
        ]
        return (brands[-1].name if brands else last.owner), last.name
    models = [m for m in found[:-1] if m.type == "model"]
    if models and re.fullmatch(
        r"\s*(?:,\s*)?(?:from|by|of|made\s+by|built\s+by)\s+(?:the\s+)?|\s*'s\s+|\s*\(\s*",
        reader.text[models[-1].end : last.start],
    ):
        return last.name, models[-1].name
    return last.name, _BRAND_LEVEL if models else None


def reconcile(
    lexicon: Lexicon, manufacturer: str | None, model: str | None
) -> tuple[str | None, str | None]:
    """A model's own brand wins over a group named beside it ("Geely's Radar RD6")."""
    if model:
        return lexicon.model_brand(model, manufacturer) or manufacturer, model
    return manufacturer, model


class SubjectReading:
    """The subject rules of `claims._Article` (a mixin: they read its context)."""

    def _entity(
        self, reader, candidate, clause, index, candidates, respectively, claims, previous
    ) -> tuple[str | None, str | None]:
        if candidate.ranked_entity is not None:
            return candidate.ranked_entity
        if id(candidate) in respectively:
            return respectively[id(candidate)]
        position = candidate.position
        noun = candidate.noun
        if noun is not None and noun.models:
            brand, _ = _subject_before(reader, clause[0], position)
            if len({m.name for m in noun.models}) > 1:
                return brand or self.lexicon.model_brand(noun.models[0].name), None
            return brand, noun.models[0].name
        named_after = self._subject_after(reader, candidate, clause)
        if named_after is not None:
            return named_after
        if candidate.metric == "sales_rank" and candidate.number is not None:
            placed = _PLACED.match(self.text, candidate.number.end)
            if placed:  # "the fifth-placed Nissan Navara"
                brand, model = first_names(reader, placed.end(), min(clause[1], placed.end() + 40))
                if brand or model:
                    return reconcile(self.lexicon, brand, model)
        if re.match(
            r"\s*(?:which|who|that)\b", reader.text[clause[0] : clause[0] + 8], re.IGNORECASE
        ):
            # "..., ahead of the Toyota Hilux, which sold 4,950 units": the name before the clause.
            brand, model = _subject_before(reader, reader.sentence.start, clause[0])
            if brand or model:
                return brand, model
        if self._several_makers(reader, clause[0], position):
            return None, None
        brand, model = _subject_before(reader, clause[0], position)
        if brand or model:
            return brand, model
        if clause[0] > reader.sentence.start and _PRONOUN_SUBJECT.search(
            self.text, clause[0], position
        ):
            # "Toyota's RAV4 was third – however it is out of the race with 39,519": "it" is
            # the subject the sentence opened with.
            brand, model = first_names(reader, reader.sentence.start, clause[0])
            if brand or model:
                return reconcile(self.lexicon, brand, model)
        if candidate.metric == "sales_rank":
            brand, model = first_names(reader, position, clause[1])
            if brand or model:
                return brand, model
        if (
            claims
            and previous is not None
            and not reader.mentions_in(("model", "manufacturer"), previous.position, position)
        ):
            # "targeting 90,000 sales and a 7% share": one subject, two numbers.
            return claims[-1].manufacturer, claims[-1].model
        if not any(c.position < position for c in candidates[:index]):
            if self._several_makers(reader, reader.sentence.start, position):
                return None, None
            return _subject_before(reader, reader.sentence.start, position)
        return None, None

    def _several_makers(self, reader: SentenceReader, start: int, position: int) -> bool:
        """'five carmakers — Hyundai, Kia, GM Korea, Renault Korea and KGM — sold a combined
        13,475': a figure of several makers together belongs to none of them."""
        if position - start < 2:
            return False
        makers = {m.name for m in reader.mentions_in(("manufacturer",), start, position)}
        models = reader.mentions_in(("model",), start, position)
        combined = _AGGREGATE.search(reader.text, start, position + 40)
        return not models and (len(makers) >= 3 or (len(makers) == 2 and bool(combined)))

    def _subject_after(self, reader, candidate, clause) -> tuple[str | None, str | None] | None:
        """'the 9,562 sales of the second-placed Toyota Hilux', '7,785 units achieved by the
        Ford Ranger', 'of which 7,100 were Cybertrucks': the name after the figure."""
        if candidate.number is None:
            return None
        end = candidate.noun.end if candidate.noun is not None else candidate.number.end
        mentions = reader.mentions_in(("model", "manufacturer"), end, clause[1])
        if not mentions or not _NAME_AFTER.match(self.text[end : mentions[0].start]):
            return None
        name_end = mentions[0].end
        for mention in mentions[1:]:  # "the Ford Ranger": the brand and the model after it
            if self.text[name_end : mention.start].strip():
                break
            name_end = max(name_end, mention.end)
        brand, model = last_names(reader, mentions[0].start, name_end + 1)
        return reconcile(self.lexicon, brand, model)

    def _carried_model(
        self, reader: SentenceReader, candidate: Candidate, clause: tuple[int, int], brand: str
    ) -> str | None:
        """The brand's model named earlier in the sentence or just before it, when the number is about it."""
        if candidate.number is None or _AGGREGATE.search(reader.text[clause[0] : clause[1]]):
            return None
        if (
            candidate.noun is not None
            and candidate.noun.noun in self.lexicon.words.generic_vehicle_plural
        ):
            return None  # "Ram sold 117,910 pickups": the brand's total, not one model
        lineage_of = self.reference.manufacturer_lineage
        earlier = [
            m.name
            for m in reader.mentions_in(("model",), reader.sentence.start, candidate.position)
            if brand in lineage_of(self.lexicon.model_brand(m.name, brand))
        ]
        if earlier:
            return earlier[-1]
        if candidate.metric in COUNT_METRICS + TARGET_METRICS:
            carried = self.ctx.carried(reader.sentence, "model", reach=1)
            if carried and brand == self.lexicon.model_brand(carried, brand):
                return carried
        return None
