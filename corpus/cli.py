"""The `ntm` command line.

Only what a command uses is imported, when it runs: `ntm --help` and `ntm
--version` load neither the pipeline nor pandas, pyarrow or duckdb.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import List, Optional

import typer

from corpus.defaults import DEFAULT_MAX_DOCS_PER_WORKER, DEFAULT_MAX_MEMORY_MB, DEFAULT_TIMEOUT_S, ENGINES

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Mine nông thôn mới (new rural development) plans into evidenced tables and audit them.",
)


def _version() -> str:
    from importlib import metadata

    try:
        return metadata.version("ntm")
    except metadata.PackageNotFoundError:  # run from a source tree that is not installed
        return "unknown"


def _show_version(value: bool) -> None:
    if value:
        typer.echo(f"ntm {_version()}")
        raise typer.Exit()


@app.callback()
def _main(
    version: bool = typer.Option(False, "--version", callback=_show_version, is_eager=True,
                                 help="Print the version and exit."),
) -> None:
    """Mine nông thôn mới (new rural development) plans into evidenced tables and audit them."""

DEFAULT_OUT = Path("out")


def _fail(message: str) -> None:
    typer.echo(f"ntm: {message}", err=True)
    raise typer.Exit(2)


@app.command("run")
def run_cmd(
    paths: Optional[List[Path]] = typer.Argument(None, help="Files or folders (recursive). Default: the bundled sample plans."),
    out: Path = typer.Option(DEFAULT_OUT, "--out", "-o", help="Output folder."),
    workers: int = typer.Option(os.cpu_count() or 1, "--workers", "-j", min=1, help="Worker processes (Dask: local cluster size)."),
    timeout: float = typer.Option(DEFAULT_TIMEOUT_S, "--timeout", min=0.1, help="Seconds one document may take."),
    max_memory_mb: int = typer.Option(DEFAULT_MAX_MEMORY_MB, "--max-memory-mb", min=64, help="Memory one worker may use (MB)."),
    max_docs_per_worker: int = typer.Option(DEFAULT_MAX_DOCS_PER_WORKER, "--max-docs-per-worker", min=1, help="Replace a worker after this many documents."),
    force: bool = typer.Option(False, "--force", help="Redo every document, even those unchanged since the last run."),
    engine: str = typer.Option("local", "--engine", help="Where documents run: local (processes here) or dask."),
    scheduler: Optional[str] = typer.Option(None, "--scheduler", help="Dask scheduler address, e.g. tcp://10.0.0.5:8786 (default: a local cluster)."),
    lang: str = typer.Option("vi", "--lang", help="Language of report.html: vi or en."),
    no_report: bool = typer.Option(False, "--no-report", help="Do not write report.html and its report/ pages."),
    no_xlsx: bool = typer.Option(False, "--no-xlsx", help="Do not write ntm.xlsx."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Print nothing but errors."),
    follow_links: bool = typer.Option(False, "--follow-links", help="Read symlinks that point outside the given paths."),
) -> None:
    """Read every document and write the tables (Parquet, CSV, DuckDB), report.html and ntm.xlsx."""
    if engine not in ENGINES:
        _fail(f"unknown engine {engine!r}: choose one of {', '.join(ENGINES)}")
    from corpus.report import languages

    if lang not in languages():
        _fail(f"unknown report language {lang!r}: choose one of {', '.join(languages())}")
    if scheduler and engine != "dask":
        _fail("--scheduler needs --engine dask")
    if engine == "local":  # the workers' warm-up runs while this process plans the run
        from corpus.engine import start_workers_server

        start_workers_server()
    from corpus.batch import RunOptions, discover, run_batch, sample_corpus
    from corpus.tables import check_output_folder
    targets = list(paths) if paths else [sample_corpus()]
    try:
        discover(targets)
        check_output_folder(out)
    except (FileNotFoundError, ValueError) as e:
        _fail(str(e))
    options = RunOptions(
        workers=workers, timeout_s=timeout, max_memory_mb=max_memory_mb, max_docs_per_worker=max_docs_per_worker,
        force=force, engine=engine, scheduler=scheduler, progress="none" if quiet else "auto", lang=lang,
        reports=not no_report, xlsx=not no_xlsx, follow_links=follow_links,
    )
    try:
        report = run_batch(targets, out, options)
    except KeyboardInterrupt:
        typer.echo(f"ntm: interrupted; {out}/ is as the last finished run left it", err=True)
        raise typer.Exit(130) from None
    except ValueError as e:
        _fail(str(e))
    except OSError as e:
        _fail(f"could not write the output to {out}: {e.strerror or e}")
    if not quiet:
        statuses = ", ".join(f"{k} {v}" for k, v in report.by_status.items())
        typer.echo(f"{report.n_documents} documents ({statuses}; {report.duplicates} duplicates; {report.processed} processed, "
                   f"{report.reused} unchanged) in {report.elapsed_s:.1f} s → {out}/")
        if report.skipped_output:
            typer.echo(f"skipped {report.skipped_output} files of ntm output folders among the inputs")
        typer.echo("rows: " + ", ".join(f"{k} {v}" for k, v in report.rows.items() if k != "documents"))


@app.command("audit")
def audit_cmd(out: Path = typer.Argument(DEFAULT_OUT, help="Output folder of `ntm run`.")) -> None:
    """Print the findings of a run, grouped by document, each with its quote."""
    from corpus.audit_view import print_findings

    try:
        print_findings(out)
    except FileNotFoundError as e:
        _fail(str(e))


@app.command("show")
def show_cmd(
    target: str = typer.Argument(..., help="A file (read afresh), or a doc_id, its prefix or a file name in --out."),
    out: Path = typer.Option(DEFAULT_OUT, "--out", "-o", help="Output folder to look the document up in."),
) -> None:
    """Print one document's tables in the terminal, each row with its quote."""
    from rich.console import Console

    from corpus.show import show_document

    try:
        show_document(target, out, Console())
    except LookupError as e:
        _fail(str(e))


@app.command("report")
def report_cmd(
    out: Path = typer.Argument(DEFAULT_OUT, help="Output folder of `ntm run`."),
    lang: str = typer.Option("vi", "--lang", help="Language of report.html: vi or en."),
) -> None:
    """Write report.html and ntm.xlsx again from a finished run (e.g. in another language)."""
    from corpus.excel import write_xlsx
    from corpus.report import languages, write_report

    if lang not in languages():
        _fail(f"unknown report language {lang!r}: choose one of {', '.join(languages())}")
    if not (out / "documents.parquet").exists():
        _fail(f"no ntm output in {out}")
    write_xlsx(out, out)
    path = write_report(out, out, lang=lang)
    typer.echo(f"wrote {path} and {out / 'ntm.xlsx'}")


@app.command("normalize")
def normalize_cmd(file: Path = typer.Argument(..., help="A document file.")) -> None:
    """Print the normalized text that every span (char_start, char_end) refers to."""
    from normalize.pipeline import normalize_path

    if not file.is_file():
        _fail(f"no such file: {file}")
    doc = normalize_path(file)
    if doc.status != "ok":
        _fail(f"{doc.status}: {doc.error}")
    sys.stdout.write(doc.text)
    if not doc.text.endswith("\n"):
        sys.stdout.write("\n")


def main() -> None:
    app()


if __name__ == "__main__":
    main()
