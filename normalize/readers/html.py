"""HTML to plain text (a web page saved under a `.doc` name): one line per block, cells joined by " | "."""
from __future__ import annotations

from html.parser import HTMLParser

_SKIPPED = frozenset({"script", "style", "head", "title", "template", "noscript"})
_BLOCKS = frozenset({
    "p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "table", "ul", "ol", "blockquote",
    "section", "article", "pre", "hr", "dt", "dd",
})
_CELLS = frozenset({"td", "th"})


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0
        self.cell_open = False

    def handle_starttag(self, tag, attrs):
        if tag in _SKIPPED:
            self.skipping += 1
        elif tag in _BLOCKS:
            self.parts.append("\n")
            self.cell_open = False
        elif tag in _CELLS:
            if self.cell_open:
                self.parts.append(" | ")
            self.cell_open = True

    def handle_startendtag(self, tag, attrs):
        if tag in _BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in _SKIPPED:
            self.skipping = max(0, self.skipping - 1)
        elif tag in _BLOCKS and tag != "br":
            self.parts.append("\n")

    def handle_data(self, data):
        if not self.skipping:
            self.parts.append(" ".join(data.split("\n")))


def html_to_text(html: str) -> str:
    """The visible text of an HTML document."""
    parser = _Text()
    parser.feed(html)
    parser.close()
    return "".join(parser.parts)
