"""Posit multiply-accumulate hardware: decoder, multiplier, quire, rounder and the MAC."""

from .accumulator import QuireAccumulator
from .config import PRESETS, PositMACConfig
from .decoder import PositDecoder
from .dot_array import PositDotArray, PositDotArrayConfig, PositDotArrayTop
from .encoder import PositEncoder
from .mac import PositMAC, PositMACTop, build
from .multiplier import PositMultiplier
from .rounder import QuireRounder

__all__ = [
    "PositDecoder", "PositMultiplier", "QuireAccumulator", "PositEncoder", "QuireRounder",
    "PositMAC", "PositMACTop", "PositMACConfig", "PRESETS", "build",
    "PositDotArray", "PositDotArrayConfig", "PositDotArrayTop",
]
