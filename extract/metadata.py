"""The `documents` fields written in the text: kind, number, date, place, programme, signer.

A Vietnamese administrative document has a fixed frame (Nghị định 30/2020/NĐ-CP):
issuing body and "Số: …" at the top left, place and date at the top right, the
kind in capitals ("KẾ HOẠCH") over its title, and the signature block last
("TM. ỦY BAN NHÂN DÂN / KT. CHỦ TỊCH / PHÓ CHỦ TỊCH / name"). Each field is
read from its place in that frame, and places are checked against the gazetteer.
"""
from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

import regex

from extract.dates import find_periods, parse_issued_line
from extract.records import DocumentMeta
from gazetteer import admin
from gazetteer.cues import signer_titles
from gazetteer.doccodes import doc_kind_of_title, doc_type_of_code
from gazetteer.lexicon import expand, pattern, words
from gazetteer.text import fold, fold_key, matches_at

if TYPE_CHECKING:
    from extract.prepare import PreparedDoc

# The values the `documents` fields read from the text may take (SCHEMA.md).
DOCUMENT_ENUMS: dict[str, tuple[str, ...]] = {
    "doc_kind": ("ke_hoach", "bao_cao", "nghi_quyet", "to_trinh", "quyet_dinh", "other"),
    "programme": ("ntm", "ntm_nang_cao", "ntm_kieu_mau"),
    "criteria_set": ("ntm-2016", "ntm-2021", "ntm-nc-2021", "ntm-km-2021"),
}
HEADER_LINES = 14  # the frame's top lines come before this many lines, at most
_DOC_NUMBER = pattern(r"^\s*(?i:@{number_word})\s*[:.]?\s*(?P<n>[^\s].*?)\s*$")
_NAME_WORD = r"\p{Lu}[\p{Ll}\p{M}]*"
_PLACE_NAME = rf"(?P<name>{_NAME_WORD}(?:\s+(?:{_NAME_WORD}|\d+)){{0,3}})"
_UNIT_PREFIX = {level: expand(f"@{{unit_words_{level}}}") for level in ("commune", "district", "province")}
_UNIT_MENTION = {
    level: regex.compile(rf"(?<![\p{{L}}])(?i:{prefix})\s+{_PLACE_NAME}") for level, prefix in _UNIT_PREFIX.items()
}
# Where a _UNIT_MENTION can start, found on the folded text (much faster than its case-insensitive words).
_UNIT_START = {level: pattern(rf"(?<![\p{{L}}])(?:@{{unit_words_{level}:folded}})\s") for level in _UNIT_PREFIX}
_COMMITTEE_LINE = pattern(r"^(?:(?i:@{people_committee})\s+)?(?:@{unit_words_commune:upper})\s+(?P<n>[\p{Lu}\s]+)$")
_ON_BEHALF = pattern(r"^(?:@{signing_on_behalf:folded})\.?\s+")  # on the folded key of a title line
_PERSON = regex.compile(rf"^{_NAME_WORD}(?:\s+{_NAME_WORD}){{1,4}}$")


def _title_case(s: str) -> str:
    return " ".join(w[:1].upper() + w[1:].lower() for w in s.split())


def extract_metadata(ctx: "PreparedDoc") -> DocumentMeta:
    st = ctx.structure
    lines = st.lines
    head = lines[: max(min(st.first_section, HEADER_LINES), 1)]
    meta = DocumentMeta()

    kind_line = None
    for ln in head:
        kind = doc_kind_of_title(ln.text)
        if kind:
            meta.doc_kind, kind_line = kind, ln
            break
    place = None
    for ln in head:
        if meta.doc_number is None:
            m = _DOC_NUMBER.match(ln.text)
            if m and "/" in m.group("n"):
                meta.doc_number = m.group("n")
        if meta.issued_date is None:
            parsed = parse_issued_line(ln.text)
            if parsed:
                meta.issued_date, place = parsed
    if meta.doc_kind is None and meta.doc_number:
        meta.doc_kind = _kind_from_number(meta.doc_number)
    if meta.doc_kind is None:
        meta.doc_kind = "other"

    if kind_line is not None and kind_line.index + 1 < len(lines):
        nxt = lines[kind_line.index + 1]
        if nxt.scheme not in ("roman", "part"):
            meta.title = nxt.text.strip()
    meta.plan_year = _plan_year(meta)

    _resolve_places(ctx, meta, head, place)
    _resolve_programme(ctx, meta)
    meta.signer, meta.signer_title = _signature(lines)
    return meta


def _kind_from_number(number: str) -> str | None:
    kind = doc_type_of_code(number.strip("/ "))
    return kind if kind in {"ke_hoach", "bao_cao", "nghi_quyet", "to_trinh", "quyet_dinh"} else None


def _plan_year(meta: DocumentMeta) -> int | None:
    if meta.title:
        years = [p for p in find_periods(meta.title) if getattr(p, "kind", "single") != "range" and p.period]
        if years:
            return int(years[-1].period[:4])
    if meta.issued_date:
        return int(meta.issued_date[:4])
    return None


def _mentions(text: str, level: str, folded: str | None = None) -> Counter:
    found: Counter = Counter()
    folded = fold(text) if folded is None else folded
    starts = [c.start() for c in _UNIT_START[level].finditer(folded)]
    for m in matches_at(_UNIT_MENTION[level], text, starts):
        found[m.group("name")] += 1
    return found


def _resolve_places(ctx: "PreparedDoc", meta: DocumentMeta, head, place: str | None) -> None:
    text = ctx.text
    provinces = _mentions(text, "province", ctx.folded)
    districts = _mentions(text, "district", ctx.folded)
    communes = _mentions(text, "commune", ctx.folded)
    # The issuing body's line ("XÃ THẠCH CẨM", "UBND XÃ …") names the commune in capitals.
    head_names = []
    for ln in head:
        m = _COMMITTEE_LINE.match(ln.text.strip())
        if m:
            head_names.append(_title_case(m.group("n")))
    # Then the title's "xã …", the commune named most often, and last the date line's place
    # (which may be the district town).
    title_communes = [n for n, _ in _mentions(meta.title or "", "commune").most_common()]
    commune_cands = head_names + title_communes + [n for n, _ in communes.most_common()] + ([place] if place else [])

    province_unit = None
    for name, _ in provinces.most_common():
        province_unit = admin.lookup_province(name)
        if province_unit:
            break
    district_unit = None
    for name, _ in districts.most_common():
        found = admin.lookup_district(name, province=province_unit.name if province_unit else None)
        if len(found) == 1:
            district_unit = found[0]
            break
    commune_unit = None
    for name in commune_cands:
        found = admin.lookup_commune(
            name,
            district=district_unit.name if district_unit else None,
            province=province_unit.name if province_unit else None,
        )
        if len(found) == 1:
            commune_unit = found[0]
            break
    if commune_unit is not None:
        meta.commune, meta.commune_code = commune_unit.name, commune_unit.code
        meta.district, meta.district_code = commune_unit.district, commune_unit.district_code
        meta.province, meta.province_code = commune_unit.province, commune_unit.province_code
        return
    if commune_cands:
        meta.commune = commune_cands[0]
    if district_unit is not None:
        meta.district, meta.district_code = district_unit.name, district_unit.code
        meta.province, meta.province_code = district_unit.province, district_unit.province_code
    elif province_unit is not None:
        meta.province, meta.province_code = province_unit.name, province_unit.code


def _resolve_programme(ctx: "PreparedDoc", meta: DocumentMeta) -> None:
    from gazetteer.criteria import criteria_sets

    title = fold(meta.title or "")
    cset = ctx.criteria_set
    meta.criteria_set = cset
    model = next((fold(w) for w in words("model_programme") if fold(w) in title), None)
    if model and not any(fold(v) in title.split(model)[0][-12:] for v in words("model_village_words")):
        meta.programme = "ntm_kieu_mau"
    elif any(fold(w) in title for w in words("advanced_programme")):
        meta.programme = "ntm_nang_cao"
    elif cset:
        meta.programme = criteria_sets()[cset].programme
    else:
        head = fold(ctx.text[:5000])
        meta.programme = "ntm" if any(fold(w) in head for w in words("programme_names")) else None


def _signature(lines) -> tuple[str | None, str | None]:
    """The signer is the last person-like line; the title, the last title line above it."""
    titles = signer_titles()["titles"]
    title_keys = [(fold_key(t), t) for t in titles]
    tail = lines[-12:]
    signer, title = None, None
    for k in range(len(tail) - 1, -1, -1):
        text = tail[k].text.strip()
        if signer is None:
            if _PERSON.match(text) and not text.isupper():
                signer = text
                # Title lines sit right above the name.
                for j in range(k - 1, max(k - 5, -1), -1):
                    key = fold_key(tail[j].text)
                    key = _ON_BEHALF.sub("", key)
                    hit = next((t for tk, t in title_keys if key == tk), None)
                    if hit:
                        title = hit
                        break
                break
    return signer, title
