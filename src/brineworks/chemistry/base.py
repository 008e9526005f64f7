"""What the two backends share: the database, the protocol's simple members, input checks and
the neutral-salt convention (see ``docs/chemistry.md``)."""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from functools import cached_property

from brineworks.chemistry.brine import TEMPERATURE_RANGE, Brine, ChargeBalance, require_brine
from brineworks.chemistry.database import Database
from brineworks.chemistry.formula import parse_formula
from brineworks.chemistry.ions import ION_KEYS, ion
from brineworks.chemistry.results import Speciation
from brineworks.constants import BRINE_ELEMENTS, KELVIN_OFFSET
from brineworks.errors import InputError

__all__ = ["DatabaseBackend"]

_CHARGE: dict[str, int] = {k: ion(k).charge for k in ION_KEYS}


class DatabaseBackend(ABC):
    """Base of the backends that read a PHREEQC-format Pitzer database.

    Parameters
    ----------
    database
        Database to load; default ``pitzer.dat`` plus the Brineworks lithium extension.
    """

    name = "base"

    def __init__(self, database: Database | None = None) -> None:
        self.database = database if database is not None else Database.brineworks()

    # ------------------------------------------------------------------ protocol
    @property
    def temperature_range(self) -> tuple[float, float]:
        """Lowest and highest temperature the database is validated for. [K]"""
        return TEMPERATURE_RANGE

    @property
    def phases(self) -> tuple[str, ...]:
        """Names of every solid phase in the database."""
        return self.database.phases

    def phase_formula(self, phase: str) -> dict[str, float]:
        """Elemental formula of a solid phase, including its water of hydration."""
        self._check_phases([phase])
        return dict(self.database.phase_formulas[phase])

    def density(self, molality: Mapping[str, float], temperature: float) -> float:
        """Density of a solution of the given solute molalities at ``temperature`` [K]. [kg/m³]"""
        brine = Brine(molality=dict(molality), temperature=temperature, name="density")
        return self.speciate(brine, saturation=False).density

    @abstractmethod
    def speciate(self, brine: Brine, *, saturation: bool = True) -> Speciation:
        """Speciation of one brine (each backend solves it its own way)."""

    # ------------------------------------------------------------------ checks
    @cached_property
    def _known_phases(self) -> frozenset[str]:
        return frozenset(self.database.phases)

    def _check_phases(self, phases: Sequence[str]) -> None:
        known = self._known_phases
        for p in phases:
            if p not in known:
                close = [k for k in self.database.phases if k.lower().startswith(p.lower()[:4])]
                hint = f" (did you mean {', '.join(close[:4])}?)" if close else ""
                raise InputError("phase", p, f"a phase of {self.database.name}{hint}")

    def _check_temperature(self, temperature: float) -> None:
        lo, hi = self.temperature_range
        if not lo <= temperature <= hi:
            raise InputError(
                "temperature",
                round(temperature - KELVIN_OFFSET, 6),
                f"{lo - KELVIN_OFFSET:g} to {hi - KELVIN_OFFSET:g} °C",
            )

    def _check_amounts(self, phases: Sequence[str] | Mapping[str, float]) -> dict[str, float]:
        """Candidate solids → initial amount [mol], each a known phase with an amount ≥ 0."""
        amounts = dict(phases) if isinstance(phases, Mapping) else dict.fromkeys(phases, 0.0)
        self._check_phases(list(amounts))
        for phase, amount in amounts.items():
            if not (math.isfinite(amount) and amount >= 0):
                raise InputError(f"phases.{phase}", amount, "an amount ≥ 0 mol")
        return amounts

    @staticmethod
    def _check_added(added: Mapping[str, float]) -> dict[str, dict[str, float]]:
        """Formulas of the added reagents, each amount checked finite and ≥ 0."""
        out = {}
        for formula, amount in added.items():
            if not (isinstance(amount, int | float) and math.isfinite(amount) and amount >= 0):
                raise InputError(f"added.{formula}", amount, "an amount ≥ 0 mol/kgw")
            try:
                elements = parse_formula(formula)
            except (ValueError, KeyError, InputError):
                elements = {}
            if not elements or set(elements) - {"H", "O"} - set(BRINE_ELEMENTS):
                raise InputError(
                    "added",
                    formula,
                    f"a formula of H, O and {', '.join(BRINE_ELEMENTS)}, e.g. NaOH",
                )
            out[formula] = elements
        return out

    def _neutral_salt(self, brine: Brine) -> tuple[Brine, tuple[str, ...]]:
        """The brine as calculated and the notes on it.

        Checks the temperature. Without a measured pH, an analysed brine's nominal imbalance is
        carried on its dominant anion so that the pH can follow from electroneutrality (the
        neutral-salt convention); a brine with a pH is used as given.
        """
        brine = require_brine(brine)
        self._check_temperature(brine.temperature)
        notes: list[str] = list(brine.notes)
        if brine.pH is None:
            balanced = brine.neutralised()
            if balanced is not brine:
                cb = brine.charge_balance()
                anion = brine.dominant_anion()
                assert anion is not None
                before, after = brine.molality[anion], balanced.molality[anion]
                factor = f", ×{after / before:.3g}" if before > 0 else ""
                notes.append(
                    f"charge imbalance {cb.percent:+.3g} % carried on {anion} "
                    f"({before:.4g} → {after:.4g} mol/kgw{factor}) so that the pH "
                    "can follow from electroneutrality (neutral-salt convention)"
                )
                brine = balanced
            notes.append("pH from electroneutrality (neutral-salt convention)")
        return brine, tuple(notes)

    def _neutral_composition(
        self, brine: Brine
    ) -> tuple[Mapping[str, float], float | None, tuple[str, ...]]:
        """What :meth:`_neutral_salt` gives — the molalities as calculated, the pH and the
        notes — without building a new :class:`Brine` (the native backend's batches)."""
        self._check_temperature(brine.temperature)
        notes: list[str] = list(brine.notes)
        molality: Mapping[str, float] = brine.molality
        if brine.pH is None:
            if not brine.exact:
                cations = negative = 0.0
                anion: str | None = None
                largest = -1.0
                for key, m in molality.items():
                    z = _CHARGE[key]
                    if z > 0:
                        cations += m * z
                    elif z < 0:
                        negative += m * z
                        if anion is None or -m * z > largest:  # Brine.dominant_anion
                            anion, largest = key, -m * z
                cb = ChargeBalance(cations, -negative)
                if abs(cb.percent) > 1e-9:
                    # as Brine.neutralised: balanced on the dominant anion
                    if anion is None:
                        raise InputError(
                            "brine", brine.name, "an analysis with an anion to balance on"
                        )
                    amount = molality[anion] - (cb.cations - cb.anions) / _CHARGE[anion]
                    if amount < 0:
                        raise InputError(
                            "balance_on",
                            anion,
                            f"a solute that can absorb the imbalance {cb} (it would need "
                            f"{amount:.4g} mol/kgw)",
                        )
                    before = molality[anion]
                    molality = {**molality, anion: amount}
                    factor = f", ×{amount / before:.3g}" if before > 0 else ""
                    notes.append(
                        f"charge imbalance {cb.percent:+.3g} % carried on {anion} "
                        f"({before:.4g} → {amount:.4g} mol/kgw{factor}) so that the pH "
                        "can follow from electroneutrality (neutral-salt convention)"
                    )
            notes.append("pH from electroneutrality (neutral-salt convention)")
        return molality, brine.pH, tuple(notes)
