"""Mixers and splitters: the plumbing of a flowsheet."""

from __future__ import annotations

from collections.abc import Mapping

from brineworks.errors import InputError
from brineworks.process.stream import Stream
from brineworks.process.unit import Unit, register_unit

__all__ = ["ComponentSplitter", "Mixer", "Splitter"]


@register_unit
class Mixer(Unit):
    """Adds its inlets ``in1`` … ``inN`` into ``out``.

    Parameters
    ----------
    name
        Unit name.
    n_inlets
        Number of inlet ports.
    """

    kind = "mixer"
    inlets: tuple[str, ...] = ("in1", "in2")
    outlets = ("out",)

    def __init__(self, name: str, n_inlets: int = 2) -> None:
        super().__init__(name)
        if n_inlets < 1:
            raise InputError(f"{name}.n_inlets", n_inlets, "at least 1")
        self.inlets = tuple(f"in{i}" for i in range(1, n_inlets + 1))

    def solve(self, inputs: Mapping[str, Stream]) -> dict[str, Stream]:
        return {"out": Stream.mix(inputs[p] for p in self.inlets)}


@register_unit
class Splitter(Unit):
    """Splits ``in`` into outlets with the same composition, by given fractions.

    Parameters
    ----------
    name
        Unit name.
    fractions
        Outlet port → fraction of the inlet; the fractions must sum to 1.
    """

    kind = "splitter"
    inlets = ("in",)
    outlets: tuple[str, ...] = ("out1", "out2")

    def __init__(self, name: str, fractions: Mapping[str, float]) -> None:
        super().__init__(name)
        total = sum(fractions.values())
        if (
            not fractions
            or any(not 0 <= f <= 1 for f in fractions.values())
            or abs(total - 1) > 1e-12
        ):
            raise InputError(
                f"{name}.fractions", dict(fractions), "fractions in [0, 1] summing to 1"
            )
        self.fractions = dict(fractions)
        self.outlets = tuple(fractions)

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

    def solve(self, inputs: Mapping[str, Stream]) -> dict[str, Stream]:
        feed = inputs["in"]
        return {p: feed.scaled(f) for p, f in self.fractions.items()}


@register_unit
class ComponentSplitter(Unit):
    """Sends a fraction of each component of ``in`` to ``top``, the rest to ``bottom``.

    Parameters
    ----------
    name
        Unit name.
    to_top
        Component → fraction sent to ``top``; components not named go to ``bottom``.
    """

    kind = "component_splitter"
    inlets = ("in",)
    outlets = ("top", "bottom")

    def __init__(self, name: str, to_top: Mapping[str, float]) -> None:
        super().__init__(name)
        for comp, f in to_top.items():
            if not 0 <= f <= 1:
                raise InputError(f"{name}.to_top.{comp}", f, "a fraction in [0, 1]")
        self.to_top = dict(to_top)

    def solve(self, inputs: Mapping[str, Stream]) -> dict[str, Stream]:
        feed = inputs["in"]
        top = {k: v * self.to_top.get(k, 0.0) for k, v in feed.flows.items()}
        bottom = {k: v - top[k] for k, v in feed.flows.items()}
        return {
            "top": Stream({k: v for k, v in top.items() if v != 0}, feed.temperature),
            "bottom": Stream({k: v for k, v in bottom.items() if v != 0}, feed.temperature),
        }
