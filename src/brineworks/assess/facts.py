"""The park against published plant facts: each row of ``data/indicators/plant_facts.csv``
(QSL's potash and lithium carbonate output, lithium carbonate per tonne of KCl, bischofite per
tonne of KCl, the old brine leaving the ponds, the magnesium, Mg(OH)2 and PVC plants) measured
on a solved scenario of the same lake, with the band it is judged against.

A fact applies to a scenario whose brine comes from the fact's lake (``lake``: the catalogue
name the brine starts with) and that has what the fact measures (a product stream, a pond salt,
a named stream); others are left out, not failed.

Measures
--------
``product:NAME``
    The product stream's mass flow. [t/yr]
``ratio:A/B``
    Product A per product B; in kg/t when the fact's unit is ``kg/t``.
``harvest:MINERAL/B``
    The mineral harvested by every pond train (all its streams leaving pond units) per tonne of
    product B. [t/t]
``volume:STREAM``
    The stream's volume at its own density (the chemistry backend's). [m³/yr]
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from functools import cache
from typing import Any

from brineworks.chemistry.backend import get_backend
from brineworks.chemistry.ions import ION_KEYS
from brineworks.constants import SECONDS_PER_YEAR
from brineworks.data import read_rows
from brineworks.process.stream import stream_to_brine
from brineworks.simulate import SimulationResult

__all__ = ["FactCheck", "plant_facts", "published_facts"]

_Y = SECONDS_PER_YEAR / 1000.0  # kg/s → t/yr


@dataclass(frozen=True)
class FactCheck:
    """One published fact and the park's value of the same quantity.

    Attributes
    ----------
    id, quantity, unit, source, year, status, note, band_basis
        As in the data file.
    fact
        The published value.
    low, high
        The band the model is judged against.
    model
        The park's value.
    ratio
        ``model / fact``. [-]
    within
        Whether ``low <= model <= high``.
    """

    id: str
    quantity: str
    measure: str
    unit: str
    fact: float
    low: float
    high: float
    model: float
    ratio: float
    within: bool
    band_basis: str
    source: str
    year: str
    status: str
    note: str

    def to_dict(self) -> dict[str, Any]:
        """The JSON form."""
        return asdict(self)


@cache
def published_facts() -> tuple[dict[str, str], ...]:
    """Rows of ``data/indicators/plant_facts.csv``."""
    return tuple(read_rows("indicators", "plant_facts.csv"))


def _product(result: SimulationResult, name: str) -> float | None:
    if result.fates.get(name) != "product":
        return None
    return result.streams[name].total * _Y


def _harvest(result: SimulationResult, mineral: str) -> float | None:
    """A mineral leaving pond units, over all their outlets [t/yr]; ``None`` unless a pond
    train harvests it (some outlet has it as its main component): a trace in another salt is
    not a harvest."""
    total, harvested = 0.0, False
    for e in result.edges:
        if e.source is None or result.units[e.source.unit].kind != "ponds":
            continue
        stream = result.streams[e.stream]
        amount = stream.get(mineral)
        total += amount * _Y
        if amount > 0 and amount == max(stream.flows.values()):
            harvested = True
    return total if harvested else None


def _volume(result: SimulationResult, name: str) -> float | None:
    """A stream's volume at its density (solution only; solids would add their own). [m³/yr]"""
    stream = result.streams.get(name)
    if stream is None or stream.get("H2O") <= 0:
        return None
    liquid = {k: v for k, v in stream.flows.items() if k in ION_KEYS or k == "H2O"}
    brine, _ = stream_to_brine(type(stream)(liquid, stream.temperature), name)
    rho = get_backend(result.backend).density(brine.molality, brine.temperature)
    return sum(liquid.values()) * SECONDS_PER_YEAR / rho


def _measure(result: SimulationResult, measure: str, unit: str) -> float | None:
    kind, _, what = measure.partition(":")
    if kind == "product":
        return _product(result, what)
    if kind == "volume":
        return _volume(result, what)
    if kind in ("ratio", "harvest"):
        top, _, bottom = what.partition("/")
        a = _product(result, top) if kind == "ratio" else _harvest(result, top)
        b = _product(result, bottom)
        if a is None or not b:
            return None
        return a / b * (1000.0 if unit == "kg/t" else 1.0)
    raise ValueError(f"plant_facts.csv: unknown measure {measure!r}")


def plant_facts(result: SimulationResult) -> list[FactCheck]:
    """The published facts of the scenario's lake, each measured on the solved park (facts
    whose quantity the park does not have are left out)."""
    catalogue = (result.scenario.brine.catalogue or "").lower()
    out = []
    for r in published_facts():
        if not catalogue.startswith(r["lake"]):
            continue
        model = _measure(result, r["measure"], r["unit"])
        if model is None:
            continue
        fact, low, high = float(r["value"]), float(r["low"]), float(r["high"])
        out.append(FactCheck(
            id=r["id"], quantity=r["quantity"], measure=r["measure"], unit=r["unit"], fact=fact,
            low=low, high=high, model=model, ratio=model / fact if fact else float("nan"),
            within=low <= model <= high, band_basis=r["band_basis"], source=r["source"],
            year=r["year"], status=r["status"], note=r["note"],
        ))  # fmt: skip
    return out
