"""The tables' contract as the batch layer reads it, and what the extractors declare."""
import subprocess
import sys

from corpus import contract
from corpus.schema import declared_contract


def test_written_contract_is_what_the_extractors_declare():
    written = {name: getattr(contract, name) for name in declared_contract()}
    assert written == declared_contract(), "the declarations changed: run `python -m corpus.schema`"


def test_the_batch_layer_loads_without_the_extractors():
    code = ("import sys, corpus.batch, corpus.engine; "
            "print(sorted(m for m in sys.modules if m.startswith('extract.') and m != 'extract.records'))")
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert loaded == "[]"
