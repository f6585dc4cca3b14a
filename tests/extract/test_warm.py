"""The worker warm-up (`extract.registry.warm`) compiles every pattern, so no document pays for one.

A compile is counted where the `regex` and `re` engines build a new pattern
(their caches of compiled patterns miss); after `warm()`, reading the texts
of the golden cases, which reach far more rules than the sample plans the
warm-up reads, builds none.
"""
from __future__ import annotations

import re
import sys

import pytest
import regex
import yaml

from extract.registry import extract_document, warm
from normalize.pipeline import normalize_raw
from normalize.raw import RawDocument
from tests.extract.helpers import CASES

_re_compiler = sys.modules[re.compile.__module__ + "._compiler"]


class _CountingEngine:
    """The `regex` C engine, counting the patterns compiled through it."""

    def __init__(self, engine, seen: list) -> None:
        self._engine, self._seen = engine, seen

    def compile(self, pattern, *args, **kwargs):
        self._seen.append(pattern)
        return self._engine.compile(pattern, *args, **kwargs)

    def __getattr__(self, name):
        return getattr(self._engine, name)


@pytest.fixture
def compiled(monkeypatch) -> list:
    """Patterns compiled from now on, by either engine."""
    seen: list = []
    monkeypatch.setattr(regex._main, "_regex", _CountingEngine(regex._main._regex, seen))
    real_compile = _re_compiler.compile

    def counting(pattern, flags=0):
        seen.append(pattern)
        return real_compile(pattern, flags)

    monkeypatch.setattr(_re_compiler, "compile", counting)
    return seen


def _case_texts() -> list[str]:
    texts = []
    for path in sorted(CASES.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        texts += [c["text"] for c in data.get("cases", []) if isinstance(c, dict) and isinstance(c.get("text"), str)]
    return texts


def _read(text: str):
    return extract_document(normalize_raw(RawDocument(text=text, file_type="txt", markup="plain")))


def test_the_counter_sees_a_new_pattern(compiled):
    regex.compile(r"(?P<counter_probe>\d+)-" + str(len(compiled)) + "-probe")
    re.compile(r"(?P<counter_probe>\d+)=probe")
    assert len(compiled) == 2


def test_after_warm_no_document_compiles_a_pattern(compiled):
    warm()
    compiled.clear()
    texts = _case_texts()
    assert len(texts) > 300
    for text in texts:
        _read(text)
    _read("\n\n".join(texts))  # one long document, every rule at once
    assert compiled == []


def test_warm_twice_compiles_nothing_the_second_time(compiled):
    warm()
    compiled.clear()
    warm()
    assert compiled == []


def _compiles_after_warm_without_samples() -> int:
    """In a fresh process: how many patterns reading the case texts compiles after `warm(read_samples=False)`."""
    seen: list = []
    regex._main._regex = _CountingEngine(regex._main._regex, seen)
    real_compile = _re_compiler.compile
    _re_compiler.compile = lambda pattern, flags=0: seen.append(pattern) or real_compile(pattern, flags)
    warm(read_samples=False)
    seen.clear()
    texts = _case_texts()
    for text in texts:
        _read(text)
    _read("\n\n".join(texts))
    return len(seen)


def test_warm_without_the_samples_still_compiles_every_pattern():
    """What the workers' server runs (it reads one sample itself afterwards), in a process nothing warmed before."""
    import subprocess
    from pathlib import Path

    code = "from tests.extract.test_warm import _compiles_after_warm_without_samples as f; print(f())"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                          cwd=Path(__file__).resolve().parents[2])
    assert done.stdout.strip() == "0"
