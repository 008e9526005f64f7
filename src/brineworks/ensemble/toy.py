"""Cheap models for testing and timing the ensemble machinery.

:class:`Ishigami` is the test function of Ishigami and Homma (1990), with analytic Sobol
indices (:func:`ishigami_indices`), optionally slowed down and made to fail above a threshold
so that the runner's handling of slow, killed and failed samples can be checked.

:class:`Presolved` wraps a model with a state solved beforehand, and :func:`stand_in_money`
is a few lines of arithmetic in place of the economics: together they time the money level
alone. Neither is economics.
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping, Sequence
from typing import Any

from brineworks.ensemble.model import EnsembleModel, Value
from brineworks.ensemble.spec import UncertainSpec
from brineworks.errors import InputError

__all__ = [
    "Ishigami",
    "Presolved",
    "ishigami",
    "ishigami_indices",
    "ishigami_slow",
    "stand_in_money",
]

_VARIABLES = ("x1", "x2", "x3")


class Ishigami(EnsembleModel):
    """f = sin x1 + a sin² x2 + b x3⁴ sin x1, the inputs' targets being ``x1``, ``x2``, ``x3``.

    Inputs of kind ``process`` are passed through ``solve_process`` (which sleeps ``sleep``
    seconds and raises above ``fail_above``), those of kind ``money`` through ``evaluate``.

    Parameters
    ----------
    inputs
        The uncertain inputs (targets x1, x2, x3).
    a, b
        The function's constants (7 and 0.1 as usual).
    sleep
        Seconds each process solve waits (a stand-in for a park). [s]
    fail_above
        ``solve_process`` raises when x1 exceeds this value (None: never).
    process_batch
        Process solves per task.
    """

    def __init__(
        self,
        inputs: Sequence[UncertainSpec],
        a: float = 7.0,
        b: float = 0.1,
        sleep: float = 0.0,
        fail_above: float | None = None,
        process_batch: int = 64,
    ) -> None:
        self.check_inputs(inputs)
        self.targets = {u.name: u.target for u in inputs}
        self.a, self.b, self.sleep, self.fail_above = a, b, sleep, fail_above
        self.process_batch = process_batch

    def check_inputs(self, inputs: Sequence[UncertainSpec]) -> None:
        """Targets must be x1, x2 or x3, each used once."""
        seen = [u.target for u in inputs]
        for u in inputs:
            if u.target not in _VARIABLES or seen.count(u.target) > 1:
                raise InputError(f"uncertain.{u.name}.target", u.target, "x1, x2 or x3, once each")

    def fingerprint(self) -> str:
        """The constants."""
        return f"Ishigami(a={self.a}, b={self.b}, fail_above={self.fail_above})"

    def solve_process(self, process_inputs: Mapping[str, Value]) -> dict[str, float]:
        """The process inputs by target (after ``sleep`` seconds)."""
        if self.sleep:
            time.sleep(self.sleep)
        state = {self.targets[n]: float(v) for n, v in process_inputs.items()}
        if self.fail_above is not None and state.get("x1", -math.inf) > self.fail_above:
            raise ValueError(f"x1 = {state['x1']:.6g} above the failure threshold")
        return state

    def evaluate(self, state: Any, money_inputs: Mapping[str, Value]) -> dict[str, float]:
        """The function value ``y`` and ``x1``'s sine ``s1``."""
        x = dict(state)
        x.update({self.targets[n]: float(v) for n, v in money_inputs.items()})
        x1, x2, x3 = x.get("x1", 0.0), x.get("x2", 0.0), x.get("x3", 0.0)
        y = math.sin(x1) + self.a * math.sin(x2) ** 2 + self.b * x3**4 * math.sin(x1)
        return {"y": y, "s1": math.sin(x1)}


def ishigami_indices(a: float = 7.0, b: float = 0.1) -> dict[str, tuple[float, float]]:
    """Analytic (S1, ST) of x1, x2, x3 (Ishigami and Homma 1990; Sobol' and Levitan 1999)."""
    pi4 = math.pi**4
    v1 = 0.5 * (1 + b * pi4 / 5) ** 2
    v2 = a**2 / 8
    v13 = b**2 * math.pi**8 * (1 / 18 - 1 / 50)  # = 8 b² π⁸ / 225
    v = v1 + v2 + v13
    return {"x1": (v1 / v, (v1 + v13) / v), "x2": (v2 / v, v2 / v), "x3": (0.0, v13 / v)}


def ishigami(scenario: Any) -> Ishigami:
    """CLI factory (``--model brineworks.ensemble.toy:ishigami``): the scenario's inputs."""
    return Ishigami(scenario.uncertain)


def ishigami_slow(scenario: Any) -> Ishigami:
    """CLI factory: 0.2 s per process solve, one solve per task, failing above x1 = 3."""
    return Ishigami(scenario.uncertain, sleep=0.2, fail_above=3.0, process_batch=1)


class Presolved(EnsembleModel):
    """A model whose process level returns a state solved beforehand (for timing the money
    level alone).

    Parameters
    ----------
    model
        The model whose ``evaluate`` is used.
    state
        The state every process vector gets.
    """

    def __init__(self, model: EnsembleModel, state: Any) -> None:
        self.model, self.state = model, state
        self.process_batch = model.process_batch

    def fingerprint(self) -> str:
        """The wrapped model's, marked."""
        return "Presolved:" + self.model.fingerprint()

    def solve_process(self, process_inputs: Mapping[str, Value]) -> Any:
        """The stored state."""
        return self.state

    def evaluate(self, state: Any, money_inputs: Mapping[str, Value]) -> dict[str, float]:
        """The wrapped model's outputs."""
        return self.model.evaluate(state, money_inputs)


def stand_in_money(state: Any, inputs: Mapping[str, Value]) -> dict[str, float]:
    """NOT economics: revenue of the park's products at the sampled prices (``prices.<stream>``,
    CNY/t) and its present value over 20 years at ``finance.discount_rate`` — arithmetic of
    the size a money model has, to time the money level until the economics is plugged in."""
    rate = float(inputs.get("finance.discount_rate", 0.08))
    revenue = 0.0
    for product, t in state.products_t_per_yr.items():
        price = inputs.get(f"prices.{product}")
        if price is not None:
            revenue += float(price) * t
    annuity = (1 - (1 + rate) ** -20) / rate
    return {"revenue_cny_per_yr": revenue, "revenue_pv_cny": revenue * annuity}
