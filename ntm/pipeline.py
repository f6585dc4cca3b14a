"""The pipeline as spaCy sees it: `nlp = ntm.nlp(); doc = nlp(text); doc.spans`.

`nlp()` returns `spacy.blank("xx")` whose tokenizer normalizes the
string (as a file's text is normalized) and splits it into words, numbers and
punctuation without rewriting it: `doc.text` is the normalized text and every
token's `idx` is an offset in it. Tokens carry `token._.folded` (the
diacritic-folded form) and `token._.number` (the value of a written number).
The pipes, registered with `Language.component`, are:

- `ntm_prepare`: the prepared document (`doc._.prepared`, see `extract.prepare`);
- `ntm_lexicon`: phrase matches of the lexicon on the folded tokens, compiled
  once from the data files, one span group each: `criterion_names`,
  `status_cues`, `counted_units`, `money_scales`, `issuers`, `place_words`;
- `ntm_numbers`: the prepared number layer as spans (`numbers`, `dates`,
  `amounts`) and the numbered criterion mentions (`criterion_mentions`);
- one `ntm_<table>` pipe per declared record kind, derived from its
  `COMPONENT` declaration: its records in `doc._.records[table]` and, in the
  same order, as spans in `doc.spans[table]` labelled with its declared label
  column (a criterion's status, a count's kind, ...);
- `ntm_audit`: the findings of every declared check, `doc._.findings` and
  `doc.spans["findings"]` (the first evidence span of each).

The batch run (`ntm run`) does not build a spaCy `Doc`: it reads the prepared
document directly, because the Doc and its lexicon matches cost more than the
whole extraction they would feed (the figures are in DESIGN.md).
"""
from __future__ import annotations

from functools import lru_cache

import regex
import spacy
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span, Token
from spacy.vocab import Vocab

from extract.numbers import parse_vn_number
from extract.prepare import prepare
from extract.registry import checks, components, run_checks
from gazetteer.criteria import criteria_sets
from gazetteer.cues import cue_data
from gazetteer.lexicon import load_data, words
from gazetteer.text import fold
from normalize.document import NormalizedDoc
from normalize.pipeline import normalize_text

# A word (letters with their marks), a number with its separators ("1.784", "3,97", "17/19"), or one other character.
_TOKEN = regex.compile(r"[\p{L}\p{M}]+|\p{N}+(?:[.,/]\p{N}+)*|\S")
_NUMBER = regex.compile(r"\p{N}+(?:[.,]\p{N}+)*")

for _name, _default in (("prepared", None), ("records", None), ("findings", None)):
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=_default)
if not Token.has_extension("folded"):
    Token.set_extension("folded", getter=lambda token: fold(token.text))
if not Token.has_extension("number"):
    Token.set_extension("number", getter=lambda token: parse_vn_number(token.text) if _NUMBER.fullmatch(token.text) else None)


def words_and_spaces(text: str) -> tuple[list[str], list[bool]]:
    """spaCy's (words, spaces) for `text`: one trailing blank joins its token, other blanks are tokens."""
    out_words: list[str] = []
    spaces: list[bool] = []

    def blank(gap: str) -> None:
        if out_words and gap[:1] == " ":
            spaces[-1] = True
            gap = gap[1:]
        if gap:
            out_words.append(gap)
            spaces.append(False)

    pos = 0
    for m in _TOKEN.finditer(text):
        blank(text[pos:m.start()])
        out_words.append(m.group())
        spaces.append(False)
        pos = m.end()
    blank(text[pos:])
    return out_words, spaces


class ExactTokenizer:
    """Normalizes a string and tokenizes it without changing a character."""

    def __init__(self, vocab: Vocab, normalize: bool = True):
        self.vocab = vocab
        self.normalize = normalize

    def __call__(self, text: str) -> Doc:
        text = normalize_text(text) if self.normalize else text
        doc_words, spaces = words_and_spaces(text)
        return Doc(self.vocab, words=doc_words, spaces=spaces)


def _folded_doc(doc: Doc) -> Doc:
    """The same tokens, folded (folding keeps every character's offset)."""
    folded = fold(doc.text)
    return Doc(doc.vocab, words=[folded[t.idx:t.idx + len(t.text)] for t in doc], spaces=[bool(t.whitespace_) for t in doc])


def _lexicon_phrases() -> dict[str, set[str]]:
    """Span group -> the phrases (any case, with or without marks) matched into it."""
    sets = criteria_sets()
    names = {n for cs in sets.values() for c in cs.criteria.values() for n in (c.name, *c.aliases)}
    doc_types = load_data("doc_types.yaml")
    money = load_data("money_units")
    return {
        "criterion_names": names,
        "status_cues": {w for phrases in cue_data()["status"].values() for w in phrases},
        "counted_units": set(load_data("number_words")["counted_nouns"]),
        "money_scales": set(money["scales"]) | set(money["currency_words"]),
        "issuers": {i["name"] for i in doc_types["issuers"] if "name" in i},
        "place_words": set(words("unit_words")) | set(load_data("admin_prefixes.yaml")["prefixes"]),
    }


@lru_cache(maxsize=4)
def _matcher(vocab: Vocab) -> PhraseMatcher:
    matcher = PhraseMatcher(vocab)
    tokenizer = ExactTokenizer(vocab, normalize=False)
    for group, phrases in _lexicon_phrases().items():
        matcher.add(group, [tokenizer(fold(p)) for p in sorted(phrases) if p.strip()])
    return matcher


def _span(doc: Doc, start: int, end: int, label: str = "") -> Span | None:
    """The tokens covering text[start:end] (a point span covers the token at it)."""
    return doc.char_span(start, max(end, start + 1), label=label, alignment_mode="expand")


def _spans(doc: Doc, items, label_of=lambda item: "") -> list[Span]:
    out = []
    for item in items:
        span = _span(doc, item.start, item.end, label_of(item) or "")
        if span is not None:
            out.append(span)
    return out


@Language.component("ntm_prepare", assigns=["doc._.prepared"])
def prepare_component(doc: Doc) -> Doc:
    doc._.prepared = prepare(NormalizedDoc(doc_id="", path="", file_type="txt", text=doc.text))
    doc._.records = {}
    return doc


@Language.component("ntm_lexicon", assigns=["doc.spans"])
def lexicon_component(doc: Doc) -> Doc:
    matcher = _matcher(doc.vocab)
    groups: dict[str, list[Span]] = {g: [] for g in _lexicon_phrases()}
    for match_id, start, end in matcher(_folded_doc(doc)):
        label = doc.vocab.strings[match_id]
        groups[label].append(Span(doc, start, end, label=label))
    for group, spans in groups.items():
        doc.spans[group] = spans
    return doc


@Language.component("ntm_numbers", requires=["doc._.prepared"], assigns=["doc.spans"])
def numbers_component(doc: Doc) -> Doc:
    prep = doc._.prepared
    doc.spans["numbers"] = _spans(doc, prep.percentages, lambda _: "percent") + _spans(
        doc, prep.fractions, lambda _: "fraction") + _spans(doc, prep.ranges, lambda _: "range")
    doc.spans["dates"] = _spans(doc, prep.dates, lambda d: d.precision)
    doc.spans["amounts"] = _spans(doc, prep.amounts, lambda _: "vnd")
    doc.spans["criterion_mentions"] = _spans(doc, prep.mentions, lambda m: str(m.number))
    return doc


def _register(component) -> str:
    """A spaCy pipe for one declared record kind; its name."""
    name = f"ntm_{component.name}"
    label_column = component.label

    def run(doc: Doc) -> Doc:
        prepared = doc._.prepared
        records = component.run(prepared, doc._.records) if component.reads else component.run(prepared)
        doc._.records[component.table] = records
        doc.spans[component.table] = [
            _span(doc, r.start, r.end, str(getattr(r, label_column)) if label_column and getattr(r, label_column) else "")
            for r in records]
        return doc

    if name not in Language.factories:
        Language.component(name, requires=["doc._.prepared"], assigns=["doc._.records", "doc.spans"], func=run)
    return name


@Language.component("ntm_audit", requires=["doc._.prepared", "doc._.records"], assigns=["doc._.findings", "doc.spans"])
def audit_component(doc: Doc) -> Doc:
    findings = run_checks(doc._.prepared, doc._.records, checks())
    doc._.findings = findings
    doc.spans["findings"] = [s for f in findings if f.evidence
                             for s in [_span(doc, *f.evidence[0], label=f.check)] if s is not None]
    return doc


def nlp() -> Language:
    """A fresh spaCy pipeline running ntm (see the module docstring)."""
    pipeline = spacy.blank("xx")
    pipeline.tokenizer = ExactTokenizer(pipeline.vocab)
    for pipe in ("ntm_prepare", "ntm_lexicon", "ntm_numbers", *(_register(c) for c in components()), "ntm_audit"):
        pipeline.add_pipe(pipe)
    return pipeline
