"""Throughput of the golden model against a per-element SoftPosit loop, side by side.

Both sides take bit patterns in and give bit patterns out. The SoftPosit side is the fastest
per-element Python loop: its C functions (``p16_mul``, ``q32_fdp_add``, …) called on reused
``posit*_t`` structs, not the slower ``softposit.posit16`` wrapper class. Dot products count one
operation per product (multiply-accumulate). Inputs are the same kind on both sides (the SoftPosit
loop takes the first ``softposit_size`` of them): posits from normal samples scaled by 2^±8.

Run ``python -m kaniwa.golden.posit.bench`` for a table.
"""

from __future__ import annotations

import time
from types import SimpleNamespace

import numpy as np

from . import add, fma, from_float, mul, quire_dot
from .format import PositFormat

__all__ = ["run"]

#: (name, format, SoftPosit prefix or "pX2" for the any-n es=2 type)
FORMATS = [("posit16", PositFormat(16, 1), "p16"), ("posit32", PositFormat(32, 2), "p32"),
           ("posit16_es2", PositFormat(16, 2), "pX2")]
OPS = ("mul", "add", "fma", "dot")


def _best_of(repeats: int, fn) -> float:
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def _golden(op: str, fmt: PositFormat, a, b, c, group: int):
    if op == "mul":
        return lambda: mul(a, b, fmt)
    if op == "add":
        return lambda: add(a, b, fmt)
    if op == "fma":
        return lambda: fma(a, b, c, fmt)
    return lambda: quire_dot(a.reshape(-1, group), b.reshape(-1, group), fmt)


def _softposit_api(fmt: PositFormat, prefix: str) -> SimpleNamespace:
    """SoftPosit's C functions for ``fmt``; ``extra`` are trailing arguments (n for posit_2)."""
    import softposit as sp

    if prefix == "pX2":
        return SimpleNamespace(
            struct=sp.posit_2_t, shift=32 - fmt.n, extra=(fmt.n,), mul=sp.pX2_mul, add=sp.pX2_add,
            fma=sp.pX2_mulAdd, clear=sp.qX2Clr, fdp=sp.qX2_fdp_add,
            to_posit=sp.qX2_to_pX2)
    quire = "q" + prefix[1:]
    return SimpleNamespace(
        struct=getattr(sp, f"posit{fmt.n}_t"), shift=0, extra=(), mul=getattr(sp, f"{prefix}_mul"),
        add=getattr(sp, f"{prefix}_add"), fma=getattr(sp, f"{prefix}_mulAdd"),
        clear=getattr(sp, f"{quire}Clr"), fdp=getattr(sp, f"{quire}_fdp_add"),
        to_posit=getattr(sp, f"{quire}_to_{prefix}"))


def _softposit(op: str, fmt: PositFormat, prefix: str, a, b, c, group: int):
    """A per-element loop over SoftPosit: bit patterns in (a list), bit patterns out.

    The plain types get the leanest loop body; posit_2 needs n as an argument and shifted bits.
    """
    api = _softposit_api(fmt, prefix)
    shift, n = api.shift, fmt.n
    a, b, c = ([int(v) << shift for v in x] for x in (a, b, c))
    x, y, z = api.struct(), api.struct(), api.struct()
    fn = getattr(api, op, None)          # None for "dot"

    def binary():
        out = []
        for u, v in zip(a, b):
            x.v, y.v = u, v
            out.append(fn(x, y).v)
        return out

    def binary_x2():
        out = []
        for u, v in zip(a, b):
            x.v, y.v = u, v
            out.append(fn(x, y, n).v >> shift)
        return out

    def ternary():
        out = []
        for u, v, w in zip(a, b, c):
            x.v, y.v, z.v = u, v, w
            out.append(fn(x, y, z).v)
        return out

    def ternary_x2():
        out = []
        for u, v, w in zip(a, b, c):
            x.v, y.v, z.v = u, v, w
            out.append(fn(x, y, z, n).v >> shift)
        return out

    def dot():
        clear, fdp, to_posit, extra, out = api.clear, api.fdp, api.to_posit, api.extra, []
        for start in range(0, len(a), group):
            q = clear()
            for u, v in zip(a[start:start + group], b[start:start + group]):
                x.v, y.v = u, v
                q = fdp(q, x, y)
            out.append(to_posit(q, *extra).v >> shift)
        return out

    if op == "dot":
        return dot
    if op == "fma":
        return ternary_x2 if api.extra else ternary
    return binary_x2 if api.extra else binary


def run(seed: int = 0, size: int = 200_000, softposit_size: int = 20_000, group: int = 16,
        repeats: int = 3) -> dict:
    """Measure golden vs SoftPosit throughput (operations per second, best of ``repeats``).

    Returns
    -------
    dict
        ``{"posit_golden_throughput": [{"format", "n", "es", "op", "golden_ops_per_s",
        "softposit_ops_per_s", "speedup", "softposit_mismatches", ...}, ...]}``; the mismatch count
        compares the golden results with SoftPosit's on the SoftPosit sample.
    """
    rng = np.random.default_rng(seed)
    size -= size % group
    softposit_size -= softposit_size % group
    rows = []
    for name, fmt, prefix in FORMATS:
        a, b, c = (from_float(rng.standard_normal(size) * np.exp2(rng.integers(-8, 9, size)), fmt)
                   for _ in range(3))
        for op in OPS:
            golden = _golden(op, fmt, a, b, c, group)
            golden_time = _best_of(repeats, golden)
            small = [x[:softposit_size] for x in (a, b, c)]
            loop = _softposit(op, fmt, prefix, *small, group)
            soft_time = _best_of(repeats, loop)
            expected = _golden(op, fmt, *small, group)()
            mismatches = int(np.count_nonzero(np.asarray(loop(), dtype=np.uint64) != expected))
            golden_rate, soft_rate = size / golden_time, softposit_size / soft_time
            rows.append({
                "format": name, "n": fmt.n, "es": fmt.es,
                "op": f"dot{group}" if op == "dot" else op,
                "golden_ops_per_s": round(golden_rate), "softposit_ops_per_s": round(soft_rate),
                "speedup": round(golden_rate / soft_rate, 1),
                "golden_size": size, "softposit_size": softposit_size,
                "softposit_mismatches": mismatches, "seed": seed,
            })
    return {"posit_golden_throughput": rows}


def _table(result: dict) -> str:
    lines = [f"{'format':<12} {'op':<6} {'golden op/s':>13} {'SoftPosit op/s':>15} {'speedup':>8}"
             f" {'mismatch':>8}"]
    for row in result["posit_golden_throughput"]:
        lines.append(f"{row['format']:<12} {row['op']:<6} {row['golden_ops_per_s']:>13,} "
                     f"{row['softposit_ops_per_s']:>15,} {row['speedup']:>7.1f}x "
                     f"{row['softposit_mismatches']:>8}")
    return "\n".join(lines)


if __name__ == "__main__":
    print(_table(run()))
