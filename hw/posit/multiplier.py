"""Exact product of two decoded posits."""

from __future__ import annotations

from amaranth.hdl import Module, Signal
from amaranth.lib import wiring
from amaranth.lib.wiring import In, Out

from ._logic import check_format, decoded_layout, product_layout

__all__ = ["PositMultiplier"]


class PositMultiplier(wiring.Component):
    """Multiply two decoded posits exactly (combinational; no rounding).

    The significands (hidden bit plus ``fraction_bits``) multiply into ``2·fraction_bits + 2``
    bits, the scales add. A NaR operand makes the product NaR (also NaR · 0); otherwise a zero
    operand makes it zero. For a zero or NaR product only the flags are meaningful.

    Parameters
    ----------
    fmt : PositFormat
        The posit format (n, es).
    pipelined : bool
        If set, the partial products of 18-bit operand pieces (one ECP5 MULT18X18D each) are
        registered (advanced by ``en``) and summed after the register: ``o`` then follows the
        operands by one enabled cycle.

    Members
    -------
    en : In(1)
        Only if ``pipelined``: register enable.
    a, b : In(decoded_layout(fmt))
        Decoded operands, as :class:`PositDecoder` gives them.
    o : Out(product_layout(fmt))
        ``sign``, ``scale`` (−2·max_scale..2·max_scale), ``significand`` (value =
        significand · 2^(scale − 2·fraction_bits), in [1, 4)), ``is_zero``, ``is_nar``.

    Raises
    ------
    TypeError
        If ``fmt`` is not a :class:`~kaniwa.golden.posit.PositFormat`.
    """

    #: Width of the operand chunks of a pipelined multiplication (an ECP5 MULT18X18D port).
    chunk_bits = 18

    def __init__(self, fmt, *, pipelined=False):
        self._fmt = check_format(fmt)
        self._pipelined = bool(pipelined)
        members = {
            "a": In(decoded_layout(fmt)),
            "b": In(decoded_layout(fmt)),
            "o": Out(product_layout(fmt)),
        }
        if self._pipelined:
            members = {"en": In(1)} | members
        super().__init__(members)

    @property
    def fmt(self):
        return self._fmt

    @property
    def latency(self) -> int:
        return int(self._pipelined)

    def elaborate(self, platform):
        m = Module()
        a, b, o = self.a, self.b, self.o
        sign = a.sign ^ b.sign
        scale = a.scale + b.scale
        is_nar = a.is_nar | b.is_nar
        is_zero = (a.is_zero | b.is_zero) & ~is_nar
        if not self._pipelined:
            m.d.comb += [
                o.sign.eq(sign), o.scale.eq(scale), o.is_nar.eq(is_nar), o.is_zero.eq(is_zero),
                o.significand.eq(a.significand * b.significand),
            ]
            return m

        # Partial products of chunk_bits-wide pieces (one hard multiplier each) are registered,
        # then summed.
        width = len(a.significand)
        chunks = [(start, min(start + self.chunk_bits, width))
                  for start in range(0, width, self.chunk_bits)]
        partials = []
        flags = Signal(product_layout(self._fmt), reset_less=True)
        with m.If(self.en):
            for a_start, a_stop in chunks:
                for b_start, b_stop in chunks:
                    partial = Signal((a_stop - a_start) + (b_stop - b_start), reset_less=True,
                                     name=f"partial_{a_start}_{b_start}")
                    m.d.sync += partial.eq(a.significand[a_start:a_stop]
                                           * b.significand[b_start:b_stop])
                    partials.append((partial, a_start + b_start))
            m.d.sync += [flags.sign.eq(sign), flags.scale.eq(scale), flags.is_nar.eq(is_nar),
                         flags.is_zero.eq(is_zero)]
        total = 0
        for partial, shift in partials:
            total = total + (partial << shift)
        m.d.comb += [
            o.sign.eq(flags.sign), o.scale.eq(flags.scale), o.is_nar.eq(flags.is_nar),
            o.is_zero.eq(flags.is_zero), o.significand.eq(total),
        ]
        return m
