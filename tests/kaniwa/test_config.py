"""Configuration checks: the messages users see, pinned."""

import dataclasses

import pytest
from kaniwa.golden.posit import PositFormat
from kaniwa.hw.posit.config import PRESETS, PositMACConfig

from kaniwa.params import ParameterError


@pytest.mark.parametrize("kwargs, message", [
    ({"n": 2}, r"^n must be an integer in 3\.\.32, not 2$"),
    ({"n": 33}, r"^n must be an integer in 3\.\.32, not 33$"),
    ({"n": 16.0}, r"^n must be an integer in 3\.\.32, not 16\.0$"),
    ({"n": True}, r"^n must be an integer in 3\.\.32, not True$"),
    ({"es": 5}, r"^es must be an integer in 0\.\.4, not 5$"),
    ({"es": -1}, r"^es must be an integer in 0\.\.4, not -1$"),
    ({"n": 8, "es": 0, "quire_width": 25},
     r"^quire_width must be an integer in 26\.\.154, not 25 \(for posit\(8,0\)\)$"),
])
def test_bad_parameters_raise_value_error_naming_the_value(kwargs, message):
    with pytest.raises(ValueError, match=message):
        PositMACConfig(**kwargs)


def test_parameter_error_is_a_value_error():
    assert issubclass(ParameterError, ValueError)


@pytest.mark.parametrize("n, es, width", [(8, 0, 56), (16, 1, 144), (16, 2, 256), (32, 2, 512),
                                          (8, 2, 128)])
def test_default_quire_width(n, es, width):
    # 16·n for es = 2 is the 2022 standard's quire; the rest follow the same rule (30 carry bits).
    assert PositMACConfig(n=n, es=es).quire_width == width
    if es == 2:
        assert width == 16 * n


def test_presets_are_replacements_of_one_config():
    assert PRESETS["p16e1"] == PositMACConfig()
    assert dataclasses.replace(PRESETS["p16e1"], es=2, quire_width=None) == PRESETS["p16e2"]
    assert PRESETS["p32e2"].stem == "posit_mac_n32_es2"
    assert PositMACConfig(quire_width=200).stem == "posit_mac_n16_es1_q200"


def test_format_sizes():
    fmt = PositFormat(16, 1)
    assert (fmt.max_scale, fmt.fraction_bits, fmt.nar, fmt.maxpos) == (28, 12, 0x8000, 0x7FFF)
    assert PositFormat(5, 4).fraction_bits == 0
