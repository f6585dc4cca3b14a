"""Is normalization linear in document length? Time per MB of `normalize` from 100 KB to 10 MB.

    python bench/normalize_length.py                 # 0.1, 0.3, 1, 3, 10 MB
    python bench/normalize_length.py --sizes 0.1,1   # others

The plan is generated from the bundled sample plans: all their paragraphs, in
a new order each round and with the numbers varied, until it reaches the size; it is normalized as a text
file would be (decode, repair, markup, layout), in this process, once per size.
Time per MB that stays flat means linear time (the fastest of --repeat runs
counts, as other work on the machine only ever adds time).
"""
from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

import regex

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from normalize.pipeline import normalize_data  # noqa: E402

_NUMBER = regex.compile(r"\d+")


def generated_plan(megabytes: float, seed: int = 7) -> bytes:
    """A plan of `megabytes` MB of UTF-8: rounds of the samples' paragraphs in random order, numbers varied."""
    rng = random.Random(seed)
    paragraphs = [p for path in sorted((ROOT / "corpus" / "samples").glob("*.txt"))
                  for p in path.read_text(encoding="utf-8").split("\n\n") if p.strip()]
    target = int(megabytes * 1_000_000)
    parts, size = [], 0
    while size < target:  # every round holds every paragraph once, so each size has the same kinds of text
        for paragraph in rng.sample(paragraphs, len(paragraphs)):
            paragraph = _NUMBER.sub(lambda m: str(rng.randint(1, 10 ** len(m.group(0)))), paragraph)
            data = paragraph.encode("utf-8") + b"\n\n"
            parts.append(data)
            size += len(data)
    return b"".join(parts)[:target].decode("utf-8", "ignore").encode("utf-8")  # not cut inside a letter


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="0.1,0.3,1,3,10", help="sizes in MB, comma-separated")
    parser.add_argument("--repeat", type=int, default=3, help="runs per size; the fastest counts (default 3)")
    args = parser.parse_args()
    normalize_data(generated_plan(0.05), Path("warm-up.txt"))
    print(f"{'MB':>6} {'seconds':>8} {'s/MB':>6} {'chars':>10}")
    for megabytes in (float(s) for s in args.sizes.split(",")):
        data = generated_plan(megabytes)
        seconds = float("inf")
        for _ in range(max(1, args.repeat)):
            started = time.perf_counter()
            doc = normalize_data(data, Path("plan.txt"))
            seconds = min(seconds, time.perf_counter() - started)
        print(f"{len(data) / 1e6:6.2f} {seconds:8.2f} {seconds / (len(data) / 1e6):6.2f} {len(doc.text):10d}", flush=True)


if __name__ == "__main__":
    main()
