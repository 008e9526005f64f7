"""Pure-water properties and Debye–Hückel slopes against PHREEQC and the literature."""

from __future__ import annotations

import numpy as np
import pytest

from brineworks.chemistry.water import debye_huckel_aphi, water_properties

# PHREEQC 3 (commit 8176af0c) at 1 atm, see tests/data/phreeqc_pitzer_reference.csv header.
PHREEQC_APHI = {0: 0.37672878, 10: 0.38212471, 25: 0.39145849, 50: 0.41030447, 75: 0.43328582,
                100: 0.46057315}  # fmt: skip
PHREEQC_RHO = {0: 0.9998400, 25: 0.9970430, 50: 0.9880291, 75: 0.9748372, 100: 0.9583468}
PHREEQC_AV = {25: 1.887305, 50: 2.388012, 75: 3.066339, 90: 3.599878}


@pytest.mark.parametrize(("t_c", "expected"), sorted(PHREEQC_APHI.items()))
def test_aphi_matches_phreeqc(t_c: float, expected: float) -> None:
    assert float(debye_huckel_aphi(t_c + 273.15)) == pytest.approx(expected, abs=1e-8)


def test_aphi_at_25c_matches_the_accepted_value() -> None:
    # A_φ = 0.3915 (kg/mol)^½ at 25 °C: Pitzer (1991) Activity Coefficients in Electrolyte
    # Solutions, ch. 3; Archer & Wang (1990) J. Phys. Chem. Ref. Data 19, 371.
    assert float(debye_huckel_aphi(298.15)) == pytest.approx(0.3915, abs=1e-4)


@pytest.mark.parametrize(("t_c", "expected"), sorted(PHREEQC_RHO.items()))
def test_water_density_matches_phreeqc(t_c: float, expected: float) -> None:
    assert float(water_properties(t_c + 273.15).density) == pytest.approx(expected, abs=2e-7)


@pytest.mark.parametrize(("t_c", "expected"), sorted(PHREEQC_AV.items()))
def test_volume_slope_matches_phreeqc(t_c: float, expected: float) -> None:
    assert float(water_properties(t_c + 273.15).av) == pytest.approx(expected, abs=2e-6)


def test_vectorised_over_temperature() -> None:
    t = np.array([273.15, 298.15, 373.15])
    props = water_properties(t)
    assert props.aphi.shape == (3,)
    assert np.all(np.diff(props.aphi) > 0)
    assert np.all(np.diff(props.permittivity) < 0)
