"""Golden model of posit arithmetic: vectorized NumPy over arrays of bit patterns.

Every operation forms its result exactly and rounds once with :func:`round_to_posit` (round to
nearest, ties to even, on the posit bit string; saturating at ±maxpos/±minpos). Patterns are
``np.uint64`` arrays of any shape; inputs may be Python ints, lists or any integer arrays.
"""

from .arith import add, fma, mul, neg, sub
from .codec import Decoded, decode, from_float, round_to_posit, to_float
from .format import ES_RANGE, N_RANGE, PositFormat
from .quire import quire_dot, quire_dot_groups, quire_exact, quire_to_posit

__all__ = [
    "PositFormat", "N_RANGE", "ES_RANGE",
    "Decoded", "decode", "to_float", "from_float", "round_to_posit",
    "neg", "mul", "add", "sub", "fma",
    "quire_dot", "quire_dot_groups", "quire_exact", "quire_to_posit",
]
