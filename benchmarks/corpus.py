"""A deterministic corpus of realistic pickup-market articles for benchmarks.

Article i depends only on (seed, i): the first 20,000 articles of a 100,000
corpus are the 20,000 corpus. Articles vary in market, brands and models (from
seeds/reference), metrics, number formats, periods, sources, length, layout
(plain text, Markdown, HTML pages, JSONL feeds) and page furniture.
"""

from __future__ import annotations

import csv
import json
import random
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
REFERENCE = REPO / "seeds" / "reference"
FILES_PER_FOLDER = 1000
FEED_RECORDS = 25  # articles per JSONL feed file
MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
ORDINALS = ["", "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth"]
POWERTRAIN_WORDS = [
    ("", 6),
    ("electric", 2),
    ("plug-in hybrid", 1),
    ("hybrid", 1),
    ("diesel", 1),
    ("new-energy", 1),
]
# Prose around the figures: most sentences of a news story state no number.
FILLER = [
    "Dealers say buyers are still choosing dual-cab {body} for work and weekends alike.",
    "The {model} gets a revised grille, a larger touchscreen and new alloy wheels this year.",
    "Fleet customers, from miners to tradespeople, continue to drive demand for the {model}.",
    "Supply of popular {brand} variants has improved after a difficult stretch for the industry.",
    "The segment remains one of the most profitable for carmakers in {market}.",
    "{brand} will add more driver-assistance features to the range next year.",
    "Analysts expect competition to intensify as Chinese brands expand their line-ups in {market}.",
    "Towing capacity and payload remain the figures buyers ask about first.",
    "The {model} is built alongside passenger models on a shared platform.",
    "Several rivals, including the {rival}, are preparing updated models for launch.",
    "“Customers want capability without compromise,” a {brand} spokesperson said.",
    "Interest rates and fuel prices weigh on private buyers across {market}.",
    "The company did not comment on pricing for the new version.",
    "{brand} has not confirmed whether the {model} will get a hybrid option in {market}.",
    "Reviewers praised the {model}'s ride but criticised its cabin noise at highway speeds.",
    "The {rival} remains the benchmark for off-road ability in the class.",
    "Government incentives for low-emission commercial vehicles are under review in {market}.",
    "{brand}'s local arm said it would expand its dealer network over the coming year.",
    "Tradies and farmers have long been the core buyers of {body} in {market}.",
    "The updated {model} arrives in showrooms after a short delay caused by parts shortages.",
    "Industry groups have called for clearer rules on emissions for light commercial vehicles.",
    "A {brand} executive said the brand was confident about the outlook for the year.",
    "Competition from the {rival} has pushed {brand} to sharpen its pricing.",
    "The {model} range spans single-cab chassis models to lifestyle-focused flagships.",
    "Buyers in regional areas continue to favour diesel engines for long distances.",
    "Electric {body} still face questions about range when towing heavy loads.",
    "The new generation of the {model} shares its platform with an SUV sibling.",
    "Charging infrastructure outside major cities remains patchy in {market}.",
    "{brand} declined to say how many orders it had taken before launch.",
    "Safety ratings for the latest {model} are expected later this year.",
]
BOILERPLATE_TOP = [
    "Skip to content",
    "Menu",
    "Share this article",
    "Advertisement",
]
BOILERPLATE_BOTTOM = [
    "Tags: {brand}, {model}, pickups, {market}, car sales",
    "Related: {brand} confirms new {model} variants",
    "Subscribe to our newsletter for the latest car news",
    "Photo: {brand}",
    "© 2025 {publisher}. All rights reserved.",
    "How useful was this post?",
    "Click on a star to rate it!",
]
PUBLISHERS = [
    "Drive Desk",
    "Ute Report",
    "Pickup Weekly",
    "Auto Market Wire",
    "Fleet Times",
    "Motor Ledger",
    "Trade Vehicles Today",
]


@dataclass
class Market:
    name: str  # as a sentence writes it: "the United States", "Australia"
    bare: str  # as a title or an adjective writes it: "United States"
    currency: str
    sources: list[str]
    brands: list[str]
    unit_word: str
    style: str


def _markets() -> list[Market]:
    with open(Path(__file__).with_name("markets.csv"), encoding="utf-8") as handle:
        return [
            Market(
                _with_article(row["market"]),
                row["market"],
                row["currency"],
                row["sources"].split("|"),
                row["brands"].split("|"),
                row["unit_word"],
                row["months_style"],
            )
            for row in csv.DictReader(handle)
        ]


def _with_article(name: str) -> str:
    return f"the {name}" if name.startswith(("United ", "Philippines")) else name


def _models() -> dict[str, list[str]]:
    models: dict[str, list[str]] = {}
    with open(REFERENCE / "models.csv", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["body"] == "pickup" and row["needs_brand"] == "0":
                models.setdefault(row["manufacturer"], []).append(row["name"])
    return models


MARKETS = _markets()
MODELS = _models()


def _number(rng: random.Random, low: int, high: int) -> tuple[int, str]:
    """A count and the way an article writes it."""
    value = rng.randint(low, high)
    style = rng.random()
    if value >= 1_000_000 or (value >= 100_000 and style < 0.3):
        rounded = round(value / 100_000) / 10
        return int(rounded * 1_000_000), f"{rounded:g} million"
    if value >= 10_000 and style < 0.15:
        return round(value / 1000) * 1000, f"{round(value / 1000)}k"
    if style < 0.25:
        rounded = round(value, -2)
        return rounded, f"{rounded:,}"
    return value, f"{value:,}"


def _qualified(rng: random.Random, text: str) -> str:
    roll = rng.random()
    if roll < 0.1:
        return f"about {text}"
    if roll < 0.18:
        return f"more than {text}"
    if roll < 0.22:
        return f"nearly {text}"
    return text


def _period(rng: random.Random, market: Market, year: int) -> str:
    month = rng.randrange(12)
    kind = rng.randrange(9)
    if kind == 0:
        return f"in {MONTHS[month]}"
    if kind == 1:
        return f"in {MONTHS[month]} {year}"
    if kind == 2:
        return f"through {MONTHS[month]}"
    if kind == 3:
        return (
            f"in the first {rng.choice(['three', 'six', 'nine', 'ten', 'eleven'])} months of {year}"
        )
    if kind == 4:
        return f"in Q{rng.randint(1, 4)} {year}"
    if kind == 5:
        return f"in the {rng.choice(['first', 'second'])} half of {year}"
    if kind == 6:
        return "last month"
    if kind == 7:
        return f"in {year}"
    return f"in fiscal {year}" if market.style == "au" else "year to date"


def _change(rng: random.Random) -> str:
    pct = rng.choice([rng.randint(1, 40), round(rng.uniform(0.5, 15), 1)])
    per_cent = "per cent" if rng.random() < 0.3 else "%"
    spaced = f"{pct:g} {per_cent}" if per_cent == "per cent" else f"{pct:g}%"
    return rng.choice(
        [
            f"up {spaced} on a year earlier",
            f"down {spaced} from the same period last year",
            f"a rise of {spaced}",
            f"{spaced} more than a year ago",
        ]
    )


def _pick_model(rng: random.Random, brand: str) -> str | None:
    models = MODELS.get(brand)
    return rng.choice(models) if models else None


def _claim_sentence(rng: random.Random, market: Market, year: int) -> str:
    brand = rng.choice(market.brands)
    model = _pick_model(rng, brand)
    source = rng.choice(market.sources)
    powertrain = rng.choices(
        [w for w, _ in POWERTRAIN_WORDS], weights=[n for _, n in POWERTRAIN_WORDS]
    )[0]
    kind_words = f"{powertrain} {market.unit_word}".strip()
    period = _period(rng, market, year)
    template = rng.randrange(11)
    if template == 0 and model:
        _value, text = _number(rng, 800, 60_000)
        return (
            f"{brand} sold {_qualified(rng, text)} {model} {market.unit_word} in "
            f"{market.name} {period}, {_change(rng)}, according to {source}."
        )
    if template == 1:
        _value, text = _number(rng, 5_000, 900_000)
        return (
            f"{market.bare} {kind_words} registrations reached {text} {period}, "
            f"data from {source} show."
        )
    if template == 2:
        destination = rng.choice([m.name for m in MARKETS if m.name != market.name])
        _value, text = _number(rng, 500, 40_000)
        return (
            f"Exports of {brand} {market.unit_word} to {destination} rose "
            f"{rng.randint(2, 80)}% to {text} units {period}."
        )
    if template == 3 and model:
        rank = rng.randint(1, 8)
        return (
            f"The {model} was the {ORDINALS[rank]} best-selling {market.unit_word.rstrip('s')} "
            f"in {market.name} {period}."
        )
    if template == 4:
        _value, text = _number(rng, 10_000, 200_000)
        target_year = year + rng.randint(1, 5)
        thing = model or f"{powertrain or 'new'} {market.unit_word}".strip()
        return f"{brand} aims to sell {text} {thing} a year in {market.name} by {target_year}."
    if template == 5:
        share = round(rng.uniform(2, 45), 1)
        return (
            f"{brand}'s share of the {market.bare} {market.unit_word} market "
            f"{rng.choice(['climbed', 'slipped', 'stood'])} at {share:g}% {period}."
        )
    if template == 6 and model:
        price = rng.randrange(25_000, 95_000, 10)
        return f"The {model} starts at {market.currency}{price:,} before on-road costs."
    if template == 7:
        _value, text = _number(rng, 20_000, 2_500_000)
        return (
            f"Total {kind_words} sales in {market.name} came to {text} {period}, "
            f"{source} said, {_change(rng)}."
        )
    if template == 8 and model:
        first = rng.randint(2_000, 30_000)
        second = first - rng.randint(100, 1_500)
        rival = _pick_model(rng, rng.choice(market.brands)) or "its closest rival"
        return f"The {model} led with {first:,} deliveries, ahead of the {rival} on {second:,}."
    if template == 9:
        low = rng.randint(1, 9) * 1000
        return (
            f"{brand} expects to build between {low:,} and {low + rng.randint(1, 5) * 1000:,} "
            f"{kind_words} a month at its local plant next year."
        )
    _value, text = _number(rng, 1_000, 80_000)
    return f"Orders for the {model or brand + ' range'} topped {text} {period}, the company said."


def _filler(rng: random.Random, market: Market) -> str:
    brand, rival_brand = rng.choice(market.brands), rng.choice(market.brands)
    model = _pick_model(rng, brand) or f"{brand} range"
    rival = _pick_model(rng, rival_brand) or f"{rival_brand} range"
    return rng.choice(FILLER).format(
        brand=brand, model=model, rival=rival, body=market.unit_word, market=market.name
    )


@dataclass
class Article:
    index: int
    title: str
    paragraphs: list[str]
    market: Market
    brand: str
    model: str
    publisher: str
    date: str
    top: list[str]
    bottom: list[str]


def article(seed: int, index: int) -> Article:
    rng = random.Random(seed * 1_000_003 + index)
    market = rng.choice(MARKETS)
    year = rng.choice([2022, 2023, 2024, 2025, 2025])  # past years: no future dates
    brand = rng.choice(market.brands)
    model = _pick_model(rng, brand) or f"{brand} range"
    paragraphs = []
    # About one sentence in four states a figure, as in the seed articles.
    for _ in range(rng.randint(4, 18)):
        sentences = [
            _claim_sentence(rng, market, year) if rng.random() < 0.25 else _filler(rng, market)
            for _ in range(rng.randint(1, 4))
        ]
        paragraphs.append(" ".join(sentences))
    title = rng.choice(
        [
            f"{market.bare} {market.unit_word} sales: {brand} {model} leads the way",
            f"{brand} posts strong {market.unit_word} numbers in {market.name}",
            f"Electric {market.unit_word} gain ground in {market.name}",
            f"{model} demand holds up as {market.bare} market shifts",
            f"Monthly {market.unit_word} report: {market.bare}",
        ]
    )
    month = rng.randrange(12)
    date = f"{year}-{month + 1:02d}-{rng.randint(1, 28):02d}"
    values = {
        "brand": brand,
        "model": model,
        "market": market.bare,
        "publisher": rng.choice(PUBLISHERS),
    }
    top = rng.sample(BOILERPLATE_TOP, rng.randint(0, 2))
    bottom = [line.format(**values) for line in rng.sample(BOILERPLATE_BOTTOM, rng.randint(0, 4))]
    return Article(
        index, title, paragraphs, market, brand, model, values["publisher"], date, top, bottom
    )


def as_text(item: Article) -> str:
    lines = [*item.top, item.title, "", f"Published {item.date}", ""]
    for paragraph in item.paragraphs:
        lines += [paragraph, ""]
    return "\n".join(lines + item.bottom) + "\n"


def as_markdown(item: Article) -> str:
    front = (
        f"---\ntitle: {item.title}\npublisher: {item.publisher}\npublished: {item.date}\n---\n\n"
    )
    body = "\n\n".join(item.paragraphs)
    return f"{front}# {item.title}\n\n{body}\n\n" + "\n".join(f"*{b}*" for b in item.bottom) + "\n"


def as_html(item: Article) -> str:
    paragraphs = "".join(f"<p>{p}</p>" for p in item.paragraphs)
    furniture = "".join(f"<li>{b}</li>" for b in item.bottom)
    return (
        "<!doctype html><html><head>"
        f"<title>{item.title} | {item.publisher}</title>"
        f'<meta property="og:site_name" content="{item.publisher}">'
        f'<meta property="article:published_time" content="{item.date}T08:00:00Z">'
        "<style>body{font-family:sans-serif}</style>"
        "<script>window.dataLayer=[];function track(){return 42}</script></head><body>"
        '<nav><a href="/">Home</a><a href="/news">News</a><a href="/reviews">Reviews</a></nav>'
        f"<article><h1>{item.title}</h1>{paragraphs}</article>"
        f'<aside><ul class="related">{furniture}</ul></aside>'
        "<footer>Contact us · Privacy · Terms</footer></body></html>"
    )


def as_record(item: Article) -> dict:
    return {
        "title": item.title,
        "text": "\n\n".join(item.paragraphs),
        "url": f"https://news.example/{item.index}",
        "published": item.date,
        "publisher": item.publisher,
    }


def write_corpus(directory: Path, count: int, seed: int = 7) -> dict:
    """Write `count` articles under `directory`; return what was written."""
    directory.mkdir(parents=True, exist_ok=True)
    written = {"articles": count, "files": 0, "bytes": 0}
    index = 0
    while index < count:
        folder = directory / f"{index // FILES_PER_FOLDER:04d}"
        folder.mkdir(exist_ok=True)
        kind = random.Random(seed * 7919 + index).random()
        if kind < 0.005 and count - index >= FEED_RECORDS:
            records = [as_record(article(seed, index + k)) for k in range(FEED_RECORDS)]
            data = "\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n"
            path = folder / f"feed_{index:07d}.jsonl"
            index += FEED_RECORDS
        else:
            item = article(seed, index)
            if kind < 0.20:
                data, path = as_html(item), folder / f"article_{index:07d}.html"
            elif kind < 0.30:
                data, path = as_markdown(item), folder / f"article_{index:07d}.md"
            else:
                data, path = as_text(item), folder / f"article_{index:07d}.txt"
            index += 1
        encoded = data.encode("utf-8")
        path.write_bytes(encoded)
        written["files"] += 1
        written["bytes"] += len(encoded)
    return written


def texts(directory: Path) -> list[str]:
    """The article texts of a written corpus as the peer reads them (one string each)."""
    out = []
    for path in sorted(directory.rglob("*")):
        if path.suffix == ".jsonl":
            out += [json.loads(line)["text"] for line in path.read_text().splitlines() if line]
        elif path.is_file():
            out.append(path.read_text(encoding="utf-8"))
    return out
