"""The PHREEQC backend: IPhreeqc (the ``phreeqc`` package) run entirely in memory.

Conventions (see ``docs/chemistry.md``):

* every calculation starts from 1 kg of water, so solid amounts are mol per kg of starting water;
* a brine without a measured pH gets its pH from electroneutrality (PHREEQC ``pH 7 charge``):
  the *neutral-salt convention*. An analysed brine that is not exactly neutral is first balanced
  on its dominant anion and a note says so; a computed brine (``Brine.exact``, e.g. a state of
  an evaporation path) is never adjusted: its nominal imbalance — acid left behind by hydroxide
  or carbonate solids such as artinite — is carried by H+/OH-. This makes Mg-rich results
  independent of the solver's start (with PHREEQC's default pH 7, a 7 mol/kg MgCl2 brine
  carries 0.9 mol/kg of MgOH+);
* PHREEQC writes ``error.inp`` into the *current directory* whenever a reaction step fails on
  every set of convergence parameters, and neither an option nor a file name turns that off.
  The process's working directory is never changed: every run is handed to one worker thread
  per backend whose own working directory (Linux: ``unshare(CLONE_FS)``, a per-thread
  filesystem context) is a private scratch folder; elsewhere the run happens in the caller's
  thread and a dump it leaves in the working directory is removed if it was not there before.
  The scratch folder is removed when the backend is collected or the process exits (the CLI
  turns SIGTERM into an orderly exit, so that happens on SIGTERM too);
* when PHREEQC fails, the same input is retried with the standard convergence remedies
  (``KNOBS``: more iterations, smaller steps, diagonal scaling) before a :class:`ChemistryError`
  with PHREEQC's own message and the input is raised.
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import math
import os
import queue
import shutil
import sys
import tempfile
import threading
import weakref
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from typing import Any

from phreeqc import Phreeqc

from brineworks.chemistry.base import DatabaseBackend
from brineworks.chemistry.brine import Brine
from brineworks.chemistry.database import Database
from brineworks.chemistry.ions import ion
from brineworks.chemistry.results import Equilibrium, Speciation
from brineworks.constants import BRINE_ELEMENTS, KELVIN_OFFSET
from brineworks.errors import BrineworksError, ChemistryError, InputError, ValidityError

__all__ = ["IONIC_STRENGTH_MAX", "PhreeqcBackend"]

IONIC_STRENGTH_MAX = 25.0
"""Highest ionic strength the database is validated for (LiCl·H2O saturation is 20 mol/kg,
bischofite at 100 °C 23 mol/kg). Beyond it the Pitzer expressions are extrapolated and PHREEQC
can return a second, non-physical root (e.g. 12.5 mol/kg MgCl2 'at bischofite saturation'),
so such states raise :class:`ValidityError`. [mol/kg H2O]"""

log = logging.getLogger(__name__)

_KNOBS = (
    "",
    "KNOBS\n -iterations 400\n -diagonal_scale true\n -step_size 10\n",
    "KNOBS\n -iterations 1500\n -diagonal_scale true\n -step_size 2\n -pe_step_size 2\n"
    " -convergence_tolerance 1e-10\n",
)
_MISSING = -999.0
_ELEMENTS = BRINE_ELEMENTS
_CLONE_FS = 0x00000200


class _ScratchWorker:
    """One daemon thread that runs callables with its own working directory ``folder``.

    On Linux the thread leaves the process's shared filesystem context (``unshare(CLONE_FS)``)
    and enters ``folder``; the process's working directory is untouched. Where that is not
    possible, :attr:`isolated` is false and callables run in the caller's thread.
    """

    def __init__(self, folder: str) -> None:
        self.folder = folder
        self._jobs: queue.SimpleQueue[tuple[Callable[[], Any], queue.SimpleQueue[Any]] | None]
        self._jobs = queue.SimpleQueue()
        ready: queue.SimpleQueue[bool] = queue.SimpleQueue()
        self._thread = threading.Thread(
            target=self._main, args=(ready,), name="brineworks-phreeqc", daemon=True
        )
        self.isolated = False
        self._lock = threading.Lock()
        if sys.platform.startswith("linux"):
            self._thread.start()
            self.isolated = ready.get()

    def _main(self, ready: queue.SimpleQueue[bool]) -> None:
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            if libc.unshare(_CLONE_FS) != 0:
                raise OSError(ctypes.get_errno(), "unshare(CLONE_FS) refused")
            os.chdir(self.folder)
        except (OSError, AttributeError) as exc:
            log.info("PHREEQC runs in the caller's thread (no per-thread folder: %s)", exc)
            ready.put(False)
            return
        ready.put(True)
        while True:
            job = self._jobs.get()
            if job is None:
                return
            func, reply = job
            try:
                reply.put((True, func()))
            except BaseException as exc:  # handed back to the caller
                reply.put((False, exc))

    def run(self, func: Callable[[], Any]) -> Any:
        """``func()`` in the worker's folder (or here, when the worker is not isolated)."""
        if not self.isolated:
            with self._lock:
                return _outside_worker(func)
        reply: queue.SimpleQueue[tuple[bool, Any]] = queue.SimpleQueue()
        self._jobs.put((func, reply))
        ok, value = reply.get()
        if not ok:
            raise value
        return value

    def stop(self) -> None:
        if self.isolated:
            self._jobs.put(None)


def _outside_worker(func: Callable[[], Any]) -> Any:
    """Run ``func()`` in this thread; remove an ``error.inp`` PHREEQC dumps into the working
    directory, unless one was there before (then it is the user's, and left alone)."""
    try:
        before = os.path.exists("error.inp")
    except OSError:
        before = True
    try:
        return func()
    finally:
        if not before:
            with contextlib.suppress(OSError):
                os.remove("error.inp")


def _cleanup(worker: _ScratchWorker, folder: str) -> None:
    worker.stop()
    shutil.rmtree(folder, ignore_errors=True)


class PhreeqcBackend(DatabaseBackend):
    """Thermodynamic backend on PHREEQC with the Brineworks Pitzer database.

    Parameters
    ----------
    database
        Database to load; default ``pitzer.dat`` plus the Brineworks lithium extension.

    Examples
    --------
    >>> eq = PhreeqcBackend().saturate(["Halite"], temperature=298.15)
    >>> round(eq.solution.molality["Na"], 2)
    6.13
    """

    name = "phreeqc"

    def __init__(self, database: Database | None = None) -> None:
        super().__init__(database)
        self._scratch = tempfile.mkdtemp(prefix="brineworks-phreeqc-")
        self._worker = _ScratchWorker(self._scratch)
        weakref.finalize(self, _cleanup, self._worker, self._scratch)
        self._phreeqc = self._new_instance()

    def _new_instance(self) -> Phreeqc:
        pq = Phreeqc()
        # Nothing is written to disk: IPhreeqc's files stay off, output goes to strings.
        pq.SetOutputFileOn(False)
        pq.SetErrorFileOn(False)
        pq.SetLogFileOn(False)
        pq.SetSelectedOutputFileOn(False)
        pq.SetDumpFileOn(False)
        pq.SetErrorStringOn(True)
        pq.SetSelectedOutputStringOn(False)
        if pq.LoadDatabaseString(self.database.text):
            raise ChemistryError(
                f"PHREEQC could not load the database {self.database.name}", pq.GetErrorString()
            )
        return pq

    # ------------------------------------------------------------------ protocol
    def speciate(self, brine: Brine, *, saturation: bool = True) -> Speciation:
        """Speciate a brine: species, activities, water activity, density, pH and SIs.

        Parameters
        ----------
        brine
            The brine.
        saturation
            Also compute the saturation index of every phase the brine's elements can form.
        """
        solution, notes = self._solution_block(brine)
        elements = self._elements(brine)
        phases = self.database.phases_for(set(elements)) if saturation else ()
        deck = solution + self._output_block(elements, phases, ()) + "END\n"
        rows = self._run(deck)
        self._check_validity(rows[-1], f"brine {brine.name!r}")
        return self._speciation(rows[-1], elements, phases, notes)

    def equilibrate(
        self,
        brine: Brine,
        phases: Sequence[str] | Mapping[str, float],
        *,
        added: Mapping[str, float] | None = None,
    ) -> Equilibrium:
        """Equilibrate a brine with candidate solids (see :class:`ThermoBackend`).

        ``added`` reagents (formula → mol per kg of the brine's water, e.g. ``{"NaOH": 0.2}``)
        are mixed in before equilibrium (a PHREEQC ``REACTION``); the pH then follows from
        electroneutrality.
        """
        amounts = self._check_amounts(phases)
        added = {f: n for f, n in (added or {}).items() if n != 0}
        reagents = self._check_added(added)
        solution, notes = self._solution_block(brine)
        elements = set(self._elements(brine))
        for p in amounts:
            elements |= set(self.database.phase_formulas[p]) - {"H", "O"}
        for formula in reagents.values():
            elements |= set(formula) - {"H", "O"}
        ordered = [e for e in _ELEMENTS if e in elements]
        if added:
            solution += "REACTION 1\n" + "".join(f" {f} {n:.17g}\n" for f, n in added.items())
            solution += " 1 moles\n"
            notes = (*notes, "added " + ", ".join(f"{n:.4g} mol/kgw {f}" for f, n in added.items()))
        extra = {el: sum(n * reagents[f].get(el, 0.0) for f, n in added.items()) for el in ordered}
        return self._equilibrium(solution, amounts, ordered, notes, start=brine, added=extra)

    def saturate(
        self, phases: Sequence[str], temperature: float, *, excess: float = 20.0
    ) -> Equilibrium:
        """Pure water equilibrated with an excess of each named solid.

        Parameters
        ----------
        phases
            Solids to saturate with.
        temperature
            Temperature. [K]
        excess
            Initial amount of each solid. [mol per kg water] If a named solid is used up, the
            calculation is repeated with ten times more; a solid still absent after that is not
            stable in the assemblage and is reported in :attr:`Equilibrium.absent`.
        """
        names = list(dict.fromkeys(phases))
        if not names:
            raise InputError("phases", phases, "at least one solid phase name")
        self._check_phases(names)
        self._check_temperature(temperature)
        elements = sorted(
            {el for p in names for el in self.database.phase_formulas[p]} - {"H", "O"},
            key=lambda e: _ELEMENTS.index(e) if e in _ELEMENTS else 99,
        )
        solution = f"SOLUTION 1\n temp {temperature - KELVIN_OFFSET:.10g}\n pH 7\n"
        notes = ("pure water at pH 7 equilibrated with an excess of each solid",)
        best: Equilibrium | None = None
        error: BrineworksError | None = None
        for amount in (excess, 3 * excess, 10 * excess):
            try:
                result = self._equilibrium(solution, dict.fromkeys(names, amount), elements, notes)
            except (ChemistryError, ValidityError) as exc:
                error = exc
                continue
            if best is None or len(result.absent) < len(best.absent):
                best = result
            if not result.absent:
                return result
        if best is not None and (len(names) == 1 or error is None):
            return best
        if len(names) == 1:
            assert error is not None
            raise error
        # Standard remedy: start from the solution saturated with the first solid alone.
        log.info("saturate %s failed from pure water (%s); retrying stepwise", names, error)
        try:
            first = self.saturate(names[:1], temperature, excess=excess).solution
            near = Brine.from_element_amounts(
                first.molality, 1.0, temperature, f"saturated with {names[0]}"
            )
            stepped = self.equilibrate(near, dict.fromkeys(names, excess))
        except BrineworksError:
            if best is not None:
                return best
            assert error is not None
            raise error from None
        if best is not None and len(best.absent) <= len(stepped.absent):
            return best
        note = f"reached stepwise from the solution saturated with {names[0]}"
        return replace(stepped, solution=replace(stepped.solution, notes=(*notes, note)))

    # ------------------------------------------------------------------ helpers
    @staticmethod
    def _elements(brine: Brine) -> list[str]:
        present = {ion(k).element for k, m in brine.molality.items() if m > 0}
        return [e for e in _ELEMENTS if e in present]

    def _solution_block(self, brine: Brine) -> tuple[str, tuple[str, ...]]:
        brine, notes = self._neutral_salt(brine)
        ph_line = " pH 7 charge\n" if brine.pH is None else f" pH {brine.pH:.10g}\n"
        lines = [
            "SOLUTION 1",
            f" temp {brine.temperature_c:.10g}",
            " units mol/kgw",
            ph_line.rstrip("\n"),
        ]
        totals: dict[str, float] = {}
        for key, m in brine.molality.items():
            if m > 0:
                master = ion(key).phreeqc
                totals[master] = totals.get(master, 0.0) + m
        lines.extend(f" {master} {m:.17g}" for master, m in totals.items())
        return "\n".join(lines) + "\n", notes

    def _output_block(
        self, elements: Sequence[str], phases: Sequence[str], equilibrium_phases: Sequence[str]
    ) -> str:
        species = self.database.species_for(set(elements))
        parts = [
            "SELECTED_OUTPUT 1",
            " -reset false",
            " -high_precision true",
            " -temperature true",
            " -pH true",
            " -ionic_strength true",
            " -percent_error true",
        ]
        if elements:
            parts.append(" -totals " + " ".join(elements))
        if species:
            parts.append(" -molalities " + " ".join(species))
            parts.append(" -activities " + " ".join(species))
        if phases:
            parts.append(" -saturation_indices " + " ".join(phases))
        if equilibrium_phases:
            parts.append(" -equilibrium_phases " + " ".join(equilibrium_phases))
        parts += [
            "USER_PUNCH 1",
            " -headings bw_aw bw_rho bw_mass_water",
            ' 10 PUNCH ACT("H2O"), RHO, TOT("water")',
        ]
        return "\n".join(parts) + "\n"

    def _equilibrium(
        self,
        solution: str,
        amounts: Mapping[str, float],
        elements: Sequence[str],
        notes: tuple[str, ...],
        start: Brine | None = None,
        added: Mapping[str, float] | None = None,
    ) -> Equilibrium:
        names = list(amounts)
        eq_block = "EQUILIBRIUM_PHASES 1\n" + "".join(f" {p} 0 {amounts[p]:.17g}\n" for p in names)
        phases = self.database.phases_for(set(elements))
        deck = solution + eq_block + self._output_block(elements, phases, names) + "END\n"
        rows = self._run(deck)
        self._check_validity(rows[0], "the starting solution")
        final = rows[-1]
        self._check_validity(final, "the equilibrium state")
        spec = self._speciation(final, elements, phases, notes)
        solids = {p: max(float(final[p]), 0.0) for p in names}
        # PHREEQC's d_<phase> is the change in the amount of the solid (positive = precipitated).
        change = {p: float(final[f"d_{p}"]) for p in names}
        mass = {p: solids[p] * self.database.phase_molar_mass(p) for p in names}
        result = Equilibrium(
            solution=spec,
            solids=solids,
            solids_mass=mass,
            solids_change=change,
            candidates=tuple(names),
        )
        self._check_equilibrium(result, rows[0], amounts, elements, deck, added or {})
        return result

    def _check_validity(self, row: Mapping[str, float], what: str) -> None:
        mu = float(row["mu"])
        if not (math.isfinite(mu) and mu <= IONIC_STRENGTH_MAX) or float(row["bw_aw"]) <= 0:
            raise ValidityError(
                f"{what} has ionic strength {mu:.4g} mol/kg, beyond the "
                f"{IONIC_STRENGTH_MAX:g} mol/kg the Pitzer database is validated for; "
                "the model would extrapolate"
            )

    def _check_equilibrium(
        self,
        result: Equilibrium,
        initial: Mapping[str, float],
        amounts: Mapping[str, float],
        elements: Sequence[str],
        deck: str,
        added: Mapping[str, float],
    ) -> None:
        """Every present solid at SI = 0 and every element conserved, or a ChemistryError."""
        si = result.solution.saturation_index
        for p in result.present:
            if abs(si.get(p, 0.0)) > 1e-5:
                raise ChemistryError(
                    f"PHREEQC returned {p} present at SI {si[p]:+.3g}, not at equilibrium", "", deck
                )
        for el in elements:
            before = (
                float(initial[f"{el}(mol/kgw)"])
                + added.get(el, 0.0)
                + sum(amounts[p] * self.database.phase_formulas[p].get(el, 0.0) for p in amounts)
            )
            after = result.solution.molality[el] * result.solution.mass_water + sum(
                result.solids[p] * self.database.phase_formulas[p].get(el, 0.0) for p in amounts
            )
            if abs(after - before) > 1e-8 * before + 1e-14:
                raise ChemistryError(
                    f"PHREEQC result does not conserve {el}: "
                    f"{before:.12g} mol in, {after:.12g} out",
                    "",
                    deck,
                )

    def _speciation(
        self,
        row: Mapping[str, float],
        elements: Sequence[str],
        phases: Sequence[str],
        notes: tuple[str, ...],
    ) -> Speciation:
        species = self.database.species_for(set(elements))
        molality = {el: float(row[f"{el}(mol/kgw)"]) for el in elements}
        sp_m = {sp: float(row[f"m_{sp}(mol/kgw)"]) for sp in species}
        sp_a = {
            sp: 10.0 ** float(row[f"la_{sp}"]) for sp in species if float(row[f"la_{sp}"]) > -900
        }
        gamma = {sp: sp_a[sp] / sp_m[sp] for sp in species if sp_m[sp] > 0 and sp in sp_a}
        si = {p: float(row[f"si_{p}"]) for p in phases if float(row[f"si_{p}"]) > _MISSING}
        return Speciation(
            temperature=float(row["temp(C)"]) + KELVIN_OFFSET,
            pH=float(row["pH"]),
            ionic_strength=float(row["mu"]),
            water_activity=float(row["bw_aw"]),
            density=float(row["bw_rho"]) * 1000.0,
            mass_water=float(row["bw_mass_water"]),
            molality=molality,
            species_molality={k: v for k, v in sp_m.items() if v > 0},
            activity=sp_a,
            activity_coefficient=gamma,
            saturation_index=si,
            charge_balance=float(row["pct_err"]),
            notes=notes,
        )

    def _run(self, deck: str) -> list[dict[str, float]]:
        """Run a PHREEQC input, retrying with convergence remedies; rows of selected output.

        The whole exchange with IPhreeqc happens in the backend's worker (one run at a time,
        in the scratch folder: see the module docstring)."""
        rows: list[dict[str, float]] = self._worker.run(lambda: self._run_here(deck))
        return rows

    def _run_here(self, deck: str) -> list[dict[str, float]]:
        last_error = ""
        for attempt, knobs in enumerate(_KNOBS):
            text = knobs + deck
            try:
                errors = int(self._phreeqc.RunString(text))
            finally:
                dump = os.path.join(self._scratch, "error.inp")
                if os.path.exists(dump):
                    os.remove(dump)
            if errors == 0:
                if attempt:
                    log.info("PHREEQC converged on retry %d", attempt)
                return self._rows()
            last_error = self._phreeqc.GetErrorString()
            log.debug("PHREEQC attempt %d failed: %s", attempt, last_error.strip())
            # A failed run can leave IPhreeqc in a bad state: start afresh.
            self._phreeqc = self._new_instance()
        raise ChemistryError(
            f"PHREEQC failed after {len(_KNOBS)} attempts (default, then KNOBS remedies)",
            last_error,
            deck,
        )

    def _rows(self) -> list[dict[str, float]]:
        pq = self._phreeqc
        ncol = pq.GetSelectedOutputColumnCount()
        nrow = pq.GetSelectedOutputRowCount()
        headers = [str(pq.GetSelectedOutputValue(0, c)).strip() for c in range(ncol)]
        rows = []
        for r in range(1, nrow):
            row: dict[str, float] = {}
            for c, h in enumerate(headers):
                v = pq.GetSelectedOutputValue(r, c)
                row[h] = float(v) if isinstance(v, int | float) else math.nan
            rows.append(row)
        if not rows:
            raise ChemistryError("PHREEQC returned no results", pq.GetErrorString())
        return rows
