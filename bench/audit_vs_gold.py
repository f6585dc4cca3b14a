"""The audit's findings against a gold folder: what it found, missed and said wrongly.

    python -m corpus.cli run ../shared/corpus/real --out /tmp/real
    python bench/audit_vs_gold.py --out /tmp/real --gold ../shared/gold/real

For each gold document: findings matched by check (as the scorer matches them),
gold findings missed, and findings the gold does not hold; an extra finding in a
document is printed with that document's `checked_ok` statements (what the
annotators verified and found fine), so each can be read against them. The last
line gives recall and the number of extra findings; `--strict` exits non-zero
when any extra finding is seen.
"""
from __future__ import annotations

import argparse
import csv
import json
import sys
from collections import Counter, defaultdict
from pathlib import Path


def _rows(path: Path) -> list[dict]:
    if not path.exists():
        return []
    with path.open(newline="", encoding="utf-8-sig") as fh:
        return list(csv.DictReader(fh))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", required=True, type=Path)
    ap.add_argument("--gold", required=True, type=Path)
    ap.add_argument("--strict", action="store_true")
    args = ap.parse_args(argv)
    stem_of = {d["doc_id"]: Path(d["path"]).stem for d in _rows(args.out / "documents.csv")}
    found = defaultdict(list)
    for f in _rows(args.out / "findings.csv"):
        found[stem_of.get(f["doc_id"])].append(f)
    hits = total = extra = 0
    for path in sorted(args.gold.glob("*.json")):
        gold = json.loads(path.read_text(encoding="utf-8"))
        stem = Path(gold["file"]).stem
        want = Counter((g["check"]) for g in gold.get("findings", []))
        got = found.get(stem, [])
        have = Counter(f.get("check_name") or f.get("check") for f in got)
        matched = want & have
        hits += sum(matched.values())
        total += sum(want.values())
        missed, extras = want - have, have - want
        if not (missed or extras):
            if want:
                print(f"ok     {stem}: {dict(matched)}")
            continue
        for check in missed.elements():
            print(f"MISSED {stem}: {check}")
        for check in extras:
            extra += extras[check]
            for f in (f for f in got if (f.get("check_name") or f.get("check")) == check):
                print(f"EXTRA  {stem}: {check}/{f['severity']}: {f['message']}")
            for ok in gold.get("checked_ok", []):
                print(f"         checked ok: {ok}")
    print(f"recall {hits}/{total} = {hits / total if total else 1:.3f}; extra findings {extra}")
    return 1 if args.strict and extra else 0


if __name__ == "__main__":
    sys.exit(main())
