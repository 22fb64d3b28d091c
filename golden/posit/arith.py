"""Posit arithmetic: each result is formed exactly, then rounded once by :func:`round_to_posit`.

Kernels (``_mul``, ``_add``, ``_fma``) are branch-free NumPy run block by block (see ``_bits``).
"""

from __future__ import annotations

import numpy as np

from ._bits import ONES, U1, as_patterns, bit_length, blockwise, select, u
from .codec import _decode, _round
from .format import PositFormat

__all__ = ["neg", "mul", "add", "sub", "fma"]

_ABSENT = -(1 << 40)          # "top bit position" of a zero term


def neg(a, fmt: PositFormat) -> np.ndarray:
    """−a: the two's complement of the whole word, (2^n − a) mod 2^n; NaR and 0 stay put."""
    return (np.uint64(fmt.mask + 1) - as_patterns(a, fmt)) & np.uint64(fmt.mask)


def _with_nar(result, nar, fmt: PositFormat) -> np.ndarray:
    return select(nar, np.uint64(fmt.nar), result)


def mul(a, b, fmt: PositFormat) -> np.ndarray:
    """round(a·b); the product (−1)^(sa⊕sb) · Ma·Mb · 2^(scale_a + scale_b − 2F) is exact.

    NaR in either operand → NaR; a zero operand → 0.
    """
    return blockwise(lambda x, y: _mul(x, y, fmt), as_patterns(a, fmt), as_patterns(b, fmt))


def _mul(pa, pb, fmt: PositFormat) -> np.ndarray:
    da, db = _decode(pa, fmt), _decode(pb, fmt)
    product = da.significand * db.significand          # in [2^2F, 2^(2F+2)), or 0
    carry = (product >> np.uint64(2 * fmt.fraction_bits + 1)).astype(np.int64)
    result = _round(da.sign ^ db.sign, da.scale + db.scale + carry, product,
                    2 * fmt.fraction_bits + 1 + carry, False, fmt)
    return _with_nar(result, (pa == fmt.nar) | (pb == fmt.nar), fmt)


def add(a, b, fmt: PositFormat) -> np.ndarray:
    """round(a + b), the exact sum rounded once (alignment by any distance, with sticky).

    NaR in either operand → NaR; a + (−a) → 0.
    """
    return blockwise(lambda x, y: _add(x, y, fmt), as_patterns(a, fmt), as_patterns(b, fmt))


def _add(pa, pb, fmt: PositFormat) -> np.ndarray:
    da, db = _decode(pa, fmt), _decode(pb, fmt)
    nf = fmt.fraction_bits
    result = _sum2(da.sign, da.significand, nf + 1, da.scale + 1,
                   db.sign, db.significand, nf + 1, db.scale + 1, fmt)
    return _with_nar(result, (pa == fmt.nar) | (pb == fmt.nar), fmt)


def sub(a, b, fmt: PositFormat) -> np.ndarray:
    """round(a − b) = add(a, neg(b)) (exact negation, then one rounding)."""
    return add(a, neg(b, fmt), fmt)


def fma(a, b, c, fmt: PositFormat) -> np.ndarray:
    """round(a·b + c) with a single rounding: the product Ma·Mb (≤ 60 bits) is kept exact.

    NaR in any operand → NaR.
    """
    return blockwise(lambda x, y, z: _fma(x, y, z, fmt), as_patterns(a, fmt), as_patterns(b, fmt),
                     as_patterns(c, fmt))


def _fma(pa, pb, pc, fmt: PositFormat) -> np.ndarray:
    da, db, dc = _decode(pa, fmt), _decode(pb, fmt), _decode(pc, fmt)
    nf = fmt.fraction_bits
    product = da.significand * db.significand               # exact, ≤ 2F + 2 ≤ 60 bits
    carry = (product >> np.uint64(2 * nf + 1)).astype(np.int64)
    top1 = da.scale + db.scale + 1 + carry
    result = _sum2(da.sign ^ db.sign, product, 2 * nf + 1 + carry, top1,
                   dc.sign, dc.significand, nf + 1, dc.scale + 1, fmt)
    return _with_nar(result, (pa == fmt.nar) | (pb == fmt.nar) | (pc == fmt.nar), fmt)


def _sum2(s1, m1, bits1, top1, s2, m2, bits2, top2, fmt: PositFormat) -> np.ndarray:
    """round((−1)^s1·m1·2^(top1 − bits1) + (−1)^s2·m2·2^(top2 − bits2)).

    m1, m2 (uint64) are 0 or have exactly bits1, bits2 ≤ 62 bits; top is the exponent just above
    the top bit. The two terms are placed in a 64-bit word with the higher top bit at bit 62, and
    summed in two's complement (bit 63 is the sign of a difference). Bits of the lower term that
    fall below bit 0 are OR-ed into bit 0 ("jamming"). That is exact for rounding: it only happens
    when the lower term's top bit is 2 or more places below the higher one's, so the result's top
    bit is at 61 or 62 and its guard bit (≤ 31 bits lower) far above bit 0, while the higher term
    (≤ 62 bits) has a 0 in bit 0.
    """
    top1 = select(m1 != 0, top1, _ABSENT)
    top2 = select(m2 != 0, top2, _ABSENT)
    base = np.maximum(top1, top2) - 63                      # exponent of the word's bit 0
    t1, t2 = _place(m1, top1 - bits1 - base), _place(m2, top2 - bits2 - base)
    subtract = (s1 ^ s2).astype(np.uint64)
    total = t1 + t2 - ((t2 << U1) * subtract)
    negative = (total >> np.uint64(63)) & subtract
    total = (total ^ (ONES * negative)) + negative           # |total|
    nbits = bit_length(total)
    return _round(s1 ^ negative.astype(np.uint8), base + nbits - 1, total, np.maximum(nbits, 1),
                  False, fmt)


def _place(m: np.ndarray, shift: np.ndarray) -> np.ndarray:
    """m·2^shift in 64 bits (shift ≤ 64 − bit_length(m)), bits below 2^0 jammed into bit 0."""
    right = u(np.clip(-shift, 0, 64))
    return (((m << u(np.clip(shift, 0, 63))) >> right)
            | ((m & ((U1 << right) - U1)) != 0))
