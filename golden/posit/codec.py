"""Posit bit patterns ↔ (sign, scale, significand), and the one rounding routine.

Vectorized NumPy over arrays of bit patterns (``np.uint64``, any shape). Bit manipulation stays in
uint64; scales are int64 and become uint64 only as shift amounts.
"""

from __future__ import annotations

from functools import cache
from typing import NamedTuple

import numpy as np

from ._bits import U1, as_patterns, bit_length53, blockwise, check_format, select, u
from .format import PositFormat

__all__ = ["Decoded", "decode", "to_float", "from_float", "round_to_posit"]

#: Formats up to this width decode through a cached table of all their patterns.
_TABLE_MAX_N = 16


class Decoded(NamedTuple):
    """A decoded posit: value = (−1)^sign · significand · 2^(scale − fmt.fraction_bits).

    Zero and NaR have ``sign = 0``, ``scale = 0`` and ``significand = 0``.
    """

    sign: np.ndarray         #: uint8, 0 or 1
    scale: np.ndarray        #: int64, k·2^es + e
    significand: np.ndarray  #: uint64, hidden 1 at bit fmt.fraction_bits (0 for zero and NaR)
    is_zero: np.ndarray      #: bool
    is_nar: np.ndarray       #: bool


def decode(bits, fmt: PositFormat) -> Decoded:
    """Split posit patterns into sign, scale and significand.

    value = (−1)^sign · significand · 2^(scale − F), F = ``fmt.fraction_bits``, where the pattern
    (two's complement of the word if negative) is sign | regime (m equal bits, k = m − 1 for ones,
    −m for zeros) | es exponent bits e (cut-off bits are 0) | fraction f, scale = k·2^es + e and
    significand = (1 + f)·2^F.

    Parameters
    ----------
    bits : array_like of int
        Bit patterns in 0..2^n − 1, any shape.
    fmt : PositFormat

    Returns
    -------
    Decoded
        Arrays shaped like ``bits``; zero and NaR have sign, scale and significand 0.

    Raises
    ------
    ValueError
        A pattern outside 0..2^n − 1, e.g. "posit(8,0) bit pattern must be in 0..255, not 300".
    """
    p = as_patterns(bits, fmt)
    if fmt.n <= _TABLE_MAX_N:
        return _decode(p, fmt)
    return Decoded(*blockwise(lambda x: _decode_direct(x, fmt), p,
                              dtypes=(np.uint8, np.int64, np.uint64, bool, bool)))


def _decode(p: np.ndarray, fmt: PositFormat) -> Decoded:
    """:func:`decode` of patterns already checked by :func:`as_patterns`."""
    if fmt.n > _TABLE_MAX_N:
        return _decode_direct(p, fmt)
    index = p.astype(np.intp)
    sign, scale, significand, _, _ = _decode_table(fmt)
    return Decoded(sign[index], scale[index], significand[index], p == 0, p == fmt.nar)


def _decode_direct(p: np.ndarray, fmt: PositFormat) -> Decoded:
    n, es, nf = fmt.n, fmt.es, fmt.fraction_bits
    field_mask = np.uint64(fmt.mask >> 1)
    sign = p >> np.uint64(n - 1)
    x = ((p ^ (sign * np.uint64(fmt.mask))) + sign) & field_mask   # |p| without its sign bit
    r0 = x >> np.uint64(n - 2)                                       # the regime bit
    run = (n - 1) - bit_length53(x ^ (r0 * field_mask))              # regime run length m
    r0 = r0.astype(np.int64)
    k = run * (2 * r0 - 1) - r0                                      # m − 1 for ones, −m for zeros
    # Left-align the bits after the regime's terminating bit: exponent, then fraction.
    rest = (x << np.uint64(65 - n)) << u(run + 1)
    e = rest >> np.uint64(64 - es)                                   # cut-off bits read as 0
    fraction = (rest << np.uint64(es)) >> np.uint64(64 - nf)
    is_zero, is_nar = p == 0, p == np.uint64(fmt.nar)
    regular = ~(is_zero | is_nar)
    significand = ((U1 << np.uint64(nf)) | fraction) * regular
    scale = (k * (1 << es) + e.astype(np.int64)) * regular
    return Decoded((sign * regular).astype(np.uint8), scale, significand, is_zero, is_nar)


@cache
def _decode_table(fmt: PositFormat) -> Decoded:
    table = _decode_direct(np.arange(1 << fmt.n, dtype=np.uint64), fmt)
    for array in table:
        array.setflags(write=False)
    return table


def to_float(bits, fmt: PositFormat) -> np.ndarray:
    """The value of each posit as float64: (−1)^sign · significand · 2^(scale − F); NaR → nan.

    Exact for every format (at most 30 significant bits, |scale| ≤ 480).
    """
    d = decode(bits, fmt)
    magnitude = np.ldexp(d.significand.astype(np.float64), d.scale - fmt.fraction_bits)
    return np.where(d.is_nar, np.nan, magnitude * (1.0 - 2.0 * d.sign))


def from_float(x, fmt: PositFormat) -> np.ndarray:
    """Round float64 values to posit patterns, p = round(x), as :func:`round_to_posit` rounds.

    |x| > maxpos → ±maxpos, 0 < |x| < minpos → ±minpos, ±0 → 0, NaN and ±inf → NaR.
    """
    check_format(fmt)
    return blockwise(lambda v: _from_float(v, fmt), np.asarray(x, dtype=np.float64))


def _from_float(x: np.ndarray, fmt: PositFormat) -> np.ndarray:
    mantissa, exponent = np.frexp(np.abs(x))      # |x| = mantissa · 2^exponent, 0.5 ≤ mantissa < 1
    finite = np.isfinite(x)
    significand = np.ldexp(np.where(finite, mantissa, 0.0), 53).astype(np.uint64)
    result = _round(np.signbit(x), exponent.astype(np.int64) - 1, significand, 53, False, fmt)
    return select(~finite, np.uint64(fmt.nar), result)


def round_to_posit(sign, scale, significand, significand_bits, sticky,
                   fmt: PositFormat) -> np.ndarray:
    """Round a real to the nearest posit, ties to even, on the posit bit string.

    x = (−1)^sign · (significand + ε) · 2^(scale − (significand_bits − 1)), where 0 < ε < 1 if
    ``sticky`` else ε = 0. The unbounded string regime(k) | e | fraction, with
    scale = k·2^es + e, is cut after n − 1 bits; the cut is rounded up when guard ∧ (lsb ∨ sticky).
    |x| ≥ 2^max_scale → maxpos and |x| < minpos → minpos (never NaR, never 0); significand 0 → 0.

    Parameters
    ----------
    sign : array_like of bool or 0/1
    scale : array_like of int
        The exponent of the significand's top bit.
    significand : array_like of uint64
        Normalized: top bit at ``significand_bits − 1`` (or 0 for a zero result).
    significand_bits : int or array_like of int
        1..64.
    sticky : bool or array_like of bool
        There are further nonzero bits below the significand. Only meaningful if the significand
        reaches the guard bit: ``significand_bits ≥ n`` always does.
    fmt : PositFormat

    Returns
    -------
    np.ndarray of uint64
        Posit patterns, the broadcast shape of the inputs.
    """
    check_format(fmt)
    return blockwise(lambda *args: _round(*args, fmt),
                     np.asarray(sign, dtype=bool), np.asarray(scale, dtype=np.int64),
                     np.asarray(significand, dtype=np.uint64),
                     np.asarray(significand_bits, dtype=np.int64), np.asarray(sticky, dtype=bool))


def _round(sign, scale, sig, nbits, sticky, fmt: PositFormat) -> np.ndarray:
    """:func:`round_to_posit` on arrays of the right dtypes (``nbits`` may be a Python int)."""
    n = fmt.n
    prefix, prefix_len = _prefix_table(fmt)
    index = np.clip(scale, -fmt.max_scale - 1, fmt.max_scale) + (fmt.max_scale + 1)
    fraction = sig << u(65 - np.asarray(nbits))  # left-aligned, hidden bit shifted out
    shift = prefix_len[index]
    string = prefix[index] | (fraction >> shift)
    sticky = (sticky | ((fraction & ((U1 << shift) - U1)) != 0)   # fraction bits past the string
              | ((string << np.uint64(n)) != 0))                   # string bits below the guard
    body = string >> np.uint64(65 - n)
    guard = (string >> np.uint64(64 - n)) & U1
    body += guard & (body | sticky) & U1
    body *= sig != 0
    negated = (~body + U1) & np.uint64(fmt.mask)
    return body ^ ((body ^ negated) * np.asarray(sign, dtype=bool))


@cache
def _prefix_table(fmt: PositFormat) -> tuple[np.ndarray, np.ndarray]:
    """Per scale −max_scale − 1 .. max_scale: regime and exponent bits left-aligned in 64 bits,
    and their count. The two ends saturate: minpos and maxpos with a count of 64, which shifts
    every fraction bit out (into sticky) and leaves the guard bit 0.
    """
    n, es, top = fmt.n, fmt.es, fmt.max_scale
    prefix, length = [1 << (65 - n)], [64]                  # below minpos
    for scale in range(-top, top):
        k, e = scale >> es, scale & ((1 << es) - 1)
        regime, regime_len = ((((1 << (k + 1)) - 1) << 1), k + 2) if k >= 0 else (1, 1 - k)
        count = regime_len + es
        prefix.append(((regime << es) | e) << (64 - count))
        length.append(count)
    prefix.append(fmt.maxpos << (65 - n))                   # maxpos and above
    length.append(64)
    prefix, length = np.array(prefix, dtype=np.uint64), np.array(length, dtype=np.uint64)
    prefix.setflags(write=False)
    length.setflags(write=False)
    return prefix, length
