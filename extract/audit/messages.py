"""Findings built from their message templates (gazetteer/data/audit_messages.yaml).

A finding is made from a template name and the values it quotes; the values
are kept on the finding (`Finding.params`, with the template's name under
"template"), so `message(finding, "vi")` rebuilds it in Vietnamese and
`message(finding, "en")` in English (the `message` column).
"""
from __future__ import annotations

from functools import lru_cache
from string import Formatter

from extract.records import Finding
from gazetteer.cues import load_data

LANGUAGES = ("en", "vi")
DEFAULT_LANGUAGE = "en"


@lru_cache(maxsize=1)
def templates() -> dict:
    return load_data("audit_messages.yaml")


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in Formatter().parse(text) if name}


def render(template: str, params: dict, lang: str = DEFAULT_LANGUAGE) -> str:
    return templates()[template][lang].format(**params)


def make_finding(template: str, evidence, **params) -> Finding:
    """The finding of `template` with its check and severity, its message and its values."""
    t = templates()[template]
    values = {"template": template, **params}
    return Finding(t["check"], t["severity"], render(template, values), [tuple(e) for e in evidence],
                   params=values)


def message(finding: Finding, lang: str = DEFAULT_LANGUAGE) -> str:
    """The finding's message in `lang`; a finding made without a template keeps its own."""
    name = finding.params.get("template")
    if not name:
        return finding.message
    return render(name, finding.params, lang)
