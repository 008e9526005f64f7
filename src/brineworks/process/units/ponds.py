"""The solar-pond train as a flowsheet unit (thermodynamics: :mod:`brineworks.process.ponds`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from brineworks.chemistry.backend import get_backend
from brineworks.chemistry.evaporation import parse_stop
from brineworks.climate import climate
from brineworks.process.ponds import PondLosses, PondStage, PondTrainResult, simulate_pond_train
from brineworks.process.stream import Stream, solution_stream, stream_to_brine
from brineworks.process.unit import Unit, register_unit

__all__ = ["PondTrain"]


@register_unit
class PondTrain(Unit):
    """Solar ponds: ``brine`` in; ``salt_<pond>`` (salts with entrained brine), ``seepage``,
    ``vapour`` and ``brine_out`` out.

    Parameters
    ----------
    name
        Unit name.
    stages
        ``(pond name, stop condition text)`` in order, e.g. ``("halite", "phase:Carnallite")``.
    site
        Climate site (``data/climate.csv``).
    losses
        Seepage and entrainment; default :meth:`PondLosses.default`.
    """

    kind = "ponds"
    inlets = ("brine",)

    def __init__(
        self,
        name: str,
        stages: Sequence[tuple[str, str]],
        site: str,
        losses: PondLosses | None = None,
    ) -> None:
        super().__init__(name)
        self.stages = [PondStage(n, parse_stop(u)) for n, u in stages]
        self.climate = climate(site)
        self.losses = losses if losses is not None else PondLosses.default()
        self.outlets = (*(f"salt_{s.name}" for s in self.stages), "seepage", "vapour", "brine_out")
        self.result: PondTrainResult | None = None

    def solve(self, inputs: Mapping[str, Stream]) -> dict[str, Stream]:
        feed = inputs["brine"]
        brine, water = stream_to_brine(feed, f"{self.name} feed")
        backend = get_backend()
        density = backend.speciate(brine, saturation=False).density
        volume = feed.total / density
        result = simulate_pond_train(
            brine, volume, self.stages, self.climate, self.losses, backend=backend,
            water_flow=water,
        )  # fmt: skip
        self.result = result
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
        out["brine_out"] = solution_stream(result.final.elements_out, result.final.brine_out, t)
        # Water vapour closes the hydrogen balance (all other streams are fixed above).
        h_in = feed.elements().get("H", 0.0)
        h_out = sum(s.elements().get("H", 0.0) for s in out.values())
        out["vapour"] = Stream({"H2O": max(h_in - h_out, 0.0) / 2.0 * 0.018015}, t)
        self.performance.notes = [f"pond losses: {self.losses.source}"]
        return out
