"""The quire: a wide two's-complement accumulator of exact products, in carry-save segments."""

from __future__ import annotations

from amaranth.hdl import Cat, Const, Module, Signal
from amaranth.lib import wiring
from amaranth.lib.wiring import In, Out

from ._logic import check_config, product_layout, segments

__all__ = ["QuireAccumulator"]


class QuireAccumulator(wiring.Component):
    """Add exact products into the quire, one per cycle; the sum of each group comes out once.

    Pipeline (every register advances when ``en`` is high):

    1. shift, first part: the product's significand moves left by the low bits of its position
       ``scale + 2·max_scale`` (the quire LSB weighs minpos² = 2^(−2·max_scale));
    2. shift, second part, to the full accumulator width; a negative product is inverted here
       (its +1 enters the adder as carry-in), a zero or NaR product becomes 0;
    3. the accumulator: ``segment_bits``-wide adders whose carries are registered and added into
       the next segment in the next cycle (carry-save between segments), so no carry chain is
       longer than one segment. The first product of a group replaces the accumulator and
       clears the pending carries; a NaR operand anywhere in the group sets the NaR flag.

    The value held is exact modulo 2^accumulator_width:
    ``o_sum + Σ_j o_carry[j] · 2^(j·segment_bits)``; :class:`QuireRounder` resolves the carries.

    Parameters
    ----------
    config : PositMACConfig
        Format, quire width (the accumulator carries ``config.accumulator_width`` bits) and
        ``segment_bits``.

    Members
    -------
    en : In(1)
        Pipeline enable.
    i_valid : In(1)
        A product is present.
    i_last : In(1)
        It ends its group.
    i_product : In(product_layout(fmt))
        The exact product, as :class:`PositMultiplier` gives it.
    o_valid : Out(1)
        The accumulator holds the final sum of a group (for one enabled cycle, the cycle after
        the group's last product was added; the next group may be adding its first product).
    o_sum : Out(accumulator_width)
        Segment sums.
    o_carry : Out(number of segments)
        ``o_carry[j]`` is the pending carry into segment ``j`` (bit 0 is always 0).
    o_nar : Out(1)
        The group had a NaR operand.

    Raises
    ------
    TypeError
        If ``config`` is not a :class:`PositMACConfig`.
    """

    #: Register stages from ``i_*`` to ``o_*``.
    latency = 3

    def __init__(self, config):
        self._config = check_config(config)
        fmt = config.fmt
        self._width = config.accumulator_width
        self._segments = segments(self._width, config.segment_bits)
        super().__init__({
            "en": In(1),
            "i_valid": In(1),
            "i_last": In(1),
            "i_product": In(product_layout(fmt)),
            "o_valid": Out(1),
            "o_sum": Out(self._width),
            "o_carry": Out(len(self._segments)),
            "o_nar": Out(1),
        })

    @property
    def config(self):
        return self._config

    def elaborate(self, platform):
        m = Module()
        fmt = self._config.fmt
        width = self._width
        frac2 = 2 * fmt.fraction_bits
        product = self.i_product
        en = self.en

        # Position of the product significand's LSB, plus 2·fraction_bits: 0..4·max_scale.
        position = Signal(range(4 * fmt.max_scale + 1))
        m.d.comb += position.eq(product.scale + 2 * fmt.max_scale)
        split = (len(position) + 1) // 2
        live = ~(product.is_zero | product.is_nar)

        # Stage 1: shift by the low half of the position.
        sig_width = len(product.significand)
        s1_value = Signal(sig_width + (1 << split) - 1, reset_less=True)
        s1_coarse = Signal(len(position) - split, reset_less=True)
        s1_sign = Signal(reset_less=True)
        s1_nar = Signal(reset_less=True)
        s1_last = Signal(reset_less=True)
        s1_valid = Signal()
        with m.If(en):
            m.d.sync += [
                s1_value.eq(Cat(product.significand & live.replicate(sig_width))
                            << position[:split]),
                s1_coarse.eq(position[split:]),
                s1_sign.eq(product.sign & live),
                s1_nar.eq(product.is_nar),
                s1_last.eq(self.i_last),
                s1_valid.eq(self.i_valid),
            ]

        # Stage 2: shift by the high half; drop the 2·fraction_bits LSBs (zero for every product:
        # the quire LSB is minpos², which divides every product); invert a negative addend.
        shifted = Signal(width + frac2)
        m.d.comb += shifted.eq(s1_value << (s1_coarse << split))
        s2_addend = Signal(width, reset_less=True)
        s2_sign = Signal(reset_less=True)
        s2_nar = Signal(reset_less=True)
        s2_last = Signal(reset_less=True)
        s2_valid = Signal()
        with m.If(en):
            m.d.sync += [
                s2_addend.eq(shifted[frac2:] ^ s1_sign.replicate(width)),
                s2_sign.eq(s1_sign),
                s2_nar.eq(s1_nar),
                s2_last.eq(s1_last),
                s2_valid.eq(s1_valid),
            ]

        # Stage 3: the segmented accumulator.
        acc = Signal(width, reset_less=True)
        carry = Signal(len(self._segments), reset_less=True)
        nar = Signal(reset_less=True)
        in_group = Signal()
        done = Signal()
        first = ~in_group
        with m.If(en):
            m.d.sync += done.eq(s2_valid & s2_last)
            with m.If(s2_valid):
                m.d.sync += [
                    in_group.eq(~s2_last),
                    nar.eq(s2_nar | (nar & ~first)),
                ]
                for index, (start, stop) in enumerate(self._segments):
                    seg_width = stop - start
                    old = acc[start:stop] & (~first).replicate(seg_width)
                    carry_in = s2_sign if index == 0 else carry[index] & ~first
                    # One carry chain per segment: {old, 1} + {addend, carry_in}, top bit out.
                    total = Signal(seg_width + 2)
                    m.d.comb += total.eq(Cat(Const(1, 1), old)
                                         + Cat(carry_in, s2_addend[start:stop]))
                    m.d.sync += acc[start:stop].eq(total[1:seg_width + 1])
                    if index + 1 < len(self._segments):
                        m.d.sync += carry[index + 1].eq(total[seg_width + 1])

        m.d.comb += [
            self.o_valid.eq(done),
            self.o_sum.eq(acc),
            self.o_carry.eq(carry & ~Const(1, len(carry))),
            self.o_nar.eq(nar),
        ]
        return m
