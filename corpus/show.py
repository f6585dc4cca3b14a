"""`ntm show FILE`: one document's tables in the terminal, each row with its quote.

Given a file, the pipeline runs on it afresh (nothing is written); given a
doc_id, a path or a file name (or the first characters of a doc_id or a file
name), the rows come from an output folder. On a
terminal the tables are drawn with rich; piped, each table is printed as
tab-separated lines so that grep, cut and awk can read them.
"""
from __future__ import annotations

import math
from pathlib import Path

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from corpus.report import COMPARATOR_SIGN
from corpus.tables import Tables
from extract.registry import components

DEFAULT_OUT = Path("out")

# The columns shown per table, after the span (as each record kind declares); every table ends with its quote.
SHOWN_COLUMNS = {
    **{c.table: list(c.shown) for c in components()},
    "findings": ["severity", "check_name", "message"],
}
# A column of the contract and the name outputs written before it was renamed still carry.
OLD_NAMES = {"check_name": "check"}
DOCUMENT_FIELDS = ["doc_id", "path", "duplicate_of", "status", "error", "quality", "doc_kind", "doc_number",
                   "issued_date", "plan_year", "commune", "district", "province", "programme", "criteria_set", "signer",
                   "signer_title"]
MAX_CANDIDATES = 10  # listed in the message for a key that matches several documents


def records(df) -> list[dict]:
    """A table's rows as plain dicts, missing values as None."""
    if df is None or len(df) == 0:
        return []
    return [{k: (None if _missing(v) else v) for k, v in row.items()} for row in df.to_dict("records")]


def _missing(v) -> bool:
    import pandas as pd

    return v is None or v is pd.NA or v is pd.NaT or (isinstance(v, float) and math.isnan(v))


def _same_path(key: str, path: str) -> bool:
    """Whether `key` names the file at `path`: the path as written, a trailing part of it, or the same file."""
    if not path:
        return False
    tail = key
    while tail.startswith("./"):
        tail = tail[2:]
    if key == path or (tail and path.endswith("/" + tail)):
        return True
    try:
        return Path(key).resolve() == Path(path).resolve()
    except (OSError, RuntimeError, ValueError):
        return False


def _candidates(docs: list[dict], key: str) -> list[list[dict]]:
    """The documents `key` may mean, from the surest kind of match to the loosest (each tier a list)."""
    def name(d: dict) -> str:
        return Path(str(d.get("path") or "")).name

    return [
        [d for d in docs if d["doc_id"] == key],
        [d for d in docs if _same_path(key, str(d.get("path") or ""))],
        [d for d in docs if name(d) == key],
        [d for d in docs if d["doc_id"].startswith(key) or name(d).startswith(key)],
    ]


def find_row(tables: Tables, key: str) -> dict:
    """The `documents` row a user means by a doc_id, its prefix, a path or a file name (or its prefix) in the run.

    The surest kind of match wins (a whole doc_id over a path, a path over a
    file name, a file name over a prefix); within it, a key that fits more than
    one document is a LookupError that lists them, never a guess.
    """
    if not key:
        raise LookupError("give a doc_id, a file name or a path")
    docs = records(tables["documents"])
    for tier in _candidates(docs, key):
        if not tier:
            continue
        if len({d["doc_id"] for d in tier}) == 1 and len(tier) == 1:
            return tier[0]
        originals = [d for d in tier if not d.get("duplicate_of")]
        if len({d["doc_id"] for d in tier}) == 1 and len(originals) == 1:
            return originals[0]  # one content, read from several copies: the first copy speaks for it
        raise LookupError(_ambiguous(key, tier))
    raise LookupError(f"no document {key!r} in this output: give a doc_id, a file name or a path as `ntm run` read it")


def find_document(tables: Tables, key: str) -> str:
    """The doc_id a user means: see `find_row`."""
    return str(find_row(tables, key)["doc_id"])


def _ambiguous(key: str, rows: list[dict]) -> str:
    shown = sorted(rows, key=lambda d: (str(d.get("path") or ""), d["doc_id"]))
    lines = [f"{key!r} matches {len(rows)} documents; give more of the doc_id or the file name:"]
    lines += [f"  {d['doc_id']}  {d.get('path') or ''}" for d in shown[:MAX_CANDIDATES]]
    if len(shown) > MAX_CANDIDATES:
        lines.append(f"  … and {len(shown) - MAX_CANDIDATES} more")
    return "\n".join(lines)


def load_for(path_or_doc_id: str | Path, out: Path | None) -> tuple[Tables, dict]:
    """The tables holding the document and its `documents` row: a file is run afresh, a key is looked up in `out`."""
    p = Path(path_or_doc_id)
    if p.is_file():
        import corpus

        tables = corpus.run([p])
        return tables, records(tables["documents"])[0]
    out = Path(out) if out is not None else DEFAULT_OUT
    if not (out / "documents.parquet").exists():
        raise LookupError(f"{str(path_or_doc_id)!r} is not a file, and {out}/ holds no ntm output to look it up in")
    import corpus

    tables = corpus.read(out)
    return tables, find_row(tables, str(path_or_doc_id))


def _fmt(column: str, v) -> str:
    if v is None:
        return ""
    if column == "comparator":
        return COMPARATOR_SIGN.get(str(v), str(v))
    if column == "amount_vnd":
        return f"{int(v):,}".replace(",", ".")
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if hasattr(v, "isoformat"):  # a date (a timestamp at midnight is a day)
        text = v.isoformat()
        return text[:10] if text.endswith("T00:00:00") else text
    return str(v)


def _span(r: dict) -> str:
    if r.get("char_start") is None:
        return ""
    page = f"p{_fmt('page', r['page'])}:" if r.get("page") is not None else ""
    return f"{page}{_fmt('char_start', r['char_start'])}-{_fmt('char_end', r['char_end'])}"


def _columns(df, cols: list[str]) -> list[tuple[str, str]]:
    """(shown name, column read) for each column, reading a column's older name in outputs written before."""
    present = set(df.columns) if df is not None else set()
    return [(c, c if c in present or OLD_NAMES.get(c) not in present else OLD_NAMES[c]) for c in cols]


def show_document(path_or_doc_id: str | Path, out: Path | None = None, console: Console | None = None) -> str:
    """Print one document's metadata and rows (with quotes); return its doc_id.

    On a terminal the tables are drawn with rich; otherwise (piped) the output
    is plain tab-separated lines: `key<TAB>value` for the document, then per
    table a `## name (n)` line, a header and one line per row.
    Raises LookupError when neither a file nor a document of `out` matches.
    """
    console = console or Console()
    tables, doc = load_for(path_or_doc_id, out)
    doc_id = str(doc["doc_id"])
    plain = not console.is_terminal

    def line(text: str = "") -> None:
        console.file.write(text + "\n")  # as is: rich would expand the tabs

    fields = [(k, _fmt(k, doc.get(k))) for k in DOCUMENT_FIELDS if doc.get(k) not in (None, "")]
    if plain:
        for k, v in fields:
            line(f"{k}\t{_cell(v)}")
    else:
        meta = Table(box=box.SIMPLE, show_header=False,
                     title=Text(str(doc.get("commune") or doc.get("path") or doc_id), style="bold"))
        meta.add_column(style="dim")
        meta.add_column(overflow="fold")
        for k, v in fields:
            meta.add_row(k, Text(v))
        console.print(meta)
    for name, cols in SHOWN_COLUMNS.items():
        df = tables[name]
        shown = _columns(df, cols)
        rows = sorted((r for r in records(df) if r["doc_id"] == doc_id), key=lambda r: r.get("char_start") or 0)
        header = ["span", *cols, "quote"]
        if plain:
            line()
            line(f"## {name} ({len(rows)})")
            if rows:
                line("\t".join(header))
            for r in rows:
                cells = [_span(r), *(_fmt(c, r.get(read)) for c, read in shown), str(r.get("quote") or "")]
                line("\t".join(_cell(c) for c in cells))
            continue
        if not rows:
            console.print(Text(f"{name}: 0 rows", style="dim"))
            continue
        t = Table(title=f"{name} ({len(rows)})", box=box.ROUNDED, title_justify="left", show_lines=False)
        t.add_column("span", style="dim", no_wrap=True)
        for c in cols:
            t.add_column(c, overflow="fold")
        t.add_column("quote", style="italic yellow", overflow="fold")
        for r in rows:
            # Text, not markup: a quote's "[...]" is the document's, not a style
            t.add_row(Text(_span(r)), *[Text(_fmt(c, r.get(read))) for c, read in shown],
                      Text(str(r.get("quote") or "")), style=_row_style(r))
        console.print(t)
    return doc_id


def _cell(text: str) -> str:
    """A value on one TSV line: tabs and line breaks become spaces."""
    return text.replace("\t", " ").replace("\r", " ").replace("\n", " ")


def _row_style(r: dict) -> str | None:
    status = r.get("status") or r.get("severity")
    return {"met": "green", "unmet": "red", "target": "cyan", "error": "red", "warning": "yellow"}.get(str(status))
