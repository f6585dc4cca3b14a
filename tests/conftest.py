"""Shared fixtures: the bundled samples, normalized once, and one run of the whole pipeline."""
from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = sorted((ROOT / "corpus" / "samples").glob("*.txt"))
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def sample_paths() -> list[Path]:
    return SAMPLES


@pytest.fixture(scope="session")
def sample_docs():
    from normalize.pipeline import normalize_path

    return {p.stem: normalize_path(p) for p in SAMPLES}


@pytest.fixture(scope="session")
def sample_run(tmp_path_factory):
    """The tables of `ntm run` over the samples, written to a temporary folder."""
    import corpus

    out = tmp_path_factory.mktemp("run") / "out"
    tables = corpus.run([ROOT / "corpus" / "samples"], out=out)
    return out, tables
