"""The native backend: Pitzer equilibrium solved in compiled code, one brine or many.

It reads the same database as the PHREEQC backend (``pitzer.dat`` plus the Brineworks lithium
extension) and solves the same problems — speciation, saturation indices, equilibrium with
solids — without a PHREEQC process: one brine in well under a millisecond, thousands in one
call (:meth:`NativeBackend.speciate_many`). The numerics are in
:mod:`brineworks.chemistry.kernels` (numba); this module holds the chemistry, the active-set
search and its remedies, and the results.

Model (see ``docs/chemistry.md``):

* species: the database's master species of the brine's elements, H+, OH- and every aqueous
  complex the database defines from them (HSO4-, MgOH+, B(OH)4-, CO2, HCO3- …);
* activity coefficients and water activity from :class:`~brineworks.chemistry.pitzer.PitzerModel`;
* unknowns: ln m of every species, plus the amount of each candidate solid; equations: element
  balances, electroneutrality (or the given pH), the mass-action law of each complex, and for
  each solid SI = 0 when present or its amount held when absent. Solved by Newton's method,
  each brine of a batch in turn in one compiled call, with exact derivatives of the balances
  and (for equilibria) forward differences of the rest, steps limited to a factor e² per
  iteration;
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

import gc
import logging
import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Any, TypeVar

import numpy as np
from numpy.typing import NDArray

from brineworks.chemistry.base import DatabaseBackend
from brineworks.chemistry.brine import Brine
from brineworks.chemistry.database import Database
from brineworks.chemistry.formula import parse_formula, species_charge
from brineworks.chemistry.ions import ION_KEYS, ion
from brineworks.chemistry.newton import SolutionState, merge_rows, subset_rows
from brineworks.chemistry.pitzer import PitzerModel, j_table, parse_pitzer_block
from brineworks.chemistry.reactions import (
    LogKTable,
    Reaction,
    phase_reactions,
    species_reactions,
    species_volumes,
)
from brineworks.chemistry.results import Equilibrium, Speciation
from brineworks.chemistry.water import WaterProperties, water_properties
from brineworks.constants import BRINE_ELEMENTS
from brineworks.errors import ChemistryError, InputError, ValidityError

log = logging.getLogger(__name__)

__all__ = ["NativeBackend"]

FloatArray = NDArray[np.float64]

IONIC_STRENGTH_MAX = 25.0
"""Highest ionic strength accepted, as for the PHREEQC backend. [mol/kg H2O]"""

LN10 = math.log(10.0)
_ELEMENTS = BRINE_ELEMENTS
_ELEMENT: dict[str, str] = {k: ion(k).element for k in ION_KEYS}


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
        return _per_temperature(self._species_table, self._ln_k_cache, temperature)

    def ln_k_phases(self, temperature: FloatArray) -> FloatArray:
        """ln K of each phase, shape (N, P)."""
        return _per_temperature(self._phase_table, self._ln_k_phase_cache, temperature)

    @cached_property
    def _species_table(self) -> LogKTable:
        return LogKTable.of([None if r is None else r.log_k for r in self.log_k])

    @cached_property
    def _phase_table(self) -> LogKTable:
        return LogKTable.of([r.log_k for r in self.phase_reactions])

    @cached_property
    def _ln_k_cache(self) -> dict[float, FloatArray]:
        return {}

    @cached_property
    def _ln_k_phase_cache(self) -> dict[float, FloatArray]:
        return {}

    @cached_property
    def arrays(self) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
        """(element matrix, charges, ν, ν_w) as contiguous arrays for the compiled kernels."""
        return (
            np.ascontiguousarray(self.element_matrix, dtype=np.float64),
            np.ascontiguousarray(self.charge, dtype=np.float64),
            np.ascontiguousarray(self.nu, dtype=np.float64),
            np.ascontiguousarray(self.nu_w, dtype=np.float64),
        )

    @cached_property
    def cl_index(self) -> int:
        """Index of Cl- among the species, −1 if the system has none."""
        return self.species.index("Cl-") if "Cl-" in self.species else -1


def _per_temperature(
    table: LogKTable, cache: dict[float, FloatArray], temperature: FloatArray
) -> FloatArray:
    """ln K from ``table`` at each temperature; a single temperature is remembered."""
    t = np.asarray(temperature, dtype=float).reshape(-1)
    if len(t) != 1:
        return np.asarray(table(t) * LN10)
    key = float(t[0])
    if key not in cache:
        if len(cache) > 512:
            cache.clear()
        cache[key] = np.asarray(table(t) * LN10)
    return cache[key].copy()


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
    6.13
    """

    name = "native"

    def __init__(self, database: Database | None = None) -> None:
        super().__init__(database)
        self._systems: dict[tuple[str, ...], _System] = {}
        self._contexts: dict[tuple[tuple[str, ...], bytes], tuple[Any, ...]] = {}

    # ------------------------------------------------------------------ database
    @cached_property
    def _pitzer(self) -> dict[str, dict[tuple[str, ...], tuple[float, ...]]]:
        return parse_pitzer_block(self.database._blocks.get("PITZER", []))

    @cached_property
    def _kcl(self) -> PitzerModel:
        """Pure KCl, the reference of the MacInnes scale."""
        return PitzerModel.from_parameters(("K+", "Cl-"), self._pitzer)

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
        # Each secondary species as a reaction of the basis and water. pitzer.dat defines every
        # complex of these elements that way; one defined through another complex is left out
        # (and logged) rather than given a log K that would need combining.
        resolved: dict[str, tuple[dict[str, float], float]] = {}
        for sp in candidates:
            coeffs = dict(reactions[sp].coefficients)
            own = coeffs.pop(sp)
            if set(coeffs) - set(basis) - {"H2O"}:
                log.debug("native: %s is not defined over the master species; left out", sp)
                continue
            water = -coeffs.pop("H2O", 0.0) / own
            resolved[sp] = ({b: -c / own for b, c in coeffs.items()}, water)
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
        totals, keys, ph_given, notes = self._prepare_many(brines)
        column = {e: j for j, e in enumerate(_ELEMENTS)}
        temperature = np.array([b.temperature for b in brines], dtype=float)

        def solve(key: tuple[str, ...], members: list[int]) -> list[Speciation]:
            system = self._system(key)
            rows = np.asarray(members)
            columns = np.array([column[e] for e in key], dtype=np.intp)
            amounts = np.ascontiguousarray(totals[rows][:, columns])
            t = temperature[rows]
            ph = np.array([ph_given[k] for k in members], dtype=object)
            state, ok = self._solve_speciation(system, amounts, t, ph)
            if not np.all(ok):
                k = members[int(np.flatnonzero(~ok)[0])]
                nominal = brines[k].charge_balance()
                strength = 0.5 * sum(
                    m * ion(name).charge ** 2 for name, m in brines[k].molality.items()
                )
                if strength > IONIC_STRENGTH_MAX:
                    raise ValidityError(
                        f"brine {brines[k].name!r} has a nominal ionic strength of {strength:.4g} "
                        f"mol/kg, beyond the {IONIC_STRENGTH_MAX:g} mol/kg the Pitzer database "
                        "is validated for"
                    )
                raise ChemistryError(
                    f"native backend: the speciation of {brines[k].name!r} did not converge "
                    f"(charge balance {nominal.percent:+.3g} %)",
                    "",
                )
            return self._speciations(
                system,
                state,
                t,
                [notes[k] for k in members],
                saturation,
                [brines[k].name for k in members],
            )

        return _in_groups(keys, solve)

    def equilibrate(
        self,
        brine: Brine,
        phases: Sequence[str] | Mapping[str, float],
        *,
        added: Mapping[str, float] | None = None,
    ) -> Equilibrium:
        """Equilibrate a brine with candidate solids (see :class:`ThermoBackend`)."""
        return self.equilibrate_many([brine], phases, added=added)[0]

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
        elements = {el for p in names for el in self.database.phase_formulas[p] if el not in "HO"}
        key = tuple(e for e in _ELEMENTS if e in elements)
        notes = ("pure water equilibrated with an excess of each solid",)
        best: Equilibrium | None = None
        error: ChemistryError | None = None
        for amount in (excess, 3 * excess, 10 * excess):
            try:
                result = self._equilibria(
                    key,
                    [{}],
                    np.array([temperature]),
                    dict.fromkeys(names, amount),
                    [None],
                    [notes],
                    ["pure water"],
                )[0]
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
        molality, ph, notes = self._neutral_composition(brine)
        totals: dict[str, float] = {}
        for key, m in molality.items():
            if m > 0:
                el = _ELEMENT[key]
                totals[el] = totals.get(el, 0.0) + m
        return totals, ph, notes

    def _prepare_many(
        self, brines: Sequence[Brine]
    ) -> tuple[FloatArray, list[tuple[str, ...]], list[float | None], list[tuple[str, ...]]]:
        """What :meth:`_prepare` gives for each brine, as one batch: element totals
        (N, len(BRINE_ELEMENTS)) [mol/kgw] in the order of BRINE_ELEMENTS (0 where absent), the
        element key of each brine, its pH (None: from electroneutrality) and its notes.

        Brines with the same solutes are read as one array and balanced together, with the
        arithmetic of :meth:`_neutral_composition` element by element (the same numbers to the
        last bit). Where that would raise (a temperature outside the range, nothing to balance
        on, an imbalance larger than the anion), every brine is read one by one instead, so
        that the first offending brine raises the error it always did. Fewer than
        ``_BATCH_READ_FROM`` brines are read one by one (cheaper than the array set-up).
        """
        n = len(brines)
        totals = np.zeros((n, len(_ELEMENTS)))
        keys: list[tuple[str, ...]] = [()] * n
        ph: list[float | None] = [b.pH for b in brines]
        notes: list[tuple[str, ...]] = [()] * n
        lo, hi = self.temperature_range
        temperature = np.array([b.temperature for b in brines], dtype=float)
        if (
            n < _BATCH_READ_FROM
            or not np.all((lo <= temperature) & (temperature <= hi))
            or not _batch_solutes(brines, ph, totals, keys, notes)
        ):
            with _gc_paused(n):
                for k, brine in enumerate(brines):
                    own, ph[k], notes[k] = self._prepare(brine)
                    keys[k] = _element_key(own)
                    totals[k] = [own.get(e, 0.0) for e in _ELEMENTS]
        return totals, keys, ph, notes

    # ------------------------------------------------------------------ solvers
    def _context(self, system: _System, t: FloatArray) -> tuple[Any, ...]:
        """Arguments of the compiled kernels for solutions of ``system`` at temperatures ``t``:
        (ν and element arrays, the model's index structure, its parameters at each row's
        temperature, the J table, the MacInnes reference models). The last few are
        remembered, as one batch asks for them several times."""
        key = (system.elements, np.asarray(t, dtype=float).tobytes())
        cache = self._contexts
        if key not in cache:
            if len(cache) >= 4:
                cache.pop(next(iter(cache)))
            cache[key] = self._build_context(system, np.asarray(t, dtype=float))
        return cache[key]

    def _build_context(self, system: _System, t: FloatArray) -> tuple[Any, ...]:
        use = bool(self._pitzer.get("OPTIONS", {}).get(("MACINNES",), (1.0,))[0])
        kcl = self._kcl
        cl = system.chloride_model if system.chloride_model is not None else kcl
        kcl_par = kcl.parameters_at(t)
        cl_par = cl.parameters_at(t) if system.chloride_model is not None else kcl_par
        mac = (use, system.cl_index, kcl.compiled, kcl_par, cl.compiled, cl_par)
        return system.arrays, system.model.compiled, system.model.parameters_at(t), j_table(), mac

    def _macinnes_shift(self, system: _System, state: SolutionState, t: FloatArray) -> FloatArray:
        """δ per solution: ln γ_i(MacInnes) = ln γ_i − z_i δ, so that γ(Cl-) = γ±(KCl, I).

        Zero where the database says ``-MacInnes false``. Without Cl- in the solution, ln γ of
        Cl- at zero molality, as PHREEQC adds it.
        """
        from brineworks.chemistry import kernels

        _, _, _, jt, mac = self._context(system, t)
        return np.asarray(
            kernels.macinnes_rows(
                np.ascontiguousarray(state.ionic_strength, dtype=np.float64),
                np.ascontiguousarray(state.m, dtype=np.float64),
                np.ascontiguousarray(state.ln_gamma, dtype=np.float64),
                mac,
                jt,
            )
        )

    def _solve_speciation(
        self, system: _System, totals: FloatArray, t: FloatArray, ph: FloatArray
    ) -> tuple[SolutionState, NDArray[np.bool_]]:
        """Newton on ln m of every species: mass action, element balances, electroneutrality
        (or the given pH), with the activity coefficients held at each iterate (an exact
        Jacobian; compiled, ``kernels.speciation_newton``).

        Speciation couples the activity coefficients only weakly to the unknowns (the major
        ions are fixed by their balances), so Newton with γ held at each iterate converges.
        """
        from brineworks.chemistry import kernels

        fixed_ph = np.array([p is not None for p in ph], dtype=np.bool_)
        ph_values = np.array([p if p is not None else 7.0 for p in ph], dtype=float)
        ln_k = system.ln_k(t)
        u0 = _start(system, totals, ln_k, np.where(fixed_ph, ph_values, 7.0))
        sysarr, static, tpar, jt, mac = self._context(system, t)
        _, m, ln_g, ln_aw, ionic, ok = kernels.speciation_newton(
            np.ascontiguousarray(u0),
            sysarr,
            static,
            tpar,
            jt,
            mac,
            np.ascontiguousarray(ln_k),
            np.ascontiguousarray(totals, dtype=np.float64),
            fixed_ph,
            ph_values,
            100,
            len(t) > 1,
        )
        return SolutionState(m, ln_g, ln_aw, ionic, np.ones(len(t))), ok

    # ------------------------------------------------------------------ equilibrium
    def equilibrate_many(
        self,
        brines: Sequence[Brine],
        phases: Sequence[str] | Mapping[str, float],
        *,
        added: Mapping[str, float] | None = None,
    ) -> list[Equilibrium]:
        """Equilibrate many brines with the same candidate solids, vectorised over brines.

        Brines with the same elements are solved together: one Newton iteration advances all
        of them, each with its own set of solids present (see :meth:`equilibrate`).

        Raises
        ------
        ChemistryError
            Naming the first brine for which no stable assemblage was found.
        """
        amounts = self._check_amounts(phases)
        reagents = self._check_added(added or {})
        prepared = []
        keys = []
        for brine in brines:
            totals, ph, notes = self._prepare(brine)
            for formula, counts in reagents.items():
                n = (added or {})[formula]
                for el, c in counts.items():
                    if el not in ("H", "O"):
                        totals[el] = totals.get(el, 0.0) + c * n
                if n:
                    notes = (*notes, f"added {n:.4g} mol/kgw {formula}")
                    ph = None  # reagents change the pH: it follows from electroneutrality
            prepared.append((totals, ph, notes))
            # a candidate solid absent at the start can only form from what is dissolved
            elements = set(totals) | {
                el
                for p, n0 in amounts.items()
                if n0 > 0
                for el in self.database.phase_formulas[p]
                if el not in "HO"
            }
            keys.append(tuple(e for e in _ELEMENTS if e in elements))

        def solve(key: tuple[str, ...], members: list[int]) -> list[Equilibrium]:
            return self._equilibria(
                key,
                [prepared[k][0] for k in members],
                np.array([brines[k].temperature for k in members]),
                amounts,
                [prepared[k][1] for k in members],
                [prepared[k][2] for k in members],
                [brines[k].name for k in members],
            )

        return _in_groups(keys, solve)

    def _equilibria(
        self,
        key: tuple[str, ...],
        totals: Sequence[Mapping[str, float]],
        temperature: FloatArray,
        amounts: Mapping[str, float],
        ph: Sequence[float | None],
        notes: Sequence[tuple[str, ...]],
        names: Sequence[str],
    ) -> list[Equilibrium]:
        """Equilibria of N solutions of one element system with the same candidate solids."""
        system = self._system(key)
        every = list(amounts)
        for p in every:
            if set(self.database.phase_formulas[p]) - {"H", "O"} - set(_ELEMENTS):
                raise InputError(
                    "phase",
                    p,
                    f"a solid of the native backend's elements ({', '.join(_ELEMENTS)})",
                )
        # Solids of elements the solutions do not hold cannot form: reported with 0 mol.
        solids = [p for p in every if set(self.database.phase_formulas[p]) <= set(key) | {"H", "O"}]
        for p in solids:
            if p not in system.phases:
                raise InputError(
                    "phase",
                    p,
                    "a solid whose reaction uses only the native backend's species "
                    f"({', '.join(system.species)})",
                )
        n = len(totals)
        pidx = [system.phases.index(p) for p in solids]
        n0 = np.tile(np.array([amounts[p] for p in solids], dtype=float), (n, 1))
        dissolved = np.array([[tot.get(el, 0.0) for el in key] for tot in totals])
        el_p = system.phase_elements[pidx]  # (P, E)
        available = dissolved + n0 @ el_p
        if np.any(available <= 0):
            row = int(np.argmax(np.any(available <= 0, axis=1)))
            missing = [el for el, a in zip(key, available[row], strict=True) if a <= 0]
            raise InputError("elements", missing, "elements present in the brine or a solid")
        problem = _Equilibria(
            system=system,
            t=temperature,
            ln_k=system.ln_k(temperature),
            ln_k_p=system.ln_k_phases(temperature)[:, pidx],
            el_p=el_p,
            h2o=system.phase_nu_w[pidx],
            nu_p=system.phase_nu[pidx],
            nu_pw=system.phase_nu_w[pidx],
            n0=n0,
            dissolved=dissolved,
            available=available,
            ph=np.array([np.nan if p is None else p for p in ph], dtype=float),
            context=self._context(system, temperature),
        )
        present = n0 > 0
        start = None
        if np.all(dissolved > 0):
            # Start from the solutions' own speciation (a cheap Newton with exact derivatives),
            # so that the search begins with the right activity coefficients.
            spec, ok = self._solve_speciation(
                system, dissolved, temperature, np.array(ph, dtype=object)
            )
            if np.all(ok):
                start = np.log(np.maximum(spec.m, 1e-300))
        lnm, xi, state, failed = problem.search(np.arange(n), present.copy(), lnm=start)
        retry = np.flatnonzero(failed & (present.sum(axis=1) >= 2))
        if len(retry):
            # Standard remedy: let the solids in one at a time, from the solution with the first
            # alone (elements of the others seeded at 1e-10 of their amount, removed after).
            log.info("native: %d solutions retried one solid at a time", len(retry))
            first = present[retry] & (np.cumsum(present[retry], axis=1) == 1)
            seeded = np.where(dissolved[retry] > 0, dissolved[retry], 1e-10 * available[retry])
            real = problem.dissolved
            problem.dissolved = real.copy()
            problem.dissolved[retry] = seeded
            l1, x1, _, f1 = problem.search(retry, first)
            problem.dissolved = real
            now = (n0[retry] + x1) > 1e-12
            l2, x2, s2, f2 = problem.search(retry, now, lnm=l1, xi=x1)
            ok = ~(f1 | f2)
            lnm[retry[ok]], xi[retry[ok]] = l2[ok], x2[ok]
            state = merge_rows(state, s2, retry[ok])
            failed[retry[ok]] = False
        again = np.flatnonzero(failed | (state.ionic_strength > IONIC_STRENGTH_MAX))
        if len(again):
            # Standard remedy for a second, non-physical root (large doses of a base into Mg-rich
            # brines can lead Newton there): a homotopy from the ideal solution, whose
            # equilibrium is unique, to the Pitzer one, each step started from the last.
            log.info("native: %d solutions retried from the ideal solution", len(again))
            active = present[again].copy()
            lh: FloatArray | None = None
            xh: FloatArray | None = None
            for lam in (0.0, 0.25, 0.5, 0.75, 1.0):
                problem.nonideality = lam
                lh, xh, sh, fh = problem.search(again, active, lnm=lh, xi=xh)
                active = (n0[again] + xh) > 1e-12
            problem.nonideality = 1.0
            assert lh is not None
            assert xh is not None
            good = ~fh & (sh.ionic_strength <= IONIC_STRENGTH_MAX)
            lnm[again[good]], xi[again[good]] = lh[good], xh[good]
            state = merge_rows(state, subset_rows(sh, np.flatnonzero(good)), again[good])
            failed[again[good]] = False
        rest = np.flatnonzero(failed & present.any(axis=1))
        if len(rest):
            # Last remedy: every solid given dissolved first (the homogeneous solution), then
            # let the search precipitate what must. A solid so soluble that no saturated
            # solution exists ends dissolved, or beyond the validated ionic strength.
            log.info("native: %d solutions retried from everything dissolved", len(rest))
            x0 = -n0[rest]
            l3, x3, s3, f3 = problem.search(rest, np.zeros_like(present[rest]), xi=x0)
            good = ~f3
            lnm[rest[good]], xi[rest[good]] = l3[good], x3[good]
            state = merge_rows(state, subset_rows(s3, np.flatnonzero(good)), rest[good])
            failed[rest[good]] = False
        if np.any(failed):
            row = int(np.flatnonzero(failed)[0])
            raise ChemistryError(
                f"native backend: no stable assemblage of {', '.join(solids)} found for "
                f"{names[row]!r} (Newton did not converge or the solids cycled)",
                "",
            )
        too_strong = np.flatnonzero(state.ionic_strength > IONIC_STRENGTH_MAX)
        if len(too_strong):
            row = int(too_strong[0])
            raise ValidityError(
                f"the equilibrium state of {names[row]!r} has ionic strength "
                f"{state.ionic_strength[row]:.4g} mol/kg, beyond the {IONIC_STRENGTH_MAX:g} "
                "mol/kg the Pitzer database is validated for"
            )
        self._check_equilibria(problem, lnm, xi, state, solids, names)
        specs = self._speciations(system, state, temperature, notes, True, names)
        amount = np.maximum(n0 + xi, 0.0)
        molar_mass = np.array([self.database.phase_molar_mass(p) for p in solids])
        out = []
        for r in range(n):
            held = dict.fromkeys(every, 0.0)
            out.append(
                Equilibrium(
                    specs[r],
                    {**held, **dict(zip(solids, amount[r].tolist(), strict=True))},
                    {**held, **dict(zip(solids, (amount[r] * molar_mass).tolist(), strict=True))},
                    {**held, **dict(zip(solids, xi[r].tolist(), strict=True))},
                    tuple(every),
                )
            )
        return out

    @staticmethod
    def _check_equilibria(
        problem: _Equilibria,
        lnm: FloatArray,
        xi: FloatArray,
        state: SolutionState,
        solids: Sequence[str],
        names: Sequence[str],
    ) -> None:
        """Every present solid at SI = 0 (±1e-6), every absent one at SI ≤ 1e-6, and every
        element conserved to 1e-9 relative — or a ChemistryError naming the brine."""
        rows = np.arange(len(lnm))
        si = problem.si(rows, lnm, state)
        present = (problem.n0 + xi) > 1e-12
        bad = np.flatnonzero(
            np.any(present & (np.abs(si) > 1e-6), axis=1) | np.any(~present & (si > 1e-6), axis=1)
        )
        if len(bad):
            r = int(bad[0])
            worst = int(np.argmax(np.where(present[r], np.abs(si[r]), si[r])))
            raise ChemistryError(
                f"native backend: {solids[worst]} ends at SI {si[r, worst]:+.3g} for "
                f"{names[r]!r}, not at equilibrium",
                "",
            )
        dissolved = (state.m @ problem.system.element_matrix.T) * state.water[:, None]
        balance = dissolved + xi @ problem.el_p - problem.dissolved
        off = np.abs(balance) > 1e-9 * problem.available
        if np.any(off):
            r, e = (int(v[0]) for v in np.nonzero(off))
            raise ChemistryError(
                f"native backend does not conserve {problem.system.elements[e]} for "
                f"{names[r]!r}: off by {balance[r, e]:.3g} mol",
                "",
            )

    # ------------------------------------------------------------------ results
    def _speciations(
        self,
        system: _System,
        state: SolutionState,
        t: FloatArray,
        notes: Sequence[tuple[str, ...]],
        saturation: bool,
        names: Sequence[str],
    ) -> list[Speciation]:
        """Result objects for every row of a solved batch (array work done once)."""
        from brineworks.chemistry import kernels

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
        elements = kernels.rows_product(m, system.element_matrix.T)
        ph = -np.log10(act[:, system.species.index("H+")])
        si = None
        if saturation and len(system.phases):
            si = (
                kernels.rows_product(ln_m + state.ln_gamma, system.phase_nu.T)
                + state.ln_aw[:, None] * system.phase_nu_w[None, :]
                - system.ln_k_phases(t)
            ) / LN10
        z = system.charge
        cations = (m * np.where(z > 0, z, 0.0)).sum(axis=1)
        anions = (m * np.where(z < 0, -z, 0.0)).sum(axis=1)
        balance = 100.0 * (cations - anions) / (cations + anions)
        density = self._densities(system, m, t)
        rows = _SpeciationRows(system, elements, m, act, gamma, si)
        with _gc_paused(len(t)):
            return Speciation.from_rows(
                rows, t.tolist(), ph.tolist(), state.ionic_strength.tolist(),
                np.exp(state.ln_aw).tolist(), density.tolist(), state.water.tolist(),
                balance.tolist(), [tuple(n) for n in notes],
            )  # fmt: skip

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
        from brineworks.chemistry import kernels

        water = _water(temperature)
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
        mass = kernels.rows_product(m, system.species_mass)
        rho_w = water.density
        return np.asarray(1000.0 * rho_w * (1000.0 + mass) / (rho_w * volume + 1000.0))


class _SpeciationRows:
    """The dict fields of a solved batch's :class:`Speciation` results, as arrays (one row
    per solution), turned into a row's dicts when a result first asks for them.

    The first rows asked for are read one by one; from the 32nd, the whole arrays are turned
    into Python floats at once, so that reading every result costs about what building every
    dict at the start did."""

    __slots__ = ("_arrays", "_keys", "_lists", "_positive", "_reads")

    _WHOLE_FROM = 32
    _NAMES = ("molality", "species_molality", "activity", "activity_coefficient")

    def __init__(
        self,
        system: _System,
        elements: FloatArray,
        m: FloatArray,
        activity: FloatArray,
        gamma: FloatArray,
        si: FloatArray | None,
    ) -> None:
        self._keys = (system.elements, system.species, system.phases)
        self._arrays = (elements, m, activity, gamma, si)
        for values in self._arrays:
            if values is not None:
                values.flags.writeable = False
        self._lists: tuple[Any, ...] | None = None
        self._reads = 0
        self._positive = bool(np.all(m > 0))  # always, as m = exp(ln m): no filtering needed

    def mappings(self, row: int) -> dict[str, dict[str, float]]:
        """The five dict fields of the :class:`Speciation` of solution ``row``."""
        numbers: list[Any] = []
        if self._lists is None:
            self._reads += 1
            if self._reads < self._WHOLE_FROM:
                numbers = [None if a is None else a[row].tolist() for a in self._arrays]
            else:
                self._lists = tuple(None if a is None else a.tolist() for a in self._arrays)
        if self._lists is not None:
            numbers = [None if a is None else a[row] for a in self._lists]
        elements, species, phases = self._keys
        el, m, act, gamma, si = numbers
        return {
            "molality": dict(zip(elements, el, strict=True)),
            "species_molality": (
                dict(zip(species, m, strict=True))
                if self._positive
                else {sp: v for sp, v in zip(species, m, strict=True) if v > 0}
            ),
            "activity": dict(zip(species, act, strict=True)),
            "activity_coefficient": dict(zip(species, gamma, strict=True)),
            "saturation_index": {} if si is None else dict(zip(phases, si, strict=True)),
        }


@dataclass
class _Equilibria:
    """N solutions of one element system and their candidate solids: the active-set search.

    Unknowns per solution: ln m of every species and ξ, the amount of each candidate solid
    formed (negative: dissolved). A solid is *active* when its equation is SI = 0; otherwise its
    ξ is held (at 0, or at −n0 once it has dissolved completely). Every solution has the same
    number of unknowns whatever its active set, so one call of the compiled Newton serves them
    all.
    """

    system: _System
    t: FloatArray  # (N,)
    ln_k: FloatArray  # (N, S)
    ln_k_p: FloatArray  # (N, P)
    el_p: FloatArray  # (P, E)
    h2o: FloatArray  # (P,) water released when a solid dissolves
    nu_p: FloatArray  # (P, S)
    nu_pw: FloatArray  # (P,)
    n0: FloatArray  # (N, P) initial amounts
    dissolved: FloatArray  # (N, E) dissolved element amounts at the start
    available: FloatArray  # (N, E) dissolved + in the solids
    ph: FloatArray  # (N,) NaN where the pH follows from electroneutrality
    context: tuple[Any, ...]  # arguments of the compiled kernels (NativeBackend._context)
    nonideality: float = 1.0  # λ: ln γ scaled by λ and φ by 1 + λ(φ − 1); 1 is the model

    def si(self, rows: NDArray[np.intp], lnm: FloatArray, st: SolutionState) -> FloatArray:
        """log10 SI of the candidate solids, shape (len(rows), P)."""
        ln_iap = (lnm + st.ln_gamma) @ self.nu_p.T + st.ln_aw[:, None] * self.nu_pw
        return np.asarray((ln_iap - self.ln_k_p[rows]) / LN10)

    def solve(
        self,
        rows: NDArray[np.intp],
        active: NDArray[np.bool_],
        held: FloatArray,
        lnm: FloatArray,
        xi: FloatArray,
    ) -> tuple[FloatArray, FloatArray, SolutionState, NDArray[np.bool_]]:
        """Newton for the given rows and active sets; returns ln m, ξ, state, converged.

        Unknowns ln m and ξ; equations: element balances (exact derivatives), electroneutrality
        or the pH, mass action and, per solid, SI = 0 when active or ξ = held (forward
        differences in the ln m columns). Compiled: ``kernels.equilibria_newton``.
        """
        from brineworks.chemistry import kernels

        n_s = len(self.system.species)
        sysarr, static, tpar, jt, mac = self.context

        def c(a: NDArray[Any], dtype: Any = np.float64) -> NDArray[Any]:
            return np.ascontiguousarray(a, dtype=dtype)

        problem = (
            c(self.ln_k), c(self.ln_k_p), c(self.el_p).reshape(-1, self.dissolved.shape[1]),
            c(self.h2o), c(self.nu_p).reshape(-1, n_s), c(self.nu_pw), c(self.dissolved),
            c(self.available), c(self.ph),
        )  # fmt: skip
        u0 = np.concatenate([lnm, xi], axis=1)
        u, m, ln_g, ln_aw, ionic, water, ok = kernels.equilibria_newton(
            c(rows, np.intp), c(u0), c(active, np.bool_), c(held), sysarr, static, tpar, jt,
            mac, problem, float(self.nonideality), 100,
        )  # fmt: skip
        st = SolutionState(m, ln_g, ln_aw, ionic, water)
        # held amounts exactly as held (Newton leaves them within rounding, ~1e-25 mol)
        return u[:, :n_s], np.where(active, u[:, n_s:], held), st, ok

    def search(
        self,
        rows: NDArray[np.intp],
        active: NDArray[np.bool_],
        lnm: FloatArray | None = None,
        xi: FloatArray | None = None,
    ) -> tuple[FloatArray, FloatArray, SolutionState, NDArray[np.bool_]]:
        """Active-set loop: per solution, one solid joins or leaves per pass until every
        present solid is at SI = 0 and every absent one at SI ≤ 0."""
        n, n_p = len(rows), self.n0.shape[1]
        if lnm is None:
            start = np.maximum(
                self.dissolved[rows] + 1e-3 * (self.available[rows] - self.dissolved[rows]), 1e-8
            )
            ph = np.where(np.isfinite(self.ph[rows]), self.ph[rows], 7.0)
            lnm = _start(self.system, start, self.ln_k[rows], ph)
        if xi is None:
            xi = np.zeros((n, n_p))
        lnm, xi = lnm.copy(), xi.copy()
        held = np.where(active, 0.0, xi)
        failed = np.zeros(n, dtype=bool)
        tried: list[set[bytes]] = [set() for _ in range(n)]
        todo = np.arange(n)
        state: SolutionState | None = None
        for _ in range(6 * n_p + 8):
            for r in todo:
                tried[r].add(active[r].tobytes())
            l1, x1, st, ok = self.solve(rows[todo], active[todo], held[todo], lnm[todo], xi[todo])
            lnm[todo], xi[todo] = l1, x1
            state = st if state is None else merge_rows(state, st, todo)
            failed[todo[~ok]] = True
            si = self.si(rows[todo], l1, st)
            amount = self.n0[rows[todo]] + x1
            changed = []
            for j, r in enumerate(todo):
                if not ok[j]:
                    continue
                negative = np.flatnonzero(active[r] & (amount[j] < -1e-12))
                if len(negative):
                    worst = negative[np.argmin(amount[j, negative])]
                    active[r, worst] = False
                    held[r, worst] = xi[r, worst] = -self.n0[rows[r], worst]
                    changed.append(r)
                    continue
                joining = np.flatnonzero(
                    ~active[r] & ((si[j] > 1e-9) | ((si[j] < -1e-9) & (amount[j] > 1e-12)))
                )
                if len(joining):
                    best = joining[np.argmax(np.abs(si[j, joining]))]
                    active[r, best] = True
                    if active[r].tobytes() in tried[r]:
                        failed[r] = True  # the assemblage cycles
                        continue
                    changed.append(r)
            todo = np.array(changed, dtype=int)
            if not len(todo):
                break
        else:
            failed[todo] = True
        assert state is not None
        return lnm, xi, state, failed


_R = TypeVar("_R")


_KEYS: dict[tuple[str, ...], tuple[str, ...]] = {}


def _element_key(totals: Mapping[str, float]) -> tuple[str, ...]:
    """The elements of ``totals`` with a positive amount, in the order of BRINE_ELEMENTS."""
    if not totals or min(totals.values()) <= 0:
        return tuple(e for e in _ELEMENTS if totals.get(e, 0.0) > 0)
    present = tuple(totals)
    key = _KEYS.get(present)
    if key is None:
        key = _KEYS[present] = tuple(e for e in _ELEMENTS if e in present)
    return key


_BATCH_READ_FROM = 16
"""Batches of at least this many brines are read as arrays (:func:`_batch_solutes`)."""
_NEUTRAL_NOTE = "pH from electroneutrality (neutral-salt convention)"
_ELEMENT_COLUMN: dict[str, int] = {e: j for j, e in enumerate(_ELEMENTS)}
_ION_CHARGE: dict[str, int] = {k: ion(k).charge for k in ION_KEYS}


def _batch_solutes(
    brines: Sequence[Brine],
    ph: Sequence[float | None],
    totals: FloatArray,
    keys: list[tuple[str, ...]],
    notes: list[tuple[str, ...]],
) -> bool:
    """Fill ``totals``, ``keys`` and ``notes`` of every brine as
    :meth:`NativeBackend._prepare` would, one array per set of solutes; False (and nothing to
    be used) where a brine needs :meth:`DatabaseBackend._neutral_composition` to raise.

    Each sum runs over the solutes in the brine's own order, so the totals, charge balances and
    balanced amounts are the numbers the one-brine path computes, bit for bit."""
    molalities = [b.molality for b in brines]
    by_solutes: dict[tuple[str, ...], list[int]] = {}
    for k, molality in enumerate(molalities):
        by_solutes.setdefault(tuple(molality), []).append(k)
    for solutes, members in by_solutes.items():
        rows = np.asarray(members)
        m = np.array([list(molalities[k].values()) for k in members], dtype=float)
        m = m.reshape(len(members), len(solutes))
        z = [_ION_CHARGE[s] for s in solutes]
        given = [brines[k].notes for k in members]
        balance = np.array([ph[k] is None and not brines[k].exact for k in members], dtype=bool)
        if np.any(balance):
            cations = np.zeros(len(members))
            negative = np.zeros(len(members))
            for j, zj in enumerate(z):
                if zj > 0:
                    cations += m[:, j] * zj
                elif zj < 0:
                    negative += m[:, j] * zj
            anions = -negative
            total = cations + anions
            with np.errstate(divide="ignore", invalid="ignore"):
                percent = np.where(total == 0, 0.0, 100.0 * (cations - anions) / total)
            balance &= np.abs(percent) > 1e-9
        balanced = np.flatnonzero(balance).tolist()
        if balanced:
            anion_columns = [j for j, zj in enumerate(z) if zj < 0]
            if not anion_columns:
                return False
            weight = -m[:, anion_columns] * np.array([z[j] for j in anion_columns], dtype=float)
            anion = np.array(anion_columns)[np.argmax(weight, axis=1)]
            z_anion = np.array(z, dtype=float)[anion]
            before = m[np.arange(len(members)), anion]
            amount = before - (cations - anions) / z_anion
            if np.any(balance & (amount < 0)):
                return False
            # the notes, in the one-brine path's words and digits (from Python floats)
            names = [solutes[j] for j in anion.tolist()]
            cb, old, new = percent.tolist(), before.tolist(), amount.tolist()
            for r in balanced:
                b, a = old[r], new[r]
                factor = f", ×{a / b:.3g}" if b > 0 else ""
                given[r] = (
                    *given[r],
                    f"charge imbalance {cb[r]:+.3g} % carried on {names[r]} ({b:.4g} → "
                    f"{a:.4g} mol/kgw{factor}) so that the pH can follow from electroneutrality "
                    "(neutral-salt convention)",
                )
            m[balance, anion[balance]] = amount[balance]
        for r, k in enumerate(members):
            notes[k] = (*given[r], _NEUTRAL_NOTE) if ph[k] is None else tuple(given[r])
        # element totals: each element's solutes added in the brine's order, those above zero
        element = [_ELEMENT_COLUMN[_ELEMENT[s]] for s in solutes]
        block = np.zeros((len(members), len(_ELEMENTS)))
        for j, col in enumerate(element):
            block[:, col] += np.where(m[:, j] > 0, m[:, j], 0.0)
        totals[rows] = block
        present = block > 0
        if np.all(present[:, sorted(set(element))]):
            key = tuple(e for e in _ELEMENTS if _ELEMENT_COLUMN[e] in set(element))
            for k in members:
                keys[k] = key
        else:
            for r, k in enumerate(members):
                keys[k] = tuple(e for j, e in enumerate(_ELEMENTS) if present[r, j])
    return True


@contextmanager
def _gc_paused(n: int) -> Iterator[None]:
    """The cyclic garbage collector paused while the objects of a batch of more than 100
    brines are made (and restored as it was): it would otherwise rescan every live object many
    times over — ~20 % of a 5,000-brine batch — and none of these objects can form a cycle."""
    paused = n > 100 and gc.isenabled()
    if paused:
        gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.enable()


def _in_groups(
    keys: Sequence[tuple[str, ...]], solve: Callable[[tuple[str, ...], list[int]], list[_R]]
) -> list[_R]:
    """Solve the items of each key together and return the results in the items' order."""
    groups: dict[tuple[str, ...], list[int]] = {}
    for k, key in enumerate(keys):
        groups.setdefault(key, []).append(k)
    out: dict[int, _R] = {}
    for key, members in groups.items():
        out.update(zip(members, solve(key, members), strict=True))
    return [out[k] for k in range(len(keys))]


@lru_cache(maxsize=512)
def _water_at(temperature: float) -> WaterProperties:
    return water_properties(np.array([temperature]))


def _water(temperature: FloatArray) -> WaterProperties:
    """Pure-water properties at each temperature (one temperature: remembered)."""
    t = np.asarray(temperature, dtype=float).reshape(-1)
    return _water_at(float(t[0])) if len(t) == 1 else water_properties(t)


def _start(system: _System, totals: FloatArray, ln_k: FloatArray, ph: FloatArray) -> FloatArray:
    """ln m of every species to start Newton from: the ideal solution at pH ``ph`` (each master
    species takes its element's total less what its complexes with H+ alone would take; the
    complexes by mass action with γ = a_w = 1). Compiled: ``kernels.initial_rows``."""
    from brineworks.chemistry import kernels

    element_matrix, _, nu, _ = system.arrays
    return np.asarray(
        kernels.initial_rows(
            np.ascontiguousarray(totals, dtype=np.float64),
            np.ascontiguousarray(ln_k),
            np.ascontiguousarray(ph, dtype=np.float64),
            element_matrix,
            nu,
        )
    )
