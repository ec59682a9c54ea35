"""A folder of every kind of bad input beside the seeds: each file ends the run
in etl_file with a status and a reason, the good ones load, nothing escapes."""

from __future__ import annotations

import json
import os
import shutil
import zipfile
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from flows.exit_codes import ExitCode

from .conftest import SEEDS

pytestmark = pytest.mark.slow

SENTENCE = "Ford sold 12,500 Ranger utes in Australia in October, up 4% on a year earlier."
ODD_NAME = "Ute sales — Ford’s \"Ranger\" 'best' Überblick.txt"
INJECTION = "'); DROP TABLE fact_claim; --"


def _write_bad_folder(folder: Path) -> dict[str, tuple[str, str | None]]:
    """Write the inputs; return {file: (expected status, expected words of the reason)}."""
    shutil.copytree(SEEDS, folder)
    expected: dict[str, tuple[str, str | None]] = {
        path.name: ("loaded", None) for path in SEEDS.iterdir()
    }

    def put(name: str, data: bytes, status: str, reason: str | None = None) -> None:
        (folder / name).write_bytes(data)
        expected[name] = (status, reason)

    put("empty.txt", b"", "quarantined", "empty file")
    put("blank.txt", b"  \n\t\n   \r\n", "quarantined", "only whitespace")
    png = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4
    put("photo.png", png, "quarantined", "unsupported file type '.png'")
    put("photo-named-as-text.txt", png, "quarantined", "not text: the file is a PNG image")
    put(
        "scan.txt",
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n" * 50,
        "quarantined",
        "PDF",
    )
    archive = folder / "bundle.txt"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("inner.txt", SENTENCE)
    expected["bundle.txt"] = ("quarantined", "zip")
    put(
        "windows-1252.txt",
        ("Peugeot’s Landtrek — “a hit” in Chile: " + SENTENCE + " Prices start at €28,000.").encode(
            "cp1252"
        ),
        "loaded",
    )
    put("broken-utf8.txt", SENTENCE.encode() + b" Caf\xe9 \xff\xfe trailing bytes.\n", "loaded")
    put("utf16.txt", ("\ufeff" + SENTENCE + "\n").encode("utf-16-le"), "loaded")
    with open(folder / "huge.txt", "wb") as handle:  # 50 MB, over the 20 MB limit
        line = (SENTENCE + "\n").encode()
        handle.write(line * (50_000_000 // len(line) + 1))
    expected["huge.txt"] = ("quarantined", "over the 20 MB limit")
    nested = (
        "<html><head><title>Ute market</title><style>p { color: red }</style>"
        "<script>var sales = 999999; document.write('99,999 pickups');</script></head><body>"
        + "<div>" * 5000
        + f"<p>{SENTENCE}</p>"
        + "</div>" * 5000
        + "<script>alert('88,888 trucks')</script></body></html>"
    )
    put("deep.html", nested.encode(), "loaded")
    lines = [
        json.dumps(
            {"title": "Hilux leads", "text": "Toyota sold 3,200 Hilux pickups in Thailand in May."}
        ),
        '{"title": "broken", "text": "no closing brace"',
        json.dumps({"title": "Ranger", "text": SENTENCE}),
    ]
    put("feed.jsonl", "\n".join(lines).encode(), "loaded", "1 record(s) skipped")
    put(ODD_NAME, SENTENCE.encode(), "loaded")
    put(
        "injection.txt",
        f"{INJECTION} <script>alert('x')</script> {SENTENCE}".encode(),
        "loaded",
    )
    put("vanishes.txt", SENTENCE.encode(), "quarantined", "disappeared between discovery and read")
    put("becomes-a-folder.txt", SENTENCE.encode(), "quarantined", "cannot read file")
    os.symlink(".", folder / "loop")
    expected["loop/"] = ("quarantined", "symlink loop")
    os.symlink("self-link.txt", folder / "self-link.txt")
    expected["self-link.txt"] = ("quarantined", "symlink loop")
    return expected


def test_every_bad_input_is_recorded_and_the_good_ones_load(
    prefect_harness, seed_run, tmp_path, monkeypatch
):
    import flows.sources as sources_module
    from flows.cli import main

    folder = tmp_path / "articles"
    expected = _write_bad_folder(folder)
    real_discover = sources_module.discover_files

    def discover_then_disturb(source, known=None, follow_links=False):
        found = real_discover(source, known, follow_links)
        # Between discovery and read: one file is deleted, another replaced by a folder.
        (folder / "vanishes.txt").unlink()
        (folder / "becomes-a-folder.txt").unlink()
        (folder / "becomes-a-folder.txt").mkdir()
        return found

    monkeypatch.setattr(sources_module, "discover_files", discover_then_disturb)
    db = tmp_path / "pickup.duckdb"
    result = CliRunner().invoke(main, ["run", "--source", str(folder), "--db", str(db)])
    assert result.exit_code == ExitCode.PARTIAL, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "published" in result.output

    with duckdb.connect(str(db), read_only=True) as connection:
        files = {
            path: (status, reason)
            for path, status, reason in connection.execute(
                "select path, status, reason from etl_file"
            ).fetchall()
        }
        seed_claims = set(
            connection.execute(
                "select article, metric, value, sentence from v_claims where article like '00%'"
            ).fetchall()
        )
        sentences = dict(
            connection.execute(
                "select a.article, string_agg(s.text, ' ' order by s.sentence_index) "
                "from dim_sentence s join dim_article a using (article_key) group by all"
            ).fetchall()
        )
        tables = {
            row[0]
            for row in connection.execute("select table_name from duckdb_tables()").fetchall()
        }
        feed = connection.execute(
            "select article from dim_article where file_path = 'feed.jsonl' order by article"
        ).fetchall()
    with duckdb.connect(str(seed_run[1]), read_only=True) as clean:
        clean_claims = set(
            clean.execute("select article, metric, value, sentence from v_claims").fetchall()
        )

    assert set(files) == set(expected)
    for name, (status, words) in expected.items():
        got_status, reason = files[name]
        assert got_status == status, (name, got_status, reason)
        if words:
            assert reason and words.lower() in reason.lower(), (name, reason)
        if status == "quarantined":
            assert reason, name
    assert seed_claims == clean_claims  # the seeds load exactly as on their own
    # Decoded as Windows-1252 (quotes are then normalised to straight ones, one for one).
    assert 'Peugeot\'s Landtrek — "a hit"' in sentences["windows-1252.txt"]
    assert "€28,000" in sentences["windows-1252.txt"]
    assert SENTENCE in sentences["utf16.txt"]
    assert SENTENCE in sentences[ODD_NAME]
    assert SENTENCE in sentences["deep.html"]
    assert "99,999" not in sentences["deep.html"] and "88,888" not in sentences["deep.html"]
    assert INJECTION in sentences["injection.txt"]  # stored as text, never run
    assert "<script>alert('x')</script>" in sentences["injection.txt"]
    assert "fact_claim" in tables
    assert feed == [("feed.jsonl#1",), ("feed.jsonl#3",)]
