"""Scenario files (TOML): site, brine and pumping rate, units, streams and their fates.

Validated with pydantic; an error names the field, the value, and the line of the file where
the offending table starts. See ``docs/scenarios.md`` for the format.
"""

from __future__ import annotations

import re
import tomllib
from importlib.resources import files
from pathlib import Path
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from brineworks.errors import InputError

__all__ = [
    "BrineSpec",
    "Scenario",
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


class UnitSpec(_Strict):
    """One unit: its name, kind and options."""

    name: str
    kind: str
    params: dict[str, float] = Field(default_factory=dict)
    stages: list[tuple[str, str]] | None = None
    site: str | None = None
    fractions: dict[str, float] | None = None
    inlets: int | None = None
    to_top: dict[str, float] | None = None
    reaction: str | None = None
    reagent: str | None = None
    until: str | None = None


class StreamSpec(_Strict):
    """A stream from ``unit.port`` (or the pumped brine, ``"brine"``) to ``unit.port``, or
    leaving the park with a fate."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    name: str
    source: str = Field(alias="from")
    to: str | None = None
    fate: Fate | None = None

    @field_validator("fate")
    @classmethod
    def _fate_only_for_products(cls, v: Fate | None) -> Fate | None:
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
    backend: Literal["phreeqc", "native"] = "phreeqc"
    source_file: str = ""

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
        """Cross-field checks: unique names, fates on every leaving stream, no double use."""
        names = [u.name for u in self.units]
        for n in names:
            if names.count(n) > 1:
                raise InputError("units.name", n, "unique unit names")
        seen_from: dict[str, str] = {}
        seen_to: dict[str, str] = {}
        for s in self.streams:
            if s.to is None and s.fate is None:
                raise InputError(
                    f"streams.{s.name}.fate", None, "a fate for a stream leaving the park"
                )
            if s.to is not None and s.fate is not None:
                raise InputError(f"streams.{s.name}.fate", s.fate, "no fate on a stream to a unit")
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
        loc = ".".join(str(x) for x in err["loc"])
        line = _line_of(text, err["loc"])
        where = f" ({origin}, line {line})" if line else f" ({origin})"
        value = err.get("input")
        if err.get("type") == "missing":
            value = None
        elif isinstance(value, dict | list):
            value = _summary(value)
        raise InputError(loc + where, value, err["msg"]) from None
    try:
        scenario.check_structure()
        check_references(scenario)
    except InputError as exc:
        line = _line_of_field(text, exc.field)
        where = f" ({origin}, line {line})" if line else f" ({origin})"
        raise InputError(exc.field + where, exc.value, exc.allowed) from None
    return scenario


def _ports(spec: UnitSpec) -> tuple[tuple[str, ...] | None, tuple[str, ...] | None]:
    """(inlets, outlets) of a unit as the scenario declares it; ``None`` where the ports are
    only known once the unit is built."""
    import brineworks.process.units  # noqa: F401  (registers the unit kinds)
    from brineworks.process.unit import unit_types

    cls = unit_types()[spec.kind]
    inlets: tuple[str, ...] | None = tuple(cls.inlets) or None
    outlets: tuple[str, ...] | None = tuple(cls.outlets) or None
    if spec.kind == "mixer":
        inlets = tuple(f"in{i}" for i in range(1, (spec.inlets or 2) + 1))
    elif spec.kind == "splitter":
        outlets = tuple(spec.fractions or ()) or None
    elif spec.kind == "ponds" and spec.stages:
        outlets = (*(f"salt_{n}" for n, _ in spec.stages), "seepage", "vapour", "brine_out")
    return inlets, outlets


def check_references(scenario: Scenario) -> None:
    """Every name a scenario refers to exists, before anything is solved: unit kinds, the
    units and ports of each stream, sites, pond stages and stop conditions, the design specs'
    splitters, outlets, streams and units, the baseline.

    Raises
    ------
    InputError
        Naming the field (``streams.NAME.to``, ``specs.NAME.vary`` …), the value and what
        would be allowed.
    """
    import brineworks.process.units  # noqa: F401  (registers the unit kinds)
    from brineworks.chemistry.evaporation import parse_stop
    from brineworks.climate import sites
    from brineworks.process.unit import unit_types

    kinds = unit_types()
    units = {u.name: u for u in scenario.units}
    ports: dict[str, tuple[tuple[str, ...] | None, tuple[str, ...] | None]] = {}
    for u in scenario.units:
        if u.kind not in kinds:
            raise InputError(f"units.{u.name}.kind", u.kind, "one of " + ", ".join(sorted(kinds)))
        if u.site is not None and u.site not in sites():
            raise InputError(f"units.{u.name}.site", u.site, "one of " + ", ".join(sites()))
        if u.stages is not None:
            names = [n for n, _ in u.stages]
            for k, (stage, until) in enumerate(u.stages):
                if not stage.strip():
                    raise InputError(f"units.{u.name}.stages", stage, "a name for each pond")
                if names.index(stage) != k:
                    raise InputError(
                        f"units.{u.name}.stages", stage, "a distinct name for each pond"
                    )
                try:
                    parse_stop(until)
                except InputError as exc:
                    raise InputError(f"units.{u.name}.stages.{stage}", until, exc.allowed) from None
        if u.until is not None:
            try:
                parse_stop(u.until)
            except InputError as exc:
                raise InputError(f"units.{u.name}.until", u.until, exc.allowed) from None
        ports[u.name] = _ports(u)

    def end(text: str, field: str, side: int) -> None:
        unit, sep, port = text.partition(".")
        if not sep or unit not in units:
            raise InputError(
                field, text, "'unit.port' with a unit of this scenario: " + ", ".join(units)
            )
        known = ports[unit][side]
        if known is not None and port not in known:
            label = "inlets" if side == 0 else "outlets"
            raise InputError(field, text, f"one of {unit}'s {label}: {', '.join(known)}")

    stream_names = [s.name for s in scenario.streams]
    feeds = []
    for st in scenario.streams:
        if stream_names.count(st.name) > 1:
            raise InputError(f"streams.{st.name}", st.name, "a distinct name for each stream")
        if st.source == "brine":
            feeds.append(st.name)
            if st.to is None:
                raise InputError(
                    f"streams.{st.name}.to", None, "a unit inlet for the pumped brine ('unit.port')"
                )
        else:
            end(st.source, f"streams.{st.name}.from", 1)
        if st.to is not None:
            end(st.to, f"streams.{st.name}.to", 0)
    if len(feeds) != 1:
        raise InputError("streams.from", feeds, "exactly one stream from 'brine'")
    for sp in scenario.specs:
        unit_name, _, outlet = sp.vary.rpartition(".")
        unit = units.get(unit_name)
        if unit is None or unit.kind != "splitter" or outlet not in (unit.fractions or {}):
            splitters = [
                f"{u.name}.{o}" for u in scenario.units if u.kind == "splitter"
                for o in (u.fractions or {})
            ]  # fmt: skip
            raise InputError(
                f"specs.{sp.name}.vary", sp.vary, "'splitter.outlet': " + ", ".join(splitters)
            )
        assert unit is not None
        if sp.absorb not in (unit.fractions or {}) or sp.absorb == outlet:
            others = [o for o in (unit.fractions or {}) if o != outlet]
            raise InputError(
                f"specs.{sp.name}.absorb", sp.absorb, f"another outlet of {unit_name}: "
                + ", ".join(others)
            )  # fmt: skip
        if sp.supply not in stream_names:
            raise InputError(f"specs.{sp.name}.supply", sp.supply, "a stream of the scenario")
        demand_unit, sep, utility = sp.demand.partition(": ")
        if not sep or not utility or demand_unit not in units:
            raise InputError(
                f"specs.{sp.name}.demand", sp.demand, "'unit: utility' with a unit of this scenario"
            )
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
