"""Parse chemical formulas as PHREEQC writes them (``KMgCl3:6H2O``, ``Mg(OH)2``, ``SO4-2``)."""

from __future__ import annotations

import re
from functools import lru_cache

from brineworks.chemistry.ions import atomic_weights

__all__ = ["formula_mass", "parse_formula", "species_charge"]

_TOKEN = re.compile(r"([A-Z][a-z]?)|(\()|(\))|(\d+(?:\.\d+)?)")


def _strip_charge(formula: str) -> str:
    return re.sub(r"[+-]\d*$", "", formula.strip())


def species_charge(species: str) -> int:
    """Charge of a PHREEQC species name: ``"SO4-2"`` → -2, ``"Na+"`` → 1, ``"CaSO4"`` → 0."""
    m = re.search(r"([+-])(\d*)$", species.strip())
    if not m:
        return 0
    n = int(m.group(2)) if m.group(2) else 1
    return n if m.group(1) == "+" else -n


def parse_formula(formula: str) -> dict[str, float]:
    """Element counts of a formula.

    Hydrate water after ``:`` and parenthesised groups are expanded; a trailing charge and a
    ``(g)`` or ``(s)`` suffix are ignored.

    Examples
    --------
    >>> parse_formula("KMgCl3:6H2O") == {"K": 1, "Mg": 1, "Cl": 3, "H": 12, "O": 6}
    True
    >>> parse_formula("Mg(OH)2") == {"Mg": 1, "O": 2, "H": 2}
    True
    """
    return dict(_parse_cached(formula))


@lru_cache(maxsize=4096)
def _parse_cached(formula: str) -> dict[str, float]:
    """parse_formula's work, done once per formula (callers get a copy)."""
    text = re.sub(r"\((g|s|aq)\)$", "", formula.strip())
    total: dict[str, float] = {}
    for part in _strip_charge(text).split(":"):
        m = re.match(r"^(\d+(?:\.\d+)?)(.*)$", part)
        mult, body = (float(m.group(1)), m.group(2)) if m else (1.0, part)
        for el, n in _parse_group(body).items():
            total[el] = total.get(el, 0.0) + n * mult
    return total


def _parse_group(text: str) -> dict[str, float]:
    stack: list[dict[str, float]] = [{}]
    last: dict[str, float] | None = None
    last_el: str | None = None
    pos = 0
    for m in _TOKEN.finditer(text):
        if m.start() != pos:
            raise ValueError(f"cannot parse formula {text!r} at {text[pos:]!r}")
        pos = m.end()
        el, opening, closing, number = m.groups()
        if el:
            stack[-1][el] = stack[-1].get(el, 0.0) + 1
            last, last_el = None, el
        elif opening:
            stack.append({})
            last, last_el = None, None
        elif closing:
            group = stack.pop()
            for k, v in group.items():
                stack[-1][k] = stack[-1].get(k, 0.0) + v
            last, last_el = group, None
        elif number:
            n = float(number)
            if last_el is not None:
                stack[-1][last_el] += n - 1
            elif last is not None:
                for k, v in last.items():
                    stack[-1][k] += v * (n - 1)
            last, last_el = None, None
    if pos != len(text) or len(stack) != 1:
        raise ValueError(f"cannot parse formula {text!r}")
    return stack[0]


def formula_mass(formula: str) -> float:
    """Molar mass of a formula with IUPAC 2021 atomic weights. [kg/mol]"""
    weights = atomic_weights()
    counts = parse_formula(formula)
    missing = sorted(set(counts) - set(weights))
    if missing:
        raise KeyError(f"no atomic weight for {', '.join(missing)} in {formula!r}")
    return sum(weights[el] * n for el, n in counts.items()) / 1000.0
