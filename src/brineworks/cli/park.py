"""Park commands: run a scenario, list the unit kinds."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from brineworks.chemistry.backend import get_backend
from brineworks.cli._common import JsonOpt, app, out, user_errors, write_json
from brineworks.errors import InputError as BrineworksInputError


@app.command()
@user_errors
def run(
    scenario: Annotated[str, typer.Argument(help="Built-in scenario or scenario TOML file.")] = (
        "qarhan-lithium"
    ),
    out_dir: Annotated[
        Path | None,
        typer.Option("--out", help="Output directory (default ./brineworks-out/NAME)."),
    ] = None,
    backend_name: Annotated[
        str | None,
        typer.Option(
            "--backend", help="Chemistry backend, overriding the scenario's: phreeqc or native."
        ),
    ] = None,
    force: Annotated[
        bool,
        typer.Option("--force", help="Replace the outputs of an earlier run in the folder."),
    ] = False,
) -> None:
    """Solve a scenario and write report.html, results.xlsx and results.json (with a
    manifest.json naming the run), whole or not at all."""
    import sys

    from brineworks.report.files import OutputFolder, RunIdentity, default_output_folder
    from brineworks.report.outputs import OUTPUT_NAMES, write_outputs
    from brineworks.scenario import load_scenario
    from brineworks.simulate import simulate

    sc = load_scenario(scenario)
    if backend_name is not None:
        get_backend(backend_name)  # an unknown name is a clear error here
        sc = sc.model_copy(update={"backend": backend_name})
    target = out_dir if out_dir is not None else default_output_folder(sc.name)
    identity = RunIdentity.new(
        sc.name,
        scenario_file=sc.source_file,
        chemistry_backend=sc.backend,
        command=["brineworks", *sys.argv[1:]],
    )
    # The folder is locked and checked before the solve: a clash is known at once.
    with OutputFolder(target, identity, force=force, expected=OUTPUT_NAMES) as folder:
        with out.status(f"solving {sc.name}") as status:
            result = simulate(sc, progress=lambda msg: status.update(msg))
        data = result.to_dict()
        paths = write_outputs(result, folder, data)
    ind, energy = data["indicators"], data["energy"]
    table = Table("product", "t/yr", title=f"{sc.name}: products")
    for k, v in data["products_t_per_yr"].items():
        table.add_row(k, f"{v:.4g}")
    out.print(table)
    out.print(
        "comprehensive utilisation "
        f"{100 * ind['comprehensive_utilisation_by_mass']:.2f} % by mass; "
        f"waste solids {ind['waste_solids_t_per_yr']:.4g} t/yr; fresh water "
        f"{ind['fresh_water_m3_per_yr']:.4g} m³/yr",
        highlight=False,
    )
    if energy["electricity_mwh_per_yr"] > 0:
        out.print(
            f"electricity {energy['electricity_mwh_per_yr']:.4g} MWh/yr, indirect CO2 "
            + (
                f"{energy['indirect_co2_t_per_yr']:.4g} t/yr"
                if energy["indirect_co2_t_per_yr"] is not None
                else "unknown (no grid factor for this site)"
            )
            + " (plants with sourced factors; "
            f"none yet for: {', '.join(energy['units_without_energy_data']) or '-'})",
            highlight=False,
        )
    comparison = data["comparison"]
    if comparison:
        base = next(k for k in comparison["comprehensive_utilisation_by_mass"] if k != sc.name)
        line = []
        for key, label in (("comprehensive_utilisation_by_mass", "utilisation by mass"),
                           ("comprehensive_utilisation_by_value", "by value")):  # fmt: skip
            row = comparison[key]
            line.append(
                f"{label} {100 * (row[base] or 0):.2f} % → {100 * (row[sc.name] or 0):.2f} %"
            )
        out.print(f"against {base}: " + "; ".join(line), highlight=False)
    out.print(f"report: {paths[2]}", highlight=False, markup=False)


@app.command()
@user_errors
def units(
    kind: Annotated[str | None, typer.Argument(help="One unit kind (default: all).")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Unit kinds a scenario can use, their ports and their parameters with sources."""
    import brineworks.process.units  # noqa: F401  (registers the unit kinds)
    from brineworks.process.unit import parameter_table, unit_types

    kinds = unit_types()
    if kind is not None and kind not in kinds:
        raise BrineworksInputError("KIND", kind, "one of " + ", ".join(sorted(kinds)))
    rows: list[dict[str, Any]] = []
    for name in sorted(kinds) if kind is None else [kind]:
        cls = kinds[name]
        params = [p for (fam, _), p in parameter_table().items() if fam == cls.family and fam]
        rows.append({
            "kind": name,
            "summary": " ".join((cls.__doc__ or "").strip().split("\n\n")[0].split()),
            "inlets": list(cls.inlets),
            "outlets": list(cls.outlets),
            "parameters": [
                {"name": p.name, "value": p.value, "unit": p.unit, "min": p.minimum,
                 "max": p.maximum, "status": p.status, "source": p.source}
                for p in params
            ],
        })  # fmt: skip
    if as_json:
        write_json(rows)
        return
    for r in rows:
        ports = f"in: {', '.join(r['inlets']) or '(set per unit)'}; "
        ports += f"out: {', '.join(r['outlets']) or '(set per unit)'}"
        out.print(f"[bold]{r['kind']}[/bold] — {r['summary']}\n  {ports}", highlight=False)
        if r["parameters"]:
            table = Table("parameter", "default", "range", "status", "source")
            for p in r["parameters"]:
                value = f"{p['value']:g} {p['unit']}"
                span = f"{p['min']:g} to {p['max']:g}"
                table.add_row(p["name"], value, span, p["status"], p["source"])
            out.print(table)
