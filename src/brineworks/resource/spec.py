"""The ``[reservoir]`` table of a scenario: zones of the lake, inflows, returns and conversion.

Validated with pydantic (unknown keys are errors, the objects are frozen); cross-field checks
(zone names, shares, references) raise :class:`~brineworks.errors.InputError` naming the field.
See ``docs/reservoir.md`` for the format and the meaning of every field.
"""

from __future__ import annotations

import math
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from brineworks.errors import InputError

__all__ = [
    "DEFAULT_BED_PHASES",
    "ConversionSpec",
    "InflowSpec",
    "ReservoirSpec",
    "ReturnSpec",
    "ZoneSpec",
]

DEFAULT_BED_PHASES: tuple[str, ...] = ("Halite", "Sylvite", "Carnallite", "Bischofite")
"""Solids the lake brine is kept in equilibrium with (those present in, or precipitating into,
the halite bed)."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _Composition(_Strict):
    """A brine or water composition: a catalogue name, or an inline analysis."""

    catalogue: str | None = None
    unit: str | None = None
    composition: dict[str, float] | None = None
    density_g_cm3: float | None = None
    balance_on: str | None = None

    def _check_composition(self, where: str, *, required: bool) -> None:
        inline = self.unit is not None or self.composition is not None
        if self.catalogue is not None and inline:
            raise InputError(where, self.catalogue, "either 'catalogue' or 'unit' + 'composition'")
        if inline and (self.unit is None or not self.composition):
            raise InputError(where, self.composition, "both 'unit' and 'composition'")
        if required and self.catalogue is None and not inline:
            raise InputError(where, None, "'catalogue', or 'unit' and 'composition'")

    @property
    def has_composition(self) -> bool:
        """Whether a composition is given (else: pure water)."""
        return self.catalogue is not None or self.composition is not None


class ZoneSpec(_Composition):
    """One well-mixed zone of the lake (a section of the playa).

    The brine volume is ``area_km2 × thickness_m × specific_yield``; its composition is the
    given brine brought to equilibrium with the bed at the reservoir temperature.
    """

    name: str
    area_km2: float = Field(gt=0)
    thickness_m: float = Field(gt=0)
    specific_yield: float = Field(gt=0, le=1)
    halite_t: float = Field(default=0.0, ge=0)
    ore_t: dict[str, float] = Field(default_factory=dict)
    evaporation_m_per_yr: float = Field(default=0.0, ge=0)


class InflowSpec(_Composition):
    """Water or brine entering a zone every year: a fixed volume plus, optionally, a volume
    induced by the zone's drawdown (lateral inflow towards a pumped cone). Without a
    composition it is pure water."""

    name: str
    zone: str
    m3_per_yr: float = Field(default=0.0, ge=0)
    m3_per_yr_per_m: float = Field(default=0.0, ge=0)


class ReturnSpec(_Strict):
    """A park stream (fate ``returned``) sent back to a zone; with ``conversion = true`` it is
    the solvent of that zone's solid–liquid conversion."""

    stream: str
    zone: str
    conversion: bool = False


class ConversionSpec(_Composition):
    """Solid–liquid conversion (固液转化) in one zone: a solvent (the returned streams marked
    ``conversion`` plus ``water_m3_per_yr`` of dilution water of the given composition, pure
    water if none) is injected into the bed; the share ``contact`` of it reaches equilibrium
    with the zone's potash ore and halite, the rest mixes with the brine unreacted."""

    zone: str
    contact: float = Field(ge=0, le=1)
    water_m3_per_yr: float = Field(default=0.0, ge=0)


class ReservoirSpec(_Strict):
    """The lake as a set of zones, with what enters and leaves them each year."""

    temperature_c: float = 25.0
    start_year: int = 0
    pumped: dict[str, float]
    pumping_m3_per_yr: float | None = Field(default=None, ge=0)
    zones: list[ZoneSpec]
    inflows: list[InflowSpec] = Field(default_factory=list)
    returns: list[ReturnSpec] = Field(default_factory=list)
    conversion: ConversionSpec | None = None
    bed_phases: list[str] = Field(default_factory=lambda: list(DEFAULT_BED_PHASES))
    cutoff_g_per_l: dict[str, float] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _cross_check(self) -> ReservoirSpec:
        self.check()
        return self

    def check(self) -> None:
        """Cross-field checks.

        Raises
        ------
        InputError
            For duplicate zone names, unknown zones, shares not summing to 1, a composition
            given twice or not at all, a stream returned twice, or negative amounts.
        """
        names = [z.name for z in self.zones]
        if not names:
            raise InputError("reservoir.zones", [], "at least one zone")
        for n in names:
            if names.count(n) > 1:
                raise InputError("reservoir.zones.name", n, "unique zone names")
        known = ", ".join(names)
        for z in self.zones:
            z._check_composition(f"reservoir.zones.{z.name}", required=True)
            for phase, t in z.ore_t.items():
                if not (math.isfinite(t) and t >= 0):
                    raise InputError(f"reservoir.zones.{z.name}.ore_t.{phase}", t, "tonnes ≥ 0")
        if not self.pumped:
            raise InputError("reservoir.pumped", {}, "zone = share of the pumping")
        for zone, share in self.pumped.items():
            if zone not in names:
                raise InputError("reservoir.pumped", zone, f"one of the zones: {known}")
            if not (math.isfinite(share) and share >= 0):
                raise InputError(f"reservoir.pumped.{zone}", share, "a share ≥ 0")
        total = sum(self.pumped.values())
        if abs(total - 1.0) > 1e-9:
            raise InputError("reservoir.pumped", self.pumped, "shares summing to 1")
        for f in self.inflows:
            if f.zone not in names:
                raise InputError(f"reservoir.inflows.{f.name}.zone", f.zone, f"one of: {known}")
            f._check_composition(f"reservoir.inflows.{f.name}", required=False)
        streams = [r.stream for r in self.returns]
        for r in self.returns:
            if r.zone not in names:
                raise InputError(f"reservoir.returns.{r.stream}.zone", r.zone, f"one of: {known}")
            if streams.count(r.stream) > 1:
                raise InputError("reservoir.returns.stream", r.stream, "each stream returned once")
            if r.conversion and (self.conversion is None or self.conversion.zone != r.zone):
                raise InputError(
                    f"reservoir.returns.{r.stream}.conversion",
                    True,
                    "a [reservoir.conversion] table for the same zone",
                )
        if self.conversion is not None:
            if self.conversion.zone not in names:
                raise InputError("reservoir.conversion.zone", self.conversion.zone, known)
            self.conversion._check_composition("reservoir.conversion", required=False)
        if "Halite" not in self.bed_phases:
            raise InputError("reservoir.bed_phases", self.bed_phases, "a list including Halite")
        for el, g in self.cutoff_g_per_l.items():
            if not (math.isfinite(g) and g > 0):
                raise InputError(f"reservoir.cutoff_g_per_l.{el}", g, "a grade > 0 g/L")

    def zone(self, name: str) -> ZoneSpec:
        """The zone called ``name``.

        Raises
        ------
        InputError
            If there is none.
        """
        for z in self.zones:
            if z.name == name:
                return z
        raise InputError("zone", name, "one of: " + ", ".join(z.name for z in self.zones))

    def describe(self) -> list[dict[str, Any]]:
        """The zones as plain dicts (for ``reservoir.json``)."""
        out = []
        for z in self.zones:
            out.append({
                "name": z.name,
                "area_km2": z.area_km2,
                "thickness_m": z.thickness_m,
                "specific_yield": z.specific_yield,
                "pumped_share": self.pumped.get(z.name, 0.0),
                "initial_brine": z.catalogue or "inline",
            })  # fmt: skip
        return out
