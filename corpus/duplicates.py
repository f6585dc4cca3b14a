"""Which input files are the same document: the same bytes, or the same text in another format.

Each document's normalized text gets a sketch in the worker (`text_sketch`): the
K smallest 64-bit hashes of its word 5-grams (a bottom-k MinHash), so that the
share of 5-grams two texts have in common (their Jaccard similarity) can be
estimated from the two sketches alone (`similarity`). The parent keeps one
sketch per document, 512 bytes in a temporary database on disk, while it
assembles the tables in the inputs' sorted order (`DuplicateIndex`): a file
whose bytes were already seen,
or an earlier file's document in another format, is a duplicate of that first
file. Another format's file is the same document when its text is at least
`NEAR_DUPLICATE` similar and nothing the two documents' rows say of them
(commune, district, province, plan year, kind) differs.

Measured on the sample plans (tests/corpus/test_duplicates.py prints its own):
a plan typeset as PDF against the same plan as DOCX scores 1.00, against its
text with the markdown marks 0.92-0.94; distinct plans score at most 0.24, the
real excerpts included (whose largest true share of 5-grams is 0.28: a draft and
the final plan of one district).
A plan retold for another commune of the same template, with its numbers and
dates shifted, still scores 0.81-0.95: similarity alone cannot tell such plans
apart, which is why the documents' own fields must agree as well. Files of one
format are compared by their bytes only.
"""
from __future__ import annotations

import hashlib
import heapq
import json
import re
import sqlite3
from array import array
from functools import lru_cache

import numpy as np

SKETCH_SIZE = 64  # hashes kept per document
SHINGLE_WORDS = 5
NEAR_DUPLICATE = 0.8  # estimated Jaccard similarity of word 5-grams at or above which two texts are one document
_INDEXED = 6  # smallest hashes of each sketch looked up to find the candidates
_MAX_CANDIDATES = 200  # candidates compared per document at most
_MIN_SHINGLES = 20  # texts shorter than this many 5-grams are compared by their bytes only
_WORD = re.compile(r"\w+")


# A 5-gram's hash is a polynomial of its words' hashes modulo 2**64, scrambled by splitmix64's finalizer
# (so that its smallest values are any 5-grams'): one blake2b per distinct word instead of one per
# 5-gram, the rest whole-array arithmetic. Stable across processes and runs, as sketches compared
# between documents must be (Python's hash() is salted).
_SHINGLE_MULTIPLIER = np.uint64(0x9E3779B97F4A7C15)
_MIX = ((np.uint64(30), np.uint64(0xBF58476D1CE4E5B9)), (np.uint64(27), np.uint64(0x94D049BB133111EB)))
_MIX_LAST_SHIFT = np.uint64(31)


@lru_cache(maxsize=1 << 16)  # a plan's words repeat within it and across plans
def _word_hash(word: str) -> int:
    return int.from_bytes(hashlib.blake2b(word.encode("utf-8", "surrogatepass"), digest_size=8).digest(), "little")


def _shingle_hashes(words: list[str]) -> np.ndarray:
    """The hash of each run of `SHINGLE_WORDS` words, in order (uint64, wrapping arithmetic)."""
    word_hashes = np.fromiter(map(_word_hash, words), dtype=np.uint64, count=len(words))
    n = len(words) - SHINGLE_WORDS + 1
    hashes = word_hashes[:n].copy()
    for k in range(1, SHINGLE_WORDS):
        hashes *= _SHINGLE_MULTIPLIER
        hashes += word_hashes[k:k + n]
    for shift, multiplier in _MIX:
        hashes ^= hashes >> shift
        hashes *= multiplier
    hashes ^= hashes >> _MIX_LAST_SHIFT
    return hashes


def text_sketch(text: str | None, size: int = SKETCH_SIZE) -> list[int] | None:
    """The sorted `size` smallest hashes of the text's word 5-grams (case folded); None for a text too short."""
    if not text:
        return None
    words = _WORD.findall(text.casefold())
    if len(words) < SHINGLE_WORDS + _MIN_SHINGLES - 1:
        return None
    return _smallest_distinct(_shingle_hashes(words), size).tolist()


def _smallest_distinct(values: np.ndarray, size: int) -> np.ndarray:
    """`np.unique(values)[:size]` through one sort: NumPy's unique of 64-bit integers goes through a
    hash table before it sorts, several times slower on a document's hashes."""
    ordered = np.sort(values)
    first = np.empty(len(ordered), dtype=bool)
    first[:1] = True
    np.not_equal(ordered[1:], ordered[:-1], out=first[1:])
    return ordered[first][:size]


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


def agree(a: tuple, b: tuple) -> bool:
    """No field known in both identities differs."""
    return all(x is None or y is None or x == y for x, y in zip(a, b))


class DuplicateIndex:
    """The files of a run seen so far, in order; `check` tells whether the next one repeats one of them.

    What it remembers of each first file (its path, format, identity and sketch) is kept in a private
    temporary SQLite database on disk, with a small cache, so the parent's memory does not grow with
    the number of documents.
    """

    def __init__(self, threshold: float = NEAR_DUPLICATE):
        self.threshold = threshold
        self.duplicates = 0
        self._file_types: set[str] = set()  # of the firsts: only another format's can be a near copy
        self._db = sqlite3.connect("", isolation_level=None)  # "": a temporary database on disk
        self._db.executescript("""
            PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA cache_size = -2048;
            CREATE TABLE firsts (idx INTEGER PRIMARY KEY, path TEXT, file_type TEXT, identity TEXT, sketch BLOB);
            CREATE TABLE hashes (hash TEXT PRIMARY KEY, idx INTEGER);
            CREATE TABLE lookup (h INTEGER, commune TEXT, file_type TEXT, idx INTEGER);
            CREATE INDEX lookup_h ON lookup (h, file_type, commune);
        """)

    def close(self) -> None:
        self._db.close()

    def _first_of_hash(self, content_hash: str) -> int | None:
        row = self._db.execute("SELECT idx FROM hashes WHERE hash = ?", (content_hash,)).fetchone()
        return row[0] if row else None

    def check(self, content_hash: str | None, path: str, file_type: str | None, sketch,
              identity: tuple = ()) -> str | None:
        """The path of the first file this one repeats, or None (it is then remembered as a first).

        `identity` holds what the document's row says of it (see `identity_of`).
        """
        file_type = file_type or ""  # a row that names no format is one format of its own
        db = self._db
        first = self._first_of_hash(content_hash) if content_hash else None
        values = sorted(int(v) for v in sketch) if sketch else None
        if first is None and values:
            first = self._near(values, file_type, tuple(identity))
        if first is not None:
            self.duplicates += 1
            if content_hash:
                db.execute("INSERT OR IGNORE INTO hashes VALUES (?, ?)", (content_hash, first))
            return db.execute("SELECT path FROM firsts WHERE idx = ?", (first,)).fetchone()[0]
        blob = array("Q", values).tobytes() if values else None
        index = db.execute("INSERT INTO firsts (path, file_type, identity, sketch) VALUES (?, ?, ?, ?)",
                           (path, file_type, json.dumps(list(identity), ensure_ascii=False), blob)).lastrowid
        if content_hash:
            db.execute("INSERT OR IGNORE INTO hashes VALUES (?, ?)", (content_hash, index))
        if values:
            self._file_types.add(file_type)
            commune = identity[0] if identity else None
            db.executemany("INSERT INTO lookup VALUES (?, ?, ?, ?)",
                           [(_signed(h), commune, file_type, index) for h in values[:_INDEXED]])
        return None

    def _near(self, values: list[int], file_type: str, identity: tuple) -> int | None:
        other_types = sorted(self._file_types - {file_type})
        if not other_types:  # a run of one format (the usual one) never compares sketches
            return None
        keys = [_signed(h) for h in values[:_INDEXED]]
        commune = identity[0] if identity else None
        # Candidates of another format whose commune is this one's or unknown: plans of one template for
        # many communes share most of their 5-grams, and must not all be compared with each other.
        where = f"l.h IN ({', '.join('?' * len(keys))}) AND l.file_type IN ({', '.join('?' * len(other_types))})"
        if commune is None:
            clause, args = where, [*keys, *other_types]
        else:
            clause = f"{where} AND (l.commune = ? OR l.commune IS NULL)"
            args = [*keys, *other_types, commune]
        rows = self._db.execute(
            f"SELECT f.idx, f.identity, f.sketch FROM firsts AS f WHERE f.idx IN "
            f"(SELECT l.idx FROM lookup AS l WHERE {clause} LIMIT {_MAX_CANDIDATES}) ORDER BY f.idx", args).fetchall()
        for index, seen_identity, blob in rows:
            if blob is None or not agree(tuple(json.loads(seen_identity)), identity):
                continue
            other = array("Q")
            other.frombytes(blob)
            if similarity(values, other) >= self.threshold:
                return index
        return None


def _signed(h: int) -> int:
    """A 64-bit hash as SQLite's signed integer."""
    return h - (1 << 63)
