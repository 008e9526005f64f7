"""The vectorised Pitzer activity model: J(x), parameters, and ln γ against PHREEQC."""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pytest

from brineworks.chemistry.database import Database
from brineworks.chemistry.pitzer import (
    T_REF,
    PitzerModel,
    parse_pitzer_block,
    temperature_basis,
    unsymmetric_j,
)

DATA = Path(__file__).parents[1] / "data"


Parameters = dict[str, dict[tuple[str, ...], tuple[float, ...]]]


@pytest.fixture(scope="module")
def parameters() -> Parameters:
    """Parameters of plain pitzer.dat, the database of the PHREEQC reference run."""
    return parse_pitzer_block(Database.brineworks(extension=False)._blocks["PITZER"])


@dataclass
class Reference:
    """One PHREEQC solution of tests/data/phreeqc_pitzer_reference.csv."""

    temperature: float  # [K]
    ionic_strength: float
    osmotic: float
    water_activity: float
    density: float  # [g/cm³]
    macinnes: bool
    species: list[str] = field(default_factory=list)
    molality: list[float] = field(default_factory=list)
    ln_gamma: list[float] = field(default_factory=list)


def _reference() -> dict[int, Reference]:
    text = (DATA / "phreeqc_pitzer_reference.csv").read_text().splitlines()
    out: dict[int, Reference] = {}
    for r in csv.DictReader(line for line in text if not line.startswith("#")):
        sol = out.setdefault(
            int(r["solution"]),
            Reference(
                float(r["temperature_c"]) + 273.15,
                float(r["ionic_strength"]),
                float(r["osmotic"]),
                float(r["water_activity"]),
                float(r["density_g_cm3"]),
                r["macinnes"] == "true",
            ),
        )
        sol.species.append(r["species"])
        sol.molality.append(float(r["molality"]))
        sol.ln_gamma.append(float(r["ln_gamma"]))
    return out


REFERENCE = _reference()


# Harvie (1981) Chebyshev evaluation, as tabulated for PHREEQC's ETHETAS; J1 = x dJ/dx.
@pytest.mark.parametrize(
    ("x", "j", "x_jp"),
    [(0.5, 0.0435081380, 0.0635748886), (3.0, 0.4928278111, None), (10.0, 2.0632842294, None)],
)
def test_unsymmetric_j_matches_harvie(x: float, j: float, x_jp: float | None) -> None:
    value, deriv = unsymmetric_j(np.array([x]))
    assert value[0] == pytest.approx(j, abs=2e-9)
    if x_jp is not None:
        assert x * deriv[0] == pytest.approx(x_jp, abs=2e-9)


def test_unsymmetric_j_derivative_is_consistent() -> None:
    x = np.array([1e-4, 0.01, 0.3, 2.0, 40.0])
    h = 1e-6 * x
    up, _ = unsymmetric_j(x + h)
    down, _ = unsymmetric_j(x - h)
    _, deriv = unsymmetric_j(x)
    np.testing.assert_allclose((up - down) / (2 * h), deriv, rtol=1e-6)


def test_unsymmetric_j_is_zero_at_zero() -> None:
    j, jp = unsymmetric_j(np.array([0.0]))
    assert j[0] == 0.0
    assert jp[0] == 0.0


def test_temperature_basis_is_a0_at_the_reference() -> None:
    np.testing.assert_allclose(temperature_basis(T_REF), [1, 0, 0, 0, 0, 0], atol=1e-15)
    assert temperature_basis(np.array([273.15, 373.15])).shape == (2, 6)


def test_parse_pitzer_block_is_order_free_and_last_wins() -> None:
    block = ["-B0", "  Na+ Cl- 0.07 1 2", "  Cl- Na+ 0.08", "-LAMDA", "  B(OH)3 Na+ -0.1",
             "-MacInnes false", "  ignored line"]  # fmt: skip
    params = parse_pitzer_block(block)
    assert params["B0"][("Cl-", "Na+")] == (0.08,)
    assert params["LAMBDA"][("B(OH)3", "Na+")] == (-0.1,)
    assert set(params) == {"B0", "LAMBDA", "OPTIONS"}


@pytest.mark.parametrize("solution", sorted(REFERENCE))
def test_activity_matches_phreeqc(solution: int, parameters: Parameters) -> None:
    """ln γ of every species within 1e-8 of PHREEQC given PHREEQC's molalities.

    PHREEQC reports MacInnes-scaled ln γ (except solution 6), which differ from the unscaled
    values by z_i δ for one δ per solution; the comparison removes that δ.
    """
    ref = REFERENCE[solution]
    model = PitzerModel.from_parameters(ref.species, parameters)
    result = model.activity(np.array(ref.molality), ref.temperature)
    diff = result.ln_gamma[0] - np.array(ref.ln_gamma)
    z = model.charge
    pivot = int(np.argmax(np.abs(z)))
    delta = diff[pivot] / z[pivot]
    np.testing.assert_allclose(diff - z * delta, 0.0, atol=1e-8)
    if not ref.macinnes:
        assert abs(delta) < 1e-8
    assert result.ionic_strength[0] == pytest.approx(ref.ionic_strength, rel=1e-9)
    assert result.osmotic[0] == pytest.approx(ref.osmotic, rel=1e-9)
    assert math.exp(result.ln_water_activity[0]) == pytest.approx(ref.water_activity, rel=1e-9)


def test_activity_is_vectorised(parameters: Parameters) -> None:
    species = ["Na+", "K+", "Mg+2", "Cl-", "SO4-2"]
    model = PitzerModel.from_parameters(species, parameters)
    m = np.array([[2.0, 0.5, 1.0, 4.5, 0.5], [1.0, 0.1, 0.2, 1.5, 0.0], [0.0, 0.0, 0.0, 0.0, 0.0]])
    t = np.array([298.15, 323.15, 298.15])
    both = model.activity(m, t)
    for k in range(3):
        one = model.activity(m[k], t[k])
        np.testing.assert_allclose(both.ln_gamma[k], one.ln_gamma[0], atol=1e-14)
        assert both.osmotic[k] == pytest.approx(one.osmotic[0], abs=1e-14)
    # pure water: ideal
    np.testing.assert_allclose(both.ln_gamma[2], 0.0, atol=1e-15)
    assert both.osmotic[2] == 1.0
    assert both.ln_water_activity[2] == 0.0


def _handbook() -> list[dict[str, str]]:
    text = (DATA / "mean_activity_coefficients.csv").read_text().splitlines()
    return list(csv.DictReader(line for line in text if not line.startswith("#")))


@pytest.mark.parametrize("row", _handbook(), ids=lambda r: f"{r['salt']}-{r['molality']}")
def test_mean_activity_against_experiment(row: dict[str, str], parameters: Parameters) -> None:
    """γ± and φ of single salts within 1 % of Robinson & Stokes (1959)."""
    cation = {"NaCl": "Na+", "KCl": "K+"}[row["salt"]]
    model = PitzerModel.from_parameters([cation, "Cl-"], parameters)
    m = float(row["molality"])
    result = model.activity(np.array([m, m]), float(row["t_c"]) + 273.15)
    gamma = math.exp(result.ln_gamma[0].mean())
    assert gamma == pytest.approx(float(row["gamma_mean"]), rel=0.01)
    assert result.osmotic[0] == pytest.approx(float(row["osmotic"]), rel=0.01)


def test_pitzer_options_and_overrides_are_read_not_ignored() -> None:
    """-MacInnes/-use_etheta, -APhi, -ALPHAS, -ETA and -MU are honoured; an unknown option is
    an error rather than silently ignored."""
    block = ["-B0", "Na+ Cl- 0.0765", "-B1", "Na+ Cl- 0.2664", "-C0", "Na+ Cl- 0.00127",
             "-THETA", "Na+ Mg+2 0.07", "-B0", "Mg+2 Cl- 0.35235", "-B1", "Mg+2 Cl- 1.6815",
             "-use_etheta false", "-MacInnes false", "-APhi", "0.392",
             "-ALPHAS", "Na+ Cl- 1.5 9"]  # fmt: skip
    params = parse_pitzer_block(block)
    assert params["OPTIONS"] == {("USE_ETHETA",): (0.0,), ("MACINNES",): (0.0,)}
    assert params["APHI"] == {(): (0.392,)}
    assert params["ALPHAS"] == {("Na+", "Cl-"): (1.5, 9.0)}
    model = PitzerModel.from_parameters(["Na+", "Mg+2", "Cl-"], params)
    assert not model.use_etheta
    assert [1.5, 9.0] in model.alpha.tolist()  # Na-Cl overridden
    assert [2.0, 12.0] in model.alpha.tolist()  # Mg-Cl by the charge rule
    # A_phi from -APhi: the Debye-Hückel limit of ln γ± uses 0.392
    dilute = model.activity(np.array([1e-6, 0.0, 1e-6]), 298.15)
    i = 1e-6
    limit = -0.392 * (np.sqrt(i) / (1 + 1.2 * np.sqrt(i)) + 2 / 1.2 * np.log1p(1.2 * np.sqrt(i)))
    assert dilute.ln_gamma[0, 0] == pytest.approx(limit, abs=1e-6)  # + 2 m B ≈ 7e-7
    with pytest.raises(ValueError, match="not supported"):
        parse_pitzer_block(["-redox true"])


def test_mu_of_repeated_neutrals_is_weighted_as_phreeqc() -> None:
    """μ(n,n,n'): ln γ_n gains 6 m_n m_n' μ and ln γ_n' 3 m_n² μ (PHREEQC's multipliers)."""
    params = parse_pitzer_block(["-MU", "CO2 CO2 B(OH)3 0.01", "-ETA", "CO2 Na+ Cl- 0.02"])
    model = PitzerModel.from_parameters(["CO2", "B(OH)3", "Na+", "Cl-"], params)
    m_co2, m_b, m_na = 0.5, 0.2, 1.0
    res = model.activity(np.array([m_co2, m_b, m_na, m_na]), 298.15)
    assert res.ln_gamma[0, 0] == pytest.approx(6 * m_co2 * m_b * 0.01 + m_na * m_na * 0.02)
    assert res.ln_gamma[0, 1] == pytest.approx(3 * m_co2**2 * 0.01)
