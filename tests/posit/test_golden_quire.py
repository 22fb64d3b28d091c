"""The golden quire (exact dot products, one rounding, NaR on overflow) against exact rationals
and SoftPosit's quires. Seeds derive from KANIWA_SEED (default 0) and are printed."""

import itertools
import os
import zlib
from fractions import Fraction

import numpy as np
import pytest
import softposit as sp
from kaniwa.golden.posit import (
    PositFormat,
    from_float,
    mul,
    neg,
    quire_dot,
    quire_dot_groups,
    quire_exact,
    quire_to_posit,
)

from kaniwa.params import ParameterError

from .rational import oracle

FORMATS = [PositFormat(n, es) for n, es in [
    (8, 0), (8, 1), (8, 2), (8, 3), (8, 4), (16, 1), (16, 2), (32, 2), (12, 1), (10, 3), (3, 0),
    (5, 4), (24, 4), (32, 0)]]


def rng_for(name: str) -> np.random.Generator:
    seed = int(os.environ.get("KANIWA_SEED", "0")) + zlib.crc32(name.encode())
    print(f"{name}: seed {seed}")
    return np.random.default_rng(seed)


def exact_sum(fmt, a, b):
    """Σ a_i·b_i as a Fraction, or None if an operand is NaR."""
    o = oracle(fmt.n, fmt.es)
    total = Fraction(0)
    for x, y in zip(a, b):
        vx, vy = o.value(int(x)), o.value(int(y))
        if vx is None or vy is None:
            return None
        total += vx * vy
    return total


def check_groups(fmt, a, b, quire_width=None, what=""):
    """quire_dot, quire_exact and quire_to_posit on 2-D groups against the rational oracle."""
    width = fmt.default_quire_width if quire_width is None else quire_width
    o = oracle(fmt.n, fmt.es)
    got = quire_dot(a, b, fmt, quire_width)
    q, nar = quire_exact(a, b, fmt)
    lsb = Fraction(2) ** fmt.quire_lsb_scale
    for i, (x, y) in enumerate(zip(a, b)):
        total = exact_sum(fmt, x, y)
        assert bool(nar[i]) == (total is None), (what, i)
        if total is not None:
            assert q[i] * lsb == total, (what, i)
        want = o.dot([int(v) for v in x], [int(v) for v in y], width)
        assert got[i] == want, f"{what} group {i}: got {got[i]:#x}, want {want:#x}"
    assert (quire_to_posit(q, fmt, quire_width, nar=nar) == got).all(), what


def random_groups(fmt, rng, groups, length):
    normal = lambda: from_float(  # noqa: E731
        rng.standard_normal((groups, length)) * np.exp2(rng.integers(-6, 7, (groups, length))), fmt)
    uniform = lambda: rng.integers(0, 1 << fmt.n, (groups, length), dtype=np.uint64)  # noqa: E731
    a, b = normal(), normal()
    a[::2], b[1::2] = uniform()[::2], uniform()[1::2]
    a[a == fmt.nar] = 0   # NaR gets its own tests
    b[b == fmt.nar] = 0
    return a, b


@pytest.mark.parametrize("fmt", FORMATS, ids=str)
def test_random_dot_vs_rational(fmt):
    rng = rng_for(f"dot-{fmt}")
    for length in (1, 2, 3, 7, 16, 64) if fmt.n <= 16 else (1, 3, 16, 64):
        groups = 40 if fmt.n <= 16 else 12
        a, b = random_groups(fmt, rng, groups, length)
        # cancelling pairs: the second half of each group negates the first
        half = length // 2
        a[:groups // 4, half:2 * half] = a[:groups // 4, :half]
        b[:groups // 4, half:2 * half] = neg(b[:groups // 4, :half], fmt)
        b[:groups // 8, 0] ^= 1                      # …nearly
        check_groups(fmt, a, b, what=f"{fmt} length {length}")


@pytest.mark.parametrize("fmt", [PositFormat(8, 0), PositFormat(16, 1), PositFormat(32, 2)],
                         ids=str)
def test_long_groups_vs_rational(fmt):
    rng = rng_for(f"long-{fmt}")
    a, b = random_groups(fmt, rng, 3, 1000)
    check_groups(fmt, a, b, what=f"{fmt} 1000 pairs")


@pytest.mark.parametrize("fmt", [PositFormat(8, 0), PositFormat(8, 3), PositFormat(5, 4)], ids=str)
def test_one_term_groups_are_mul_exhaustive(fmt):
    a, b = np.meshgrid(np.arange(1 << fmt.n, dtype=np.uint64),
                       np.arange(1 << fmt.n, dtype=np.uint64), indexing="ij")
    assert (quire_dot(a[..., None], b[..., None], fmt) == mul(a, b, fmt)).all()


def test_one_term_groups_are_mul_random():
    rng = rng_for("one-term")
    for fmt in [PositFormat(32, 2), PositFormat(32, 0), PositFormat(24, 4), PositFormat(16, 1)]:
        a, b = (rng.integers(0, 1 << fmt.n, 20000, dtype=np.uint64) for _ in range(2))
        assert (quire_dot(a[:, None], b[:, None], fmt) == mul(a, b, fmt)).all(), str(fmt)


# --- SoftPosit quires -----------------------------------------------------------------------------

def softposit_dot(fmt, a, b):
    plain = {(8, 0): (sp.posit8_t, sp.q8Clr, sp.q8_fdp_add, sp.q8_to_p8),
             (16, 1): (sp.posit16_t, sp.q16Clr, sp.q16_fdp_add, sp.q16_to_p16),
             (32, 2): (sp.posit32_t, sp.q32Clr, sp.q32_fdp_add, sp.q32_to_p32)}
    if (fmt.n, fmt.es) in plain:
        struct, clear, fdp, to_posit = plain[(fmt.n, fmt.es)]
        shift, extra = 0, ()
    else:
        assert fmt.es == 2
        struct, clear, fdp, to_posit = sp.posit_2_t, sp.qX2Clr, sp.qX2_fdp_add, sp.qX2_to_pX2
        shift, extra = 32 - fmt.n, (fmt.n,)
    x, y, out = struct(), struct(), []
    for row_a, row_b in zip(a.tolist(), b.tolist()):
        q = clear()
        for u, v in zip(row_a, row_b):
            x.v, y.v = u << shift, v << shift
            q = fdp(q, x, y)
        out.append(to_posit(q, *extra).v >> shift)
    return np.array(out, dtype=np.uint64)


@pytest.mark.parametrize("fmt", [PositFormat(n, es) for n, es in [
    (8, 0), (16, 1), (32, 2), (8, 2), (10, 2), (16, 2), (24, 2), (5, 2)]], ids=str)
def test_random_dot_vs_softposit(fmt):
    rng = rng_for(f"softposit-dot-{fmt}")
    # quire8 has 32 bits: keep (8,0) groups short enough that it cannot overflow
    for length in (1, 2, 8) if fmt.n == 8 and fmt.es == 0 else (1, 2, 16, 64):
        a, b = random_groups(fmt, rng, 400, length)
        a[:40, 0] = fmt.nar                          # NaR: SoftPosit's quire is NaR too
        assert (quire_dot(a, b, fmt) == softposit_dot(fmt, a, b)).all(), f"{fmt} {length}"


# --- corner cases --------------------------------------------------------------------------------

@pytest.mark.parametrize("fmt", [PositFormat(8, 0), PositFormat(16, 1), PositFormat(32, 2),
                                 PositFormat(3, 0), PositFormat(5, 4)], ids=str)
def test_corner_groups(fmt):
    maxpos, minpos, nar = fmt.maxpos, fmt.minpos, fmt.nar
    one = int(from_float(1.0, fmt))
    neg_max, neg_min = int(neg(maxpos, fmt)), int(neg(minpos, fmt))
    cases = [
        ([maxpos, maxpos], [maxpos, maxpos], maxpos),           # 2·maxpos² saturates
        ([maxpos, maxpos], [maxpos, neg_max], 0),               # exact cancellation
        ([minpos] * 5, [minpos] * 5, minpos),                   # 5·minpos² rounds up to minpos
        ([minpos, minpos], [minpos, neg_min], 0),
        ([maxpos, minpos, maxpos], [maxpos, minpos, neg_max], minpos),  # minpos² survives
        ([0, 0, 0], [maxpos, nar ^ nar, 1], 0),
        ([one, maxpos, neg_max], [one, minpos, minpos], one),
        ([], [], 0),
    ]
    o = oracle(fmt.n, fmt.es)
    for a, b, want in cases:
        if fmt.n < 8:  # tiny formats: minpos² may not be below minpos's rounding range
            want = o.dot(a, b, fmt.default_quire_width)
        assert o.dot(a, b, fmt.default_quire_width) == want, (a, b)
        for perm in itertools.permutations(range(len(a))):
            a_ = np.array([a[i] for i in perm], dtype=np.uint64)
            b_ = np.array([b[i] for i in perm], dtype=np.uint64)
            assert quire_dot(a_, b_, fmt) == want, (a_, b_)
    # NaR anywhere in a group: first, middle, last, and times zero
    rng = rng_for(f"nar-{fmt}")
    a, b = random_groups(fmt, rng, 6, 5)
    a[0, 0] = a[1, 2] = a[2, 4] = nar
    b[3, 1] = nar
    a[4, 3], b[4, 3] = nar, 0
    got = quire_dot(a, b, fmt)
    assert (got[:5] == nar).all() and got[5] != nar
    q, flags = quire_exact(a, b, fmt)
    assert flags.tolist() == [True] * 5 + [False] and (q[:5] == 0).all()


@pytest.mark.parametrize("fmt", [PositFormat(8, 0), PositFormat(16, 1), PositFormat(32, 2),
                                 PositFormat(12, 3), PositFormat(3, 0)], ids=str)
def test_quire_overflow_boundary(fmt):
    """|Q| ≥ 2^(qw−1) → NaR, decided on the exact final sum: the two sides of the boundary."""
    maxpos, minpos = fmt.maxpos, fmt.minpos
    neg_min = int(neg(minpos, fmt))
    width = fmt.min_quire_width           # maxpos² = 2^(qw − 2) quire units
    assert quire_dot([maxpos], [maxpos], fmt, width) == maxpos
    for extra in (3, 0):
        width = fmt.min_quire_width + extra
        count = 2 << extra                # count·maxpos² = 2^(qw − 1) exactly
        big = [maxpos] * count
        below = ([minpos] + big, [neg_min] + big)     # 2^(qw−1) − 1: fits
        above = ([minpos] + big, [minpos] + big)      # 2^(qw−1) + 1: overflows
        exact = (big, big)                            # 2^(qw−1): overflows
        assert quire_dot(*below, fmt, width) == maxpos
        assert quire_dot(*above, fmt, width) == fmt.nar
        assert quire_dot(*exact, fmt, width) == fmt.nar
        negative = (big, [int(neg(maxpos, fmt))] * count)
        assert quire_dot(*negative, fmt, width) == fmt.nar   # −2^(qw−1) is NaR as well
        # order does not matter: the overflow is judged on the final sum only
        rev = (below[0][::-1], below[1][::-1])
        assert quire_dot(*rev, fmt, width) == maxpos
        assert quire_dot(*exact, fmt, width + 1) == maxpos
        q, _ = quire_exact(*below, fmt)
        assert q == (1 << (width - 1)) - 1
        check_groups(fmt, np.array([below[0], above[0]]), np.array([below[1], above[1]]),
                     width, f"{fmt} boundary {width}")
    half = 1 << (width - 1)
    for q, want in [(half - 1, maxpos), (half, fmt.nar), (1 - half, int(neg(maxpos, fmt))),
                    (-half, fmt.nar), (1, minpos), (-1, neg_min), (0, 0)]:
        assert quire_to_posit([q], fmt, width)[0] == want, q


def test_axis_and_broadcasting():
    fmt = PositFormat(16, 2)
    rng = rng_for("axis")
    a = rng.integers(0, 1 << 16, (3, 5, 7), dtype=np.uint64)
    b = rng.integers(0, 1 << 16, (3, 5, 7), dtype=np.uint64)
    a[a == fmt.nar] = 0
    want = quire_dot(a, b, fmt)
    assert want.shape == (3, 5)
    assert (quire_dot(np.moveaxis(a, 2, 0), np.moveaxis(b, 2, 0), fmt, axis=0) == want).all()
    assert (quire_dot(np.moveaxis(a, 2, 1), np.moveaxis(b, 2, 1), fmt, axis=1) == want).all()
    vector = b[0, 0]
    assert (quire_dot(a, vector, fmt) == quire_dot(a, np.broadcast_to(vector, a.shape), fmt)).all()
    assert quire_dot(a[0, 0].tolist(), vector.tolist(), fmt) == want[0, 0]
    q, nar = quire_exact(a, b, fmt, axis=1)
    assert q.shape == nar.shape == (3, 7)
    assert quire_dot(np.zeros((4, 0), dtype=np.uint64), np.zeros((4, 0), dtype=np.uint64),
                     fmt).tolist() == [0] * 4


def test_quire_width_is_checked():
    fmt = PositFormat(8, 0)
    assert fmt.min_quire_width == 26 and fmt.default_quire_width == 56
    with pytest.raises(ParameterError, match=r"^quire_width must be an integer in 26\.\.154, "
                                             r"not 25 \(for posit\(8,0\)\)$"):
        quire_dot([1], [1], fmt, quire_width=25)
    with pytest.raises(ValueError, match=r"^quire operands must have at least one dimension, "
                                         r"not 0$"):
        quire_dot(1, 1, fmt)
    with pytest.raises(ValueError,
                       match=r"^posit\(8,0\) bit pattern must be in 0\.\.255, not 256$"):
        quire_dot([1, 256], [1, 1], fmt)


def test_quire_dot_groups_equals_quire_dot_per_group():
    fmt = PositFormat(12, 1)
    rng = np.random.default_rng(5)
    groups = [(rng.integers(0, 1 << 12, n, dtype=np.uint64),
               rng.integers(0, 1 << 12, n, dtype=np.uint64)) for n in (1, 7, 3, 30)]
    got = quire_dot_groups(groups, fmt)
    assert [int(g) for g in got] == [int(quire_dot(a, b, fmt)) for a, b in groups]
    with pytest.raises(ValueError, match=r"^group 1 must have equally many a and b, at least "
                                         r"one, not 2 and 1$"):
        quire_dot_groups([([1], [1]), ([1, 2], [3])], fmt)
