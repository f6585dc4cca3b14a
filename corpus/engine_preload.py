"""Imported once by the local engine's fork server, so every worker forked from it starts warm.

It loads the readers and runs one bundled sample through the pipeline, which
fills the caches the extractors build on first use (gazetteer, patterns):
a worker then pays that cost zero times instead of once per recycling.
"""
from __future__ import annotations

import importlib

import corpus.workers  # noqa: F401 - the worker loop itself

for _module in ("normalize.readers.pdf", "normalize.readers.docx"):
    try:
        importlib.import_module(_module)
    except Exception:  # noqa: BLE001 - a reader that cannot load fails per document, with its message
        pass


def _warm_up() -> None:
    from corpus.batch import sample_corpus
    from corpus.process import process_file

    samples = sorted(sample_corpus().glob("*.txt"))
    if samples:
        process_file(samples[0])


try:
    _warm_up()
except Exception:  # noqa: BLE001 - warming up is an optimisation only
    pass
