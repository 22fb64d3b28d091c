"""Configuration of the posit multiply-accumulate block: one frozen dataclass, checked once."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from kaniwa.golden.posit.format import ES_RANGE, N_RANGE, QUIRE_GUARD_BITS, PositFormat

from kaniwa.params import ParameterError, check_int, param

__all__ = ["PositMACConfig", "PRESETS"]

#: Range of the ``segment_bits`` hardware knob (powers of two only).
SEGMENT_RANGE = (8, 512)


@dataclass(frozen=True)
class PositMACConfig:
    """Parameters of :class:`~kaniwa.hw.posit.PositMAC`.

    ``quire_width=None`` takes the format's default (4·max_scale + 32 bits: 16·n for es = 2).
    After construction ``quire_width`` always holds the resolved integer.
    """

    n: int = param(16, low=N_RANGE[0], high=N_RANGE[1], help="posit word width")
    es: int = param(1, low=ES_RANGE[0], high=ES_RANGE[1], help="posit exponent field width")
    quire_width: int | None = param(
        None, help="quire width in bits (sign + 30 carry bits + product range by default)",
        derived="4·(n−2)·2^es+32 (16n at es=2), min 4·(n−2)·2^es+2")
    segment_bits: int = param(
        32, low=SEGMENT_RANGE[0], high=SEGMENT_RANGE[1],
        help="hardware: carry-save segment width of the accumulator and rounder (power of 2)")

    def __post_init__(self):
        fmt = PositFormat(self.n, self.es)  # checks n and es first, in field order
        object.__setattr__(self, "quire_width", fmt.check_quire_width(self.quire_width))
        segment = check_int("segment_bits", self.segment_bits, *SEGMENT_RANGE)
        if segment & (segment - 1):
            raise ParameterError(f"segment_bits must be a power of two, not {segment}")

    @property
    def fmt(self) -> PositFormat:
        return PositFormat(self.n, self.es)

    @property
    def accumulator_width(self) -> int:
        """Width of the hardware accumulator: the quire plus guard bits for the overflow check."""
        return self.quire_width + QUIRE_GUARD_BITS

    @property
    def stem(self) -> str:
        """File and module name of this configuration, e.g. ``posit_mac_n16_es1``."""
        stem = f"posit_mac_n{self.n}_es{self.es}"
        if self.quire_width != self.fmt.default_quire_width:
            stem += f"_q{self.quire_width}"
        if self.segment_bits != _DEFAULT_SEGMENT_BITS:
            stem += f"_s{self.segment_bits}"
        return stem

    def to_json(self) -> dict:
        fmt = self.fmt
        return {
            "block": "posit_mac",
            "n": self.n, "es": self.es, "quire_width": self.quire_width,
            "segment_bits": self.segment_bits,
            "derived": {
                "max_scale": fmt.max_scale, "fraction_bits": fmt.fraction_bits,
                "quire_lsb_scale": fmt.quire_lsb_scale,
                "accumulator_width": self.accumulator_width,
            },
        }

    @classmethod
    def from_json(cls, data: dict) -> PositMACConfig:
        return cls(n=data["n"], es=data["es"], quire_width=data["quire_width"],
                   segment_bits=data.get("segment_bits", _DEFAULT_SEGMENT_BITS))


_DEFAULT_SEGMENT_BITS = PositMACConfig.__dataclass_fields__["segment_bits"].default
_P16 = PositMACConfig()
#: The configurations `make verilog` emits: posit8 (older draft), posit16 both drafts, posit32.
PRESETS = {
    "p8e0": dataclasses.replace(_P16, n=8, es=0, quire_width=None),
    "p16e1": _P16,
    "p16e2": dataclasses.replace(_P16, es=2, quire_width=None),
    "p32e2": dataclasses.replace(_P16, n=32, es=2, quire_width=None),
}
