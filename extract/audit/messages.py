"""Findings built from their message templates (gazetteer/data/audit_messages.yaml).

A finding is made from a template name and the values it quotes; the values
are kept on the finding (`Finding.params`, with the template's name under
"template"), so `message(finding, "vi")` rebuilds it in Vietnamese and
`message(finding, "en")` in English (the `message` column).
"""
from __future__ import annotations

import json
from collections.abc import Mapping
from functools import lru_cache
from string import Formatter

from extract.records import Finding
from gazetteer.criteria import criteria_sets
from gazetteer.cues import load_data

LANGUAGES = ("en", "vi")
DEFAULT_LANGUAGE = "en"


@lru_cache(maxsize=1)
def templates() -> dict:
    return load_data("audit_messages.yaml")


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in Formatter().parse(text) if name}


# Values that are criteria-set codes (one, or several joined by ", "): a message names the sets in words.
SET_PARAMS = ("criteria_set", "other_sets")


def set_names(codes: str, lang: str) -> str:
    """`ntm-2021` (or `ntm-2016, ntm-nc-2021`) as the sets' names in `lang`; an unknown code stays as it is."""
    sets = criteria_sets()
    return ", ".join(sets[c].names.get(lang, c) if c in sets else c for c in str(codes).split(", "))


@lru_cache(maxsize=1)
def value_words() -> dict:
    """Words for the coded values a message shows, by value name, code and language."""
    return load_data("message_values.yaml")


def shown_value(name: str, value, lang: str):
    """A finding's value as its message shows it: a set or a status code in words, anything else as it is."""
    if name in SET_PARAMS and value:
        return set_names(value, lang)
    words = value_words().get(name)
    if words and isinstance(value, str) and value in words:
        return words[value][lang]
    return value


def render(template: str, params: dict, lang: str = DEFAULT_LANGUAGE) -> str:
    return templates()[template][lang].format(**{k: shown_value(k, v, lang) for k, v in params.items()})


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


def row_message(row, lang: str = DEFAULT_LANGUAGE) -> str:
    """A findings row's message in `lang`, rebuilt from the template and values in its `params`
    (a mapping or JSON text); a row without them, or whose values its template no longer takes
    (an output written by an older version), keeps its stored message."""
    params = row.get("params")
    if isinstance(params, str):
        try:
            params = json.loads(params)
        except ValueError:
            params = None
    if isinstance(params, Mapping) and params.get("template") in templates():
        try:
            return render(params["template"], dict(params), lang)
        except (KeyError, IndexError, ValueError):
            pass
    return row.get("message") or ""

