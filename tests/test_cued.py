"""A cued pattern answers as its pattern alone does: its cue words are in every match.

Checked on the words before every word of the real articles and the seeds, in
windows as long as the rules that use these patterns look back.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from pathlib import Path

import pytest

import flows.extract as extract
from flows.extract.cued import CuedPattern
from flows.extract.periods import _FUTURE_BEFORE, _SAME_PERIOD
from flows.extract.sentence_reading import EVENT_BEFORE

ROOT = Path(__file__).resolve().parent.parent
TEXTS = sorted((ROOT / "tests/fixtures/real/articles").glob("*")) + sorted(
    (ROOT / "seeds/articles").glob("*")
)


def _cued_patterns() -> dict[str, CuedPattern]:
    found = {}
    for module in pkgutil.iter_modules(extract.__path__):
        loaded = importlib.import_module(f"flows.extract.{module.name}")
        for name, value in vars(loaded).items():
            if isinstance(value, CuedPattern) and value not in found.values():
                found[f"{module.name}.{name}"] = value
    return found


PATTERNS = _cued_patterns()


def test_the_patterns_are_found():
    assert {id(_SAME_PERIOD), id(_FUTURE_BEFORE), id(EVENT_BEFORE)} <= {
        id(p) for p in PATTERNS.values()
    }


# One lead for every way each pattern has: real articles do not write all of them.
LEADS = {
    id(_SAME_PERIOD): [
        "up from the same period last ",
        "against the equivalent month of ",
        "the corresponding quarter a ",
        "the comparable time in ",
        "year-earlier ",
        "the Year Earlier ",
    ],
    id(_FUTURE_BEFORE): [
        "production is planned for ",
        "scheduled for ",
        "slated for ",
        "is due in ",
        "due ",
        "will launch in ",
        "should arrive in ",
        "starting in ",
        "will start in ",
        "to begin in ",
        "starts in ",
        "begins in ",
        "is expected in ",
        "will arrive in ",
        "in time for the ",
        "ahead of the end of the ",
        "heading into ",
        "going into ",
    ],
    id(EVENT_BEFORE): [
        "the Ranger, which went on sale in ",
        "the truck goes on sale in ",
        "on sale since ",
        "the model launched in ",
        "which launches in ",
        "which arrived in ",
        "arrives in ",
        "debuted in ",
        "the pickup was revealed in ",
        "was unveiled in ",
        "unveiled in ",
        "introduced in ",
        "resumed selling in ",
        "the maker was founded in ",
        "founded in ",
    ],
}


def test_every_way_of_each_pattern_is_found_through_its_cues():
    for pattern in (_SAME_PERIOD, _FUTURE_BEFORE, EVENT_BEFORE):
        for lead in LEADS[id(pattern)]:
            assert pattern.pattern.search(lead), lead  # the lead is one of its ways
            assert pattern.search(lead), lead


@pytest.mark.parametrize("name", sorted(PATTERNS))
def test_a_cued_pattern_answers_as_its_pattern(name):
    cued = PATTERNS[name]
    matched = 0
    for path in TEXTS:
        text = path.read_text(encoding="utf-8", errors="replace")
        for word in re.finditer(r"\b\w", text):
            for reach in (40, 160):
                start, end = max(0, word.start() - reach), word.start()
                expected = cued.pattern.search(text, start, end)
                got = cued.search(text, start, end)
                assert (got and got.span()) == (expected and expected.span()), (path.name, end)
                matched += expected is not None
    assert matched > 0  # the check saw the pattern match, not only miss


def test_a_text_without_the_cues_is_not_searched():
    cued = CuedPattern(r"planned\s+for\s+$", ("plan",))
    assert cued.search("production planned for ") is not None
    assert cued.search("production PLANNED for ") is not None
    assert cued.search("production due for ") is None
