"""Duplicates: one `documents` row per input file, the facts of one content once.

A folder with byte copies, a PDF/DOCX pair of one plan and a plan per commune
gives the same totals as the same folder without the copies.
"""
from __future__ import annotations

import itertools
import os
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from corpus.batch import RunOptions, run_batch
from corpus.duplicates import NEAR_DUPLICATE, DuplicateIndex, identity_of, similarity, text_sketch
from corpus.tables import read_tables
from normalize.pipeline import normalize_path
from tests.fixtures import build

FONT = build.find_vietnamese_font()
needs_typesetting = pytest.mark.skipif(build.typesetting_problem() is not None,
                                       reason=build.typesetting_problem() or "")

PLACE = {"commune": "Xã Một", "district": "Huyện Hai", "province": "Tỉnh Ba", "plan_year": 2024, "doc_kind": "ke_hoach"}


def _sketch(seed: int, n: int = 400) -> list[int]:
    words = " ".join(f"w{seed}_{i}" for i in range(n))
    return text_sketch(words)


@pytest.fixture(scope="module")
def folders(tmp_path_factory):
    if build.typesetting_problem():
        pytest.skip(build.typesetting_problem())
    return build.duplicate_folders(tmp_path_factory.mktemp("dups"), FONT)


@pytest.fixture(scope="module")
def runs(folders, tmp_path_factory):
    out = tmp_path_factory.mktemp("dup-runs")
    options = RunOptions(workers=2, progress="none", reports=False, xlsx=False)
    plain = run_batch([folders.plain], out / "plain", options)
    copies = run_batch([folders.copies], out / "copies", options)
    return (plain, read_tables(out / "plain")), (copies, read_tables(out / "copies")), out


def _totals(tables) -> dict:
    funding = tables["funding"]
    return {
        "funding_sum": int(funding["amount_vnd"].dropna().astype("int64").sum()),
        "funding_rows": len(funding),
        "criteria": Counter(zip(tables["criteria"]["doc_id"], tables["criteria"]["status"].astype(str))),
        "criteria_status": Counter(tuple(map(str, r)) for r in tables["criteria_status"][
            ["doc_id", "criteria_set", "period", "criterion_no", "status", "basis"]].itertuples(index=False)),
        "rows": {name: len(tables[name]) for name in tables if name != "documents"},
    }


@needs_typesetting
def test_copies_add_documents_rows_but_no_facts(runs, folders):
    (plain, plain_tables), (copies, copy_tables), _ = runs
    assert plain.duplicates == 0 and copies.duplicates == len(folders.duplicates) == 5
    assert copies.n_documents == plain.n_documents + copies.duplicates
    assert _totals(copy_tables) == _totals(plain_tables)
    assert _totals(plain_tables)["funding_sum"] > 0 and _totals(plain_tables)["rows"]["criteria_status"] > 0


@needs_typesetting
def test_each_duplicate_names_the_first_file_of_its_content(runs, folders):
    _, (_, tables), _ = runs
    docs = tables["documents"]
    root = str(folders.copies)
    got = {Path(p).relative_to(root).as_posix(): (Path(d).relative_to(root).as_posix() if isinstance(d, str) else None)
           for p, d in zip(docs["path"], docs["duplicate_of"])}
    assert {k: v for k, v in got.items() if v} == folders.duplicates
    assert got["d_retold.pdf"] is None  # another commune's plan of the same template is its own document
    assert len(docs) == len(set(docs["path"]))


@needs_typesetting
def test_views_count_each_content_once(runs):
    _, (_, tables), out = runs
    con = duckdb.connect(str(out / "copies" / "ntm.duckdb"), read_only=True)
    try:
        n_facts = con.execute("SELECT count(*) FROM facts WHERE table_name = 'funding'").fetchone()[0]
        latest = con.execute("SELECT commune, criteria_set, criterion_no, count(*) FROM criteria_latest "
                             "GROUP BY ALL HAVING count(*) > 1").fetchall()
    finally:
        con.close()
    assert n_facts == len(tables["funding"]) and latest == []


@needs_typesetting
def test_a_rerun_gives_the_same_tables_and_a_removed_first_file_hands_over(runs, folders, tmp_path):
    _, (copies, tables), out = runs
    options = RunOptions(workers=1, progress="none", reports=False, xlsx=False)
    again = run_batch([folders.copies], out / "copies", options)
    assert again.processed == 0 and again.duplicates == copies.duplicates
    moved = tmp_path / "copies"
    shutil.copytree(folders.copies, moved)
    (moved / "a_plan.docx").unlink()
    run_batch([moved], tmp_path / "out", options)
    docs = read_tables(tmp_path / "out")["documents"]
    first = dict(zip(docs["path"].map(lambda p: Path(p).relative_to(moved).as_posix()), docs["duplicate_of"]))
    assert pd.isna(first["a_plan.pdf"])  # the PDF is now the first of its content
    assert Path(first["z/a_plan.pdf"]).name == "a_plan.pdf"


@needs_typesetting
def test_similarity_figures_of_the_threshold(folders, capsys):
    """The figures `corpus.duplicates` states: the same plan in two formats against distinct plans."""
    texts = {p.relative_to(folders.copies).as_posix(): normalize_path(p).text
             for p in folders.copies.rglob("*") if p.is_file()}
    sk = {k: text_sketch(v) for k, v in texts.items()}
    pair = similarity(sk["a_plan.pdf"], sk["a_plan.docx"])
    retold = similarity(sk["d_retold.pdf"], sk["a_plan.docx"])
    distinct = max(similarity(sk[a], sk[b]) for a, b in itertools.combinations(["a_plan.docx", "b_plan.txt", "c_plan.txt"], 2))
    with capsys.disabled():
        print(f"\n5-gram similarity: PDF/DOCX of one plan {pair:.3f}; the template retold for another commune "
              f"{retold:.3f}; distinct plans at most {distinct:.3f}; threshold {NEAR_DUPLICATE}")
    assert pair >= NEAR_DUPLICATE > distinct


def test_byte_copies_are_duplicates_whatever_their_format_or_text():
    index = DuplicateIndex()
    assert index.check("h1", "a.txt", "txt", None) is None
    assert index.check("h1", "b.md", "md", None) == "a.txt"
    assert index.check("h2", "c.txt", "txt", None) is None
    assert index.duplicates == 1


def test_the_same_text_in_another_format_is_a_duplicate_unless_its_fields_differ():
    index = DuplicateIndex()
    assert index.check("h1", "a.docx", "docx", _sketch(1), identity_of(PLACE)) is None
    assert index.check("h2", "a.pdf", "pdf", _sketch(1), identity_of(PLACE)) == "a.docx"
    assert index.check("h3", "b.pdf", "pdf", _sketch(1), identity_of({**PLACE, "commune": "Xã Khác"})) is None
    assert index.check("h4", "c.pdf", "pdf", _sketch(1), identity_of({**PLACE, "plan_year": 2025})) is None
    unknown = {**PLACE, "commune": None}
    assert index.check("h5", "d.txt", "txt", _sketch(1), identity_of(unknown)) == "a.docx"  # unknown is no conflict


def test_near_texts_of_one_format_and_distinct_texts_are_not_duplicates():
    index = DuplicateIndex()
    assert index.check("h1", "a.txt", "txt", _sketch(1), identity_of(PLACE)) is None
    assert index.check("h2", "b.txt", "txt", _sketch(1), identity_of(PLACE)) is None
    assert index.check("h3", "c.pdf", "pdf", _sketch(2), identity_of(PLACE)) is None
    assert index.duplicates == 0


def test_a_short_or_missing_text_has_no_sketch():
    assert text_sketch(None) is None and text_sketch("") is None and text_sketch("một hai ba bốn năm") is None
    sketch = text_sketch(" ".join(f"w{i}" for i in range(500)))
    assert sketch == sorted(sketch) and len(sketch) == 64
    assert similarity(sketch, sketch) == 1.0 and similarity(sketch, _sketch(9)) < 0.1


def test_the_run_summary_counts_the_duplicates(tmp_path):
    from typer.testing import CliRunner

    from corpus.cli import app

    folder = tmp_path / "in"
    folder.mkdir()
    sample = sorted(build.SAMPLES.glob("*.txt"))[-1]
    for name in ("a.txt", "b.txt", "c.md"):
        shutil.copyfile(sample, folder / name)
    result = CliRunner().invoke(app, ["run", str(folder), "--out", str(tmp_path / "out"), "--workers", "1",
                                      "--no-report", "--no-xlsx"])
    assert result.exit_code == 0, result.output
    assert "3 documents (ok 3; 2 duplicates;" in result.output
    docs = pd.read_parquet(tmp_path / "out" / "documents.parquet")
    assert docs["duplicate_of"].isna().sum() == 1 and docs["doc_id"].nunique() == 1
    once = pd.read_parquet(tmp_path / "out" / "criteria.parquet")
    assert len(once) and len(once) == len(once.drop_duplicates(["char_start", "char_end", "criterion_no", "status"]))


def test_one_template_for_many_communes_in_two_formats_still_finds_the_true_pair():
    """Plans of one template share most 5-grams: the candidates are narrowed to the commune, so the
    pair of one commune's plan is found however many other communes' plans came before."""
    index = DuplicateIndex()
    sketch = _sketch(3)
    for i in range(300):
        fmt = "pdf" if i % 2 else "docx"
        assert index.check(f"h{i}", f"{i:03d}.{fmt}", fmt, sketch, identity_of({**PLACE, "commune": f"Xã {i}"})) is None
    assert index.check("h-pair", "299-copy.docx", "docx", sketch,
                       identity_of({**PLACE, "commune": "Xã 299"})) == "299.pdf"
    assert index.duplicates == 1


def test_a_sketch_is_the_same_in_every_process_and_run():
    """Sketches are stored in a run's shards and compared between documents: the hash must not be salted
    (Python's hash() is), and a change of it must reach the pipeline key, so no shard keeps an old sketch."""
    from corpus.manifest import _PIPELINE_SOURCES

    text = " ".join(f"w{i}" for i in range(500))
    script = "import sys; from corpus.duplicates import text_sketch; print(text_sketch(sys.argv[1])[:4])"
    seeds = {seed: subprocess.run([sys.executable, "-c", script, text], capture_output=True, text=True, check=True,
                                  cwd=Path(__file__).resolve().parents[2],
                                  env={**os.environ, "PYTHONHASHSEED": seed}).stdout
             for seed in ("1", "2")}
    assert seeds["1"] == seeds["2"] == f"{text_sketch(text)[:4]}\n"
    assert text_sketch(text)[:2] == [15045732917549124, 42733434759205073]
    assert "corpus/duplicates.py" in _PIPELINE_SOURCES
