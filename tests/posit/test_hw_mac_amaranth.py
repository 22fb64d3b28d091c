# amaranth: UnusedElaboratable=no
"""amaranth.sim tests of the whole posit MAC (small formats) against golden ``quire_dot``.

Producer and consumer are separate testbenches; every stream test runs with input idles and
output back-pressure. Seeds come from the test id (or ``KANIWA_SEED``) and are printed.
"""

from __future__ import annotations

import os
import random
import re
import zlib

import numpy as np
import pytest
from amaranth.back import verilog
from amaranth.hdl import ClockDomain, Elaboratable, Module
from amaranth.sim import Simulator
from kaniwa.golden.posit import PositFormat, mul, quire_dot_groups
from kaniwa.hw.posit import (
    PositDecoder,
    PositEncoder,
    PositMAC,
    PositMACConfig,
    PositMACTop,
    QuireRounder,
    build,
)
from kaniwa.sim.amaranth_streams import assert_stream_quiet, stream_get, stream_put

CONFIGS = [PositMACConfig(8, 0), PositMACConfig(8, 2, segment_bits=16),
           PositMACConfig(6, 1, segment_bits=8)]
#: (probability of an idle input cycle, probability of out.ready low)
TRAFFIC = {"full": (0.0, 0.0), "idle": (0.4, 0.0), "stall": (0.0, 0.5), "both": (0.3, 0.3)}


def seeded(request):
    seed = int(os.environ.get("KANIWA_SEED", zlib.crc32(request.node.nodeid.encode())))
    print(f"seed {seed} (KANIWA_SEED={seed} reproduces)")
    return random.Random(seed)


def expected(config, groups):
    return [int(x) for x in quire_dot_groups(groups, config.fmt, quire_width=config.quire_width)]


class _WithReset(Elaboratable):
    """The DUT with its sync domain made explicit, so a testbench can drive reset."""

    def __init__(self, dut):
        self.dut = dut
        self.sync = ClockDomain("sync")

    def elaborate(self, platform):
        m = Module()
        m.domains.sync = self.sync
        m.submodules.dut = self.dut
        return m


def simulate(dut, groups, rng, *, idle=0.0, stall=0.0, reset_after=None):
    """Stream ``groups`` through a PositMAC; returns the results in order.

    ``reset_after=(k, partial)``: after the first ``k`` groups (and their results) are through,
    send ``partial`` pairs of a group without ``last``, pulse reset, then send the other groups.
    """
    top = _WithReset(dut)
    results = []
    count = len(groups)
    done = False

    async def producer(ctx):
        nonlocal done
        beats = [(x, y, int(i == len(a) - 1)) for a, b in groups
                 for i, (x, y) in enumerate(zip(a, b))]
        split = None
        if reset_after is not None:
            split = sum(len(a) for a, _ in groups[:reset_after[0]])
            beats[split:split] = [(rng.randrange(1 << dut.config.n), 1, 0)] * reset_after[1]
        async def before_beat(ctx, index):
            if split is not None and index == split:
                ctx.set(dut.i.valid, 0)            # let the finished groups drain first
                await ctx.tick().repeat(dut.latency + 8)
            if split is not None and index == split + reset_after[1]:
                ctx.set(dut.i.valid, 0)
                ctx.set(top.sync.rst, 1)
                await ctx.tick()
                ctx.set(top.sync.rst, 0)

        await stream_put(ctx, dut.i, [{"a": x, "b": y, "last": last} for x, y, last in beats],
                         rng=rng, idle=idle, before_beat=before_beat)
        done = True

    async def consumer(ctx):
        results.extend(await stream_get(ctx, dut.o, count, rng=rng, stall=stall))
        # Nothing more may come out once the producer is done and the pipeline has drained.
        await assert_stream_quiet(ctx, dut.o, dut.latency + 4, lambda: done)

    sim = Simulator(top)
    sim.add_clock(1e-6)
    sim.add_testbench(producer)
    sim.add_testbench(consumer)
    sim.run()
    return results


def random_groups(config, rng, count, *, max_length=20):
    fmt = config.fmt
    groups = []
    for index in range(count):
        length = rng.randint(1, max_length)
        a = [rng.randrange(1 << fmt.n) for _ in range(length)]
        b = [rng.randrange(1 << fmt.n) for _ in range(length)]
        kind = index % 6
        if kind == 1:        # cancellation to exactly 0: every product comes with its negation
            a = a[:length // 2 + 1]
            b = b[:len(a)]
            a, b = a + [(-x) % (1 << fmt.n) for x in a], b + b
            rng.shuffle(order := list(range(len(a))))
            a, b = [a[i] for i in order], [b[i] for i in order]
        elif kind == 2:      # a NaR operand somewhere
            (a if rng.random() < 0.5 else b)[rng.randrange(length)] = fmt.nar
        elif kind == 3:      # values near 1, where the sum keeps many bits
            a = [rng.randrange(fmt.nar >> 2, 3 * (fmt.nar >> 2)) ^ (rng.randrange(2) * fmt.mask)
                 for _ in range(length)]
        groups.append((a, b))
    return groups


@pytest.mark.parametrize("traffic", TRAFFIC, ids=str)
@pytest.mark.parametrize("config", CONFIGS, ids=lambda c: c.stem)
def test_mac_random_groups(config, traffic, request):
    rng = seeded(request)
    groups = random_groups(config, rng, 30)
    dut = PositMAC.from_config(config)
    idle, stall = TRAFFIC[traffic]
    assert simulate(dut, groups, rng, idle=idle, stall=stall) == expected(config, groups)


@pytest.mark.parametrize("config", [PositMACConfig(8, 1, quire_width=50),
                                    PositMACConfig(6, 0, quire_width=18, segment_bits=8)],
                         ids=lambda c: c.stem)
def test_mac_quire_overflow(config, request):
    """At the minimum quire width one maxpos² fits and two overflow (NaR); the check is on the
    exact final sum, so an overflowing partial sum that comes back is fine."""
    rng = seeded(request)
    fmt = config.fmt
    maxpos, minus = fmt.maxpos, (-fmt.maxpos) % (1 << fmt.n)
    groups = [([maxpos], [maxpos]), ([maxpos, maxpos], [maxpos, maxpos]),
              ([maxpos, maxpos], [maxpos, minus]), ([maxpos, maxpos, maxpos], [maxpos, maxpos,
                                                                                minus]),
              ([minus, minus], [maxpos, maxpos]), ([maxpos, 1], [maxpos, 1])]
    groups += random_groups(config, rng, 12, max_length=6)
    want = expected(config, groups)
    assert want[:6] == [int(mul(maxpos, maxpos, fmt)), fmt.nar, 0, int(mul(maxpos, maxpos, fmt)),
                        fmt.nar, int(mul(maxpos, maxpos, fmt))]
    dut = PositMAC.from_config(config)
    assert simulate(dut, groups, rng, idle=0.2, stall=0.3) == want


def test_mac_one_pair_groups_full_rate():
    """Every (5,1) pair as a one-pair group, back to back at one pair per cycle: exactly the
    golden product, and the whole stream takes len + latency cycles."""
    fmt = PositFormat(5, 1)
    dut = PositMAC(5, 1)
    pairs = [(a, b) for a in range(1 << fmt.n) for b in range(1 << fmt.n)]
    want = [int(x) for x in mul(np.array([a for a, _ in pairs], dtype=np.uint64),
                                np.array([b for _, b in pairs], dtype=np.uint64), fmt)]
    results = []
    cycles = {}

    async def producer(ctx):
        ctx.set(dut.i.valid, 1)
        for a, b in pairs:
            ctx.set(dut.i.payload, {"a": a, "b": b, "last": 1})
            _, _, ready = await ctx.tick().sample(dut.i.ready)
            assert ready
        ctx.set(dut.i.valid, 0)

    async def consumer(ctx):
        ctx.set(dut.o.ready, 1)
        elapsed = 0
        while len(results) < len(pairs):
            _, _, valid, payload = await ctx.tick().sample(dut.o.valid, dut.o.payload)
            elapsed += 1
            if valid:
                results.append(payload)
        cycles["total"] = elapsed

    sim = Simulator(dut)
    sim.add_clock(1e-6)
    sim.add_testbench(producer)
    sim.add_testbench(consumer)
    sim.run()
    assert results == want
    assert cycles["total"] == len(pairs) + dut.latency


@pytest.mark.parametrize("config", [PositMACConfig(8, 0), PositMACConfig(16, 1),
                                    PositMACConfig(21, 0)], ids=lambda c: c.stem)
def test_mac_latency(config):
    """``latency`` cycles from the cycle the last pair is accepted to ``o.valid`` ((21,0) has
    significands too wide for one hard multiplier: one more stage)."""
    dut = PositMAC.from_config(config)
    seen = {}

    async def bench(ctx):
        ctx.set(dut.o.ready, 1)
        ctx.set(dut.i.valid, 1)
        for last in (0, 0, 1):
            ctx.set(dut.i.payload, {"a": 0b0100 << (config.n - 4), "b": 3, "last": last})
            await ctx.tick()
        ctx.set(dut.i.valid, 0)
        for cycle in range(1, 40):
            if ctx.get(dut.o.valid):
                seen["latency"] = cycle
                break
            await ctx.tick()

    sim = Simulator(dut)
    sim.add_clock(1e-6)
    sim.add_testbench(bench)
    sim.run()
    assert seen["latency"] == dut.latency


@pytest.mark.parametrize("partial", [1, 3])
def test_mac_reset_mid_group(partial, request):
    """A reset in the middle of a group discards the partial group; the next groups are exact."""
    rng = seeded(request)
    config = PositMACConfig(8, 2, segment_bits=16)
    groups = random_groups(config, rng, 8, max_length=5)
    dut = PositMAC.from_config(config)
    assert simulate(dut, groups, rng, reset_after=(3, partial), stall=0.2) == \
        expected(config, groups)


@pytest.mark.parametrize("config", [PositMACConfig(16, 1), PositMACConfig(16, 2),
                                    PositMACConfig(32, 2)], ids=lambda c: c.stem)
def test_mac_full_size_smoke(config, request):
    """A few groups through the full-size formats (the cocotb benches do the long runs)."""
    rng = seeded(request)
    groups = random_groups(config, rng, 12, max_length=8)
    dut = PositMAC.from_config(config)
    assert simulate(dut, groups, rng, idle=0.2, stall=0.2) == expected(config, groups)


def test_top_flat_ports(request):
    """PositMACTop: the documented flat Verilog ports, and it computes through them."""
    config = PositMACConfig(8, 0)
    text = verilog.convert(build(config), name="posit_mac", emit_src=False)
    header = re.search(r"module posit_mac\((.*?)\);", text, re.S).group(1)
    ports = {name.strip() for name in header.split(",")}
    assert ports == {"clk", "rst", "in_valid", "in_ready", "in_a", "in_b", "in_last",
                     "out_valid", "out_ready", "out_result"}
    assert re.search(r"input \[7:0\] in_a;", text)
    assert re.search(r"output \[7:0\] out_result;", text)

    rng = seeded(request)
    groups = random_groups(config, rng, 6, max_length=6)
    top = PositMACTop(config)
    results = []

    async def producer(ctx):
        for a, b in groups:
            for index, (x, y) in enumerate(zip(a, b)):
                ctx.set(top.in_a, x)
                ctx.set(top.in_b, y)
                ctx.set(top.in_last, index == len(a) - 1)
                ctx.set(top.in_valid, 1)
                await ctx.tick().until(top.in_ready)
        ctx.set(top.in_valid, 0)

    async def consumer(ctx):
        while len(results) < len(groups):
            ready = rng.random() < 0.6
            ctx.set(top.out_ready, ready)
            _, _, valid, value = await ctx.tick().sample(top.out_valid, top.out_result)
            if valid and ready:
                results.append(value)

    sim = Simulator(top)
    sim.add_clock(1e-6)
    sim.add_testbench(producer)
    sim.add_testbench(consumer)
    sim.run()
    assert results == expected(config, groups)
    assert top.latency == 15


def test_parameter_errors():
    with pytest.raises(ValueError, match=r"^n must be an integer in 3\.\.32, not 2$"):
        PositMAC(n=2, es=0)
    with pytest.raises(ValueError, match=r"^es must be an integer in 0\.\.4, not 5$"):
        PositMAC(n=8, es=5)
    with pytest.raises(ValueError, match=r"^quire_width must be an integer in 50\.\.178, "
                                         r"not 40 \(for posit\(8,1\)\)$"):
        PositMAC(n=8, es=1, quire_width=40)
    with pytest.raises(ValueError, match=r"^segment_bits must be a power of two, not 48$"):
        PositMAC(n=8, es=1, segment_bits=48)
    with pytest.raises(TypeError, match=r"^Configuration must be a PositMACConfig, not 16$"):
        PositMAC.from_config(16)
    with pytest.raises(TypeError, match=r"^Configuration must be a PositMACConfig, not None$"):
        PositMACTop(None)
    assert PositMAC(8, 0).config == PositMACConfig(8, 0)


def test_component_parameter_errors():
    with pytest.raises(TypeError, match=r"^Posit format must be a PositFormat, not 8$"):
        PositDecoder(8)
    with pytest.raises(TypeError, match=r"^Configuration must be a PositMACConfig, not None$"):
        QuireRounder(None)
    with pytest.raises(TypeError, match=r"^Significand width must be a positive integer, not 0$"):
        PositEncoder(PositFormat(8, 0), 0)
    with pytest.raises(TypeError, match=r"^Scale shape must be signed, not unsigned\(8\)$"):
        PositEncoder(PositFormat(8, 0), 4, 8)
    with pytest.raises(TypeError, match=r"^Decoder stages must be 0, 1 or 2, not 3$"):
        PositDecoder(PositFormat(8, 0), stages=3)
