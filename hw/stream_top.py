"""The flat Verilog port contract every block's top module gives its users.

Blocks are built from components with ``i``/``o`` streams carrying struct payloads; users of the
generated Verilog want plain, stable names. :class:`FlatStreamTop` turns the inner component's
``i`` stream into ``in_valid``, ``in_ready`` and one ``in_<field>`` per payload field (in layout
order), and its ``o`` stream into ``out_valid``, ``out_ready`` and ``out_<output>``.
"""

from amaranth.hdl import Module, Shape
from amaranth.lib import wiring
from amaranth.lib.wiring import In, Out

__all__ = ["FlatStreamTop"]


class FlatStreamTop(wiring.Component):
    """Base of a block's top module: the inner stream component behind flat ports.

    Parameters
    ----------
    inner_signature : wiring.Signature
        The inner component's signature, with members ``i`` (a stream whose payload is a struct)
        and ``o`` (a stream). The inner component itself is built by :meth:`make_inner` when the
        top is elaborated.
    output : str
        Name of the output port: ``out_<output>``.
    submodule : str
        Name of the inner component in the hierarchy.
    """

    def __init__(self, inner_signature, *, output="result", submodule="core"):
        in_layout = inner_signature.members["i"].signature.members["payload"].shape
        out_shape = inner_signature.members["o"].signature.members["payload"].shape
        self._fields = [name for name, _ in in_layout]
        self._output = output
        self._submodule = submodule
        members = {"in_valid": In(1), "in_ready": Out(1)}
        members |= {f"in_{name}": In(Shape.cast(field.shape).width) for name, field in in_layout}
        members |= {"out_valid": Out(1), "out_ready": In(1),
                    f"out_{output}": Out(Shape.cast(out_shape).width)}
        super().__init__(members)

    def make_inner(self) -> wiring.Component:
        raise NotImplementedError

    def elaborate(self, platform):
        m = Module()
        inner = self.make_inner()
        m.submodules[self._submodule] = inner
        m.d.comb += [inner.i.valid.eq(self.in_valid), self.in_ready.eq(inner.i.ready)]
        m.d.comb += [inner.i.payload[name].eq(getattr(self, f"in_{name}"))
                     for name in self._fields]
        m.d.comb += [self.out_valid.eq(inner.o.valid), inner.o.ready.eq(self.out_ready),
                     getattr(self, f"out_{self._output}").eq(inner.o.payload)]
        return m
