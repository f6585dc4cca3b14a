"""Benchmark of `ntm run` on a synthetic province archive, beside the text-extraction baselines.

    python bench/run_bench.py --docs 1000 --out bench/runs/$(date +%Y%m%d-%H%M)
    python bench/run_bench.py --docs 10000 --formats txt --no-baselines --out bench/runs/scale

It makes an archive from the bundled sample plans (communes of one province,
numbers and dates varied), as plain text and as typeset PDF (fpdf2 with DejaVu
Sans, see tests/fixtures/build.py), then measures in one go:

- `ntm run` end to end on the PDFs and on the texts (a subprocess, as a user runs it);
- pdfplumber `extract_text` alone over the same PDFs, and pypdfium2 text
  extraction alone (the floor);
- a rerun with nothing changed;
- each stage's share of the time (read, normalize, extract, shard write in the
  workers; table assembly in the parent), peak memory of the workers, and the
  documents/s of each tenth of the run (does it slow down?).

With --profile N it also profiles the per-document function on N documents
(pyinstrument) and writes the profile beside the results.

The per-core rates of the per-document work (normalize + extract MB/s on the
texts, worker ms per page on the PDFs, CPU time) and the seconds per MB of one
generated plan from 100 KB to 10 MB are measured for this tree and, with
--baseline DIR (e.g. `git archive main | tar -x -C DIR`), for that tree too,
and printed side by side (bench/extract_rates.py does the measuring).
"""
from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import random
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import regex

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.fixtures import build  # noqa: E402 - the PDF typesetting helper

DEFAULT_PROVINCE = "Nghệ An"
_YEAR = regex.compile(r"(?<!\d)(20[12]\d)(?!\d)")
_DATE = regex.compile(r"(?<!\d)(\d{1,2})/(\d{1,2})/(20\d\d)(?!\d)")
_NUMBER = regex.compile(r"(?<![\d/.,])(\d{2,3}(?:[.,]\d{3})*)(?![\d/])")
_UNIT = r"((?:xã|huyện|tỉnh|Xã|Huyện|Tỉnh|XÃ|HUYỆN|TỈNH) )(\p{Lu}[\p{Ll}]*(?: \p{Lu}[\p{Ll}]*){0,2}|\p{Lu}+(?: \p{Lu}+){0,2})"
_UNIT_NAME = regex.compile(_UNIT)


# ---------------------------------------------------------------- the archive


def province_units(province: str) -> list[tuple[str, str, str]]:
    """(commune, district, province) of every commune of a province, from the bundled admin-units data."""
    from gazetteer.admin import data_dir

    with sqlite3.connect(f"file:{data_dir() / 'dataset.db'}?mode=ro", uri=True) as conn:
        rows = conn.execute(
            "SELECT wardShort, districtShort, provinceShort FROM admin_units_legacy"
            " WHERE provinceShort = ? AND wardShort IS NOT NULL ORDER BY wardCode", [province]).fetchall()
    if not rows:
        raise SystemExit(f"no communes for province {province!r}")
    return rows


def vary(text: str, unit: tuple[str, str, str], rng: random.Random) -> str:
    """A sample plan retold for another commune, with its numbers and dates shifted."""
    commune, district, province = unit
    names = {"xã": commune, "huyện": district, "tỉnh": province}

    def unit_name(m: regex.Match) -> str:
        word, name = m.group(1), names[m.group(1).strip().lower()]
        return word + (name.upper() if m.group(2).isupper() and len(m.group(2)) > 1 else name)

    shift = rng.choice([-1, 0, 0, 1])
    text = _UNIT_NAME.sub(unit_name, text)
    text = _DATE.sub(lambda m: f"{rng.randint(1, 28):02d}/{m.group(2)}/{int(m.group(3)) + shift}", text)
    text = _YEAR.sub(lambda m: str(int(m.group(1)) + shift), text)

    def number(m: regex.Match) -> str:
        digits = m.group(1)
        if len(digits) <= 2 or "." in digits or "," in digits:
            return digits
        return str(max(100, int(int(digits) * rng.uniform(0.8, 1.25))))

    return _NUMBER.sub(number, text)


def _make_one(args: tuple[int, str, tuple[str, str, str], str, list[str]]) -> tuple[int, int]:
    index, sample_name, unit, folder, formats = args
    rng = random.Random(index)
    text = vary((build.SAMPLES / sample_name).read_text(encoding="utf-8"), unit, rng)
    stem = f"{index:05d}"
    pages = 0
    if "txt" in formats:
        (Path(folder) / "txt" / f"{stem}.txt").write_text(text, encoding="utf-8")
    if "pdf" in formats:
        paragraphs = [p for p in (build._SPACES.sub(" ", build._MARKDOWN_MARKS.sub("", line)).strip()
                                  for line in text.splitlines()) if p]
        typeset = build.typeset_pdf(Path(folder) / "pdf" / f"{stem}.pdf", paragraphs, build.find_vietnamese_font(),
                                    table_after=min(5, len(paragraphs) - 1))
        pages = typeset.n_pages
    return index, pages


def make_archive(folder: Path, n_docs: int, formats: list[str], province: str, workers: int) -> dict:
    """Write the archive (cached: an archive of the same size and formats is reused)."""
    stamp = folder / "archive.json"
    if stamp.exists():
        info = json.loads(stamp.read_text())
        if info.get("docs") == n_docs and set(formats) <= set(info.get("formats", [])):
            return info
    if "pdf" in formats and build.typesetting_problem():
        raise SystemExit(build.typesetting_problem())
    shutil.rmtree(folder, ignore_errors=True)
    for f in formats:
        (folder / f).mkdir(parents=True)
    units = province_units(province)
    samples = sorted(p.name for p in build.SAMPLES.glob("*.txt"))
    jobs = [(i, samples[i % len(samples)], units[i % len(units)], str(folder), formats) for i in range(n_docs)]
    started = time.monotonic()
    with mp.get_context("forkserver").Pool(workers) as pool:
        pages = sum(p for _, p in pool.imap_unordered(_make_one, jobs, chunksize=8))
    info = {"docs": n_docs, "formats": formats, "province": province, "pdf_pages": pages,
            "seconds": round(time.monotonic() - started, 1)}
    stamp.write_text(json.dumps(info, indent=2))
    return info


# ---------------------------------------------------------------- measurements


def folder_megabytes(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.iterdir()) / 1e6


def ntm_run(inputs: Path, out: Path, workers: int, force: bool = True) -> dict:
    """`ntm run` as a user runs it; its figures come from the run.json it writes."""
    command = [sys.executable, "-m", "corpus.cli", "run", str(inputs), "--out", str(out), "--workers", str(workers),
               "--quiet", *(["--force"] if force else [])]
    started = time.monotonic()
    subprocess.run(command, cwd=ROOT, check=True)
    wall = time.monotonic() - started
    report = json.loads((out / "run.json").read_text())
    report["wall_s"] = round(wall, 2)
    return report


def pdfplumber_alone(pdfs: list[Path]) -> dict:
    import pdfplumber

    started, pages = time.monotonic(), 0
    for path in pdfs:
        with pdfplumber.open(path) as pdf:
            for page in pdf.pages:
                page.extract_text()
                pages += 1
    return {"docs": len(pdfs), "pages": pages, "seconds": time.monotonic() - started}


def pdfium_alone(pdfs: list[Path]) -> dict:
    import pypdfium2

    started, pages = time.monotonic(), 0
    for path in pdfs:
        document = pypdfium2.PdfDocument(str(path))
        try:
            for index in range(len(document)):
                page = document[index]
                textpage = page.get_textpage()
                textpage.get_text_bounded()
                textpage.close()
                page.close()
                pages += 1
        finally:
            document.close()
    return {"docs": len(pdfs), "pages": pages, "seconds": time.monotonic() - started}


def profile(paths: list[Path], target: Path) -> str:
    """pyinstrument over the per-document function; returns the text profile (also written to `target`)."""
    from pyinstrument import Profiler

    from corpus.process import process_file

    process_file(paths[0])  # warm caches outside the profile
    profiler = Profiler(interval=0.002)
    profiler.start()
    for path in paths:
        process_file(path)
    profiler.stop()
    text = profiler.output_text(unicode=False, color=False, show_all=False)
    target.write_text(text, encoding="utf-8")
    (target.with_suffix(".html")).write_text(profiler.output_html(), encoding="utf-8")
    return text


# ---------------------------------------------------------------- report


def _rate(n: float, seconds: float) -> float:
    return round(n / seconds, 2) if seconds else float("nan")


def stage_shares(report: dict) -> dict[str, float]:
    stages = dict(report.get("stage_s", {}))
    stages["write_tables"] = report.get("assemble_s", 0.0)
    total = sum(stages.values()) or 1.0
    return {k: round(100 * v / total, 1) for k, v in stages.items()}


SCALE_SIZES = (100_000, 300_000, 1_000_000, 3_000_000, 10_000_000)


def _rates(tree: Path, mode: str, args: list[str]) -> dict:
    """bench/extract_rates.py for one code tree (a subprocess: each tree imports its own packages)."""
    command = [sys.executable, str(ROOT / "bench" / "extract_rates.py"), str(tree), mode, *args]
    done = subprocess.run(command, cwd=tree, check=True, capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def per_core_rates(trees: dict[str, Path], archive: Path, formats: list[str], pdf_docs: int) -> dict:
    """{tree name: {"text": ..., "pdf": ..., "scale": ...}} for each tree, on the same inputs."""
    out: dict[str, dict] = {}
    for name, tree in trees.items():
        rates: dict = {}
        if "txt" in formats:
            rates["text"] = _rates(tree, "texts", [str(p) for p in sorted((archive / "txt").glob("*.txt"))])
        if "pdf" in formats:
            rates["pdf"] = _rates(tree, "pdfs", [str(p) for p in sorted((archive / "pdf").glob("*.pdf"))[:pdf_docs]])
        rates["scale"] = _rates(tree, "scale", [str(n) for n in SCALE_SIZES])
        out[name] = rates
        print(json.dumps({f"per_core_{name}": rates}), flush=True)
    return out


def print_rates(rates: dict) -> None:
    """The per-core rows, one column per tree."""
    names = list(rates)
    rows = [("per core (CPU time)", *names)]
    if all("text" in rates[n] for n in names):
        rows.append(("normalize+extract, text (MB/s)", *(rates[n]["text"]["mb_per_s_per_core"] for n in names)))
    if all("pdf" in rates[n] for n in names):
        rows.append(("worker time, text PDF (ms/page)", *(rates[n]["pdf"]["ms_per_page"] for n in names)))
    for size in SCALE_SIZES:
        cells = [rates[n]["scale"].get(str(size)) for n in names]
        rows.append((f"time per MB, {size / 1e6:g} MB plan (s/MB)",
                     *(c["s_per_mb"] if c else "skipped" for c in cells)))
    widths = [max(len(str(row[i])) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        print("  ".join(str(v).ljust(w) if i == 0 else str(v).rjust(w) for i, (v, w) in enumerate(zip(row, widths))))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=1000, help="documents in the archive (default 1000)")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "runs" / time.strftime("%Y%m%d-%H%M%S"))
    parser.add_argument("--archive", type=Path, help="where the archive is built (default: OUT/archive)")
    parser.add_argument("--formats", default="txt,pdf", help="txt, pdf or both (default txt,pdf)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--province", default=DEFAULT_PROVINCE)
    parser.add_argument("--baseline-docs", type=int, default=200,
                        help="PDFs the baselines read (pages/s is what is compared; default 200)")
    parser.add_argument("--no-baselines", action="store_true")
    parser.add_argument("--profile", type=int, default=0, help="profile the per-document function on N documents")
    parser.add_argument("--baseline", type=Path, help="another code tree (e.g. an export of main) measured beside this one")
    parser.add_argument("--no-rates", action="store_true", help="skip the per-core rates and the scaling rows")
    parser.add_argument("--rates-only", action="store_true", help="only the per-core rates and the scaling rows")
    args = parser.parse_args()

    formats = [f.strip() for f in args.formats.split(",") if f.strip()]
    args.out.mkdir(parents=True, exist_ok=True)
    archive = args.archive or args.out / "archive"
    info = make_archive(archive, args.docs, formats, args.province, args.workers)
    print(f"archive: {info['docs']} documents {formats} in {archive} (built in {info['seconds']} s)", flush=True)
    results: dict = {"archive": info, "workers": args.workers, "cpu_count": os.cpu_count()}

    for fmt in [] if args.rates_only else formats:
        inputs = archive / fmt
        mb = folder_megabytes(inputs)
        first = ntm_run(inputs, args.out / f"out_{fmt}", args.workers, force=True)
        rerun = ntm_run(inputs, args.out / f"out_{fmt}", args.workers, force=False)
        worker_s = sum(first["stage_s"].get(k, 0.0) for k in ("read", "normalize", "extract"))
        results[f"ntm_{fmt}"] = {
            "docs": first["n_documents"], "pages": first["pages"], "megabytes": round(mb, 2),
            "wall_s": first["wall_s"], "docs_per_s": _rate(first["n_documents"], first["wall_s"]),
            "pages_per_s": _rate(first["pages"], first["wall_s"]), "mb_per_s": _rate(mb, first["wall_s"]),
            "mb_per_s_per_core": _rate(mb, worker_s), "stage_share_pct": stage_shares(first),
            "peak_worker_rss_mb": first["peak_worker_rss_mb"], "parent_peak_rss_mb": first["parent_peak_rss_mb"],
            "docs_per_s_by_tenth": first["docs_per_s_by_tenth"], "by_status": first["by_status"],
            "rerun_wall_s": rerun["wall_s"], "rerun_share_pct": round(100 * rerun["wall_s"] / first["wall_s"], 1),
        }
        print(json.dumps({f"ntm_{fmt}": results[f"ntm_{fmt}"]}, ensure_ascii=False), flush=True)

    if "pdf" in formats and not args.no_baselines and not args.rates_only:
        pdfs = sorted((archive / "pdf").glob("*.pdf"))[: args.baseline_docs]
        for name, function in (("pdfplumber_extract_text", pdfplumber_alone), ("pypdfium2_text", pdfium_alone)):
            figures = function(pdfs)
            figures["pages_per_s"] = _rate(figures["pages"], figures["seconds"])
            figures["docs_per_s"] = _rate(figures["docs"], figures["seconds"])
            results[name] = figures
            print(json.dumps({name: figures}), flush=True)
        if "ntm_pdf" in results:
            results["ntm_pdf_vs_pdfplumber"] = round(
                results["ntm_pdf"]["pages_per_s"] / results["pdfplumber_extract_text"]["pages_per_s"], 2)

    if args.profile:
        fmt = "pdf" if "pdf" in formats else formats[0]
        paths = sorted((archive / fmt).iterdir())[: args.profile]
        text = profile(paths, args.out / f"profile_{fmt}.txt")
        print("\n".join(text.splitlines()[:60]))

    if not args.no_rates:
        trees = {"this tree": ROOT, **({"baseline": args.baseline.resolve()} if args.baseline else {})}
        results["per_core"] = per_core_rates(trees, archive, formats, args.baseline_docs)

    (args.out / "results.json").write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    print_table(results)
    if "per_core" in results:
        print_rates(results["per_core"])


def print_table(results: dict) -> None:
    rows = [("run", "docs", "pages", "MB", "seconds", "docs/s", "pages/s", "MB/s")]
    for key, label in (("ntm_pdf", "ntm run (PDF)"), ("ntm_txt", "ntm run (text)")):
        if key in results:
            r = results[key]
            rows.append((label, r["docs"], r["pages"], r["megabytes"], r["wall_s"], r["docs_per_s"], r["pages_per_s"],
                         r["mb_per_s"]))
    for key in ("pdfplumber_extract_text", "pypdfium2_text"):
        if key in results:
            r = results[key]
            rows.append((key, r["docs"], r["pages"], "", round(r["seconds"], 2), r["docs_per_s"], r["pages_per_s"], ""))
    widths = [max(len(str(row[i])) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        print("  ".join(str(v).rjust(w) for v, w in zip(row, widths)))


if __name__ == "__main__":
    main()
