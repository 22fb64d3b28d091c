"""Posit encoder: a normalized value → the nearest posit (RNE on the posit bit string)."""

from __future__ import annotations

from amaranth.hdl import Cat, Const, Module, Shape, Signal
from amaranth.lib import wiring
from amaranth.lib.wiring import In, Out

from ._logic import check_format, scale_shape

__all__ = ["PositEncoder"]


class PositEncoder(wiring.Component):
    """Round ±significand · 2^(scale − significand_bits + 1) (+ sticky) to a posit.

    The regime, exponent and fraction are laid out as one bit string (a right shift of
    ``{regime bit, its complement, exponent, fraction}`` filled with the regime bit), cut after
    n − 1 bits and rounded to nearest, ties to even, with the next bit as guard and everything
    below (and ``sticky``) as sticky. The increment may carry into exponent and regime; a negative
    result is the two's complement of the word, folded into the same adder. Scales above
    max_scale give ±maxpos, below −max_scale ±minpos: never 0, never NaR.

    Parameters
    ----------
    fmt : PositFormat
        The posit format (n, es).
    significand_bits : int
        Width of ``significand``, hidden bit included (at least 1).
    scale_shape : Shape
        Signed shape of ``scale``, any width (out-of-range scales saturate); by default it holds
        ±(2·max_scale + 1).
    pipelined : bool
        If set, a register (advanced by ``en``) sits between the rounding decision and the final
        adder: ``posit`` then follows the inputs by one enabled cycle.

    Members
    -------
    en : In(1)
        Only if ``pipelined``: register enable.
    sign, scale, significand, sticky : In
        The value; ``significand``'s MSB must be 1 unless ``is_zero`` or ``is_nar``.
    is_zero, is_nar : In(1)
        Special inputs (NaR wins).
    posit : Out(n)
        The rounded posit.

    Raises
    ------
    TypeError
        If ``fmt`` is not a PositFormat, ``significand_bits`` is not a positive integer or
        ``scale_shape`` is not a signed shape.
    """

    def __init__(self, fmt, significand_bits, scale_shape=None, *, pipelined=False):
        check_format(fmt)
        if (isinstance(significand_bits, bool) or not isinstance(significand_bits, int)
                or significand_bits < 1):
            raise TypeError(f"Significand width must be a positive integer, not "
                            f"{significand_bits!r}")
        if scale_shape is None:
            scale_shape = _default_scale_shape(fmt)
        scale_shape = Shape.cast(scale_shape)
        if not scale_shape.signed:
            raise TypeError(f"Scale shape must be signed, not {scale_shape!r}")
        self._fmt = fmt
        self._significand_bits = significand_bits
        self._pipelined = bool(pipelined)
        members = {
            "sign": In(1),
            "scale": In(scale_shape),
            "significand": In(significand_bits),
            "sticky": In(1),
            "is_zero": In(1),
            "is_nar": In(1),
            "posit": Out(fmt.n),
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
        fmt = self._fmt
        n, es, max_scale = fmt.n, fmt.es, fmt.max_scale

        huge = self.scale > max_scale
        tiny = self.scale < -max_scale
        scale = Signal(scale_shape(max_scale))     # the normal path only needs -M..M
        m.d.comb += scale.eq(self.scale)
        regime_bit = ~scale[-1]                      # regime k = scale >> es is >= 0
        # Regime length − 1 = k if k >= 0 else −k − 1 = ~k: no adder needed.
        shift_width = max(1, (n - 2).bit_length())
        run = Signal(shift_width)
        m.d.comb += run.eq((scale[es:] ^ scale[-1].replicate(len(scale) - es))[:shift_width])
        exponent = scale[:es]
        fraction = self.significand[:self._significand_bits - 1]
        base = Cat(fraction, exponent, ~regime_bit, regime_bit)
        string = Signal(len(base) + n - 2)
        m.d.comb += string.eq(Cat(Const(0, n - 2), base).as_signed() >> run)
        top = len(string)
        body = string[top - (n - 1):]
        guard = string[top - n]
        sticky = string[:top - n].any() | self.sticky
        round_up = guard & (body[0] | sticky)

        word = Signal(n)           # {nar flag, body}
        up = Signal()
        negative = Signal()
        with m.If(self.is_nar):
            m.d.comb += [word.eq(fmt.nar), up.eq(0), negative.eq(0)]
        with m.Elif(self.is_zero):
            m.d.comb += [word.eq(0), up.eq(0), negative.eq(0)]
        with m.Elif(huge):
            m.d.comb += [word.eq(fmt.maxpos), up.eq(0), negative.eq(self.sign)]
        with m.Elif(tiny):
            m.d.comb += [word.eq(fmt.minpos), up.eq(0), negative.eq(self.sign)]
        with m.Else():
            m.d.comb += [word.eq(Cat(body, Const(0, 1))), up.eq(round_up),
                         negative.eq(self.sign)]

        if self._pipelined:
            word_r = Signal(n, reset_less=True)
            up_r = Signal(reset_less=True)
            negative_r = Signal(reset_less=True)
            with m.If(self.en):
                m.d.sync += [word_r.eq(word), up_r.eq(up), negative_r.eq(negative)]
            word, up, negative = word_r, up_r, negative_r

        # ±(word + up): negation is (~word) + (1 − up), so one adder serves both signs.
        m.d.comb += self.posit.eq((word ^ negative.replicate(n)) + (up ^ negative))
        return m


def _default_scale_shape(fmt):
    return scale_shape(2 * fmt.max_scale + 1)
