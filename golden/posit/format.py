"""The posit number format (n, es) and the sizes derived from it."""

from __future__ import annotations

from dataclasses import dataclass

from kaniwa.params import ParameterError, check_int

__all__ = ["PositFormat", "N_RANGE", "ES_RANGE", "QUIRE_GUARD_BITS"]

N_RANGE = (3, 32)
ES_RANGE = (0, 4)
#: Bits of headroom the quire needs above its product range: 30 carry bits plus the sign bit.
#: With it the default width is 16·n for es = 2, as the 2022 Posit Standard specifies.
QUIRE_CARRY_BITS = 30
#: Extra bits the hardware accumulator carries above ``quire_width`` so that the overflow check on
#: the final group sum is exact for any group shorter than 2**(carry + QUIRE_GUARD_BITS) products.
QUIRE_GUARD_BITS = 32


@dataclass(frozen=True)
class PositFormat:
    """A posit format: ``n`` bits with ``es`` exponent bits.

    value = (−1)^s · (1 + f) · 2^(k·2^es + e); useed = 2^(2^es); maxpos = useed^(n−2).

    Parameters
    ----------
    n : int
        Word width, 3..32.
    es : int
        Exponent field width, 0..4. Exponent bits cut off by the end of the word count as zero,
        so every es is valid for every n.

    Raises
    ------
    ParameterError (a ValueError)
        "n must be an integer in 3..32, not 2", and likewise for ``es``.
    """

    n: int
    es: int

    def __post_init__(self):
        check_int("n", self.n, *N_RANGE)
        check_int("es", self.es, *ES_RANGE)

    # Derived sizes: one place, read by golden, hardware and benches alike.
    @property
    def mask(self) -> int:
        return (1 << self.n) - 1

    @property
    def nar(self) -> int:
        """The NaR bit pattern, 10…0."""
        return 1 << (self.n - 1)

    @property
    def maxpos(self) -> int:
        """Bit pattern of the largest positive posit, 01…1."""
        return (1 << (self.n - 1)) - 1

    @property
    def minpos(self) -> int:
        """Bit pattern of the smallest positive posit, 0…01."""
        return 1

    @property
    def max_scale(self) -> int:
        """log2(maxpos) = (n − 2)·2^es; scales of reals lie in −max_scale..max_scale."""
        return (self.n - 2) << self.es

    @property
    def fraction_bits(self) -> int:
        """The most fraction bits any posit of the format has (regime of 2 bits)."""
        return max(0, self.n - 3 - self.es)

    @property
    def quire_lsb_scale(self) -> int:
        """The quire's LSB weighs minpos² = 2^(−2·max_scale)."""
        return -2 * self.max_scale

    @property
    def min_quire_width(self) -> int:
        """Sign bit plus the 4·max_scale + 1 bits from minpos² to maxpos²: one product fits."""
        return 4 * self.max_scale + 2

    @property
    def default_quire_width(self) -> int:
        """The exact-dot-product width with 30 carry bits: 16·n for es = 2 (the 2022 standard)."""
        return 4 * self.max_scale + 2 + QUIRE_CARRY_BITS

    @property
    def max_quire_width(self) -> int:
        return self.min_quire_width + 2 * 64

    def check_quire_width(self, quire_width) -> int:
        """Return the quire width to use: the default for ``None``, else a checked integer."""
        if quire_width is None:
            return self.default_quire_width
        try:
            return check_int("quire_width", quire_width, self.min_quire_width,
                             self.max_quire_width)
        except ParameterError as error:
            raise ParameterError(f"{error} (for posit({self.n},{self.es}))") from None

    def __str__(self):
        return f"posit({self.n},{self.es})"
