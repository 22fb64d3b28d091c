"""Synthesis harnesses: put a block between registers so nextpnr times it as it would sit in a
design (register to register), and fit its ports to the package's pins.

``RegisteredIO`` registers every input and output (one flip-flop per port bit, reported). When the
ports outnumber the pins, ``SerialIO`` shifts the inputs in through one pin and the outputs out
through another; the block still sees a register on every port.
"""


from amaranth import Cat, Module, Signal
from amaranth.lib import wiring

__all__ = ["RegisteredIO", "SerialIO", "port_bits"]


def _ports(component):
    inputs, outputs = [], []
    for path, member, value in component.signature.flatten(component):
        (inputs if member.flow == wiring.In else outputs).append(("__".join(map(str, path)), value))
    return inputs, outputs


def port_bits(component) -> int:
    inputs, outputs = _ports(component)
    return sum(len(v) for _, v in inputs + outputs)


class _Harness(wiring.Component):
    def __init__(self, dut, members=None):
        self._dut = dut
        self._inputs, self._outputs = _ports(dut)
        super().__init__(members(self._inputs, self._outputs) if members else None)

    @property
    def harness_ffs(self) -> int:
        """Flip-flops the harness adds: one per port bit."""
        return sum(len(v) for _, v in self._inputs + self._outputs)


class RegisteredIO(_Harness):
    """Every port of ``dut`` behind a register; the pins keep the port names."""

    def __init__(self, dut):
        def members(inputs, outputs):
            pins = {f"pin_{name}": wiring.In(len(v)) for name, v in inputs}
            return pins | {f"pin_{name}": wiring.Out(len(v)) for name, v in outputs}
        super().__init__(dut, members)

    def elaborate(self, platform):
        m = Module()
        m.submodules.dut = self._dut
        for name, value in self._inputs:
            m.d.sync += value.eq(getattr(self, f"pin_{name}"))
        for name, value in self._outputs:
            m.d.sync += getattr(self, f"pin_{name}").eq(value)
        return m


class SerialIO(_Harness):
    """All inputs loaded through a shift chain, all outputs captured and shifted out."""

    serial_in: wiring.In(1)
    capture: wiring.In(1)
    serial_out: wiring.Out(1)

    def elaborate(self, platform):
        m = Module()
        m.submodules.dut = self._dut
        in_bits = Cat(*(v for _, v in self._inputs))
        out_bits = Cat(*(v for _, v in self._outputs))
        chain_in = Signal(len(in_bits))
        chain_out = Signal(len(out_bits))
        m.d.sync += chain_in.eq(Cat(self.serial_in, chain_in[:-1]))
        m.d.comb += in_bits.eq(chain_in)
        with m.If(self.capture):
            m.d.sync += chain_out.eq(out_bits)
        with m.Else():
            m.d.sync += chain_out.eq(chain_out[1:])
        m.d.comb += self.serial_out.eq(chain_out[0])
        return m
