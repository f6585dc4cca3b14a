"""Which input files are the same document: the same bytes, or the same text in another format.

Each document's normalized text gets a sketch in the worker (`text_sketch`): the
K smallest 64-bit hashes of its word 5-grams (a bottom-k MinHash), so that the
share of 5-grams two texts have in common (their Jaccard similarity) can be
estimated from the two sketches alone (`similarity`). The parent keeps one
sketch per document, a few hundred bytes, while it assembles the tables in the
inputs' sorted order (`DuplicateIndex`): a file whose bytes were already seen,
or an earlier file's document in another format, is a duplicate of that first
file. Another format's file is the same document when its text is at least
`NEAR_DUPLICATE` similar and nothing the two documents' rows say of them
(commune, district, province, plan year, kind) differs.

Measured on the sample plans (tests/corpus/test_duplicates.py prints them):
a plan typeset as PDF against the same plan as DOCX scores 1.00, against its
text with the markdown marks 0.91-0.95; distinct plans score at most 0.28,
and the real excerpts at most 0.34 (a draft and the final plan of one district).
A plan retold for another commune of the same template, with its numbers and
dates shifted, still scores 0.81-0.95: similarity alone cannot tell such plans
apart, which is why the documents' own fields must agree as well. Files of one
format are compared by their bytes only.
"""
from __future__ import annotations

import hashlib
import heapq
import re
from array import array
from dataclasses import dataclass

SKETCH_SIZE = 64  # hashes kept per document
SHINGLE_WORDS = 5
NEAR_DUPLICATE = 0.8  # estimated Jaccard similarity of word 5-grams at or above which two texts are one document
_INDEXED = 6  # smallest hashes of each sketch looked up to find the candidates
_MIN_SHINGLES = 20  # texts shorter than this many 5-grams are compared by their bytes only
_WORD = re.compile(r"\w+")


def _hash(text: str) -> int:
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=8).digest(), "little")


def text_sketch(text: str | None, size: int = SKETCH_SIZE) -> list[int] | None:
    """The sorted `size` smallest hashes of the text's word 5-grams (case folded); None for a text too short."""
    if not text:
        return None
    words = _WORD.findall(text.casefold())
    if len(words) < SHINGLE_WORDS + _MIN_SHINGLES - 1:
        return None
    shingles = {" ".join(words[i:i + SHINGLE_WORDS]) for i in range(len(words) - SHINGLE_WORDS + 1)}
    return heapq.nsmallest(size, {_hash(s) for s in shingles})


def similarity(a: list[int] | array, b: list[int] | array) -> float:
    """Estimated Jaccard similarity of the 5-gram sets behind two sketches (bottom-k estimator)."""
    if not a or not b:
        return 0.0
    k = min(len(a), len(b))
    union = heapq.nsmallest(k, set(a) | set(b))
    both = set(a) & set(b)
    return sum(1 for h in union if h in both) / k


IDENTITY_FIELDS = ("commune", "district", "province", "plan_year", "doc_kind")


def identity_of(document: dict) -> tuple:
    """What a `documents` row says of the document that another copy of it must not contradict."""
    return tuple(None if document.get(f) in (None, "") else str(document.get(f)) for f in IDENTITY_FIELDS)


@dataclass
class Seen:
    """The first file of one content: its path and file type."""

    path: str
    file_type: str | None
    identity: tuple = ()


def agree(a: tuple, b: tuple) -> bool:
    """No field known in both identities differs."""
    return all(x is None or y is None or x == y for x, y in zip(a, b))


class DuplicateIndex:
    """The files of a run seen so far, in order; `check` tells whether the next one repeats one of them."""

    def __init__(self, threshold: float = NEAR_DUPLICATE):
        self.threshold = threshold
        self._by_hash: dict[str, int] = {}  # content hash -> index of its first file
        self._firsts: list[Seen] = []
        self._sketches: list[bytes | None] = []
        self._lookup: dict[int, list[int]] = {}  # one of a sketch's smallest hashes -> firsts holding it
        self.duplicates = 0

    def check(self, content_hash: str | None, path: str, file_type: str | None, sketch,
              identity: tuple = ()) -> str | None:
        """The path of the first file this one repeats, or None (it is then remembered as a first).

        `identity` holds what the document's row says of it (see `identity_of`).
        """
        first = self._by_hash.get(content_hash) if content_hash else None
        if first is None and sketch:
            first = self._near(sketch, file_type, identity)
        if first is not None:
            self.duplicates += 1
            if content_hash:
                self._by_hash.setdefault(content_hash, first)
            return self._firsts[first].path
        index = len(self._firsts)
        self._firsts.append(Seen(path, file_type, tuple(identity)))
        if content_hash:
            self._by_hash[content_hash] = index
        if sketch:
            values = sorted(int(v) for v in sketch)
            self._sketches.append(array("Q", values).tobytes())
            for h in values[:_INDEXED]:
                self._lookup.setdefault(h, []).append(index)
        else:
            self._sketches.append(None)
        return None

    def _near(self, sketch, file_type: str | None, identity: tuple) -> int | None:
        values = sorted(int(v) for v in sketch)
        candidates = sorted({i for h in values[:_INDEXED] for i in self._lookup.get(h, ())})
        for i in candidates:
            seen = self._firsts[i]
            if seen.file_type == file_type or self._sketches[i] is None or not agree(seen.identity, identity):
                continue
            other = array("Q")
            other.frombytes(self._sketches[i])
            if similarity(values, other) >= self.threshold:
                return i
        return None
