"""cocotb bench of the posit dot-product array (``posit_dot_array``) against golden quire_dot.

Random GEMMs X (M×K) · W (K×lanes): every row of X is one group (K beats, ``last`` on the
K-th), each beat carries X[r, k] and the weight row W[k, :] packed lane j at bits j·n..; the
group's output beat holds lane j = quire_dot(X[r, :], W[:, j]), bit for bit.
``params.json`` (``KANIWA_PARAMS``) gives the configuration; ``KANIWA_ROWS`` the number of GEMM
rows per test (split over the traffic patterns of :data:`kaniwa.sim.streams.TRAFFIC`).
"""

from __future__ import annotations

import os
import random

import cocotb
import numpy as np
from kaniwa.golden.posit import PositFormat, from_float, quire_dot
from kaniwa.sim import streams
from kaniwa.sim.runner import read_params
from kaniwa.sim.streams import TRAFFIC, stream_run

PARAMS = read_params()
FMT = PositFormat(PARAMS["n"], PARAMS["es"])
LANES = PARAMS["lanes"]
QUIRE_WIDTH = PARAMS["quire_width"]
TRAFFIC_NAMES = [t.name for t in TRAFFIC]


def _traffic(name):
    return next(t for t in TRAFFIC if t.name == name)


def pack(values) -> int:
    return sum(int(v) << (j * FMT.n) for j, v in enumerate(values))


def unpack(word: int) -> list[int]:
    return [(word >> (j * FMT.n)) & FMT.mask for j in range(LANES)]


def golden(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    """(M, lanes): quire_dot of row r of X with column j of W."""
    return quire_dot(x[:, :, None], w[None, :, :], FMT, quire_width=QUIRE_WIDTH, axis=1)


def beats_of(x: np.ndarray, w: np.ndarray):
    rows, depth = x.shape
    return [(int(x[r, k]), pack(w[k]), int(k == depth - 1))
            for r in range(rows) for k in range(depth)]


def random_patterns(rng: np.random.Generator, size) -> np.ndarray:
    return rng.integers(0, 1 << FMT.n, size=size, dtype=np.uint64)


def realistic_patterns(rng: np.random.Generator, size) -> np.ndarray:
    scale = 2.0 ** rng.integers(-6, 7, size=size)
    return from_float(rng.standard_normal(size) * scale, FMT).astype(np.uint64)


def random_gemm(rng: np.random.Generator, max_rows: int = 12, max_depth: int = 40):
    rows = int(rng.integers(1, max_rows + 1))
    depth = 1 if rng.random() < 0.15 else int(rng.integers(1, max_depth + 1))
    maker = random_patterns if rng.random() < 0.5 else realistic_patterns
    return maker(rng, (rows, depth)), maker(rng, (depth, LANES))


async def start(dut):
    await streams.start(dut, inputs=("in_valid", "out_ready", "in_a", "in_b", "in_last"))


async def check_gemm(dut, x, w, traffic_name, rng, label):
    expected = golden(x, w)
    result = await stream_run(dut, beats_of(x, w), x.shape[0], in_fields=("a", "b", "last"),
                              out_fields=("result",), traffic=_traffic(traffic_name), rng=rng)
    got = np.array([unpack(beat[0]) for beat in result.outputs], dtype=np.uint64)
    bad = np.argwhere(got != expected)
    for r, j in bad[:5]:
        dut._log.error("%s row %d lane %d (K=%d) x=%s w=%s: RTL %#x, golden %#x", label, r, j,
                       x.shape[1], [hex(int(v)) for v in x[r, :8]],
                       [hex(int(v)) for v in w[:8, j]], int(got[r, j]), int(expected[r, j]))
    assert len(bad) == 0, (f"{label}/{traffic_name}: {len(bad)} of {expected.size} results "
                           f"differ (M={x.shape[0]}, K={x.shape[1]})")
    await streams.assert_quiet(dut, PARAMS.get("latency", 16) + 4)
    return result


@cocotb.test()
async def test_random_gemms(dut):
    """Random GEMMs (M 1..12, K 1..40; random patterns and normal values), every traffic."""
    await start(dut)
    requested = int(os.environ.get("KANIWA_ROWS", "300"))
    rng = np.random.default_rng(cocotb.RANDOM_SEED)
    pyrng = random.Random(cocotb.RANDOM_SEED)
    total = 0
    for name in TRAFFIC_NAMES:
        rows = 0
        while rows < -(-requested // len(TRAFFIC_NAMES)):
            x, w = random_gemm(rng)
            await check_gemm(dut, x, w, name, pyrng, "gemm")
            rows += x.shape[0]
        total += rows
    dut._log.info("%d GEMM rows × %d lanes bit-exact for %s (seed %d)", total, LANES, FMT,
                  cocotb.RANDOM_SEED)


@cocotb.test()
@cocotb.parametrize(traffic=TRAFFIC_NAMES)
async def test_nar_column(dut, traffic):
    """A NaR in one weight column makes only that lane NaR; K = 1 rows included."""
    await start(dut)
    rng = np.random.default_rng(cocotb.RANDOM_SEED)
    pyrng = random.Random(cocotb.RANDOM_SEED)
    for depth in (1, 7, 40):
        x = realistic_patterns(rng, (5, depth))
        x[x == FMT.nar] = 0
        w = realistic_patterns(rng, (depth, LANES))
        w[w == FMT.nar] = 0
        lane = int(rng.integers(0, LANES))
        w[int(rng.integers(0, depth)), lane] = FMT.nar
        expected = golden(x, w)
        assert all(int(v) == FMT.nar for v in expected[:, lane])
        others = [j for j in range(LANES) if j != lane]
        assert not any(int(v) == FMT.nar for v in expected[:, others].ravel())
        await check_gemm(dut, x, w, traffic, pyrng, f"nar-lane{lane}-K{depth}")


@cocotb.test()
async def test_back_to_back_rate(dut):
    """Rows of K = 1 back to back stream at one beat per cycle; first result at ``latency``."""
    await start(dut)
    rng = np.random.default_rng(cocotb.RANDOM_SEED)
    x, w = random_patterns(rng, (200, 1)), random_patterns(rng, (1, LANES))
    result = await check_gemm(dut, x, w, "flow", random.Random(0), "rate")
    latency = PARAMS.get("latency")
    if latency is not None:
        assert result.first_out_cycle == latency, (result.first_out_cycle, latency)
    assert result.cycles <= x.shape[0] + result.first_out_cycle, result.cycles
