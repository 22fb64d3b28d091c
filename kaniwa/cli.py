"""The ``kaniwa`` command line: list, verilog, sim, synth, bench.

Bad input gets one line on stderr naming the bad value and exit code 2, and nothing is written;
a failing tool or simulation exits 1.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

from kaniwa.params import ParameterError

__all__ = ["main"]

EXIT_BAD_INPUT = 2
EXIT_FAILED = 1


class UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    """argparse, but errors are one line and exit 2 without the usage dump."""

    def error(self, message):
        raise UsageError(message)


_INT = re.compile(r"^[+-]?(0x[0-9a-fA-F]+|0b[01]+|\d+)$")


def _value(text: str):
    """CLI text → int where it reads as one; anything else is passed on for the config to refuse
    by name ("n must be an integer in 3..32, not 'sixteen'")."""
    if _INT.match(text):
        try:
            return int(text, 0)
        except ValueError:  # "016": not a Python integer literal; the config names it
            return text
    if text.lower() == "none":
        return None
    return text


def _block_params(block, argv: list[str]) -> dict:
    parser = _Parser(prog=f"kaniwa ... {block.name}", add_help=False, allow_abbrev=False)
    for p in block.params:
        flags = [p.option] + ([f"--{p.name}"] if "_" in p.name else [])
        parser.add_argument(*flags, dest=p.name, type=_value, default=argparse.SUPPRESS)
    values, rest = parser.parse_known_args(argv)
    if rest:
        known = ", ".join(p.option for p in block.params)
        raise UsageError(f"unknown option {rest[0]!r} for block {block.name} (it takes {known})")
    return vars(values)


def _cmd_list(args, rest) -> int:
    from kaniwa.registry import blocks

    if rest:
        raise UsageError(f"unexpected argument {rest[0]!r}")
    data = []
    for block in blocks().values():
        data.append({"block": block.name, "folder": block.folder, "summary": block.summary,
                     "presets": list(block.presets),
                     "params": [{"name": p.name, "default": p.default,
                                 "range": p.describe_range(), "help": p.help}
                                for p in block.params]})
    if args.json:
        print(json.dumps(data, indent=2))
        return 0
    for entry in data:
        print(f"{entry['block']}  (hw/{entry['folder']})  {entry['summary']}")
        for p in entry["params"]:
            default = "derived" if p["default"] is None else p["default"]
            print(f"  --{p['name'].replace('_', '-'):<14} default {default!s:<8} "
                  f"range {p['range']:<12} {p['help']}")
        print(f"  presets: {', '.join(entry['presets'])}")
    return 0


def _configs(args, rest):
    """(block, config) pairs a command acts on: one from BLOCK + --PARAM options, or the presets."""
    from kaniwa.registry import blocks, get_block

    if args.block is None:
        if not args.presets:
            raise UsageError("name a block (see `kaniwa list`) or give --presets")
        if rest:
            raise UsageError(f"unexpected argument {rest[0]!r} with --presets")
        return [(b, c) for b in blocks().values() for c in b.presets.values()]
    block = get_block(args.block)
    if args.presets:
        if rest:
            raise UsageError(f"unexpected argument {rest[0]!r} with --presets")
        return [(block, c) for c in block.presets.values()]
    return [(block, block.make_config(**_block_params(block, rest)))]


def _cmd_verilog(args, rest) -> int:
    from kaniwa.generate import elaborate, emit, update_manifest

    pairs = _configs(args, rest)
    # Elaborate every configuration before writing any file: all or nothing.
    designs = [elaborate(block, config) for block, config in pairs]
    out_dir = Path(args.output)
    entries = [emit(block, config, out_dir, design)
               for (block, config), design in zip(pairs, designs)]
    manifest = update_manifest(out_dir, entries)
    for entry in entries:
        print(f"{out_dir / entry['file']}  ({entry['module']})")
    print(f"{manifest}")
    return 0


def _cmd_sim(args, rest) -> int:
    import importlib

    from kaniwa.registry import get_block
    from kaniwa.sim.runner import run_bench

    if rest:
        raise UsageError(f"unexpected argument {rest[0]!r}")
    block = get_block(args.block)
    if not block.sim_benches:
        raise UsageError(f"block {block.name} has no cocotb benches")
    benches = importlib.import_module(block.sim_benches).benches(args.simulator)
    if args.bench:
        names = [b.name for b in benches]
        benches = [b for b in benches if b.name == args.bench]
        if not benches:
            raise UsageError(f"unknown bench {args.bench!r}; benches: {', '.join(names)}")
    failures = 0
    for bench in benches:
        try:
            result = run_bench(bench, simulator=args.simulator, seed=args.seed,
                               waves=args.waves or None, testcase=args.test)
            print(f"PASS {bench.name}: {result.tests} tests, seed {result.seed}"
                  + (f", waves {', '.join(map(str, result.waves))}" if result.waves else ""))
        except AssertionError as error:
            failures += 1
            print(f"FAIL {error}")
    print(f"{len(benches) - failures} passed, {failures} failed")
    return EXIT_FAILED if failures else 0


def _cmd_synth(args, rest) -> int:
    from kaniwa.boards.targets import TARGETS, get_target
    from kaniwa.synth import synthesize

    targets = list(TARGETS) if args.target == "all" else [args.target]
    targets = [get_target(t) for t in targets]
    pairs = _configs(args, rest)
    if args.presets:
        pairs = [(b, b.presets[name]) for b in {b.name: b for b, _ in pairs}.values()
                 for name in b.synth_presets]
    for block, config in pairs:
        for target in targets:
            if args.presets and target.name not in block.synth_targets:
                continue
            report = synthesize(block, config, target, freq_mhz=args.freq, seed=args.seed,
                                update_readme=args.presets)
            res = report["resources"]
            pnr = report.get("place_and_route") or {}
            fmax = pnr.get("fmax_mhz")
            print(f"{config.stem} {target.name}: LUT {res['LUT']} FF {res['FF']} "
                  f"DSP {res['DSP']} BRAM {res['BRAM']} URAM {res['URAM']}"
                  + (f" Fmax {fmax:.1f} MHz" if fmax else "")
                  + (f" does not fit: {', '.join(report['does_not_fit'])}"
                     if report.get("does_not_fit") else "")
                  + (" (estimate, not Vivado)" if report["estimate"] else ""))
    return 0


def _cmd_bench(args, rest) -> int:
    import importlib

    from kaniwa.files import repo_root, write_json_atomic
    from kaniwa.registry import blocks, get_block

    if rest:
        raise UsageError(f"unexpected argument {rest[0]!r}")
    chosen = [get_block(args.block)] if args.block else list(blocks().values())
    names = [name for block in chosen for name in block.benchmarks]
    if args.only and args.only not in names:
        raise UsageError(f"unknown benchmark {args.only!r}; benchmarks: {', '.join(names)}")
    out_dir = Path(args.output) if args.output else repo_root() / "reports" / "bench"
    for block in chosen:
        for name, entry in block.benchmarks.items():
            if args.only and name != args.only:
                continue
            module_name, function = entry.split(":")
            result = getattr(importlib.import_module(module_name), function)()
            path = out_dir / f"{block.name}-{name}.json"
            write_json_atomic(path, result)
            print(f"{path}")
    return 0


def _parser() -> _Parser:
    parser = _Parser(prog="kaniwa", description="Hardware generators with golden models.",
                     allow_abbrev=False)
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    p = sub.add_parser("list", help="blocks and their parameters", allow_abbrev=False)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=_cmd_list)

    p = sub.add_parser("verilog", help="emit Verilog, params.json, manifest", allow_abbrev=False)
    p.add_argument("block", nargs="?")
    p.add_argument("-o", "--output", default="build/verilog")
    p.add_argument("--presets", action="store_true", help="every preset of the block (or all)")
    p.set_defaults(func=_cmd_verilog)

    p = sub.add_parser("sim", help="run a block's cocotb benches", allow_abbrev=False)
    p.add_argument("block")
    p.add_argument("--simulator", choices=("verilator", "icarus"), default="verilator")
    p.add_argument("--seed", type=int)
    p.add_argument("--waves", action="store_true")
    p.add_argument("--bench", help="run only this bench")
    p.add_argument("--test", help="run only the cocotb tests whose names end with this")
    p.set_defaults(func=_cmd_sim)

    p = sub.add_parser("synth", help="synthesize and report resources and Fmax", allow_abbrev=False)
    p.add_argument("block", nargs="?")
    p.add_argument("--target", required=True, choices=("ecp5", "ice40", "xcup", "all"))
    p.add_argument("--presets", action="store_true")
    p.add_argument("--freq", type=float, help="nextpnr target frequency in MHz")
    p.add_argument("--seed", type=int, default=1, help="nextpnr placement seed")
    p.set_defaults(func=_cmd_synth)

    p = sub.add_parser("bench", help="run benchmarks → reports/bench", allow_abbrev=False)
    p.add_argument("block", nargs="?")
    p.add_argument("-o", "--output")
    p.add_argument("--only", help="run only the benchmark of this name")
    p.set_defaults(func=_cmd_bench)
    return parser


def main(argv: list[str] | None = None) -> int:
    from kaniwa.boards.targets import UnknownTargetError
    from kaniwa.registry import UnknownBlockError

    argv = sys.argv[1:] if argv is None else argv
    try:
        args, rest = _parser().parse_known_args(argv)
        return args.func(args, rest)
    except (UsageError, ParameterError, UnknownBlockError, UnknownTargetError) as error:
        print(f"kaniwa: error: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except OSError as error:  # an output that cannot be written, a tool that cannot start
        print(f"kaniwa: error: {error.strerror or error}: {error.filename or ''}".rstrip(": "),
              file=sys.stderr)
        return EXIT_FAILED
    except Exception as error:  # a tool failed: still one line, the details are in its log
        from kaniwa.sim.runner import SimulationFailed
        from kaniwa.synth import SynthesisFailed

        if isinstance(error, (SimulationFailed, SynthesisFailed)):
            print(f"kaniwa: error: {error}", file=sys.stderr)
            return EXIT_FAILED
        raise


if __name__ == "__main__":
    sys.exit(main())
