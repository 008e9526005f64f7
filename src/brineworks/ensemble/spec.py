"""Uncertain inputs: one distribution per parameter, declared in a scenario's ``[[uncertain]]``
tables.

Each entry names the input, the ``target`` it sets (a scenario path such as
``units.potash.params.kcl_recovery`` for a ``process`` input; a name the money model reads,
such as ``prices.Li2CO3``, for a ``money`` input), its ``kind`` and its distribution::

    [[uncertain]]
    name = "Li recovery"
    target = "units.adsorption.params.li_recovery"
    kind = "process"                 # changes the park: the park is solved again
    distribution = "triangular"
    low = 0.6
    mode = 0.77
    high = 0.9
    note = "why this range (sources)"

Distributions and their fields (every other field is refused):

================  ===========================  ==========================================
distribution      required                     optional
================  ===========================  ==========================================
``uniform``       ``low``, ``high``
``triangular``    ``low``, ``mode``, ``high``
``normal``        ``mean``, ``sd``             ``low``, ``high`` (truncation)
``lognormal``     ``median``, ``sigma``        ``low``, ``high`` (truncation); ``sigma``
                                               is the standard deviation of ln x
``discrete``      ``values`` (numbers or       ``weights`` (relative; equal by default)
                  labels, or ``"a|b|c"``)
================  ===========================  ==========================================

``correlations = { "other input" = 0.6 }`` gives Spearman rank correlations, imposed with a
Gaussian copula (see :mod:`brineworks.ensemble.design`).

This module needs only pydantic: the scenario model imports it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
)
from pydantic_core import PydanticCustomError

from brineworks.errors import InputError

__all__ = [
    "DISTRIBUTIONS",
    "Distribution",
    "Kind",
    "UncertainSpec",
    "check_uncertain",
    "parse_uncertain",
]

Distribution = Literal["uniform", "triangular", "normal", "lognormal", "discrete"]
Kind = Literal["money", "process"]

DISTRIBUTIONS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "uniform": (frozenset({"low", "high"}), frozenset()),
    "triangular": (frozenset({"low", "mode", "high"}), frozenset()),
    "normal": (frozenset({"mean", "sd"}), frozenset({"low", "high"})),
    "lognormal": (frozenset({"median", "sigma"}), frozenset({"low", "high"})),
    "discrete": (frozenset({"values"}), frozenset({"weights"})),
}
"""Distribution → (required fields, optional fields)."""

_PARAMETERS = ("low", "mode", "high", "mean", "sd", "median", "sigma", "values", "weights")


def _fail(message: str) -> PydanticCustomError:
    return PydanticCustomError("uncertain", message)


class UncertainSpec(BaseModel):
    """One uncertain input (a ``[[uncertain]]`` table of a scenario).

    Attributes
    ----------
    name
        Name of the input (a column of the results).
    target
        What it sets: a scenario path (``process``) or a name the money model reads (``money``).
    kind
        ``"process"`` (changes the park, which is solved again) or ``"money"`` (changes only the
        economics of a solved park).
    distribution
        ``uniform``, ``triangular``, ``normal``, ``lognormal`` or ``discrete``.
    low, mode, high, mean, sd, median, sigma
        Parameters, in the target's unit (``sigma``: of ln x). [target unit]
    values, weights
        Levels of a discrete input and their relative weights.
    correlations
        Spearman rank correlation with other inputs, by name. [-]
    note
        Why this distribution (sources, reasoning).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1)
    target: str = Field(min_length=1)
    kind: Kind
    distribution: Distribution
    low: float | None = Field(default=None, validate_default=True)
    mode: float | None = Field(default=None, validate_default=True)
    high: float | None = Field(default=None, validate_default=True)
    mean: float | None = Field(default=None, validate_default=True)
    sd: float | None = Field(default=None, validate_default=True)
    median: float | None = Field(default=None, validate_default=True)
    sigma: float | None = Field(default=None, validate_default=True)
    values: list[float] | list[str] | None = Field(default=None, validate_default=True)
    weights: list[float] | None = Field(default=None, validate_default=True)
    correlations: dict[str, float] = Field(default_factory=dict)
    note: str = ""

    @field_validator("name", "target")
    @classmethod
    def _clean_name(cls, v: str) -> str:
        if v != v.strip() or ":" in v:
            raise _fail("a name without surrounding spaces or ':'")
        return v

    @field_validator("values", mode="before")
    @classmethod
    def _split_levels(cls, v: Any) -> Any:
        if isinstance(v, str):
            return [s.strip() for s in v.split("|")]
        return v

    @field_validator(*_PARAMETERS)
    @classmethod
    def _parameter(cls, v: Any, info: ValidationInfo) -> Any:
        dist = info.data.get("distribution")
        field = info.field_name
        if dist is None or field is None:
            return v  # the distribution itself failed; its own error is reported
        required, optional = DISTRIBUTIONS[dist]
        if v is None:
            if field in required:
                raise _fail(
                    f"a value: the {dist} distribution needs " + ", ".join(sorted(required))
                )
            return v
        if field not in required | optional:
            used = ", ".join(sorted(required | optional))
            raise _fail(f"nothing: the {dist} distribution takes only {used}")
        if isinstance(v, float) and not math.isfinite(v):
            raise _fail("a finite number")
        d = info.data
        if field == "high" and d.get("low") is not None and not v > d["low"]:
            raise _fail(f"a number above low ({d['low']:g})")
        if field == "high" and d.get("mode") is not None and not v >= d["mode"]:
            raise _fail(f"a number at least the mode ({d['mode']:g})")
        if field == "mode" and d.get("low") is not None and not v >= d["low"]:
            raise _fail(f"a number at least low ({d['low']:g})")
        if field in {"sd", "sigma", "median"} and not v > 0:
            raise _fail("a positive number")
        if field in {"low", "high"} and dist == "lognormal" and v < 0:
            raise _fail("a number ≥ 0 (a lognormal quantity is positive)")
        if field == "values":
            if not v:
                raise _fail("at least one level")
            if len(set(v)) != len(v):
                raise _fail("distinct levels")
            if any(isinstance(x, float) and not math.isfinite(x) for x in v):
                raise _fail("finite numbers or labels")
        if field == "weights":
            levels = d.get("values")
            if levels is not None and len(v) != len(levels):
                raise _fail(f"one weight per level ({len(levels)})")
            if any(not (math.isfinite(w) and w >= 0) for w in v) or not sum(v) > 0:
                raise _fail("weights ≥ 0 with a positive sum")
        return v

    @field_validator("correlations")
    @classmethod
    def _correlations(cls, v: dict[str, float], info: ValidationInfo) -> dict[str, float]:
        for other, rho in v.items():
            if not -1 < rho < 1:
                raise _fail(f"rank correlations strictly between -1 and 1 (with {other!r})")
            if other == info.data.get("name"):
                raise _fail("correlations with other inputs, not with itself")
        return v

    # ----------------------------------------------------------------- derived views
    @property
    def is_discrete(self) -> bool:
        """Whether the input takes a list of levels."""
        return self.distribution == "discrete"

    @property
    def is_label(self) -> bool:
        """Whether the levels are labels (strings) rather than numbers."""
        return bool(self.values) and isinstance(self.values[0] if self.values else None, str)

    def support(self) -> tuple[float, float]:
        """Smallest and largest value the distribution can take (labels: NaN). [target unit]"""
        if self.distribution in {"uniform", "triangular"}:
            assert self.low is not None
            assert self.high is not None
            return self.low, self.high
        if self.distribution == "normal":
            lo = -math.inf if self.low is None else self.low
            hi = math.inf if self.high is None else self.high
            return lo, hi
        if self.distribution == "lognormal":
            lo = 0.0 if self.low is None else self.low
            hi = math.inf if self.high is None else self.high
            return lo, hi
        assert self.values is not None
        if self.is_label:
            return math.nan, math.nan
        nums = [float(x) for x in self.values]
        return min(nums), max(nums)

    def describe(self) -> str:
        """The distribution in words, e.g. ``triangular(0.6, 0.77, 0.9)``."""
        parts = []
        for key in _PARAMETERS:
            v = getattr(self, key)
            if v is None:
                continue
            if isinstance(v, list):
                parts.append(
                    f"{key}=" + "|".join(f"{x:g}" if isinstance(x, float) else x for x in v)
                )
            else:
                parts.append(f"{key}={v:g}")
        return f"{self.distribution}(" + ", ".join(parts) + ")"


def parse_uncertain(entries: Sequence[Mapping[str, Any]]) -> tuple[UncertainSpec, ...]:
    """Validate ``[[uncertain]]`` tables given as dicts (outside a scenario file).

    Raises
    ------
    InputError
        Naming the entry and field (``uncertain[2].mode``), the value and what is allowed.
    """
    out = []
    for i, entry in enumerate(entries):
        try:
            out.append(UncertainSpec.model_validate(entry))
        except ValidationError as exc:
            err = exc.errors()[0]
            loc = ".".join(str(x) for x in err["loc"])
            label = entry.get("name", i) if isinstance(entry, Mapping) else i
            field = f"uncertain[{label!s}]" + (f".{loc}" if loc else "")
            value = err.get("input") if loc else entry
            raise InputError(field, value, err["msg"]) from None
    specs = tuple(out)
    check_uncertain(specs)
    return specs


def check_uncertain(inputs: Sequence[UncertainSpec]) -> None:
    """Checks across inputs: unique names, one input per process target, correlations with
    existing numeric inputs, the same coefficient if both inputs of a pair give one.

    The correlation matrix's positive definiteness is checked where the design is built.

    Raises
    ------
    InputError
        Naming the input and field.
    """
    names = [u.name for u in inputs]
    by_name = {u.name: u for u in inputs}
    for n in names:
        if names.count(n) > 1:
            raise InputError("uncertain.name", n, "unique input names")
    targets = [u.target for u in inputs if u.kind == "process"]
    for t in targets:
        if targets.count(t) > 1:
            raise InputError("uncertain.target", t, "one process input per target")
    for u in inputs:
        for other, rho in u.correlations.items():
            if other not in by_name:
                raise InputError(
                    f"uncertain.{u.name}.correlations", other, "the name of another input: "
                    + ", ".join(n for n in names if n != u.name),
                )  # fmt: skip
            back = by_name[other].correlations.get(u.name)
            if back is not None and back != rho:
                raise InputError(
                    f"uncertain.{u.name}.correlations.{other}", rho,
                    f"the same coefficient as {other!r} gives ({back:g})",
                )  # fmt: skip
            if u.is_label or by_name[other].is_label:
                raise InputError(
                    f"uncertain.{u.name}.correlations", other, "correlations between numeric inputs"
                )
