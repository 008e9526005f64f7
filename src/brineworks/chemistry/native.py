"""The native backend: Pitzer equilibrium in numpy, vectorised over many brines.

It reads the same database as the PHREEQC backend (``pitzer.dat`` plus the Brineworks lithium
extension) and solves the same problems — speciation, saturation indices, equilibrium with
solids — without a PHREEQC process, so a study of thousands of brines runs as a few array
operations (:meth:`NativeBackend.speciate_many`).

Model (see ``docs/chemistry.md``):

* species: the database's master species of the brine's elements, H+, OH- and every aqueous
  complex the database defines from them (HSO4-, MgOH+, B(OH)4-, CO2, HCO3- …);
* activity coefficients and water activity from :class:`~brineworks.chemistry.pitzer.PitzerModel`;
* unknowns: ln m of each master species (and of H+ unless the pH is given), plus the amount of
  each solid present; equations: element balances, electroneutrality, and SI = 0 for each
  solid present. Solved by Newton's method with a finite-difference Jacobian evaluated for all
  brines at once, steps limited to a factor e² per iteration;
* the set of solids present is found by an active-set loop (add the most supersaturated
  candidate, drop one that would have a negative amount), checked on exit: every present solid
  at SI = 0, every absent one at SI ≤ 0, every element conserved to 1e-10 relative;
* water of hydration leaves or joins the solution with each solid; water made or used by
  aqueous complexes (MgOH+ formation …) is neglected — at most 1e-6 kg per kg in brines of
  ordinary pH — so H and O are not balanced exactly (the other elements are);
* pH is reported on the MacInnes scale, as PHREEQC reports it: individual ion activity
  coefficients are shifted by z·δ so that γ(Cl-) equals the mean activity coefficient of KCl
  at the same ionic strength. Shifts of this form cancel in every charge-balanced reaction,
  so they change only the pH and the single-ion values, never a saturation index.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np
from numpy.typing import NDArray

from brineworks.chemistry.base import ELEMENTS, DatabaseBackend
from brineworks.chemistry.brine import Brine
from brineworks.chemistry.database import Database
from brineworks.chemistry.formula import parse_formula, species_charge
from brineworks.chemistry.ions import ion
from brineworks.chemistry.pitzer import M_WATER, PitzerModel, parse_pitzer_block
from brineworks.chemistry.reactions import (
    Reaction,
    phase_reactions,
    species_reactions,
    species_volumes,
)
from brineworks.chemistry.results import Equilibrium, Speciation
from brineworks.chemistry.water import water_properties
from brineworks.errors import ChemistryError, InputError, ValidityError

log = logging.getLogger(__name__)

__all__ = ["NativeBackend"]

FloatArray = NDArray[np.float64]

IONIC_STRENGTH_MAX = 25.0
"""Highest ionic strength accepted, as for the PHREEQC backend. [mol/kg H2O]"""

LN10 = math.log(10.0)
_ELEMENTS = ELEMENTS
_MAX_STEP = 2.0  # largest change of ln m per Newton iteration
_FD_STEP = 1e-7


@dataclass(frozen=True)
class _System:
    """Species, reactions and parameters for one set of elements."""

    elements: tuple[str, ...]
    basis: tuple[str, ...]  # master species of the elements, then "H+"
    species: tuple[str, ...]  # basis first, then the secondary species
    nu: FloatArray  # (S, B): ln a_s = lnK_s + nu_s · ln a_basis + nu_w_s ln a_w (identity rows)
    nu_w: FloatArray  # (S,)
    log_k: tuple[Reaction | None, ...]  # per species (None for basis species)
    element_matrix: FloatArray  # (E, S) element count of each species
    charge: FloatArray  # (S,)
    model: PitzerModel
    phases: tuple[str, ...]
    phase_nu: FloatArray  # (P, S): ln IAP = phase_nu · ln a + phase_nu_w ln a_w
    phase_nu_w: FloatArray  # (P,)
    phase_elements: FloatArray  # (P, E)
    phase_reactions: tuple[Reaction, ...]
    chloride_model: PitzerModel | None  # species + Cl- for the MacInnes reference, if no Cl-
    species_mass: FloatArray  # (S,) from the database's element weights [g/mol]
    volume_parameters: FloatArray  # (S, 10) -Vm parameters, zeros where none

    def ln_k(self, temperature: FloatArray) -> FloatArray:
        """ln K of each species at each temperature, shape (N, S) (0 for basis species)."""
        out = np.zeros((len(temperature), len(self.species)))
        for s, reaction in enumerate(self.log_k):
            if reaction is not None:
                out[:, s] = reaction.log_k(temperature) * LN10
        return out

    def ln_k_phases(self, temperature: FloatArray) -> FloatArray:
        """ln K of each phase, shape (N, P)."""
        out = np.zeros((len(temperature), len(self.phases)))
        for p, reaction in enumerate(self.phase_reactions):
            out[:, p] = reaction.log_k(temperature) * LN10
        return out


@dataclass
class _State:
    """Solution of a batch: molalities, activity coefficients, water activity."""

    m: FloatArray  # (N, S)
    ln_gamma: FloatArray  # (N, S)
    ln_aw: FloatArray  # (N,)
    ionic_strength: FloatArray  # (N,)
    water: FloatArray  # (N,) mass of water [kg per kg starting water]


class NativeBackend(DatabaseBackend):
    """Pitzer equilibrium in numpy on the Brineworks database (see the module docstring).

    Parameters
    ----------
    database
        Database to read; default ``pitzer.dat`` plus the Brineworks lithium extension.

    Examples
    --------
    >>> eq = NativeBackend().saturate(["Halite"], temperature=298.15)
    >>> round(eq.solution.molality["Na"], 2)
    6.11
    """

    name = "native"

    def __init__(self, database: Database | None = None) -> None:
        super().__init__(database)
        self._systems: dict[tuple[str, ...], _System] = {}

    # ------------------------------------------------------------------ database
    @cached_property
    def _pitzer(self) -> dict[str, dict[tuple[str, ...], tuple[float, ...]]]:
        return parse_pitzer_block(self.database._blocks.get("PITZER", []))

    @cached_property
    def _species_reactions(self) -> dict[str, Reaction]:
        return species_reactions(self.database._blocks.get("SOLUTION_SPECIES", []))

    @cached_property
    def _phase_reactions(self) -> dict[str, Reaction]:
        return phase_reactions(self.database._blocks.get("PHASES", []))

    def _system(self, elements: Sequence[str]) -> _System:
        key = tuple(e for e in _ELEMENTS if e in set(elements))
        if key not in self._systems:
            self._systems[key] = self._build_system(key)
        return self._systems[key]

    def _build_system(self, elements: tuple[str, ...]) -> _System:
        masters = [self.database.master_species[e][0] for e in elements]
        basis = (*masters, "H+")
        reactions = self._species_reactions
        candidates = [
            sp
            for sp in self.database.species_for(set(elements))
            if sp not in basis and sp in reactions and reactions[sp].coefficients
        ]
        # Express every secondary species over the basis (substituting secondary reactants).
        resolved: dict[str, tuple[dict[str, float], float]] = {}
        pending = list(candidates)
        for _ in range(len(pending) + 1):
            still = []
            for sp in pending:
                coeffs = dict(reactions[sp].coefficients)
                own = coeffs.pop(sp)
                vec: dict[str, float] = {}
                water = 0.0
                ok = True
                for other, c in coeffs.items():
                    share = -c / own
                    if other == "H2O":
                        water += share
                    elif other in basis:
                        vec[other] = vec.get(other, 0.0) + share
                    elif other in resolved:
                        sub, sub_w = resolved[other]
                        for b, v in sub.items():
                            vec[b] = vec.get(b, 0.0) + share * v
                        water += share * sub_w
                        ok = ok and False  # log K of a substituted species: not supported
                    else:
                        ok = False
                if ok:
                    resolved[sp] = (vec, water)
                else:
                    still.append(sp)
            if len(still) == len(pending):
                break
            pending = still
        secondary = [sp for sp in candidates if sp in resolved]
        species = (*basis, *secondary)
        index = {s: k for k, s in enumerate(species)}
        n_s, n_b = len(species), len(basis)
        nu = np.zeros((n_s, n_b))
        nu_w = np.zeros(n_s)
        log_k: list[Reaction | None] = [None] * n_s
        for k in range(n_b):
            nu[k, k] = 1.0
        for sp in secondary:
            vec, water = resolved[sp]
            for b, v in vec.items():
                nu[index[sp], basis.index(b)] = v
            nu_w[index[sp]] = water
            log_k[index[sp]] = reactions[sp]
        element_matrix = np.zeros((len(elements), n_s))
        for s, sp in enumerate(species):
            counts = parse_formula(sp)
            for e, el in enumerate(elements):
                element_matrix[e, s] = counts.get(el, 0.0)
        charge = np.array([species_charge(s) for s in species], dtype=float)
        model = PitzerModel.from_parameters(species, self._pitzer)
        weights = {el: w for el, (_, w) in self.database.master_species.items()}

        phases, rows, rows_w, phase_el, phase_rx = [], [], [], [], []
        for phase in self.database.phases_for(set(elements)):
            rx = self._phase_reactions.get(phase)
            if rx is None or phase not in self.database.phase_formulas:
                continue
            row = np.zeros(n_s)
            water = 0.0
            ok = True
            for sp, c in rx.coefficients.items():
                if sp == "H2O":
                    water += c
                elif sp in index:
                    row[index[sp]] += c
                else:
                    ok = False
            if not ok:
                continue
            formula = self.database.phase_formulas[phase]
            phases.append(phase)
            rows.append(row)
            rows_w.append(water)
            phase_el.append([formula.get(el, 0.0) for el in elements])
            phase_rx.append(rx)
        return _System(
            elements=elements,
            basis=basis,
            species=species,
            nu=nu,
            nu_w=nu_w,
            log_k=tuple(log_k),
            element_matrix=element_matrix,
            charge=charge,
            model=model,
            phases=tuple(phases),
            phase_nu=np.array(rows).reshape(-1, n_s),
            phase_nu_w=np.array(rows_w, dtype=float),
            phase_elements=np.array(phase_el, dtype=float).reshape(len(phases), len(elements)),
            phase_reactions=tuple(phase_rx),
            chloride_model=(
                None
                if "Cl-" in species
                else PitzerModel.from_parameters((*species, "Cl-"), self._pitzer)
            ),
            species_mass=np.array(
                [
                    sum(weights.get(el, 0.0) * c for el, c in parse_formula(sp).items())
                    for sp in species
                ]
            ),
            volume_parameters=np.array(
                [self._volumes.get(sp, (0.0,) * 10) for sp in species], dtype=float
            ).reshape(-1, 10),
        )

    # ------------------------------------------------------------------ protocol
    def speciate(self, brine: Brine, *, saturation: bool = True) -> Speciation:
        """Speciation, activities, water activity, density, pH and SIs of one brine."""
        return self.speciate_many([brine], saturation=saturation)[0]

    def speciate_many(
        self, brines: Sequence[Brine], *, saturation: bool = True
    ) -> list[Speciation]:
        """Speciate many brines at once (vectorised over brines with the same elements).

        Parameters
        ----------
        brines
            The brines; each may have its own temperature and composition.
        saturation
            Also compute the saturation index of every phase the brine's elements can form.
        """
        out: list[Speciation | None] = [None] * len(brines)
        groups: dict[tuple[str, ...], list[int]] = {}
        prepared = []
        for k, brine in enumerate(brines):
            totals, ph, notes = self._prepare(brine)
            prepared.append((totals, ph, notes))
            key = tuple(e for e in _ELEMENTS if totals.get(e, 0.0) > 0)
            groups.setdefault(key, []).append(k)
        for key, members in groups.items():
            system = self._system(key)
            amounts = np.array([[prepared[k][0][e] for e in key] for k in members])
            t = np.array([brines[k].temperature for k in members])
            ph_given = np.array([prepared[k][1] for k in members], dtype=object)
            state = self._solve_speciation(system, amounts, t, ph_given)
            results = self._speciations(
                system,
                state,
                t,
                [prepared[k][2] for k in members],
                saturation,
                [brines[k].name for k in members],
            )
            for k, result in zip(members, results, strict=True):
                out[k] = result
        return [s for s in out if s is not None]

    def equilibrate(
        self,
        brine: Brine,
        phases: Sequence[str] | Mapping[str, float],
        *,
        added: Mapping[str, float] | None = None,
    ) -> Equilibrium:
        """Equilibrate a brine with candidate solids (see :class:`ThermoBackend`)."""
        amounts = self._check_amounts(phases)
        totals, ph, notes = self._prepare(brine)
        for formula, counts in self._check_added(added or {}).items():
            n = (added or {})[formula]
            for el, c in counts.items():
                if el not in ("H", "O"):
                    totals[el] = totals.get(el, 0.0) + c * n
            if n:
                notes = (*notes, f"added {n:.4g} mol/kgw {formula}")
        if added and any(added.values()) and ph is not None:
            ph = None  # reagents change the pH: it follows from electroneutrality
        elements = set(totals) | {
            el for p in amounts for el in self.database.phase_formulas[p] if el not in ("H", "O")
        }
        return self._equilibrium(totals, brine.temperature, amounts, elements, ph, notes)

    def saturate(
        self, phases: Sequence[str], temperature: float, *, excess: float = 20.0
    ) -> Equilibrium:
        """Pure water equilibrated with an excess of each named solid.

        A named solid that is not stable in the assemblage dissolves completely and is reported
        in :attr:`Equilibrium.absent`; ``excess`` is multiplied by ten when a stable solid would
        otherwise be used up.
        """
        names = list(dict.fromkeys(phases))
        if not names:
            raise InputError("phases", phases, "at least one solid phase name")
        self._check_phases(names)
        self._check_temperature(temperature)
        elements = {
            el for p in names for el in self.database.phase_formulas[p] if el not in ("H", "O")
        }
        notes = ("pure water equilibrated with an excess of each solid",)
        best: Equilibrium | None = None
        error: ChemistryError | None = None
        for amount in (excess, 3 * excess, 10 * excess):
            try:
                result = self._equilibrium(
                    {}, temperature, dict.fromkeys(names, amount), elements, None, notes
                )
            except ChemistryError as exc:  # ValidityError included
                error = exc
                continue
            if best is None or len(result.absent) < len(best.absent):
                best = result
            if not result.absent:
                break
        if best is None:
            assert error is not None
            raise error
        return best

    # ------------------------------------------------------------------ checks
    def _prepare(self, brine: Brine) -> tuple[dict[str, float], float | None, tuple[str, ...]]:
        """Element totals [mol/kgw], the pH (None: from electroneutrality) and notes."""
        brine, notes = self._neutral_salt(brine)
        totals: dict[str, float] = {}
        for key, m in brine.molality.items():
            if m > 0:
                el = ion(key).element
                totals[el] = totals.get(el, 0.0) + m
        return totals, brine.pH, notes

    # ------------------------------------------------------------------ solvers
    def _evaluate(
        self, system: _System, ln_m: FloatArray, t: FloatArray, water: FloatArray
    ) -> _State:
        """Activity coefficients and water activity of the solutions ``exp(ln_m)``."""
        m = np.exp(np.clip(ln_m, -600.0, 50.0))
        act = system.model.activity(m, t)
        return _State(m, act.ln_gamma, act.ln_water_activity, act.ionic_strength, water)

    @staticmethod
    def _mass_action(system: _System, ln_m: FloatArray, st: _State, ln_k: FloatArray) -> FloatArray:
        """Residual of the mass-action law of each secondary species, shape (N, S − B)."""
        nb = len(system.basis)
        ln_a = ln_m + st.ln_gamma
        predicted = ln_k[:, nb:] + ln_a[:, :nb] @ system.nu[nb:].T
        predicted += st.ln_aw[:, None] * system.nu_w[nb:]
        return np.asarray(ln_a[:, nb:] - predicted)

    def _macinnes_shift(self, system: _System, state: _State, t: FloatArray) -> FloatArray:
        """δ per solution: ln γ_i(MacInnes) = ln γ_i − z_i δ, so that γ(Cl-) = γ±(KCl, I)."""
        kcl = _kcl_model(self)
        i = state.ionic_strength
        mean = kcl.activity(np.stack([i, i], axis=1), t).ln_gamma.mean(axis=1)
        if system.chloride_model is None:
            ln_g_cl = state.ln_gamma[:, system.species.index("Cl-")]
        else:  # Cl- at zero molality, as PHREEQC adds it
            padded = np.concatenate([state.m, np.zeros((len(t), 1))], axis=1)
            ln_g_cl = system.chloride_model.activity(padded, t).ln_gamma[:, -1]
        return np.asarray(mean - ln_g_cl)

    def _solve_speciation(
        self, system: _System, totals: FloatArray, t: FloatArray, ph: FloatArray
    ) -> _State:
        """Newton on ln m of every species: mass action, element balances, electroneutrality
        (or the given pH)."""
        n_el = totals.shape[1]
        nb = len(system.basis)
        fixed_ph = np.array([p is not None for p in ph])
        ph_values = np.array([p if p is not None else 7.0 for p in ph], dtype=float)
        x0 = _initial_guess(system, totals, t, np.where(fixed_ph, ph_values, 7.0))
        ln_k = system.ln_k(t)
        u0 = _ideal_secondary(system, x0, ln_k)

        def residual(u: FloatArray, rows: NDArray[np.intp]) -> tuple[FloatArray, _State]:
            st = self._evaluate(system, u, t[rows], np.ones(len(rows)))
            res = np.empty_like(u)
            res[:, :n_el] = (st.m @ system.element_matrix.T) / totals[rows] - 1.0
            scale = (st.m * np.abs(system.charge)).sum(axis=1)
            res[:, n_el] = (st.m @ system.charge) / scale
            fixed = fixed_ph[rows]
            if np.any(fixed):
                delta = self._macinnes_shift(system, st, t[rows])
                ln_a_h = u[:, nb - 1] + st.ln_gamma[:, nb - 1]
                target = -ph_values[rows] * LN10 + delta
                res[fixed, n_el] = (ln_a_h - target)[fixed]
            res[:, nb:] = self._mass_action(system, u, st, ln_k[rows])
            return res, st

        # Mass-action rows with the activity coefficients held: ∂/∂ln m_j = 1, ∂/∂ln m_b = −ν_jb
        n_s = len(system.species)
        mass_action = np.zeros((n_s - nb, n_s))
        mass_action[:, nb:] = np.eye(n_s - nb)
        mass_action[:, :nb] = -system.nu[nb:]

        def jacobian(u: FloatArray, st: _State, rows: NDArray[np.intp]) -> FloatArray:
            jac = np.zeros((len(u), n_s, n_s))
            jac[:, :n_el, :] = (
                st.m[:, None, :] * system.element_matrix[None] / totals[rows][..., None]
            )
            scale = (st.m * np.abs(system.charge)).sum(axis=1)
            jac[:, n_el, :] = st.m * system.charge / scale[:, None]
            fixed = fixed_ph[rows]
            if np.any(fixed):
                jac[fixed, n_el, :] = 0.0
                jac[fixed, n_el, nb - 1] = 1.0
            jac[:, nb:, :] = mass_action[None]
            return jac

        # Speciation couples the activity coefficients only weakly to the unknowns (the major
        # ions are fixed by their balances), so Newton with γ held at each iterate converges.
        return _newton(residual, u0, jacobian, full=True)[1]

    # ------------------------------------------------------------------ equilibrium
    def _equilibrium(
        self,
        totals: Mapping[str, float],
        temperature: float,
        amounts: Mapping[str, float],
        elements: set[str],
        ph: float | None,
        notes: tuple[str, ...],
    ) -> Equilibrium:
        key = tuple(e for e in _ELEMENTS if e in elements)
        system = self._system(key)
        names = list(amounts)
        for p in names:
            if p not in system.phases:
                raise InputError(
                    "phase",
                    p,
                    "a solid whose reaction uses only the native backend's species "
                    f"({', '.join(system.species)})",
                )
        pidx = [system.phases.index(p) for p in names]
        n0 = np.array([amounts[p] for p in names], dtype=float)
        dissolved = np.array([totals.get(el, 0.0) for el in key])
        available = dissolved + (n0 @ system.phase_elements[pidx] if names else 0.0)
        if np.any(available <= 0):
            missing = [el for el, a in zip(key, available, strict=True) if a <= 0]
            raise InputError("elements", missing, "elements present in the brine or a solid")
        t = np.array([temperature])
        ln_k = system.ln_k(t)
        ln_k_p = system.ln_k_phases(t)[0, pidx]
        nb = len(system.basis)
        n_s = len(system.species)
        n_el = len(key)
        h2o = system.phase_nu_w[pidx]
        el_p = system.phase_elements[pidx]  # (P, E)
        nu_p = system.phase_nu[pidx]  # (P, S)
        nu_pw = system.phase_nu_w[pidx]

        def solve(
            active: list[int], lnm0: FloatArray, xi0: FloatArray
        ) -> tuple[FloatArray, FloatArray, _State]:
            def residual(u: FloatArray, rows: NDArray[np.intp]) -> tuple[FloatArray, _State]:
                k = len(u)
                xi = np.repeat(xi0[None, :], k, axis=0)
                xi[:, active] = u[:, n_s:]
                water = 1.0 - M_WATER * (xi @ h2o)
                st = self._evaluate(system, u[:, :n_s], np.full(k, temperature), water)
                res = np.empty_like(u)
                dis = (st.m @ system.element_matrix.T) * water[:, None]
                res[:, :n_el] = (dis + xi @ el_p - dissolved) / available
                scale = (st.m * np.abs(system.charge)).sum(axis=1)
                res[:, n_el] = (st.m @ system.charge) / scale
                if ph is not None:
                    delta = self._macinnes_shift(system, st, np.full(k, temperature))
                    ln_a_h = u[:, nb - 1] + st.ln_gamma[:, nb - 1]
                    res[:, n_el] = ln_a_h - (-ph * LN10 + delta)
                res[:, nb:n_s] = self._mass_action(system, u[:, :n_s], st, ln_k[[0] * k])
                ln_a = u[:, :n_s] + st.ln_gamma
                ln_iap = ln_a @ nu_p[active].T + st.ln_aw[:, None] * nu_pw[active]
                res[:, n_s:] = ln_iap - ln_k_p[active]
                return res, st

            def linear(u: FloatArray, st: _State, rows: NDArray[np.intp]) -> FloatArray:
                jac = np.zeros((len(u), nb, u.shape[1]))
                w = st.water[:, None, None]
                jac[:, :n_el, :n_s] = w * st.m[:, None, :] * system.element_matrix[None]
                dissolved_now = st.m @ system.element_matrix.T  # per kg water
                jac[:, :n_el, n_s:] = (
                    el_p[active].T[None]
                    - M_WATER * dissolved_now[:, :, None] * h2o[active][None, None]
                )
                jac[:, :n_el, :] /= available[None, :, None]
                scale = (st.m * np.abs(system.charge)).sum(axis=1)
                jac[:, n_el, :n_s] = st.m * system.charge / scale[:, None]
                if ph is not None:
                    jac[:, n_el, :] = 0.0
                    jac[:, n_el, nb - 1] = 1.0
                return jac

            u0 = np.concatenate([lnm0, xi0[active]])[None, :]
            u, st = _newton(residual, u0, linear)
            xi = xi0.copy()
            xi[active] = u[0, n_s:]
            return u[0, :n_s], xi, st

        start = np.maximum(dissolved + 1e-3 * (available - dissolved), 1e-8)
        x0 = _initial_guess(system, start[None, :], t, np.array([ph if ph is not None else 7.0]))
        lnm = _ideal_secondary(system, x0, ln_k)[0]

        def search(
            active: list[int], lnm: FloatArray, xi: FloatArray
        ) -> tuple[FloatArray, FloatArray, _State]:
            """Active-set loop: one solid joins or leaves per pass until all SIs agree."""
            tried: set[tuple[int, ...]] = set()
            for _ in range(6 * len(names) + 8):
                tried.add(tuple(sorted(active)))
                lnm, xi, state = solve(active, lnm, xi)
                amount = n0 + xi
                negative = [k for k in active if amount[k] < -1e-12]
                if negative:
                    worst = min(negative, key=lambda k: amount[k])
                    active.remove(worst)
                    xi[worst] = -n0[worst]
                    continue
                ln_a = lnm + state.ln_gamma[0]
                si = (nu_p @ ln_a + nu_pw * state.ln_aw[0] - ln_k_p) / LN10
                # a fixed solid joins when it is supersaturated, or undersaturated but present
                joining = [
                    k
                    for k in range(len(names))
                    if k not in active and (si[k] > 1e-9 or (si[k] < -1e-9 and amount[k] > 1e-12))
                ]
                if joining:
                    best = max(joining, key=lambda k: abs(si[k]))
                    if tuple(sorted([*active, best])) in tried:
                        raise ChemistryError(
                            f"native backend: the solid assemblage cycles on {names[best]}", ""
                        )
                    active.append(best)
                    continue
                return lnm, xi, state
            raise ChemistryError("native backend: no stable solid assemblage found", "")

        xi0 = np.zeros(len(names))
        present = [k for k in range(len(names)) if n0[k] > 0]
        try:
            lnm, xi, state = search(list(present), lnm, xi0.copy())
        except ChemistryError as first:
            # Standard remedy: let the solids in one at a time, from the solution with the first
            # alone (elements of the others seeded at 1e-10 of their amount, removed at the end).
            if len(present) < 2:
                raise
            log.info("native: %s from all solids at once; retrying one at a time", first)
            seeded = dissolved.copy()
            seeded = np.where(seeded > 0, seeded, 1e-10 * available)
            real = dissolved
            dissolved = seeded
            try:
                x1 = _initial_guess(system, np.maximum(seeded, 1e-12)[None, :], t, np.array([7.0]))
                lnm, xi, state = search(
                    present[:1], _ideal_secondary(system, x1, ln_k)[0], xi0.copy()
                )
                dissolved = real
                active_now = [
                    k for k in range(len(names)) if abs(xi[k]) > 0 or n0[k] + xi[k] > 1e-12
                ]
                active_now = [k for k in active_now if n0[k] + xi[k] > 1e-12]
                lnm, xi, state = search(active_now, lnm, xi)
            finally:
                dissolved = real
        assert state is not None
        if state.ionic_strength[0] > IONIC_STRENGTH_MAX:
            raise ValidityError(
                f"the equilibrium state has ionic strength {state.ionic_strength[0]:.4g} mol/kg, "
                f"beyond the {IONIC_STRENGTH_MAX:g} mol/kg the Pitzer database is validated for"
            )
        spec = self._speciations(system, state, t, [notes], True, ["equilibrium"])[0]
        amount = np.maximum(n0 + xi, 0.0)
        solids = {p: float(amount[k]) for k, p in enumerate(names)}
        mass = {p: solids[p] * self.database.phase_molar_mass(p) for p in names}
        change = {p: float(xi[k]) for k, p in enumerate(names)}
        return Equilibrium(spec, solids, mass, change, tuple(names))

    # ------------------------------------------------------------------ results
    def _speciations(
        self,
        system: _System,
        state: _State,
        t: FloatArray,
        notes: Sequence[tuple[str, ...]],
        saturation: bool,
        names: Sequence[str],
    ) -> list[Speciation]:
        """Result objects for every row of a solved batch (array work done once)."""
        too_strong = np.flatnonzero(state.ionic_strength > IONIC_STRENGTH_MAX)
        if len(too_strong):
            k = int(too_strong[0])
            raise ValidityError(
                f"brine {names[k]!r} has ionic strength {state.ionic_strength[k]:.4g} mol/kg, "
                f"beyond the {IONIC_STRENGTH_MAX:g} mol/kg the Pitzer database is validated for"
            )
        delta = self._macinnes_shift(system, state, t)
        m = state.m
        ln_m = np.log(np.maximum(m, 1e-300))
        ln_g_mac = state.ln_gamma - system.charge[None, :] * delta[:, None]
        act = np.exp(ln_m + ln_g_mac)
        gamma = np.exp(ln_g_mac)
        elements = m @ system.element_matrix.T
        ph = -np.log10(act[:, system.species.index("H+")])
        si = None
        if saturation and len(system.phases):
            si = (
                (ln_m + state.ln_gamma) @ system.phase_nu.T
                + state.ln_aw[:, None] * system.phase_nu_w[None, :]
                - system.ln_k_phases(t)
            ) / LN10
        z = system.charge
        cations = (m * np.where(z > 0, z, 0.0)).sum(axis=1)
        anions = (m * np.where(z < 0, -z, 0.0)).sum(axis=1)
        balance = 100.0 * (cations - anions) / (cations + anions)
        density = self._densities(system, m, t)
        species = system.species
        out = []
        for k in range(len(t)):
            out.append(
                Speciation(
                    temperature=float(t[k]),
                    pH=float(ph[k]),
                    ionic_strength=float(state.ionic_strength[k]),
                    water_activity=float(np.exp(state.ln_aw[k])),
                    density=float(density[k]),
                    mass_water=float(state.water[k]),
                    molality=dict(zip(system.elements, elements[k].tolist(), strict=True)),
                    species_molality={
                        sp: v for sp, v in zip(species, m[k].tolist(), strict=True) if v > 0
                    },
                    activity=dict(zip(species, act[k].tolist(), strict=True)),
                    activity_coefficient=dict(zip(species, gamma[k].tolist(), strict=True)),
                    saturation_index=(
                        {} if si is None else dict(zip(system.phases, si[k].tolist(), strict=True))
                    ),
                    charge_balance=float(balance[k]),
                    notes=tuple(notes[k]),
                )
            )
        return out

    @cached_property
    def _volumes(self) -> dict[str, tuple[float, ...]]:
        return species_volumes(self.database._blocks.get("SOLUTION_SPECIES", []))

    def _densities(self, system: _System, m: FloatArray, temperature: FloatArray) -> FloatArray:
        """Solution density from apparent molal volumes (PHREEQC's ``-Vm`` model). [kg/m³]

        V°_i = a1 + a2/(2600 + p) + (a3 + a4/(2600 + p))/(T − 228) − W·Q (scaled as PHREEQC
        reads them), plus z²/2·A_V·√I/(1 + a0·B·√I) and (i1 + i2/(T − 228) + i3(T − 228))·I^i4
        for ions; ρ = ρ_w (1000 + Σ m_i M_i)/(ρ_w Σ m_i V_i + 1000) per kg of water, with M_i
        from the database's element weights (Appelo et al. 2014; Appelo 2015).
        """
        water = water_properties(temperature)
        par = system.volume_parameters  # (S, 10); rows of zeros for species without -Vm
        ionic = 0.5 * (m * system.charge**2).sum(axis=1)
        sqrt_i = np.sqrt(ionic)[:, None]
        p_bar = 2600.0 + 1.01325
        theta = (temperature - 228.0)[:, None]
        a1, a2 = par[:, 0] * 4.184004, par[:, 1] * 4184.004
        a3, a4 = par[:, 2] * 41.84004, par[:, 3] * 418400.4
        w_born = par[:, 4] * 1e5
        v = a1 + a2 / p_bar + (a3 + a4 / p_bar) / theta - w_born * water.q_born[:, None]
        z2 = system.charge**2
        a0 = par[:, 5]
        denom = np.where(a0 >= 1e-5, 1.0 + a0 * water.dh_b[:, None] * sqrt_i, 1.0)
        v = v + 0.5 * z2 * water.av[:, None] * sqrt_i / denom
        extra = (par[:, 6] != 0) | (par[:, 7] != 0) | (par[:, 8] != 0)
        with np.errstate(divide="ignore", invalid="ignore"):
            term = (par[:, 6] + par[:, 7] / theta + par[:, 8] * theta) * ionic[:, None] ** par[:, 9]
        v = v + np.where(extra & (system.charge != 0), np.nan_to_num(term), 0.0)
        v = np.where(par[:, 0] != 0.0, v, 0.0)
        volume = (m * v).sum(axis=1)
        mass = m @ system.species_mass
        rho_w = water.density
        return np.asarray(1000.0 * rho_w * (1000.0 + mass) / (rho_w * volume + 1000.0))


def _ideal_secondary(system: _System, x: FloatArray, ln_k: FloatArray) -> FloatArray:
    """ln m of every species from ln m of the basis, for an ideal solution (γ = a_w = 1)."""
    nb = len(system.basis)
    out = np.empty((x.shape[0], len(system.species)))
    out[:, :nb] = x
    out[:, nb:] = ln_k[:, nb:] + x @ system.nu[nb:].T
    return np.clip(out, -600.0, 50.0)


Residual = Callable[[FloatArray, NDArray[np.intp]], tuple[FloatArray, _State]]
LinearJacobian = Callable[[FloatArray, _State, NDArray[np.intp]], FloatArray]


def _newton(
    residual: Residual,
    u: FloatArray,
    linear: LinearJacobian,
    max_iter: int = 100,
    *,
    full: bool = False,
) -> tuple[FloatArray, _State]:
    """Newton's method on many independent systems at once (rows of ``u``).

    The first equations (element balances and electroneutrality) are linear in the molalities:
    ``linear`` gives their exact Jacobian. The others (mass action, SI = 0) depend on the
    activity coefficients and are differentiated by forward differences, all perturbations of
    all rows evaluated in one call of ``residual``. The exact rows matter: electroneutrality
    fixes H+ through differences of the major ions 1e10 times larger than H+ itself, which
    difference quotients cannot resolve. With ``full``, ``linear`` gives the whole Jacobian
    and no differences are taken. Each step is limited to a change of 2 in any ln m.

    Raises
    ------
    ChemistryError
        If some row has not converged (largest residual above 1e-10) after ``max_iter`` steps.
    """
    n, dim = u.shape
    rows = np.arange(n)
    res, state = residual(u, rows)
    for _ in range(max_iter):
        err = np.max(np.abs(res), axis=1)
        todo = np.flatnonzero(~(err <= 1e-12))
        if not len(todo):
            return u, state
        ua = u[todo]
        exact = linear(ua, _subset(state, todo), todo)
        if full:
            jac = exact
        else:
            pert = np.repeat(ua[:, None, :], dim, axis=1) + _FD_STEP * np.eye(dim)[None]
            pr, _ = residual(pert.reshape(-1, dim), np.repeat(todo, dim))
            jac = (pr.reshape(len(todo), dim, dim) - res[todo][:, None, :]) / _FD_STEP
            jac = jac.transpose(0, 2, 1)  # (rows, equations, unknowns)
            jac[:, : exact.shape[1], :] = exact
        try:
            step = np.linalg.solve(jac, -res[todo][..., None])[..., 0]
        except np.linalg.LinAlgError:
            step = np.stack(
                [np.linalg.lstsq(j, -r, rcond=None)[0] for j, r in zip(jac, res[todo], strict=True)]
            )
        step = np.nan_to_num(step)
        biggest = np.max(np.abs(step), axis=1, keepdims=True)
        step *= np.minimum(1.0, _MAX_STEP / np.maximum(biggest, 1e-300))
        u = u.copy()
        u[todo] = ua + step
        res, state = residual(u, rows)
    err = np.max(np.abs(res), axis=1)
    if np.any(~(err <= 1e-10)):
        raise ChemistryError(
            f"native backend did not converge in {max_iter} Newton iterations "
            f"(largest residual {float(np.nanmax(err)):.3g})",
            "",
        )
    return u, state


def _subset(state: _State, rows: NDArray[np.intp]) -> _State:
    return _State(
        state.m[rows],
        state.ln_gamma[rows],
        state.ln_aw[rows],
        state.ionic_strength[rows],
        state.water[rows],
    )


def _initial_guess(
    system: _System, totals: FloatArray, t: FloatArray, ph: FloatArray
) -> FloatArray:
    """ln m of the basis species to start Newton from (ideal solution at the given pH).

    Each master species takes its element's total, less what its complexes with H+ alone
    (HCO3-, CO2, B(OH)4- …) would take at that pH.
    """
    n, n_el = totals.shape
    nb = len(system.basis)
    x = np.zeros((n, nb))
    x[:, -1] = -ph * LN10
    ln_k = system.ln_k(t)
    for e in range(n_el):
        share = np.ones(n)
        for s in range(nb, len(system.species)):
            row = system.nu[s]
            others = [b for b in range(nb - 1) if b != e and row[b] != 0]
            if row[e] == 1.0 and not others and system.element_matrix[e, s] == 1.0:
                share += np.exp(np.clip(ln_k[:, s] + row[-1] * x[:, -1], -300, 300))
        x[:, e] = np.log(totals[:, e] / system.element_matrix[e, e] / share)
    return x


_KCL: dict[int, PitzerModel] = {}


def _kcl_model(backend: NativeBackend) -> PitzerModel:
    key = id(backend)
    if key not in _KCL:
        _KCL[key] = PitzerModel.from_parameters(("K+", "Cl-"), backend._pitzer)
    return _KCL[key]
