"""The [reservoir] table: what it accepts, what it refuses and how it names the fault."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from brineworks.errors import InputError
from brineworks.resource import ReservoirSpec
from brineworks.scenario import load_scenario

from .conftest import toy_spec


def _zone(**over: Any) -> dict[str, Any]:
    z = {"name": "a", "area_km2": 1.0, "thickness_m": 5.0, "specific_yield": 0.1,
         "catalogue": "qarhan"}  # fmt: skip
    z.update(over)
    return z


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"pumped": {"a": 1.0}, "zones": [_zone(), _zone()]}, "unique zone names"),
        ({"pumped": {"b": 1.0}, "zones": [_zone()]}, "reservoir.pumped"),
        ({"pumped": {"a": 0.5}, "zones": [_zone()]}, "shares summing to 1"),
        ({"pumped": {"a": 1.0}, "zones": [_zone(unit="g/L")]}, "either 'catalogue'"),
        ({"pumped": {"a": 1.0}, "zones": [_zone(catalogue=None)]}, "'catalogue', or"),
        ({"pumped": {"a": 1.0}, "zones": [_zone()],
          "returns": [{"stream": "x", "zone": "a", "conversion": True}]},
         "[reservoir.conversion]"),
        ({"pumped": {"a": 1.0}, "zones": [_zone()],
          "inflows": [{"name": "r", "zone": "z", "m3_per_yr": 1.0, "catalogue": "x"}]},
         "reservoir.inflows.r.zone"),
        ({"pumped": {"a": 1.0}, "zones": [_zone()], "bed_phases": ["Sylvite"]}, "Halite"),
        ({"pumped": {"a": 1.0}, "zones": [_zone()], "cutoff_g_per_l": {"K": -1.0}},
         "cutoff_g_per_l.K"),
    ],
)  # fmt: skip
def test_bad_tables_are_refused_naming_the_fault(data: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationError, match=field.replace("[", r"\[").replace("]", r"\]")):
        ReservoirSpec.model_validate(data)


def test_unknown_keys_and_negative_sizes_are_refused() -> None:
    with pytest.raises(ValidationError, match="extra"):
        ReservoirSpec.model_validate({"pumped": {"a": 1.0}, "zones": [_zone(depth=3.0)]})
    with pytest.raises(ValidationError, match="area_km2"):
        ReservoirSpec.model_validate({"pumped": {"a": 1.0}, "zones": [_zone(area_km2=-1.0)]})


def test_the_spec_is_frozen() -> None:
    spec = toy_spec()
    with pytest.raises(ValidationError):
        spec.temperature_c = 10.0  # type: ignore[misc]
    with pytest.raises(InputError, match="zone"):
        spec.zone("nowhere")


@pytest.mark.parametrize("name", ["qarhan-potash", "qarhan-lithium", "qarhan-circular"])
def test_builtin_qarhan_scenarios_declare_a_lake_that_returns_their_returned_streams(
    name: str,
) -> None:
    sc = load_scenario(name)
    assert sc.reservoir is not None
    returned = {s.name for s in sc.streams if s.fate == "returned"}
    assert {r.stream for r in sc.reservoir.returns} == returned
    assert sum(z.area_km2 for z in sc.reservoir.zones) == pytest.approx(5856.0)
    assert sc.reservoir.pumped == {"bieletan": 1.0}


def test_a_bad_reservoir_in_a_scenario_file_names_the_table(tmp_path: Path) -> None:
    from brineworks.scenario import builtin_scenarios

    text = builtin_scenarios()["qarhan-potash"].replace(
        "pumped = { bieletan = 1.0 }", "pumped = { nowhere = 1.0 }"
    )
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=r"reservoir.*nowhere"):
        load_scenario(str(path))
