"""The cocotb runs of the posit dot-product array (``posit_dot_array``): CI sizes."""

from __future__ import annotations

import os

from kaniwa.hw.posit.dot_array import PRESETS, PositDotArrayConfig
from kaniwa.sim.runner import SimBench

MODULE = "kaniwa.sim.posit.bench_dot_array"
#: GEMM rows per preset in CI (each row is one group of K ≤ 40 beats).
CI_ROWS = int(os.environ.get("KANIWA_CI_ROWS", "300"))


def benches(simulator: str = "verilator") -> list[SimBench]:
    rows = (("rows", str(CI_ROWS)),)
    result = [
        SimBench("p16e1x8", "posit_dot_array", PRESETS["p16e1x8"], MODULE, env=rows),
        SimBench("p8e0x4", "posit_dot_array", PRESETS["p8e0x4"], MODULE, env=rows),
        SimBench("p8e2x1", "posit_dot_array", PositDotArrayConfig(n=8, es=2, lanes=1), MODULE,
                 env=rows),
    ]
    return [b for b in result if simulator in b.simulators]
