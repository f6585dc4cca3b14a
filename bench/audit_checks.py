"""Time of each audit check on one long document (the real excerpts joined, repeated).

    python bench/audit_checks.py --corpus ../shared/corpus/real --repeat 5

Prints the document's length and, per check, the seconds it takes on the
prepared document (components run once beforehand), so a check whose cost
grows faster than the text shows up as the repeat count rises.
"""
from __future__ import annotations

import argparse
import time
from pathlib import Path

from extract.prepare import prepare
from extract.registry import checks, run_components
from normalize.document import NormalizedDoc


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, required=True)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args(argv)
    parts = [p.read_text(encoding="utf-8") for p in sorted(args.corpus.glob("*.txt"))]
    text = "\n\n".join(parts * args.repeat)
    t0 = time.perf_counter()
    prep = prepare(NormalizedDoc(doc_id="bench", path="bench.txt", file_type="txt", text=text))
    records = run_components(prep)
    print(f"chars {len(text)}  prepare+components {time.perf_counter() - t0:.2f}s")
    for c in checks():
        t = time.perf_counter()
        n = len(c.run(prep, records))
        print(f"{c.name:<24} {time.perf_counter() - t:7.3f}s  {n} findings")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
