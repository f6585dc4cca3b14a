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


def test_a_rerun_with_nothing_changed_touches_no_folder(tmp_path, monkeypatch):
    import shutil

    import corpus.batch as batch
    from corpus.batch import RunOptions, run_batch
    from tests.fixtures import build

    folder = tmp_path / "in"
    folder.mkdir()
    for sample in sorted(build.SAMPLES.glob("*.txt"))[:2]:
        shutil.copy(sample, folder / sample.name)
    out = tmp_path / "out"
    options = RunOptions(workers=1, progress="none", reports=False, xlsx=False)
    run_batch([folder], out, options)

    def no_new_folder(out):
        raise AssertionError("an unchanged rerun must not start a new output folder")

    with monkeypatch.context() as patch:
        patch.setattr(batch, "new_output_folder", no_new_folder)
        again = run_batch([folder], out, options)
        assert (again.processed, again.reused, again.n_documents) == (0, 2, 2)
        changed = sorted(folder.glob("*.txt"))[0]
        changed.write_text(changed.read_text(encoding="utf-8") + "\nPhụ lục thêm.\n", encoding="utf-8")
        with pytest.raises(AssertionError, match="unchanged rerun"):
            run_batch([folder], out, options)
    redone = run_batch([folder], out, options)
    assert (redone.processed, redone.reused) == (1, 1)


def test_the_workers_server_can_be_stopped_mid_warm_up_and_started_again(tmp_path):
    import os
    from multiprocessing import forkserver

    from corpus.engine import start_workers_server, stop_workers_server
    from corpus.batch import RunOptions, run_batch
    from tests.fixtures import build

    stop_workers_server()  # whatever an earlier test left running
    start_workers_server()
    pid = forkserver._forkserver._forkserver_pid
    assert pid
    stop_workers_server()
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)  # ended and reaped, not left behind as a zombie
    report = run_batch([sorted(build.SAMPLES.glob("*.txt"))[0]], tmp_path / "out",
                       RunOptions(workers=1, progress="none", reports=False, xlsx=False))
    assert report.by_status == {"ok": 1}
