"""The report of the sample run in headless Chromium: it renders, has no console error, a figure opens its
quote, nothing overflows or is cut, and the Vietnamese report shows no English key or contract code.

Needs Debian's `chromium` and the `playwright` package (driving /usr/bin/chromium;
no browser download). Skipped, with the reason, where either is absent.
Screenshots (docs/report.png, and docs/report-<section>.png for each section of
the summary and for a document page) are written there when missing or when
NTM_UPDATE_SCREENSHOT=1, else beside the test's temporary output.
"""
from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

from corpus.report import PAGES_DIR, labels, write_report
from corpus.schema import ENUMS, TABLES

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
SCREENSHOT = ROOT / "docs" / "report.png"
SECTIONS = ("overview", "matrix", "rates", "funding", "deadlines", "findings", "documents")
MAX_SHOT_HEIGHT = 760  # a screenshot shows the top of a long section: enough to judge it, small to keep
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


def _shot_target(name: str, tmp_path: Path) -> Path:
    final = ROOT / "docs" / name
    if not final.exists() or os.environ.get("NTM_UPDATE_SCREENSHOT") == "1":
        final.parent.mkdir(exist_ok=True)
        return final
    return tmp_path / name


def _clip(page, selector: str) -> dict:
    """The top of an element, in page coordinates, across the whole width of the page."""
    box = page.locator(selector).first.bounding_box()
    y = box["y"] + page.evaluate("window.scrollY")
    return {"x": 0, "y": y, "width": page.viewport_size["width"], "height": min(box["height"], MAX_SHOT_HEIGHT)}


def test_one_screenshot_per_section(browser, report, tmp_path):
    path, _ = report
    page, errors = _open(browser, path.as_uri())
    for section in SECTIONS:
        target = _shot_target(f"report-{section}.png", tmp_path)
        page.screenshot(path=str(target), full_page=True, clip=_clip(page, f"section#{section}"))
        assert target.stat().st_size > 5_000, section
    first = page.locator("#doc-rows a").first.get_attribute("href")
    doc_page, doc_errors = _open(browser, (path.parent / first).as_uri())
    target = _shot_target("report-document.png", tmp_path)
    doc_page.screenshot(path=str(target))
    assert target.stat().st_size > 5_000
    assert errors == [] and doc_errors == []


# Rendered size and extent of every chart text, in CSS pixels of the page.
_CHART_TEXTS = """() => Array.from(document.querySelectorAll("svg.chart")).flatMap(svg => {
  const vb = svg.viewBox.baseVal, box = svg.getBoundingClientRect(), scale = box.width / vb.width;
  return Array.from(svg.querySelectorAll("text")).map(t => {
    const b = t.getBBox();
    return {text: t.textContent, px: parseFloat(getComputedStyle(t).fontSize) * scale,
            left: b.x, right: b.x + b.width, width: vb.width};
  });
})"""

# Elements whose text is wider than their box (cut) outside the containers that scroll on purpose.
_CUT = """() => Array.from(document.querySelectorAll("td, th, h1, h2, h3, summary, .card, dt, dd")).filter(e =>
  e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflowX !== "visible"
).map(e => e.textContent.slice(0, 60))"""


def test_charts_are_legible_and_nothing_overflows_or_is_cut(browser, report):
    path, _ = report
    page, errors = _open(browser, path.as_uri())
    texts = page.evaluate(_CHART_TEXTS)
    assert texts, "the sample run draws charts"
    small = [t["text"] for t in texts if t["px"] < 12]
    assert not small, f"chart lettering under 12 px: {small[:5]}"
    cut = [t["text"] for t in texts if t["left"] < -0.5 or t["right"] > t["width"] + 0.5]
    assert not cut, f"chart labels outside their chart: {cut[:5]}"
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), "the page scrolls sideways"
    assert page.evaluate(_CUT) == []
    communes = page.locator("table.matrix td.place")
    for i in range(communes.count()):
        cell = communes.nth(i)
        assert cell.evaluate("e => e.scrollWidth <= e.clientWidth"), cell.inner_text()
    doc = page.locator("#doc-rows a").first.get_attribute("href")
    doc_page, doc_errors = _open(browser, (path.parent / doc).as_uri())
    assert doc_page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert doc_page.evaluate(_CUT) == []
    assert errors == [] and doc_errors == []


def _codes() -> set[str]:
    """What must never be shown as wording: column names, enum codes, label keys (file types are file names' ends)."""
    codes = {c for cols in TABLES.values() for c, _ in cols}
    codes |= {v for values in ENUMS.values() for v in values}
    codes |= {k for k in labels("vi") if "_" in k}
    codes |= {"check_name", "duplicate_of", "params", "conflict", "unknown"}
    return {c for c in codes if re.fullmatch(r"[a-z][a-z0-9_\-]*", c)} - {"pdf", "docx", "doc", "txt", "md"}


# The text a reader sees or hovers over: the page less its scripts, styles, the document's own text and paths,
# (the findings' messages included: a message names codes such as a criteria set in words).
_SHOWN_TEXT = """() => {
  const body = document.body.cloneNode(true);
  body.querySelectorAll("script, style, pre#doc-text, .path").forEach(e => e.remove());
  const parts = [], walk = document.createTreeWalker(body, NodeFilter.SHOW_TEXT);
  for (let n = walk.nextNode(); n; n = walk.nextNode()) parts.push(n.nodeValue);
  body.querySelectorAll("[title]").forEach(e => parts.push(e.getAttribute("title")));
  body.querySelectorAll("[placeholder]").forEach(e => parts.push(e.getAttribute("placeholder")));
  return parts.join("\\n");
}"""


def _codes_shown(page) -> set[str]:
    text = page.evaluate(_SHOWN_TEXT)
    return set(re.findall(r"[\w\-]+", text)) & _codes()


def test_vietnamese_report_shows_no_english_key_or_contract_code(browser, report):
    path, tables = report
    page, errors = _open(browser, path.as_uri())
    assert _codes_shown(page) == set()
    for doc_id in tables["documents"]["doc_id"].unique():
        doc_page, doc_errors = _open(browser, (path.parent / PAGES_DIR / f"{doc_id}.html").as_uri())
        assert _codes_shown(doc_page) == set(), doc_id
        assert doc_errors == []
        doc_page.close()
    assert errors == []


def test_the_check_for_codes_catches_one(browser, tmp_path):
    page = browser.new_page()
    page.set_content("<body><p>Loại: ke_hoach</p><p title='Trạng thái: unmet'>Đạt</p><pre id='doc-text'>file_type</pre></body>")
    assert _codes_shown(page) == {"ke_hoach", "unmet"}


def test_a_figure_opened_by_its_address_opens_its_collapsed_list(browser, report):
    path, tables = report
    row = tables["criteria"].iloc[0]
    page, errors = _open(browser, (path.parent / PAGES_DIR / f"{row['doc_id']}.html").as_uri())
    page.evaluate("document.querySelectorAll('details').forEach(d => d.open = false)")
    page.evaluate(f"location.hash = '#s-{row['char_start']}-{row['char_end']}'")
    page.wait_for_function("document.querySelector('tr.active') !== null")
    assert page.locator('details#t-criteria').evaluate("d => d.open")
    assert page.locator("tr.active").first.is_visible()
    assert errors == []
