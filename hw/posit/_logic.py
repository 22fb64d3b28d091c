"""Small combinational building blocks and checks shared by the posit components."""

from __future__ import annotations

from amaranth.hdl import Cat, Const, Mux, Shape, Signal, signed
from amaranth.lib import data
from kaniwa.golden.posit.format import PositFormat

from .config import PositMACConfig

__all__ = ["check_format", "check_config", "segments", "leading_zeros", "scale_shape",
           "decoded_layout", "product_layout"]


def check_format(fmt) -> PositFormat:
    if not isinstance(fmt, PositFormat):
        raise TypeError(f"Posit format must be a PositFormat, not {fmt!r}")
    return fmt


def check_config(config) -> PositMACConfig:
    if not isinstance(config, PositMACConfig):
        raise TypeError(f"Configuration must be a PositMACConfig, not {config!r}")
    return config


def segments(width: int, segment_bits: int) -> list[tuple[int, int]]:
    """``(start, stop)`` bit ranges of the carry-save segments of a ``width``-bit word."""
    return [(start, min(start + segment_bits, width)) for start in range(0, width, segment_bits)]


def scale_shape(limit: int) -> Shape:
    """The signed shape that holds every integer in ``-limit..limit``."""
    return signed(max(1, limit.bit_length()) + 1)


def decoded_layout(fmt: PositFormat) -> data.StructLayout:
    """A decoded posit: value = (−1)^sign · significand · 2^(scale − fraction_bits).

    ``significand`` holds the hidden bit (MSB) and ``fmt.fraction_bits`` fraction bits. For zero and
    NaR only the flags are meaningful.
    """
    return data.StructLayout({
        "sign": 1,
        "scale": scale_shape(fmt.max_scale),
        "significand": fmt.fraction_bits + 1,
        "is_zero": 1,
        "is_nar": 1,
    })


def product_layout(fmt: PositFormat) -> data.StructLayout:
    """An exact product: value = (−1)^sign · significand · 2^(scale − 2·fraction_bits)."""
    return data.StructLayout({
        "sign": 1,
        "scale": scale_shape(2 * fmt.max_scale),
        "significand": 2 * fmt.fraction_bits + 2,
        "is_zero": 1,
        "is_nar": 1,
    })


def _lzc_pow2(m, value):
    width = len(value)
    if width == 2:
        return ~(value[0] | value[1]), ~value[1]
    half = width // 2
    zero_lo, count_lo = _lzc_pow2(m, value[:half])
    zero_hi, count_hi = _lzc_pow2(m, value[half:])
    zero = Signal()
    count = Signal(len(count_hi) + 1)
    m.d.comb += [
        zero.eq(zero_hi & zero_lo),
        count.eq(Mux(zero_hi, Cat(count_lo, Const(1, 1)), Cat(count_hi, Const(0, 1)))),
    ]
    return zero, count


def leading_zeros(m, value):
    """Leading-zero count of ``value`` as a balanced tree of 2:1 multiplexers, added to ``m``.

    Returns ``(all_zero, count)``; ``count`` has ceil(log2(width)) bits (at least one) and is
    meaningless when ``all_zero`` is set.
    """
    width = len(value)
    size = 2
    while size < width:
        size *= 2
    padded = Signal(size)
    m.d.comb += padded.eq(Cat(Const(0, size - width), value))
    return _lzc_pow2(m, padded)
