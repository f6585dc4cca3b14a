"""Document types, document-number codes and issuer codes (ký hiệu văn bản).

A Vietnamese document number carries its type and issuer: "318/QĐ-TTg" is a
Quyết định (decision) of the Thủ tướng (Prime Minister), "26-NQ/TW" a Party
Nghị quyết of the Central Committee, "2251/BTNMT-KSONMT" a công văn (official
letter) of a ministry. The tables are in `data/doc_types.yaml`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import regex

from .lexicon import load_data, words_alternation
from .text import fold, fold_key

_PART_SPLIT = regex.compile(r"[/\-–—.\s_]+")
_YEAR = regex.compile(r"(?:19|20)\d\d")
_MARKUP = regex.compile(r"^[\s#*_>|`\-–•+]+|[\s*_|`]+$")


@dataclass(frozen=True)
class DocType:
    id: str
    words: tuple[str, ...]
    codes: tuple[str, ...]
    ref_type: str
    doc_kind: str


@dataclass(frozen=True)
class Issuer:
    code: str | None
    name: str
    national: bool
    pattern: str | None = None


def _code_key(code: str) -> str:
    """Case- and diacritic-insensitive key of a code part ("QĐ" → "QD", "BNN&PTNT" → "BNNPTNT")."""
    return fold(code).upper().replace("&", "")


@dataclass
class _Tables:
    types: dict[str, DocType]
    by_word: dict[str, str]
    code_tiers: tuple[dict[str, str], dict[str, str], dict[str, str]]
    issuer_tiers: tuple[dict[str, Issuer], dict[str, Issuer], dict[str, Issuer]]
    issuer_patterns: list[tuple["regex.Pattern[str]", Issuer]]


def _tiered(items: list[tuple[str, object]]) -> tuple[dict, dict, dict]:
    """Exact, upper-cased and folded lookups; earlier entries win a folded collision."""
    exact, upper, folded = {}, {}, {}
    for key, value in items:
        exact.setdefault(key, value)
        upper.setdefault(key.upper(), value)
        folded.setdefault(_code_key(key), value)
    return exact, upper, folded


def _lookup(tiers: tuple[dict, dict, dict], part: str):
    exact, upper, folded = tiers
    for table, key in ((exact, part), (upper, part.upper()), (folded, _code_key(part))):
        if key in table:
            return table[key]
    return None


@lru_cache(maxsize=1)
def _tables() -> _Tables:
    raw = load_data("doc_types.yaml")
    types = {
        t["id"]: DocType(t["id"], tuple(t["words"]), tuple(t.get("codes") or ()), t["ref_type"], t["doc_kind"])
        for t in raw["types"]
    }
    by_word = {fold_key(w): t.id for t in types.values() for w in t.words}
    code_items = [(c, t.id) for t in types.values() for c in t.codes]
    issuer_items, patterns = [], []
    for i in raw["issuers"]:
        issuer = Issuer(i.get("code"), i["name"], bool(i.get("national")), i.get("pattern"))
        if issuer.pattern:
            patterns.append((regex.compile(issuer.pattern), issuer))
        for code in filter(None, [i.get("code"), *(i.get("aliases") or ())]):
            issuer_items.append((code, issuer))
    return _Tables(types, by_word, _tiered(code_items), _tiered(issuer_items), patterns)


def doc_types() -> dict[str, DocType]:
    return _tables().types


def doc_type_of_word(word: str) -> str | None:
    """Type id of a type word as written ("Quyết định", "KẾ HOẠCH") or None."""
    return _tables().by_word.get(fold_key(word))


def legal_ref_type(doc_type: str | None) -> str:
    """The `legal_refs.ref_type` value for a type id (`other` outside that enum)."""
    t = _tables().types.get(doc_type or "")
    return t.ref_type if t else "other"


def _issuer_of_part(part: str) -> Issuer | None:
    found = _lookup(_tables().issuer_tiers, part)
    if found is not None:
        return found
    key = _code_key(part)
    for pattern, issuer in _tables().issuer_patterns:
        if pattern.fullmatch(key):
            return issuer
    return None


def _parts(code: str) -> list[str]:
    return [p for p in _PART_SPLIT.split(code.strip()) if p]


def doc_type_of_code(code: str) -> str | None:
    """Type id from a document number or its code part ("QĐ-TTg", "26-NQ/TW").

    A number whose first code part is an issuer and that has no year
    ("2251/BTNMT-KSONMT", "123/UBND-NN") is a công văn: official letters
    carry no type abbreviation. Numbers like "25/2021/QH15" stay None (a law
    or resolution; the type word decides).
    """
    parts = _parts(code)
    tables = _tables()
    for part in parts:
        if part.isdigit():
            continue
        found = _lookup(tables.code_tiers, part)
        if found is not None:
            return found
        if _issuer_of_part(part) is not None and not any(_YEAR.fullmatch(p) for p in parts):
            return "cong_van"
        return None
    return None


def issuer_of_code(code: str) -> str | None:
    """Issuer implied by a code when it names a unique national body, else None.

    "QĐ-TTg" → "Thủ tướng Chính phủ", "25/2021/QH15" → "Quốc hội"; "KH-UBND"
    → None (which UBND must come from the text).
    """
    tables = _tables()
    for part in _parts(code):
        if part.isdigit() or _lookup(tables.code_tiers, part) is not None:
            continue
        issuer = _issuer_of_part(part)
        if issuer is not None:
            return issuer.name if issuer.national else None
    return None


def issuer_name(abbreviation: str) -> str | None:
    """Expansion of one issuer abbreviation, national or local ("UBND" → "Ủy ban nhân dân")."""
    issuer = _issuer_of_part(abbreviation.strip())
    return issuer.name if issuer else None


def type_words() -> set[str]:
    """Every type word, as the data writes it ("Quyết định", "Kế hoạch")."""
    return {w for t in _tables().types.values() for w in t.words}


def type_word_pattern(folded: bool = False) -> str:
    """Regex alternation source of all type words, longest first.

    For the original text the group is case-insensitive (titles are written
    in capitals); with `folded=True` it is meant for `fold(text)`.
    """
    words = type_words()
    if folded:
        return "(?:" + words_alternation({fold(w) for w in words}) + ")"
    return "(?i:" + words_alternation(words) + ")"


@lru_cache(maxsize=1)
def _title_words() -> list[str]:
    return sorted(_tables().by_word, key=len, reverse=True)


@lru_cache(maxsize=1)
def _title_word_pattern() -> "regex.Pattern[str]":
    """Every type word, longest first, one named group each: the first that opens the line wins."""
    alts = [f"(?P<w{i}>" + r"\s+".join(map(regex.escape, w.split())) + r")(?![\p{L}\p{N}])"
            for i, w in enumerate(_title_words())]
    return regex.compile("|".join(alts))


def doc_kind_of_title(line: str) -> str | None:
    """`documents.doc_kind` of a title line ("KẾ HOẠCH", "**BÁO CÁO** kết quả …").

    The type word must open the line and be written in capitals, as
    Vietnamese administrative titles are; other lines give None. Recognised
    types outside the doc_kind enum give "other".
    """
    text = _MARKUP.sub("", line)
    tables = _tables()
    m = _title_word_pattern().match(fold(text))
    if m is not None:
        word = m.lastgroup and _title_words()[int(m.lastgroup[1:])]
        written = text[: m.end()]
        if not any(c.isalpha() for c in written) or written != written.upper():
            return None
        return tables.types[tables.by_word[word]].doc_kind
    return None
