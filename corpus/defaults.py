"""The run's default limits, kept apart so the command line can show them without loading the batch layer."""
from __future__ import annotations

DEFAULT_TIMEOUT_S = 120
DEFAULT_MAX_MEMORY_MB = 2048
DEFAULT_MAX_DOCS_PER_WORKER = 200
ENGINES = ("local", "dask")
# The report's languages, the first the default; the same as the languages of
# corpus/templates/report_labels.json (a test holds them together).
LANGUAGES = ("vi", "en")
