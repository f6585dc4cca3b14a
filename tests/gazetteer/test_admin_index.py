"""The shipped name index of the administrative units is what its builder makes from the installed dataset."""
from __future__ import annotations

import json

import pytest

from gazetteer import admin


@pytest.fixture
def fresh_index(monkeypatch):
    """`admin._gazetteer` rebuilt on next use, and again after the test."""
    admin._gazetteer.cache_clear()
    yield
    admin._gazetteer.cache_clear()


def _snapshot(g) -> tuple:
    return tuple((list(ix.strict.items()), list(ix.loose.items()), list(ix.alias.items()))
                 for ix in (g.communes, g.districts, g.provinces)) + (list(g.keys.items()),)


def test_shipped_index_is_what_the_builder_makes_from_the_dataset():
    shipped = json.loads(admin.INDEX_FILE.read_text(encoding="utf-8"))
    assert shipped == admin.index_from_package(), "rebuild it: python -m gazetteer.admin"


def test_index_read_from_the_file_equals_the_one_built_from_the_dataset(fresh_index):
    built = admin._from_index_data(admin.index_from_package())
    assert _snapshot(admin._gazetteer()) == _snapshot(built)
    assert len(built.communes.loose) > 5000 and len(built.provinces.strict) == 63


@pytest.mark.parametrize("content", ['{"source": "another dataset", "units": []}', "{not json", ""])
def test_a_stale_or_broken_index_file_is_not_used(tmp_path, monkeypatch, fresh_index, content):
    stale = tmp_path / "admin_index.json"
    stale.write_text(content, encoding="utf-8")
    monkeypatch.setattr(admin, "INDEX_FILE", stale)
    assert _snapshot(admin._gazetteer()) == _snapshot(admin._from_index_data(admin.index_from_package()))
    assert admin.lookup_province("Hà Tĩnh") is not None
    assert stale.read_text(encoding="utf-8") == content  # a lookup never writes


def test_a_missing_index_file_is_built_from_the_dataset(tmp_path, monkeypatch, fresh_index):
    monkeypatch.setattr(admin, "INDEX_FILE", tmp_path / "none.json")
    assert admin.lookup_province("Hà Tĩnh").code == admin.lookup_province("Tỉnh Hà Tĩnh").code
    assert not (tmp_path / "none.json").exists()


def test_write_index_file_writes_the_builder_output(tmp_path):
    written = admin.write_index_file(tmp_path / "index.json")
    assert json.loads(written.read_text(encoding="utf-8")) == admin.index_from_package()
    assert [p.name for p in tmp_path.iterdir()] == ["index.json"]
