"""Posit decoder: bit pattern → sign, scale, significand and the zero/NaR flags."""

from __future__ import annotations

from amaranth.hdl import Cat, Const, Module, Mux, Signal, signed
from amaranth.lib import wiring
from amaranth.lib.wiring import In, Out

from ._logic import check_format, decoded_layout, leading_zeros

__all__ = ["PositDecoder"]


class PositDecoder(wiring.Component):
    """Decode a posit bit pattern (combinational).

    A negative posit is the two's complement of the word; it is negated, then the regime run is
    counted (a leading-zero tree) and shifted out, leaving the exponent and the fraction. Exponent
    bits cut off by the end of the word read as zero.

    Parameters
    ----------
    fmt : PositFormat
        The posit format (n, es).
    stages : int
        Registers (advanced by ``en``) inside: 0 (combinational), 1 (after the negation and
        the regime count) or 2 (also between the negation and the regime count). ``o``
        follows ``i`` by that many enabled cycles.

    Members
    -------
    en : In(1)
        Only if ``stages`` > 0: register enable.
    i : In(n)
        Posit bit pattern.
    o : Out(decoded_layout(fmt))
        ``sign``; ``scale`` (signed, −max_scale..max_scale); ``significand`` (hidden bit and
        ``fraction_bits`` fraction bits, value = significand · 2^(scale − fraction_bits));
        ``is_zero``; ``is_nar``. For zero and NaR only the flags are meaningful.

    Raises
    ------
    TypeError
        If ``fmt`` is not a :class:`~kaniwa.golden.posit.PositFormat` or ``stages`` is not
        0, 1 or 2.
    """

    def __init__(self, fmt, *, stages=0):
        self._fmt = check_format(fmt)
        if stages not in (0, 1, 2):
            raise TypeError(f"Decoder stages must be 0, 1 or 2, not {stages!r}")
        self._stages = stages
        members = {"i": In(fmt.n), "o": Out(decoded_layout(fmt))}
        if stages:
            members = {"en": In(1)} | members
        super().__init__(members)

    @property
    def latency(self) -> int:
        """Register stages from ``i`` to ``o``."""
        return self._stages

    @property
    def fmt(self):
        return self._fmt

    def elaborate(self, platform):
        m = Module()
        n, es, frac_bits = self._fmt.n, self._fmt.es, self._fmt.fraction_bits

        def register(*values):
            regs = [Signal(len(value), reset_less=True) for value in values]
            with m.If(self.en):
                m.d.sync += [reg.eq(value) for reg, value in zip(regs, values)]
            return regs

        word = self.i
        sign = word[n - 1]
        magnitude = Signal(n)
        m.d.comb += magnitude.eq(Mux(sign, -word, word))
        is_zero = word == 0
        is_nar = word == self._fmt.nar
        if self._stages == 2:
            sign, magnitude, is_zero, is_nar = register(sign, magnitude, is_zero, is_nar)
        regime_bit = magnitude[n - 2]
        # Run length of the regime (1..n-1): leading zeros of the body XOR its first bit, capped
        # at n-1 by a one appended below the body.
        _, run = leading_zeros(m, Cat(Const(1, 1), magnitude[:n - 1] ^ regime_bit.replicate(n - 1)))
        if self._stages:
            sign, magnitude, run, is_zero, is_nar = register(sign, magnitude, run, is_zero, is_nar)
            regime_bit = magnitude[n - 2]

        body = magnitude[:n - 1]
        k = Signal(signed(len(run) + 2))
        m.d.comb += k.eq(Mux(regime_bit, run - 1, -run))

        # Shift the regime out: the top bit left is the terminator, below it exponent then fraction.
        shifted = Signal(n - 1)
        m.d.comb += shifted.eq(body << run)
        rest = shifted[:n - 2]
        tail = Cat(Const(0, max(0, es + frac_bits - len(rest))), rest)
        top = len(tail)
        exponent = tail[top - es:top]
        fraction = tail[top - es - frac_bits:top - es]

        m.d.comb += [
            self.o.sign.eq(sign),
            self.o.scale.eq((k << es) + exponent),
            self.o.significand.eq(Cat(fraction, Const(1, 1))),
            self.o.is_zero.eq(is_zero),
            self.o.is_nar.eq(is_nar),
        ]
        return m
