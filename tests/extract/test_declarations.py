"""Each record kind and check is declared once; the schema and the labels follow from the declarations."""
from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
import yaml

from corpus.schema import CONTRACT_COLUMNS, ENUMS, TABLE_NAMES, columns
from extract.metadata import DOCUMENT_ENUMS
from extract.registry import checks, components

ROOT = Path(__file__).resolve().parents[2]
LABELS = json.loads((ROOT / "corpus" / "templates" / "report_labels.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("component", components(), ids=lambda c: c.name)
def test_a_component_declares_columns_of_its_record(component):
    names = [f.name for f in dataclasses.fields(component.record)]
    assert set(component.enums) <= set(names)
    assert set(component.shown) <= set(names)
    assert component.label is None or component.label in component.enums
    assert CONTRACT_COLUMNS[component.table][6:] == [n for n, _ in component.columns()]


def test_the_schema_tables_are_the_declared_ones():
    assert TABLE_NAMES == ("documents", *(c.table for c in components()), "findings")
    assert ENUMS[("findings", "check_name")] == {c.check for c in checks()} | {"other"}
    for c in components():
        for column, values in c.enums.items():
            assert ENUMS[(c.table, column)] == set(values)
    for column, values in DOCUMENT_ENUMS.items():
        assert ENUMS[("documents", column)] == set(values)


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_every_table_and_enum_value_has_a_label(lang):
    labels = LABELS[lang]
    assert [t for t in TABLE_NAMES if t not in labels["tables"]] == []
    assert sorted({v for values in ENUMS.values() for v in values if v not in labels["enum"]}) == []


def test_every_check_has_golden_cases_that_find_it():
    cases = yaml.safe_load((ROOT / "tests" / "cases" / "audit.yaml").read_text(encoding="utf-8"))["cases"]
    expected = {check for case in cases for check in case.get("expect", [])}
    silent = [case for case in cases if not case.get("expect")]
    assert {c.check for c in checks()} <= expected
    assert silent, "golden cases need negatives beside the findings"


def test_severities_are_those_of_the_schema():
    assert {s for c in checks() for s in c.severities} <= ENUMS[("findings", "severity")]
