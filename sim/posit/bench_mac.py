"""cocotb bench of the posit MAC (``posit_mac``) against the golden quire, bit for bit.

The design's ``params.json`` (``KANIWA_PARAMS``) gives the format; knobs come from the
environment: ``KANIWA_GROUPS`` (random groups, split over the traffic patterns),
``KANIWA_EXHAUSTIVE=1`` (every pair of an 8-bit format as a one-pair group).
Every stream test runs under each pattern of :data:`kaniwa.sim.streams.TRAFFIC`.
"""

from __future__ import annotations

import json
import os
import random
from pathlib import Path

import cocotb
import numpy as np
from cocotb.triggers import ClockCycles, FallingEdge
from kaniwa.golden.posit import PositFormat, from_float, quire_dot_groups
from kaniwa.sim import streams
from kaniwa.sim.runner import read_params
from kaniwa.sim.streams import TRAFFIC, reset, stream_run

PARAMS = read_params()
FMT = PositFormat(PARAMS["n"], PARAMS["es"])
QUIRE_WIDTH = PARAMS["quire_width"]
TRAFFIC_NAMES = [t.name for t in TRAFFIC]


def _traffic(name):
    return next(t for t in TRAFFIC if t.name == name)


def golden(groups: list[tuple[np.ndarray, np.ndarray]]) -> list[int]:
    return [int(x) for x in quire_dot_groups(groups, FMT, quire_width=QUIRE_WIDTH)]


def beats_of(groups):
    beats = []
    for a, b in groups:
        for index, (x, y) in enumerate(zip(a, b)):
            beats.append((int(x), int(y), int(index == len(a) - 1)))
    return beats


async def start(dut):
    await streams.start(dut, inputs=("in_valid", "out_ready", "in_a", "in_b", "in_last"))


async def check_groups(dut, groups, traffic_name, rng, label):
    expected = golden(groups)
    result = await stream_run(dut, beats_of(groups), len(groups), in_fields=("a", "b", "last"),
                              out_fields=("result",), traffic=_traffic(traffic_name), rng=rng)
    got = [beat[0] for beat in result.outputs]
    bad = [i for i, (g, e) in enumerate(zip(got, expected)) if g != e]
    for i in bad[:5]:
        a, b = groups[i]
        dut._log.error("%s group %d (len %d) a=%s b=%s: RTL %#x, golden %#x", label, i, len(a),
                       [hex(int(x)) for x in a[:8]], [hex(int(x)) for x in b[:8]], got[i],
                       expected[i])
    assert not bad, f"{label}/{traffic_name}: {len(bad)} of {len(groups)} groups differ"
    await streams.assert_quiet(dut, PARAMS.get("latency", 16) + 4)
    return result


def random_patterns(rng: np.random.Generator, size) -> np.ndarray:
    return rng.integers(0, 1 << FMT.n, size=size, dtype=np.uint64)


def realistic_patterns(rng: np.random.Generator, size) -> np.ndarray:
    """Values of the kind a network holds: normal with a spread of scales (many cancellations)."""
    scale = 2.0 ** rng.integers(-6, 7, size=size)
    return from_float(rng.standard_normal(size) * scale, FMT).astype(np.uint64)


def random_groups(rng: np.random.Generator, count: int, max_len: int = 64):
    groups = []
    for _ in range(count):
        length = int(rng.integers(1, max_len + 1))
        maker = random_patterns if rng.random() < 0.5 else realistic_patterns
        groups.append((maker(rng, length), maker(rng, length)))
    return groups


@cocotb.test()
async def test_random_groups(dut):
    """Random groups of length 1..64, split over every traffic pattern."""
    await start(dut)
    requested = int(os.environ.get("KANIWA_GROUPS", "2000"))
    per_traffic = -(-requested // len(TRAFFIC_NAMES))  # at least the requested total
    rng = np.random.default_rng(cocotb.RANDOM_SEED)
    pyrng = random.Random(cocotb.RANDOM_SEED)
    for name in TRAFFIC_NAMES:
        await check_groups(dut, random_groups(rng, per_traffic), name, pyrng, "random")
    total = per_traffic * len(TRAFFIC_NAMES)
    dut._log.info("%d random groups bit-exact for %s (seed %d)", total, FMT, cocotb.RANDOM_SEED)


@cocotb.test(skip=os.environ.get("KANIWA_EXHAUSTIVE") != "1")
async def test_every_product(dut):
    """Every (a, b) pair of the format as a one-pair group: a·b correctly rounded."""
    await start(dut)
    values = np.arange(1 << FMT.n, dtype=np.uint64)
    a, b = (x.ravel() for x in np.meshgrid(values, values, indexing="ij"))
    order = np.random.default_rng(cocotb.RANDOM_SEED).permutation(len(a))
    slices = np.array_split(order, len(TRAFFIC_NAMES))
    pyrng = random.Random(cocotb.RANDOM_SEED)
    for name, part in zip(TRAFFIC_NAMES, slices):
        groups = [(a[i:i + 1], b[i:i + 1]) for i in part]
        await check_groups(dut, groups, name, pyrng, "every-product")


def corner_groups(rng: np.random.Generator):
    f = FMT
    nar, maxpos, minpos = f.nar, f.maxpos, f.minpos
    neg = lambda p: (-p) & f.mask  # noqa: E731
    one = int(from_float(1.0, f))
    groups = [
        ([0], [0]), ([0], [maxpos]), ([nar], [0]), ([0], [nar]), ([nar], [nar]),
        ([one, nar, one], [one, one, one]), ([one] * 5 + [nar], [one] * 6),
        ([nar] + [one] * 5, [one] * 6),
        ([maxpos] * 4, [maxpos] * 4), ([maxpos, maxpos], [maxpos, neg(maxpos)]),
        ([minpos] * 3, [minpos] * 3), ([minpos, minpos], [minpos, neg(minpos)]),
        ([maxpos, minpos, maxpos], [maxpos, minpos, neg(maxpos)]),  # only minpos² survives
        ([one, one], [one, neg(one)]),                               # exact cancellation
        ([maxpos] * 2 + [neg(maxpos)] * 2, [maxpos] * 4),
        ([neg(maxpos)], [maxpos]), ([neg(minpos)], [minpos]),
    ]
    groups = [(np.array(a, dtype=np.uint64), np.array(b, dtype=np.uint64)) for a, b in groups]
    # Exact cancellation of a long random group: x then −x, shuffled.
    x = realistic_patterns(rng, 40)
    y = realistic_patterns(rng, 40)
    a = np.concatenate([x, x])
    b = np.concatenate([y, (-y.astype(np.int64)).astype(np.uint64) & np.uint64(f.mask)])
    perm = rng.permutation(80)
    groups.append((a[perm], b[perm]))
    # Groups of 1,000 pairs, one with a NaR near the end.
    for nar_at in (None, 997):
        a, b = realistic_patterns(rng, 1000), realistic_patterns(rng, 1000)
        if nar_at is not None:
            b[nar_at] = nar
        groups.append((a, b))
    return groups


@cocotb.test()
@cocotb.parametrize(traffic=TRAFFIC_NAMES)
async def test_corner_cases(dut, traffic):
    """Zero, NaR anywhere, maxpos² sums, minpos², exact cancellation, 1,000-pair groups."""
    await start(dut)
    rng = np.random.default_rng(cocotb.RANDOM_SEED)
    await check_groups(dut, corner_groups(rng), traffic, random.Random(cocotb.RANDOM_SEED),
                       "corner")


@cocotb.test()
async def test_back_to_back_rate(dut):
    """One-pair groups back to back stream at one pair per cycle (the pipeline's contract)."""
    await start(dut)
    rng = np.random.default_rng(cocotb.RANDOM_SEED)
    groups = [(random_patterns(rng, 1), random_patterns(rng, 1)) for _ in range(500)]
    result = await check_groups(dut, groups, "flow", random.Random(0), "rate")
    # Measured figures for `make bench` (the run directory is this process's working directory).
    Path("rate.json").write_text(json.dumps({
        "groups": len(groups), "pairs": len(groups), "cycles": result.cycles,
        "first_result_cycle": result.first_out_cycle, "latency_declared": PARAMS.get("latency"),
        "pairs_per_cycle": len(groups) / (result.cycles - result.first_out_cycle)}))
    latency = PARAMS.get("latency")
    if latency is not None:
        assert result.first_out_cycle == latency, (result.first_out_cycle, latency)
    assert result.cycles <= len(groups) + result.first_out_cycle, result.cycles


@cocotb.test()
async def test_reset_mid_group(dut):
    """A reset in the middle of a group discards it; the next groups are exact."""
    await start(dut)
    rng = np.random.default_rng(cocotb.RANDOM_SEED)
    pyrng = random.Random(cocotb.RANDOM_SEED)
    for cut in (1, 7, 30):
        a, b = realistic_patterns(rng, 40), realistic_patterns(rng, 40)
        dut.out_ready.value = 1
        for index in range(cut):  # part of a group, never its last pair
            await FallingEdge(dut.clk)
            dut.in_a.value, dut.in_b.value, dut.in_last.value = int(a[index]), int(b[index]), 0
            dut.in_valid.value = 1
        await FallingEdge(dut.clk)
        dut.in_valid.value = 0
        await reset(dut, cycles=1 + cut % 3)
        await ClockCycles(dut.clk, 2)
        await check_groups(dut, random_groups(rng, 20, max_len=12), "idle+backpressure", pyrng,
                           f"after-reset-{cut}")
