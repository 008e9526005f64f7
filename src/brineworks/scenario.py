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

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

import brineworks.process.units  # noqa: F401  (registers every unit kind)
from brineworks.chemistry.backend import available_backends
from brineworks.errors import InputError
from brineworks.process.unit import UnitOptions, unit_types, validation_message

__all__ = [
    "BrineSpec",
    "DesignSpec",
    "Scenario",
    "StreamSpec",
    "UnitSpec",
    "builtin_scenarios",
    "load_scenario",
]

Fate = Literal["product", "reuse", "returned", "waste", "emission"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class BrineSpec(_Strict):
    """The pumped brine: a catalogue name (or an inline analysis) and its flow."""

    catalogue: str | None = None
    unit: str | None = None
    composition: dict[str, float] | None = None
    density_g_cm3: float | None = None
    balance_on: str | None = None
    temperature_c: float = 25.0
    flow_m3_per_yr: float = Field(gt=0)


if TYPE_CHECKING:
    UnitSpec = UnitOptions
else:
    UnitSpec = Annotated[
        Union[tuple(cls.Options for cls in unit_types().values())],  # noqa: UP007
        Field(discriminator="kind"),
    ]
"""One unit: the options model of its kind (a union discriminated on ``kind``)."""


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
    backend: str = "phreeqc"
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
        kinds = unit_types()
        ports = {u.name: kinds[u.kind].ports(u) for u in self.units}
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
        for s in self.streams:
            for end, side, field in ((s.source, 1, "from"), (s.to, 0, "to")):
                if end is None or (field == "from" and end == "brine"):
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


def load_scenario(spec: str) -> Scenario:
    """A built-in scenario by name, or a scenario TOML file.

    Raises
    ------
    InputError
        Naming the field, the value, what is allowed and the line of the table in the file.
    """
    builtin = builtin_scenarios()
    if spec in builtin:
        text, origin = builtin[spec], f"built-in {spec}"
    else:
        path = Path(spec)
        if not path.exists():
            raise InputError(
                "SCENARIO", spec, "a built-in scenario (" + ", ".join(builtin) + ") or a .toml file"
            )
        text, origin = path.read_text(encoding="utf-8"), str(path)
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
        raise InputError(loc + where, value, msg) from None
    scenario.check_structure()
    return scenario


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
