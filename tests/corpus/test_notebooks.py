"""The analyst notebooks run top to bottom on the sample run, so they never rot."""
from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))

nbformat = pytest.importorskip("nbformat", reason="nbformat is not installed (test dependency)")
nbclient = pytest.importorskip("nbclient", reason="nbclient is not installed (test dependency)")
pytest.importorskip("ipykernel", reason="ipykernel is not installed (test dependency)")


def test_the_two_starting_notebooks_exist():
    assert {p.stem for p in NOTEBOOKS} >= {"province_overview", "audit_walkthrough"}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs_on_the_sample_output(path, sample_run, monkeypatch):
    out, _ = sample_run
    monkeypatch.setenv("NTM_OUT", str(out))
    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    nb = nbformat.read(path, as_version=4)
    assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code"), "commit notebooks without outputs"
    client = nbclient.NotebookClient(nb, timeout=120, kernel_name="python3",
                                     resources={"metadata": {"path": str(ROOT)}})
    client.execute()  # raises CellExecutionError on the first failing cell
    printed = "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.outputs)
    assert f"{out}: " in printed and " documents" in printed
