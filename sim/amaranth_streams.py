"""amaranth.sim testbench helpers for ``amaranth.lib.stream`` ports, shared by every block's
unit tests (the cocotb counterpart is :mod:`kaniwa.sim.streams`)."""

__all__ = ["stream_put", "stream_get", "assert_stream_quiet"]


async def stream_put(ctx, port, payloads, *, rng, idle=0.0, before_beat=None):
    """Send ``payloads`` on ``port``, idling a cycle with probability ``idle`` before each beat.

    ``before_beat(ctx, index)``, if given, is awaited before beat ``index`` is offered (a test
    hook, e.g. to pulse a reset between two beats).
    """
    for index, payload in enumerate(payloads):
        if before_beat is not None:
            await before_beat(ctx, index)
        while rng.random() < idle:
            ctx.set(port.valid, 0)
            await ctx.tick()
        ctx.set(port.payload, payload)
        ctx.set(port.valid, 1)
        await ctx.tick().until(port.ready)
    ctx.set(port.valid, 0)


async def stream_get(ctx, port, count, *, rng, stall=0.0, max_cycles=100_000):
    """Take ``count`` payloads from ``port``, refusing each cycle with probability ``stall``."""
    results = []
    cycles = 0
    while len(results) < count:
        ready = rng.random() >= stall
        ctx.set(port.ready, ready)
        _, _, valid, payload = await ctx.tick().sample(port.valid, port.payload)
        if valid and ready:
            results.append(payload)
        cycles += 1
        assert cycles < max_cycles
    return results


async def assert_stream_quiet(ctx, port, cycles, producer_done):
    """Nothing more may come out once ``producer_done()`` and the pipeline has drained."""
    ctx.set(port.ready, 1)
    for _ in range(cycles):
        _, _, valid = await ctx.tick().sample(port.valid)
        if producer_done():
            assert not valid
