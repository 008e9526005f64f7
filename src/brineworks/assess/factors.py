"""CO2 and fuel factors (``data/process/co2_factors.csv``): natural gas for process heat, the
process CO2 of plants that vent it, and the cradle-to-gate CO2e of bought inputs."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from brineworks.data import read_rows

__all__ = ["Co2Factor", "co2_factors", "fuel"]


@dataclass(frozen=True)
class Co2Factor:
    """A row of ``co2_factors.csv``."""

    kind: str
    item: str
    value: float
    unit: str
    low: float
    high: float
    source: str
    status: str


@cache
def co2_factors() -> dict[tuple[str, str], Co2Factor]:
    """CO2 factors by (kind, item)."""
    out = {}
    for r in read_rows("process", "co2_factors.csv"):
        f = Co2Factor(r["kind"], r["item"], float(r["value"]), r["unit"], float(r["low"]),
                      float(r["high"]), r["source"], r["status"])  # fmt: skip
        out[(f.kind, f.item)] = f
    return out


def fuel(heat_gj: float) -> dict[str, float]:
    """Natural gas burnt for ``heat_gj`` of process heat: fuel [GJ], volume [Nm³], CO2 [t]."""
    f = co2_factors()
    burnt = heat_gj / f[("fuel", "boiler efficiency")].value
    return {
        "fuel_gj": burnt,
        "natural_gas_m3": burnt * 1000.0 / f[("fuel", "natural gas calorific value")].value,
        "co2_t": burnt * f[("fuel", "natural gas")].value / 1000.0,
    }
