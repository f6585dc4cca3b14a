"""Reruns: unchanged files are reused, changed ones redone, and the tables equal a full run's."""
from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

import corpus
from corpus.batch import RunOptions, run_batch
from corpus.manifest import read_manifest
from corpus.schema import TABLE_NAMES
from tests.fixtures import build


def _same_tables(a: Path, b: Path) -> None:
    ta, tb = corpus.read(a), corpus.read(b)
    for name in TABLE_NAMES:
        pd.testing.assert_frame_equal(ta[name], tb[name], obj=name)


@pytest.fixture()
def folder(tmp_path) -> Path:
    folder = tmp_path / "in"
    shutil.copytree(build.SAMPLES, folder)
    return folder


def _options(**kwargs) -> RunOptions:
    return RunOptions(workers=2, progress="none", **kwargs)


def test_rerun_reuses_unchanged_files_and_redoes_changed_ones(folder, tmp_path):
    out = tmp_path / "out"
    first = run_batch([folder], out, _options())
    assert (first.processed, first.reused) == (5, 0)

    files = sorted(folder.glob("*.txt"))
    files[0].write_text(files[0].read_text(encoding="utf-8") + "\nPhụ lục bổ sung.\n", encoding="utf-8")
    files[1].unlink()
    shutil.copy(files[2], folder / "moved copy.txt")
    files[3].rename(folder / "renamed.txt")
    again = run_batch([folder], out, _options())
    assert (again.processed, again.reused) == (1, 4), "only the changed file is redone; copies and renames are not"

    run_batch([folder], tmp_path / "full", _options(force=True))
    _same_tables(out, tmp_path / "full")


def test_nothing_changed_means_nothing_processed(folder, tmp_path):
    out = tmp_path / "out"
    run_batch([folder], out, _options())
    again = run_batch([folder], out, _options())
    assert (again.processed, again.reused) == (0, 5)
    forced = run_batch([folder], out, _options(force=True))
    assert (forced.processed, forced.reused) == (5, 0)


def test_a_new_pipeline_redoes_everything(folder, tmp_path, monkeypatch):
    out = tmp_path / "out"
    run_batch([folder], out, _options())
    monkeypatch.setattr("corpus.batch.pipeline_key", lambda: "another-pipeline")
    again = run_batch([folder], out, _options())
    assert (again.processed, again.reused) == (5, 0)
    key, entries = read_manifest(out)
    assert key == "another-pipeline" and len(entries) == 5


def test_the_manifest_lists_every_file_with_its_shard(folder, tmp_path):
    out = tmp_path / "out"
    run_batch([folder], out, _options())
    _, entries = read_manifest(out)
    assert [Path(e.path).name for e in entries] == sorted(p.name for p in folder.iterdir())
    shards = {p.name for p in (out / "cache" / "shards").iterdir()}
    assert {e.shard for e in entries} == shards
    assert all(e.status == "ok" and e.cacheable for e in entries)
