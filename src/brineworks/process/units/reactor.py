"""Stoichiometric reactors: an overall reaction, a key reactant and its conversion.

Used for the park's chemical plants whose yields are set by the route rather than by brine
thermodynamics (bischofite dehydration, magnesium electrolysis, chlor-alkali, soda ash, VCM,
PVC). Reactions are read from ``data/process/reactions.csv`` with their sources; each is checked
to balance every element when loaded. Reactants named as *supplied* are bought in at the
stoichiometric amount (a utility); the others must come with the feed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache

from pydantic import field_validator

from brineworks.data import read_rows
from brineworks.errors import ChemistryError, InputError
from brineworks.process.stream import Stream, component_formula, component_molar_mass
from brineworks.process.unit import Assumption, SolveContext, Unit, UnitOptions, register_unit

__all__ = ["LIMITING", "Reaction", "Reactor", "parse_reaction", "reactions"]

LIMITING = "limiting"
"""Key of a reaction that runs until the first reactant of its feed is used up (times its
conversion), e.g. HCl synthesis fed by chlorine and hydrogen from several plants."""


@dataclass(frozen=True)
class Reaction:
    """A reaction of ``reactions.csv``: stoichiometric coefficients (negative for reactants)."""

    name: str
    coefficients: dict[str, float]
    key: str
    conversion: float
    supplied: tuple[str, ...]
    source: str
    status: str


def parse_reaction(text: str) -> dict[str, float]:
    """``"2 NaCl + 2 H2O -> 2 NaOH + Cl2 + H2"`` → coefficients, reactants negative.

    Raises
    ------
    InputError
        If the text is malformed or the reaction does not balance every element.
    """
    if "->" not in text:
        raise InputError("reaction", text, "'reactants -> products'")
    left, right = text.split("->")
    coeffs: dict[str, float] = {}
    for side, sign in ((left, -1.0), (right, 1.0)):
        for term in side.split(" + "):
            m = re.match(r"^\s*(\d+(?:\.\d+)?)?\s*(\S+)\s*$", term)
            if not m:
                raise InputError("reaction", text, "terms like '2 NaCl'")
            n = float(m.group(1)) if m.group(1) else 1.0
            coeffs[m.group(2)] = coeffs.get(m.group(2), 0.0) + sign * n
    balance: dict[str, float] = {}
    for comp, nu in coeffs.items():
        for el, c in component_formula(comp).items():
            balance[el] = balance.get(el, 0.0) + nu * c
    off = {el: v for el, v in balance.items() if abs(v) > 1e-12}
    if off:
        raise InputError("reaction", text, f"a balanced reaction (off by {off})")
    return coeffs


@cache
def reactions() -> dict[str, Reaction]:
    """Every reaction of ``data/process/reactions.csv`` (checked to balance)."""
    rows = read_rows("process", "reactions.csv")
    out = {}
    for r in rows:
        out[r["name"]] = Reaction(
            name=r["name"],
            coefficients=parse_reaction(r["reaction"]),
            key=r["key"],
            conversion=float(r["conversion"]),
            supplied=tuple(s for s in r["supplied"].split(";") if s),
            source=r["source"],
            status=r["status"],
        )
    return out


class ReactorOptions(UnitOptions):
    """``reaction``: the name of a reaction of ``data/process/reactions.csv``."""

    reaction: str

    @field_validator("reaction")
    @classmethod
    def _known(cls, v: str) -> str:
        if v not in reactions():
            raise ValueError(f"a reaction of reactions.csv: {', '.join(reactions())}")
        return v


@register_unit
class Reactor(Unit):
    """``in`` → ``out`` by one reaction of ``reactions.csv``. Options: ``reaction`` (e.g.
    ``"mg_electrolysis"``); its energy factors, cost and jobs are keyed by the reaction."""

    kind = "reactor"
    Options = ReactorOptions
    inlets = ("in",)
    outlets = ("out",)

    @classmethod
    def utilities(cls, options: UnitOptions) -> tuple[str, ...]:
        """The reactants its reaction buys in, ``"<component> (bought)"``."""
        assert isinstance(options, ReactorOptions)
        return tuple(f"{c} (bought)" for c in reactions()[options.reaction].supplied)

    def setup(self) -> None:
        assert isinstance(self.options, ReactorOptions)
        self.reaction = reactions()[self.options.reaction]

    @property
    def target(self) -> str:
        """Energy factors, cost and jobs of a reactor are keyed by its reaction."""
        return self.reaction.name

    def assumptions(self) -> tuple[Assumption, ...]:
        """The reaction's conversion, if it is an assumption."""
        rx = self.reaction
        if rx.status != "assumption":
            return ()
        return (Assumption(self.name, f"reaction {rx.name}", f"conversion {rx.conversion:g}",
                           rx.source),)  # fmt: skip

    def solve(self, inputs: Mapping[str, Stream], ctx: SolveContext) -> dict[str, Stream]:
        feed = inputs["in"]
        rx = self.reaction
        if rx.key == LIMITING:
            # the reactant of the feed that runs out first (others pass through unconverted)
            fed = [c for c, nu in rx.coefficients.items() if nu < 0 and c not in rx.supplied]
            extent = rx.conversion * min(
                feed.get(c) / component_molar_mass(c) / -rx.coefficients[c] for c in fed
            )
        else:
            nu_key = -rx.coefficients[rx.key]
            extent = rx.conversion * feed.get(rx.key) / component_molar_mass(rx.key) / nu_key
        supplied: dict[str, float] = {}
        for comp, nu in rx.coefficients.items():
            if nu >= 0 or comp == rx.key:
                continue
            need = -nu * extent * component_molar_mass(comp)
            if comp in rx.supplied:
                supplied[comp] = need
            elif feed.get(comp) < need * (1 - 1e-12):
                raise ChemistryError(
                    f"{self.name}: {rx.name} needs {need:.4g} kg/s of {comp}, the feed has "
                    f"{feed.get(comp):.4g}"
                )
        flows = dict(feed.flows)
        for comp, nu in rx.coefficients.items():
            change = nu * extent * component_molar_mass(comp)
            if comp in supplied:
                continue  # bought in and consumed
            flows[comp] = max(flows.get(comp, 0.0) + change, 0.0)
        ctx.utilities_in = {f"{c} (bought)": Stream({c: v}, feed.temperature)
                            for c, v in supplied.items() if v > 0}  # fmt: skip
        ctx.notes = [f"{rx.name}: {rx.status}, {rx.source}"]
        return {"out": Stream(flows, feed.temperature)}
