"""`pickup-etl eval`: run extraction on a folder of articles and score it against gold.

The scoring rules live in `evaluate.py`; this module reads the files, runs
the pure stages and renders the report per article and overall.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from flows.evaluate import (
    ATTRIBUTES,
    ClaimScore,
    EntityScore,
    load_gold,
    score_claims,
    score_documents,
    score_entities,
)
from flows.extract.frames import parse_records
from flows.reference import load_reference
from flows.sources import read_file, read_manifests


def evaluate_folder(gold_dir: Path, articles_dir: Path) -> dict:
    gold = load_gold(gold_dir)
    if not gold.articles:
        raise ValueError(
            f"no gold answers in {gold_dir}: expected *claims*.jsonl and *entities*.json files"
        )
    reference = load_reference()
    gold_claims = defaultdict(list)
    for claim in gold.claims:
        gold_claims[claim["article"]].append(claim)

    predicted_claims: dict[str, list[dict]] = defaultdict(list)
    predicted_entities: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    documents: dict[str, dict] = {}
    files = sorted({article.split("#")[0] for article in gold.articles})
    manifests = read_manifests(articles_dir, files)
    for rel in files:
        if not (articles_dir / rel).is_file():
            raise FileNotFoundError(
                f"gold names {rel} but {articles_dir / rel} does not exist: pass --articles with the folder it is in"
            )
        records, _problems, _ = read_file(
            articles_dir, rel, manifests.row_for(rel), max_bytes=1 << 30
        )
        for parsed in parse_records(records, reference):
            article = parsed.raw.article
            predicted_claims[article] = [claim.as_record() for claim in parsed.claims]
            for mention in parsed.mentions:
                predicted_entities[article][mention.type].add(mention.name)
            if article in gold.documents:
                documents[article] = score_documents(
                    gold.documents[article], parsed.clean.title, parsed.publisher, parsed.clean.text
                )

    overall_claims, overall_entities = ClaimScore(), EntityScore()
    per_article: dict[str, dict] = {}
    details: dict[str, dict] = {}
    for article in gold.articles:
        claims = score_claims(gold_claims.get(article, []), predicted_claims.get(article, []))
        entities = score_entities(
            gold.entities.get(article, {}), predicted_entities.get(article, {})
        )
        overall_claims.add(claims)
        if article in gold.entities:
            overall_entities.add(entities)
        per_article[article] = {
            **claims.summary(),
            "entities": entities.summary(),
            "documents": documents.get(article),
        }
        details[article] = {
            "missed_claims": [
                {k: c.get(k) for k in ("id", "quote", "metric", "value")} for c in claims.misses
            ],
            "extra_claims": [
                {k: c.get(k) for k in ("metric", "value", "unit", "sentence")}
                for c in claims.extras
            ],
            "wrong_attributes": [
                {
                    "id": w["gold"].get("id"),
                    "attributes": {
                        a: {"gold": _attr(w["gold"], a), "predicted": _attr(w["predicted"], a)}
                        for a in w["attributes"]
                    },
                }
                for w in claims.wrong
            ],
            "missing_entities": entities.missing,
            "unexpected_entities": entities.unexpected,
        }
    return {
        "overall": {**overall_claims.summary(), "entities": overall_entities.summary()},
        "articles": per_article,
        "details": details,
    }


def _attr(claim: dict, name: str):
    if name == "period":
        return [claim.get("period_start"), claim.get("period_end")]
    return claim.get(name)


def render_table(report: dict, details: bool) -> str:
    lines: list[str] = []
    header = f"{'article':40} {'P':>6} {'R':>6} {'F1':>6} {'strict':>7} {'ent R':>6} {'ent P':>6}"
    lines.append(header)
    lines.append("-" * len(header))
    rows = [*report["articles"].items(), ("OVERALL", report["overall"])]
    for article, scores in rows:
        c, e = scores["claims"], scores["entities"]
        lines.append(
            f"{article[:40]:40} {c['precision']:6.3f} {c['recall']:6.3f} {c['f1']:6.3f} {c['strict_f1']:7.3f} {e['recall']:6.3f} {e['precision']:6.3f}"
        )
    overall = report["overall"]
    lines.append("")
    lines.append("attribute accuracy on matched claims:")
    for name in ATTRIBUTES:
        if name in overall["attributes"]:
            lines.append(f"  {name:15} {overall['attributes'][name]:.3f}")
    claims = overall["claims"]
    lines.append(
        f"claims: {claims['true_positive']} matched, {claims['false_positive']} extra, {claims['false_negative']} missed;"
        f" entities never to extract found: {overall['entities']['never_extracted']}"
    )
    if details:
        for article, found in report["details"].items():
            if not any(found.values()):
                continue
            lines.append("")
            lines.append(f"== {article}")
            for key, values in found.items():
                for value in values:
                    lines.append(f"  {key}: {value}")
    return "\n".join(lines)
