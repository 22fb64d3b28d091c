"""Verilog generation: a configuration → ``<stem>.v`` + ``<stem>.params.json``; the manifest."""

from __future__ import annotations

import json
from pathlib import Path

from amaranth import Signal
from amaranth.back import verilog
from amaranth.lib import wiring

from kaniwa.files import write_json_atomic, write_text_atomic
from kaniwa.registry import Block

__all__ = ["elaborate", "port_list", "emit", "update_manifest"]


def port_list(component: wiring.Component) -> list[dict]:
    """The top module's ports as users see them in Verilog: clk and rst first, then the members."""
    ports = [{"name": "clk", "direction": "input", "width": 1},
             {"name": "rst", "direction": "input", "width": 1}]
    for path, member, value in component.signature.flatten(component):
        assert isinstance(value, Signal), path
        ports.append({
            "name": "__".join(map(str, path)),
            "direction": "input" if member.flow == wiring.In else "output",
            "width": len(value),
        })
    return ports


def elaborate(block: Block, config) -> tuple[str, dict]:
    """Verilog text and the ``params.json`` contents of one configuration (nothing written).

    ``params.json`` is the software contract: the configuration with its derived sizes, the
    module name, the ports, and what the hardware itself reports (e.g. its ``latency``).
    """
    top = block.build(config)
    text = verilog.convert(top, name=config.stem, emit_src=False)
    params = {**config.to_json(), "module": config.stem, "ports": port_list(top)}
    for name in ("latency",):
        if hasattr(top, name):
            params[name] = getattr(top, name)
    return text, params


def emit(block: Block, config, out_dir: Path, design: tuple[str, dict] | None = None) -> dict:
    """Write ``<stem>.v`` and ``<stem>.params.json`` under ``out_dir``; return the manifest entry.

    ``design`` is what :func:`elaborate` returned for ``config``, when the caller already has it.
    Elaboration happens before anything is written, so a failing configuration leaves ``out_dir``
    as it was.
    """
    text, params = design if design is not None else elaborate(block, config)
    out_dir = Path(out_dir)
    entry = {
        "file": f"{config.stem}.v",
        "module": config.stem,
        "block": block.name,
        "params_file": f"{config.stem}.params.json",
        "params": {k: v for k, v in params.items() if k not in ("module", "ports")},
        "ports": params["ports"],
    }
    write_json_atomic(out_dir / entry["params_file"], params)
    write_text_atomic(out_dir / entry["file"], text)
    return entry


def update_manifest(out_dir: Path, entries: list[dict]) -> Path:
    """Merge ``entries`` into ``out_dir/manifest.json`` (by file name) and return its path."""
    path = Path(out_dir) / "manifest.json"
    existing = {}
    if path.exists():
        try:
            existing = {e["file"]: e for e in json.loads(path.read_text())["files"]}
        except (ValueError, KeyError, TypeError):
            existing = {}
    for entry in entries:
        existing[entry["file"]] = entry
    files = [existing[name] for name in sorted(existing)
             if (Path(out_dir) / name).exists()]
    write_json_atomic(path, {"generator": "kaniwa", "files": files})
    return path
