"""Fuzzing the PDF and DOCX readers: mutated bytes of valid files are read or refused, nothing else."""
from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from corpus.process import process_file
from normalize.raw import RawDocument, ReadError
from normalize.readers import read_path
from tests.fixtures import build

STATUSES = {"ok", "empty", "needs_ocr", "error"}
FUZZ = settings(max_examples=60, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


@pytest.fixture(scope="module")
def seeds(tmp_path_factory) -> dict[str, bytes]:
    problem = build.typesetting_problem()
    if problem:
        pytest.skip(problem)
    folder = tmp_path_factory.mktemp("seeds")
    pdf = build.typeset_pdf(folder / "seed.pdf", build.sample_paragraphs(limit=6), build.find_vietnamese_font(),
                            table_after=2).path
    docx = build.docx_with_table(folder / "seed.docx", build.sample_paragraphs(limit=6))
    return {"pdf": pdf.read_bytes(), "docx": docx.read_bytes()}


# A mutation: (kind, position as a share of the file, length, a byte value).
mutations = st.lists(
    st.tuples(st.sampled_from(["flip", "cut", "zero", "insert", "truncate"]),
              st.floats(0, 1), st.integers(1, 64), st.integers(0, 255)),
    min_size=1, max_size=4,
)


def mutate(data: bytes, steps) -> bytes:
    buf = bytearray(data)
    for kind, where, length, value in steps:
        at = int(where * max(0, len(buf) - 1))
        if kind == "flip":
            buf[at:at + length] = bytes(b ^ value for b in buf[at:at + length])
        elif kind == "cut":
            del buf[at:at + length]
        elif kind == "zero":
            buf[at:at + length] = bytes(len(buf[at:at + length]))
        elif kind == "insert":
            buf[at:at] = bytes([value]) * length
        else:
            del buf[at:]
    return bytes(buf)


def _check(suffix: str, data: bytes) -> None:
    folder = Path(tempfile.mkdtemp(prefix="ntm-fuzz-"))
    try:
        path = folder / f"fuzzed.{suffix}"
        path.write_bytes(data)
        try:
            assert isinstance(read_path(path), RawDocument)
        except ReadError:
            pass
        result = process_file(path)
        assert result.document["status"] in STATUSES
        assert result.document["status"] == "ok" or result.document["error"]
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@FUZZ
@given(steps=mutations)
def test_mutated_pdf_is_read_or_refused(seeds, steps):
    _check("pdf", mutate(seeds["pdf"], steps))


@FUZZ
@given(steps=mutations)
def test_mutated_docx_is_read_or_refused(seeds, steps):
    _check("docx", mutate(seeds["docx"], steps))
