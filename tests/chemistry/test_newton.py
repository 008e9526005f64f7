"""Newton's method on many independent systems (brineworks.chemistry.newton)."""

from __future__ import annotations

import numpy as np
import pytest

from brineworks.chemistry.newton import SolutionState, newton
from brineworks.errors import ChemistryError


def _state(u: np.ndarray) -> SolutionState:
    n = len(u)
    return SolutionState(np.exp(u), np.zeros_like(u), np.zeros(n), np.zeros(n), np.ones(n))


def _problem(targets: np.ndarray):  # type: ignore[no-untyped-def]
    """Rows r: x0 + x1 = a_r (linear), x0·x1 = b_r (differenced)."""

    def residual(u: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, SolutionState]:
        a, b = targets[rows, 0], targets[rows, 1]
        return np.stack([u[:, 0] + u[:, 1] - a, u[:, 0] * u[:, 1] - b], axis=1), _state(u)

    def linear(u: np.ndarray, st: SolutionState, rows: np.ndarray) -> np.ndarray:
        return np.tile(np.array([[[1.0, 1.0]]]), (len(u), 1, 1))

    return residual, linear


def test_rows_converge_independently_to_their_roots() -> None:
    targets = np.array([[3.0, 2.0], [5.0, 6.0], [10.0, 21.0]])
    residual, linear = _problem(targets)
    u, _ = newton(residual, np.array([[2.5, 0.4], [3.5, 1.0], [8.0, 1.0]]), linear)
    np.testing.assert_allclose(np.sort(u, axis=1), [[1, 2], [2, 3], [3, 7]], rtol=1e-9)


def test_a_row_without_root_is_flagged_or_raised() -> None:
    targets = np.array([[3.0, 2.0], [1.0, 5.0]])  # x0 + x1 = 1, x0 x1 = 5: no real root
    residual, linear = _problem(targets)
    start = np.array([[2.5, 0.4], [0.3, 0.4]])
    _, _, ok = newton(residual, start, linear, max_iter=40, strict=False)
    assert ok.tolist() == [True, False]
    with pytest.raises(ChemistryError, match="did not converge"):
        newton(residual, start, linear, max_iter=40)
