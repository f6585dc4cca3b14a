"""The data-file loader: the C parser, when present, reads every data file as the pure one does."""
from __future__ import annotations

import io

import pytest
import yaml

from gazetteer import datafiles


def _data_files():
    return sorted(p for folder in datafiles.DATA_DIRS for p in folder.glob("*.y*ml"))


@pytest.mark.parametrize("path", _data_files(), ids=lambda p: p.name)
def test_every_data_file_parses_as_the_pure_loader_does(path):
    text = path.read_text(encoding="utf-8")
    assert datafiles.parse_yaml(text) == yaml.load(text, Loader=yaml.SafeLoader)


def test_the_c_parser_is_used_when_pyyaml_has_it():
    if not getattr(yaml, "__with_libyaml__", False):
        pytest.skip("PyYAML built without libyaml")
    assert datafiles._LOADER is yaml.CSafeLoader


def test_parse_yaml_is_safe_and_reads_files_and_text():
    assert datafiles.parse_yaml(io.StringIO("a: [1, 2]\n")) == {"a": [1, 2]}
    with pytest.raises(yaml.YAMLError):
        datafiles.parse_yaml("!!python/object/apply:os.system ['true']\n")


def test_load_data_names_a_missing_file():
    with pytest.raises(FileNotFoundError, match="no data file"):
        datafiles.load_data("no_such_table_anywhere")
