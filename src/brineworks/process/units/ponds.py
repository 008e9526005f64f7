"""The solar-pond train as a flowsheet unit (thermodynamics: :mod:`brineworks.process.ponds`)."""

from __future__ import annotations

from collections.abc import Mapping

from pydantic import Field, field_validator

from brineworks.chemistry.evaporation import parse_stop
from brineworks.climate import climate
from brineworks.errors import BrineworksError
from brineworks.process.ponds import PondLosses, PondStage, simulate_pond_train
from brineworks.process.stream import Stream, solution_stream, stream_to_brine
from brineworks.process.unit import Assumption, SolveContext, Unit, UnitOptions, register_unit

__all__ = ["PondTrain", "PondTrainOptions"]

_LOSSES = {"entrainment": (0.0, 1.0), "seepage_rate": (0.0, 1e-6)}
"""Pond losses a scenario may set in ``params`` and their ranges: [kg/kg], [m/s]."""


class PondTrainOptions(UnitOptions):
    """``site`` (a climate site of ``data/climate.csv``), ``stages`` (``[pond name, stop
    condition]`` in order, e.g. ``["halite", "phase:Carnallite"]``) and, in ``params``, the
    pond losses ``entrainment`` [kg brine per kg salt] and ``seepage_rate`` [m/s]."""

    site: str
    stages: list[tuple[str, str]] = Field(min_length=1)

    @field_validator("site")
    @classmethod
    def _known_site(cls, v: str) -> str:
        try:
            climate(v)
        except BrineworksError as exc:
            raise ValueError(str(exc)) from None
        return v

    @field_validator("stages")
    @classmethod
    def _stages(cls, v: list[tuple[str, str]]) -> list[tuple[str, str]]:
        names = [n for n, _ in v]
        for n in names:
            if not n.strip() or names.count(n) > 1:
                raise ValueError(f"a distinct name for each pond, got {names}")
        for _, until in v:
            try:
                parse_stop(until)
            except BrineworksError as exc:
                raise ValueError(str(exc)) from None
        return v

    @field_validator("params")
    @classmethod
    def _known_parameters_in_range(cls, params: dict[str, float]) -> dict[str, float]:
        for key, value in params.items():
            if key not in _LOSSES:
                raise ValueError(f"{key} is not a loss of ponds (those are: {', '.join(_LOSSES)})")
            lo, hi = _LOSSES[key]
            if not lo <= value < hi:
                raise ValueError(f"{key} = {value!r} is outside {lo:g} ≤ value < {hi:g}")
        return params


@register_unit
class PondTrain(Unit):
    """Solar ponds: ``brine`` in; ``salt_<pond>`` (salts with entrained brine), ``seepage``,
    ``vapour`` and ``brine_out`` out. Evaporation is solar: no process energy.

    Options: ``site``, ``stages`` and the losses in ``params`` (:class:`PondTrainOptions`).
    """

    kind = "ponds"
    passive = True
    stage = "mining"
    Options = PondTrainOptions
    inlets = ("brine",)

    def setup(self) -> None:
        assert isinstance(self.options, PondTrainOptions)
        self.stages = [PondStage(n, parse_stop(u)) for n, u in self.options.stages]
        self.climate = climate(self.options.site)
        self.losses = PondLosses.default().replace(**self.options.params)

    @classmethod
    def ports(cls, options: UnitOptions) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """``brine`` in; ``salt_<pond>`` for each stage, ``seepage``, ``vapour``, ``brine_out``."""
        assert isinstance(options, PondTrainOptions)
        salts = tuple(f"salt_{name}" for name, _ in options.stages)
        return cls.inlets, (*salts, "seepage", "vapour", "brine_out")

    def assumptions(self) -> tuple[Assumption, ...]:
        """The pond losses (entrainment is an assumption unless the user set it)."""
        return (
            Assumption(
                self.name, "losses", f"entrainment {self.losses.entrainment:g} kg/kg",
                self.losses.source,
            ),
        )  # fmt: skip

    def solve(self, inputs: Mapping[str, Stream], ctx: SolveContext) -> dict[str, Stream]:
        feed = inputs["brine"]
        brine, water = stream_to_brine(feed, f"{self.name} feed")
        density = self.backend.speciate(brine, saturation=False).density
        volume = feed.total / density
        result = simulate_pond_train(
            brine, volume, self.stages, self.climate, self.losses, backend=self.backend,
            water_flow=water,
        )  # fmt: skip
        ctx.detail = result
        t = feed.temperature
        out: dict[str, Stream] = {}
        seep_elements: dict[str, float] = {}
        seep_mass = 0.0
        for p in result.ponds:
            entrained = solution_stream(p.elements_entrained, p.entrained, t)
            out[f"salt_{p.name}"] = Stream.mix([Stream(dict(p.salts), t), entrained])
            for el, n in p.elements_seepage.items():
                seep_elements[el] = seep_elements.get(el, 0.0) + n
            seep_mass += p.seepage
        out["seepage"] = solution_stream(seep_elements, seep_mass, t)
        # Every outlet is rebuilt neutral from its elements: a feed that is not exactly neutral
        # (an extrapolated recycle iterate) passes its charge excess on with the final brine, or
        # the O the vapour cannot close would be off by half of it.
        out["brine_out"] = solution_stream(
            result.final.elements_out, result.final.brine_out, t, excess=feed.nominal_excess()
        )
        # Water vapour closes the hydrogen balance (all other streams are fixed above).
        h_in = feed.elements().get("H", 0.0)
        h_out = sum(s.elements().get("H", 0.0) for s in out.values())
        out["vapour"] = Stream({"H2O": max(h_in - h_out, 0.0) / 2.0 * 0.018015}, t)
        ctx.notes = [f"pond losses: {self.losses.source}"]
        return out
