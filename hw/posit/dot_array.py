"""The posit dot-product array: ``lanes`` PositMACs sharing one activation stream.

Each beat carries one activation ``a``, one weight per lane and ``last``; lane j accumulates
a·b_j exactly in its own quire, and at a group's end the array emits one beat holding every
lane's result. A row of activations against ``lanes`` weight columns streams at one beat per
cycle, so a layer's matrix product runs row by row.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from amaranth.hdl import Module
from amaranth.lib import data, stream, wiring
from amaranth.lib.wiring import In, Out
from kaniwa.golden.posit.format import ES_RANGE, N_RANGE, PositFormat
from kaniwa.hw.stream_top import FlatStreamTop

from kaniwa.params import check_int, param

from .config import SEGMENT_RANGE, PositMACConfig
from .mac import PositMAC, _latency

__all__ = ["PositDotArrayConfig", "PositDotArray", "PositDotArrayTop", "build", "PRESETS",
           "LANES_RANGE"]

#: Range of the ``lanes`` parameter.
LANES_RANGE = (1, 64)
_MAC_DEFAULTS = PositMACConfig()


@dataclass(frozen=True)
class PositDotArrayConfig:
    """Parameters of :class:`PositDotArray`: a :class:`PositMACConfig` plus ``lanes``.

    ``quire_width=None`` takes the format's default; after construction it holds the resolved
    integer (as in :class:`PositMACConfig`, which does every check but the one of ``lanes``).
    """

    n: int = param(16, low=N_RANGE[0], high=N_RANGE[1], help="posit word width")
    es: int = param(1, low=ES_RANGE[0], high=ES_RANGE[1], help="posit exponent field width")
    lanes: int = param(8, low=LANES_RANGE[0], high=LANES_RANGE[1],
                       help="MAC lanes (weight columns) sharing one activation stream")
    quire_width: int | None = param(
        None, help="quire width of each lane in bits (as for posit_mac)",
        derived="4·(n−2)·2^es+32 (16n at es=2), min 4·(n−2)·2^es+2")
    segment_bits: int = param(
        _MAC_DEFAULTS.segment_bits, low=SEGMENT_RANGE[0], high=SEGMENT_RANGE[1],
        help="hardware: carry-save segment width of each lane (power of 2)")

    def __post_init__(self):
        PositFormat(self.n, self.es)  # n and es first, in field order
        check_int("lanes", self.lanes, *LANES_RANGE)
        mac = PositMACConfig(n=self.n, es=self.es, quire_width=self.quire_width,
                             segment_bits=self.segment_bits)
        object.__setattr__(self, "quire_width", mac.quire_width)

    @property
    def mac(self) -> PositMACConfig:
        """The configuration of every lane."""
        return PositMACConfig(n=self.n, es=self.es, quire_width=self.quire_width,
                              segment_bits=self.segment_bits)

    @property
    def fmt(self) -> PositFormat:
        return PositFormat(self.n, self.es)

    @property
    def stem(self) -> str:
        """File and module name, e.g. ``posit_dot_array_n16_es1_l8``."""
        stem = f"posit_dot_array_n{self.n}_es{self.es}_l{self.lanes}"
        if self.quire_width != self.fmt.default_quire_width:
            stem += f"_q{self.quire_width}"
        if self.segment_bits != _MAC_DEFAULTS.segment_bits:
            stem += f"_s{self.segment_bits}"
        return stem

    def to_json(self) -> dict:
        mac = self.mac.to_json()
        return {
            "block": "posit_dot_array",
            "n": self.n, "es": self.es, "lanes": self.lanes, "quire_width": self.quire_width,
            "segment_bits": self.segment_bits,
            "derived": mac["derived"],
        }

    @classmethod
    def from_json(cls, data: dict) -> PositDotArrayConfig:
        return cls(n=data["n"], es=data["es"], lanes=data["lanes"],
                   quire_width=data["quire_width"],
                   segment_bits=data.get("segment_bits", _MAC_DEFAULTS.segment_bits))


_P16X8 = PositDotArrayConfig()
#: The configurations `make verilog` emits.
PRESETS = {
    "p16e1x8": _P16X8,
    "p8e0x4": dataclasses.replace(_P16X8, n=8, es=0, lanes=4, quire_width=None),
}


def _check_config(config) -> PositDotArrayConfig:
    if not isinstance(config, PositDotArrayConfig):
        raise TypeError(f"Configuration must be a PositDotArrayConfig, not {config!r}")
    return config


def input_layout(config) -> data.StructLayout:
    return data.StructLayout({"a": config.n, "b": data.ArrayLayout(config.n, config.lanes),
                              "last": 1})


def array_signature(config: PositDotArrayConfig) -> wiring.Signature:
    """The signature of :class:`PositDotArray` for ``config`` (needed before it is built)."""
    return wiring.Signature({
        "i": In(stream.Signature(input_layout(config))),
        "o": Out(stream.Signature(data.ArrayLayout(config.n, config.lanes))),
    })


class PositDotArray(wiring.Component):
    """``lanes`` posit MACs on one operand stream: one activation, ``lanes`` weights per beat.

    Lane j's result for a group is :func:`kaniwa.golden.posit.quire_dot` of the group's
    activations with its weights ``b[j]``, bit for bit (see :class:`PositMAC`). All lanes share
    the pipeline enable, so their results are aligned and leave as one beat; the latency is the
    MAC's.

    Parameters
    ----------
    n, es : int
        Posit format (3..32, 0..4).
    lanes : int
        Number of MAC lanes, 1..64.
    quire_width : int or None
        Quire width of every lane; ``None`` for the format's default.
    segment_bits : int or None
        Carry-save segment width (power of two, 8..512); ``None`` for the default.

    Members
    -------
    i : In(stream.Signature(data.StructLayout({"a": n, "b": data.ArrayLayout(n, lanes),
                                               "last": 1})))
    o : Out(stream.Signature(data.ArrayLayout(n, lanes)))

    Raises
    ------
    ValueError
        From :class:`PositDotArrayConfig`, e.g. "lanes must be an integer in 1..64, not 0".
    """

    def __init__(self, n=16, es=1, lanes=8, quire_width=None, *, segment_bits=None):
        knobs = {} if segment_bits is None else {"segment_bits": segment_bits}
        self._init(PositDotArrayConfig(n=n, es=es, lanes=lanes, quire_width=quire_width,
                                       **knobs))

    def _init(self, config):
        self._config = _check_config(config)
        super().__init__(array_signature(config))

    @classmethod
    def from_config(cls, config):
        """Build from a :class:`PositDotArrayConfig`."""
        _check_config(config)
        self = cls.__new__(cls, src_loc_at=1)
        self._init(config)
        return self

    @property
    def config(self) -> PositDotArrayConfig:
        return self._config

    @property
    def latency(self) -> int:
        """Cycles from the accepted ``last`` beat to ``o.valid`` (no stalls): the MAC's."""
        return _latency(self._config.mac)

    def elaborate(self, platform):
        m = Module()
        mac_config = self._config.mac
        for j in range(self._config.lanes):
            lane = PositMAC.from_config(mac_config)
            m.submodules[f"lane{j}"] = lane
            m.d.comb += [
                lane.i.valid.eq(self.i.valid),
                lane.i.payload.a.eq(self.i.payload.a),
                lane.i.payload.b.eq(self.i.payload.b[j]),
                lane.i.payload.last.eq(self.i.payload.last),
                lane.o.ready.eq(self.o.ready),
                self.o.payload[j].eq(lane.o.payload),
            ]
            if j == 0:  # identical pipelines and enables: lane 0 speaks for all
                m.d.comb += [self.i.ready.eq(lane.i.ready), self.o.valid.eq(lane.o.valid)]
        return m


class PositDotArrayTop(FlatStreamTop):
    """:class:`PositDotArray` with the flat port contract of the generated Verilog.

    Ports: ``clk``, ``rst``, ``in_valid``, ``in_ready``, ``in_a[n]``, ``in_b[lanes·n]`` (lane j
    in bits j·n..j·n+n−1), ``in_last``, ``out_valid``, ``out_ready``, ``out_result[lanes·n]``
    (lane j in bits j·n..).
    """

    def __init__(self, config):
        self._config = _check_config(config)
        super().__init__(array_signature(config), submodule="array")

    @property
    def config(self) -> PositDotArrayConfig:
        return self._config

    @property
    def latency(self) -> int:
        """See :attr:`PositDotArray.latency`."""
        return _latency(self._config.mac)

    def make_inner(self):
        return PositDotArray.from_config(self._config)


def build(config: PositDotArrayConfig) -> PositDotArrayTop:
    """The top-level component for ``config``."""
    return PositDotArrayTop(config)
