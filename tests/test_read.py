"""Reading bytes: encodings, binary files, records of JSON feeds."""

from __future__ import annotations

import json

import pytest

from flows.extract.read import decode, read_records, sniff_binary

DECODED = [
    # (text, encoding it is stored in, encoding it must be read with)
    ("Ford’s Ranger — “the best ute” — costs €57,900.", "cp1252", "cp1252"),
    ("Ventas: la Hilux lideró con 1.234 unidades en México. ¿Por qué? Nº 1ª", "latin-1", "cp1252"),
    ("Der Absatz stieg um 12 % – „ein Rekord“, so das KBA. Café naïve.", "cp1252", "cp1252"),
    ("Sprzedaż pickupów w Polsce wzrosła o 12% według Samar.", "cp1250", "cp1250"),
    ("Продажи пикапов выросли на 12% в октябре, сообщает Автостат.", "cp1251", "cp1251"),
    ("Οι πωλήσεις των pick-up αυξήθηκαν κατά 12% τον Οκτώβριο.", "cp1253", "cp1253"),
    ("Toyota sold 3,200 Hilux pickups.", "utf-8", "utf-8"),
]


@pytest.mark.parametrize(("text", "stored", "read_as"), DECODED)
def test_text_is_decoded_in_its_own_encoding(text, stored, read_as):
    decoded, encoding = decode(text.encode(stored))
    assert decoded == text
    assert encoding == read_as


def test_byte_order_marks_win():
    text = "Ranger sales rose 4%."
    assert decode(("\ufeff" + text).encode("utf-16-le")) == (text, "utf-16-le")
    assert decode(b"\xef\xbb\xbf" + text.encode()) == (text, "utf-8")


def test_invalid_utf8_is_read_not_dropped():
    decoded, _encoding = decode("Ute sales rose 4% — a record.".encode() + b" \xff\xfe")
    assert decoded.startswith("Ute sales rose 4%")


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (b"\x89PNG\r\n\x1a\n" + bytes(64), "PNG"),
        (b"%PDF-1.7\n" + bytes(range(256)), "PDF"),
        (b"PK\x03\x04" + bytes(64), "zip"),
        (bytes(range(256)) * 8, "binary"),
    ],
)
def test_binary_files_are_named(data, kind):
    assert kind.lower() in (sniff_binary(data) or "").lower()


def test_a_malformed_jsonl_line_costs_only_that_record():
    lines = [
        json.dumps({"title": "A", "text": "Toyota sold 3,200 Hilux pickups in May."}),
        '{"title": "broken"',
        json.dumps({"title": "B", "text": "Ford sold 1,100 Rangers in June."}),
    ]
    records, problems = read_records("feed.jsonl", "\n".join(lines).encode())
    assert [record.record for record in records] == [1, 3]
    assert [
        (problem.record, "line 2" in problem.reason or "JSON" in problem.reason)
        for problem in problems
    ] == [(2, True)]


def test_an_article_over_its_parse_budget_is_set_aside_and_the_others_load(monkeypatch, reference):
    """A page built to be slow cannot hold a run: past the budget it is set aside with
    the reason, and the batch's other articles are parsed."""
    import flows.extract.frames as frames
    from flows.extract.read import BatchRead, RawArticle

    small = RawArticle(
        article="small.txt",
        path="small.txt",
        record=None,
        format="text",
        encoding="utf-8",
        text="Ford sold 5,384 Rangers in Australia in October 2025.",
    )
    heavy = RawArticle(
        article="heavy.txt",
        path="heavy.txt",
        record=None,
        format="text",
        encoding="utf-8",
        text="\n\n".join(f"Toyota sold {n:,} HiLux utes in Thailand in 2024." for n in range(4000)),
    )
    frames.parse_read(
        BatchRead(records=[small], problems=[], hashes={}, seconds=0.0), reference, "v"
    )
    monkeypatch.setattr(frames, "PARSE_SECONDS", 0.2)
    result = frames.parse_read(
        BatchRead(records=[heavy, small], problems=[], hashes={}, seconds=0.0), reference, "v"
    )
    assert result.articles["article"].to_list() == ["small.txt"]
    assert result.claims.height == 1
    (problem,) = result.problems.to_dicts()
    assert problem["path"] == "heavy.txt"
    assert "the budget per article" in problem["reason"]


def test_a_batch_read_in_a_parse_process_is_the_batch_read_in_the_run():
    """With a process pool, the run reads each batch in a parse process, sending it only
    the manifest rows of its own files: the records must be those of a read in place."""
    from flows.run.parse_pool import parse_pool
    from flows.run.steps import read_batch
    from flows.sources import discover_files, read_manifests

    from .conftest import REPO

    root, files = discover_files(REPO / "tests" / "fixtures" / "real" / "articles")
    paths = files.filter(~files["skipped"])["path"].to_list()[:12]
    manifests = read_manifests(root, paths)
    assert set(manifests.of(paths).rows) == set(manifests.rows) & set(paths)
    assert len(manifests.of(paths[:3]).rows) <= 3

    here = read_batch(root, paths, 20_000_000, manifests)
    with parse_pool(1) as pool:
        there = read_batch(root, paths, 20_000_000, manifests, pool)
    assert there.records and there.records == here.records
    assert there.hashes == here.hashes and there.problems == here.problems
