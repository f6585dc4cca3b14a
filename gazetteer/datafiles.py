"""The loader of every data file of `gazetteer/data/` and `extract/data/` (see `gazetteer.lexicon`).

It depends on nothing else in the project, so the lowest layers (the
diacritic fold) load their tables through it too.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

# libyaml's parser when PyYAML was built with it (about eight times faster on these files), else the pure one.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

DATA_DIRS = (Path(__file__).resolve().parent / "data", Path(__file__).resolve().parents[1] / "extract" / "data")


@lru_cache(maxsize=None)
def load_data(name: str) -> Any:
    """A YAML file of `gazetteer/data/` or `extract/data/` by name (".yaml" optional), parsed once.

    Callers must not change what it returns."""
    file = name if name.endswith((".yaml", ".yml")) else f"{name}.yaml"
    for folder in DATA_DIRS:
        path = folder / file
        if path.is_file():
            with open(path, encoding="utf-8") as fh:
                return parse_yaml(fh)
    raise FileNotFoundError(f"no data file {file} in {', '.join(str(d) for d in DATA_DIRS)}")


def parse_yaml(stream) -> Any:
    """YAML text or an open file parsed as `yaml.safe_load` does, with the C parser when there is one."""
    return yaml.load(stream, Loader=_LOADER)  # noqa: S506 - a safe loader (CSafeLoader or SafeLoader)
