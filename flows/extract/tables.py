"""Figures in tables: Markdown and pipe tables with a header row, and tables
flattened to a line of names and a line of figures."""

from __future__ import annotations

import re

from flows.extract.claim_record import Claim
from flows.extract.numbers import find_numbers
from flows.extract.periods import find_periods
from flows.extract.sentence_reading import (
    COUNT_METRICS,
    Lexicon,
    SentenceView,
    last_names,
    names_in,
)
from flows.extract.subjects import reconcile
from flows.extract.words import MONTH_NAMES

_RANK_HEADER = re.compile(r"^\s*(?:rank|#|no\.?|pos\.?|position|place)\s*$", re.IGNORECASE)


_CHANGE_HEADER = re.compile(
    r"yoy|y/y|y-o-y|change|growth|\bvs\b|%|mom|year-on-year|year-over-year|diff", re.IGNORECASE
)


_SHARE_HEADER = re.compile(r"\bshare\b", re.IGNORECASE)


_COUNT_HEADER = re.compile(
    r"sales|registrations?|deliveries|exports|orders|production|units|volume|total|ytd|sold|"
    + MONTH_NAMES
    + r"|\b(?:19|20)\d\d\b|\bq[1-4]\b|\bh[12]\b",
    re.IGNORECASE,
)


def _cells(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Spans of the cells of a "| a | b |" (or "a | b |") row, without padding."""
    cells = []
    row = text[start:end]
    if not row.lstrip().startswith("|"):
        first = row.index("|")
        inner = row[:first]
        left = start + len(inner) - len(inner.lstrip())
        cells.append((left, max(left, start + len(inner.rstrip()))))
        start += first
        row = text[start:end]
    position = start
    for part in row.split("|")[1:-1]:
        position = text.index("|", position) + 1
        inner_start = position + (len(part) - len(part.lstrip()))
        inner_end = position + len(part.rstrip())
        cells.append((inner_start, max(inner_start, inner_end)))
        position += len(part)
    return cells


# "Units 7785 1816 1473 255": a label, then only figures.
DIGIT_ENDS = frozenset("0123456789%")


FIGURE_ROW = re.compile(
    r"\s*(?P<label>[A-Za-z][A-Za-z ()/%.-]{0,30}?)\s+(?P<figures>\d[\d,.]*%?(?:\s+\d[\d,.]*%?)+)\s*$"
)


def _named_entities(view: SentenceView) -> list[tuple[str | None, str | None]]:
    """The brands and models a line names, one entry per name ('Ford Ranger' is one)."""
    found = names_in(view, view.sentence.start, view.sentence.end)
    entities: list[tuple[str | None, str | None]] = []
    pending: str | None = None  # a brand waiting to see whether a model follows it
    for mention in found:
        if mention.type == "manufacturer":
            if pending is not None:
                entities.append((pending, None))
            pending = mention.name
        else:
            entities.append((pending or mention.owner, mention.name))
            pending = None
    if pending is not None:
        entities.append((pending, None))
    return entities


def _column_role(header: str, lexicon: Lexicon) -> tuple[str | None, str | None]:
    """What a table column holds, from its header: rank, change, share or a count (and its metric)."""
    if _RANK_HEADER.match(header):
        return "rank", None
    if _SHARE_HEADER.search(header):
        return "share", None
    if _CHANGE_HEADER.search(header):
        return "change", None
    if _COUNT_HEADER.search(header):
        match = lexicon.metric_pattern.search(header)
        metric = lexicon.metric_by_phrase[lexicon._fold(match.group())][0] if match else None
        return "count", metric if metric in COUNT_METRICS else None
    return None, None


class TableReading:
    """The table rules of `claims._Article` (a mixin: they read its context)."""

    def _table_claims(self, reader: SentenceView) -> list[Claim]:
        """One row of a table: its header says what each column holds."""
        sentence = reader.sentence
        header_index = sentence.index
        while header_index >= 0 and self.sentences[header_index].kind == "table_row":
            header_index -= 1
        if header_index < 0 or self.sentences[header_index].kind != "table_header":
            return []
        header = self.sentences[header_index]
        header_cells = _cells(self.text, header.start, header.end)
        row_cells = _cells(self.text, sentence.start, sentence.end)
        roles = [_column_role(self.text[a:b], self.lexicon) for a, b in header_cells]
        brand, model = last_names(reader, sentence.start, sentence.end)
        brand, model = reconcile(self.lexicon, brand, model)
        # The rows take what the caption and the sentences before the table establish.
        region = self.ctx.carried(header, "markets") or []
        period = self.ctx.carried(header, "period")
        source = self.ctx.carried(header, "source")
        claims: list[Claim] = []
        level: Claim | None = None
        change: float | None = None
        for column, ((start, end), (role, metric)) in enumerate(
            zip(row_cells, roles, strict=False)
        ):
            numbers = find_numbers(self.text, start, end, self.reference)
            if not numbers or role is None:
                continue
            number = numbers[0]
            column_period = period
            if role == "count" and column < len(header_cells):
                # "October sales": the column's own period beats the intro's.
                column_period = self._column_period(header_cells[column]) or period
            if role == "change":
                falling = self.text[start:end].strip().startswith(("-", "−", "–"))
                change = -abs(number.value) if falling else number.value
                continue
            if role == "rank":
                unit, value, claim_metric = "rank", number.value, "sales_rank"
            elif role == "share":
                unit, value, claim_metric = "percent", number.value, "market_share"
            else:
                unit, value = "units", number.value
                claim_metric = metric or self.ctx.carried(header, "metric") or "sales"
            claim = Claim(
                article=self.article,
                sentence_index=sentence.index,
                sentence=self.text[sentence.start : sentence.end],
                metric=claim_metric,
                value=value,
                unit=unit,
                manufacturer=brand,
                model=model,
                region=list(region or []),
                powertrain=(
                    self.lexicon.model_powertrain(model, brand)
                    if role == "count" and model
                    else None
                )
                or "all",
                period_start=column_period[0] if column_period else None,
                period_end=column_period[1] if column_period else None,
                source_org=source,
                value_start=number.start,
                value_end=number.end,
                value_text=number.text,
            )
            claims.append(claim)
            if role == "count":
                level = claim
        if level is not None and change is not None:
            level.change_pct = change
        return claims

    def _column_period(self, cell: tuple[int, int]):
        named = [
            p
            for p in find_periods(self.text, *cell, self.published, self.fiscal_start, self.as_of)
            if p.period_start
        ]
        return (named[0].period_start, named[0].period_end) if named else None

    def _figure_row_claims(self, view: SentenceView) -> list[Claim]:
        """A table flattened to lines: 'Brand Ford Ranger Mitsubishi Triton Toyota Hilux'
        then 'Units 7785 1816 1473', one figure under each name of the line before."""
        sentence = view.sentence
        if sentence.index == 0:
            return []
        names_line = self.sentences[sentence.index - 1]
        entities = _named_entities(
            SentenceView(self.text, names_line, self.by_sentence.get(names_line.index, []))
        )
        label = FIGURE_ROW.match(self.text, sentence.start, sentence.end)
        numbers = [
            n
            for n in find_numbers(self.text, label.start("figures"), sentence.end, self.reference)
            if n.value is not None
        ]
        if len(entities) < 2 or len(numbers) != len(entities):
            return []
        role, metric = _column_role(label.group("label"), self.lexicon)
        if role not in ("count", "share"):
            return []
        period = self.ctx.carried(names_line, "period")
        region = self.ctx.carried(names_line, "markets") or []
        source = self.ctx.carried(names_line, "source")
        claims = []
        for (brand, model), number in zip(entities, numbers, strict=True):
            share = role == "share"
            claims.append(
                Claim(
                    article=self.article,
                    sentence_index=sentence.index,
                    sentence=self.text[sentence.start : sentence.end],
                    metric="market_share"
                    if share
                    else metric or self.ctx.carried(names_line, "metric") or "sales",
                    value=number.value,
                    unit="percent" if share else "units",
                    manufacturer=brand,
                    model=model,
                    region=list(region),
                    powertrain=(self.lexicon.model_powertrain(model, brand) if model else None)
                    or "all",
                    period_start=period[0] if period else None,
                    period_end=period[1] if period else None,
                    source_org=source,
                    value_start=number.start,
                    value_end=number.end,
                    value_text=number.text,
                )
            )
        return claims
