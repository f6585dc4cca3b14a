"""gazetteer.admin: offline lookups of administrative units."""
from __future__ import annotations

import pytest

from gazetteer.admin import AdminUnit, lookup_commune, lookup_district, lookup_province, strip_prefix, successor_2025
from tests.gazetteer.cases import cases


def _triples(units: list[AdminUnit]) -> list[list[str]]:
    return sorted([u.name, u.district, u.province] for u in units)


@pytest.mark.parametrize("case", cases("admin", "commune"))
def test_lookup_commune(case):
    units = lookup_commune(case["name"], district=case.get("district"), province=case.get("province"))
    assert _triples(units) == sorted(case["expect"])
    assert all(u.level == "commune" and u.era == "pre2025" and u.code for u in units)


@pytest.mark.parametrize("case", cases("admin", "district"))
def test_lookup_district(case):
    units = lookup_district(case["name"], province=case.get("province"))
    assert _triples(units) == sorted(case["expect"])


@pytest.mark.parametrize("case", cases("admin", "province"))
def test_lookup_province(case):
    unit = lookup_province(case["name"])
    assert (unit.name if unit else None) == case["expect"]


def test_codes_are_the_official_ones():
    [unit] = lookup_commune("Thạch Cẩm", district="Thạch Thành")
    assert (unit.code, unit.district_code, unit.province_code) == ("15205", "391", "38")


def test_ambiguous_name_returns_every_unit():
    units = lookup_commune("Cẩm Thành")
    assert len(units) > 1
    assert len({u.code for u in units}) == len(units)


def test_strip_prefix():
    assert strip_prefix("UBND xã Thạch Cẩm") == "Thạch Cẩm"
    assert strip_prefix("Thành phố Hồ Chí Minh") == "Hồ Chí Minh"
    assert strip_prefix("Xã") == "Xã"


def test_successor_of_commune_is_a_2025_commune_in_the_same_province():
    [unit] = lookup_commune("Linh Thông", province="Thái Nguyên")
    new = successor_2025(unit)
    assert new is not None
    assert (new.level, new.era, new.province, new.district) == ("commune", "2025", "Thái Nguyên", None)


def test_successor_of_province_and_district():
    assert successor_2025(lookup_province("Thanh Hóa")).era == "2025"
    assert successor_2025(lookup_district("Thạch Thành")[0]) is None
