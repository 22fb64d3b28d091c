"""The posit MAC's cocotb benches (sim/posit) on Verilator, and the (16,1) bench on Icarus.

Each bench is one test node with its own run directory under build/sim/pytest/; compiled models
are shared through the runner's cache. The seed is printed (KANIWA_SEED=N reproduces a run).
"""


import pytest
from kaniwa.sim.posit.benches import benches
from kaniwa.sim.runner import run_bench, simulator_available


@pytest.mark.parametrize("bench", benches("verilator"), ids=lambda b: b.name)
def test_verilator(bench, sim_run_dir):
    result = run_bench(bench, simulator="verilator", run_dir=sim_run_dir)
    assert result.tests > 0  # run_bench raises on any failed cocotb test


@pytest.mark.skipif(not simulator_available("icarus"),
                    reason="Icarus Verilog is not installed (Debian package iverilog; "
                           "kaniwa installs from PyPI only)")
@pytest.mark.parametrize("bench", benches("icarus"), ids=lambda b: b.name)
def test_icarus(bench, sim_run_dir):
    result = run_bench(bench, simulator="icarus", run_dir=sim_run_dir)
    assert result.tests > 0  # run_bench raises on any failed cocotb test
