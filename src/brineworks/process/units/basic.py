"""Mixers and splitters: the plumbing of a flowsheet."""

from __future__ import annotations

from collections.abc import Mapping

from pydantic import Field, field_validator

from brineworks.errors import InputError
from brineworks.process.stream import Stream
from brineworks.process.unit import SolveContext, Unit, UnitOptions, register_unit

__all__ = ["ComponentSplitter", "Mixer", "Splitter"]


class MixerOptions(UnitOptions):
    """``inlets``: the number of inlet ports ``in1`` … ``inN``."""

    inlets: int = Field(default=2, ge=1)


@register_unit
class Mixer(Unit):
    """Adds its inlets ``in1`` … ``inN`` into ``out``. Options: ``inlets`` (default 2)."""

    kind = "mixer"
    passive = True
    stage = "plumbing"
    Options = MixerOptions
    inlets: tuple[str, ...] = ("in1", "in2")
    outlets = ("out",)

    @classmethod
    def ports(cls, options: UnitOptions) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """``in1`` … ``inN`` and ``out``."""
        assert isinstance(options, MixerOptions)
        return tuple(f"in{i}" for i in range(1, options.inlets + 1)), cls.outlets

    def solve(self, inputs: Mapping[str, Stream], ctx: SolveContext) -> dict[str, Stream]:
        return {"out": Stream.mix(inputs[p] for p in self.inlets)}


class SplitterOptions(UnitOptions):
    """``fractions``: outlet port → fraction of the inlet, each in [0, 1], summing to 1."""

    fractions: dict[str, float]

    @field_validator("fractions")
    @classmethod
    def _sum_to_one(cls, v: dict[str, float]) -> dict[str, float]:
        if not v or any(not 0 <= f <= 1 for f in v.values()) or abs(sum(v.values()) - 1) > 1e-12:
            raise ValueError(f"fractions in [0, 1] summing to 1, got {v}")
        return v


@register_unit
class Splitter(Unit):
    """Splits ``in`` into outlets with the same composition, by given fractions. Options:
    ``fractions`` (outlet → fraction, summing to 1)."""

    kind = "splitter"
    passive = True
    stage = "plumbing"
    Options = SplitterOptions
    inlets = ("in",)
    outlets: tuple[str, ...] = ("out1", "out2")

    @classmethod
    def ports(cls, options: UnitOptions) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """``in`` and one outlet per fraction."""
        assert isinstance(options, SplitterOptions)
        return cls.inlets, tuple(options.fractions)

    def setup(self) -> None:
        assert isinstance(self.options, SplitterOptions)
        self.fractions = dict(self.options.fractions)

    def set_fraction(self, outlet: str, fraction: float, absorb: str) -> None:
        """Set one outlet's fraction; ``absorb`` (another outlet) takes up the difference.

        Raises
        ------
        InputError
            If the outlets are unknown or the fractions would leave [0, 1].
        """
        for port in (outlet, absorb):
            if port not in self.fractions:
                raise InputError(f"{self.name} outlet", port, "one of " + ", ".join(self.outlets))
        if outlet == absorb:
            raise InputError(f"{self.name} absorb", absorb, f"an outlet other than {outlet}")
        rest = self.fractions[absorb] + self.fractions[outlet] - fraction
        if not (0.0 <= fraction <= 1.0 and rest >= -1e-12):
            raise InputError(
                f"{self.name}.fractions.{outlet}",
                fraction,
                f"0 to {self.fractions[absorb] + self.fractions[outlet]:.6g} (what {absorb} "
                "can give up)",
            )
        self.fractions[outlet] = fraction
        self.fractions[absorb] = max(rest, 0.0)
        self.invalidate()

    def solve(self, inputs: Mapping[str, Stream], ctx: SolveContext) -> dict[str, Stream]:
        feed = inputs["in"]
        return {p: feed.scaled(f) for p, f in self.fractions.items()}


class ComponentSplitterOptions(UnitOptions):
    """``to_top``: component → fraction sent to ``top`` (each in [0, 1]); the rest, and every
    component not named, goes to ``bottom``."""

    to_top: dict[str, float]

    @field_validator("to_top")
    @classmethod
    def _fractions(cls, v: dict[str, float]) -> dict[str, float]:
        if not v:
            raise ValueError("at least one component → fraction sent to 'top'")
        for comp, f in v.items():
            if not 0 <= f <= 1:
                raise ValueError(f"to_top.{comp} = {f!r}: a fraction in [0, 1]")
        return v


@register_unit
class ComponentSplitter(Unit):
    """Sends a fraction of each component of ``in`` to ``top``, the rest to ``bottom``.
    Options: ``to_top`` (component → fraction)."""

    kind = "component_splitter"
    passive = True
    stage = "plumbing"
    Options = ComponentSplitterOptions
    inlets = ("in",)
    outlets = ("top", "bottom")

    def solve(self, inputs: Mapping[str, Stream], ctx: SolveContext) -> dict[str, Stream]:
        feed = inputs["in"]
        assert isinstance(self.options, ComponentSplitterOptions)
        to_top = self.options.to_top
        top = {k: v * to_top.get(k, 0.0) for k, v in feed.flows.items()}
        bottom = {k: v - top[k] for k, v in feed.flows.items()}
        return {
            "top": Stream({k: v for k, v in top.items() if v != 0}, feed.temperature),
            "bottom": Stream({k: v for k, v in bottom.items() if v != 0}, feed.temperature),
        }
