"""The mappings TOML format: what export writes, import reads back exactly."""

from __future__ import annotations

import pytest

from engine.errors import ConfigError
from engine.runtime.mappings_file import parse_mappings, render_mappings
from engine.store.mappings import MappingKind


def test_round_trip_keeps_text_exactly():
    data = {
        MappingKind.TAX_CLASS: {"1": "", "2": 'reduced "rate"', "ü\\x": "zero\nrate"},
        MappingKind.PAYMENT: {"cod": "01"},
    }
    text = render_mappings(data, "shop1")
    parsed = parse_mappings(text)
    assert parsed[MappingKind.TAX_CLASS] == data[MappingKind.TAX_CLASS]
    assert parsed[MappingKind.PAYMENT] == {"cod": "01"}  # "01" stays text, not 1
    assert parsed[MappingKind.LOCATION] == {}  # every kind is exported, as a template


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[tax_clas]\n"1" = "x"', "[tax_clas] is not a mapping kind"),
        ("[payment]\ncod = 1", "payment.cod must be text in quotes"),
        ("payment = 3", "payment must be a table"),
        ("[payment\n", "is not valid TOML"),
    ],
)
def test_bad_files_are_refused_with_a_reason(text: str, message: str):
    with pytest.raises(ConfigError, match=message.replace("[", r"\[")):
        parse_mappings(text, "m.toml")
