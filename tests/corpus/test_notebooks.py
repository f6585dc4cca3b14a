"""The analyst notebooks run top to bottom on the sample run, so they never rot.

Each runs on the sample output with copies added (a byte-identical copy and a
second file of the same plan, both with `duplicate_of` set, of a document
with money in it; codes categorical and evidence a list column): what it adds up
must equal the same totals taken from the sample output itself, and each draws
its charts as images.
"""
from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))

nbformat = pytest.importorskip("nbformat", reason="nbformat is not installed (test dependency)")
nbclient = pytest.importorskip("nbclient", reason="nbclient is not installed (test dependency)")
pytest.importorskip("ipykernel", reason="ipykernel is not installed (test dependency)")
pytest.importorskip("matplotlib", reason="matplotlib is not installed (test dependency)")

FACT_TABLES = ("criteria", "criteria_status", "counts", "indicators", "funding", "deadlines", "legal_refs", "findings")
# Printed by a cell the test appends: what the notebook counted, to hold against the tables.
PROBES = {
    "province_overview": """print("PROBE", json.dumps({
        "documents": int(len(docs)),
        "funding_billion": round(float(by_year.to_numpy().sum()), 6),
        "heatmap_cells": int(grid.notna().to_numpy().sum()),
        "rates": int(len(rates)),
    }))""",
    "audit_walkthrough": """print("PROBE", json.dumps({
        "documents": int(len(docs)),
        "findings": int(len(findings)),
        "by_check": int(by_check.to_numpy().sum()),
    }))""",
}
VIETNAMESE = re.compile(r"[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]", re.IGNORECASE)


def _expected(out: Path) -> dict:
    """The totals a notebook must reach, taken from the tables with nothing counted twice (there are no copies)."""
    read = lambda name: pd.read_parquet(out / f"{name}.parquet")  # noqa: E731
    docs, fund, status = read("documents"), read("funding"), read("criteria_status")
    ind, findings = read("indicators"), read("findings")
    if "commune" not in status.columns:
        status = status.merge(docs[["doc_id", "commune"]], on="doc_id", how="left")
    return {
        "documents": len(docs),
        "funding_billion": round(float(fund.loc[fund["role"] != "total", "amount_vnd"].sum()) / 1e9, 6),
        "heatmap_cells": len(status.drop_duplicates(["commune", "criteria_set", "criterion_no"])),
        "rates": int(((ind["unit"] == "%") & (ind["role"] == "actual")).sum()),
        "findings": len(findings),
        "by_check": len(findings),
    }


def _with_copies(out: Path, folder: Path) -> Path:
    """The output `out` as a run over its files plus two copies of a document with money in it would give it."""
    shutil.copytree(out, folder)
    docs = pd.read_parquet(out / "documents.parquet")
    first = docs[docs["doc_id"] == pd.read_parquet(out / "funding.parquet")["doc_id"].iloc[0]].iloc[0]
    same_bytes = first.copy()
    same_bytes["path"] = str(Path(first["path"]).with_name("copy-" + Path(first["path"]).name))
    other_file = first.copy()  # the same plan in another format: its own doc_id and its own rows
    other_file["doc_id"] = "f" * 16
    other_file["path"] = str(Path(first["path"]).with_suffix(".docx"))
    doubled = pd.concat([docs, pd.DataFrame([same_bytes, other_file])], ignore_index=True)
    doubled["duplicate_of"] = [None] * len(docs) + [first["path"], first["path"]]
    tables = {"documents": doubled}
    for name in FACT_TABLES:
        df = pd.read_parquet(out / f"{name}.parquet")
        again = df[df["doc_id"] == first["doc_id"]].assign(doc_id=other_file["doc_id"])
        tables[name] = _as_typed(pd.concat([df, again], ignore_index=True))
    import duckdb

    con = duckdb.connect(str(folder / "ntm.duckdb"))
    try:
        for name, df in tables.items():
            df.to_parquet(folder / f"{name}.parquet", index=False)
            con.register("frame", df)
            con.execute(f'CREATE OR REPLACE TABLE "{name}" AS SELECT * FROM frame')
            con.unregister("frame")
    finally:
        con.close()
    return folder


def _as_typed(df: pd.DataFrame) -> pd.DataFrame:
    """The table as the typed contract has it, whichever the run wrote: codes categorical, evidence a list,
    `check` named `check_name`, so the notebooks are held to both forms."""
    df = df.rename(columns={"check": "check_name"}) if "check_name" not in df.columns else df.copy()
    for column in ("status", "role", "source", "severity", "check_name", "unit", "comparator", "basis", "kind"):
        if column in df.columns and df[column].dtype != "category":
            df[column] = df[column].astype("category")
    if "evidence" in df.columns:
        df["evidence"] = [json.loads(e) if isinstance(e, str) else e for e in df["evidence"]]
    return df


@pytest.fixture(scope="module")
def copied_run(sample_run, tmp_path_factory):
    out, _ = sample_run
    return out, _with_copies(out, tmp_path_factory.mktemp("copies") / "out")


def test_the_two_starting_notebooks_exist():
    assert {p.stem for p in NOTEBOOKS} >= {"province_overview", "audit_walkthrough"}


def test_the_copies_do_add_up_twice_without_duplicate_of(copied_run):
    """The check below can fail: the doubled output, read naively, gives other totals."""
    out, copied = copied_run
    fund = pd.read_parquet(copied / "funding.parquet")
    naive = round(float(fund.loc[fund["role"] != "total", "amount_vnd"].sum()) / 1e9, 6)
    assert len(pd.read_parquet(copied / "documents.parquet")) == _expected(out)["documents"] + 2
    assert naive > _expected(out)["funding_billion"] > 0


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_narrative_is_vietnamese_with_english_below(path):
    nb = nbformat.read(path, as_version=4)
    for cell in (c for c in nb.cells if c.cell_type == "markdown"):
        paragraphs = [p.strip() for p in cell.source.split("\n\n") if p.strip() and not p.startswith("#")]
        assert len(paragraphs) % 2 == 0, f"a paragraph without its twin in: {cell.source[:80]!r}"
        for vi, en in zip(paragraphs[::2], paragraphs[1::2]):
            assert VIETNAMESE.search(vi), f"not Vietnamese: {vi[:80]!r}"
            assert en.startswith("_") and en.endswith("_"), f"no English (in italics) below: {vi[:80]!r}"
        for heading in (line for line in cell.source.splitlines() if line.startswith("#")):
            assert " · " in heading and VIETNAMESE.search(heading), f"a heading in both languages: {heading!r}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs_counts_each_document_once_and_draws(path, copied_run, monkeypatch):
    out, copied = copied_run
    monkeypatch.setenv("NTM_OUT", str(copied))
    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    monkeypatch.setenv("MPLBACKEND", "Agg")
    nb = nbformat.read(path, as_version=4)
    assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code"), "commit notebooks without outputs"
    nb.cells.append(nbformat.v4.new_code_cell(PROBES[path.stem]))
    client = nbclient.NotebookClient(nb, timeout=120, kernel_name="python3",
                                     resources={"metadata": {"path": str(ROOT)}})
    client.execute()  # raises CellExecutionError on the first failing cell
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    printed = "".join(o.get("text", "") for o in outputs)
    assert f"{copied}: " in printed and " documents, 2 of them copies" in printed
    probe = json.loads(printed.rpartition("PROBE ")[2].splitlines()[0])
    expected = _expected(out)
    assert probe == {k: expected[k] for k in probe}
    images = [o for o in outputs if "image/png" in o.get("data", {})]
    assert len(images) >= {"province_overview": 3, "audit_walkthrough": 1}[path.stem]
