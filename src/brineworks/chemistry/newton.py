"""Newton's method on many independent nonlinear systems at once (rows of an array), for the
native backend's speciation and equilibria.

Pure numerics: the caller supplies the residual of every row and the exact part of the
Jacobian; the rest is differenced, all perturbations of all rows in one call.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal, overload

import numpy as np
from numpy.typing import NDArray

from brineworks.errors import ChemistryError

__all__ = ["LinearJacobian", "Residual", "SolutionState", "merge_rows", "newton", "subset_rows"]

FloatArray = NDArray[np.float64]

MAX_STEP = 2.0
"""Largest change of any unknown (ln m) in one Newton iteration: a factor e². [-]"""

FD_STEP = 1e-7
"""Forward-difference step of the unknowns. [-]"""


@dataclass
class SolutionState:
    """Solution of a batch: molalities, activity coefficients, water activity."""

    m: FloatArray  # (N, S)
    ln_gamma: FloatArray  # (N, S)
    ln_aw: FloatArray  # (N,)
    ionic_strength: FloatArray  # (N,)
    water: FloatArray  # (N,) mass of water [kg per kg starting water]


def merge_rows(state: SolutionState, part: SolutionState, rows: NDArray[np.intp]) -> SolutionState:
    """``state`` with ``rows`` replaced by ``part`` (arrays copied)."""
    out = SolutionState(
        state.m.copy(),
        state.ln_gamma.copy(),
        state.ln_aw.copy(),
        state.ionic_strength.copy(),
        state.water.copy(),
    )
    out.m[rows], out.ln_gamma[rows], out.ln_aw[rows] = part.m, part.ln_gamma, part.ln_aw
    out.ionic_strength[rows], out.water[rows] = part.ionic_strength, part.water
    return out


def subset_rows(state: SolutionState, rows: NDArray[np.intp]) -> SolutionState:
    """The given rows of ``state``."""
    return SolutionState(
        state.m[rows],
        state.ln_gamma[rows],
        state.ln_aw[rows],
        state.ionic_strength[rows],
        state.water[rows],
    )


Residual = Callable[[FloatArray, NDArray[np.intp]], tuple[FloatArray, SolutionState]]
LinearJacobian = Callable[[FloatArray, SolutionState, NDArray[np.intp]], FloatArray]


@overload
def newton(
    residual: Residual,
    u: FloatArray,
    linear: LinearJacobian,
    max_iter: int = ...,
    *,
    full: bool = ...,
    linear_rows: int | None = ...,
    fd_columns: int | None = ...,
    strict: Literal[True] = ...,
) -> tuple[FloatArray, SolutionState]: ...


@overload
def newton(
    residual: Residual,
    u: FloatArray,
    linear: LinearJacobian,
    max_iter: int = ...,
    *,
    full: bool = ...,
    linear_rows: int | None = ...,
    fd_columns: int | None = ...,
    strict: Literal[False],
) -> tuple[FloatArray, SolutionState, NDArray[np.bool_]]: ...


def newton(
    residual: Residual,
    u: FloatArray,
    linear: LinearJacobian,
    max_iter: int = 100,
    *,
    full: bool = False,
    linear_rows: int | None = None,
    fd_columns: int | None = None,
    strict: bool = True,
) -> tuple[FloatArray, SolutionState] | tuple[FloatArray, SolutionState, NDArray[np.bool_]]:
    """Newton's method on many independent systems at once (rows of ``u``).

    The first equations (element balances and electroneutrality) are linear in the molalities:
    ``linear`` gives their exact Jacobian. The others (mass action, SI = 0) depend on the
    activity coefficients and are differentiated by forward differences, all perturbations of
    all unconverged rows evaluated in one call of ``residual``. The exact rows matter:
    electroneutrality fixes H+ through differences of the major ions 1e10 times larger than H+
    itself, which difference quotients cannot resolve. With ``full``, ``linear`` gives the
    whole Jacobian and no differences are taken. Otherwise ``linear`` returns a full matrix
    whose first ``linear_rows`` rows are exact (all of its rows if None) and whose other rows
    are exact in the columns from ``fd_columns`` on; the differences fill the rest. Each step
    is limited to a change of 2 in any ln m. A row is converged when its largest residual is
    below 1e-12 (accepted at 1e-10).

    Raises
    ------
    ChemistryError
        If ``strict`` and some row has not converged after ``max_iter`` steps; otherwise the
        third value returned flags the rows that converged.
    """
    dim = u.shape[1]
    u = u.copy()
    rows = np.arange(len(u))
    res, state = residual(u, rows)
    for _ in range(max_iter):
        err = np.max(np.abs(res), axis=1)
        todo = np.flatnonzero(~(err <= 1e-12))
        if not len(todo):
            break
        ua = u[todo]
        exact = linear(ua, subset_rows(state, todo), todo)
        if full:
            jac = exact
        else:
            n_fd = dim if fd_columns is None else fd_columns
            n_lin = exact.shape[1] if linear_rows is None else linear_rows
            pert = np.repeat(ua[:, None, :], n_fd, axis=1)
            pert[:, :, :n_fd] += FD_STEP * np.eye(n_fd)[None]
            pr, _ = residual(pert.reshape(-1, dim), np.repeat(todo, n_fd))
            diff = (pr.reshape(len(todo), n_fd, dim) - res[todo][:, None, :]) / FD_STEP
            if exact.shape[1] == dim:
                jac = exact.copy()
            else:
                jac = np.zeros((len(todo), dim, dim))
                jac[:, : exact.shape[1], :] = exact
            jac[:, n_lin:, :n_fd] = diff.transpose(0, 2, 1)[:, n_lin:, :]
        try:
            step = np.linalg.solve(jac, -res[todo][..., None])[..., 0]
        except np.linalg.LinAlgError:
            step = np.stack(
                [np.linalg.lstsq(j, -r, rcond=None)[0] for j, r in zip(jac, res[todo], strict=True)]
            )
        step = np.nan_to_num(step)
        biggest = np.max(np.abs(step), axis=1, keepdims=True)
        step *= np.minimum(1.0, MAX_STEP / np.maximum(biggest, 1e-300))
        u[todo] = ua + step
        part_res, part = residual(u[todo], todo)
        res[todo] = part_res
        state = merge_rows(state, part, todo)
    err = np.max(np.abs(res), axis=1)
    ok = err <= 1e-10
    if strict:
        if not np.all(ok):
            raise ChemistryError(
                f"native backend did not converge in {max_iter} Newton iterations "
                f"(largest residual {float(np.nanmax(err)):.3g})",
                "",
            )
        return u, state
    return u, state, ok
