"""amaranth.sim unit tests of the posit MAC's components, each against the golden model."""

from __future__ import annotations

import math
import os
import random
import zlib

import numpy as np
import pytest
from amaranth.hdl import signed
from amaranth.sim import Simulator
from kaniwa.golden.posit import (
    PositFormat,
    decode,
    from_float,
    quire_to_posit,
    round_to_posit,
    to_float,
)
from kaniwa.hw.posit import (
    PositDecoder,
    PositEncoder,
    PositMACConfig,
    PositMultiplier,
    QuireAccumulator,
    QuireRounder,
)

EIGHT_BIT = [PositFormat(8, es) for es in range(5)]
SMALL_ODD = [PositFormat(3, 0), PositFormat(4, 1), PositFormat(5, 2), PositFormat(6, 1),
             PositFormat(7, 3), PositFormat(5, 4)]


def fmt_id(fmt):
    return f"p{fmt.n}e{fmt.es}"


def seeded(request):
    """A per-test RNG: seed from the test id, or ``KANIWA_SEED``; printed (shown on failure)."""
    seed = int(os.environ.get("KANIWA_SEED", zlib.crc32(request.node.nodeid.encode())))
    print(f"seed {seed} (KANIWA_SEED={seed} reproduces)")
    return random.Random(seed)


def run(dut, *benches, clock=False):
    sim = Simulator(dut)
    if clock:
        sim.add_clock(1e-6)
    for bench in benches:
        sim.add_testbench(bench)
    sim.run()


# --- decoder ----------------------------------------------------------------------------------

def decoder_mismatches(fmt, patterns, *, stages=0):
    dut = PositDecoder(fmt, stages=stages)
    want = decode(np.array(patterns, dtype=np.uint64), fmt)
    bad = []

    async def bench(ctx):
        if stages:
            ctx.set(dut.en, 1)
        for index, pattern in enumerate(patterns):
            ctx.set(dut.i, pattern)
            if stages:
                await ctx.tick().repeat(stages)
            got = (ctx.get(dut.o.is_zero), ctx.get(dut.o.is_nar))
            expect = (int(want.is_zero[index]), int(want.is_nar[index]))
            if not any(expect):
                got += (ctx.get(dut.o.sign), ctx.get(dut.o.scale), ctx.get(dut.o.significand))
                expect += (int(want.sign[index]), int(want.scale[index]),
                           int(want.significand[index]))
            if got != expect:
                bad.append((pattern, got, expect))

    run(dut, bench, clock=bool(stages))
    return bad


@pytest.mark.parametrize("fmt", EIGHT_BIT + SMALL_ODD, ids=fmt_id)
def test_decoder_exhaustive(fmt):
    assert decoder_mismatches(fmt, list(range(1 << fmt.n))) == []


@pytest.mark.parametrize("stages", [1, 2])
@pytest.mark.parametrize("fmt", [PositFormat(8, 1), PositFormat(6, 3)], ids=fmt_id)
def test_decoder_pipelined_exhaustive(fmt, stages):
    assert decoder_mismatches(fmt, list(range(1 << fmt.n)), stages=stages) == []


@pytest.mark.parametrize("fmt", [PositFormat(16, 1), PositFormat(16, 2), PositFormat(32, 2),
                                 PositFormat(32, 4), PositFormat(13, 0)], ids=fmt_id)
def test_decoder_random(fmt, request):
    rng = seeded(request)
    patterns = [0, fmt.nar, 1, fmt.mask, fmt.maxpos, fmt.nar + 1]
    patterns += [rng.randrange(1 << fmt.n) for _ in range(400)]
    assert decoder_mismatches(fmt, patterns) == []


# --- multiplier -------------------------------------------------------------------------------

def _decoded(want, index):
    return {"sign": int(want.sign[index]), "scale": int(want.scale[index]),
            "significand": int(want.significand[index]), "is_zero": int(want.is_zero[index]),
            "is_nar": int(want.is_nar[index])}


@pytest.mark.parametrize("fmt", [PositFormat(8, 0), PositFormat(6, 1), PositFormat(16, 1),
                                 PositFormat(16, 2), PositFormat(32, 2), PositFormat(5, 4)],
                         ids=fmt_id)
def test_multiplier_random(fmt, request):
    rng = seeded(request)
    a = [rng.randrange(1 << fmt.n) for _ in range(300)] + [0, fmt.nar, 0, 5, fmt.nar]
    b = [rng.randrange(1 << fmt.n) for _ in range(300)] + [fmt.nar, 0, 7, 0, fmt.nar]
    da = decode(np.array(a, dtype=np.uint64), fmt)
    db = decode(np.array(b, dtype=np.uint64), fmt)
    dut = PositMultiplier(fmt)
    bad = []

    async def bench(ctx):
        for index in range(len(a)):
            ctx.set(dut.a, _decoded(da, index))
            ctx.set(dut.b, _decoded(db, index))
            nar = bool(da.is_nar[index] or db.is_nar[index])
            zero = not nar and bool(da.is_zero[index] or db.is_zero[index])
            expect = (int(zero), int(nar))
            got = (ctx.get(dut.o.is_zero), ctx.get(dut.o.is_nar))
            if not (zero or nar):
                expect += (int(da.sign[index] ^ db.sign[index]),
                           int(da.scale[index]) + int(db.scale[index]),
                           int(da.significand[index]) * int(db.significand[index]))
                got += (ctx.get(dut.o.sign), ctx.get(dut.o.scale), ctx.get(dut.o.significand))
            if got != expect:
                bad.append((a[index], b[index], got, expect))

    run(dut, bench)
    assert bad == []


# --- encoder ----------------------------------------------------------------------------------

def encoder_mismatches(fmt, cases, significand_bits, scale_shape=None, want=None):
    """``cases``: (sign, scale, significand, sticky); expected: golden round_to_posit."""
    if want is None:
        sign, scale, sig, sticky = (np.array(column) for column in zip(*cases))
        want = round_to_posit(sign, scale, sig.astype(np.uint64), significand_bits, sticky, fmt)
    dut = PositEncoder(fmt, significand_bits, scale_shape)
    bad = []

    async def bench(ctx):
        for (s, e, m, t), expect in zip(cases, want):
            ctx.set(dut.sign, s)
            ctx.set(dut.scale, e)
            ctx.set(dut.significand, m)
            ctx.set(dut.sticky, t)
            got = ctx.get(dut.posit)
            if got != int(expect):
                bad.append(((s, e, m, t), got, int(expect)))
        ctx.set(dut.is_zero, 1)
        if ctx.get(dut.posit) != 0:
            bad.append(("zero", ctx.get(dut.posit), 0))
        ctx.set(dut.is_nar, 1)
        if ctx.get(dut.posit) != fmt.nar:
            bad.append(("nar", ctx.get(dut.posit), fmt.nar))

    run(dut, bench)
    return bad


@pytest.mark.parametrize("fmt", EIGHT_BIT + SMALL_ODD, ids=fmt_id)
def test_encoder_exhaustive(fmt):
    """Every sign, scale (max_scale + 3 beyond either end), significand, sticky."""
    bits = fmt.fraction_bits + 2          # as the quire rounder feeds it
    cases = [(s, e, m, t)
             for s in (0, 1)
             for e in range(-fmt.max_scale - 3, fmt.max_scale + 4)
             for m in range(1 << (bits - 1), 1 << bits)
             for t in (0, 1)]
    assert encoder_mismatches(fmt, cases, bits, signed(10)) == []


@pytest.mark.parametrize("fmt", EIGHT_BIT + [PositFormat(16, 1), PositFormat(32, 2)],
                         ids=fmt_id)
def test_encoder_from_float(fmt, request):
    """53-bit significands from float64: the encoder is golden ``from_float``; every midpoint
    between neighbouring 8-bit posits (the ties) included."""
    rng = seeded(request)
    values = [rng.choice((-1, 1)) * 2.0 ** rng.uniform(-1.3 * fmt.max_scale, 1.3 * fmt.max_scale)
              for _ in range(300)]
    if fmt.n <= 8:
        reals = sorted(v for v in to_float(np.arange(1 << fmt.n, dtype=np.uint64), fmt)
                       if not math.isnan(v))
        values += [(x + y) / 2 for x, y in zip(reals, reals[1:])]
        values += reals
    values = [v for v in values if v != 0]
    cases = []
    for value in values:
        mantissa, exponent = math.frexp(abs(value))
        cases.append((int(value < 0), exponent - 1, int(math.ldexp(mantissa, 53)), 0))
    want = from_float(np.array(values), fmt)
    assert encoder_mismatches(fmt, cases, 53, signed(12), want) == []


# --- accumulator ------------------------------------------------------------------------------

@pytest.mark.parametrize("config", [PositMACConfig(8, 2, segment_bits=16),
                                    PositMACConfig(6, 1, segment_bits=8),
                                    PositMACConfig(8, 0, segment_bits=128),
                                    PositMACConfig(16, 1, segment_bits=64)],
                         ids=lambda c: c.stem)
def test_accumulator_random(config, request):
    """Groups of random exact products, with enable gaps: the carry-save sum is exact."""
    rng = seeded(request)
    fmt = config.fmt
    width, seg = config.accumulator_width, config.segment_bits
    frac2 = 2 * fmt.fraction_bits
    dut = QuireAccumulator(config)
    groups = []
    for _ in range(40):
        group = []
        for _ in range(rng.randint(1, 8)):
            kind = rng.random()
            group.append({
                "sign": rng.randrange(2),
                "scale": rng.randint(-2 * fmt.max_scale, 2 * fmt.max_scale),
                "significand": rng.randrange(1 << frac2, 1 << (frac2 + 2)),
                "is_zero": int(kind < 0.1), "is_nar": int(0.1 <= kind < 0.15)})
        groups.append(group)

    def exact(group):
        total = 0
        for p in group:
            if not (p["is_zero"] or p["is_nar"]):
                value = p["significand"] << (p["scale"] + 2 * fmt.max_scale)
                total += -(value >> frac2) if p["sign"] else value >> frac2
        return total % (1 << width), any(p["is_nar"] for p in group)

    expect = [exact(group) for group in groups]
    got = []

    async def bench(ctx):
        beats = [(p, int(i == len(g) - 1)) for g in groups for i, p in enumerate(g)]
        index = 0
        while len(got) < len(groups):
            en = rng.random() < 0.8
            ctx.set(dut.en, en)
            valid = index < len(beats) and rng.random() < 0.8
            ctx.set(dut.i_valid, valid)
            if valid:
                ctx.set(dut.i_product, beats[index][0])
                ctx.set(dut.i_last, beats[index][1])
            if en and ctx.get(dut.o_valid):
                carry = ctx.get(dut.o_carry)
                total = ctx.get(dut.o_sum) + sum(1 << (j * seg) for j in range(carry.bit_length())
                                                 if carry >> j & 1)
                got.append((total % (1 << width), bool(ctx.get(dut.o_nar))))
            await ctx.tick()
            if en and valid:
                index += 1

    run(dut, bench, clock=True)
    assert got == expect


# --- rounder ----------------------------------------------------------------------------------

def quire_cases(config, rng, count):
    """Exact quire values around every boundary the rounder has, and random ones."""
    fmt, width = config.fmt, config.quire_width
    limit = 1 << (width - 1)
    values = [0, 1, -1, 2, -2, limit - 1, -(limit - 1), limit, -limit, limit + 1, -limit - 1]
    for scale in (fmt.max_scale, 3 * fmt.max_scale):   # minpos and maxpos in quire units
        for delta in (-2, -1, 0, 1, 2):
            for base in (1 << (scale + delta), (1 << (scale + delta)) - 1,
                         (1 << (scale + delta)) + 1):
                values += [base, -base]
    for _ in range(count):
        bits = rng.randint(0, width + 2)
        value = rng.getrandbits(bits) if bits else 0
        if rng.random() < 0.3:                          # a long run of ones or zeros below
            cut = rng.randint(0, max(0, bits - 1))
            value = (value >> cut << cut) | (((1 << cut) - 1) if rng.random() < 0.5 else 0)
        values.append(-value if rng.random() < 0.5 else value)
    return values


@pytest.mark.parametrize("config", [PositMACConfig(8, 0), PositMACConfig(8, 0, segment_bits=128),
                                    PositMACConfig(8, 2, segment_bits=16),
                                    PositMACConfig(6, 1, segment_bits=8),
                                    PositMACConfig(5, 4, segment_bits=64),
                                    PositMACConfig(8, 1, quire_width=50),
                                    PositMACConfig(16, 1), PositMACConfig(16, 2, segment_bits=64),
                                    PositMACConfig(32, 2)], ids=lambda c: c.stem)
def test_rounder_random(config, request):
    """Quire values in random carry-save form, NaR flags, enable gaps: golden quire_to_posit."""
    rng = seeded(request)
    fmt, width, seg = config.fmt, config.accumulator_width, config.segment_bits
    segments = -(-width // seg)
    values = quire_cases(config, rng, 250)
    nars = [rng.random() < 0.05 for _ in values]
    expect = [int(x) for x in quire_to_posit(values, fmt, config.quire_width, nar=nars)]
    dut = QuireRounder(config)
    got = []

    async def bench(ctx):
        index = 0
        while len(got) < len(values):
            en = rng.random() < 0.8
            ctx.set(dut.en, en)
            valid = index < len(values) and rng.random() < 0.8
            ctx.set(dut.i_valid, valid)
            if valid:
                carry = rng.getrandbits(segments) & ~1
                carried = sum(1 << (j * seg) for j in range(segments) if carry >> j & 1)
                ctx.set(dut.i_sum, (values[index] - carried) % (1 << width))
                ctx.set(dut.i_carry, carry)
                ctx.set(dut.i_nar, nars[index])
            if en and ctx.get(dut.o_valid):
                got.append(ctx.get(dut.o_posit))
            await ctx.tick()
            if en and valid:
                index += 1

    run(dut, bench, clock=True)
    bad = [(hex(v), g, e) for v, g, e in zip(values, got, expect) if g != e]
    assert bad == []
