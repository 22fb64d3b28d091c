"""A tiny cocotb bench for the runner's own tests (tests/kaniwa/test_runner.py)."""

import os

import cocotb
from cocotb.clock import Clock
from cocotb.triggers import ClockCycles


@cocotb.test()
async def test_adds(dut):
    cocotb.start_soon(Clock(dut.clk, 10, unit="ns").start())
    dut.a.value, dut.b.value = 200, 100
    await ClockCycles(dut.clk, 2)
    expected = 300 if os.environ.get("KANIWA_BREAK") != "1" else 301
    assert int(dut.y.value) == expected
    dut._log.info("seed %d", cocotb.RANDOM_SEED)
