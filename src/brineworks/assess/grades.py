"""Product grades: each product's purity and main impurities on the dried product, checked
against its Chinese standard (``data/indicators/product_grades.csv``): agricultural KCl
(GB 6549-2011: K2O and moisture) and brine lithium carbonate (T/QHLM 01-2018: Li2CO3, Na, Mg,
Ca, K, B, SO4). The best grade whose every limit is met is the product's grade; a product that
meets none is reported below grade, with the limit it misses.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any

from brineworks.chemistry.ions import atomic_weights
from brineworks.data import read_rows
from brineworks.process.stream import Stream
from brineworks.simulate import SimulationResult

__all__ = ["composition", "grade", "product_grades", "standards"]

_M_K2O = 2 * 39.098 + 15.999  # g/mol, IUPAC 2021 (atomic_weights.csv)
_M_LI2CO3 = 2 * 6.94 + 12.011 + 3 * 15.999
_M_SO4 = 32.06 + 4 * 15.999


@cache
def standards() -> dict[str, dict[str, list[dict[str, str]]]]:
    """Grade limits by product, then grade (best first, as in the file)."""
    out: dict[str, dict[str, list[dict[str, str]]]] = {}
    for r in read_rows("indicators", "product_grades.csv"):
        out.setdefault(r["product"], {}).setdefault(r["grade"], []).append(r)
    return out


def composition(stream: Stream) -> dict[str, float]:
    """A product's composition in % by mass: water (``H2O``, of the product as sold) and, on
    the dry product, K2O, Li2CO3 and each impurity element or ion (Na, Mg, Ca, K, B, SO4)."""
    total = stream.total
    if total <= 0:
        return {}
    water = stream.get("H2O")
    dry = total - water
    w = atomic_weights()
    el = {k: n * w[k] / 1000.0 for k, n in stream.elements().items()}  # kg/s
    li2co3 = stream.get("Li2CO3") + stream.get("Zabuyelite")
    # the hydrogen and oxygen of the water are not impurities; those of B(OH)3 and SO4 are
    out = {
        "H2O": 100.0 * water / total,
        "K2O": 100.0 * el.get("K", 0.0) * _M_K2O / (2 * w["K"]) / dry if dry > 0 else 0.0,
        "Li2CO3": 100.0 * li2co3 / dry if dry > 0 else 0.0,
        "SO4": 100.0 * el.get("S", 0.0) * _M_SO4 / w["S"] / dry if dry > 0 else 0.0,
    }
    # impurities of a lithium carbonate: everything but its own Li, C and O
    li_own = li2co3 * 2 * w["Li"] / _M_LI2CO3
    for k in ("Na", "Mg", "Ca", "K", "B"):
        out[k] = 100.0 * el.get(k, 0.0) / dry if dry > 0 else 0.0
    out["Li_other"] = 100.0 * max(el.get("Li", 0.0) - li_own, 0.0) / dry if dry > 0 else 0.0
    return out


def grade(product: str, comp: Mapping[str, float]) -> dict[str, Any]:
    """The best grade of ``product`` whose limits ``comp`` meets, each limit checked."""
    checks = []
    met = None
    for name, rows in standards()[product].items():
        ok = True
        for r in rows:
            value = comp.get(r["parameter"], 0.0)
            limit = float(r["value"])
            passed = value >= limit if r["limit"] == "min" else value <= limit
            ok = ok and passed
            checks.append({
                "grade": name, "parameter": r["parameter"], "limit": r["limit"], "value": limit,
                "product": value, "pass": passed, "standard": r["standard"],
            })  # fmt: skip
        if ok and met is None:
            met = name
    standard = next(iter(standards()[product].values()))[0]["standard"]
    return {"standard": standard, "grade": met, "checks": checks}


def product_grades(result: SimulationResult) -> dict[str, dict[str, Any]]:
    """Composition and grade of every product stream that has a standard (by its main
    component: KCl, Li2CO3); other products get their composition only."""
    out: dict[str, dict[str, Any]] = {}
    for name, fate in result.fates.items():
        if fate != "product":
            continue
        stream = result.streams[name]
        comp = composition(stream)
        main = max(stream.flows, key=lambda k: stream.flows[k]) if stream.flows else ""
        product = {"Sylvite": "KCl", "Zabuyelite": "Li2CO3"}.get(main, main)
        entry: dict[str, Any] = {
            "purity_pct": 100.0 * stream.get(main) / (stream.total - stream.get("H2O"))
            if stream.total > stream.get("H2O") else None,
            "main_component": main,
            "composition_pct": comp,
        }  # fmt: skip
        if product in standards():
            entry.update(grade(product, comp))
        out[name] = entry
    return out
