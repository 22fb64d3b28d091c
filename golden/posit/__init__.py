"""Golden model of posit arithmetic: vectorized NumPy over arrays of bit patterns."""

from .format import ES_RANGE, N_RANGE, PositFormat

__all__ = ["PositFormat", "N_RANGE", "ES_RANGE"]
