"""Registration of the posit blocks (read by the CLI, `make verilog`, benches and synthesis)."""

from kaniwa.registry import Block

from .config import PRESETS, PositMACConfig
from .dot_array import PRESETS as DOT_ARRAY_PRESETS
from .dot_array import PositDotArrayConfig


def _build(config):
    from . import build

    return build(config)


def _build_dot_array(config):
    from .dot_array import build

    return build(config)


PORTS = """\
| port | dir | width | meaning |
| --- | --- | ---: | --- |
| clk, rst | in | 1 | clock; synchronous active-high reset (discards a partial group) |
| in_valid, in_ready | in, out | 1 | input handshake: a pair moves when both are 1 |
| in_a, in_b | in | n | posit operands (bit patterns) |
| in_last | in | 1 | this pair ends its group |
| out_valid, out_ready | out, in | 1 | output handshake |
| out_result | out | n | Σ a·b of the group, exact in the quire, rounded once (RNE); |
| | | | NaR if any operand is NaR or the exact sum overflows the quire |
"""

DOT_ARRAY_PORTS = """\
| port | dir | width | meaning |
| --- | --- | ---: | --- |
| clk, rst | in | 1 | clock; synchronous active-high reset (discards a partial group) |
| in_valid, in_ready | in, out | 1 | input handshake: a beat moves when both are 1 |
| in_a | in | n | the activation (posit bit pattern) shared by every lane |
| in_b | in | lanes·n | one weight per lane, lane j in bits j·n .. j·n+n−1 |
| in_last | in | 1 | this beat ends its group |
| out_valid, out_ready | out, in | 1 | output handshake |
| out_result | out | lanes·n | lane j (bits j·n ..): Σ a·b_j of the group, exact, rounded once |
"""

BLOCKS = [
    Block(
        name="posit_mac",
        folder="posit",
        summary="posit fused dot-product unit with an exact quire, one pair per cycle",
        config=PositMACConfig,
        build=_build,
        presets=PRESETS,
        sim_benches="kaniwa.sim.posit.benches",
        benchmarks={"golden_throughput": "kaniwa.golden.posit.bench:run",
                    "rtl_rate": "kaniwa.sim.posit.benches:throughput",
                    "long_random": "kaniwa.sim.posit.benches:long_random"},
        synth_presets=("p16e1", "p16e2", "p32e2"),
        port_doc=PORTS,
    ),
    Block(
        name="posit_dot_array",
        folder="posit",
        summary="lanes posit MACs sharing one activation stream: a row against lanes weight "
                "columns per group",
        config=PositDotArrayConfig,
        build=_build_dot_array,
        presets=DOT_ARRAY_PRESETS,
        sim_benches="kaniwa.sim.posit.benches_dot_array",
        benchmarks={},
        synth_presets=("p16e1x8",),
        port_doc=DOT_ARRAY_PORTS,
    ),
]
