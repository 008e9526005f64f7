"""A toy lake and a cheap park for the reservoir tests."""

from __future__ import annotations

from typing import Any

import pytest

from brineworks.chemistry.backend import ThermoBackend
from brineworks.chemistry.brine import Brine
from brineworks.resource import Parcel, ParkYear, ReservoirSpec
from brineworks.resource.model import parcel_of_volume


class ToyPark:
    """A cheap park that is a real function of the brine it is fed: ponds take 60 % of the
    water (less where the old brine would pass bischofite saturation) and 95 % of the Na out
    as halite, the plant makes KCl from 70 % of the K, and the rest leaves as an MgCl2-rich
    old brine (all the Mg, Li, B and sulfate; its Cl balances it)."""

    def __init__(self, backend: ThermoBackend) -> None:
        self.backend = backend
        self.solves = 0

    def solve(self, brine: Brine, volume_m3: float) -> ParkYear:
        self.solves += 1
        fed = parcel_of_volume(brine, volume_m3, self.backend)
        s = fed.solutes
        old = {el: n for el, n in s.items() if el in ("Mg", "Li", "B", "S", "Ca", "Sr", "C")}
        old["K"] = 0.3 * s.get("K", 0.0)
        old["Na"] = 0.05 * s.get("Na", 0.0)
        old["Cl"] = 0.0
        # as much water as keeps the old brine below bischofite saturation (~5.8 mol/kg Mg)
        water = max(0.4 * fed.water, old.get("Mg", 0.0) / 4.5)
        returned = Parcel(water, old).neutralised()
        kcl_t = 0.7 * s.get("K", 0.0) * 74.551e-6
        return ParkYear(fed, {"old brine": returned}, {"KCl": {"KCl": kcl_t}})


def toy_spec(**over: Any) -> ReservoirSpec:
    """One small zone of the assumed Qarhan brine over a halite bed with some potash ore."""
    data: dict[str, Any] = {
        "pumped": {"toy": 1.0},
        "pumping_m3_per_yr": 5.0e4,
        "zones": [{
            "name": "toy", "area_km2": 1.0, "thickness_m": 10.0, "specific_yield": 0.1,
            "catalogue": "qarhan", "halite_t": 1.0e6,
            "ore_t": {"Carnallite": 2.0e4, "Sylvite": 5.0e3},
        }],
        "returns": [{"stream": "old brine", "zone": "toy"}],
    }  # fmt: skip
    data.update(over)
    return ReservoirSpec.model_validate(data)


@pytest.fixture
def toy_park(backend: ThermoBackend) -> ToyPark:
    return ToyPark(backend)


class CurvedPark(ToyPark):
    """The toy park with a K recovery that rises with the brine's Mg/K (as the pond train's
    does): its transfer ratios change with the brine, so scaling between solves has an
    error."""

    def solve(self, brine: Brine, volume_m3: float) -> ParkYear:
        base = super().solve(brine, volume_m3)
        s = base.received.solutes
        recovery = min(0.95, 0.3 + 0.08 * s.get("Mg", 0.0) / s["K"])
        old = dict(base.returns["old brine"].solutes)
        old["K"] = (1.0 - recovery) * s["K"]
        old["Cl"] = 0.0
        returned = Parcel(base.returns["old brine"].water, old).neutralised()
        kcl_t = recovery * s["K"] * 74.551e-6
        return ParkYear(base.received, {"old brine": returned}, {"KCl": {"KCl": kcl_t}})
