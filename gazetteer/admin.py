"""Vietnam's administrative units (đơn vị hành chính), looked up offline.

Data: the tables bundled with the installed `vietnamadminunits` package (see
`data/README.md`), read directly from its SQLite file and JSON mapping; the
package's parser is never imported, because it may call an online geocoder.
Units are the 63-province, three-level state before the 2025 reform
(`era="pre2025"`); `successor_2025` maps a commune or province to the unit
that replaced it (`era="2025"`, two levels, no districts).
"""

from __future__ import annotations

import importlib.util
import json
import sqlite3
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import regex

from .lexicon import load_data, words
from .text import fold, fold_key, tone_key
_NON_KEY = regex.compile(r"[^a-z0-9]+")
_PUNCT = regex.compile(r"[^\p{L}\p{N}]+")


@dataclass(frozen=True)
class AdminUnit:
    name: str  # as the official data writes it, without the unit-type prefix
    level: str  # commune | district | province
    code: str | None
    district: str | None = None
    district_code: str | None = None
    province: str | None = None
    province_code: str | None = None
    era: str = "pre2025"
    unit_type: str | None = None  # Xã, Phường, Thị trấn, Huyện, Quận, Thị xã, Thành phố, Tỉnh


def data_dir() -> Path:
    spec = importlib.util.find_spec("vietnamadminunits")  # locates, does not import
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the vietnamadminunits package is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "data"


# ------------------------------------------------------------------ keys


def _province_unit_type(key: str) -> str:
    """The unit type of a province-level unit from its folded key ("thanhpho…" is a city)."""
    city = words("unit_type_city")[0]
    return city if key.startswith(fold_key(city).replace(" ", "")) else words("unit_type_province")[0]


@lru_cache(maxsize=1)
def _prefixes() -> list[str]:
    raw = load_data("admin_prefixes.yaml")["prefixes"]
    return sorted({fold(p) for p in raw}, key=len, reverse=True)


def strip_prefix(name: str) -> str:
    """Drop leading unit-type words ("UBND xã Thạch Cẩm" → "Thạch Cẩm")."""
    text = name.strip()
    changed = True
    while changed:
        changed = False
        folded = fold(text)
        for prefix in _prefixes():
            if not folded.startswith(prefix):
                continue
            rest = text[len(prefix) :]
            if prefix.endswith(".") or not rest or not (rest[0].isalnum()):
                remainder = rest.lstrip(" .\t")
                if remainder and any(c.isalpha() or c.isdigit() for c in remainder):
                    text, changed = remainder, True
                    break
    return text.strip()


def _loose_key(name: str) -> str:
    """Diacritic-, case- and spacing-free key ("Thạch Cẩm" → "thachcam")."""
    return _NON_KEY.sub("", fold_key(name))


def _strict_key(name: str) -> str:
    """Key that keeps diacritics but ignores tone placement and punctuation."""
    return tone_key(_PUNCT.sub(" ", name).strip())


def _candidate_names(name: str) -> list[str]:
    stripped = strip_prefix(name)
    return [stripped, name.strip()] if stripped != name.strip() else [stripped]


@lru_cache(maxsize=8192)
def _lookup_keys(name: str) -> tuple[tuple[str, str], ...]:
    """(strict key, loose key) of each candidate reading of a name. A document asks for the
    same few names many times (each mention of "huyện …"), so the keys are made once a name."""
    return tuple((_strict_key(c), _loose_key(c)) for c in _candidate_names(name))


# ------------------------------------------------------------------ index


class _Index:
    """Name → units, in three tiers: exact marks, folded, dataset aliases."""

    def __init__(self) -> None:
        self.strict: dict[str, list[AdminUnit]] = {}
        self.loose: dict[str, list[AdminUnit]] = {}
        self.alias: dict[str, list[AdminUnit]] = {}

    def find(self, name: str, keep=lambda u: True) -> list[AdminUnit]:
        for strict, loose in _lookup_keys(name):
            for table, key in ((self.strict, strict), (self.loose, loose), (self.alias, loose)):
                found = [u for u in table.get(key, ()) if keep(u)]
                if found:
                    return list(dict.fromkeys(found))
        return []


@dataclass
class _Gazetteer:
    communes: _Index
    districts: _Index
    provinces: _Index
    keys: dict[tuple[str, str], tuple[str, str, str]]  # (level, code) → dataset keys


def _json_list(value: str | None) -> list[str]:
    return json.loads(value) if value else []


INDEX_FILE = Path(__file__).resolve().parent / "data" / "admin_index.json"
_LEVELS = ("communes", "districts", "provinces")
_TIERS = ("strict", "loose", "alias")


@lru_cache(maxsize=1)
def _gazetteer() -> _Gazetteer:
    """The name index of the pre-2025 units: the shipped `data/admin_index.json`, built from the
    installed package's dataset when the file was built from another one (`python -m gazetteer.admin`
    writes it again)."""
    try:
        with open(INDEX_FILE, encoding="utf-8") as fh:
            data = json.load(fh)
    except (OSError, ValueError):
        data = None
    if data is None or data.get("source") != _package_source():
        data = index_from_package()
    return _from_index_data(data)


def _package_source() -> str:
    """What the index is built from, as it names it: a stat, not a version lookup (a tenth of the load)."""
    try:
        size = (data_dir() / "dataset.db").stat().st_size
    except (OSError, RuntimeError):
        return "vietnamadminunits: not installed"
    return f"vietnamadminunits data/dataset.db, {size} bytes"


def _from_index_data(data: dict) -> _Gazetteer:
    units = [AdminUnit(name, level, code, district, district_code, province, province_code, unit_type=unit_type)
             for level, name, code, district, district_code, province, province_code, unit_type in data["units"]]
    indexes = []
    for level in _LEVELS:
        index = _Index()
        for tier in _TIERS:
            getattr(index, tier).update((key, [units[i] for i in at]) for key, at in data[level][tier].items())
        indexes.append(index)
    keys = {(level, code): tuple(dataset_keys) for level, code, *dataset_keys in data["keys"]}
    return _Gazetteer(*indexes, keys)


def index_from_package() -> dict:
    """The name index of the pre-2025 units, built from the package's SQLite dataset, as JSON data.

    Units are listed once each, in the order they are first met; each index tier maps a key to the
    positions of its units in that list, in the order they were added (a lookup returns them so)."""
    uri = f"file:{data_dir() / 'dataset.db'}?mode=ro"
    with sqlite3.connect(uri, uri=True) as conn:
        rows = conn.execute(
            "SELECT provinceShort, provinceCode, provinceKey, provinceAlias,"
            " districtShort, districtType, districtCode, districtKey, districtAlias,"
            " wardShort, wardType, wardCode, wardKey, wardAlias"
            " FROM admin_units_legacy"
        ).fetchall()
    units: list[list] = []
    tiers: dict[str, dict[str, dict[str, list[int]]]] = {level: {t: {} for t in _TIERS} for level in _LEVELS}
    keys: list[list[str]] = []

    def add(level: str, unit: list, aliases: list[str]) -> None:
        at, tier = len(units), tiers[level]
        units.append(unit)
        tier["strict"].setdefault(_strict_key(unit[1]), []).append(at)
        tier["loose"].setdefault(_loose_key(unit[1]), []).append(at)
        for alias in aliases:
            tier["alias"].setdefault(alias, []).append(at)

    seen_districts: set[str] = set()
    seen_provinces: set[str] = set()
    for (p_name, p_code, p_key, p_alias, d_name, d_type, d_code, d_key, d_alias,
         w_name, w_type, w_code, w_key, w_alias) in rows:
        if p_code not in seen_provinces:
            seen_provinces.add(p_code)
            add("provinces", ["province", p_name, p_code, None, None, p_name, p_code, _province_unit_type(p_key)],
                _json_list(p_alias))
            keys.append(["province", p_code, p_key, "", ""])
        if d_code not in seen_districts:
            seen_districts.add(d_code)
            add("districts", ["district", d_name, d_code, d_name, d_code, p_name, p_code, d_type], _json_list(d_alias))
            keys.append(["district", d_code, p_key, d_key, ""])
        if w_code:
            add("communes", ["commune", w_name, w_code, d_name, d_code, p_name, p_code, w_type], _json_list(w_alias))
            keys.append(["commune", w_code, p_key, d_key, w_key])
    return {"source": _package_source(), "units": units, **tiers, "keys": keys}


def write_index_file(path: Path = INDEX_FILE) -> Path:
    """Write `index_from_package()` to `path` (atomically): what ships as `data/admin_index.json`."""
    import os
    import tempfile

    text = json.dumps(index_from_package(), ensure_ascii=False, separators=(",", ":")) + "\n"
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


# ---------------------------------------------------------------- lookups


def lookup_province(name: str) -> AdminUnit | None:
    """The province (tỉnh or centrally-run city) of that name, pre-2025."""
    found = _gazetteer().provinces.find(name)
    return found[0] if found else None


def province_of_name(name: str) -> AdminUnit | None:
    """The province whose name is exactly `name` as written ("Nghệ An"), without a prefix."""
    found = _gazetteer().provinces.strict.get(_strict_key(name), ())
    return found[0] if len(found) == 1 else None


def lookup_province_code(code: str) -> AdminUnit | None:
    for units in _gazetteer().provinces.strict.values():
        for u in units:
            if u.code == code:
                return u
    return None


def lookup_district(name: str, province: str | None = None) -> list[AdminUnit]:
    """Districts (huyện, quận, thị xã, thành phố thuộc tỉnh) of that name."""
    keep = lambda u: True  # noqa: E731
    if province is not None:
        prov = lookup_province(province)
        if prov is None:
            return []
        keep = lambda u: u.province_code == prov.code  # noqa: E731
    return _gazetteer().districts.find(name, keep)


def lookup_commune(name: str, district: str | None = None, province: str | None = None) -> list[AdminUnit]:
    """Communes (xã, phường, thị trấn) of that name, narrowed by district and province."""
    province_code = None
    if province is not None:
        prov = lookup_province(province)
        if prov is None:
            return []
        province_code = prov.code
    district_codes = None
    if district is not None:
        district_codes = {d.code for d in lookup_district(district, province)}
        if not district_codes:
            return []

    def keep(u: AdminUnit) -> bool:
        return (province_code is None or u.province_code == province_code) and (
            district_codes is None or u.district_code in district_codes
        )

    return _gazetteer().communes.find(name, keep)


# ------------------------------------------------------------ 2025 reform


@dataclass
class _Reform:
    new_province: dict[str, str]  # old province key → new province key
    new_ward: dict[str, str]  # "oldprov_olddistrict_oldward" → new ward key
    units: dict[tuple[str, str], tuple]  # (new province key, new ward key) → row
    provinces: dict[str, tuple]  # new province key → (name, code)


@lru_cache(maxsize=1)
def _reform() -> _Reform:
    with open(data_dir() / "converter_2025.json", encoding="utf-8") as fh:
        conv = json.load(fh)
    new_province = {old: new for new, olds in conv["DICT_PROVINCE"].items() for old in olds}
    new_ward: dict[str, str] = {}
    for wards in conv["DICT_PROVINCE_WARD_NO_DIVIDED"].values():
        for new_key, olds in wards.items():
            for old in olds:
                new_ward.setdefault(old, new_key)
    for divided in conv["DICT_PROVINCE_WARD_DIVIDED"].values():
        for old, options in divided.items():
            default = next((o["newWardKey"] for o in options if o.get("isDefaultNewWard")), None)
            if default:
                new_ward.setdefault(old, default)
    uri = f"file:{data_dir() / 'dataset.db'}?mode=ro"
    with sqlite3.connect(uri, uri=True) as conn:
        rows = conn.execute(
            "SELECT provinceKey, wardKey, wardShort, wardCode, wardType, provinceShort, provinceCode FROM admin_units"
        ).fetchall()
    units = {(r[0], r[1]): r for r in rows}
    provinces = {r[0]: (r[5], r[6]) for r in rows}
    return _Reform(new_province, new_ward, units, provinces)


def successor_2025(unit: AdminUnit) -> AdminUnit | None:
    """The unit that replaced `unit` in the 2025 reform (communes and provinces).

    Districts were abolished, so they have none. A commune split between
    several new communes maps to the one the dataset marks as default.
    """
    keys = _gazetteer().keys.get((unit.level, unit.code or ""))
    if unit.era != "pre2025" or keys is None or unit.level == "district":
        return None
    reform = _reform()
    new_prov = reform.new_province.get(keys[0])
    if new_prov is None or new_prov not in reform.provinces:
        return None
    prov_name, prov_code = reform.provinces[new_prov]
    if unit.level == "province":
        unit_type = _province_unit_type(new_prov)
        return AdminUnit(prov_name, "province", prov_code, province=prov_name, province_code=prov_code,
                         era="2025", unit_type=unit_type)
    new_ward = reform.new_ward.get("_".join(keys))
    row = reform.units.get((new_prov, new_ward)) if new_ward else None
    if row is None:
        return None
    return AdminUnit(row[2], "commune", row[3], province=row[5], province_code=row[6], era="2025", unit_type=row[4])


if __name__ == "__main__":  # python -m gazetteer.admin: rebuild data/admin_index.json after a package upgrade
    print(write_index_file())
