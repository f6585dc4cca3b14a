"""Hypothesis strategies for text that looks like a commune's plan: Vietnamese lines, lists, wrapped
paragraphs and the markdown converters leave. Syllables come from the project's lexicon."""
from __future__ import annotations

import json
import textwrap
from functools import lru_cache
from importlib import resources

from hypothesis import strategies as st

# How many of the lexicon's most frequent syllables words are drawn from.
SYLLABLE_POOL = 1500


@lru_cache(maxsize=1)
def _syllables() -> list[str]:
    with resources.files("normalize").joinpath("data/vietnamese_lexicon.json").open(encoding="utf-8") as fh:
        counts = json.load(fh)["syllables"]
    return sorted(counts, key=lambda s: (-counts[s], s))[:SYLLABLE_POOL]


def _cased(pair: tuple[str, str]) -> str:
    word, case = pair
    return word.upper() if case == "upper" else word.capitalize() if case == "title" else word


syllables = st.sampled_from(_syllables())
words = st.tuples(syllables, st.sampled_from(["lower"] * 6 + ["title", "upper"])).map(_cased)
numbers = st.one_of(
    st.integers(0, 2030).map(str),
    st.tuples(st.integers(0, 19), st.just(19)).map(lambda t: f"{t[0]}/{t[1]}"),
    st.tuples(st.integers(0, 99), st.integers(0, 9)).map(lambda t: f"{t[0]},{t[1]}%"),
    st.integers(1, 999).map(lambda n: f"{n}.000"),
)
tokens = st.one_of(words, words, words, words, numbers)
punctuation = st.sampled_from(["", "", "", ",", ".", ":", ";", "…", " -", "?"])


@st.composite
def sentences(draw, min_words: int = 1, max_words: int = 18) -> str:
    parts = draw(st.lists(tokens, min_size=min_words, max_size=max_words))
    text = ""
    for part in parts:
        text += (" " if text else "") + part + draw(punctuation)
    return text


list_markers = st.sampled_from(["- ", "+ ", "* ", "• ", "a) ", "b) ", "1. ", "2. ", "1.2. ", "II. ", "IV- ", ""])
spaces = st.sampled_from(["", "", "", " ", "  ", "\t", "\u00a0"])


@st.composite
def lines(draw) -> str:
    """One line: a heading, a list item or a sentence, with stray spaces around it."""
    return draw(spaces) + draw(list_markers) + draw(sentences()) + draw(spaces)


@st.composite
def wrapped_paragraphs(draw) -> str:
    """A paragraph hard-wrapped at some width, as a PDF or an e-mail gives it."""
    text = draw(sentences(min_words=8, max_words=60))
    width = draw(st.integers(20, 90))
    gap = draw(st.sampled_from(["\n", "\n", "\n\n", "\n \n"]))
    return gap.join(textwrap.wrap(text, width=width, break_long_words=False) or [text])


@st.composite
def documents(draw) -> str:
    """Lines, list items and wrapped paragraphs, separated by one or more line breaks."""
    blocks = draw(st.lists(st.one_of(lines(), lines(), wrapped_paragraphs()), min_size=1, max_size=14))
    text = ""
    for block in blocks:
        text += (draw(st.sampled_from(["\n", "\n", "\n\n", "\n\n\n", "\r\n"])) if text else "") + block
    return text


def _emphasis(pair: tuple[str, str]) -> str:
    text, mark = pair
    return f"{mark}{text}{mark}" if text.strip() else text


@st.composite
def markdown_lines(draw) -> str:
    kind = draw(st.sampled_from(["heading", "bold", "item", "escape", "table", "plain"]))
    sentence = draw(sentences())
    if kind == "heading":
        return "#" * draw(st.integers(1, 6)) + " " + sentence
    if kind == "bold":
        return _emphasis((sentence, draw(st.sampled_from(["**", "*", "_", "__", "***"]))))
    if kind == "item":
        return draw(st.sampled_from(["* ", "- ", "1. "])) + _emphasis((sentence, draw(st.sampled_from(["", "**"]))))
    if kind == "escape":
        escape = draw(st.sampled_from(["\\*", "\\_", "\\#", "\\[", "\\]", "\\-", "\\.", "\\\\", "\\\\*"]))
        at = draw(st.integers(0, len(sentence)))
        return sentence[:at] + escape + sentence[at:]
    if kind == "table":
        cells = draw(st.lists(sentences(max_words=4), min_size=2, max_size=4))
        return "| " + " | ".join(cells) + " |"
    return sentence


@st.composite
def markdown_documents(draw) -> str:
    blocks = draw(st.lists(st.one_of(markdown_lines(), markdown_lines(), wrapped_paragraphs()), min_size=1,
                           max_size=12))
    return "\n".join(blocks)
