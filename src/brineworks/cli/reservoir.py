"""The lake over decades: ``brineworks reservoir SCENARIO --years N --out DIR``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from brineworks.chemistry.backend import get_backend
from brineworks.cli._common import app, out, user_errors
from brineworks.errors import InputError


@app.command()
@user_errors
def reservoir(
    scenario: Annotated[
        str, typer.Argument(help="Built-in scenario or scenario TOML file with a reservoir table.")
    ],
    years: Annotated[int, typer.Option("--years", help="Years to run.")] = 30,
    out_dir: Annotated[
        Path | None,
        typer.Option("--out", help="Output directory (default ./brineworks-out/NAME-reservoir)."),
    ] = None,
    no_return: Annotated[
        bool,
        typer.Option("--no-return", help="The park's returned streams leave the lake instead."),
    ] = False,
    no_conversion: Annotated[
        bool, typer.Option("--no-conversion", help="No solid-liquid conversion.")
    ] = False,
    every: Annotated[
        int,
        typer.Option("--every", help="Solve the park every K years (scaled in between)."),
    ] = 1,
    interpolation: Annotated[
        str,
        typer.Option(
            "--interpolation", help="Between solves: linear (blend the solves around) or hold."
        ),
    ] = "linear",
    on_park_failure: Annotated[
        str,
        typer.Option(
            "--on-park-failure",
            help="A failed park solve: raise, or hold the solve before (reported).",
        ),
    ] = "raise",
    backend_name: Annotated[
        str | None,
        typer.Option("--backend", help="Chemistry backend, overriding the scenario's."),
    ] = None,
) -> None:
    """Run a scenario's lake and park year by year: writes reservoir.json, reservoir.csv,
    production.csv and the grade and stock figures."""
    from brineworks.resource import run_scenario, write_reservoir_outputs
    from brineworks.scenario import load_scenario

    if interpolation not in ("linear", "hold"):
        raise InputError("--interpolation", interpolation, "linear or hold")
    if on_park_failure not in ("raise", "hold"):
        raise InputError("--on-park-failure", on_park_failure, "raise or hold")
    sc = load_scenario(scenario)
    backend = get_backend(backend_name or sc.backend)
    target = out_dir if out_dir is not None else Path("brineworks-out") / f"{sc.name}-reservoir"
    with out.status(f"running the lake of {sc.name}") as status:
        result = run_scenario(
            sc, years=years, backend=backend, returns=not no_return,
            conversion=not no_conversion, every=every,
            interpolation="hold" if interpolation == "hold" else "linear",
            on_park_failure="hold" if on_park_failure == "hold" else "raise",
            progress=lambda msg: status.update(msg),
        )  # fmt: skip
    paths = write_reservoir_outputs(result, target)
    step = 1 if years <= 10 else 5
    start = result.park[0].year - 1 if result.park else 0
    shown = [p for p in result.park if (p.year - start) % step == 0 or p.year == start + 1]
    grades = Table("year", "K g/L", "Li g/L", "Mg g/L", "B g/L",
                   title=f"{sc.name}: brine fed to the park")  # fmt: skip
    for p in shown:
        g = p.grade_g_per_l
        grades.add_row(
            str(p.year) + ("" if p.solved else "*"), f"{g.get('K', 0.0):.3f}",
            f"{g.get('Li', 0.0):.4f}", f"{g.get('Mg', 0.0):.2f}", f"{g.get('B', 0.0):.3f}",
        )  # fmt: skip
    out.print(grades)
    products = sorted({name for p in result.park for name in p.products_t})
    if products:
        made = Table("product [kt/yr]", *[str(p.year) for p in shown], title="products")
        for name in products:
            made.add_row(name, *[f"{p.product(name) / 1000.0:.4g}" for p in shown])
        out.print(made)
    out.print("* the park scaled from its last solve", highlight=False)
    dep = ", ".join(
        f"{el} {y if y is not None else '-'}" for el, y in result.depletion_year.items()
    )
    opts = result.options
    out.print(
        f"below cut-off grade: {dep or 'no cut-offs given'}; worst element imbalance "
        f"{result.max_relative_imbalance():.1e}; {opts['park_solves']} park solves, "
        f"{opts['seconds']:.1f} s",
        highlight=False,
    )
    for f in opts.get("park_failures", []):
        out.print(f"park solve failed in {f['year']}, held from the solve before: {f['error']}",
                  highlight=False, markup=False)  # fmt: skip
    out.print(f"written: {', '.join(str(p) for p in paths)}", highlight=False, markup=False)
