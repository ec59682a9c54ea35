"""Scoring extraction against gold answers, as the gold README defines it.

A predicted claim matches a gold claim when they are about the same article,
the gold quote lies inside the predicted sentence (whitespace folded, dashes
and quotes in ASCII), the metric is equal (or one of `metric_alt`), the unit
is equal and the value is within 0.5% (both null also matches). Matching is
one-to-one. Optional gold claims neither help nor hurt. Entities score as
sets per article and type.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from flows.extract.textnorm import fold

ATTRIBUTES = (
    "qualifier",
    "manufacturer",
    "model",
    "region",
    "powertrain",
    "period",
    "change_pct",
    "baseline_value",
    "source_org",
)
ENTITY_TYPES = ("manufacturer", "model", "region", "organization", "person", "facility")


@dataclass
class Gold:
    claims: list[dict]
    entities: dict[str, dict]
    documents: dict[str, dict]

    @property
    def articles(self) -> list[str]:
        names = (
            {claim["article"] for claim in self.claims} | set(self.entities) | set(self.documents)
        )
        return sorted(names)


def load_gold(directory: Path) -> Gold:
    """Every `*claims*.jsonl`, `*entities*.json` and `*documents*.json` in a folder."""
    claims: list[dict] = []
    entities: dict[str, dict] = {}
    documents: dict[str, dict] = {}
    for path in sorted(directory.glob("*claims*.jsonl")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if line.strip():
                try:
                    claims.append(json.loads(line))
                except json.JSONDecodeError as error:
                    raise ValueError(
                        f"{path}: line {number} is not valid JSON ({error.msg})"
                    ) from error
    for path in sorted(directory.glob("*entities*.json")):
        entities.update(json.loads(path.read_text(encoding="utf-8")))
    for path in sorted(directory.glob("*documents*.json")):
        documents.update(json.loads(path.read_text(encoding="utf-8")))
    return Gold(claims, entities, documents)


def normalise_name(name: str | None) -> str:
    """Names compare case-insensitively with punctuation and spaces removed."""
    return re.sub(r"[\W_]+", "", (name or "").lower())


def _value_close(gold: float | None, predicted: float | None, tolerance: float = 0.005) -> bool:
    if gold is None or predicted is None:
        return gold is None and predicted is None
    if gold == 0:
        return predicted == 0
    return abs(predicted - gold) <= abs(gold) * tolerance


def _matches(gold: dict, predicted: dict) -> bool:
    if gold["article"] != predicted["article"]:
        return False
    if fold(gold["quote"]) not in fold(predicted.get("sentence") or ""):
        return False
    metrics = {gold["metric"], *gold.get("metric_alt", [])}
    if predicted.get("metric") not in metrics or predicted.get("unit") != gold["unit"]:
        return False
    return _value_close(gold.get("value"), predicted.get("value"))


def _month(value: str | None) -> str | None:
    return value[:7] if value else None


def attribute_correct(name: str, gold: dict, predicted: dict) -> bool:
    if name == "region":
        # Exact, as sets: a market leaked from a neighbouring sentence puts the number
        # into the wrong market's totals.
        gold_regions = {normalise_name(r) for r in gold.get("region") or []}
        predicted_regions = {normalise_name(r) for r in predicted.get("region") or []}
        return gold_regions == predicted_regions
    if name == "period":
        return _month(gold.get("period_start")) == _month(predicted.get("period_start")) and _month(
            gold.get("period_end")
        ) == _month(predicted.get("period_end"))
    if name == "change_pct":
        g, p = gold.get("change_pct"), predicted.get("change_pct")
        return (g is None and p is None) or (g is not None and p is not None and abs(g - p) <= 0.5)
    if name == "baseline_value":
        return _value_close(gold.get("baseline_value"), predicted.get("baseline_value"))
    if name in ("manufacturer", "model", "source_org"):
        return normalise_name(gold.get(name)) == normalise_name(predicted.get(name))
    return (gold.get(name) or None) == (predicted.get(name) or None)


def _score_pair(gold: dict, predicted: dict) -> int:
    return sum(attribute_correct(name, gold, predicted) for name in ATTRIBUTES)


def match_claims(gold: list[dict], predicted: list[dict]) -> list[tuple[int, int]]:
    """One-to-one matching of maximum size, preferring pairs that agree on more attributes."""
    edges: dict[int, list[int]] = defaultdict(list)
    for g_index, g in enumerate(gold):
        options = [
            (p_index, _score_pair(g, p)) for p_index, p in enumerate(predicted) if _matches(g, p)
        ]
        options.sort(key=lambda option: -option[1])
        edges[g_index] = [p_index for p_index, _ in options]
    owner: dict[int, int] = {}

    def augment(g_index: int, seen: set[int]) -> bool:
        for p_index in edges[g_index]:
            if p_index in seen:
                continue
            seen.add(p_index)
            if p_index not in owner or augment(owner[p_index], seen):
                owner[p_index] = g_index
                return True
        return False

    # Required gold first, so optional claims never take a prediction a required one needs.
    order = sorted(range(len(gold)), key=lambda i: bool(gold[i].get("optional")))
    for g_index in order:
        augment(g_index, set())
    return sorted((g_index, p_index) for p_index, g_index in owner.items())


@dataclass
class ClaimScore:
    true_positive: int = 0
    false_positive: int = 0
    false_negative: int = 0
    strict_true_positive: int = 0
    attribute_right: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    attribute_total: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    misses: list[dict] = field(default_factory=list)
    extras: list[dict] = field(default_factory=list)
    wrong: list[dict] = field(default_factory=list)

    def add(self, other: ClaimScore) -> None:
        self.true_positive += other.true_positive
        self.false_positive += other.false_positive
        self.false_negative += other.false_negative
        self.strict_true_positive += other.strict_true_positive
        for name in ATTRIBUTES:
            self.attribute_right[name] += other.attribute_right[name]
            self.attribute_total[name] += other.attribute_total[name]
        self.misses += other.misses
        self.extras += other.extras
        self.wrong += other.wrong

    @staticmethod
    def _f1(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
        precision = tp / (tp + fp) if tp + fp else 1.0
        recall = tp / (tp + fn) if tp + fn else 1.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return precision, recall, f1

    def summary(self) -> dict:
        precision, recall, f1 = self._f1(
            self.true_positive, self.false_positive, self.false_negative
        )
        strict_fp = self.false_positive + (self.true_positive - self.strict_true_positive)
        strict_fn = self.false_negative + (self.true_positive - self.strict_true_positive)
        _, _, strict_f1 = self._f1(self.strict_true_positive, strict_fp, strict_fn)
        return {
            "claims": {
                "true_positive": self.true_positive,
                "false_positive": self.false_positive,
                "false_negative": self.false_negative,
                "precision": round(precision, 4),
                "recall": round(recall, 4),
                "f1": round(f1, 4),
                "strict_f1": round(strict_f1, 4),
            },
            "attributes": {
                name: round(self.attribute_right[name] / self.attribute_total[name], 4)
                for name in ATTRIBUTES
                if self.attribute_total[name]
            },
        }


def score_claims(gold: list[dict], predicted: list[dict]) -> ClaimScore:
    """Score the claims of one article (or any set sharing the article field)."""
    score = ClaimScore()
    matches = match_claims(gold, predicted)
    matched_gold = {g for g, _ in matches}
    matched_predicted = {p for _, p in matches}
    for g_index, p_index in matches:
        g, p = gold[g_index], predicted[p_index]
        ambiguous = set(g.get("ambiguous") or [])
        all_right = True
        wrong_attributes = []
        for name in ATTRIBUTES:
            if name in ambiguous:
                continue
            right = attribute_correct(name, g, p)
            score.attribute_total[name] += 1
            score.attribute_right[name] += right
            if not right:
                all_right = False
                wrong_attributes.append(name)
        if g.get("optional"):
            continue
        score.true_positive += 1
        score.strict_true_positive += all_right
        if wrong_attributes:
            score.wrong.append({"gold": g, "predicted": p, "attributes": wrong_attributes})
    for g_index, g in enumerate(gold):
        if g_index not in matched_gold and not g.get("optional"):
            score.false_negative += 1
            score.misses.append(g)
    for p_index, p in enumerate(predicted):
        if p_index not in matched_predicted:
            score.false_positive += 1
            score.extras.append(p)
    return score


@dataclass
class EntityScore:
    required: int = 0
    found_required: int = 0
    predicted: int = 0
    predicted_listed: int = 0
    never: int = 0
    missing: list[str] = field(default_factory=list)
    unexpected: list[str] = field(default_factory=list)

    def add(self, other: EntityScore) -> None:
        for name in ("required", "found_required", "predicted", "predicted_listed", "never"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.missing += other.missing
        self.unexpected += other.unexpected

    def summary(self) -> dict:
        return {
            "recall": round(self.found_required / self.required, 4) if self.required else 1.0,
            "precision": round(self.predicted_listed / self.predicted, 4)
            if self.predicted
            else 1.0,
            "required": self.required,
            "predicted": self.predicted,
            "never_extracted": self.never,
        }


def score_entities(gold: dict, predicted: dict[str, set[str]]) -> EntityScore:
    """Entity sets of one article: recall over required, precision over required + optional."""
    score = EntityScore()
    for entity_type in ENTITY_TYPES:
        required = {normalise_name(n): n for n in gold.get("required", {}).get(entity_type, [])}
        optional = {normalise_name(n) for n in gold.get("optional", {}).get(entity_type, [])}
        never = {normalise_name(n) for n in gold.get("never", {}).get(entity_type, [])}
        found = {normalise_name(n): n for n in predicted.get(entity_type, set())}
        score.required += len(required)
        score.found_required += len(required.keys() & found.keys())
        score.predicted += len(found)
        listed = found.keys() & (required.keys() | optional)
        score.predicted_listed += len(listed)
        score.never += len(found.keys() & never)
        score.missing += [f"{entity_type}:{required[k]}" for k in required.keys() - found.keys()]
        score.unexpected += [
            f"{entity_type}:{found[k]}" for k in found.keys() - required.keys() - optional
        ]
    return score


def score_documents(
    gold: dict, title: str | None, publisher: str | None, cleaned_text: str
) -> dict:
    """Title, publisher and boilerplate checks of one cleaned article."""
    folded = fold(cleaned_text)
    return {
        "title": normalise_name(gold.get("title")) == normalise_name(title),
        "publisher": normalise_name(gold.get("publisher")) == normalise_name(publisher),
        "boilerplate_left": [line for line in gold.get("boilerplate", []) if fold(line) in folded],
        "must_keep_missing": [
            line for line in gold.get("must_keep", []) if fold(line) not in folded
        ],
    }
