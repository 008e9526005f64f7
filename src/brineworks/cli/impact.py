"""People and place: input–output multipliers and targeted support allocation."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from brineworks.cli._common import JsonOpt, app, out, user_errors, write_json


@app.command("multipliers")
@user_errors
def multipliers_cmd(
    table: Annotated[
        str,
        typer.Option("--table", help="china-2018-42, china-2020-42 or a CSV file in that layout."),
    ] = "china-2020-42",
    region: Annotated[
        str,
        typer.Option(
            "--region",
            help="national (default), uniform (local-purchase shares of parameters.csv), "
            "slq:REGION or flq:REGION (location quotients; regions: golmud, qinghai).",
        ),
    ] = "national",
    json_out: JsonOpt = False,
) -> None:
    """Output, income and employment multipliers of every sector of an input–output table."""
    from brineworks.impact.io import load_table, multipliers, regionalisation_from_spec

    t = load_table(table)
    m = multipliers(t, regionalisation_from_spec(t, region))
    data = m.to_dict()
    if json_out:
        write_json(data)
        return
    view = Table(
        "code", "sector", "output I", "output II", "income I", "jobs/M CNY",
        title=f"{data['table']}: multipliers ({data['regionalisation']})",
    )  # fmt: skip
    for code, s in data["sectors"].items():
        jobs = s["jobs_per_mcny_final_demand"]
        view.add_row(
            code, s["name"][:48], f"{s['output_type_i']:.3f}", f"{s['output_type_ii']:.3f}",
            f"{s['income_type_i']:.3f}", "-" if jobs is None else f"{jobs:.2f}",
        )  # fmt: skip
    out.print(view)
