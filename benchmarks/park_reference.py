"""Write the park reference numbers: every built-in scenario's products and element balance.

``python benchmarks/park_reference.py OUT.json [--tight] [--commit SHA]`` solves each built-in
scenario with each backend and writes, per scenario and backend, the products [t/yr by stream
and component], the element balance [t/yr by element and fate] and the design specs'
fractions (and the baseline's, where the scenario names one), with the commit the numbers came
from (``--commit`` names it where the sources are not a git checkout).

``--tight`` solves the plants' searches (reagent doses, decomposition and dissolution water)
to a relative width of 1e-10 instead of the tolerances in force, so that the numbers are the
model's answer rather than where a coarse search happened to stop: the reference that
``tests/test_park_reference.py`` compares today's solves with was written so from commit
3aae722 (before the park was made faster; its searches stopped at 1e-4 to 1e-6), and again
at f81e6f0 with 476116d (the same solver, the scenarios at 4.3e8 m³/yr).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from brineworks.scenario import builtin_scenarios, load_scenario
from brineworks.simulate import SimulationResult, simulate

BACKENDS = ("phreeqc", "native")


def numbers(result: SimulationResult) -> dict[str, Any]:
    """Products [t/yr] and element balance [t/yr] of a solved scenario (and its baseline's)."""
    out: dict[str, Any] = {
        "products_t_per_yr": result.products_t_per_yr(),
        "element_balance_t_per_yr": result.element_balance(),
        "spec_fractions": {s.name: s.fraction for s in result.specs},
    }
    if result.baseline is not None:
        out["baseline"] = numbers(result.baseline)
    return out


TIGHT = 1e-10
"""Relative width of the searches with ``--tight``. [-]"""


def tighten_searches() -> None:
    """Make every dose and water search of the plants stop at :data:`TIGHT` (whatever their
    callers ask), in the modules that call them."""
    import brineworks.process.units.dosing as dosing

    def tight(f: Any) -> Any:
        def call(*args: Any, **kwargs: Any) -> Any:
            kwargs["rtol"] = TIGHT
            return f(*args, **kwargs)

        return call

    import brineworks.process.units.boron as boron
    import brineworks.process.units.dissolver as dissolver
    import brineworks.process.units.magnesium as magnesium
    import brineworks.process.units.potash as potash

    for module in (boron, magnesium):
        module.dose_to_spec = tight(dosing.dose_to_spec)  # type: ignore[attr-defined]
    for module in (potash, dissolver):
        module.minimum_water = tight(dosing.minimum_water)  # type: ignore[attr-defined]


def main(path: str, tight: bool = False, commit: str | None = None) -> None:
    if tight:
        tighten_searches()
    if commit is None:  # the checkout's, marked if its sources differ from it
        commit = subprocess.run(
            ["git", "rev-parse", "HEAD"], capture_output=True, text=True, check=True
        ).stdout.strip()
        if subprocess.run(["git", "status", "--porcelain", "src"], capture_output=True,
                          text=True, check=True).stdout.strip():  # fmt: skip
            commit += "+dirty"
    data: dict[str, Any] = {
        "commit": commit,
        "searches": f"rtol {TIGHT:g}" if tight else "as in force",
        "scenarios": {},
    }
    for name in sorted(builtin_scenarios()):
        scenario = load_scenario(name)
        data["scenarios"][name] = {
            b: numbers(simulate(scenario.model_copy(update={"backend": b}))) for b in BACKENDS
        }
        print(name, "done", file=sys.stderr)
    Path(path).write_text(json.dumps(data, indent=1, sort_keys=True) + "\n", "utf-8")


if __name__ == "__main__":
    args = sys.argv[1:]
    given = args[args.index("--commit") + 1] if "--commit" in args else None
    main(args[0], "--tight" in args, given)
