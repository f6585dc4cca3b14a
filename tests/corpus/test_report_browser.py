"""The report of the sample run in headless Chromium: it renders, has no console error, and a figure opens its quote.

Needs Debian's `chromium` and the `playwright` package (driving /usr/bin/chromium;
no browser download). Skipped, with the reason, where either is absent.
The screenshot goes to docs/report.png when that file is missing or when
NTM_UPDATE_SCREENSHOT=1, else beside the test's temporary output.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from corpus.report import PAGES_DIR, write_report

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
SCREENSHOT = ROOT / "docs" / "report.png"
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]

sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (apt-get install chromium)")


@pytest.fixture(scope="module")
def report(sample_run, tmp_path_factory):
    _, tables = sample_run
    out = tmp_path_factory.mktemp("browser_report")
    return write_report(out, tables), tables


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    profile = tmp_path_factory.mktemp("chromium-profile")
    with sync_api.sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(profile), executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS,
            viewport={"width": 1280, "height": 860}, offline=True)
        yield context
        context.close()


def _open(browser, url: str):
    page = browser.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("requestfailed", lambda r: errors.append(f"request failed: {r.url}"))
    page.goto(url)
    page.wait_for_load_state("load")
    return page, errors


def test_summary_renders_without_console_errors(browser, report, tmp_path):
    path, tables = report
    page, errors = _open(browser, path.as_uri())
    assert page.locator("table.matrix").count() >= 1
    assert page.locator("table.matrix td.c").count() >= 1, "the sample run states criteria"
    assert page.locator("section#overview svg.chart").count() >= 1
    assert page.locator("section#findings").count() == 1
    assert page.locator("section#findings .finding").count() == min(len(tables["findings"]), 200 * 3)
    assert page.locator("#doc-rows tr").count() == len(tables["documents"]), "the document list is drawn by its script"
    page.fill("#doc-search", str(tables["documents"]["commune"].dropna().iloc[0]))
    assert 1 <= page.locator("#doc-rows tr").count() < len(tables["documents"])
    target = SCREENSHOT if (not SCREENSHOT.exists() or os.environ.get("NTM_UPDATE_SCREENSHOT") == "1") else tmp_path / "report.png"
    target.parent.mkdir(exist_ok=True)
    page.fill("#doc-search", "")
    page.locator("#doc-search").blur()
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(target))
    assert target.stat().st_size > 10_000
    assert errors == []


def test_clicking_a_figure_highlights_its_quote(browser, report):
    path, tables = report
    name = next(n for n in ("criteria", "counts", "indicators", "funding", "deadlines", "legal_refs") if len(tables[n]))
    row = tables[name].iloc[0]
    page, errors = _open(browser, (path.parent / PAGES_DIR / f"{row['doc_id']}.html").as_uri())
    link = page.locator(f'table[data-table="{name}"] a.fig[data-s="{row["char_start"]}"][data-e="{row["char_end"]}"]').first
    link.click()
    mark = page.locator("mark#hl")
    assert mark.count() == 1
    assert mark.inner_text() == row["quote"]
    assert mark.is_visible()
    assert page.evaluate("location.hash") == f"#s-{row['char_start']}-{row['char_end']}"
    assert errors == []


def test_matrix_cell_opens_the_document_at_its_quote(browser, report):
    path, _ = report
    page, errors = _open(browser, path.as_uri())
    page.locator("table.matrix td.c a").first.click()
    page.wait_for_load_state("load")
    assert PAGES_DIR in page.url
    mark = page.locator("mark#hl")
    assert mark.count() == 1 and mark.inner_text().strip()
    assert errors == []
