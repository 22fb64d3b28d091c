"""Parameter checks shared by every block's configuration.

Messages follow Amaranth's shape, "<what> must be <constraint>, not <value>", so that the Python API
(``ValueError``) and the CLI (one line on stderr, exit code 2) say the same thing.
"""

from __future__ import annotations

import dataclasses
import numbers

__all__ = ["ParameterError", "check_int", "param"]


class ParameterError(ValueError):
    """A block parameter is out of range or of the wrong kind."""


def check_int(name: str, value, low: int, high: int) -> int:
    """Return ``value`` if it is an integer in ``low..high`` (inclusive), else raise.

    ``bool`` is refused: ``True`` is an integer to Python but never a width to a designer.
    """
    if (isinstance(value, bool) or not isinstance(value, numbers.Integral)
            or not low <= value <= high):
        raise ParameterError(f"{name} must be an integer in {low}..{high}, not {value!r}")
    return int(value)


def param(default, *, help: str, low: int | None = None, high: int | None = None,
          choices: tuple | None = None, derived: str | None = None):
    """A configuration field with the schema the CLI and ``kaniwa list`` read.

    ``low``/``high`` describe the static range (a range that depends on other fields is checked
    in ``__post_init__`` and described by ``derived``); ``default=None`` with ``derived`` means
    the value is computed from the other fields.
    """
    return dataclasses.field(default=default, metadata={
        "help": help, "low": low, "high": high, "choices": choices, "derived": derived})
