"""Branch-free uint64 helpers, input checks and blockwise evaluation shared by the golden model.

Speed notes (measured on NumPy 2.4): ``np.where`` on unpredictable conditions costs ~10 plain
ufuncs, so selections are written as arithmetic; long chains of ufuncs run ~3× faster on blocks
that stay in the L2 cache, so elementwise kernels run on blocks of :data:`BLOCK` elements.
NumPy defines shifts by 64 or more as giving 0; the code relies on that.
"""

from __future__ import annotations

import numbers

import numpy as np

from .format import PositFormat

U1 = np.uint64(1)
U32 = np.uint64(0xFFFF_FFFF)
ONES = np.uint64(0xFFFF_FFFF_FFFF_FFFF)
_EXP_SHIFT = np.uint64(52)
#: Elements per block of an elementwise kernel.
BLOCK = 16384


def u(x) -> np.ndarray:
    """Shift amounts (non-negative integers) as uint64, so that uint64 arithmetic stays uint64."""
    return np.asarray(x).astype(np.uint64)


def select(condition, if_true, if_false):
    """``np.where`` for numbers, as arithmetic: if_false + (if_true − if_false)·condition."""
    return if_false + (if_true - if_false) * condition


def bit_length53(x: np.ndarray) -> np.ndarray:
    """``int.bit_length`` for uint64 values below 2^53, read off the float64 exponent field."""
    field = (x.astype(np.float64).view(np.uint64) >> _EXP_SHIFT).astype(np.int64)
    return np.maximum(field - 1022, 0)


def bit_length(x) -> np.ndarray:
    """``int.bit_length`` of each element of a ``uint64`` array, as int64."""
    x = np.asarray(x, dtype=np.uint64)
    hi = (x >> np.uint64(32)).astype(np.float64).view(np.uint64) >> _EXP_SHIFT
    lo = (x & U32).astype(np.float64).view(np.uint64) >> _EXP_SHIFT
    # A zero half has exponent field 0, far below any nonzero half's.
    return np.maximum(np.maximum(hi.astype(np.int64) - 990, lo.astype(np.int64) - 1022), 0)


def check_format(fmt) -> PositFormat:
    if not isinstance(fmt, PositFormat):
        raise TypeError(f"fmt must be a PositFormat, not {fmt!r}")
    return fmt


def as_patterns(bits, fmt: PositFormat) -> np.ndarray:
    """``bits`` as a uint64 array, after checking that every pattern is in 0..2^n − 1.

    Raises
    ------
    ValueError
        "posit(8,0) bit pattern must be in 0..255, not 300" (the first bad element).
    TypeError
        Non-integer input.
    """
    check_format(fmt)
    arr = np.asarray(bits)
    if arr.dtype.kind == "O":  # Python ints beyond int64, or other objects
        for value in arr.flat:
            if isinstance(value, bool) or not isinstance(value, numbers.Integral):
                raise TypeError(f"{fmt} bit patterns must be integers, not {value!r}")
            if not 0 <= value <= fmt.mask:
                raise ValueError(f"{fmt} bit pattern must be in 0..{fmt.mask}, not {value}")
        return arr.astype(np.uint64)
    if arr.dtype.kind not in "iu":
        raise TypeError(f"{fmt} bit patterns must be integers, not {arr.dtype}")
    if arr.size and ((arr.dtype.kind == "i" and arr.min() < 0) or arr.max() > fmt.mask):
        bad = arr.ravel()[np.flatnonzero((arr < 0) | (arr > fmt.mask))[0]]
        raise ValueError(f"{fmt} bit pattern must be in 0..{fmt.mask}, not {int(bad)}")
    return arr.astype(np.uint64, copy=False)


def blockwise(kernel, *arrays, dtypes=(np.uint64,)):
    """Apply an elementwise ``kernel`` to the broadcast ``arrays``, block by block.

    ``kernel`` takes 1-D blocks and returns one array per dtype in ``dtypes``; the results have
    the broadcast shape (a tuple if there are several).
    """
    arrays = np.broadcast_arrays(*arrays)
    shape = arrays[0].shape
    flat = [np.ravel(x) for x in arrays]
    size = flat[0].size
    outs = [np.empty(size, dtype=dtype) for dtype in dtypes]
    for start in range(0, size, BLOCK):
        block = slice(start, start + BLOCK)
        results = kernel(*(x[block] for x in flat))
        if len(outs) == 1:
            results = (results,)
        for out, result in zip(outs, results):
            out[block] = result
    outs = [out.reshape(shape) for out in outs]
    return outs[0] if len(outs) == 1 else tuple(outs)
