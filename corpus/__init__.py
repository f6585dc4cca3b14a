"""The batch layer of ntm: run a folder of documents, get the tables.

    import corpus
    tables = corpus.run(["archive/"], out="out/")
    tables.criteria            # a pandas DataFrame per table of the contract
"""
from __future__ import annotations

__version__ = "0.1.0"


def run(paths=None, out=None, **kwargs):
    from corpus.batch import run as _run

    return _run(paths, out=out, **kwargs)


def read(out):
    """The tables of a finished run, from its output folder."""
    from corpus.tables import read_tables

    return read_tables(out)
