"""The audit measured on the real excerpts (../shared/corpus/real) against their gold.

The gold's findings must be found (recall at least RECALL, matched by check as
the scorer matches them) and nothing else may be said: every document's
`checked_ok` statements were verified by hand and must stay silent, so any
finding the gold does not hold is a false alarm.
"""
from __future__ import annotations

import json
from collections import Counter

import pytest

from extract.prepare import prepare
from extract.registry import run_checks, run_components
from normalize.pipeline import normalize_path
from tests.conftest import SHARED

RECALL = 0.75
GOLD = sorted((SHARED / "gold" / "real").glob("*.json"))
CORPUS = SHARED / "corpus" / "real"


@pytest.fixture(scope="module")
def audited() -> dict[str, tuple[Counter, Counter]]:
    out = {}
    for path in GOLD:
        gold = json.loads(path.read_text(encoding="utf-8"))
        source = CORPUS / gold["file"].split("/")[-1]
        if not source.exists():
            continue
        prep = prepare(normalize_path(source))
        found = Counter(f.check for f in run_checks(prep, run_components(prep)))
        out[path.stem] = (Counter(g["check"] for g in gold.get("findings", [])), found)
    return out


@pytest.mark.skipif(not GOLD or not CORPUS.exists(), reason="real excerpts not present")
def test_no_false_alarm_on_the_real_excerpts(audited):
    assert len(audited) == len(GOLD)
    extra = {stem: dict(found - want) for stem, (want, found) in audited.items() if found - want}
    assert not extra


@pytest.mark.skipif(not GOLD or not CORPUS.exists(), reason="real excerpts not present")
def test_recall_on_the_real_excerpts(audited):
    want = sum((w for w, _ in audited.values()), Counter())
    hit = sum(((w & f) for w, f in audited.values()), Counter())
    assert sum(want.values()) and sum(hit.values()) / sum(want.values()) >= RECALL
