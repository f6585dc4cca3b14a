"""The `ntm` command line.

Only what a command uses is imported, when it runs: `ntm --help` and `ntm
--version` load neither the pipeline nor pandas, pyarrow or duckdb.
"""
from __future__ import annotations

import os
import sys
from enum import Enum
from pathlib import Path
from typing import List, Optional

import typer

from corpus.defaults import DEFAULT_MAX_DOCS_PER_WORKER, DEFAULT_MAX_MEMORY_MB, DEFAULT_TIMEOUT_S, ENGINES, LANGUAGES

# The choices `--help` lists; the values are the codes the batch layer takes.
Engine = Enum("Engine", {e: e for e in ENGINES}, type=str)
Lang = Enum("Lang", {code: code for code in LANGUAGES}, type=str)

app = typer.Typer(
    add_completion=False,
    rich_markup_mode=None,  # plain click help: half the start-up of rich-drawn help
    no_args_is_help=True,
    help="Mine nông thôn mới (new rural development) plans into evidenced tables and audit them.",
)


def _version() -> str:
    from corpus import __version__  # not importlib.metadata: it alone costs a tenth of `ntm --version`

    return __version__


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


@app.command("run", short_help="Read documents; write the tables, report.html and ntm.xlsx.")
def run_cmd(
    paths: Optional[List[Path]] = typer.Argument(None, help="Files or folders (recursive). Default: the bundled sample plans."),
    out: Path = typer.Option(DEFAULT_OUT, "--out", "-o", help="Output folder."),
    workers: int = typer.Option(os.cpu_count() or 1, "--workers", "-j", min=1, help="Worker processes (Dask: local cluster size)."),
    timeout: float = typer.Option(DEFAULT_TIMEOUT_S, "--timeout", min=0.1, help="Seconds one document may take."),
    max_memory_mb: int = typer.Option(DEFAULT_MAX_MEMORY_MB, "--max-memory-mb", min=64, help="Memory one worker may use (MB)."),
    max_docs_per_worker: int = typer.Option(DEFAULT_MAX_DOCS_PER_WORKER, "--max-docs-per-worker", min=1, help="Replace a worker after this many documents."),
    force: bool = typer.Option(False, "--force", help="Redo every document, even those unchanged since the last run."),
    engine: Engine = typer.Option(ENGINES[0], "--engine", help="Where documents run: local (processes here) or dask."),
    scheduler: Optional[str] = typer.Option(None, "--scheduler", help="Dask scheduler address, e.g. tcp://10.0.0.5:8786 (default: a local cluster)."),
    lang: Lang = typer.Option(LANGUAGES[0], "--lang", help="Language of report.html."),
    no_report: bool = typer.Option(False, "--no-report", help="Do not write report.html and its report/ pages."),
    no_xlsx: bool = typer.Option(False, "--no-xlsx", help="Do not write ntm.xlsx."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Print nothing but errors."),
    follow_links: bool = typer.Option(False, "--follow-links", help="Read symlinks that point outside the given paths."),
) -> None:
    """Read every document and write the tables (Parquet, CSV, DuckDB), report.html and ntm.xlsx."""
    engine, lang = Engine(engine).value, Lang(lang).value
    if scheduler and engine != "dask":
        _fail("--scheduler needs --engine dask")
    if scheduler:
        problem = scheduler_problem(scheduler)
        if problem:
            _fail(problem)
    else:  # the workers' (or the local Dask cluster's) warm-up runs while this process plans the run
        from corpus.engine import start_workers_server

        start_workers_server(dask=engine == "dask")
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
        if scheduler and _raised_by_the_cluster(e):
            _fail(f"the Dask scheduler at {scheduler} failed: {e}; {out}/ is as the last finished run left it")
        _fail(f"could not write the output to {out}: {e.strerror or e}")
    if not quiet:
        statuses = ", ".join(f"{k} {v}" for k, v in report.by_status.items())
        typer.echo(f"{report.n_documents} documents ({statuses}; {report.duplicates} duplicates; {report.processed} processed, "
                   f"{report.reused} unchanged) in {report.elapsed_s:.1f} s → {out}/")
        if report.skipped_output:
            typer.echo(f"skipped {report.skipped_output} files of ntm output folders among the inputs")
        typer.echo("rows: " + ", ".join(f"{k} {v}" for k, v in report.rows.items() if k != "documents"))


def scheduler_problem(address: str, timeout_s: float = 5.0) -> str | None:
    """Why the Dask scheduler at `address` cannot be reached, or None (also for addresses not over TCP).

    A plain TCP connection, so that an address nobody listens on is said at once
    instead of after the client's long connect timeout.
    """
    import socket
    from urllib.parse import urlsplit

    scheme, sep, _ = address.partition("://")
    if sep and scheme not in ("tcp", "tls", "ws", "wss"):
        return None  # inproc://, ucx://: the client says what is wrong
    try:
        parts = urlsplit(address if sep else f"tcp://{address}")
        host, port = parts.hostname, parts.port
    except ValueError as e:
        return f"--scheduler {address!r} is not an address like tcp://host:8786 ({e})"
    if not host or port is None:
        return None  # the client knows its default port
    try:
        with socket.create_connection((host, port), timeout=timeout_s):
            return None
    except OSError as e:
        reason = e.strerror or str(e) or type(e).__name__
        return f"cannot reach the Dask scheduler at {address}: {reason}"


def _raised_by_the_cluster(e: BaseException) -> bool:
    """Whether an error came out of the Dask client rather than out of writing the tables."""
    tb = e.__traceback__
    while tb is not None:
        module = tb.tb_frame.f_globals.get("__name__", "")
        if module.split(".")[0] in ("distributed", "dask"):
            return True
        tb = tb.tb_next
    return False


@app.command("audit", short_help="Print a run's findings with their quotes.")
def audit_cmd(out: Path = typer.Argument(DEFAULT_OUT, help="Output folder of `ntm run`.")) -> None:
    """Print the findings of a run, grouped by document, each with its quote."""
    from corpus.audit_view import print_findings

    try:
        print_findings(out)
    except FileNotFoundError as e:
        _fail(str(e))


@app.command("show", short_help="Print one document's rows with their quotes.")
def show_cmd(
    target: str = typer.Argument(..., help="A file (read afresh), or a document of --out: its doc_id, path or file name, or the start of a doc_id or file name."),
    out: Path = typer.Option(DEFAULT_OUT, "--out", "-o", help="Output folder to look the document up in."),
) -> None:
    """Print one document's tables, each row with its quote: drawn on a terminal, tab-separated when piped."""
    from rich.console import Console

    from corpus.show import show_document

    try:
        tty = sys.stdout.isatty()
    except ValueError:  # a closed stream
        tty = False
    # Tables for a terminal, TSV for a pipe, by isatty alone: FORCE_COLOR or TTY_COMPATIBLE must not change
    # what a script reads.
    try:
        show_document(target, out, Console(force_terminal=tty))
    except LookupError as e:
        _fail(str(e))


@app.command("report", short_help="Write report.html and ntm.xlsx again from a run.")
def report_cmd(
    out: Path = typer.Argument(DEFAULT_OUT, help="Output folder of `ntm run`."),
    lang: Lang = typer.Option(LANGUAGES[0], "--lang", help="Language of report.html."),
) -> None:
    """Write report.html and ntm.xlsx again from a finished run (e.g. in another language)."""
    from corpus.excel import write_xlsx
    from corpus.report import write_report

    lang = Lang(lang).value
    if not (out / "documents.parquet").exists():
        _fail(f"no ntm output in {out}")
    write_xlsx(out, out, lang=lang)
    path = write_report(out, out, lang=lang)
    typer.echo(f"wrote {path} and {out / 'ntm.xlsx'}")


@app.command("normalize", short_help="Print the normalized text spans refer to.")
def normalize_cmd(
    file: Path = typer.Argument(..., help="A document file."),
    offsets: bool = typer.Option(False, "--offsets", help="Mark every 100th offset as ⟦1200⟧ and each page start as "
                                 "⟦p3:1187⟧, to find a char_start by; the markers are not part of the text."),
) -> None:
    """Print the normalized text that every span (char_start, char_end) refers to."""
    from normalize.pipeline import normalize_path

    if not file.is_file():
        _fail(f"no such file: {file}")
    doc = normalize_path(file)
    if doc.status != "ok":
        _fail(f"{doc.status}: {doc.error}")
    text = doc.text
    if offsets:
        from corpus.offsets import marked, page_offsets

        text = marked(text, page_offsets(len(text), doc.page_at))
    sys.stdout.write(text)
    if not text.endswith("\n"):
        sys.stdout.write("\n")


def main() -> None:
    args = sys.argv[1:]
    if _starts_the_local_server(args):
        # Before the command line is read (a tenth of a second and more: typer coerces each option
        # through a validator it builds on first use), so the workers' warm-up starts that much sooner.
        from corpus.engine import start_workers_server

        start_workers_server()
    if args[:1] != ["run"]:
        app()
        return
    try:
        app()
    except SystemExit as e:
        _leave(e.code)
    _leave(0)


def _leave(code) -> None:
    """End the process after `ntm run` without the interpreter's teardown of its modules.

    By then every output is written, closed and in place; what is left is freeing the modules of
    pyarrow, DuckDB, pandas and the pipeline one by one, which takes longer (a third of a second)
    than a one-file run's tables. Threads that are not daemons are waited for, the exit handlers
    run (they stop the workers' server) and the standard streams are flushed first, as at an
    ordinary exit; the exit status is the one `sys.exit(code)` gives.
    """
    import atexit
    import threading

    for thread in threading.enumerate():
        if thread is not threading.current_thread() and not thread.daemon:
            thread.join()
    status = _exit_status(code)
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError, AttributeError):  # a closed pipe or stream: nothing more can be said
            pass
    os._exit(status)


def _exit_status(code) -> int:
    """The status `sys.exit(code)` ends a process with (a message is printed to stderr, status 1)."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code & 0xFF
    print(code, file=sys.stderr)
    return 1


# Options of `run` that decide whether (and how) the workers' server starts: with one of them the
# server is started once the options are read.
_SERVER_OPTIONS = ("--engine", "--scheduler", "--help")


def _starts_the_local_server(args: List[str]) -> bool:
    """Whether a command line is a run that surely uses the local engine: `run` with no option
    that chooses the engine or a scheduler, and no --help."""
    return args[:1] == ["run"] and not any(a.split("=", 1)[0] in _SERVER_OPTIONS for a in args[1:])


if __name__ == "__main__":
    main()
