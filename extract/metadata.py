"""The `documents` fields written in the text: kind, number, date, place, programme, signer.

A Vietnamese administrative document has a fixed frame (Nghị định 30/2020/NĐ-CP):
issuing body and "Số: …" at the top left, place and date at the top right, the
kind in capitals ("KẾ HOẠCH") over its title, and the signature block last
("TM. ỦY BAN NHÂN DÂN / KT. CHỦ TỊCH / PHÓ CHỦ TỊCH / name"). Each field is
read from its place in that frame, and places are checked against the gazetteer.
"""
from __future__ import annotations

import bisect
import re
from collections import Counter
from functools import lru_cache
from typing import TYPE_CHECKING

import regex

from extract.dates import find_periods, parse_issued_line
from extract.records import DocumentMeta
from extract.tables import header_block, signature_block
from gazetteer import admin
from gazetteer.cues import signer_titles
from gazetteer.doccodes import doc_kind_of_title, doc_type_of_code
from gazetteer.lexicon import expand, load_data, pattern, prefix_alternation, words, words_alternation
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
HEAD_YEAR_CHARS = 1500  # the years written this far in date a document that gives no date
HEADLINE_CHARS = 160  # a first line longer than this is a paragraph, not a headline
TITLE_WRAP_LINES = 4  # a title in capitals runs over this many lines at most
# The number ends at a table cell's edge: a header block read as one line joins its cells with " | ".
_DOC_NUMBER = pattern(r"^\s*(?i:@{number_word})\s*[:.]?\s*(?P<n>[\d/][^|]*?)\s*(?:\|.*)?$")


_NAME_WORD = r"\p{Lu}[\p{Ll}\p{M}]*"
_PLACE_NAME = rf"(?P<name>{_NAME_WORD}(?:[ \t]+(?:{_NAME_WORD}|\d+)){{0,3}})"
_UNIT_PREFIX = {level: expand(f"@{{unit_words_{level}}}") for level in ("commune", "district", "province")}
_UNIT_MENTION = {
    level: regex.compile(rf"(?<![\p{{L}}])(?i:{prefix})\s+{_PLACE_NAME}") for level, prefix in _UNIT_PREFIX.items()
}
# Where a _UNIT_MENTION can start, found on the folded text (much faster than its case-insensitive
# words). A standard `re` trie without the lookbehind finds a few more places, and far faster:
# _UNIT_MENTION's own lookbehind drops those preceded by a letter.
_UNIT_START = {level: re.compile(rf"(?:{prefix_alternation(fold(w) for w in words(f'unit_words_{level}'))})\s")
               for level in _UNIT_PREFIX}
_COMMITTEE_LINE = pattern(r"^(?:(?i:@{people_committee})\s+)?(?:@{unit_words_commune:upper})\s+(?P<n>[\p{Lu}\s]+)$")


_ON_BEHALF = pattern(r"^(?:@{signing_on_behalf:folded})\.?\s+")  # on the folded key of a title line
_UNIT_MENTION_ANY_CASE = {
    level: regex.compile(rf"(?<![\p{{L}}])(?i:{prefix})\s+(?P<name>(?:[\p{{Ll}}\p{{M}}]+|\p{{Lu}}[\p{{Lu}}\p{{M}}]+)(?:[ \t]+(?:[\p{{Ll}}\p{{M}}]+|\p{{Lu}}[\p{{Lu}}\p{{M}}]+)){{1,2}})")
    for level, prefix in _UNIT_PREFIX.items()
}
_LOOKUP = {"district": lambda name: admin.lookup_district(name), "province": lambda name: admin.lookup_province(name)}
# Runs of two or three capitalised words: the shape of a place name written bare.
_TITLE_WORDS = regex.compile(r"(?<![\p{L}\p{M}])\p{Lu}[\p{Ll}\p{M}]+(?:[ \t]+\p{Lu}[\p{Ll}\p{M}]+){1,2}(?![\p{L}\p{M}])")


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
    block = header_block(ctx.doc.tables, ctx.text, _DOC_NUMBER) if ctx.doc.tables else None
    if block is not None:  # a header block laid out as a table: its cells, not its joined lines
        meta.doc_number = block.doc_number[0] if block.doc_number else meta.doc_number
        if block.issued_date:
            meta.issued_date, place = block.issued_date, block.place
    box = _info_box(lines[: _frame()["frame_search_lines"]])
    if meta.doc_kind is None and "kind" in box:
        meta.doc_kind = doc_kind_of_title(box["kind"].upper())
    if meta.doc_number is None and "number" in box:
        meta.doc_number = box["number"]
    if meta.issued_date is None:
        meta.issued_date, place = _late_issued_date(ctx, lines, box, place)
    if meta.doc_kind is None and meta.doc_number:
        meta.doc_kind = _kind_from_number(meta.doc_number)
    if meta.doc_kind is None:
        meta.doc_kind = "other"

    if kind_line is not None and kind_line.index + 1 < len(lines):
        nxt = lines[kind_line.index + 1]
        if nxt.scheme not in ("roman", "part"):
            meta.title = nxt.text.strip()
            # a title in capitals wrapped over lines ("… ĐẠT CHUẨN NÔNG THÔN MỚI" / "NÂNG CAO …")
            for ln in lines[nxt.index + 1: nxt.index + TITLE_WRAP_LINES]:
                if not (meta.title.isupper() and ln.text.strip().isupper() and ln.scheme is None):
                    break
                meta.title += " " + ln.text.strip()
    meta.plan_year = _plan_year(meta)

    _resolve_places(ctx, meta, head, place, block.issuer if block else None)
    _resolve_programme(ctx, meta)
    meta.signer, meta.signer_title = _signature(lines)
    if meta.signer is None and ctx.doc.tables:
        meta.signer, meta.signer_title = signature_block(ctx.doc.tables, ctx.text, signer_titles()["titles"], _PERSON)
    if meta.signer is None and "signer" in box and _PERSON.match(box["signer"]):
        meta.signer = box["signer"]
    return meta


@lru_cache(maxsize=1)
def _frame() -> dict:
    """extract/data/document_frame.yaml with its patterns compiled."""
    data = dict(load_data("document_frame"))
    labels = words_alternation(data["info_box_labels"])
    data["box_re"] = regex.compile(rf"(?<!\p{{L}})(?P<label>{labels})\s*:\s*\|?\s*(?P<value>.*?)\s*(?=\||(?<!\p{{L}})(?:{labels})\s*:|$)",
                                   regex.IGNORECASE)
    data["field_of"] = {" ".join(w.lower().split()): field for field, ws in data["info_box"].items() for w in ws}
    data["line_words_re"] = regex.compile(rf"(?<!\p{{L}})(?:{words_alternation(data['date_line_words'])})(?!\p{{L}})",
                                          regex.IGNORECASE)
    return data


_CLOCK = regex.compile(r"(?<!\d)\d{1,2}:\d{2}(?::\d{2})?(?!\d)")


_COVER = regex.compile(r"^\s*(?P<place>\p{Lu}[\p{L}\p{M}]*(?:\s+\p{Lu}[\p{L}\p{M}]*){0,3})\s*[-–—,]\s*(?P<y>(?:19|20)\d\d)\s*$")


def _info_box(lines) -> dict[str, str]:
    """The fields of a legal-document site's info box ("Loại văn bản: | Nghị quyết |")."""
    frame = _frame()
    box: dict[str, str] = {}
    for ln in lines:
        if ":" not in ln.text:  # every field is written "label: value"
            continue
        for m in frame["box_re"].finditer(ln.text):
            field = frame["field_of"].get(" ".join(m["label"].lower().split()))
            if field and field not in box and m["value"].strip(" |"):
                box[field] = m["value"].strip(" |")
    return box


_LETTER = regex.compile(r"\p{L}")


def _date_line(ctx: "PreparedDoc", ln) -> tuple[str, bool] | None:
    """(ISO date, has a time) of a news page's date line: one date, a time, weekday and label words only."""
    dates = [d for d in _dates_in(ctx, ln.start, ln.end) if d.precision == "day"]
    if len(dates) != 1:
        return None
    d = dates[0]
    rest = ctx.text[ln.start:d.start] + " " + ctx.text[d.end:ln.end]
    has_time = bool(_CLOCK.search(rest))
    rest = _frame()["line_words_re"].sub(" ", _CLOCK.sub(" ", rest))
    if _LETTER.search(rest):
        return None
    return d.iso, has_time


def _dates_in(ctx: "PreparedDoc", start: int, end: int) -> list:
    """The dates the prepared document found in [start, end)."""
    i = bisect.bisect_left(ctx.date_starts, start)
    out = []
    while i < len(ctx.dates) and ctx.dates[i].start < end:
        out.append(ctx.dates[i])
        i += 1
    return out


def _late_issued_date(ctx: "PreparedDoc", lines, box: dict[str, str], place: str | None) -> tuple[str | None, str | None]:
    """The document's date when the head holds no "Place, ngày …" line: the info box, a formal
    date line further down (after an info box), a news date line (one with a time first), the
    place and year at the foot of a cover ("HÀ NỘI – 2019")."""
    frame = _frame()
    search = lines[: frame["frame_search_lines"]]
    if "issued" in box and search:
        for d in _dates_in(ctx, search[0].start, search[-1].end):
            if d.precision == "day" and d.text in box["issued"]:
                return d.iso, place
    for ln in search:
        parsed = parse_issued_line(ln.text)
        if parsed:
            return parsed
    found = [(not r[1], k, r[0]) for k, ln in enumerate(lines[: frame["date_line_lines"]])
             if (r := _date_line(ctx, ln))]
    if found:
        return min(found)[2], place
    for ln in search:
        m = _COVER.match(ln.text)
        if m and admin.lookup_province(m["place"]):
            return m["y"], place
    return None, place


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
    if level == "commune":
        return found
    # "huyện lộc bình", "TỈNH THÁI NGUYÊN": a name not in title case counts when the gazetteer knows it
    for m in matches_at(_UNIT_MENTION_ANY_CASE[level], text, starts):
        words = m.group("name").split()
        for k in range(len(words), 1, -1):
            name = _title_case(" ".join(words[:k]))
            if _LOOKUP[level](name):
                found[name] += 1
                break
    return found


def _bare_province(ctx: "PreparedDoc", meta: DocumentMeta) -> "admin.AdminUnit | None":
    """A province named without "tỉnh" ("Nghệ An hiện có 299 xã …"): the one named in the
    headline or title, else the one named most often (at least twice, more than any other)."""
    counts = Counter()
    for m in _TITLE_WORDS.finditer(ctx.text):
        unit = admin.province_of_name(m.group())
        if unit is not None:
            counts[unit.code] += 1
    if not counts:
        return None
    subject = _subject(ctx, meta)
    named = [u for u in (admin.province_of_name(m.group()) for m in _TITLE_WORDS.finditer(subject)) if u]
    if len({u.code for u in named}) == 1:
        return named[0]
    (code, n), *rest = counts.most_common(2) + [(None, 0)]
    if n >= 2 and n > rest[0][1]:
        return admin.lookup_province_code(code)
    return None


def _resolve_places(ctx: "PreparedDoc", meta: DocumentMeta, head, place: str | None, issuer: str | None = None) -> None:
    text = ctx.text
    provinces = _mentions(text, "province", ctx.folded)
    districts = _mentions(text, "district", ctx.folded)
    communes = _mentions(text, "commune", ctx.folded)
    # The issuing body's line ("XÃ THẠCH CẨM", "UBND XÃ …") names the commune in capitals.
    head_names = []
    for line in [*(ln.text for ln in head), *([issuer] if issuer else [])]:
        m = _COMMITTEE_LINE.match(line.strip())
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
        if len(found) > 1 and district_unit is None and districts:
            # "xã Mỹ Thuận … huyện Bình Tân": two names, each ambiguous, that meet in one unit
            named = {fold_key(n) for n in districts}
            found = [u for u in found if fold_key(u.district) in named]
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
    else:
        bare = _bare_province(ctx, meta)
        if bare is not None:
            meta.province, meta.province_code = bare.name, bare.code


_PROGRAMME_PHRASE = {
    "ntm_kieu_mau": pattern(r"(?<!\p{L})(?P<lead>\p{L}+\s+)?(?:@{programme_names:folded})\s+(?:@{model_programme:folded})(?!\p{L})"),
    "ntm_nang_cao": pattern(r"(?<!\p{L})(?P<lead>\p{L}+\s+)?(?:@{programme_names:folded})\s+(?:@{advanced_programme:folded})(?!\p{L})"),
}


def _subject(ctx: "PreparedDoc", meta: DocumentMeta) -> str:
    """What the document is about: its title, and its first line (a news headline)."""
    lines = ctx.structure.lines
    first = [ln.text for ln in lines[:1] if len(ln.text) <= HEADLINE_CHARS]
    # a headline in capitals wrapped over two lines
    if first and first[0].isupper() and len(lines) > 1 and lines[1].text.isupper():
        first.append(lines[1].text)
    return " ".join([meta.title or "", *first])


def _named_programme(subject: str) -> str | None:
    """The programme the subject names: "nông thôn mới nâng cao" / "NTM kiểu mẫu" (not "thôn
    … kiểu mẫu", a village programme); "nâng cao" alone ("nâng cao chất lượng") names none."""
    folded = " ".join(fold(subject).split())
    villages = {fold(w) for w in words("model_village_words")}
    for programme, phrase in _PROGRAMME_PHRASE.items():
        for m in phrase.finditer(folded):
            if programme == "ntm_kieu_mau" and (m["lead"] or "").strip() in villages:
                continue
            return programme
    return None


def _base_set(year: int | None) -> str | None:
    """The basic criteria set in force in `year`."""
    from gazetteer.criteria import criteria_sets

    if year is None:
        return None
    found = [cs.id for cs in criteria_sets().values() if cs.level == "basic" and cs.period and cs.period[0] <= year <= cs.period[1]]
    return found[0] if len(found) == 1 else None


def _resolve_programme(ctx: "PreparedDoc", meta: DocumentMeta) -> None:
    """The programme named by the subject; else that of the criteria set the text votes for.
    A nâng cao / kiểu mẫu set voted for by a document whose subject names neither (a report
    on the basic programme that mentions the advanced one) gives way to the basic set of its year."""
    from gazetteer.criteria import criteria_sets

    cset = ctx.criteria_set
    named = _named_programme(_subject(ctx, meta))
    if named is None and cset and criteria_sets()[cset].level != "basic":
        year = int(meta.issued_date[:4]) if meta.issued_date else meta.plan_year
        if year is None:
            years = [int(p.period[:4]) for p in ctx.head_periods(HEAD_YEAR_CHARS)
                     if p.kind != "range" and p.period]
            year = max(years) if years else None
        base = _base_set(year)
        # criterion names only the advanced set has are evidence of it; "nâng cao" in the text is not
        sets = criteria_sets()
        own_names = sum(1 for mn in ctx.mentions
                        if mn.sets and cset in mn.sets and not any(sets[x].level == "basic" for x in mn.sets))
        cset = cset if own_names else base
    meta.criteria_set = cset
    if named:
        meta.programme = named
    elif cset or ctx.criteria_set:
        meta.programme = criteria_sets()[cset or ctx.criteria_set].programme if cset else "ntm"
    else:
        head = ctx.folded[:5000]
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
