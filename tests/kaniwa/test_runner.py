"""The cocotb runner: it passes what passes, fails what fails, caches builds, prints the seed."""

# amaranth: UnusedElaboratable=no

import pytest
from kaniwa.sim.runner import SimBench, SimulationFailed, run_bench, simulator_available

from kaniwa.files import repo_root

from .test_harness_synth import TINY, _Config

ENV = {"PYTHONPATH": str(repo_root())}


def bench(name):
    return SimBench(name, TINY, _Config(), "tests.kaniwa.cocotb_adder")


@pytest.mark.parametrize("simulator", [
    "verilator",
    pytest.param("icarus", marks=pytest.mark.skipif(not simulator_available("icarus"),
                                                    reason="iverilog is not installed")),
])
def test_pass_then_cached_then_failure_is_reported(simulator, tmp_path, capsys):
    run = dict(simulator=simulator, extra_env=ENV)
    first = run_bench(bench("adder"), run_dir=tmp_path / "a", seed=1234, **run)
    assert (first.tests, first.failed, first.seed) == (1, 0, 1234)
    assert "seed 1234" in capsys.readouterr().out
    again = run_bench(bench("adder"), run_dir=tmp_path / "b", seed=99, **run)
    assert not again.built and again.seed == 99
    with pytest.raises(SimulationFailed, match=r"adder: 1 of 1 cocotb tests failed, seed 7"):
        run_bench(bench("adder"), run_dir=tmp_path / "c", seed=7, simulator=simulator,
                  extra_env={**ENV, "KANIWA_BREAK": "1"})


def test_unknown_simulator_message(tmp_path):
    with pytest.raises(ValueError, match=r"^simulator must be one of verilator, icarus, "
                                         r"not 'xsim'$"):
        run_bench(bench("adder"), simulator="xsim", run_dir=tmp_path)


def test_bench_from_verilog_sources(tmp_path):
    source = tmp_path / "adder.v"
    source.write_text("module vadder(input clk, input rst, input [7:0] a, input [7:0] b,\n"
                      "              output reg [8:0] y);\n"
                      "  always @(posedge clk) y <= a + b;\nendmodule\n")
    verilog_bench = SimBench("vadder", None, None, "tests.kaniwa.cocotb_adder",
                             sources=(source,), toplevel="vadder", params={"width": 8})
    result = run_bench(verilog_bench, run_dir=tmp_path / "run", seed=3, extra_env=ENV)
    assert result.tests == 1
    with pytest.raises(SimulationFailed, match=r"^vadder: 1 of 1 cocotb tests failed"):
        run_bench(verilog_bench, run_dir=tmp_path / "run2", seed=3,
                  extra_env={**ENV, "KANIWA_BREAK": "1"})
