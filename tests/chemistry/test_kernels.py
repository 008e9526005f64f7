"""The compiled kernels (brineworks.chemistry.kernels) against the numpy reference
implementation of the same model (pitzer.PitzerModel.activity, newton.newton)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from brineworks.chemistry import kernels
from brineworks.chemistry.database import Database
from brineworks.chemistry.pitzer import PitzerModel, j_table, parse_pitzer_block, unsymmetric_j
from tests.chemistry.test_pitzer import REFERENCE

SPECIES = ("Li+", "Na+", "K+", "Mg+2", "Ca+2", "Cl-", "SO4-2", "B(OH)3", "H+", "OH-", "HSO4-",
           "B(OH)4-", "B4O5(OH)4-2", "MgOH+", "CO3-2", "HCO3-", "CO2")  # fmt: skip


@pytest.fixture(scope="module")
def model() -> PitzerModel:
    params = parse_pitzer_block(Database.brineworks()._blocks["PITZER"])
    return PitzerModel.from_parameters(SPECIES, params)


def _compiled(model: PitzerModel, m: np.ndarray, t: np.ndarray) -> tuple[np.ndarray, ...]:
    return kernels.activity_rows(
        np.ascontiguousarray(m), model.compiled, model.parameters_at(t), j_table()
    )


@settings(max_examples=20, deadline=None)
@given(
    # a species absent or present from 1e-12 of its scale up (a total ionic strength of 1e-300
    # mol/kg, which Hypothesis once drew, underflows in I^1.5: not a solution)
    scale=st.lists(
        st.one_of(st.just(0.0), st.floats(1e-12, 3.0)), min_size=len(SPECIES), max_size=len(SPECIES)
    ),
    t_c=st.floats(0.0, 100.0),
)
def test_compiled_activity_equals_the_numpy_model(
    model: PitzerModel, scale: list[float], t_c: float
) -> None:
    """ln γ, ln a_w and I of the kernel within 1e-12 of PitzerModel.activity (same sums, other
    order) for any composition up to ~20 mol/kg ionic strength, 0–100 °C."""
    m = np.array(scale)[None, :] * np.array([0.5, 2, 0.5, 1.5, 0.2, 6, 0.3, 0.1] + [0.01] * 9)
    t = np.array([t_c + 273.15])
    ln_g, ln_aw, ionic = _compiled(model, m, t)
    ref = model.activity(m, t)
    np.testing.assert_allclose(ln_g, ref.ln_gamma, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(ln_aw, ref.ln_water_activity, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(ionic, ref.ionic_strength, rtol=1e-14)


@pytest.mark.parametrize("solution", sorted(REFERENCE))
def test_compiled_activity_matches_phreeqc(solution: int) -> None:
    """The kernel's ln γ within 1e-8 of the PHREEQC reference run (MacInnes δ removed)."""
    ref = REFERENCE[solution]
    params = parse_pitzer_block(Database.brineworks(extension=False)._blocks["PITZER"])
    model = PitzerModel.from_parameters(ref.species, params)
    ln_g, ln_aw, _ = _compiled(model, np.array([ref.molality]), np.array([ref.temperature]))
    diff = ln_g[0] - np.array(ref.ln_gamma)
    pivot = int(np.argmax(np.abs(model.charge)))
    delta = diff[pivot] / model.charge[pivot]
    np.testing.assert_allclose(diff - model.charge * delta, 0.0, atol=1e-8)
    assert np.exp(ln_aw[0]) == pytest.approx(ref.water_activity, rel=1e-9)


def test_rows_at_different_temperatures_are_independent(model: PitzerModel) -> None:
    m = np.tile(np.linspace(0.01, 2.0, len(SPECIES)), (3, 1))
    t = np.array([283.15, 313.15, 283.15])
    ln_g, _, _ = _compiled(model, m, t)
    one, _, _ = _compiled(model, m[1:2], t[1:2])
    np.testing.assert_array_equal(ln_g[0], ln_g[2])
    np.testing.assert_allclose(ln_g[1], one[0], rtol=1e-15)
    assert not np.allclose(ln_g[0], ln_g[1])


def test_pure_water_is_ideal(model: PitzerModel) -> None:
    ln_g, ln_aw, ionic = _compiled(model, np.zeros((1, len(SPECIES))), np.array([298.15]))
    assert np.all(ln_g == 0.0)
    assert ln_aw[0] == 0.0
    assert ionic[0] == 0.0


def test_j_table_interpolation_equals_unsymmetric_j() -> None:
    from brineworks.chemistry.kernels import _j_of

    x = np.array([1e-7, 1e-3, 0.37, 1.0, 12.5, 900.0])
    j, jp = unsymmetric_j(x)
    for k, xv in enumerate(x):
        a, b = _j_of(float(xv), j_table())
        assert a == pytest.approx(j[k], rel=1e-13)
        assert b == pytest.approx(jp[k], rel=1e-13)


def test_solve_matches_numpy_and_falls_back_on_singular() -> None:
    from brineworks.chemistry.kernels import _solve

    rng = np.random.default_rng(3)
    a = rng.normal(size=(7, 7))
    b = rng.normal(size=7)
    np.testing.assert_allclose(_solve(a, b), np.linalg.solve(a, b), rtol=1e-12)
    singular = np.array([[1.0, 2.0], [2.0, 4.0]])
    x = _solve(singular, np.array([1.0, 2.0]))  # consistent: the minimum-norm solution
    np.testing.assert_allclose(x, np.linalg.lstsq(singular, np.array([1.0, 2.0]))[0], rtol=1e-6)
    assert np.all(np.isnan(_solve(np.array([[np.nan]]), np.array([1.0]))))


def test_compiled_j_quadrature_equals_numpy() -> None:
    """The table's compiled quadrature gives the numpy quadrature's J, J', J'' (1e-12)."""
    from brineworks.chemistry.pitzer import _j_quadrature

    x = np.exp(np.linspace(np.log(1e-12), np.log(1e4), 37))
    for ours, ref in zip(_j_quadrature(x, compiled=True), _j_quadrature(x), strict=True):
        np.testing.assert_allclose(ours, ref, rtol=1e-12, atol=1e-15)


def test_singular_fallback_is_the_minimum_norm_least_squares_step() -> None:
    """A Newton matrix with an exactly zero pivot (numpy's solve raises there) gets numpy's
    lstsq step (the pseudo-inverse), consistent right-hand side or not."""
    from brineworks.chemistry.kernels import _solve

    a = np.array([[1.0, 2.0, 0.0, 1.0], [2.0, 4.0, 0.0, 2.0], [0.0, 0.0, 3.0, 1.0],
                  [1.0, 0.0, 1.0, 0.0]])  # fmt: skip
    for b in (a @ np.array([0.3, -1.0, 2.0, 0.5]), np.array([1.0, 0.0, 3.0, -2.0])):
        np.testing.assert_allclose(_solve(a, b), np.linalg.lstsq(a, b)[0], rtol=1e-6, atol=1e-9)
