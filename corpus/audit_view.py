"""`ntm audit [OUT]`: the findings of a run, grouped by document, for a terminal.

Colours when the terminal has them, plain text when piped (rich decides).
Document text is printed as text, never as rich markup, so a quote holding
"[...]" prints as written.
"""
from __future__ import annotations

import sys
from collections import Counter, defaultdict
from pathlib import Path

import pandas as pd
import regex
from rich.console import Console
from rich.text import Text

SEVERITY_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}
SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}
QUOTE_WIDTH = 160
# Characters a terminal acts on (escape sequences, carriage returns, bidirectional overrides): shown as \\xNN / \\uNNNN.
_TERMINAL_CONTROLS = regex.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def printable(text: str) -> str:
    """`text` with every control character written out, so a file name cannot drive the terminal."""
    return _TERMINAL_CONTROLS.sub(lambda m: m.group(0).encode("unicode_escape").decode("ascii"), text)


def read_table(out_dir: Path, name: str) -> pd.DataFrame:
    """A table of a run folder: Parquet when present, else the CSV."""
    parquet, csv = out_dir / f"{name}.parquet", out_dir / f"{name}.csv"
    if parquet.exists():
        return pd.read_parquet(parquet)
    if csv.exists():
        return pd.read_csv(csv, encoding="utf-8-sig")
    raise FileNotFoundError(f"no {name} table in {out_dir} (run `ntm run --out {out_dir}` first)")


def _value(v):
    if v is None or (not isinstance(v, str) and pd.isna(v)):
        return None
    return printable(v) if isinstance(v, str) else v


def _heading(doc: dict) -> Text:
    name = Path(str(_value(doc.get("path")) or doc.get("doc_id"))).name
    place = ", ".join(str(p) for p in (_value(doc.get("commune")), _value(doc.get("district")),
                                         _value(doc.get("province"))) if p)
    extra = " · ".join(str(p) for p in (_value(doc.get("doc_kind")), _value(doc.get("plan_year")),
                                          _value(doc.get("criteria_set"))) if p)
    t = Text(name, style="bold")
    if place:
        t.append(f"  {place}")
    if extra:
        t.append(f"  ({extra})", style="dim")
    return t


def _short(quote: str) -> str:
    quote = " ".join(quote.split())
    return quote if len(quote) <= QUOTE_WIDTH else quote[: QUOTE_WIDTH - 1] + "…"


def print_findings(out_dir: Path, console: Console | None = None) -> int:
    """Print the findings of the run in `out_dir`; return how many there are."""
    if console is None:
        # Piped output keeps one finding per line, for grep.
        console = Console(highlight=False, soft_wrap=not sys.stdout.isatty())
    out_dir = Path(out_dir)
    findings = read_table(out_dir, "findings")
    docs = read_table(out_dir, "documents")
    doc_rows: dict = {}
    for d in docs.astype(object).to_dict("records"):  # byte copies share a doc_id: the first file stands for them
        doc_rows.setdefault(d["doc_id"], d)
    by_doc: dict[str, list[dict]] = defaultdict(list)
    for f in findings.astype(object).to_dict("records"):
        by_doc[f["doc_id"]].append(f)
    order = [d for d in doc_rows if d in by_doc] + [d for d in by_doc if d not in doc_rows]
    for doc_id in order:
        console.print(_heading(doc_rows.get(doc_id, {"doc_id": doc_id})))
        rows = sorted(by_doc[doc_id], key=lambda f: (SEVERITY_ORDER.get(f["severity"], 9),
                                                      _value(f.get("char_start")) or 0))
        for f in rows:
            sev = str(f["severity"])
            line = Text("  ")
            line.append(f"{sev.upper():<7}", style=SEVERITY_STYLE.get(sev, ""))
            line.append(f" {_value(f.get('check_name', f.get('check')))}: ", style="bold")
            line.append(str(_value(f["message"])))
            console.print(line)
            quote = _value(f.get("quote"))
            if quote:
                console.print(Text(f"           “{_short(str(quote))}”", style="dim"))
        console.print()
    tally = Counter(str(f["severity"]) for rows in by_doc.values() for f in rows)
    summary = ", ".join(f"{tally[s]} {s}" for s in SEVERITY_ORDER if tally[s])
    n = sum(tally.values())
    if n:
        console.print(f"{n} findings ({summary}) in {len(by_doc)} of {len(doc_rows)} documents.")
    else:
        console.print(f"No findings in {len(doc_rows)} documents.")
    return n
