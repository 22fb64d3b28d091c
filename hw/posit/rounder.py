"""Quire → posit: carry resolution, overflow check, leading-one detection, normalization, RNE."""

from __future__ import annotations

from amaranth.hdl import Cat, Const, Module, Mux, Signal, signed
from amaranth.lib import wiring
from amaranth.lib.wiring import In, Out

from ._logic import check_config, leading_zeros, segments
from .encoder import PositEncoder

__all__ = ["QuireRounder"]


def _any(bits):
    bits = list(bits)
    return Cat(*bits).any() if bits else Const(0, 1)


class QuireRounder(wiring.Component):
    """Round the final quire of a group to a posit, pipelined (one group per cycle).

    Input is the carry-save form :class:`QuireAccumulator` holds,
    Q = ``i_sum`` + Σ_j ``i_carry[j]`` · 2^(j·segment_bits) (mod 2^accumulator_width), an integer
    in units of minpos². Result: NaR if ``i_nar`` or |Q| ≥ 2^(quire_width−1); 0 if Q = 0;
    otherwise the posit nearest to Q · 2^(−2·max_scale) (RNE on the posit bit string, saturating
    to ±maxpos / ±minpos).

    Stages (each a register advanced by ``en``):

    1. per segment, the pending carry is added; segment generate/propagate flags and from them
       the carries between segments (a short carry chain over the flags);
    2. each segment adds its incoming carry → Q in binary;
    3. Y = Q XOR sign (Y = |Q| − 1 when negative, so no wide negation is needed); per rounder
       segment: leading zeros of Y, Q ≠ 0, and whether it is the highest segment with Y ≠ 0;
    4. that segment is selected with the one below it (a 2-segment window);
       the OR of the segments further down becomes the coarse sticky bit;
    5. the window is normalized (shifted left by the segment's leading-zero count);
    6. the significand (hidden bit + fraction_bits + 1) is cut from the window, the rest ORs into
       sticky; a negative Q adds 1 to it when everything below is 0 (|Q| = Y + 1); the scale and
       the overflow check follow from the leading-one position;
    7. :class:`PositEncoder`: regime/exponent/fraction bit string and the rounding decision;
    8. the rounding increment and the sign in one adder: the output register.

    The rounder segments are ``max(segment_bits, 2^⌈log2(fraction_bits + 1)⌉)`` wide so that the
    significand always fits in the 2-segment window.

    Parameters
    ----------
    config : PositMACConfig
        Format, quire width, ``segment_bits``.

    Members
    -------
    en : In(1)
        Pipeline enable.
    i_valid : In(1)
        ``i_sum``/``i_carry``/``i_nar`` hold a final quire.
    i_sum : In(accumulator_width)
    i_carry : In(number of accumulator segments)
    i_nar : In(1)
    o_valid : Out(1)
    o_posit : Out(n)

    Raises
    ------
    TypeError
        If ``config`` is not a :class:`PositMACConfig`.
    """

    #: Register stages from ``i_*`` to ``o_*``.
    latency = 8

    def __init__(self, config):
        self._config = check_config(config)
        width = config.accumulator_width
        self._acc_segments = segments(width, config.segment_bits)
        super().__init__({
            "en": In(1),
            "i_valid": In(1),
            "i_sum": In(width),
            "i_carry": In(len(self._acc_segments)),
            "i_nar": In(1),
            "o_valid": Out(1),
            "o_posit": Out(config.n),
        })

    @property
    def config(self):
        return self._config

    @property
    def window_segment_bits(self) -> int:
        """Width of the leading-one detection segments."""
        size = self._config.segment_bits
        while size < self._config.fmt.fraction_bits + 1:
            size *= 2
        return size

    def elaborate(self, platform):
        m = Module()
        config = self._config
        fmt = config.fmt
        n, max_scale = fmt.n, fmt.max_scale
        width = config.accumulator_width
        en = self.en

        def register(pairs):
            with m.If(en):
                m.d.sync += [reg.eq(value) for reg, value in pairs]

        # 1. Add each segment's pending carry; from the segments directly, the generate (carry
        #    out) and propagate (all ones after the add) flags, and the carries between segments:
        #    carry_j = g_{j-1} | p_{j-1} & carry_{j-1}, the internal carries of (g | p) + g (g and
        #    p are never both set), one short carry chain.
        acc_segs = self._acc_segments
        generate = Signal(len(acc_segs))
        propagate = Signal(len(acc_segs))
        r0_t = Signal(width, reset_less=True)
        pairs = []
        for index, (start, stop) in enumerate(acc_segs):
            seg = self.i_sum[start:stop]
            ones = (1 << (stop - start)) - 1
            carry = self.i_carry[index] if index else Const(0, 1)
            pairs.append((r0_t[start:stop], seg + carry))
            m.d.comb += [
                generate[index].eq(carry & (seg == ones)),
                propagate[index].eq(Mux(carry, seg == ones - 1, seg == ones)),
            ]
        either = Signal(len(acc_segs))
        chain = Signal(len(acc_segs) + 1)
        m.d.comb += [either.eq(generate | propagate), chain.eq(either + generate)]
        r0_carry = Signal(len(acc_segs), reset_less=True)
        r0_nar = Signal(reset_less=True)
        r0_valid = Signal()
        register(pairs + [(r0_carry, chain ^ either ^ generate), (r0_nar, self.i_nar),
                          (r0_valid, self.i_valid)])

        # 2. Each segment adds its carry in: Q in binary.
        r1_q = Signal(width, reset_less=True)
        r1_nar = Signal(reset_less=True)
        r1_valid = Signal()
        pairs = [(r1_nar, r0_nar), (r1_valid, r0_valid)]
        for index, (start, stop) in enumerate(acc_segs):
            pairs.append((r1_q[start:stop], r0_t[start:stop] + r0_carry[index]))
        register(pairs)

        # 3. Per rounder segment: Y != 0, leading zeros of Y, Q != 0.
        seg_bits = self.window_segment_bits
        count = -(-width // seg_bits)
        padded = count * seg_bits
        sign = r1_q[width - 1]
        q_pad = Signal(padded)
        y_pad = Signal(padded)
        m.d.comb += [q_pad.eq(Cat(r1_q, sign.replicate(padded - width))),
                     y_pad.eq(q_pad ^ sign.replicate(padded))]
        lz_bits = max(1, (seg_bits - 1).bit_length())
        nz_y = Signal(count)
        r2_q = Signal(padded, reset_less=True)
        r2_onehot = Signal(count, reset_less=True)     # the highest segment with Y != 0
        r2_any_y = Signal(reset_less=True)
        r2_nz_q = Signal(count, reset_less=True)
        r2_lz = [Signal(lz_bits, name=f"r2_lz{j}", reset_less=True) for j in range(count)]
        r2_sign = Signal(reset_less=True)
        r2_nar = Signal(reset_less=True)
        r2_valid = Signal()
        pairs = [(r2_q, q_pad), (r2_any_y, nz_y.any()), (r2_sign, sign), (r2_nar, r1_nar),
                 (r2_valid, r1_valid)]
        for j in range(count):
            y_seg = y_pad[j * seg_bits:(j + 1) * seg_bits]
            _, lz = leading_zeros(m, y_seg)
            m.d.comb += nz_y[j].eq(y_seg.any())
            pairs += [(r2_onehot[j], nz_y[j] & ~_any(nz_y[j + 1:])), (r2_lz[j], lz),
                      (r2_nz_q[j], q_pad[j * seg_bits:(j + 1) * seg_bits].any())]
        register(pairs)

        # 4. Select the highest segment with Y != 0 and the one below (Q bits; below bit 0 the
        #    window reads zeros, which is exact for Q·2^seg_bits); coarse sticky below those.
        q_seg = [r2_q[j * seg_bits:(j + 1) * seg_bits] for j in range(count)]
        onehot = r2_onehot
        window = Signal(2 * seg_bits)
        lz_sel = Signal(lz_bits)
        high = Signal(range(count))
        coarse = Signal()
        window_terms, lz_terms, high_terms, coarse_terms = [], [], [], []
        for j in range(count):
            below = q_seg[j - 1] if j else Const(0, seg_bits)
            window_terms.append(Cat(below, q_seg[j]) & onehot[j].replicate(2 * seg_bits))
            lz_terms.append(r2_lz[j] & onehot[j].replicate(lz_bits))
            if j:
                high_terms.append(Const(j, len(high)) & onehot[j].replicate(len(high)))
            if j >= 2:
                coarse_terms.append(onehot[j] & _any(r2_nz_q[:j - 1]))
        m.d.comb += [
            window.eq(_or_all(window_terms)),
            lz_sel.eq(_or_all(lz_terms)),
            high.eq(_or_all(high_terms)),
            coarse.eq(_any(coarse_terms)),
        ]
        r3_window = Signal(2 * seg_bits, reset_less=True)
        r3_lz = Signal(lz_bits, reset_less=True)
        r3_high = Signal(range(count), reset_less=True)
        r3_coarse = Signal(reset_less=True)
        r3_any_y = Signal(reset_less=True)
        r3_sign = Signal(reset_less=True)
        r3_nar = Signal(reset_less=True)
        r3_valid = Signal()
        register([(r3_window, window), (r3_lz, lz_sel), (r3_high, high), (r3_coarse, coarse),
                  (r3_any_y, r2_any_y), (r3_sign, r2_sign), (r3_nar, r2_nar),
                  (r3_valid, r2_valid)])

        # 5. Normalize: the leading one of Y moves to the window's MSB.
        r4_window = Signal(2 * seg_bits, reset_less=True)
        r4_lead = Signal(len(r3_high) + lz_bits, reset_less=True)  # leading-one position of Y
        r4_coarse = Signal(reset_less=True)
        r4_any_y = Signal(reset_less=True)
        r4_sign = Signal(reset_less=True)
        r4_nar = Signal(reset_less=True)
        r4_valid = Signal()
        register([(r4_window, r3_window << r3_lz), (r4_lead, Cat(~r3_lz, r3_high)),
                  (r4_coarse, r3_coarse), (r4_any_y, r3_any_y), (r4_sign, r3_sign),
                  (r4_nar, r3_nar), (r4_valid, r3_valid)])

        # 6. Significand, sticky, |Q| = Y + 1 correction, scale, overflow. The correction and
        #    both outcomes (leading one unmoved or one up) are formed in parallel with the sticky
        #    OR and chosen at the end.
        sig_bits = fmt.fraction_bits + 2
        top = 2 * seg_bits
        win_y = Signal(sig_bits)
        m.d.comb += win_y.eq(r4_window[top - sig_bits:] ^ r4_sign.replicate(sig_bits))
        sticky = Signal()
        m.d.comb += sticky.eq(r4_window[:top - sig_bits].any() | r4_coarse)
        incremented = Signal(sig_bits)
        m.d.comb += incremented.eq(Mux(win_y.all(), 1 << (sig_bits - 1), win_y + 1))
        correct = r4_sign & ~sticky
        carry_out = correct & win_y.all()
        significand = Mux(correct, incremented, win_y)
        # Leading-one position of |Q| for both outcomes; Y = 0 means Q = 0 or Q = −1 (|Q| = 1,
        # position 0, far below minpos).
        scale_shape = signed(len(r4_lead) + 2)
        outcomes = []
        for step in (0, 1):
            lead = Signal(len(r4_lead) + 1, name=f"lead{step}")
            scale_c = Signal(scale_shape, name=f"scale{step}")
            m.d.comb += [lead.eq(r4_lead + step), scale_c.eq(lead - 2 * max_scale)]
            outcomes.append((scale_c, lead >= config.quire_width - 1))
        scale = Mux(r4_any_y, Mux(carry_out, outcomes[1][0], outcomes[0][0]), -2 * max_scale)
        overflow = r4_any_y & Mux(carry_out, outcomes[1][1], outcomes[0][1])
        r5_sign = Signal(reset_less=True)
        r5_scale = Signal(scale_shape, reset_less=True)
        r5_sig = Signal(sig_bits, reset_less=True)
        r5_sticky = Signal(reset_less=True)
        r5_zero = Signal(reset_less=True)
        r5_nar = Signal(reset_less=True)
        r5_valid = Signal()
        register([(r5_sign, r4_sign), (r5_scale, scale), (r5_sig, significand),
                  (r5_sticky, sticky), (r5_zero, ~r4_sign & ~r4_any_y),
                  (r5_nar, r4_nar | overflow), (r5_valid, r4_valid)])

        # 7–8. Encode and round; output register.
        m.submodules.encoder = encoder = PositEncoder(fmt, sig_bits, scale_shape, pipelined=True)
        m.d.comb += [
            encoder.en.eq(en),
            encoder.sign.eq(r5_sign),
            encoder.scale.eq(r5_scale),
            encoder.significand.eq(r5_sig),
            encoder.sticky.eq(r5_sticky),
            encoder.is_zero.eq(r5_zero),
            encoder.is_nar.eq(r5_nar),
        ]
        r6_valid = Signal()
        out_posit = Signal(n, reset_less=True)
        out_valid = Signal()
        register([(r6_valid, r5_valid), (out_posit, encoder.posit), (out_valid, r6_valid)])
        m.d.comb += [self.o_valid.eq(out_valid), self.o_posit.eq(out_posit)]
        return m


def _or_all(terms):
    if not terms:
        return Const(0, 1)
    result = terms[0]
    for term in terms[1:]:
        result = result | term
    return result
