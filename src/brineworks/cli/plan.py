"""Plan command: an optimised multi-year build plan over a superstructure."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from brineworks.cli._common import app, out, user_errors
from brineworks.errors import InputError


@app.command()
@user_errors
def plan(
    superstructure: Annotated[
        str, typer.Argument(help="Built-in superstructure (qarhan-superstructure) or a TOML file.")
    ],
    out_dir: Annotated[Path, typer.Option("--out", help="Output directory (created).")],
    objective: Annotated[
        str, typer.Option("--objective", help="npv, utilisation (NPV above a floor) or pareto.")
    ] = "npv",
    years: Annotated[
        int | None, typer.Option("--years", help="Plan horizon [yr] (default: the file's).")
    ] = None,
    prices: Annotated[str, typer.Option("--prices", help="Price set: low, mid or high.")] = "mid",
    npv_floor_share: Annotated[
        float,
        typer.Option(
            "--npv-floor-share", help="utilisation: NPV at least this share of the largest NPV."
        ),
    ] = 0.8,
    points: Annotated[int, typer.Option("--points", help="pareto: plans on the front.")] = 6,
    gap: Annotated[float, typer.Option("--gap", help="Relative MIP gap at which to stop.")] = 1e-3,
    time_limit: Annotated[
        float, typer.Option("--time-limit", help="HiGHS time limit per solve [s].")
    ] = 300.0,
) -> None:
    """Optimise which plants to build, when and at what size (a MILP solved by HiGHS).

    Writes plan.json, gantt.html and plan.xlsx into --out; for pareto also pareto.html,
    pareto.csv and pareto.json. An infeasible plan names the constraints that conflict.
    """
    from brineworks.plan import load_superstructure, optimise, resolve
    from brineworks.plan.model import ParetoFront
    from brineworks.plan.outputs import write_plan

    if objective not in ("npv", "utilisation", "pareto"):
        raise InputError("--objective", objective, "npv, utilisation or pareto")
    sup = load_superstructure(superstructure)
    data = resolve(sup, prices, years)
    with out.status(f"optimising {sup.name} ({objective}, {prices} prices, {data.n} years)"):
        result = optimise(
            data,
            objective,  # type: ignore[arg-type]
            npv_floor_share=npv_floor_share,
            points=points,
            mip_gap=gap,
            time_limit=time_limit,
        )
    paths = write_plan(result, data, out_dir)
    plans = result.points if isinstance(result, ParetoFront) else (result,)
    for p in plans[:1] if isinstance(result, ParetoFront) else plans:
        table = Table(
            "technology",
            "construction",
            "online",
            "capacity",
            "capex [bn CNY]",
            title=f"{sup.name}: builds ({p.objective}, {prices} prices)",
        )
        for b in p.builds:
            table.add_row(
                b.unit,
                str(b.year),
                str(b.online_year),
                f"{b.capacity:.4g} {b.capacity_unit}",
                f"{b.capex_cny / 1e9:.3g}",
            )
        out.print(table)
    if isinstance(result, ParetoFront):
        table = Table("point", "utilisation [%]", "NPV [bn CNY]", "builds", title="Pareto front")
        for row in result.table():
            table.add_row(
                str(row["point"]),
                f"{100 * row['utilisation']:.3f}",
                f"{row['npv_cny'] / 1e9:.4g}",
                str(row["builds"]),
            )
        out.print(table)
    else:
        p = plans[0]
        out.print(
            f"NPV {p.npv_cny / 1e9:.4g} bn CNY; utilisation "
            f"{100 * p.utilisation['value']:.3f} %; HiGHS {p.solver.status}, gap "
            f"{p.solver.gap:.2g}, {p.solver.seconds:.1f} s",
            highlight=False,
        )
    for path in paths:
        out.print(f"wrote {path}", highlight=False, markup=False)
