"""Imported once by the local engine's fork server (and by every Dask worker), so each worker starts warm.

It loads the readers and runs one bundled sample through the per-document
function, report page included, which fills the caches the extractors and
the report build on first use (gazetteer, patterns, templates): a worker then
pays that cost zero times instead of once per recycling. It imports the
worker side only, never the batch layer (pandas, duckdb, the table writers).
"""
from __future__ import annotations

import gc
import importlib
from pathlib import Path

import corpus.workers  # noqa: F401 - the worker loop itself

SAMPLES = Path(__file__).with_name("samples")

for _module in ("normalize.readers.pdf", "normalize.readers.docx", "corpus.report"):
    try:
        importlib.import_module(_module)
    except Exception:  # noqa: BLE001 - a reader that cannot load fails per document, with its message
        pass


def warm_up() -> None:
    """Run the first bundled sample through the per-document function (its outcome is dropped)."""
    from corpus.workers import Task, compute

    # every data file, lexicon and pattern, compiled once; the sample below stands for the sample plans
    importlib.import_module("extract.registry").warm(read_samples=False)
    samples = sorted(SAMPLES.glob("*.txt"))
    if samples:
        compute(Task(index=-1, path=str(samples[0]), sha256="", shard=""), page_lang="vi")


try:
    warm_up()
except Exception:  # noqa: BLE001 - warming up is an optimisation only
    pass
# What the warm-up built lives as long as the process: the collector need not walk it again, and
# processes forked from this one share its pages instead of copying them when it would.
gc.freeze()
