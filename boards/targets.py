"""Synthesis targets: the parts kaniwa reports resources and clock rates for.

ECP5 and iCE40 go through Yosys and nextpnr (placed and routed, Fmax measured); the UltraScale+
target is a Yosys ``synth_xilinx`` resource estimate for a part of the Alveo U50 class, never a
Vivado result, and every report says so.
"""

from __future__ import annotations

from dataclasses import dataclass

from amaranth_boards.icebreaker import ICEBreakerPlatform
from amaranth_boards.ulx3s import ULX3S_85F_Platform

__all__ = ["Target", "TARGETS", "get_target", "UnknownTargetError"]


class UnknownTargetError(ValueError):
    pass


@dataclass(frozen=True)
class Target:
    name: str
    board: str
    family: str
    device: str
    package: str
    yosys_synth: str
    #: Cell types that count as each resource in Yosys's ``stat``.
    cells: dict
    nextpnr: str | None = None
    nextpnr_args: tuple[str, ...] = ()
    user_io: int | None = None
    default_freq_mhz: float | None = None
    #: What the device holds, for "does it fit" checks.
    capacity: dict | None = None
    note: str = ""


def _ecp5() -> Target:
    platform = ULX3S_85F_Platform
    size = {"LFE5U-85F": "--85k", "LFE5U-45F": "--45k", "LFE5U-25F": "--25k",
            "LFE5U-12F": "--12k"}[platform.device]
    return Target(
        name="ecp5", board="ULX3S (Radiona), LFE5U-85F", family="ecp5",
        device=f"{platform.device}-{platform.speed}{platform.package}", package=platform.package,
        yosys_synth="synth_ecp5",
        cells={"LUT": ("LUT4",), "FF": ("TRELLIS_FF",), "DSP": ("MULT18X18D",),
               "BRAM": ("DP16KD",), "URAM": (), "LUTRAM": ("TRELLIS_DPR16X4",),
               "CARRY": ("CCU2C",)},
        nextpnr="ecp5",
        nextpnr_args=(size, "--package", "CABGA" + platform.package.removeprefix("BG"),
                      "--speed", str(platform.speed), "--lpf-allow-unconstrained"),
        user_io=197, default_freq_mhz=100.0,
        capacity={"LUT": 83640, "FF": 83640, "DSP": 156, "BRAM": 208},
        note="Yosys + nextpnr-ecp5, placed and routed, registered I/O harness")


def _ice40() -> Target:
    platform = ICEBreakerPlatform
    return Target(
        name="ice40", board="iCEBreaker, iCE40UP5K", family="ice40",
        device=platform.device, package=platform.package,
        yosys_synth="synth_ice40 -dsp",
        cells={"LUT": ("SB_LUT4",),
               "FF": ("SB_DFF", "SB_DFFE", "SB_DFFR", "SB_DFFS", "SB_DFFER", "SB_DFFES",
                      "SB_DFFSR", "SB_DFFSS", "SB_DFFESR", "SB_DFFESS"),
               "DSP": ("SB_MAC16",), "BRAM": ("SB_RAM40_4K",), "URAM": ("SB_SPRAM256KA",),
               "LUTRAM": (), "CARRY": ("SB_CARRY",)},
        nextpnr="ice40",
        nextpnr_args=("--up5k", "--package", platform.package.lower(),
                      "--pcf-allow-unconstrained"),
        user_io=36, default_freq_mhz=24.0,
        capacity={"LUT": 5280, "FF": 5280, "DSP": 8, "BRAM": 30, "URAM": 4},
        note="Yosys + nextpnr-ice40, placed and routed, serial I/O harness when pins run out")


def _xcup() -> Target:
    return Target(
        name="xcup", board="Alveo U50 class (xcu50), UltraScale+", family="xcup",
        device="xcu50 (estimate)", package="",
        yosys_synth="synth_xilinx -family xcup",
        cells={"LUT": ("LUT1", "LUT2", "LUT3", "LUT4", "LUT5", "LUT6"),
               "FF": ("FDRE", "FDSE", "FDCE", "FDPE"),
               "DSP": ("DSP48E2",), "BRAM": ("RAMB36E2", "RAMB18E2"), "URAM": ("URAM288",),
               "LUTRAM": ("RAM32M", "RAM64M", "RAM32X1D", "RAM64X1D", "RAM128X1D",
                          "RAM256X1D", "RAM32M16", "RAM64M8", "SRL16E", "SRLC32E"),
               "CARRY": ("CARRY8",)},
        capacity={"LUT": 872_000, "FF": 1_743_000, "DSP": 5952, "RAMB36": 1344, "URAM": 640,
                  "BRAM_bytes": 5.9e6, "URAM_bytes": 22.5e6},
        note="ESTIMATE from Yosys synth_xilinx -family xcup, not Vivado; no place and route")


TARGETS = {t.name: t for t in (_ecp5(), _ice40(), _xcup())}


def get_target(name: str) -> Target:
    if name not in TARGETS:
        raise UnknownTargetError(f"unknown target {name!r}; targets: {', '.join(TARGETS)}")
    return TARGETS[name]
