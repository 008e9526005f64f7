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
    from brineworks.report.results import results_dict
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
        data = results_dict(result)
        paths = write_outputs(result, folder, data)
    ind, energy = data["indicators"], data["energy"]
    table = Table("product", "t/yr", title=f"{sc.name}: products")
    for k, v in data["products_t_per_yr"].items():
        table.add_row(k, f"{v:.4g}")
    out.print(table)
    rates = ", ".join(
        f"{el} {100 * r['comprehensive_utilisation']:.1f} %"
        for el, r in ind["three_rates"].items()
        if r["comprehensive_utilisation"]
    )
    waste = ind["solid_waste"]
    out.print(
        f"comprehensive utilisation (综合利用率) {rates}; solid-waste utilisation "
        f"{100 * (waste['utilisation_rate'] or 0):.1f} %; resource output "
        f"{ind['resource_output_rate_cny_per_t'] or 0:.4g} CNY/t; fresh water "
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
        base = next(k for k in comparison["solid-waste utilisation rate"] if k != sc.name)
        line = []
        for key, label in (
            ("K comprehensive utilisation", "K utilisation"),
            ("solid-waste utilisation rate", "solid-waste utilisation"),
        ):
            row = comparison.get(key, {})
            if row:
                line.append(
                    f"{label} {100 * (row[base] or 0):.1f} % → {100 * (row[sc.name] or 0):.1f} %"
                )
        row = comparison["resource_output_rate_cny_per_t"]
        line.append(f"resource output {row[base] or 0:.4g} → {row[sc.name] or 0:.4g} CNY/t")
        out.print(f"against {base}: " + "; ".join(line), highlight=False)
    out.print(f"report: {paths[2]}", highlight=False, markup=False)


def _option(f: Any) -> dict[str, Any]:
    """A unit option's entry: required, or its default."""
    required = f.is_required()
    return {"required": required,
            "default": None if required else f.get_default(call_default_factory=True)}  # fmt: skip


@app.command()
@user_errors
def units(
    kind: Annotated[str | None, typer.Argument(help="One unit kind (default: all).")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Unit kinds a scenario can use, their ports and their parameters with sources."""
    import brineworks.process.units  # noqa: F401  (registers the unit kinds)
    from brineworks.process.unit import family_parameters, unit_types

    kinds = unit_types()
    if kind is not None and kind not in kinds:
        raise BrineworksInputError("KIND", kind, "one of " + ", ".join(sorted(kinds)))
    rows: list[dict[str, Any]] = []
    for name in sorted(kinds) if kind is None else [kind]:
        cls = kinds[name]
        params = list(family_parameters(cls.family).values())
        own = {k: f for k, f in cls.Options.model_fields.items() if k not in ("name", "kind")}
        rows.append({
            "kind": name,
            "summary": " ".join((cls.__doc__ or "").strip().split("\n\n")[0].split()),
            "options": {k: _option(f) for k, f in own.items()},
            "passive": cls.passive,
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
        opts = ", ".join(
            k + ("" if o["required"] else f" = {o['default']!r}") for k, o in r["options"].items()
        )
        out.print(
            f"[bold]{r['kind']}[/bold] — {r['summary']}\n  {ports}\n  options: {opts}",
            highlight=False,
            markup=False if "[" in opts else None,
        )
        if r["parameters"]:
            table = Table("parameter", "default", "range", "status", "source")
            for p in r["parameters"]:
                value = f"{p['value']:g} {p['unit']}"
                span = f"{p['min']:g} to {p['max']:g}"
                table.add_row(p["name"], value, span, p["status"], p["source"])
            out.print(table)
