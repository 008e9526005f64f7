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

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from brineworks.ensemble.spec import UncertainSpec
from brineworks.errors import InputError

__all__ = ["BrineSpec", "Scenario", "StreamSpec", "UnitSpec", "builtin_scenarios", "load_scenario"]

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
    uncertain: list[UncertainSpec] = Field(default_factory=list)
    source_file: str = ""

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
        loc = ".".join(str(x) for x in err["loc"])
        line = _line_of(text, err["loc"])
        where = f" ({origin}, line {line})" if line else f" ({origin})"
        raise InputError(loc + where, err.get("input"), err["msg"]) from None
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
