"""The park seen from the lake: streams as parcels, and the park scaled between solves."""

from __future__ import annotations

import pytest

from brineworks.chemistry.backend import ThermoBackend
from brineworks.chemistry.brine import Brine
from brineworks.constants import SECONDS_PER_YEAR
from brineworks.errors import InputError
from brineworks.process.stream import Stream
from brineworks.resource import Parcel, scale_park_year
from brineworks.resource.model import parcel_of_volume

from .conftest import ToyPark


def test_a_stream_becomes_its_water_and_elements() -> None:
    kg_yr = 1.0 / SECONDS_PER_YEAR  # 1 kg/yr in kg/s
    s = Stream(
        {
            "H2O": 1000 * kg_yr,
            "K": 0.039098 * kg_yr,
            "Cl": 0.035453 * kg_yr,
            "KCl": 0.074551 * kg_yr,
            "Carnallite": 0.27785 * kg_yr,
            "Hplus": 1e-6 * kg_yr,
        }
    )
    p = _parcel(s)
    assert p.solutes["K"] == pytest.approx(3.0, rel=1e-4)  # ion, KCl, carnallite
    assert p.solutes["Mg"] == pytest.approx(1.0, rel=1e-4)
    assert p.solutes["Cl"] == pytest.approx(1.0 + 1.0 + 3.0, rel=1e-4)
    assert p.water == pytest.approx(1000.0 + 6 * 0.018015, rel=1e-8)  # carnallite: 6 H2O


def _parcel(s: Stream) -> Parcel:
    from brineworks.resource.park import stream_parcel

    return stream_parcel(s, "test")


def test_a_stream_of_elements_no_brine_carries_is_refused() -> None:
    s = Stream({"H2O": 1.0, "NH4Cl": 1.0})
    with pytest.raises(InputError, match="brine elements"):
        _parcel(s)


def test_scaling_the_park_follows_the_feed_element_by_element(backend: ThermoBackend) -> None:
    park = ToyPark(backend)
    brine = Brine.from_catalogue("qarhan", backend=backend)
    solved = park.solve(brine, 1000.0)
    same = scale_park_year(solved, solved.received)
    old, again = solved.returns["old brine"], same.returns["old brine"]
    for el, n in old.solutes.items():
        assert again.solutes[el] == pytest.approx(n, rel=1e-12)
    assert same.products["KCl"]["KCl"] == pytest.approx(solved.products["KCl"]["KCl"])
    assert not same.solved
    # a feed richer in K by 10 %: 10 % more KCl, the same Mg returned, still neutral
    fed = solved.received.solutes
    richer = Parcel(
        solved.received.water, {**fed, "K": 1.1 * fed["K"], "Cl": fed["Cl"] + 0.1 * fed["K"]}
    )
    scaled = scale_park_year(solved, richer)
    assert scaled.products["KCl"]["KCl"] == pytest.approx(1.1 * solved.products["KCl"]["KCl"])
    assert scaled.returns["old brine"].solutes["Mg"] == pytest.approx(old.solutes["Mg"])
    assert scaled.returns["old brine"].nominal_charge() == pytest.approx(0.0, abs=1e-9)
    # and the toy park solved on that feed agrees for K (it is linear in K)
    direct = park.solve(richer.brine(298.15), 1000.0)
    assert parcel_of_volume(brine, 1000.0, backend).water == pytest.approx(
        solved.received.water, rel=1e-12
    )
    assert direct.returns["old brine"].solutes["K"] / direct.received.solutes["K"] == (
        pytest.approx(scaled.returns["old brine"].solutes["K"] / richer.solutes["K"], rel=1e-9)
    )
