"""Fixtures shared by the normalize tests."""
from __future__ import annotations

import pytest

from normalize.readers import ocr


@pytest.fixture
def without_tesseract(monkeypatch):
    """Behave as on a machine where tesseract is not installed."""
    real_which = ocr.shutil.which
    monkeypatch.setattr(ocr.shutil, "which", lambda name: None if name == "tesseract" else real_which(name))
    ocr.tesseract_problem.cache_clear()
    yield
    ocr.tesseract_problem.cache_clear()
