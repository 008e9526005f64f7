"""The Brineworks thermodynamic database: PHREEQC's ``pitzer.dat`` plus a lithium extension.

The extension is generated from two data files, one row per fact with its source:

* ``data/thermo/phases.csv`` — solids added to ``pitzer.dat`` (lithium salts) and corrections
  to its phases (arcanite), each with log K at 25 °C and, where fitted, a PHREEQC
  ``-analytical_expression``;
* ``data/thermo/pitzer.csv`` — Pitzer interaction parameters involving Li+ (θ, ψ) with the
  temperature function PHREEQC uses, ``P(T) = A0 + A1(1/T − 1/Tr) + A2 ln(T/Tr) + A3(T − Tr)
  + A4(T² − Tr²)``, Tr = 298.15 K.

Nothing here touches the file system outside the installed package.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from importlib.resources import files

from brineworks.chemistry.formula import formula_mass, parse_formula
from brineworks.data import read_rows

__all__ = ["Database", "PhaseRow", "PitzerRow", "load_phase_rows", "load_pitzer_rows"]

_KEYWORD = re.compile(r"^[A-Z][A-Z0-9_]+\s*$")


@dataclass(frozen=True)
class PhaseRow:
    """One solid of the extension (``data/thermo/phases.csv``)."""

    phase: str
    reaction: str
    log_k: float
    analytic: tuple[float, ...]
    t_min_c: float
    t_max_c: float
    action: str
    source: str
    status: str
    note: str

    def block(self) -> str:
        """The PHREEQC ``PHASES`` entry of this row."""
        lines = [self.phase, f"\t{self.reaction}", f"\tlog_k {self.log_k:.6g}"]
        if self.analytic:
            coeffs = " ".join(f"{c:.10g}" for c in self.analytic)
            lines.append(f"\t-analytical_expression {coeffs}")
        lines.append(f"\t# Brineworks: {self.source}")
        return "\n".join(lines)


@dataclass(frozen=True)
class PitzerRow:
    """One Pitzer parameter of the extension (``data/thermo/pitzer.csv``)."""

    kind: str
    species: tuple[str, ...]
    coefficients: tuple[float, ...]
    t_min_c: float
    t_max_c: float
    source: str
    status: str
    note: str

    def line(self) -> str:
        """The PHREEQC ``PITZER`` line of this row (without the ``-KIND`` header)."""
        coeffs = " ".join(f"{c:.8g}" for c in self.coefficients)
        return f"  {' '.join(self.species)}  {coeffs}  # {self.source}"


def load_phase_rows() -> tuple[PhaseRow, ...]:
    """Rows of ``data/thermo/phases.csv``."""
    out = []
    for r in read_rows("thermo", "phases.csv"):
        analytic = tuple(float(r[f"a{i}"]) if r[f"a{i}"].strip() else 0.0 for i in range(1, 7))
        if not any(analytic):
            analytic = ()
        out.append(
            PhaseRow(
                phase=r["phase"],
                reaction=r["reaction"],
                log_k=float(r["log_k_25c"]),
                analytic=analytic,
                t_min_c=float(r["t_min_c"]),
                t_max_c=float(r["t_max_c"]),
                action=r["action"],
                source=r["source"],
                status=r["status"],
                note=r["note"],
            )
        )
    return tuple(out)


def load_pitzer_rows() -> tuple[PitzerRow, ...]:
    """Rows of ``data/thermo/pitzer.csv``."""
    out = []
    for r in read_rows("thermo", "pitzer.csv"):
        coeffs = [float(r[f"a{i}"]) if r[f"a{i}"].strip() else 0.0 for i in range(5)]
        while len(coeffs) > 1 and coeffs[-1] == 0.0:
            coeffs.pop()
        out.append(
            PitzerRow(
                kind=r["kind"].upper(),
                species=tuple(r["species"].split()),
                coefficients=tuple(coeffs),
                t_min_c=float(r["t_min_c"]),
                t_max_c=float(r["t_max_c"]),
                source=r["source"],
                status=r["status"],
                note=r["note"],
            )
        )
    return tuple(out)


def _base_pitzer_dat() -> str:
    return files("phreeqc").joinpath("databases", "pitzer.dat").read_text(encoding="latin-1")


class Database:
    """A PHREEQC-format Pitzer database and what Brineworks needs to know about it.

    Parameters
    ----------
    text
        Full database text, as PHREEQC reads it.
    name
        Short name for messages.
    """

    def __init__(self, text: str, name: str = "custom") -> None:
        self.text = text
        self.name = name

    @classmethod
    def brineworks(cls, *, extension: bool = True) -> Database:
        """``pitzer.dat`` plus the Brineworks lithium extension (or ``pitzer.dat`` alone)."""
        base = _base_pitzer_dat()
        if not extension:
            return cls(base, "pitzer.dat")
        return cls(with_extension(base, extension_text()), "pitzer.dat+brineworks")

    # -------------------------------------------------------------- parsed content
    @cached_property
    def _blocks(self) -> dict[str, list[str]]:
        blocks: dict[str, list[str]] = {}
        current: str | None = None
        for raw in self.text.splitlines():
            line = raw.split("#", 1)[0].rstrip()
            if not line.strip():
                continue
            if _KEYWORD.match(line):
                current = line.strip()
                blocks.setdefault(current, [])
                continue
            if current is not None:
                blocks[current].append(line)
        return blocks

    @cached_property
    def phase_reactions(self) -> dict[str, str]:
        """Phase name → dissolution reaction, last definition wins (as in PHREEQC)."""
        out: dict[str, str] = {}
        name: str | None = None
        for line in self._blocks.get("PHASES", []):
            if not line[0].isspace():
                name = line.split()[0]
                continue
            stripped = line.strip()
            if name and "=" in stripped and not stripped.startswith("-"):
                out[name] = stripped
        return out

    @cached_property
    def phases(self) -> tuple[str, ...]:
        """Names of the solid phases (gases excluded)."""
        return tuple(
            p for p in self.phase_reactions if not p.endswith("(g)") and not p.startswith("Fix_")
        )

    @cached_property
    def phase_formulas(self) -> dict[str, dict[str, float]]:
        """Phase → element counts of its formula (the left side of the reaction)."""
        out = {}
        for phase, reaction in self.phase_reactions.items():
            formula = reaction.split("=")[0].split("+")[0].strip()
            try:
                out[phase] = parse_formula(formula)
            except ValueError:
                continue
        return out

    @cached_property
    def master_species(self) -> dict[str, tuple[str, float]]:
        """Element → (master species, gram formula weight [g/mol]) of ``SOLUTION_MASTER_SPECIES``.

        Redox states (``S(6)``) are left out; the weight is 0 where the database gives none.
        """
        out: dict[str, tuple[str, float]] = {}
        for line in self._blocks.get("SOLUTION_MASTER_SPECIES", []):
            parts = line.split()
            if len(parts) < 2 or "(" in parts[0]:
                continue
            try:
                weight = float(parts[4]) if len(parts) >= 5 else 0.0
            except ValueError:
                weight = 0.0
            out[parts[0]] = (parts[1], weight)
        return out

    def phase_molar_mass(self, phase: str) -> float:
        """Molar mass of a phase (parsed once per phase). [kg/mol]"""
        cache = self._molar_masses
        if phase not in cache:
            formula = self.phase_reactions[phase].split("=")[0].split("+")[0].strip()
            cache[phase] = formula_mass(formula)
        return cache[phase]

    @cached_property
    def _molar_masses(self) -> dict[str, float]:
        return {}

    @cached_property
    def _for_elements(self) -> dict[tuple[str, frozenset[str]], tuple[str, ...]]:
        return {}

    @cached_property
    def species(self) -> tuple[str, ...]:
        """Aqueous species defined in ``SOLUTION_SPECIES`` (the first product of each reaction)."""
        out: list[str] = []
        for line in self._blocks.get("SOLUTION_SPECIES", []):
            if line[0].isspace() or "=" not in line:
                continue
            product = line.split("=", 1)[1].split()[0]
            if product not in out and product not in ("e-", "H2O"):
                out.append(product)
        return tuple(out)

    @cached_property
    def species_elements(self) -> dict[str, frozenset[str]]:
        """Species → the elements it contains."""
        out = {}
        for sp in self.species:
            try:
                out[sp] = frozenset(parse_formula(sp))
            except ValueError:
                continue
        return out

    def species_for(self, elements: set[str]) -> tuple[str, ...]:
        """Species made only of ``elements`` plus H and O (remembered per set of elements)."""
        key = ("species", frozenset(elements))
        if key not in self._for_elements:
            allowed = set(elements) | {"H", "O"}
            self._for_elements[key] = tuple(
                sp for sp, els in self.species_elements.items() if els <= allowed
            )
        return self._for_elements[key]

    def phases_for(self, elements: set[str]) -> tuple[str, ...]:
        """Solid phases made only of ``elements`` plus H and O (remembered per set)."""
        key = ("phases", frozenset(elements))
        if key not in self._for_elements:
            allowed = set(elements) | {"H", "O"}
            self._for_elements[key] = tuple(
                p
                for p in self.phases
                if p in self.phase_formulas and set(self.phase_formulas[p]) <= allowed
            )
        return self._for_elements[key]


def with_extension(base: str, extension: str) -> str:
    """Insert ``extension`` into a database text before its first ``END``.

    PHREEQC stops reading a database at the first ``END``; a later block would be ignored.
    """
    match = re.search(r"^END\s*$", base, flags=re.MULTILINE)
    if match is None:
        return base + "\n" + extension
    return base[: match.start()] + extension + "\n" + base[match.start() :]


def extension_text(pitzer_overrides: dict[tuple[str, tuple[str, ...]], float] | None = None) -> str:
    """The PHREEQC text of the Brineworks extension (``PHASES`` and ``PITZER`` blocks).

    ``pitzer_overrides`` maps (kind, species) to a 25 °C value replacing that row's (used when
    fitting mixing parameters); a key not in the file is added.
    """
    parts = ["# ---- Brineworks lithium extension (generated from brineworks/data/thermo) ----"]
    phase_rows = load_phase_rows()
    if phase_rows:
        parts.append("PHASES")
        parts.extend(row.block() for row in phase_rows)
    pitzer_rows = list(load_pitzer_rows())
    for (kind, species), value in (pitzer_overrides or {}).items():
        row = PitzerRow(kind, species, (value,), 25.0, 25.0, "fit in progress", "fit", "")
        keys = [(r.kind, r.species) for r in pitzer_rows]
        if (kind, species) in keys:
            pitzer_rows[keys.index((kind, species))] = row
        else:
            pitzer_rows.append(row)
    if pitzer_rows:
        parts.append("PITZER")
        for kind in dict.fromkeys(r.kind for r in pitzer_rows):
            parts.append(f"-{kind}")
            parts.extend(r.line() for r in pitzer_rows if r.kind == kind)
    return "\n".join(parts) + "\n"
