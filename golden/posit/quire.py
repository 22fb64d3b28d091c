"""The quire: exact dot products in units of minpos², rounded once to a posit.

Overflow rule (kaniwa's documented behaviour, the one the RTL matches): a group whose exact final
sum Q has |Q| ≥ 2^(quire_width − 1) gives NaR, since a quire_width-bit two's-complement quire
reserves 10…0 for NaR. The test is on the exact sum, so it does not depend on the order of terms.

Vectorized form: each group's quire is a column of int64 limbs of 32 bits, in units of
minpos²·2^(−2F) (so that every product Ma·Mb sits at a non-negative bit position). A product
(≤ 60 bits) is split across ≤ 3 limbs and summed with ``np.add.at``; one carry pass at the end
makes the limbs base-2^32 digits. Groups are processed in blocks of about ``BLOCK`` products.
"""

from __future__ import annotations

import numpy as np

from ._bits import BLOCK, U32, as_patterns, bit_length, select, u
from .codec import _decode, _round
from .format import PositFormat

__all__ = ["quire_dot", "quire_dot_groups", "quire_exact", "quire_to_posit"]

_LIMB = 32
_LIMB_SHIFT = 5                 # log2(_LIMB)
_MAX_GROUP = 1 << 31


def quire_dot(a, b, fmt: PositFormat, quire_width=None, axis: int = -1) -> np.ndarray:
    """Fused dot product per group: round(Σ a_i·b_i), one rounding, through the quire.

    Q = Σ a_i·b_i / minpos² is formed exactly; then (1) a NaR operand in the group → NaR;
    (2) |Q| ≥ 2^(quire_width − 1) → NaR (quire overflow); (3) else round(Q·minpos²), 0 → 0.
    A group of one gives exactly ``mul(a, b)``.

    Parameters
    ----------
    a, b : array_like of int
        Posit patterns, broadcast together; groups run along ``axis`` (fewer than 2^31 terms).
    fmt : PositFormat
    quire_width : int, optional
        Default ``fmt.default_quire_width`` (16·n for es = 2); checked by ``fmt.check_quire_width``.
    axis : int

    Returns
    -------
    np.ndarray of uint64
        One posit per group: the broadcast shape without ``axis``.
    """
    width = fmt.check_quire_width(quire_width)
    pa, pb, shape = _groups(a, b, fmt, axis)
    out = np.empty(len(pa), dtype=np.uint64)
    for block in _blocks(pa):
        out[block] = _dot(pa[block], pb[block], fmt, width)
    return out.reshape(shape)


def quire_dot_groups(groups, fmt: PositFormat, quire_width=None) -> np.ndarray:
    """:func:`quire_dot` of groups of different lengths, as a stream of (a, b, last) carries them.

    ``groups`` is a sequence of ``(a, b)`` pattern sequences, one pair of equal length per group.
    Each group is padded with 0·0 pairs, which add nothing to the quire, so result i is exactly
    ``quire_dot(a_i, b_i)``.
    """
    if len(groups) == 0:
        return np.zeros(0, dtype=np.uint64)
    length = max(len(a) for a, _ in groups)
    a_pad = np.zeros((len(groups), length), dtype=np.uint64)
    b_pad = np.zeros_like(a_pad)
    for row, (a, b) in enumerate(groups):
        if len(a) != len(b) or len(a) == 0:
            raise ValueError(f"group {row} must have equally many a and b, at least one, "
                             f"not {len(a)} and {len(b)}")
        a_pad[row, :len(a)] = as_patterns(a, fmt)
        b_pad[row, :len(b)] = as_patterns(b, fmt)
    return quire_dot(a_pad, b_pad, fmt, quire_width=quire_width)


def quire_exact(a, b, fmt: PositFormat, axis: int = -1):
    """The exact quire of each group, Q = Σ a_i·b_i / minpos² (an integer), and its NaR flag.

    Parameters
    ----------
    a, b : array_like of int
        Posit patterns, broadcast together; groups run along ``axis``.
    fmt : PositFormat
    axis : int

    Returns
    -------
    (Q, nar)
        Q is an object array of Python ints (0 where ``nar``); nar marks groups with a NaR operand.
    """
    pa, pb, shape = _groups(a, b, fmt, axis)
    q, nar = np.zeros(len(pa), dtype=object), np.zeros(len(pa), dtype=bool)
    for block in _blocks(pa):
        limbs, nar[block] = _accumulate(pa[block], pb[block], fmt)
        weights = np.array([1 << (_LIMB * j) for j in range(len(limbs))], dtype=object)
        scaled = weights @ limbs.astype(object)      # Q·2^2F
        q[block] = [0 if bad else value >> (2 * fmt.fraction_bits)
                    for value, bad in zip(scaled, nar[block])]
    return q.reshape(shape), nar.reshape(shape)


def quire_to_posit(q, fmt: PositFormat, quire_width=None, nar=None) -> np.ndarray:
    """round(Q · minpos²) for exact quire values Q (Python ints); NaR on overflow or ``nar``.

    Overflow is |Q| ≥ 2^(quire_width − 1), as in :func:`quire_dot`.
    """
    width = fmt.check_quire_width(quire_width)
    q = np.asarray(q, dtype=object)
    values = [int(v) for v in q.flat]
    magnitudes = [abs(v) for v in values]
    lengths = [m.bit_length() for m in magnitudes]
    drops = [max(length - 64, 0) for length in lengths]
    sig = np.array([m >> d for m, d in zip(magnitudes, drops)], dtype=np.uint64)
    sticky = np.array([m & ((1 << d) - 1) != 0 for m, d in zip(magnitudes, drops)], dtype=bool)
    lengths, drops = np.array(lengths, dtype=np.int64), np.array(drops, dtype=np.int64)
    result = _round(np.array([v < 0 for v in values], dtype=bool),
                    lengths - 1 + fmt.quire_lsb_scale, sig, np.maximum(lengths - drops, 1),
                    sticky, fmt)
    bad = lengths >= width
    if nar is not None:
        bad |= np.asarray(nar, dtype=bool).reshape(-1)
    return select(bad, np.uint64(fmt.nar), result).reshape(q.shape)


def _groups(a, b, fmt: PositFormat, axis: int):
    """Checked patterns as 2-D (groups, length) arrays, and the shape of the result."""
    a, b = np.broadcast_arrays(as_patterns(a, fmt), as_patterns(b, fmt))
    if a.ndim == 0:
        raise ValueError("quire operands must have at least one dimension, not 0")
    a, b = np.moveaxis(a, axis, -1), np.moveaxis(b, axis, -1)
    shape, length = a.shape[:-1], a.shape[-1]
    if length >= _MAX_GROUP:
        raise ValueError(f"quire group length must be below 2^31, not {length}")
    groups = int(np.prod(shape))
    return a.reshape(groups, length), b.reshape(groups, length), shape


def _blocks(pa: np.ndarray):
    step = max(1, BLOCK // max(pa.shape[1], 1))
    return [slice(start, start + step) for start in range(0, len(pa), step)]


def _limb_count(fmt: PositFormat) -> int:
    # Products reach bit 4·max_scale + 2F + 1; two more limbs hold the carries of up to 2^31
    # products and keep the top limb below 2^32.
    return (4 * fmt.max_scale + 2 * fmt.fraction_bits + 1) // _LIMB + 3


def _carry(limbs: np.ndarray) -> None:
    """Make limbs[:-1] digits in 0..2^32 − 1, moving carries up; the top limb keeps the sign."""
    for j in range(len(limbs) - 1):
        carry = limbs[j] >> _LIMB
        limbs[j] &= 0xFFFF_FFFF
        limbs[j + 1] += carry


def _accumulate(pa: np.ndarray, pb: np.ndarray, fmt: PositFormat):
    """Limbs (L, groups) of Q·2^2F for a block of groups, carried; and the NaR flags."""
    groups = len(pa)
    da, db = _decode(pa, fmt), _decode(pb, fmt)
    nar = (da.is_nar | db.is_nar).any(axis=1)
    # Ma·Mb·2^(scale_a + scale_b − 2F) = Ma·Mb · 2^(scale_a + scale_b + 2·max_scale) units.
    product = da.significand * db.significand
    position = da.scale + db.scale + 2 * fmt.max_scale
    offset = u(position & (_LIMB - 1))
    shifted = product << offset                           # low 64 bits of product·2^offset
    # Positive products go to limbs[:count], negative ones to limbs[count:]; subtract at the end.
    count = _limb_count(fmt)
    limbs = np.zeros((2 * count, groups), dtype=np.int64)
    negative = (da.sign ^ db.sign).astype(np.int64)
    limb = (position >> _LIMB_SHIFT) + count * negative
    index = (limb * groups + np.arange(groups)[:, None]).ravel()
    flat = limbs.reshape(-1)
    np.add.at(flat, index, (shifted & U32).view(np.int64).ravel())
    np.add.at(flat, index + groups, (shifted >> np.uint64(_LIMB)).view(np.int64).ravel())
    if 2 * fmt.fraction_bits + 2 + _LIMB - 1 > 2 * _LIMB:   # products can reach a third limb
        third = product >> (np.uint64(2 * _LIMB) - offset)
        np.add.at(flat, index + 2 * groups, third.view(np.int64).ravel())
    limbs = limbs[:count] - limbs[count:]
    _carry(limbs)
    return limbs, nar


def _dot(pa: np.ndarray, pb: np.ndarray, fmt: PositFormat, width: int) -> np.ndarray:
    limbs, nar = _accumulate(pa, pb, fmt)
    negative = limbs[-1] < 0
    limbs *= 1 - 2 * negative.astype(np.int64)
    _carry(limbs)                                          # |Q|·2^2F, limbs in 0..2^32 − 1
    count = len(limbs)
    nonzero = limbs != 0
    top = (count - 1 - np.argmax(nonzero[::-1], axis=0)) * nonzero.any(axis=0)
    columns = np.arange(limbs.shape[1])
    high = limbs[top, columns].astype(np.uint64)
    low = (limbs[np.maximum(top - 1, 0), columns] * (top >= 1)).astype(np.uint64)
    sticky = (nonzero & (np.arange(count)[:, None] < top - 1)).any(axis=0)
    high_bits = bit_length(high)
    length = _LIMB * top + high_bits - 2 * fmt.fraction_bits   # bit length of |Q| (if Q ≠ 0)
    result = _round(negative, length - 1 + fmt.quire_lsb_scale, (high << np.uint64(_LIMB)) | low,
                    high_bits + _LIMB, sticky, fmt)        # Q = 0 gives significand 0 → 0
    return select(nar | (length >= width), np.uint64(fmt.nar), result)
