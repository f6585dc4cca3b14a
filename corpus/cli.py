"""The `ntm` command line."""
from __future__ import annotations

import sys
from pathlib import Path
from typing import List, Optional

import typer

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Mine nông thôn mới (new rural development) plans into evidenced tables and audit them.",
)

DEFAULT_OUT = Path("out")


def _fail(message: str) -> None:
    typer.echo(f"ntm: {message}", err=True)
    raise typer.Exit(2)


@app.command("run")
def run_cmd(
    paths: Optional[List[Path]] = typer.Argument(None, help="Files or folders (recursive). Default: the bundled sample plans."),
    out: Path = typer.Option(DEFAULT_OUT, "--out", "-o", help="Output folder."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Print nothing but errors."),
) -> None:
    """Read every document and write the tables (Parquet, CSV, DuckDB)."""
    from corpus.batch import discover, run, sample_corpus, summarize
    from corpus.tables import check_output_folder

    targets = list(paths) if paths else [sample_corpus()]
    try:
        discover(targets)
        check_output_folder(out)
    except (FileNotFoundError, ValueError) as e:
        _fail(str(e))
    try:
        tables = run(targets, out=out)
    except (OSError, ValueError) as e:
        _fail(f"could not write the output to {out}: {e}")
    if not quiet:
        s = summarize(tables)
        statuses = ", ".join(f"{k} {v}" for k, v in sorted(s.by_status.items()))
        typer.echo(f"{s.n_documents} documents ({statuses}) → {out}/")
        typer.echo("rows: " + ", ".join(f"{k} {v}" for k, v in s.rows.items() if k != "documents"))


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
