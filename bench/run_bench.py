"""Benchmark of `ntm run` on a synthetic province archive, beside the text-extraction baselines.

    python bench/run_bench.py --out bench/runs/$(date +%Y%m%d-%H%M)
    python bench/run_bench.py --docs 100 --scale 200 --out /tmp/quick      # a quick look

It makes archives from the bundled sample plans (communes of one province,
numbers and dates varied), as typeset PDF (fpdf2 with DejaVu Sans, see
tests/fixtures/build.py) and as plain text, then measures in one run and
prints one table:

- `ntm run` on the PDFs with 2 workers (a subprocess, as a user runs it):
  wall pages/s and pages per CPU-second (the CPU of every process of the run,
  workers included), against pdfplumber `extract_text`, pypdfium2 text and
  poppler `pdftotext` (skipped when it is not installed) over the same PDFs;
- `ntm run` on the texts: text MB/s per core (MB per CPU-second);
- `ntm --help`, `ntm --version` and a one-file run: wall seconds;
- parent and worker peak memory at each --scale size (default 1,000 and
  10,000 text documents), and where the wall time of each went (processing,
  tables, report and workbook);
- a rerun with nothing changed, as a share of the first run;
- the Dask engine (a local cluster of 2 workers) against the local one on the
  same corpus.

--code names the source tree whose `ntm` is measured (default: this one).
--baseline REF measures a git ref of this repository beside it in the same
run (its tree is extracted with `git archive` under --out), each measurement
taken on both trees one after the other so that the machine's load weighs on
both alike, and prints one table with a column per tree. --quick is a run of
minutes: 40 PDFs, one text archive of 1,000 plans, baselines on 20 PDFs.
With --profile N it also profiles the per-document function on N documents
(pyinstrument).

    python bench/run_bench.py --quick --baseline main --out /tmp/bench-quick
"""
from __future__ import annotations

import argparse
import ctypes
import json
import multiprocessing as mp
import os
import random
import resource
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


def _become_subreaper() -> bool:
    """Adopt the orphans of the commands run here (the workers' fork server), so their CPU time is counted."""
    try:
        return ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0) == 0  # PR_SET_CHILD_SUBREAPER
    except (OSError, AttributeError):
        return False


def _children() -> set[int]:
    """Pids of this process's children (from /proc)."""
    me, found = os.getpid(), set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == me:
            found.add(int(stat.parent.name))
    return found


def _reap_orphans(before: set[int]) -> None:
    """Wait for the processes a command left behind (adopted here), not for this process's own children."""
    for pid in sorted(_children() - before):
        try:
            os.waitpid(pid, 0)
        except ChildProcessError:
            pass


def _children_usage() -> tuple[float, float]:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def timed_command(command: list[str], code: Path, check: bool = True) -> dict:
    """Run a command to its end (and every process it left behind): wall and CPU seconds, largest RSS."""
    cpu_before, _ = _children_usage()
    before = _children()
    started = time.monotonic()
    done = subprocess.run(command, cwd=code, check=check, env=_env(code), stdout=subprocess.DEVNULL,
                          stderr=subprocess.DEVNULL if not check else None)
    wall = time.monotonic() - started
    _reap_orphans(before)
    cpu_after, maxrss = _children_usage()
    return {"wall_s": round(wall, 3), "cpu_s": round(cpu_after - cpu_before, 3),
            "any_process_max_rss_mb": round(maxrss, 1), "ok": done.returncode == 0}


def _env(code: Path) -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(code)
    return env


def ntm_command(code: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "corpus.cli", *args]


def ntm_run(code: Path, inputs: Path, out: Path, workers: int, force: bool = True, engine: str = "local") -> dict:
    """`ntm run` as a user runs it; its figures come from the run.json it writes, CPU and wall from here."""
    args = ["run", str(inputs), "--out", str(out), "--workers", str(workers), "--quiet", "--engine", engine,
            *(["--force"] if force else [])]
    figures = timed_command(ntm_command(code, *args), code)
    report = json.loads((out / "run.json").read_text())
    report.update(figures)
    return report


def start_times(code: Path, one_file: Path, scratch: Path, repeat: int = 3) -> dict:
    """Best-of-`repeat` wall seconds of `ntm --help`, `ntm --version` and a one-file run."""
    best: dict[str, float] = {}
    for _ in range(repeat):
        for name, args in (("help_s", ["--help"]), ("version_s", ["--version"]),
                           ("one_file_s", ["run", str(one_file), "--out", str(scratch / "one"), "-q", "--force"])):
            figures = timed_command(ntm_command(code, *args), code, check=False)
            if not figures["ok"]:  # a version without the option
                best[name] = None
                continue
            best[name] = min(best.get(name) or figures["wall_s"], figures["wall_s"])
            if name == "one_file_s":  # the CPU of every process of the run (parent, server, worker, workbook)
                best["one_file_cpu_s"] = min(best.get("one_file_cpu_s") or figures["cpu_s"], figures["cpu_s"])
    return best


def _cpu_timed(function, *args) -> dict:
    cpu, started = time.process_time(), time.monotonic()
    figures = function(*args)
    figures["seconds"] = round(time.monotonic() - started, 3)
    figures["cpu_s"] = round(time.process_time() - cpu, 3)
    return figures


def pdfplumber_alone(pdfs: list[Path]) -> dict:
    import pdfplumber

    pages = 0
    for path in pdfs:
        with pdfplumber.open(path) as pdf:
            for page in pdf.pages:
                page.extract_text()
                pages += 1
    return {"docs": len(pdfs), "pages": pages}


def pdfium_alone(pdfs: list[Path]) -> dict:
    import pypdfium2

    pages = 0
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
    return {"docs": len(pdfs), "pages": pages}


def pdftotext_alone(pdfs: list[Path], pages: int) -> dict | None:
    """poppler's `pdftotext` over the PDFs (one process per file); None when it is not installed."""
    exe = shutil.which("pdftotext")
    if exe is None:
        return None
    cpu_before, _ = _children_usage()
    started = time.monotonic()
    for path in pdfs:
        subprocess.run([exe, "-q", "-enc", "UTF-8", str(path), "-"], check=True, stdout=subprocess.DEVNULL)
    seconds = time.monotonic() - started
    cpu_after, _ = _children_usage()
    return {"docs": len(pdfs), "pages": pages, "seconds": round(seconds, 3), "cpu_s": round(cpu_after - cpu_before, 3)}


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


# ---------------------------------------------------------------- the parts of one run


def _rate(n: float, seconds: float) -> float:
    return round(n / seconds, 2) if seconds else float("nan")


def stage_shares(report: dict) -> dict[str, float]:
    stages = dict(report.get("stage_s", {}))
    stages["write_tables"] = report.get("assemble_s", 0.0)
    total = sum(stages.values()) or 1.0
    return {k: round(100 * v / total, 1) for k, v in stages.items()}


def wall_parts(report: dict) -> dict[str, float]:
    """Shares of the wall time: processing (until the last document), tables, report and workbook, the rest."""
    wall = report.get("wall_s") or report.get("elapsed_s") or 1.0
    process, tables = report.get("process_s", 0.0), report.get("assemble_s", 0.0)
    if "reports_s" in report:
        parts = {"process": process, "tables": tables, "report_xlsx": report["reports_s"]}
        parts["start_exit"] = max(0.0, wall - sum(parts.values()))
    else:  # a version whose run.json stops before the report: it comes after elapsed_s, with the exit
        parts = {"process": process, "tables": tables, "report_xlsx": max(0.0, wall - report.get("elapsed_s", wall))}
        parts["start_exit"] = max(0.0, report.get("elapsed_s", wall) - process - tables)
    return {k: round(100 * v / wall, 1) for k, v in parts.items()}


def _run_figures(report: dict) -> dict:
    """The raw seconds of a run (from its run.json and the bench), kept beside the shares."""
    return {k: report.get(k) for k in ("wall_s", "cpu_s", "elapsed_s", "process_s", "assemble_s", "reports_s")}


def measure_pdf(code: Path, pdf_folder: Path, out: Path, workers: int, baseline_docs: int) -> dict:
    """`ntm run` on the PDFs against the text-extraction baselines, per CPU-second and per wall second."""
    first = ntm_run(code, pdf_folder, out, workers)
    results = {"ntm": {
        "docs": first["n_documents"], "pages": first["pages"], "wall_s": first["wall_s"], "cpu_s": first["cpu_s"],
        "pages_per_s": _rate(first["pages"], first["wall_s"]), "pages_per_cpu_s": _rate(first["pages"], first["cpu_s"]),
        "stage_share_pct": stage_shares(first), "wall_share_pct": wall_parts(first), "by_status": first["by_status"],
        "peak_worker_rss_mb": first["peak_worker_rss_mb"], "parent_peak_rss_mb": first["parent_peak_rss_mb"],
        "run": _run_figures(first),
    }}
    pdfs = sorted(pdf_folder.glob("*.pdf"))[:baseline_docs]
    for name, function in (("pdfplumber_extract_text", pdfplumber_alone), ("pypdfium2_text", pdfium_alone)):
        results[name] = _cpu_timed(function, pdfs)
    pages = results["pypdfium2_text"]["pages"]
    poppler = pdftotext_alone(pdfs, pages)
    if poppler is not None:
        results["poppler_pdftotext"] = poppler
    for name, r in results.items():
        r["pages_per_s"] = _rate(r["pages"], r.get("wall_s", r.get("seconds")))
        r["pages_per_cpu_s"] = _rate(r["pages"], r["cpu_s"])
    ntm = results["ntm"]["pages_per_cpu_s"]
    results["ntm_per_cpu_s_vs"] = {name: round(ntm / r["pages_per_cpu_s"], 3) for name, r in results.items()
                                  if name != "ntm" and r.get("pages_per_cpu_s")}
    return results


def measure_text(code: Path, txt_folder: Path, out: Path, workers: int, rerun: bool) -> dict:
    """`ntm run` on text documents: MB/s per core, memory, where the wall time went; a rerun with no change."""
    mb = folder_megabytes(txt_folder)
    first = ntm_run(code, txt_folder, out, workers)
    result = {
        "docs": first["n_documents"], "megabytes": round(mb, 2), "wall_s": first["wall_s"], "cpu_s": first["cpu_s"],
        "docs_per_s": _rate(first["n_documents"], first["wall_s"]), "mb_per_s": _rate(mb, first["wall_s"]),
        "mb_per_s_per_core": _rate(mb, first["cpu_s"]), "wall_share_pct": wall_parts(first),
        "stage_share_pct": stage_shares(first), "parent_peak_rss_mb": first["parent_peak_rss_mb"],
        "peak_worker_rss_mb": first["peak_worker_rss_mb"], "any_process_max_rss_mb": first["any_process_max_rss_mb"],
        "docs_per_s_by_tenth": first["docs_per_s_by_tenth"], "by_status": first["by_status"],
        "run": _run_figures(first),
    }
    if rerun:
        again = ntm_run(code, txt_folder, out, workers, force=False)
        result["rerun_wall_s"] = again["wall_s"]
        result["rerun_share_pct"] = round(100 * again["wall_s"] / first["wall_s"], 2)
    return result


def measure_dask(code: Path, folder: Path, out: Path, workers: int, local: dict | None = None) -> dict | None:
    """The Dask engine (a local cluster) on the same corpus as the local engine; None without dask.

    `local` is the local engine's run on that corpus ({"wall_s", "cpu_s"}), made here when not given.
    """
    try:
        import distributed  # noqa: F401
    except ImportError:
        return None
    if local is None:
        local = ntm_run(code, folder, out / "local", workers)
    run = ntm_run(code, folder, out / "dask", workers, engine="dask")
    return {"docs": run["n_documents"], "wall_s": run["wall_s"], "cpu_s": run["cpu_s"], "local_wall_s": local["wall_s"],
            "local_cpu_s": local.get("cpu_s"), "dask_vs_local": round(run["wall_s"] / local["wall_s"], 3),
            "dask_vs_local_cpu": round(run["cpu_s"] / local["cpu_s"], 3) if local.get("cpu_s") else None,
            "peak_worker_rss_mb": run["peak_worker_rss_mb"]}


# ---------------------------------------------------------------- the run


def baseline_tree(ref: str, folder: Path) -> Path:
    """The source tree of git ref `ref` of this repository, extracted into `folder` (reused when there)."""
    commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--verify", f"{ref}^{{commit}}"], check=True,
                            capture_output=True, text=True).stdout.strip()
    tree = folder / commit[:12]
    if not (tree / "corpus" / "cli.py").is_file():
        shutil.rmtree(tree, ignore_errors=True)
        tree.mkdir(parents=True)
        archive = subprocess.Popen(["git", "-C", str(ROOT), "archive", commit], stdout=subprocess.PIPE)
        subprocess.run(["tar", "-x", "-C", str(tree)], stdin=archive.stdout, check=True)
        if archive.wait() != 0:
            raise SystemExit(f"git archive {ref} failed")
    return tree


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=300, help="typeset PDF plans (default 300)")
    parser.add_argument("--scale", default="1000,10000",
                        help="text archives the memory and rerun figures are taken on (default 1000,10000)")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "runs" / time.strftime("%Y%m%d-%H%M%S"))
    parser.add_argument("--archives", type=Path, help="where the archives are built (default: OUT); reused when present")
    parser.add_argument("--code", type=Path, default=ROOT, help="the source tree whose `ntm` is measured")
    parser.add_argument("--baseline", metavar="REF", help="a git ref measured beside --code in the same run")
    parser.add_argument("--quick", action="store_true", help="a run of minutes: --docs 40 --scale 1000 --baseline-docs 20")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--province", default=DEFAULT_PROVINCE)
    parser.add_argument("--baseline-docs", type=int, default=100, help="PDFs the baselines read (default 100)")
    parser.add_argument("--no-dask", action="store_true")
    parser.add_argument("--profile", type=int, default=0, help="profile the per-document function on N documents")
    parser.add_argument("--only", choices=["memory"], help="memory: only the text archives at each --scale size")
    args = parser.parse_args()
    if args.quick:
        args.docs, args.scale, args.baseline_docs = 40, "1000", 20

    _become_subreaper()
    args.out.mkdir(parents=True, exist_ok=True)
    archives = args.archives or args.out
    trees = {"this": args.code.resolve()}
    if args.baseline:
        trees[f"baseline {args.baseline}"] = baseline_tree(args.baseline, args.out / "trees")
    every: dict[str, dict] = {name: {"code": str(code), "workers": args.workers, "cpu_count": os.cpu_count(),
                                     "load_average_at_start": os.getloadavg()} for name, code in trees.items()}

    def each_tree(part: str, measure) -> None:
        """One measurement on every tree, one after the other."""
        for name, code in trees.items():
            every[name][part] = measure(code, args.out / _slug(name))
            print(json.dumps({name: {part: every[name][part]}}, ensure_ascii=False), flush=True)

    pdf_archive = archives / f"pdf-{args.docs}"
    if args.only is None:
        info = make_archive(pdf_archive, args.docs, ["pdf"], args.province, args.workers)
        print(f"archive: {info['docs']} PDFs, {info['pdf_pages']} pages in {pdf_archive}", flush=True)
        each_tree("pdf", lambda code, out: measure_pdf(code, pdf_archive / "pdf", out / "out_pdf", args.workers,
                                                       args.baseline_docs))
        one_file = sorted((pdf_archive / "pdf").glob("*.pdf"))[0]
        each_tree("start", lambda code, out: start_times(code, one_file, out))

    sizes = [int(n) for n in args.scale.split(",") if n.strip()]
    for name in trees:
        every[name]["text"] = {}
    for n in sizes:
        txt_archive = archives / f"txt-{n}"
        make_archive(txt_archive, n, ["txt"], args.province, args.workers)
        for name, code in trees.items():
            every[name]["text"][n] = measure_text(code, txt_archive / "txt", args.out / _slug(name) / f"out_txt_{n}",
                                                  args.workers, rerun=True)
            print(json.dumps({name: {f"text_{n}": every[name]["text"][n]}}), flush=True)

    if not args.no_dask and sizes and args.only is None:
        n = sizes[0]
        for name, code in trees.items():
            dask = measure_dask(code, archives / f"txt-{n}" / "txt", args.out / _slug(name) / "engines", args.workers,
                                every[name]["text"][n])
            if dask is not None:
                every[name]["dask"] = dask
                print(json.dumps({name: {"dask": dask}}), flush=True)

    if args.profile and args.only is None:
        paths = sorted((pdf_archive / "pdf").iterdir())[: args.profile]
        text = profile(paths, args.out / "profile_pdf.txt")
        print("\n".join(text.splitlines()[:60]))

    for results in every.values():
        results["load_average_at_end"] = os.getloadavg()
    (args.out / "results.json").write_text(json.dumps(every if len(every) > 1 else every["this"], indent=2,
                                                      ensure_ascii=False) + "\n")
    print()
    print(side_by_side(every) if len(every) > 1 else table(every["this"]))


def _slug(name: str) -> str:
    return regex.sub(r"[^\w.-]+", "-", name).strip("-")


def rows(results: dict) -> list[tuple[str, str, str]]:
    """(measure, figure, goal) of one tree's figures, in the table's order."""
    out: list[tuple[str, str, str]] = []
    pdf = results.get("pdf", {})
    if "ntm" in pdf:
        r = pdf["ntm"]
        out.append((f"`ntm run` on {r['docs']} PDFs ({r['pages']} pages), {results['workers']} workers",
                    f"{r['pages_per_s']} pages/s wall, {r['pages_per_cpu_s']} pages/CPU-s", ""))
        for name, label in (("pdfplumber_extract_text", "pdfplumber `extract_text`"),
                            ("pypdfium2_text", "pypdfium2 text"), ("poppler_pdftotext", "poppler `pdftotext`")):
            if name in pdf:
                b = pdf[name]
                goal = {"pdfplumber_extract_text": "≥ 20×", "pypdfium2_text": "≥ 0.33×"}.get(name, "")
                out.append((f"{label} alone, 1 process", f"{b['pages_per_s']} pages/s, {b['pages_per_cpu_s']} pages/CPU-s",
                            ""))
                out.append((f"`ntm run` per CPU-s vs {label}", f"{pdf['ntm_per_cpu_s_vs'][name]}×", goal))
            elif name == "poppler_pdftotext":
                out.append((f"{label}", "not installed: skipped", ""))
        shares = r["wall_share_pct"]
        out.append(("PDF run wall time: processing / tables / report+xlsx / start+exit",
                    " / ".join(f"{shares[k]}%" for k in ("process", "tables", "report_xlsx", "start_exit")), ""))
        stages = r.get("stage_share_pct", {})
        if stages:
            out.append(("PDF run, time in the workers by stage (+ tables in the parent)",
                        " / ".join(f"{k} {v}%" for k, v in stages.items()), ""))
    start = results.get("start", {})
    if start:
        out.append(("`ntm --help` / `ntm --version`", f"{start['help_s']} s / {start['version_s'] or '–'} s", "< 0.5 s"))
        cpu = f" ({start['one_file_cpu_s']} CPU-s in all its processes)" if start.get("one_file_cpu_s") else ""
        out.append(("one-file run, wall", f"{start['one_file_s']} s{cpu}", "< 2 s"))
    text = results.get("text", {})
    for n, r in text.items():
        out.append((f"{n} text documents ({r['megabytes']} MB): wall, text MB/s per core",
                    f"{r['wall_s']} s, {r['mb_per_s_per_core']} MB/CPU-s", ""))
        shares = r["wall_share_pct"]
        out.append((f"{n} texts wall time: processing / tables / report+xlsx / start+exit",
                    " / ".join(f"{shares[k]}%" for k in ("process", "tables", "report_xlsx", "start_exit")), ""))
        out.append((f"{n} texts: parent / worker peak RSS", f"{r['parent_peak_rss_mb']} MB / {r['peak_worker_rss_mb']} MB",
                    ""))
        if "rerun_share_pct" in r:
            out.append((f"{n} texts: rerun with nothing changed",
                        f"{r['rerun_wall_s']} s = {r['rerun_share_pct']}% of the first", "≤ 3%"))
    sizes = sorted(text, key=int)
    if len(sizes) >= 2:
        a, b = text[sizes[0]]["parent_peak_rss_mb"], text[sizes[-1]]["parent_peak_rss_mb"]
        out.append((f"parent peak RSS, {sizes[-1]} vs {sizes[0]} documents", f"{round(100 * (b - a) / a, 1):+}%", "±10%"))
    dask = results.get("dask")
    if dask:
        cpu = f"; CPU {dask['cpu_s']} s vs {dask['local_cpu_s']} s = {dask['dask_vs_local_cpu']}×" \
            if dask.get("dask_vs_local_cpu") else ""
        out.append((f"Dask (local cluster) vs local engine, {dask['docs']} texts",
                    f"{dask['wall_s']} s vs {dask['local_wall_s']} s = {dask['dask_vs_local']}×{cpu}", "≤ 1.2×"))
    return out


def _load_line(results: dict) -> str:
    load = (results.get("load_average_at_start"), results.get("load_average_at_end"))
    if not all(load):
        return ""
    return (f"Machine: {results['cpu_count']} cores; load average (1/5/15 min) "
            f"{' '.join(f'{x:.2f}' for x in load[0])} at the start, "
            f"{' '.join(f'{x:.2f}' for x in load[1])} at the end.")


def _markdown(header: tuple, body: list[tuple]) -> list[str]:
    return ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)] + \
        ["| " + " | ".join(str(c) for c in row) + " |" for row in body]


def table(results: dict) -> str:
    """The bench's figures as one Markdown table (the README's "Performance" section holds one)."""
    lines = _markdown(("measure", "figure", "goal"), rows(results))
    load = _load_line(results)
    return "\n".join(lines + (["", load] if load else []))


def side_by_side(every: dict[str, dict]) -> str:
    """One Markdown table with a column per tree (measures matched by their label)."""
    names = list(every)
    figures = {name: {label: figure for label, figure, _ in rows(results)} for name, results in every.items()}
    labels: list[tuple[str, str]] = []
    for name in names:
        for label, _, goal in rows(every[name]):
            if label not in {lab for lab, _ in labels}:
                labels.append((label, goal))
    body = [(label, *(figures[name].get(label, "–") for name in names), goal) for label, goal in labels]
    lines = _markdown(("measure", *names, "goal"), body)
    load = _load_line(every[names[0]])
    return "\n".join(lines + (["", load] if load else []))


if __name__ == "__main__":
    main()
