"""Written computations: "hộ nghèo: 100 - 29 = 71/1.784 = 3,97%", "3,97% + 8,24% = 12,21%".

Part of the number layer of the prepared document (`PreparedDoc.computations`):
each chain of expressions joined by "=", read side by side, every number with
its value, whether it is a percentage and its written decimals. The audit
recomputes them (`extract.audit.arithmetic`).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import lru_cache

import regex

from extract.numbers import matches_in, parse_vn_decimal, sign_windows, stretch
from gazetteer.lexicon import load_data

_NUM = r"\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:,\d+)?"
_TERM = rf"(?:{_NUM})(?:\s?%)?"
_OP = r"\s*(?:[+\-−–*×/]|\s[xX](?=\s))\s*"
_TOKEN = regex.compile(rf"(?P<term>{_TERM})|(?P<op>[+\-−–*×/xX])|(?P<eq>=)")
# A chain around its "=": its lookaheads read no character past it
CHAIN_STRETCH = stretch("=", r"\d.,%+\-−–*×/xX=\s\p{Ll}", 0)


@lru_cache(maxsize=1)
def _chain_pattern() -> "regex.Pattern[str]":
    units = load_data("audit.yaml")["arithmetic"]["max_unit_words"]  # unit words after an operand
    unit = rf"(?:[ \t]+\p{{Ll}}+){{0,{units}}}"
    expr = rf"{_TERM}{unit}(?:{_OP}{_TERM}{unit})*"
    return regex.compile(rf"(?<![\p{{L}}\d.,/])(?:{expr})(?:\s*=\s*{expr})+(?![\d])")


@dataclass
class Term:
    start: int
    end: int
    value: Decimal
    percent: bool
    decimals: int


@dataclass
class Side:
    """One side of an "=": terms joined by operators."""

    terms: list[Term] = field(default_factory=list)
    ops: list[str] = field(default_factory=list)

    @property
    def start(self) -> int:
        return self.terms[0].start

    @property
    def end(self) -> int:
        return self.terms[-1].end

    @property
    def scales_a_rate(self) -> bool:
        """A rate multiplied by a quantity: its integer result may be rounded either way."""
        return any(t.percent for t in self.terms) and any(o in "*×xX" for o in self.ops)

    def value(self) -> tuple[Decimal, bool] | None:
        """(value, is a percentage), or None when the side mixes kinds it cannot add.

        Products bind before sums; a rate times a quantity is a quantity
        ("90% x 1.784" = 1605,6), a rate alone stays a rate.
        """
        total, kinds = Decimal(0), set()
        try:
            for sign, factors, ops in self._products():
                value = factors[0].value
                for op, t in zip(ops, factors[1:]):
                    value = value / t.value if op == "/" else value * t.value
                n_pct = sum(t.percent for t in factors)
                if n_pct > 1:
                    return None
                if n_pct and len(factors) > 1:
                    value, pct = value / 100, False
                else:
                    pct = bool(n_pct)
                kinds.add(pct)
                total += sign * value
        except (InvalidOperation, ZeroDivisionError):
            return None
        if len(kinds) != 1:
            return None
        return total, kinds.pop()

    def _products(self) -> list[tuple[int, list[Term], list[str]]]:
        out = [(1, [self.terms[0]], [])]
        for op, t in zip(self.ops, self.terms[1:]):
            if op in "+-−–":
                out.append((1 if op == "+" else -1, [t], []))
            else:
                out[-1][1].append(t)
                out[-1][2].append(op)
        return out


@dataclass
class Computation:
    start: int
    end: int
    sides: list[Side]


def _term(text: str, m: regex.Match) -> Term | None:
    raw = m.group("term")
    percent = raw.endswith("%")
    digits = raw.rstrip("%").strip()
    value = parse_vn_decimal(digits)
    if value is None:
        return None
    decimals = len(digits.partition(",")[2])
    return Term(m.start(), m.end(), value, percent, decimals)


def find_computations(text: str) -> list[Computation]:
    """Every written chain "a op b = c …" whose numbers all read unambiguously."""
    out = []
    for m in matches_in(_chain_pattern(), text, sign_windows(text, CHAIN_STRETCH)):
        sides, side, ok = [], Side(), True
        for tok in _TOKEN.finditer(text, m.start(), m.end()):
            if tok.group("eq"):
                sides.append(side)
                side = Side()
            elif tok.group("op"):
                if len(side.ops) >= len(side.terms):
                    ok = False
                    break
                side.ops.append(tok.group("op"))
            else:
                t = _term(text, tok)
                if t is None or len(side.terms) > len(side.ops):
                    ok = False
                    break
                side.terms.append(t)
        sides.append(side)
        if ok and all(s.terms and len(s.ops) == len(s.terms) - 1 for s in sides):
            out.append(Computation(m.start(), m.end(), sides))
    return out
