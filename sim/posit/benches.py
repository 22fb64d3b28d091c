"""The cocotb runs of the posit blocks: what `make test`, `kaniwa sim posit_mac` and `make bench`
execute. Sizes here are the CI sizes; `make bench` runs the long ones."""

from __future__ import annotations

import dataclasses
import os

from kaniwa.hw.posit.config import PRESETS, PositMACConfig
from kaniwa.sim.runner import SimBench, SimulationFailed

MODULE = "kaniwa.sim.posit.bench_mac"
#: Random groups per format in CI (the issue asks for at least 20,000).
CI_GROUPS = int(os.environ.get("KANIWA_CI_GROUPS", "20000"))


def benches(simulator: str = "verilator") -> list[SimBench]:
    p8e2 = PositMACConfig(n=8, es=2)
    p16e1 = PRESETS["p16e1"]
    small_quire = dataclasses.replace(p8e2, quire_width=p8e2.fmt.min_quire_width)
    result = [
        SimBench("p8e0-exhaustive", "posit_mac", PRESETS["p8e0"], MODULE,
                 env=(("exhaustive", "1"), ("groups", "2000"))),
        SimBench("p8e2-exhaustive", "posit_mac", p8e2, MODULE,
                 env=(("exhaustive", "1"), ("groups", "2000"))),
        SimBench("p8e2-min-quire", "posit_mac", small_quire, MODULE, env=(("groups", "4000"),)),
        SimBench("p6e1", "posit_mac", PositMACConfig(n=6, es=1), MODULE, env=(("groups", "4000"),)),
        SimBench("p16e1", "posit_mac", p16e1, MODULE, env=(("groups", str(CI_GROUPS)),)),
        SimBench("p16e2", "posit_mac", PRESETS["p16e2"], MODULE, env=(("groups", str(CI_GROUPS)),)),
        SimBench("p32e2", "posit_mac", PRESETS["p32e2"], MODULE, env=(("groups", str(CI_GROUPS)),)),
        SimBench("p16e1-icarus", "posit_mac", p16e1, MODULE, env=(("groups", "1000"),),
                 simulators=("icarus",)),
    ]
    return [b for b in result if simulator in b.simulators]


def throughput() -> dict:
    """Simulated rate and latency of the MAC per preset: back-to-back one-pair groups on
    Verilator, cycles counted by the bench (not wall-clock time)."""
    import json

    from kaniwa.sim.runner import run_bench

    from kaniwa.registry import get_block

    block = get_block("posit_mac")
    rows = []
    for name, config in block.presets.items():
        bench = SimBench(f"{name}-rate", "posit_mac", config, MODULE,
                         testcases=("test_back_to_back_rate",))
        result = run_bench(bench)
        measured = json.loads((result.run_dir / "rate.json").read_text())
        rows.append({"preset": name, "module": config.stem, "seed": result.seed, **measured})
    return {"posit_mac_rate": rows}


def long_random(groups: int | None = None) -> dict:
    """The long sweep kept out of CI: many more random groups per 16/32-bit preset (default
    100,000, ``KANIWA_BENCH_GROUPS`` overrides), bit-exact against golden, seeds recorded."""
    from kaniwa.sim.runner import run_bench

    groups = groups or int(os.environ.get("KANIWA_BENCH_GROUPS", "100000"))
    rows = []
    for name in ("p16e1", "p16e2", "p32e2"):
        bench = SimBench(f"{name}-long", "posit_mac", PRESETS[name], MODULE,
                         testcases=("test_random_groups",), env=(("groups", str(groups)),))
        try:
            result = run_bench(bench)
            rows.append({"preset": name, "module": PRESETS[name].stem, "groups": groups,
                         "seed": result.seed, "bit_exact": True})
        except SimulationFailed as error:  # recorded, and the other presets still run
            rows.append({"preset": name, "module": PRESETS[name].stem, "groups": groups,
                         "bit_exact": False, "error": str(error)})
    return {"posit_mac_long_random": rows}
