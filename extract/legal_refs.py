"""Cited documents (văn bản được viện dẫn): one `LegalRef` per distinct document.

A citation is a document number (số hiệu văn bản) in one of the two official
shapes, optionally led by its type word and "số":

- state documents "số[/năm]/loại-cơ quan": "Quyết định số 318/QĐ-TTg",
  "Nghị quyết số 25/2021/QH15", "Công văn số 2251/BTNMT-KSONMT";
- Party documents "số-loại/cơ quan": "Nghị quyết số 09-NQ/ĐU".

What follows the number is read in the order Vietnamese writes it: the date
("ngày 08/3/2022"), the issuer ("của Thủ tướng Chính phủ") and the subject
("về việc ban hành …", "phê duyệt …"). A number without a type word counts
only when its code names a known document type or issuer (gazetteer), and the
document's own number line ("Số: 12/KH-UBND") is not a citation. Repeated
citations of one document give one row: the first mention's span, with fields
missing there filled in from later mentions.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

import regex

from extract.component import Component
from extract.records import LegalRef
from gazetteer.doccodes import (
    doc_type_of_code,
    doc_type_of_word,
    issuer_name,
    issuer_of_code,
    legal_ref_type,
    type_word_pattern,
)
from gazetteer.lexicon import expand, pattern
from gazetteer.text import fold, match_at, matches_at

if TYPE_CHECKING:
    from extract.prepare import PreparedDoc

# A code part as written: capital first ("QĐ", "TTg", "QH15", "BNN&PTNT"); validated in code.
_CODE_PART = r"\p{Lu}[\p{L}\d&]*"
_SEP_SLASH = r"\s?/\s?"
_DASHES = "-–—―‐‑−"  # hyphen, en/em dash, horizontal bar and the other dashes OCR writes for "-"
_SEP_DASH = rf"\s?[{_DASHES}]\s?"
_NUMBER_RE = regex.compile(
    rf"""
    (?:(?<![\p{{L}}\d.,/])(?<!\p{{L}}-)|(?<=[{_DASHES}]\p{{Lu}}{{1,4}}))  # or inside a form code: "M2.1-TT40/2014/TT-…"
    (?:
      (?P<num>\d{{1,6}})(?:{_SEP_SLASH}(?P<year>(?:19|20)\d\d))?{_SEP_SLASH}
        (?P<code>{_CODE_PART}(?:(?:{_SEP_DASH}|{_SEP_SLASH}){_CODE_PART})*)
      |(?P<pnum>\d{{1,6}}){_SEP_DASH}(?P<pcode>{_CODE_PART}(?:{_SEP_SLASH}{_CODE_PART})+)
    )
    """,
    regex.VERBOSE,
)
_PART_SPLIT = regex.compile(rf"(\s?[{_DASHES}/]\s?)")
# The separator before a number's code: after its digits (and a blank), before a letter. Slashes and
# dashes are rare, so a standard `re` scan finds these far faster than _NUMBER_RE is tried everywhere.
_CODE_SEPARATOR = re.compile(rf"[{_DASHES}/](?:(?<=\d[{_DASHES}/])|(?<=\d\s[{_DASHES}/]))(?=\s?[^\W\d_])")
_DIGITS_BEFORE = re.compile(r"\d+\Z")
_NUMBER_BEFORE_YEAR = re.compile(r"\d{1,6}\s?/\s?\Z")


_CUT_OFF = regex.compile(rf"[{_DASHES}/][ \t]*(?:\n|\Z|(?!\p{{L}}))")  # "5313/QĐ- " then no issuer: cut off

# Grammar words of a citation (what comes between and after its parts).
_NUMBER_WORD = expand(r"(?i:@{number_word})(?:\s*[:.])?")
_OWN_NUMBER_LINE = pattern(rf"^\s*{_NUMBER_WORD}\s*\Z")


_DATE_GAP = pattern(r"[\s,;(]*(?:(?i:@{signing_verbs})\s+)?(?:(?i:@{day_word})\s*)?\Z")
_ISSUER_LEAD = pattern(r"[\s,]*(?i:@{issuer_lead})\s+")


_ISSUER_STOP = pattern(
    r"\s*[,;:.()\n]|\s+(?=(?i:@{issuer_stops})(?!\p{L}))"
    r"|\s+(?=(?:@{conjunction})\s+\p{Ll})"
)
# An issuer ends with its place name: "UBND tỉnh Thanh Hóa", "Đảng bộ xã Cẩm Thạch".
_ISSUER_PLACE = pattern(
    r"(?<!\p{L})(?i:@{unit_words})\s+"
    r"(?:\p{Lu}[\p{L}]*|\d+)(?:\s+(?:\p{Lu}[\p{L}]*|\d+)){0,3}"
)
_SUBJECT_LEAD = pattern(r"[\s,]*(?:(?i:@{subject_leads})\s*:?\s*)")


_SUBJECT_VERB = pattern(r"[\s,]*(?=(?i:@{subject_verbs})(?!\p{L}))")
_SUBJECT_BARE = regex.compile(r"[ \t]+(?=\p{Lu}\p{Ll})")


# A subject ends at a clause end, or where the sentence's own subject takes over
# (", UBND xã báo cáo như sau:"): a comma before an issuer abbreviation.
_SUBJECT_END = regex.compile(r";|\n|\.(?=\s|\Z)|:(?=\s|\Z)|,(?=\s+(?P<abbr>\p{Lu}{2,})(?!\p{L}))|\Z")


_CODE_PARTS = regex.compile(r"[-/]")
_SUBJECT_MAX = 250
DATE_AFTER_WINDOW = 60  # the date of a citation ends this close after its number
# What may come before a date that opens a sentence: nothing, or a source tag ("(Cổng TTĐT) - ").
_CLAUSE_LEAD = regex.compile(r"(?:[^\d.;]{0,40}[-–—:)]\s*)?\s*")


DATE_BEFORE_GAP = 60  # and ends this close to the citation
_LOOKBACK = 90
# Types cited by a name between the type word and "số": "Luật Bảo vệ môi trường số 72/2020/QH14".
_NAMED_TYPES = frozenset({"luat"})


@lru_cache(maxsize=None)
def _lead_patterns() -> tuple["regex.Pattern[str]", "regex.Pattern[str]", "regex.Pattern[str]"]:
    """Type word right before the number; type word + a name + "số" (laws); a code abbreviation + "số"."""
    words = type_word_pattern()
    direct = regex.compile(rf"(?<!\p{{L}})(?P<type>{words})\s*(?:{_NUMBER_WORD}\s*)?\Z")
    named = regex.compile(
        rf"(?<!\p{{L}})(?P<type>{words})(?:\s+[\p{{L}}\d]+,?){{1,8}}?\s+{_NUMBER_WORD}\s*\Z"
    )
    abbreviation = regex.compile(rf"(?<!\p{{L}})(?P<type>\p{{Lu}}[\p{{L}}]{{0,4}})\s+{_NUMBER_WORD}\s*\Z")
    return direct, named, abbreviation


def _is_code_part(part: str) -> bool:
    """A code part has two capitals ("QĐ", "TTg", "QH15") or is a known type or issuer code."""
    if sum(1 for c in part if c.isupper()) >= 2:
        return True
    return doc_type_of_code(part) is not None or issuer_name(part) is not None


def _is_known_part(part: str) -> bool:
    return doc_type_of_code(part) is not None or issuer_name(part) is not None


@dataclass(slots=True)
class _Number:
    start: int
    end: int
    ref_id: str
    number: str
    year: int | None


def _valid_prefix(code: str) -> tuple[str, int] | None:
    """Longest run of valid code parts from the start: (normalized code, written length)."""
    pieces = _PART_SPLIT.split(code)  # part, sep, part, sep, ...
    kept, length = "", 0
    for i in range(0, len(pieces), 2):
        part = pieces[i]
        sep = pieces[i - 1] if i else ""
        spaced = sep != sep.strip()
        if not _is_code_part(part) or (spaced and not _is_known_part(part)):
            break
        mark = sep.strip()
        kept += ("-" if mark and mark in _DASHES else mark) + part
        length += len(sep) + len(part)
    return (kept, length) if kept else None


def _number_starts(text: str) -> list[int]:
    """Every offset where a _NUMBER_RE match can begin: the digits before a code's separator,
    and before a year there ("25/2021/QH15") the digits before the year."""
    out = set()
    for sep in _CODE_SEPARATOR.finditer(text):
        end = sep.start() - 1 if text[sep.start() - 1].isspace() else sep.start()
        digits = _DIGITS_BEFORE.search(text, max(0, end - 7), end).start()  # no match begins in a longer run
        out.add(digits)
        if end - digits == 4 and text[digits:digits + 2] in ("19", "20"):
            number = _NUMBER_BEFORE_YEAR.search(text, max(0, digits - 9), digits)
            if number:
                out.add(number.start())
    return sorted(out)


def find_document_numbers(text: str) -> list[_Number]:
    """Document numbers with stray spaces removed: "40/2014/ TT - BNNPTNT" → "40/2014/TT-BNNPTNT"."""
    out: list[_Number] = []
    for m in matches_at(_NUMBER_RE, text, _number_starts(text)):
        if m.start() > 0 and text[m.start() - 1].isalpha() and not (m["year"] and m["num"]):
            continue  # inside a form code only a full "số/năm/loại-cơ quan" number is a citation
        if m["num"]:
            valid = _valid_prefix(m["code"])
            if valid is None:
                continue
            code, length = valid
            if "-" not in code and match_at(_CUT_OFF, text, m.start("code") + length):
                continue  # "số 5313/QĐ-" with the issuer cut off: no legible number
            year = m["year"]
            ref_id = f"{m['num']}/{year}/{code}" if year else f"{m['num']}/{code}"
            out.append(_Number(m.start(), m.start("code") + length, ref_id, m["num"], int(year) if year else None))
        else:
            valid = _valid_prefix(m["pcode"])
            if valid is None or "/" not in valid[0]:
                continue
            code, length = valid
            out.append(_Number(m.start(), m.start("pcode") + length, f"{m['pnum']}-{code}", m["pnum"], None))
    return out


def ref_key(ref_id: str) -> str:
    """Identity of a document number: no spaces, đ folded, upper case ("09-NQ/ĐU" → "09-NQ/DU")."""
    return fold("".join(ref_id.split())).replace("–", "-").upper()


def _type_lead(text: str, start: int) -> tuple[int, str] | None:
    """(start, type id) of the type word leading the number at `start`, if any."""
    line_start = text.rfind("\n", 0, start) + 1
    window_start = max(line_start, start - _LOOKBACK)
    direct, named, abbreviation = _lead_patterns()
    m = direct.search(text, window_start, start)
    if m and doc_type_of_word(m["type"]):
        return m.start(), doc_type_of_word(m["type"])
    m = named.search(text, window_start, start)
    if m and doc_type_of_word(m["type"]) in _NAMED_TYPES:
        return m.start(), doc_type_of_word(m["type"])
    m = abbreviation.search(text, window_start, start)
    if m:
        t = doc_type_of_code(m["type"])
        if t:
            return m.start(), t
    return None


def _issued_date(ctx: "PreparedDoc", end: int) -> tuple[str | None, int | None, int]:
    """(ISO date, year, end) of the date written right after a number ("ngày 08/3/2022"),
    read from the dates the prepared document found."""
    text = ctx.text
    i = bisect.bisect_left(ctx.date_starts, end)
    if i < len(ctx.dates):
        d = ctx.dates[i]
        if d.end <= end + DATE_AFTER_WINDOW and _DATE_GAP.match(text[end:d.start]):
            iso = d.iso if d.precision in ("day", "month") else None
            return iso, int(d.iso[:4]), d.end
    return None, None, end


_DIGIT = regex.compile(r"\d")


def _date_before(ctx: "PreparedDoc", start: int) -> tuple[str | None, int | None]:
    """The date a sentence opens with before the citation: "Ngày 20/5/2025, UBND tỉnh đã có
    Quyết định số 456/QĐ-UBND …" (no other number between)."""
    s, _ = ctx.sentence_at(start)
    for d in ctx.dates:
        if d.start >= start:
            break
        lead = ctx.text[s:d.start]
        if d.precision == "day" and s <= d.start and _CLAUSE_LEAD.fullmatch(lead) \
                and not _DIGIT.search(ctx.text, d.end, start) and start - d.end <= DATE_BEFORE_GAP:
            return d.iso, int(d.iso[:4])
    return None, None


def _issuer(text: str, pos: int) -> tuple[str | None, int]:
    """Issuer written as "của …" at `pos`, cut at the subject or after its place name."""
    lead = match_at(_ISSUER_LEAD, text, pos)
    if lead is None:
        return None, pos
    start = lead.end()
    limit = min(len(text), start + 160)
    stop = _ISSUER_STOP.search(text, start, limit)
    end = stop.start() if stop else limit
    place = _ISSUER_PLACE.search(text, start, end)
    if place:
        end = place.end()
    written = text[start:end].strip()
    if not written or not written[0].isupper():
        return None, pos
    return " ".join(written.split()), start + len(text[start:end].rstrip())


def _subject(text: str, pos: int, after_date: bool, numbers_after: list[_Number]) -> str | None:
    """Subject as written after the citation: "về việc ban hành …", "phê duyệt …"."""
    m = match_at(_SUBJECT_LEAD, text, pos) or match_at(_SUBJECT_VERB, text, pos)
    if m is None and after_date:
        m = match_at(_SUBJECT_BARE, text, pos)
    if m is None:
        return None
    start = m.end()
    end = start
    # A subject longer than _SUBJECT_MAX is cut anyway, so the search for its end need not go further.
    for stop in _SUBJECT_END.finditer(text, start, start + 2 * _SUBJECT_MAX):
        if stop["abbr"] is None or issuer_name(stop["abbr"]) is not None:
            end = stop.start()
            break
    for n in numbers_after:  # a nested citation ends the subject after its number
        if start <= n.start < end:
            end = n.end
            break
    if end - start > _SUBJECT_MAX:
        cut = text.rfind(" ", start, start + _SUBJECT_MAX)
        end = cut if cut > start else start + _SUBJECT_MAX
    written = " ".join(text[start:end].split()).rstrip(" ,")
    return written or None


def extract_legal_refs(ctx: "PreparedDoc") -> list[LegalRef]:
    text = ctx.text
    numbers = find_document_numbers(text)
    own_number = ref_key(ctx.meta.doc_number) if ctx.meta.doc_number else None
    refs: dict[str, LegalRef] = {}
    for i, n in enumerate(numbers):
        lead = _type_lead(text, n.start)
        key = ref_key(n.ref_id)
        if key == own_number:
            continue  # the document's own number, in its number line, page title or info box
        if lead is None:
            line_start = text.rfind("\n", 0, n.start) + 1
            if _OWN_NUMBER_LINE.match(text[line_start:n.start]):
                continue  # the document's own number ("Số: 12/KH-UBND")
            if doc_type_of_code(n.ref_id) is None and issuer_of_code(n.ref_id) is None and not any(
                issuer_name(p) for p in _CODE_PARTS.split(n.ref_id) if not p.isdigit()
            ):
                continue
        start, doc_type = lead if lead else (n.start, doc_type_of_code(n.ref_id))
        iso, date_year, end = _issued_date(ctx, n.end)
        if iso is None:
            before_iso, before_year = _date_before(ctx, start)
            if before_iso and (date_year is None or date_year == before_year):
                iso, date_year = before_iso, before_year
        issuer, issuer_end = _issuer(text, end)
        subject = _subject(text, issuer_end if issuer else end, issuer is None and iso is not None, numbers[i + 1:])
        ref = LegalRef(
            start=start,
            end=issuer_end if issuer else end,
            rule="legal_refs.cited_with_type" if lead else "legal_refs.bare_code",
            ref_id=n.ref_id,
            ref_type=legal_ref_type(doc_type),
            number=n.number,
            year=n.year or date_year,
            issuer=issuer or issuer_of_code(n.ref_id),
            issued_date=iso,
            subject=subject,
        )
        if key not in refs:
            refs[key] = ref
            continue
        first = refs[key]
        for name in ("year", "issuer", "issued_date", "subject"):
            if getattr(first, name) is None and getattr(ref, name) is not None:
                setattr(first, name, getattr(ref, name))
        if first.ref_type == "other" and ref.ref_type != "other":
            first.ref_type = ref.ref_type
    return sorted(refs.values(), key=lambda r: r.start)


COMPONENT = Component(
    name="legal_refs", record=LegalRef, run=extract_legal_refs, requires=("meta", "dates", "sentence_spans"),
    label="ref_type",
    shown=("ref_id", "ref_type", "issuer", "issued_date"),
    enums={"ref_type": ("quyet_dinh", "nghi_quyet", "ke_hoach", "thong_bao", "cong_van", "chi_thi",
                        "thong_tu", "nghi_dinh", "luat", "other")},
)
