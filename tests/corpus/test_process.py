"""A document's rows as the worker builds them from the extractors' records."""
from __future__ import annotations

import dataclasses

from corpus.process import _record_row
from extract.registry import extract_document
from normalize.pipeline import normalize_path
from tests.fixtures import build

SCALARS = (str, int, float, bool, type(None))


def test_a_row_holds_each_record_field_as_it_is():
    """Rows are read field by field, without `dataclasses.asdict`'s deep copy: the same row as long as
    every field is a scalar, as it is in every record of the sample plans."""
    for sample in sorted(build.SAMPLES.glob("*.txt")):
        doc = normalize_path(sample)
        for table, recs in extract_document(doc).records.items():
            for rec in recs:
                row = _record_row(doc, rec)
                fields = {k: v for k, v in dataclasses.asdict(rec).items() if k not in ("start", "end")}
                assert {k: row[k] for k in fields} == fields, table
                assert all(isinstance(value, SCALARS) for value in row.values()), (table, row)
                assert (row["char_start"], row["char_end"], row["quote"]) == (rec.start, rec.end,
                                                                            doc.text[rec.start:rec.end])
                assert "start" not in row and "end" not in row
