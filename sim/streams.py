"""cocotb helpers for valid/ready streams, shared by every block's benches.

One coroutine drives the input stream and consumes the output stream of a flat-port top
(``<prefix>_valid``, ``<prefix>_ready``, ``<prefix>_<field>``), inserting idle cycles on the input
and back-pressure on the output from seeded generators, and checking the stream rules on the
output: once ``out_valid`` is up it stays up, with the same payload, until ``out_ready``.

Timing model, the same on Verilator and Icarus: inputs change just after the falling edge;
after they settle (ReadOnly) the handshakes that the next rising edge will perform are known.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import cocotb
from cocotb.clock import Clock
from cocotb.triggers import FallingEdge, ReadOnly, RisingEdge

__all__ = ["Traffic", "TRAFFIC", "StreamResult", "stream_run", "reset", "start", "assert_quiet"]


@dataclass(frozen=True)
class Traffic:
    """How a test paces the streams: the probability of an idle input cycle and of a stalled
    output cycle (``None`` = never), or a fixed repeating pattern."""

    name: str
    idle: float | None = None
    stall: float | None = None
    stall_pattern: tuple[int, ...] | None = None

    def idles(self, rng: random.Random) -> Iterator[bool]:
        while True:
            yield self.idle is not None and rng.random() < self.idle

    def readies(self, rng: random.Random) -> Iterator[bool]:
        if self.stall_pattern is not None:
            yield from (bool(r) for r in itertools.cycle(self.stall_pattern))
        while True:
            yield not (self.stall is not None and rng.random() < self.stall)


#: Every stream test runs under each of these: free-flowing, idle input, back-pressured output,
#: both, and Forencich's fixed 1,1,1,0 ready pattern.
TRAFFIC = (
    Traffic("flow"),
    Traffic("idle", idle=0.3),
    Traffic("backpressure", stall=0.4),
    Traffic("idle+backpressure", idle=0.2, stall=0.5),
    Traffic("ready-1110", stall_pattern=(1, 1, 1, 0)),
)


@dataclass
class StreamResult:
    outputs: list[tuple[int, ...]]
    cycles: int
    first_out_cycle: int | None


async def reset(dut, cycles: int = 2) -> None:
    await FallingEdge(dut.clk)
    dut.rst.value = 1
    for _ in range(cycles):
        await RisingEdge(dut.clk)
    await FallingEdge(dut.clk)
    dut.rst.value = 0


async def start(dut, *, inputs: Sequence[str], period_ns: float = 10) -> None:
    """Start the clock, drive every named input to 0, and reset."""
    cocotb.start_soon(Clock(dut.clk, period_ns, unit="ns").start())
    for name in inputs:
        getattr(dut, name).value = 0
    await reset(dut)


async def assert_quiet(dut, cycles: int, out_prefix: str = "out") -> None:
    """No output beat may appear that nothing asked for (nothing duplicated)."""
    out_valid = getattr(dut, f"{out_prefix}_valid")
    getattr(dut, f"{out_prefix}_ready").value = 1
    for cycle in range(cycles):
        await ReadOnly()
        assert not int(out_valid.value), f"unexpected extra output {cycle} cycles later"
        await FallingEdge(dut.clk)


async def stream_run(dut, beats: Sequence[tuple[int, ...]], expected_outputs: int, *,
                     in_fields: Sequence[str], out_fields: Sequence[str], traffic: Traffic,
                     rng: random.Random, in_prefix: str = "in", out_prefix: str = "out",
                     timeout_cycles: int | None = None) -> StreamResult:
    """Send ``beats`` (tuples in ``in_fields`` order) and collect ``expected_outputs`` beats.

    Returns the outputs as tuples in ``out_fields`` order and the cycle count from the first
    cycle to the last output transfer. Raises AssertionError on a stream-rule violation or when
    the outputs do not arrive within ``timeout_cycles``.
    """
    in_valid = getattr(dut, f"{in_prefix}_valid")
    in_ready = getattr(dut, f"{in_prefix}_ready")
    in_data = [getattr(dut, f"{in_prefix}_{name}") for name in in_fields]
    out_valid = getattr(dut, f"{out_prefix}_valid")
    out_ready = getattr(dut, f"{out_prefix}_ready")
    out_data = [getattr(dut, f"{out_prefix}_{name}") for name in out_fields]
    idles, readies = traffic.idles(rng), traffic.readies(rng)
    if timeout_cycles is None:
        timeout_cycles = 1000 + 20 * (len(beats) + expected_outputs)

    outputs: list[tuple[int, ...]] = []
    sent, cycle, first_out = 0, 0, None
    presenting = False
    held = None  # the output beat that was valid but not taken on the last cycle
    while len(outputs) < expected_outputs or sent < len(beats):
        await FallingEdge(dut.clk)
        if not presenting and sent < len(beats) and not next(idles):
            for handle, value in zip(in_data, beats[sent]):
                handle.value = value
            presenting = True
        in_valid.value = int(presenting)
        ready = next(readies)
        out_ready.value = int(ready)
        await ReadOnly()
        if presenting and int(in_ready.value):
            sent += 1
            presenting = False
        if int(out_valid.value):
            beat = tuple(int(h.value) for h in out_data)
            if held is not None:
                assert beat == held, (f"{out_prefix} payload changed while stalled at cycle "
                                      f"{cycle}: {held} → {beat}")
            if ready:
                outputs.append(beat)
                if first_out is None:
                    first_out = cycle
                held = None
            else:
                held = beat
        else:
            assert held is None, f"{out_prefix}_valid dropped while stalled at cycle {cycle}"
        cycle += 1
        if cycle > timeout_cycles:
            raise AssertionError(f"timeout after {cycle} cycles: sent {sent}/{len(beats)} beats, "
                                 f"got {len(outputs)}/{expected_outputs} outputs")
    await FallingEdge(dut.clk)
    in_valid.value = 0
    out_ready.value = 0
    return StreamResult(outputs, cycle, first_out)
