"""The batch on the sample corpus: every table, its columns, its provenance."""
from __future__ import annotations

import pandas as pd
import pyarrow.parquet as pq
import pytest

from corpus.schema import ENUMS, TABLE_NAMES, columns


def test_every_table_written_in_every_format(sample_run):
    out, _ = sample_run
    import duckdb

    con = duckdb.connect(str(out / "ntm.duckdb"), read_only=True)
    for name in TABLE_NAMES:
        assert (out / f"{name}.csv").read_bytes().startswith(b"\xef\xbb\xbf"), "CSV must carry a BOM for Excel"
        assert pq.read_schema(out / f"{name}.parquet").names == columns(name)
        assert [r[0] for r in con.execute(f'DESCRIBE "{name}"').fetchall()] == columns(name)
    con.close()


def test_one_document_row_per_file(sample_run, sample_paths):
    _, tables = sample_run
    docs = tables["documents"]
    assert len(docs) == len(sample_paths)
    assert set(docs["status"]) == {"ok"}


def test_quote_is_the_span_of_the_normalized_text(sample_run, sample_docs):
    _, tables = sample_run
    text_of = {d.doc_id: d.text for d in sample_docs.values()}
    checked = 0
    for name in TABLE_NAMES:
        if name == "documents":
            continue
        df = tables[name]
        for r in df.itertuples():
            if pd.isna(r.char_start):
                continue
            assert r.quote == text_of[r.doc_id][int(r.char_start):int(r.char_end)], (name, r)
            checked += 1
    assert checked > 50


def test_enum_columns_hold_contract_values(sample_run):
    _, tables = sample_run
    for (table, col), allowed in ENUMS.items():
        values = set(tables[table][col].dropna().astype(str))
        assert values <= allowed, (table, col, values - allowed)
