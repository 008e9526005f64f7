"""Boric acid from a concentrated brine by acidification and crystallisation.

The liquor is acidified with HCl until its pH reaches a target (borate becomes boric acid),
brought to the crystallisation temperature, and equilibrated with every default candidate solid:
the boric acid (``Boric_acid,s``) that precipitates, and the HCl the liquor's buffering takes to
reach the target, are what equilibrium in the chemistry backend decides. A liquor already at or
below the target pH (a concentrated MgCl2 brine under the neutral-salt convention) takes no
acid. Boric acid's log K(T) is fitted to its measured solubility 0–100 °C (``pitzer.dat`` has
none), so a lower crystallisation temperature crystallises more.
"""

from __future__ import annotations

from collections.abc import Mapping

from brineworks.chemistry.backend import ThermoBackend
from brineworks.chemistry.brine import Brine
from brineworks.chemistry.evaporation import candidate_phases
from brineworks.chemistry.results import Equilibrium
from brineworks.constants import KELVIN_OFFSET
from brineworks.errors import ChemistryError
from brineworks.process.stream import Stream, component_molar_mass, stream_to_brine
from brineworks.process.unit import SolveContext, Unit, register_unit
from brineworks.process.units.dosing import DOSE_RTOL, dose_to_spec, equilibrium_outlets

__all__ = ["BoricAcid", "acid_to_ph"]

BORIC_ACID = "Boric_acid,s"


def acid_to_ph(
    backend: ThermoBackend,
    brine: Brine,
    target_ph: float,
    phases: tuple[str, ...],
    *,
    rtol: float = DOSE_RTOL,
    guess: float | None = None,
) -> tuple[float, Equilibrium]:
    """The HCl dose [mol per kg of the brine's water] that brings the liquor, equilibrated by
    ``backend``, to ``target_ph`` (zero if it is already there or below); located to ``rtol``
    (:func:`dose_to_spec`), the search started near ``guess`` if given.

    Raises
    ------
    ChemistryError
        If no dose up to 10 mol/kgw reaches the target.
    """
    return dose_to_spec(
        backend, brine, "HCl", phases, lambda eq: eq.solution.pH - target_ph,
        first=1e-3, limit=10.0, rtol=rtol, guess=guess,
        what=f"brings the liquor to pH {target_ph}",
    )  # fmt: skip


@register_unit
class BoricAcid(Unit):
    """``brine`` in; ``boric_acid`` (the boric acid crystallised), ``salts`` (any other solid
    the acid salts out, e.g. bischofite from a MgCl2 liquor; separated from the boric acid, an
    idealisation the notes state) and ``liquor`` out; HCl as a utility.

    Parameters of the ``boric_acid`` family: ``ph_target`` and ``temperature_c``.
    """

    kind = "boric_acid"
    family = "boric_acid"
    utility_names = ("HCl",)
    inlets = ("brine",)
    outlets = ("boric_acid", "salts", "liquor")

    def solve(self, inputs: Mapping[str, Stream], ctx: SolveContext) -> dict[str, Stream]:
        feed = inputs["brine"]
        p = self.params
        t = p["temperature_c"] + KELVIN_OFFSET
        brine, water = stream_to_brine(feed, f"{self.name} feed", t)
        if brine.molality.get("B", 0.0) <= 0:
            raise ChemistryError(f"{self.name}: the feed carries no boron")
        backend = self.backend
        phases = candidate_phases(brine, backend, ("Cl",))
        last = ctx.previous.warm_start if ctx.previous is not None else None
        guess = last if isinstance(last, float) and last > 0 else None
        dose, eq = acid_to_ph(backend, brine, p["ph_target"], phases, guess=guess)
        ctx.warm_start = dose
        hcl = dose * water * component_molar_mass("HCl")  # kg/s
        masses, liquor = equilibrium_outlets(
            eq, water, feed.total + hcl, t, excess=feed.nominal_excess()
        )
        product = Stream({BORIC_ACID: masses.pop(BORIC_ACID, 0.0)}, t)
        salts = Stream(masses, t)
        ctx.utilities_in = {"HCl": Stream({"HCl": hcl}, t)} if dose > 0 else {}
        yield_b = (
            product.get(BORIC_ACID)
            / component_molar_mass(BORIC_ACID)
            / (brine.molality["B"] * water)
        )
        si = eq.solution.saturation_index.get(BORIC_ACID, float("nan"))
        ctx.notes = [
            f"HCl {dose:.4g} mol/kgw to pH {eq.solution.pH:.2f} (target {p['ph_target']:g}); "
            f"{yield_b:.3f} of the boron crystallises as boric acid at {p['temperature_c']:g} °C "
            f"(boric acid SI {si:+.3f})"
        ]
        if salts.total > 0:
            ctx.notes.append(
                "also salted out: "
                + ", ".join(f"{k} {v:.4g} kg/s" for k, v in masses.items())
                + " (taken as separated from the boric acid)"
            )
        return {"boric_acid": product, "salts": salts, "liquor": liquor}
