"""A zone's chemistry: every reaction is the backend's equilibrium, the bookkeeping exact."""

from __future__ import annotations

import pytest

from brineworks.chemistry.backend import ThermoBackend
from brineworks.chemistry.brine import Brine
from brineworks.errors import InputError
from brineworks.resource.data import resource_brine
from brineworks.resource.model import (
    Parcel,
    ZoneState,
    hydration_water,
    parcel_of_volume,
    react,
    step_zone,
)

T = 298.15


def _elements_with_solids(liquid: Parcel, change: dict[str, float], backend: ThermoBackend
                          ) -> dict[str, float]:  # fmt: skip
    out = dict(liquid.solutes)
    for phase, d in change.items():
        for el, n in backend.phase_formula(phase).items():
            if el not in ("H", "O"):
                out[el] = out.get(el, 0.0) + d * n
    return out


def test_hydration_water_of_salts(backend: ThermoBackend) -> None:
    assert hydration_water(backend.phase_formula("Carnallite")) == 6.0
    assert hydration_water(backend.phase_formula("Bischofite")) == 6.0
    assert hydration_water(backend.phase_formula("Halite")) == 0.0
    assert hydration_water(backend.phase_formula("Epsomite")) == 7.0
    with pytest.raises(InputError, match="hydroxide"):
        hydration_water(backend.phase_formula("Brucite"), "Brucite")


def test_halite_bed_saturates_an_undersaturated_brine_exactly(backend: ThermoBackend) -> None:
    brine = Brine.from_catalogue("qarhan", backend=backend)
    assert backend.speciate(brine).saturation_index["Halite"] < -0.05
    liquid = parcel_of_volume(brine, 1.0, backend)
    r = react(liquid, {"Halite": 1000.0}, backend=backend, temperature=T)
    assert r.change["Halite"] < 0  # dissolved
    after = backend.speciate(r.liquid.brine(T))
    assert after.saturation_index["Halite"] == pytest.approx(0.0, abs=1e-4)
    total = _elements_with_solids(r.liquid, r.change, backend)
    for el, n in liquid.solutes.items():
        assert total[el] == pytest.approx(n, rel=1e-14)


def test_old_brine_returned_to_the_lake_deposits_halite_and_then_carnallite(
    backend: ThermoBackend,
) -> None:
    """Old brine (MgCl2-rich end liquor, carnallite- and bischofite-saturated) mixed with the
    halite-saturated lake brine salts out halite at any ratio, and carnallite where old brine
    dominates: the 'pollution of the deposit' of XINHUA07."""
    lake = parcel_of_volume(Brine.from_catalogue("qarhan", backend=backend), 1.0, backend)
    lake = react(lake, {"Halite": 1e4}, backend=backend, temperature=T).liquid
    old = Brine.from_amounts({"Mg": 5.84, "K": 0.0163, "Na": 0.075, "Cl": 11.8}, "mol/kgw",
                             balance_on="Cl")  # fmt: skip
    si_old = backend.speciate(old).saturation_index
    assert si_old["Carnallite"] == pytest.approx(0.0, abs=0.05)
    pools = {"Halite": 1e4, "Sylvite": 0.0, "Carnallite": 0.0, "Bischofite": 0.0}
    for ratio, carnallite in ((0.5, False), (4.0, True)):
        mix = lake.plus(parcel_of_volume(old, ratio, backend))
        r = react(mix, pools, backend=backend, temperature=T)
        assert r.change["Halite"] > 0
        assert (r.change.get("Carnallite", 0.0) > 0) is carnallite
        after = backend.speciate(r.liquid.brine(T)).saturation_index
        assert after["Halite"] == pytest.approx(0.0, abs=1e-4)
        assert after["Carnallite"] < 1e-4


def test_dissolving_carnallite_salts_out_halite(backend: ThermoBackend) -> None:
    """Sun and Lu (1995, in HAN22): a low-concentration halite-saturated brine dissolving
    carnallite precipitates halite."""
    nacl = Brine.from_amounts({"Na": 6.1, "Cl": 6.1}, "mol/kgw")
    liquid = react(parcel_of_volume(nacl, 1.0, backend), {"Halite": 1e4}, backend=backend,
                   temperature=T).liquid  # fmt: skip
    r = react(liquid, {"Halite": 1e4, "Carnallite": 1e4}, backend=backend, temperature=T)
    assert r.change["Carnallite"] < 0
    assert r.change["Halite"] > 0


def test_qsl_solvent_equilibrium_bounds_the_laboratory_dissolution(backend: ThermoBackend
                                                                   ) -> None:  # fmt: skip
    """LI20: the old-bittern + Senie-Lake solvent rose from 0.23 to 0.68 wt% K on low-grade
    ore; equilibrium with the ore's carnallite, sylvite and halite must reach at least that."""
    solvent = resource_brine("li2020-solvent", temperature_c=25.0, backend=backend)
    liquid = parcel_of_volume(solvent, 1.0, backend)
    k0 = liquid.solutes["K"] * 0.039098 / liquid.mass(T)
    assert k0 == pytest.approx(0.0023, rel=1e-6)
    pools = {"Halite": 1e4, "Carnallite": 1e4, "Sylvite": 1e4}
    r = react(liquid, pools, backend=backend, temperature=T)
    k_eq = r.liquid.solutes["K"] * 0.039098 / r.liquid.mass(T)
    assert k_eq > 0.0068
    assert r.change["Carnallite"] < 0


def test_a_zone_with_no_flow_is_left_as_it_is(backend: ThermoBackend) -> None:
    liquid = parcel_of_volume(Brine.from_catalogue("qarhan", backend=backend), 10.0, backend)
    state = ZoneState("z", liquid, 1212.0, {"Halite": 5.0}, {})
    new, flows = step_zone(state, pumped_m3=0.0, added=Parcel(), solvent=Parcel(), contact=0.5,
                           evaporation_kg=0.0, bed_phases=["Halite"], backend=backend,
                           temperature=T)  # fmt: skip
    assert new is state
    assert flows.pumped.empty


def test_pumping_more_than_the_zone_holds_is_refused(backend: ThermoBackend) -> None:
    liquid = parcel_of_volume(Brine.from_catalogue("qarhan", backend=backend), 10.0, backend)
    state = ZoneState("z", liquid, 1212.0, {"Halite": 5.0}, {})
    with pytest.raises(InputError, match="pumping from z"):
        step_zone(state, pumped_m3=20.0, added=Parcel(), solvent=Parcel(), contact=0.0,
                  evaporation_kg=0.0, bed_phases=["Halite"], backend=backend,
                  temperature=T)  # fmt: skip


def test_parcels_add_scale_and_neutralise() -> None:
    a = Parcel(1.0, {"Na": 1.0, "Cl": 1.0})
    b = Parcel(2.0, {"Mg": 1.0})
    s = a.plus(b).scaled(2.0)
    assert s.water == 6.0
    assert s.solutes == {"Na": 2.0, "Cl": 2.0, "Mg": 2.0}
    assert s.nominal_charge() == pytest.approx(4.0)
    assert s.neutralised().nominal_charge() == pytest.approx(0.0)
    with pytest.raises(InputError):
        Parcel(1.0, {"N": 1.0})
    with pytest.raises(InputError):
        Parcel(-1.0, {})
