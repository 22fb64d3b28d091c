# amaranth: UnusedElaboratable=no
"""Synthesis harnesses (amaranth.sim) and one real Yosys + nextpnr run on a tiny block."""

import json

import pytest
from amaranth import Module
from amaranth.lib import wiring
from amaranth.lib.wiring import In, Out
from amaranth.sim import Simulator
from kaniwa.boards.harness import RegisteredIO, SerialIO, port_bits
from kaniwa.boards.targets import TARGETS, get_target

from kaniwa.registry import Block


class Adder(wiring.Component):
    """A registered adder: the smallest block with inputs, outputs and a clock."""

    a: In(8)
    b: In(8)
    y: Out(9)

    def elaborate(self, platform):
        m = Module()
        m.d.sync += self.y.eq(self.a + self.b)
        return m


def test_registered_io_adds_one_register_per_port_bit():
    harness = RegisteredIO(Adder())
    assert port_bits(Adder()) == 25 and harness.harness_ffs == 25

    async def bench(ctx):
        ctx.set(harness.pin_a, 200)
        ctx.set(harness.pin_b, 100)
        await ctx.tick().repeat(3)  # pin → register → adder register → pin register
        assert ctx.get(harness.pin_y) == 300

    sim = Simulator(harness)
    sim.add_clock(1e-6)
    sim.add_testbench(bench)
    sim.run()


def test_serial_io_shifts_inputs_in_and_outputs_out():
    harness = SerialIO(Adder())

    async def bench(ctx):
        word = 37 | (91 << 8)  # a = 37, b = 91, first bit in ends up at the top of the chain
        for bit in reversed(range(16)):
            ctx.set(harness.serial_in, (word >> bit) & 1)
            await ctx.tick()
        await ctx.tick()       # the adder's register
        ctx.set(harness.capture, 1)
        await ctx.tick()
        ctx.set(harness.capture, 0)
        out = 0
        for bit in range(9):  # the outputs: y only
            out |= ctx.get(harness.serial_out) << bit
            await ctx.tick()
        assert out == 37 + 91

    sim = Simulator(harness)
    sim.add_clock(1e-6)
    sim.add_testbench(bench)
    sim.run()


def test_unknown_target_message():
    with pytest.raises(ValueError, match=r"^unknown target 'virtex2'; targets: ecp5, ice40, xcup$"):
        get_target("virtex2")


class _Config:
    stem = "tiny_adder"

    def to_json(self):
        return {"block": "tiny"}


TINY = Block(name="tiny", folder="tiny", summary="test block", config=_Config,
             build=lambda config: Adder(), presets={})


@pytest.mark.parametrize("target", ["ecp5", "xcup"])
def test_synthesis_report(target, tmp_path):
    from kaniwa.synth import synthesize

    report = synthesize(TINY, _Config(), TARGETS[target], out_dir=tmp_path)
    written = json.loads((tmp_path / f"tiny-adder-{target}.json").read_text())
    assert written == report
    res = report["resources"]
    assert res["FF"] == 9 and res["LUT"] >= 8  # a 9-bit register behind an 8-bit adder
    if target == "ecp5":
        pnr = report["place_and_route"]
        assert pnr["fmax_mhz"] > 50 and pnr["harness"] == "registered"
        assert not report["estimate"]
    else:
        assert report["estimate"] and "not Vivado" in report["note"]
    summary = (tmp_path / "summary.md").read_text()
    assert f"| tiny | block=tiny | {target} |" not in summary  # params exclude the block name
    assert f"| {target} |" in summary


def test_capacity_check_names_what_does_not_fit():
    from kaniwa.synth import _over_capacity

    ice40 = TARGETS["ice40"]
    assert _over_capacity({"LUT": 5280, "FF": 10, "DSP": 8, "BRAM": 0}, ice40) == []
    assert _over_capacity({"LUT": 6909, "FF": 10, "DSP": 9, "BRAM": 0}, ice40) == [
        "LUT 6909 > 5280", "DSP 9 > 8"]
