# amaranth: UnusedElaboratable=no
"""The posit dot-product array: amaranth.sim against golden ``quire_dot`` (with idles and
back-pressure), the parameter errors, and the cocotb benches (sim/posit/bench_dot_array.py) as
one test node each (own run directory; seeds printed, KANIWA_SEED=N reproduces).
"""

from __future__ import annotations

import os
import random
import zlib

import numpy as np
import pytest
from amaranth.sim import Simulator
from kaniwa.golden.posit import quire_dot
from kaniwa.hw.posit import PositDotArray, PositDotArrayConfig, PositDotArrayTop
from kaniwa.hw.posit.dot_array import PRESETS
from kaniwa.sim.amaranth_streams import assert_stream_quiet, stream_get, stream_put
from kaniwa.sim.posit.benches_dot_array import benches
from kaniwa.sim.runner import run_bench

from kaniwa.registry import get_block

#: (probability of an idle input cycle, probability of out.ready low)
TRAFFIC = {"full": (0.0, 0.0), "idle": (0.4, 0.0), "stall": (0.0, 0.5), "both": (0.3, 0.3)}


def seeded(request):
    seed = int(os.environ.get("KANIWA_SEED", zlib.crc32(request.node.nodeid.encode())))
    print(f"seed {seed} (KANIWA_SEED={seed} reproduces)")
    return random.Random(seed)


def simulate(dut, gemms, rng, *, idle=0.0, stall=0.0):
    """Stream the rows of every (X, W) through the array; returns one list of lanes per row."""
    beats = [(int(x[r, k]), [int(v) for v in w[k]], int(k == x.shape[1] - 1))
             for x, w in gemms for r in range(x.shape[0]) for k in range(x.shape[1])]
    count = sum(x.shape[0] for x, _ in gemms)
    results = []
    done = False

    async def producer(ctx):
        nonlocal done
        await stream_put(ctx, dut.i, [{"a": a, "b": b, "last": last} for a, b, last in beats],
                         rng=rng, idle=idle)
        done = True

    async def consumer(ctx):
        payloads = await stream_get(ctx, dut.o, count, rng=rng, stall=stall)
        results.extend([int(v) for v in payload] for payload in payloads)
        await assert_stream_quiet(ctx, dut.o, dut.latency + 4, lambda: done)

    sim = Simulator(dut)
    sim.add_clock(1e-6)
    sim.add_testbench(producer)
    sim.add_testbench(consumer)
    sim.run()
    return results


def expected(config, gemms):
    rows = []
    for x, w in gemms:
        out = quire_dot(x[:, :, None], w[None, :, :], config.fmt, quire_width=config.quire_width,
                        axis=1)
        rows.extend([[int(v) for v in row] for row in out])
    return rows


def random_gemms(config, rng, count):
    nprng = np.random.default_rng(rng.randrange(2**32))
    gemms = []
    for index in range(count):
        rows, depth = rng.randint(1, 4), (1 if index % 4 == 0 else rng.randint(1, 12))
        x = nprng.integers(0, 1 << config.n, size=(rows, depth), dtype=np.uint64)
        w = nprng.integers(0, 1 << config.n, size=(depth, config.lanes), dtype=np.uint64)
        if index % 3 == 1:  # a NaR in one weight column: only that lane is NaR
            x[x == config.fmt.nar] = 0
            w[w == config.fmt.nar] = 0
            w[rng.randrange(depth), rng.randrange(config.lanes)] = config.fmt.nar
        gemms.append((x, w))
    return gemms


@pytest.mark.parametrize("traffic", TRAFFIC, ids=str)
def test_array_random_gemms(traffic, request):
    rng = seeded(request)
    dut = PositDotArray(8, 0, 3)
    gemms = random_gemms(dut.config, rng, 12)
    idle, stall = TRAFFIC[traffic]
    assert simulate(dut, gemms, rng, idle=idle, stall=stall) == expected(dut.config, gemms)


def test_array_nar_lane_only(request):
    rng = seeded(request)
    dut = PositDotArray(8, 0, 3)
    fmt = dut.config.fmt
    x = np.full((2, 3), 0x40, dtype=np.uint64)   # 1.0
    w = np.full((3, 3), 0x40, dtype=np.uint64)
    w[1, 2] = fmt.nar
    got = simulate(dut, [(x, w)], rng, stall=0.3)
    assert got == [[0x68, 0x68, fmt.nar]] * 2   # 3.0 in (8,0) is 0x68


def test_array_latency_matches_mac():
    from kaniwa.hw.posit import PositMAC

    for n, es in ((8, 0), (16, 1), (32, 2)):
        assert PositDotArray(n, es, 2).latency == PositMAC(n, es).latency
    assert PositDotArrayTop(PRESETS["p16e1x8"]).latency == PositMAC(16, 1).latency


def test_config_stem_and_json():
    config = PositDotArrayConfig(n=16, es=1, lanes=8)
    assert config.stem == "posit_dot_array_n16_es1_l8"
    assert PositDotArrayConfig(n=8, es=0, lanes=4, segment_bits=16).stem == \
        "posit_dot_array_n8_es0_l4_s16"
    assert PositDotArrayConfig.from_json(config.to_json()) == config
    assert config.mac.quire_width == config.quire_width
    assert get_block("posit_dot_array").presets["p8e0x4"].lanes == 4


def test_parameter_errors():
    with pytest.raises(ValueError, match=r"^lanes must be an integer in 1\.\.64, not 0$"):
        PositDotArray(16, 1, 0)
    with pytest.raises(ValueError, match=r"^lanes must be an integer in 1\.\.64, not 65$"):
        PositDotArrayConfig(lanes=65)
    with pytest.raises(ValueError, match=r"^lanes must be an integer in 1\.\.64, not True$"):
        PositDotArrayConfig(lanes=True)
    with pytest.raises(ValueError, match=r"^n must be an integer in 3\.\.32, not 2$"):
        PositDotArray(2, 0, 0)  # n is checked before lanes
    with pytest.raises(ValueError, match=r"^es must be an integer in 0\.\.4, not 5$"):
        PositDotArray(16, 5, 4)
    with pytest.raises(ValueError, match=r"^quire_width must be an integer in 50\.\.178, "
                                         r"not 40 \(for posit\(8,1\)\)$"):
        PositDotArray(8, 1, 4, 40)
    with pytest.raises(ValueError, match=r"^segment_bits must be a power of two, not 48$"):
        PositDotArray(16, 1, 4, segment_bits=48)
    with pytest.raises(TypeError,
                       match=r"^Configuration must be a PositDotArrayConfig, not None$"):
        PositDotArrayTop(None)
    with pytest.raises(TypeError,
                       match=r"^Configuration must be a PositDotArrayConfig, not 16$"):
        PositDotArray.from_config(16)



@pytest.mark.parametrize("bench", benches("verilator"), ids=lambda b: b.name)
def test_verilator(bench, sim_run_dir):
    result = run_bench(bench, simulator="verilator", run_dir=sim_run_dir)
    assert result.tests > 0  # run_bench raises on any failed cocotb test
