"""An exact-rational posit oracle written from the definition (Python ``fractions``).

It shares no code with the golden model: patterns are read as bit strings, and rounding searches the
ordered patterns for the two neighbours of a value and compares it with the tie point, the
(n+1)-bit posit between them; exact ties go to the even pattern. Out of range saturates at
maxpos/minpos.
"""

from __future__ import annotations

from bisect import bisect_right
from fractions import Fraction
from functools import cache

__all__ = ["RationalPosit", "oracle"]


class RationalPosit:
    """posit(n, es) over exact rationals; ``None`` stands for NaR."""

    def __init__(self, n: int, es: int):
        self.n, self.es = n, es
        self.nar = 1 << (n - 1)
        self.maxpos = self.nar - 1
        # Positive values in pattern order, for formats small enough to tabulate.
        self._table = [self._value(p) for p in range(self.maxpos + 1)] if n <= 16 else None

    def _value(self, p: int) -> Fraction:
        if p == 0:
            return Fraction(0)
        body = format(p, f"0{self.n}b")[1:]   # the n − 1 bits after the sign bit
        first = body[0]
        run = len(body) - len(body.lstrip(first))
        k = run - 1 if first == "1" else -run
        rest = body[run + 1:]
        exponent = int(rest[:self.es].ljust(self.es, "0") or "0", 2)
        fraction_bits = rest[self.es:]
        fraction = Fraction(int(fraction_bits, 2), 1 << len(fraction_bits)) if fraction_bits else 0
        return (1 + fraction) * Fraction(2) ** (k * (1 << self.es) + exponent)

    def value(self, p: int) -> Fraction | None:
        """The exact value of pattern ``p``; None for NaR."""
        p &= (1 << self.n) - 1
        if p == self.nar:
            return None
        if p >> (self.n - 1):
            return -self.value((1 << self.n) - p)
        return self._table[p] if self._table is not None else self._value(p)

    def round(self, x) -> int:
        """The pattern of the posit nearest to ``x`` (None → NaR), ties to the even pattern."""
        if x is None:
            return self.nar
        x = Fraction(x)
        if x == 0:
            return 0
        magnitude = abs(x)
        if magnitude >= self.value(self.maxpos):
            p = self.maxpos
        elif magnitude <= self.value(1):
            p = 1
        else:
            p = self._floor(magnitude)         # value(p) ≤ magnitude < value(p + 1)
            if self.value(p) != magnitude:
                tie = oracle(self.n + 1, self.es).value(2 * p + 1)
                if magnitude > tie or (magnitude == tie and p % 2 == 1):
                    p += 1
        return (1 << self.n) - p if x < 0 else p

    def _floor(self, magnitude: Fraction) -> int:
        if self._table is not None:
            return bisect_right(self._table, magnitude) - 1
        low, high = 1, self.maxpos             # value(low) ≤ magnitude < value(high)
        while high - low > 1:
            middle = (low + high) // 2
            if self.value(middle) <= magnitude:
                low = middle
            else:
                high = middle
        return low

    # Operations: exact result, then round.
    def mul(self, a: int, b: int) -> int:
        va, vb = self.value(a), self.value(b)
        return self.round(None if va is None or vb is None else va * vb)

    def add(self, a: int, b: int) -> int:
        va, vb = self.value(a), self.value(b)
        return self.round(None if va is None or vb is None else va + vb)

    def fma(self, a: int, b: int, c: int) -> int:
        va, vb, vc = self.value(a), self.value(b), self.value(c)
        return self.round(None if None in (va, vb, vc) else va * vb + vc)

    def dot(self, a, b, quire_width: int) -> int:
        """round(Σ a_i·b_i); NaR for a NaR operand or |Σ| ≥ 2^(quire_width − 1)·minpos²."""
        values = [(self.value(x), self.value(y)) for x, y in zip(a, b)]
        if any(va is None or vb is None for va, vb in values):
            return self.nar
        total = sum((va * vb for va, vb in values), Fraction(0))
        minpos = self.value(1)
        if abs(total) >= Fraction(2) ** (quire_width - 1) * minpos * minpos:
            return self.nar
        return self.round(total)


@cache
def oracle(n: int, es: int) -> RationalPosit:
    return RationalPosit(n, es)
