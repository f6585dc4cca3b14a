"""`ntm show FILE`: one document's tables in the terminal, each row with its quote.

Given a file, the pipeline runs on it afresh (nothing is written); given a
doc_id (or its first characters), the rows come from an output folder. On a
terminal the tables are drawn with rich; piped, each table is printed as
tab-separated lines so that grep, cut and awk can read them.
"""
from __future__ import annotations

from pathlib import Path

from rich import box
from rich.console import Console
from rich.table import Table

from corpus.report import COMPARATOR_SIGN, records
from corpus.tables import Tables
from extract.registry import components

DEFAULT_OUT = Path("out")

# The columns shown per table, after the span (as each record kind declares); every table ends with its quote.
SHOWN_COLUMNS = {
    **{c.table: list(c.shown) for c in components()},
    "findings": ["severity", "check_name", "message"],
}
DOCUMENT_FIELDS = ["doc_id", "path", "status", "error", "quality", "doc_kind", "doc_number", "issued_date", "plan_year",
                   "commune", "district", "province", "programme", "criteria_set", "signer", "signer_title"]


def find_document(tables: Tables, key: str) -> str:
    """The doc_id a user means: a doc_id, its prefix, a path or a file name in the run."""
    docs = records(tables["documents"])
    exact = [d["doc_id"] for d in docs if d["doc_id"] == key]
    if exact:
        return exact[0]
    matches = {d["doc_id"] for d in docs
               if d["doc_id"].startswith(key) or str(d.get("path")) == key or Path(str(d.get("path"))).name == key}
    if len(matches) == 1:
        return matches.pop()
    if not matches:
        raise LookupError(f"no document {key!r} in this output")
    raise LookupError(f"{key!r} matches {len(matches)} documents; give more of the doc_id")


def load_for(path_or_doc_id: str | Path, out: Path | None) -> tuple[Tables, str]:
    """The tables holding the document and its doc_id: a file is run afresh, a doc_id is read from `out`."""
    p = Path(path_or_doc_id)
    if p.is_file():
        import corpus

        tables = corpus.run([p])
        return tables, str(tables["documents"]["doc_id"].iloc[0])
    out = Path(out) if out is not None else DEFAULT_OUT
    if not (out / "documents.parquet").exists():
        raise LookupError(f"{path_or_doc_id!r} is not a file, and {out}/ holds no ntm output to look it up in")
    import corpus

    tables = corpus.read(out)
    return tables, find_document(tables, str(path_or_doc_id))


def _fmt(column: str, v) -> str:
    if v is None:
        return ""
    if column == "comparator":
        return COMPARATOR_SIGN.get(str(v), str(v))
    if column == "amount_vnd":
        return f"{int(v):,}".replace(",", ".")
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def _span(r: dict) -> str:
    if r.get("char_start") is None:
        return ""
    page = f"p{r['page']}:" if r.get("page") is not None else ""
    return f"{page}{r['char_start']}-{r['char_end']}"


def show_document(path_or_doc_id: str | Path, out: Path | None = None, console: Console | None = None) -> str:
    """Print one document's metadata and rows (with quotes); return its doc_id.

    Raises LookupError when neither a file nor a document of `out` matches.
    """
    console = console or Console()
    tables, doc_id = load_for(path_or_doc_id, out)
    doc = next(d for d in records(tables["documents"]) if d["doc_id"] == doc_id)
    plain = not console.is_terminal

    def line(text: str = "") -> None:
        console.file.write(text + "\n")  # as is: rich would expand the tabs

    if plain:
        for k in DOCUMENT_FIELDS:
            if doc.get(k) not in (None, ""):
                line(f"{k}\t{doc[k]}")
    else:
        meta = Table(box=box.SIMPLE, show_header=False, title=f"[bold]{doc.get('commune') or doc.get('path')}[/]")
        meta.add_column(style="dim")
        meta.add_column()
        for k in DOCUMENT_FIELDS:
            if doc.get(k) not in (None, ""):
                meta.add_row(k, str(doc[k]))
        console.print(meta)
    for name, cols in SHOWN_COLUMNS.items():
        df = tables[name]
        rows = sorted((r for r in records(df) if r["doc_id"] == doc_id), key=lambda r: r.get("char_start") or 0)
        header = ["span", *cols, "quote"]
        if plain:
            line()
            line(f"## {name} ({len(rows)})")
            if rows:
                line("\t".join(header))
            for r in rows:
                cells = [_span(r), *(_fmt(c, r.get(c)) for c in cols), str(r.get("quote") or "")]
                line("\t".join(c.replace("\t", " ").replace("\n", " ") for c in cells))
            continue
        if not rows:
            console.print(f"[dim]{name}: 0 rows[/]")
            continue
        t = Table(title=f"{name} ({len(rows)})", box=box.ROUNDED, title_justify="left", show_lines=False)
        t.add_column("span", style="dim", no_wrap=True)
        for c in cols:
            t.add_column(c, overflow="fold")
        t.add_column("quote", style="italic yellow", overflow="fold")
        for r in rows:
            t.add_row(_span(r), *[_fmt(c, r.get(c)) for c in cols], str(r.get("quote") or ""), style=_row_style(r))
        console.print(t)
    return doc_id


def _row_style(r: dict) -> str | None:
    status = r.get("status") or r.get("severity")
    return {"met": "green", "unmet": "red", "target": "cyan", "error": "red", "warning": "yellow"}.get(str(status))
