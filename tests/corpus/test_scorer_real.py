"""The real excerpts measured by the project's scorer: a regression floor.

The pipeline runs over `../shared/corpus/real` and the scorer compares its
tables with `../shared/gold/real`; each floor is the level reached, less a
small margin, so a drop is a regression and a gain is free. Skipped where the
corpus, its gold or the scorer are not beside the repository.
"""
from __future__ import annotations

import re

import pytest

from tests.conftest import SHARED
from tests.corpus.test_scorer import SCORER, _f1, score

CORPUS = SHARED / "corpus" / "real"
GOLD = SHARED / "gold" / "real"

MARGIN = 0.02
# F1 per table reached on the real excerpts (the floor is this less MARGIN).
REACHED_F1 = {
    "criteria": 0.937,
    "counts": 0.939,
}
# Share of matched rows whose field agrees with the gold.
REACHED_FIELDS = {
    "counts.kind": 0.915,
    "counts.status": 0.966,
    "counts.period": 0.915,
    "criteria.period": 1.0,
}


@pytest.fixture(scope="module")
def real_score(tmp_path_factory):
    if not (SCORER.exists() and CORPUS.is_dir() and GOLD.is_dir()):
        pytest.skip(f"real corpus, gold or scorer not found under {SHARED}")
    import corpus

    out = tmp_path_factory.mktemp("real") / "out"
    corpus.run([CORPUS], out=out)
    return score(out, GOLD)


def _share(output: str, field: str) -> float:
    m = re.search(rf"^\s+{re.escape(field)}: (\d+)/(\d+)$", output, re.M)
    assert m, f"no line for {field} in scorer output"
    return int(m.group(1)) / int(m.group(2))


@pytest.mark.parametrize("table", sorted(REACHED_F1))
def test_table_f1_on_real(real_score, table):
    assert _f1(real_score, table) >= REACHED_F1[table] - MARGIN, real_score


@pytest.mark.parametrize("field", sorted(REACHED_FIELDS))
def test_matched_fields_on_real(real_score, field):
    assert _share(real_score, field) >= REACHED_FIELDS[field] - MARGIN, real_score
