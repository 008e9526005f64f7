"""The plants' searches (reagent doses, dissolution water): the smallest dose or water meeting
a specification, located to the tolerance asked, from the right side, in few equilibria; warm
starts from the last answer end in the same place."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from types import SimpleNamespace
from typing import Any

import pytest

from brineworks.chemistry.brine import Brine
from brineworks.errors import ChemistryError
from brineworks.process.units.dosing import DOSE_RTOL, dose_to_spec, minimum_water

BRINE = Brine(molality={"Na": 1.0, "Cl": 1.0}, name="test")


class Responses:
    """A stand-in backend whose 'equilibrium' after a dose is the value of a function of the
    dose; counts its calls."""

    def __init__(self, response: Callable[[float], float]) -> None:
        self.response = response
        self.calls = 0

    def equilibrate(
        self, brine: Brine, phases: Sequence[str], *, added: Mapping[str, float] | None = None
    ) -> Any:
        self.calls += 1
        dose = (added or {}).get("NaOH", 0.0)
        return SimpleNamespace(dose=dose, value=self.response(dose))


def residual_like(dose: float) -> float:
    """Dissolved Mg falling linearly with the base, then flat once it has all precipitated
    (minus a target of 0.001 mol/kg)."""
    return max(0.5 - 0.9 * dose, 1e-6) - 1e-3


def ph_like(dose: float) -> float:
    """A pH falling smoothly with the acid (minus its target)."""
    return 9.0 - 4.0 * math.tanh(30.0 * dose) - 6.5


def search(backend: Responses, **kwargs: Any) -> tuple[float, Any]:
    return dose_to_spec(
        backend, BRINE, "NaOH", [], lambda eq: eq.value,  # type: ignore[arg-type]
        first=kwargs.pop("first", 0.1), limit=10.0, what="(test)", **kwargs,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("response", "root"),
    [(residual_like, (0.5 - 1e-3) / 0.9), (ph_like, math.atanh(2.5 / 4.0) / 30.0)],
)
def test_the_dose_is_the_smallest_meeting_the_spec(
    response: Callable[[float], float], root: float
) -> None:
    backend = Responses(response)
    dose, eq = search(backend)
    assert eq.dose == dose
    assert eq.value <= 0
    assert root <= dose <= root * (1 + DOSE_RTOL)
    cold = backend.calls
    assert cold <= 16  # bisection from the doubling bracket would take 35 or more
    warm = Responses(response)
    again, _ = search(warm, guess=root * 1.001)
    assert again == pytest.approx(dose, rel=DOSE_RTOL)
    assert warm.calls < cold
    far = Responses(response)
    assert search(far, guess=root * 5.0)[0] == pytest.approx(dose, rel=DOSE_RTOL)


def test_no_dose_when_the_spec_is_met_and_an_error_beyond_the_limit() -> None:
    met = Responses(lambda dose: -1.0)
    assert search(met)[0] == 0.0
    assert search(Responses(lambda dose: -1.0), guess=0.3)[0] == 0.0
    with pytest.raises(ChemistryError, match="no dose of NaOH up to 10 mol/kgw"):
        search(Responses(lambda dose: 1.0))
    with pytest.raises(ChemistryError, match="no dose of NaOH"):
        search(Responses(lambda dose: 1.0), guess=1.0)


@pytest.mark.parametrize("curved", [False, True])
def test_the_least_water_that_dissolves_a_salt(curved: bool) -> None:
    """The undissolved amount falls with water (straight, or bending: an incongruent
    decomposition) and is zero beyond the least water that dissolves it all."""
    w_min = 361.156

    def left(water: float) -> float:
        short = max(1.0 - water / w_min, 0.0)
        return 23.0 * (short + 2.0 * short**2 if curved else short)

    calls = []

    def equilibrium(water: float) -> Any:
        calls.append(water)
        return SimpleNamespace(left=left(water))

    water = minimum_water(equilibrium, lambda eq: eq.left, 1227.0)
    assert w_min <= water <= w_min * (1 + 1e-10)
    assert len(calls) <= 16  # bisection in log space to 1e-10 takes over 35
