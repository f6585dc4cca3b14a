"""The output contract (SCHEMA.md) as data: every table, its columns and their types.

Tables are built from these definitions so every column exists with its type
even when a table is empty.
"""
from __future__ import annotations

import pyarrow as pa

PROVENANCE = [
    ("doc_id", pa.string()),
    ("page", pa.int64()),
    ("char_start", pa.int64()),
    ("char_end", pa.int64()),
    ("quote", pa.string()),
    ("rule", pa.string()),
]

TABLES: dict[str, list[tuple[str, pa.DataType]]] = {
    "documents": [
        ("doc_id", pa.string()),
        ("path", pa.string()),
        ("file_type", pa.string()),
        ("status", pa.string()),
        ("error", pa.string()),
        ("n_pages", pa.int64()),
        ("n_chars", pa.int64()),
        ("repairs", pa.string()),
        ("quality", pa.string()),
        ("doc_kind", pa.string()),
        ("doc_number", pa.string()),
        ("issued_date", pa.string()),
        ("plan_year", pa.int64()),
        ("commune", pa.string()),
        ("district", pa.string()),
        ("province", pa.string()),
        ("commune_code", pa.string()),
        ("district_code", pa.string()),
        ("province_code", pa.string()),
        ("programme", pa.string()),
        ("criteria_set", pa.string()),
        ("signer", pa.string()),
        ("signer_title", pa.string()),
        ("title", pa.string()),
    ],
    "criteria": PROVENANCE + [
        ("criterion_no", pa.int64()),
        ("name_as_written", pa.string()),
        ("canonical_name", pa.string()),
        ("criteria_set", pa.string()),
        ("level", pa.string()),
        ("status", pa.string()),
        ("period", pa.string()),
        ("indicator_id", pa.string()),
        ("list_label", pa.string()),
    ],
    "counts": PROVENANCE + [
        ("kind", pa.string()),
        ("value", pa.int64()),
        ("total", pa.int64()),
        ("unit", pa.string()),
        ("status", pa.string()),
        ("period", pa.string()),
        ("value_max", pa.int64()),
    ],
    "criteria_status": PROVENANCE + [
        ("criteria_set", pa.string()),
        ("period", pa.string()),
        ("criterion_no", pa.int64()),
        ("status", pa.string()),
        ("basis", pa.string()),
        ("evidence", pa.string()),
    ],
    "indicators": PROVENANCE + [
        ("indicator_id", pa.string()),
        ("criterion_no", pa.int64()),
        ("subject", pa.string()),
        ("value", pa.float64()),
        ("unit", pa.string()),
        ("numerator", pa.float64()),
        ("denominator", pa.float64()),
        ("comparator", pa.string()),
        ("role", pa.string()),
        ("period", pa.string()),
    ],
    "funding": PROVENANCE + [
        ("amount_vnd", pa.int64()),
        ("amount_text", pa.string()),
        ("role", pa.string()),
        ("source", pa.string()),
        ("purpose", pa.string()),
        ("parent_start", pa.int64()),
        ("period", pa.string()),
    ],
    "deadlines": PROVENANCE + [
        ("due", pa.string()),
        ("precision", pa.string()),
        ("relation", pa.string()),
        ("task", pa.string()),
        ("criterion_no", pa.int64()),
        ("responsible", pa.string()),
    ],
    "legal_refs": PROVENANCE + [
        ("ref_id", pa.string()),
        ("ref_type", pa.string()),
        ("number", pa.string()),
        ("year", pa.int64()),
        ("issuer", pa.string()),
        ("issued_date", pa.string()),
        ("subject", pa.string()),
    ],
    "findings": [
        ("doc_id", pa.string()),
        ("check", pa.string()),
        ("severity", pa.string()),
        ("message", pa.string()),
        ("evidence", pa.string()),
        ("quote", pa.string()),
        ("page", pa.int64()),
        ("char_start", pa.int64()),
        ("char_end", pa.int64()),
    ],
}

TABLE_NAMES = tuple(TABLES)

ENUMS = {
    ("documents", "status"): {"ok", "error", "empty", "needs_ocr"},
    ("documents", "quality"): {"clean", "repaired", "lossy"},
    ("documents", "doc_kind"): {"ke_hoach", "bao_cao", "nghi_quyet", "to_trinh", "quyet_dinh", "other"},
    ("documents", "programme"): {"ntm", "ntm_nang_cao", "ntm_kieu_mau"},
    ("documents", "criteria_set"): {"ntm-2016", "ntm-2021", "ntm-nc-2021", "ntm-km-2021"},
    ("criteria", "criteria_set"): {"ntm-2016", "ntm-2021", "ntm-nc-2021", "ntm-km-2021"},
    ("criteria", "level"): {"basic", "advanced", "model"},
    ("criteria", "status"): {"met", "unmet", "target"},
    ("criteria_status", "criteria_set"): {"ntm-2016", "ntm-2021", "ntm-nc-2021", "ntm-km-2021"},
    ("criteria_status", "status"): {"met", "unmet", "target", "unknown"},
    ("criteria_status", "basis"): {"stated", "inferred", "table"},
    ("counts", "kind"): {"met_total", "declared_list", "remaining", "target_total", "villages", "indicators"},
    ("counts", "status"): {"met", "unmet", "target"},
    ("counts", "unit"): {"tieu_chi", "chi_tieu", "thon", "xa", "huyen"},
    ("indicators", "unit"): {"%", "ratio"},
    ("indicators", "comparator"): {"eq", "ge", "le", "gt", "lt"},
    ("indicators", "role"): {"actual", "target", "threshold"},
    ("funding", "role"): {"total", "component", "estimate", "spent"},
    ("funding", "source"): {"ngan_sach_huyen", "ngan_sach_xa", "ngan_sach_tinh", "trung_uong", "dan_gop",
                            "long_ghep", "doanh_nghiep", "xa_hoi_hoa"},
    ("deadlines", "precision"): {"day", "month", "quarter", "year"},
    ("deadlines", "relation"): {"before", "by", "during"},
    ("legal_refs", "ref_type"): {"quyet_dinh", "nghi_quyet", "ke_hoach", "thong_bao", "cong_van", "chi_thi",
                                 "thong_tu", "nghi_dinh", "luat", "other"},
    ("findings", "check"): {"count_mismatch", "count_sum", "list_numbering", "arithmetic", "set_mismatch",
                            "denominator_mismatch", "status_conflict", "other"},
    ("findings", "severity"): {"error", "warning", "info"},
}


def arrow_schema(table: str) -> pa.Schema:
    return pa.schema(TABLES[table])


def columns(table: str) -> list[str]:
    return [c for c, _ in TABLES[table]]
