"""Scenario files (TOML): site, brine and pumping rate, units, streams and their fates.

Validated with pydantic; an error names the field, the value, and the line of the file where
the offending table starts. Each ``[[units]]`` table is validated by the options model of its
kind (the unit registry decides what exists), and every reference — stream ends, ports, design
specs, the backend — is checked before anything is solved. See ``docs/scenarios.md``.
"""

from __future__ import annotations

import re
import tomllib
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal, Union

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

import brineworks.process.units  # noqa: F401  (registers every unit kind)
from brineworks.chemistry.backend import available_backends
from brineworks.ensemble.spec import UncertainSpec
from brineworks.errors import InputError
from brineworks.process.stream import known_component
from brineworks.process.unit import UnitOptions, unit_types, validation_message
from brineworks.resource.spec import ReservoirSpec

__all__ = [
    "STOCKPILE",
    "BrineSpec",
    "DesignSpec",
    "Scenario",
    "StockpileSpec",
    "StreamSpec",
    "UnitSpec",
    "builtin_scenarios",
    "check_references",
    "load_scenario",
]

Fate = Literal["product", "reuse", "returned", "waste", "emission"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    @field_validator("name", check_fields=False)
    @classmethod
    def _printable_name(cls, v: str) -> str:
        """Names of units, streams and specs are labels: not empty, no control characters."""
        if not v.strip() or any(ord(c) < 0x20 or 0x7F <= ord(c) < 0xA0 for c in v):
            raise ValueError("a name: not empty, without control characters")
        return v


class BrineSpec(_Strict):
    """The pumped brine: a catalogue name (or an inline analysis) and its flow."""

    catalogue: str | None = None
    unit: str | None = None
    composition: dict[str, float] | None = None
    density_g_cm3: float | None = None
    balance_on: str | None = None
    temperature_c: float = 25.0
    flow_m3_per_yr: float = Field(gt=0)

    @model_validator(mode="after")
    def _one_brine(self) -> BrineSpec:
        """A catalogue brine or an inline analysis, never both; a known catalogue name; a
        finite flow within the pond train's bounds; a temperature of the database."""
        import math

        from brineworks.chemistry.brine import catalogue

        inline = {
            k: getattr(self, k)
            for k in ("unit", "composition", "density_g_cm3", "balance_on")
            if getattr(self, k) is not None
        }
        if self.catalogue is not None and inline:
            raise ValueError(
                f"either catalogue = {self.catalogue!r} or an inline analysis "
                f"({', '.join(inline)}), not both"
            )
        if self.catalogue is None and (self.unit is None or self.composition is None):
            raise ValueError("catalogue = NAME, or an inline analysis: unit and composition")
        if self.catalogue is not None:
            slugs = [e.slug for e in catalogue()]
            if self.catalogue not in slugs and self.catalogue not in [e.name for e in catalogue()]:
                raise ValueError(
                    f"catalogue {self.catalogue!r} is not a built-in brine: " + ", ".join(slugs)
                )
        if not (math.isfinite(self.flow_m3_per_yr) and 1.0 <= self.flow_m3_per_yr <= 1e10):
            raise ValueError("flow_m3_per_yr must be a finite flow of 1 to 1e10 m³/yr")
        if not (math.isfinite(self.temperature_c) and 0.0 <= self.temperature_c <= 100.0):
            raise ValueError("temperature_c must be 0 to 100 °C (the database's range)")
        return self


if TYPE_CHECKING:
    UnitSpec = UnitOptions
else:
    UnitSpec = Annotated[
        Union[tuple(cls.Options for cls in unit_types().values())],  # noqa: UP007
        Field(discriminator="kind"),
    ]
"""One unit: the options model of its kind (a union discriminated on ``kind``)."""


STOCKPILE = "stockpile:"
"""Prefix of a stream drawn from a stockpile: ``from = "stockpile:<name>"``."""


class StreamSpec(_Strict):
    """A stream from ``unit.port`` (or the pumped brine, ``"brine"``, or a stockpile,
    ``"stockpile:<name>"``) to ``unit.port``, or leaving the park with a fate.

    ``byproduct = true`` marks a stream of solid by-product put to use by a plant of the park
    (halite to soda ash, bischofite to magnesium): it counts as solid waste generated *and*
    utilised in the solid-waste comprehensive utilisation rate.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    name: str = Field(min_length=1)
    source: str = Field(alias="from", min_length=1)
    to: str | None = None
    fate: Fate | None = None
    byproduct: bool = False


class StockpileSpec(_Strict):
    """A pile of solid by-product beside the lake: its size when the park starts, what it is
    made of, the waste stream that adds to it and what the park draws from it (a stream
    ``from = "stockpile:<name>"``).

    Attributes
    ----------
    name
        Its name.
    material
        Composition by mass fraction of components (e.g. ``{ Bischofite = 1.0 }``). [-]
    initial_t
        Its size when the park starts. [t]
    inflow
        The stream (fate ``waste``) that adds to it, if any.
    draw_t_per_yr
        What the park takes from it (the flow of the stream drawn from it). [t/yr]
    source
        Where the initial size comes from.
    """

    name: str = Field(min_length=1)
    material: dict[str, float] = Field(min_length=1)
    initial_t: float = Field(ge=0)
    inflow: str | None = None
    draw_t_per_yr: float = Field(default=0.0, ge=0)
    source: str = ""

    @field_validator("material")
    @classmethod
    def _fractions(cls, v: dict[str, float]) -> dict[str, float]:
        for comp, f in v.items():
            if not known_component(comp):
                raise ValueError(f"{comp!r} is not a component Brineworks knows")
            if not 0 < f <= 1:
                raise ValueError(f"material.{comp} = {f!r}: a mass fraction in (0, 1]")
        if abs(sum(v.values()) - 1.0) > 1e-9:
            raise ValueError(f"mass fractions summing to 1, got {sum(v.values()):.6g}")
        return v


class DesignSpec(_Strict):
    """Size a plant by what it must supply: vary a splitter outlet's fraction until the
    ``supply`` stream carries exactly what the ``demand`` utility consumes.

    ``vary`` is ``"splitter.outlet"``; ``absorb`` is the outlet of the same splitter that takes
    up the difference; ``demand`` is a utility as ``"unit: utility"`` (e.g.
    ``"carbonation: soda ash"``); the flows compared are those of the components the utility
    carries.
    """

    name: str
    vary: str
    absorb: str
    supply: str
    demand: str


class Scenario(_Strict):
    """A validated scenario."""

    name: str
    description: str = ""
    site: str
    brine: BrineSpec
    units: list[UnitSpec]
    streams: list[StreamSpec]
    baseline: str | None = None
    specs: list[DesignSpec] = Field(default_factory=list)
    stockpiles: list[StockpileSpec] = Field(default_factory=list)
    backend: str = "phreeqc"
    reservoir: ReservoirSpec | None = None
    uncertain: list[UncertainSpec] = Field(default_factory=list)
    source_file: str = ""
    lang: Literal["zh", "en"] | None = None

    @field_validator("backend")
    @classmethod
    def _registered_backend(cls, v: str) -> str:
        if v not in available_backends():
            raise ValueError(f"a registered backend: {', '.join(available_backends())}")
        return v

    @property
    def feed_stream(self) -> str:
        """The one stream from the pumped brine."""
        return next(s.name for s in self.streams if s.source == "brine")

    @field_validator("name")
    @classmethod
    def _name_is_a_label(cls, v: str) -> str:
        """A scenario's name labels the run; it never becomes a path (no separators, no
        '..', no control characters)."""
        text = v.strip()
        if (
            not text
            or len(text) > 100
            or any(c in text for c in "/\\")
            or text in (".", "..")
            or any(ord(c) < 0x20 or ord(c) == 0x7F for c in text)
        ):
            raise ValueError(
                "name must be a label of 1 to 100 characters without / or \\, '.', '..' or "
                "control characters (it names the run, never a path)"
            )
        return v

    @field_validator("site")
    @classmethod
    def _known_site(cls, v: str) -> str:
        from brineworks.climate import sites

        if v not in sites():
            raise ValueError(f"site {v!r} has no climate data; known sites: {', '.join(sites())}")
        return v

    def check_structure(self) -> None:
        """Cross-field checks before anything is solved: unique unit names, every stream end a
        port of a unit of the scenario, every port connected once, fates on every leaving
        stream, one stream from the brine, design specs naming real splitters, streams and
        units.

        Raises
        ------
        InputError
            Naming the first reference that is wrong.
        """
        names = [u.name for u in self.units]
        for n in names:
            if names.count(n) > 1:
                raise InputError("units.name", n, "unique unit names")
        for st in self.streams:
            if st.source == "brine" and st.to is None:
                raise InputError(
                    f"streams.{st.name}.to", None, "a unit inlet for the pumped brine ('unit.port')"
                )
        kinds = unit_types()
        ports = {u.name: kinds[u.kind].ports(u) for u in self.units}
        piles = {p.name: p for p in self.stockpiles}
        fates = {s.name: s.fate for s in self.streams}
        for p in self.stockpiles:
            if len([q for q in self.stockpiles if q.name == p.name]) > 1:
                raise InputError("stockpiles.name", p.name, "unique stockpile names")
            if p.inflow is not None and fates.get(p.inflow) != "waste":
                raise InputError(
                    f"stockpiles.{p.name}.inflow",
                    p.inflow,
                    "a stream of the scenario with fate waste",
                )
            drawn = [s.name for s in self.streams if s.source == STOCKPILE + p.name]
            if (p.draw_t_per_yr > 0) != bool(drawn):
                raise InputError(
                    f"stockpiles.{p.name}.draw_t_per_yr", p.draw_t_per_yr,
                    f"above 0 exactly when a stream is drawn from it ('from = "
                    f"\"{STOCKPILE}{p.name}\"'; drawn by: {drawn or 'none'})",
                )  # fmt: skip
        seen_from: dict[str, str] = {}
        seen_to: dict[str, str] = {}
        for s in self.streams:
            if s.to is None and s.fate is None:
                raise InputError(
                    f"streams.{s.name}.fate", None, "a fate for a stream leaving the park"
                )
            if s.to is not None and s.fate is not None:
                raise InputError(f"streams.{s.name}.fate", s.fate, "no fate on a stream to a unit")
            if s.byproduct and s.to is None:
                raise InputError(
                    f"streams.{s.name}.byproduct", True, "only on a stream into a unit of the park"
                )
            if s.source in seen_from and s.source != "brine":
                raise InputError(
                    f"streams.{s.name}.from",
                    s.source,
                    f"a port not already used by stream {seen_from[s.source]!r}",
                )
            seen_from[s.source] = s.name
            if s.to is not None:
                if s.to in seen_to:
                    raise InputError(
                        f"streams.{s.name}.to",
                        s.to,
                        f"a port not already fed by stream {seen_to[s.to]!r}",
                    )
                seen_to[s.to] = s.name
        for s in self.streams:
            for end, side, field in ((s.source, 1, "from"), (s.to, 0, "to")):
                if end is None or (field == "from" and end == "brine"):
                    continue
                if field == "from" and end.startswith(STOCKPILE):
                    if end.removeprefix(STOCKPILE) not in piles:
                        raise InputError(
                            f"streams.{s.name}.from", end, "a stockpile: " + ", ".join(piles)
                        )
                    continue
                unit, sep, port = end.rpartition(".")
                if not sep or unit not in ports:
                    raise InputError(
                        f"streams.{s.name}.{field}", end, "'unit.port' with a unit of the scenario"
                    )
                if port not in ports[unit][side]:
                    what = "outlets" if side else "inlets"
                    raise InputError(
                        f"streams.{s.name}.{field}", end,
                        f"one of {unit}'s {what}: {', '.join(ports[unit][side])}",
                    )  # fmt: skip
        for unit, (inlets, outlets) in ports.items():
            for port in inlets:
                if f"{unit}.{port}" not in seen_to:
                    raise InputError(f"{unit}.{port}", None, "a stream into every inlet")
            for port in outlets:
                if f"{unit}.{port}" not in seen_from:
                    raise InputError(f"{unit}.{port}", None, "a stream on every outlet")
        feeds = [s.name for s in self.streams if s.source == "brine"]
        if len(feeds) != 1:
            raise InputError("streams.from", feeds, "exactly one stream from 'brine'")
        self._check_specs(ports)

    def _check_specs(self, ports: dict[str, tuple[tuple[str, ...], tuple[str, ...]]]) -> None:
        kinds = {u.name: u.kind for u in self.units}
        unit_kinds = unit_types()
        streams = {s.name for s in self.streams}
        for spec in self.specs:
            unit, _, outlet = spec.vary.rpartition(".")
            if kinds.get(unit) != "splitter" or outlet not in ports[unit][1]:
                raise InputError(f"specs.{spec.name}.vary", spec.vary, "'splitter.outlet'")
            if spec.absorb not in ports[unit][1] or spec.absorb == outlet:
                raise InputError(
                    f"specs.{spec.name}.absorb", spec.absorb,
                    f"another outlet of {unit}: {', '.join(ports[unit][1])}",
                )  # fmt: skip
            if spec.supply not in streams:
                raise InputError(
                    f"specs.{spec.name}.supply", spec.supply, "a stream of the scenario"
                )
            known = [f"{u.name}: {n}" for u in self.units for n in unit_kinds[u.kind].utilities(u)]
            if spec.demand not in known:
                raise InputError(
                    f"specs.{spec.name}.demand", spec.demand, "a utility: " + ", ".join(known)
                )


def builtin_scenarios() -> dict[str, str]:
    """Built-in scenario names → TOML text."""
    root = files("brineworks.data").joinpath("scenarios")
    return {
        p.name.removesuffix(".toml"): p.read_text("utf-8")
        for p in root.iterdir()
        if p.name.endswith(".toml")
    }


def load_scenario(spec: str | Path) -> Scenario:
    """A built-in scenario by name, or a scenario TOML file.

    Raises
    ------
    InputError
        Naming the field, the value, what is allowed and the line of the table in the file.
    """
    builtin = builtin_scenarios()
    allowed = "a built-in scenario (" + ", ".join(builtin) + ") or a .toml file"
    if not isinstance(spec, str | Path) or not str(spec).strip():
        raise InputError("SCENARIO", spec if spec is None or isinstance(spec, str) else
                         type(spec).__name__, allowed)  # fmt: skip
    if isinstance(spec, str) and spec in builtin:
        text, origin = builtin[spec], f"built-in {spec}"
    else:
        from brineworks.io import read_text

        path = Path(spec)
        if not path.exists() and not path.is_symlink():
            raise InputError("SCENARIO", str(spec), allowed)
        text, origin = read_text(path, "SCENARIO"), str(path)
    try:
        data: dict[str, Any] = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(origin, "TOML", f"valid TOML ({exc})") from None
    try:
        scenario = Scenario.model_validate({**data, "source_file": origin})
    except ValidationError as exc:
        err = exc.errors()[0]
        raw = tuple(err["loc"])
        value, msg = err.get("input"), validation_message(err["msg"])
        if err["type"] == "union_tag_invalid":  # an unknown unit kind
            raw = (*raw, "kind")
            value = err.get("ctx", {}).get("tag")
            msg = "a unit kind: " + ", ".join(sorted(unit_types()))
        # units.3.ponds.site → units.3.site: the union's tag is the unit's own kind
        if (
            len(raw) > 2
            and raw[0] == "units"
            and isinstance(raw[1], int)
            and raw[2] in unit_types()
        ):
            raw = (*raw[:2], *raw[3:])
        line = _line_of(text, raw)
        shown = list(raw)
        units = data.get("units")
        if (
            len(raw) > 1
            and raw[0] == "units"
            and isinstance(raw[1], int)
            and isinstance(units, list)
        ):
            name = units[raw[1]].get("name") if isinstance(units[raw[1]], dict) else None
            if isinstance(name, str):
                shown[1] = name
        loc = ".".join(str(x) for x in shown)
        where = f" ({origin}, line {line})" if line else f" ({origin})"
        if err.get("type") == "missing":
            value = None
        elif isinstance(value, dict | list):
            value = _summary(value)
        raise InputError(loc + where, value, msg) from None
    try:
        scenario.check_structure()
        check_references(scenario)
    except InputError as exc:
        line = _line_of_field(text, exc.field)
        where = f" ({origin}, line {line})" if line else f" ({origin})"
        raise InputError(exc.field + where, exc.value, exc.allowed) from None
    return scenario


def check_references(scenario: Scenario) -> None:
    """What :meth:`Scenario.check_structure` does not cover, before anything is solved: one
    name per stream and a baseline that exists.

    Raises
    ------
    InputError
        Naming the field, the value and what would be allowed.
    """
    names = [s.name for s in scenario.streams]
    for st in scenario.streams:
        if names.count(st.name) > 1:
            raise InputError(f"streams.{st.name}", st.name, "a distinct name for each stream")
    if scenario.baseline is not None and scenario.baseline != scenario.name:
        base = scenario.baseline
        if base not in builtin_scenarios() and not Path(base).is_file():
            raise InputError(
                "baseline", base, "a built-in scenario (" + ", ".join(builtin_scenarios())
                + ") or a scenario file"
            )  # fmt: skip


def _line_of_field(text: str, field: str) -> int | None:
    """Line (1-based) of the table a check names as ``units.NAME...``, ``streams.NAME...``
    or ``specs.NAME...``, and of its key where the field names one."""
    lines = text.splitlines()
    for table in ("units", "streams", "specs"):
        if not field.startswith(table + "."):
            continue
        rest = field[len(table) + 1 :]
        headers = [i for i, line in enumerate(lines) if line.strip() == f"[[{table}]]"]
        for k, start in enumerate(headers):
            stop = headers[k + 1] if k + 1 < len(headers) else len(lines)
            for i in range(start + 1, stop):
                m = re.match(r'^\s*name\s*=\s*"(.*)"\s*(#.*)?$', lines[i])
                if m and (rest == m.group(1) or rest.startswith(m.group(1) + ".")):
                    key = rest[len(m.group(1)) + 1 :].split(".")[0]
                    key = {"source": "from"}.get(key, key)
                    for j in range(start + 1, stop):
                        if key and re.match(rf"^\s*{re.escape(key)}\s*=", lines[j]):
                            return j + 1
                    return start + 1
    head = field.split(".")[0]
    for i, line in enumerate(lines):
        if re.match(rf"^\s*{re.escape(head)}\s*=", line) or line.strip() == f"[{head}]":
            return i + 1
    return None


def _summary(value: dict[str, Any] | list[Any]) -> str:
    """A table or list named by its keys or length, not dumped."""
    if isinstance(value, dict):
        keys = ", ".join(str(k) for k in list(value)[:8])
        return f"a table with {keys}" + (", ..." if len(value) > 8 else "")
    return f"a list of {len(value)}"


def _line_of(text: str, loc: tuple[Any, ...]) -> int | None:
    """Line (1-based) of the key a validation error points at, or of its table."""
    if not loc:
        return None
    lines = text.splitlines()
    head = str(loc[0])
    rest = list(loc[1:])
    start: int | None = None
    if rest and isinstance(rest[0], int):
        headers = [i for i, line in enumerate(lines) if line.strip() == f"[[{head}]]"]
        if rest[0] < len(headers):
            start = headers[rest[0]]
        rest = rest[1:]
    else:
        for i, line in enumerate(lines):
            if line.strip() == f"[{head}]":
                start = i
                break
        else:
            for i, line in enumerate(lines):
                if re.match(rf"^\s*{re.escape(head)}\s*=", line):
                    return i + 1
    if start is None:
        return None
    if rest and isinstance(rest[0], str):
        key = rest[0] if rest[0] != "source" else "from"
        for i in range(start + 1, len(lines)):
            if lines[i].lstrip().startswith("["):
                break
            if re.match(rf"^\s*{re.escape(key)}\s*=", lines[i]):
                return i + 1
    return start + 1
