"""The block registry: every block is declared once, and the CLI, `make verilog`, the cocotb
benches, synthesis and the benchmarks all read it.

A block lives in ``hw/<folder>/block.py`` as ``BLOCKS = [Block(...), ...]``; a new folder is found
without editing this file.
"""

from __future__ import annotations

import dataclasses
import importlib
import pkgutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from kaniwa.params import ParameterError

__all__ = ["Block", "Param", "blocks", "get_block", "UnknownBlockError"]


class UnknownBlockError(ValueError):
    pass


@dataclass(frozen=True)
class Param:
    """One configuration parameter as the CLI and ``kaniwa list`` see it."""

    name: str
    default: object
    help: str
    low: int | None = None
    high: int | None = None
    choices: tuple | None = None
    derived: str | None = None

    @property
    def option(self) -> str:
        return "--" + self.name.replace("_", "-")

    def describe_range(self) -> str:
        if self.choices:
            return "|".join(map(str, self.choices))
        if self.low is not None:
            return f"{self.low}..{self.high}"
        return self.derived or ""


@dataclass(frozen=True)
class Block:
    """A hardware block: its configuration, its generator and everything that checks it.

    Parameters
    ----------
    name : str
        CLI name, e.g. ``posit_mac``.
    folder : str
        The folder the block's faces live in: ``hw/<folder>``, ``golden/<folder>``,
        ``sim/<folder>``, ``tests/<folder>``.
    config : type
        Frozen dataclass of parameters (fields declared with :func:`kaniwa.params.param`); has
        ``stem`` (module and file name), ``to_json()`` and ``from_json()``.
    build : callable
        ``build(config)`` → the top-level Amaranth component with the documented flat ports.
    presets : mapping
        The configurations ``make verilog`` emits.
    sim_benches : str
        Module (dotted) holding ``benches(simulator) -> list[SimBench]``, the cocotb runs.
    benchmarks : mapping
        name → ``"module:function"`` run by ``kaniwa bench``; each returns a JSON-able dict,
        written to ``reports/bench/<block>-<name>.json``.
    synth_presets : tuple of str
        Names of presets ``make synth`` synthesizes.
    """

    name: str
    folder: str
    summary: str
    config: type
    build: Callable
    presets: Mapping[str, object]
    sim_benches: str | None = None
    benchmarks: Mapping[str, str] = field(default_factory=dict)
    synth_presets: tuple[str, ...] = ()
    synth_targets: tuple[str, ...] = ("ecp5", "ice40", "xcup")
    port_doc: str = field(default="", repr=False)

    @property
    def params(self) -> list[Param]:
        result = []
        for f in dataclasses.fields(self.config):
            meta = f.metadata
            result.append(Param(f.name, f.default, meta.get("help", ""), meta.get("low"),
                                meta.get("high"), meta.get("choices"), meta.get("derived")))
        return result

    def make_config(self, **values):
        """Build a configuration; unknown names are refused before anything else."""
        known = {p.name for p in self.params}
        for name in values:
            if name not in known:
                raise ParameterError(f"{self.name} has no parameter {name!r}; "
                                     f"it has {', '.join(sorted(known))}")
        return self.config(**values)


def _discover() -> dict[str, Block]:
    import kaniwa.hw

    found: dict[str, Block] = {}
    for info in sorted(pkgutil.iter_modules(kaniwa.hw.__path__), key=lambda m: m.name):
        if not info.ispkg:
            continue
        try:
            module = importlib.import_module(f"kaniwa.hw.{info.name}.block")
        except ModuleNotFoundError as error:
            if error.name == f"kaniwa.hw.{info.name}.block":
                continue
            raise
        for block in module.BLOCKS:
            if block.name in found:
                raise RuntimeError(f"block {block.name!r} is registered twice")
            found[block.name] = block
    return found


_BLOCKS: dict[str, Block] | None = None


def blocks() -> dict[str, Block]:
    global _BLOCKS
    if _BLOCKS is None:
        _BLOCKS = _discover()
    return _BLOCKS


def get_block(name: str) -> Block:
    registry = blocks()
    if name not in registry:
        raise UnknownBlockError(f"unknown block {name!r}; blocks: {', '.join(sorted(registry))}")
    return registry[name]
