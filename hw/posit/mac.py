"""The posit fused dot-product unit: one (a, b) pair per cycle, one rounding per group."""

from __future__ import annotations

from amaranth.hdl import Module, Signal
from amaranth.lib import data, stream, wiring
from amaranth.lib.wiring import In, Out
from kaniwa.hw.stream_top import FlatStreamTop

from ._logic import check_config, decoded_layout, product_layout
from .accumulator import QuireAccumulator
from .config import PositMACConfig
from .decoder import PositDecoder
from .multiplier import PositMultiplier
from .rounder import QuireRounder

__all__ = ["PositMAC", "PositMACTop", "build"]


def mac_signature(config: PositMACConfig) -> wiring.Signature:
    """The signature of :class:`PositMAC` for ``config`` (needed before it is built)."""
    return wiring.Signature({
        "i": In(stream.Signature(data.StructLayout({"a": config.n, "b": config.n, "last": 1}))),
        "o": Out(stream.Signature(config.n)),
    })


class PositMAC(wiring.Component):
    """Posit multiply-accumulate: Σ a_i·b_i of each group, exact in the quire, rounded once.

    Pairs stream in on ``i`` (one per cycle); ``last`` closes a group and, ``latency`` cycles
    later, the group's result leaves on ``o``. A new group may start the cycle after ``last``,
    so groups of one pair stream at full rate too. NaR if any operand of the group is NaR or if
    the exact sum Q (in units of minpos²) has |Q| ≥ 2^(quire_width−1); 0 if Q = 0; otherwise the
    posit nearest to the sum, round to nearest even on the posit bit string, saturating to
    ±maxpos/±minpos. This is :func:`kaniwa.golden.posit.quire_dot`, bit for bit.

    Pipeline (one global enable: everything stalls while ``o.valid`` and not ``o.ready``):

    ======  ============================================================================
    1       input register (``i.ready`` is the enable)
    2       :class:`PositDecoder` ×2: negation and regime count (n > 16: two stages)
    3       :class:`PositDecoder` ×2: regime shift, exponent, fraction, scale
    4       :class:`PositMultiplier`: significand product, scale sum, flags (significands
            wider than 18 bits, n − es ≥ 21: registered 18-bit partial products, then
            their sum, two stages)
    +3      :class:`QuireAccumulator`: 2-step shift to the quire position, carry-save add
    +8      :class:`QuireRounder`: carry resolution, leading one, normalization, RNE; the
            last stage is the output register
    ======  ============================================================================

    ``latency`` is 15 cycles, plus one for n > 16 and one for the split multiplier
    (posit32: 17).

    A synchronous reset discards everything in flight, a partial group included.

    Parameters
    ----------
    n : int
        Posit width, 3..32.
    es : int
        Exponent field width, 0..4.
    quire_width : int or None
        Quire width; ``None`` for the format's default (see :class:`PositMACConfig`).
    segment_bits : int or None
        Carry-save segment width (power of two, 8..512): the longest carry chain; ``None`` for
        the :class:`PositMACConfig` default.

    Members
    -------
    i : In(stream.Signature(data.StructLayout({"a": n, "b": n, "last": 1})))
        Operand pairs.
    o : Out(stream.Signature(n))
        One posit per group.

    Raises
    ------
    ValueError
        From :class:`PositMACConfig`, e.g. "n must be an integer in 3..32, not 2".
    """

    def __init__(self, n=16, es=1, quire_width=None, *, segment_bits=None):
        knobs = {} if segment_bits is None else {"segment_bits": segment_bits}
        self._init(PositMACConfig(n=n, es=es, quire_width=quire_width, **knobs))

    def _init(self, config):
        self._config = check_config(config)
        super().__init__(mac_signature(config))

    @classmethod
    def from_config(cls, config):
        """Build from a :class:`PositMACConfig`."""
        check_config(config)
        self = cls.__new__(cls, src_loc_at=1)  # an unused instance is reported at the caller
        self._init(config)
        return self

    @property
    def config(self) -> PositMACConfig:
        return self._config

    @property
    def latency(self) -> int:
        """Cycles from the cycle a group's ``last`` pair is accepted to ``o.valid`` (no stalls)."""
        return _latency(self._config)

    def elaborate(self, platform):
        m = Module()
        config = self._config
        fmt = config.fmt

        enable = Signal()
        m.d.comb += [enable.eq(~self.o.valid | self.o.ready), self.i.ready.eq(enable)]

        # 1. Input register.
        in_a = Signal(fmt.n, reset_less=True)
        in_b = Signal(fmt.n, reset_less=True)
        in_last = Signal(reset_less=True)
        in_valid = Signal()
        with m.If(enable):
            m.d.sync += [in_a.eq(self.i.payload.a), in_b.eq(self.i.payload.b),
                         in_last.eq(self.i.payload.last), in_valid.eq(self.i.valid)]

        # 2–3(4). Decode.
        decode_stages = _decode_stages(config)
        m.submodules.decode_a = decode_a = PositDecoder(fmt, stages=decode_stages)
        m.submodules.decode_b = decode_b = PositDecoder(fmt, stages=decode_stages)
        m.d.comb += [decode_a.en.eq(enable), decode_b.en.eq(enable),
                     decode_a.i.eq(in_a), decode_b.i.eq(in_b)]
        mid_last, mid_valid = in_last, in_valid
        for _ in range(decode_stages):
            last, valid = Signal(reset_less=True), Signal()
            with m.If(enable):
                m.d.sync += [last.eq(mid_last), valid.eq(mid_valid)]
            mid_last, mid_valid = last, valid
        dec_a = Signal(decoded_layout(fmt), reset_less=True)
        dec_b = Signal(decoded_layout(fmt), reset_less=True)
        dec_last = Signal(reset_less=True)
        dec_valid = Signal()
        with m.If(enable):
            m.d.sync += [dec_a.eq(decode_a.o), dec_b.eq(decode_b.o), dec_last.eq(mid_last),
                         dec_valid.eq(mid_valid)]

        # 4. Multiply (wide significands: registered partial products, one more stage).
        split_multiply = _split_multiply(config)
        m.submodules.multiply = multiply = PositMultiplier(fmt, pipelined=split_multiply)
        m.d.comb += [multiply.a.eq(dec_a), multiply.b.eq(dec_b)]
        mul_last, mul_valid = dec_last, dec_valid
        if split_multiply:
            mul_last = Signal(reset_less=True)
            mul_valid = Signal()
            m.d.comb += multiply.en.eq(enable)
            with m.If(enable):
                m.d.sync += [mul_last.eq(dec_last), mul_valid.eq(dec_valid)]
        product = Signal(product_layout(fmt), reset_less=True)
        product_last = Signal(reset_less=True)
        product_valid = Signal()
        with m.If(enable):
            m.d.sync += [product.eq(multiply.o), product_last.eq(mul_last),
                         product_valid.eq(mul_valid)]

        # 5–7. Accumulate; 8–15. round.
        m.submodules.accumulate = accumulate = QuireAccumulator(config)
        m.submodules.round = round_ = QuireRounder(config)
        m.d.comb += [
            accumulate.en.eq(enable),
            accumulate.i_valid.eq(product_valid),
            accumulate.i_last.eq(product_last),
            accumulate.i_product.eq(product),
            round_.en.eq(enable),
            round_.i_valid.eq(accumulate.o_valid),
            round_.i_sum.eq(accumulate.o_sum),
            round_.i_carry.eq(accumulate.o_carry),
            round_.i_nar.eq(accumulate.o_nar),
            self.o.valid.eq(round_.o_valid),
            self.o.payload.eq(round_.o_posit),
        ]
        return m


class PositMACTop(FlatStreamTop):
    """:class:`PositMAC` with the flat port contract of the generated Verilog.

    Ports: ``clk``, ``rst`` (the sync domain; synchronous, active high), ``in_valid``,
    ``in_ready``, ``in_a[n]``, ``in_b[n]``, ``in_last``, ``out_valid``, ``out_ready``,
    ``out_result[n]``.

    Parameters
    ----------
    config : PositMACConfig

    Members
    -------
    in_valid, in_a, in_b, in_last, out_ready : In
    in_ready, out_valid, out_result : Out

    Raises
    ------
    TypeError
        If ``config`` is not a :class:`PositMACConfig`.
    """

    def __init__(self, config):
        self._config = check_config(config)
        super().__init__(mac_signature(config), submodule="mac")

    @property
    def config(self) -> PositMACConfig:
        return self._config

    @property
    def latency(self) -> int:
        """See :attr:`PositMAC.latency`."""
        return _latency(self._config)

    def make_inner(self):
        return PositMAC.from_config(self._config)


def _decode_stages(config) -> int:
    return 2 if config.n > 16 else 1


def _split_multiply(config) -> bool:
    return config.fmt.fraction_bits + 1 > PositMultiplier.chunk_bits


def _latency(config) -> int:
    return (3 + _decode_stages(config) + _split_multiply(config) + QuireAccumulator.latency
            + QuireRounder.latency)


def build(config: PositMACConfig) -> PositMACTop:
    """The top-level component for ``config`` (what ``kaniwa generate`` converts to Verilog)."""
    return PositMACTop(config)
