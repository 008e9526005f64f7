"""People and place: input–output multipliers and targeted support allocation."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from brineworks.cli._common import JsonOpt, app, err, out, user_errors, write_json
from brineworks.errors import InputError
from brineworks.report import json_ready


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


def _scenario_direct_jobs(scenario: str) -> tuple[float, str]:
    """Direct jobs of a scenario's plants: from a results.json (file or folder) or a built-in
    scenario (its brineworks-out/NAME/results.json, or solved now)."""
    from brineworks.impact.regional import ParkImpact

    path = Path(scenario)
    if path.is_dir():
        path = path / "results.json"
    if not path.is_file():
        candidate = Path("brineworks-out") / scenario / "results.json"
        path = candidate
    if path.is_file():
        try:
            data = json.loads(path.read_text("utf-8"))
        except json.JSONDecodeError as exc:
            raise InputError("scenario", str(path), f"a results.json ({exc.msg})") from None
        source = str(path)
    else:
        from brineworks.report.results import results_dict
        from brineworks.scenario import load_scenario
        from brineworks.simulate import simulate

        sc = load_scenario(scenario)
        with out.status(f"solving {sc.name} for its jobs"):
            data = results_dict(simulate(sc))
        source = f"scenario {sc.name} (solved now)"
    impact = ParkImpact.from_results(data)
    return impact.direct.jobs, source


@app.command("support")
@user_errors
def support_cmd(
    registry: Annotated[
        Path | None, typer.Argument(help="Household registry CSV (see docs/impact.md).")
    ] = None,
    scenario: Annotated[
        str | None,
        typer.Option(
            "--scenario",
            help="Where the plant jobs come from: a results.json, its folder, or a built-in "
            "scenario (read from brineworks-out/NAME/results.json or solved).",
        ),
    ] = None,
    out_dir: Annotated[Path, typer.Option("--out", help="Output folder.")] = Path(
        "brineworks-out/support"
    ),
    budget: Annotated[
        float, typer.Option("--budget", help="Budget for the measures [CNY].")
    ] = 10_000_000.0,
    line: Annotated[
        float | None,
        typer.Option("--line", help="Poverty line [CNY/person/yr]; default 4,000 (2020)."),
    ] = None,
    jobs: Annotated[
        int | None,
        typer.Option(
            "--jobs", help="Plant jobs open to registered households (overrides the scenario's)."
        ),
    ] = None,
    measures: Annotated[
        Path | None, typer.Option("--measures", help="Catalogue of measures (CSV).")
    ] = None,
    villages: Annotated[
        Path | None,
        typer.Option("--villages", help="Known villages, one per line: others are bad rows."),
    ] = None,
    skip_invalid: Annotated[
        bool, typer.Option("--skip-invalid", help="Drop bad rows (listed in 'rejected').")
    ] = False,
    fairness: Annotated[
        float,
        typer.Option(
            "--fairness",
            help="Village rule φ in [0, 1]: each village's lifted share "
            "of its liftable households >= φ x the overall share.",
        ),
    ] = 0.5,
    min_group: Annotated[
        int, typer.Option("--min-group", help="Smallest village group reported on its own.")
    ] = 10,
    generate: Annotated[
        int | None,
        typer.Option(
            "--generate",
            help="Write a synthetic registry of N households to "
            "OUT/registry.csv (and allocate it when --scenario or --jobs is given).",
        ),
    ] = None,
    seed: Annotated[int, typer.Option("--seed", help="Seed of --generate.")] = 0,
    time_limit: Annotated[
        float, typer.Option("--time-limit", help="Solver time limit [s].")
    ] = 50.0,
) -> None:
    """Assign support measures to registered households: the most lifted above the line within
    the budget, the measures' capacities and the jobs the scenario's plants create."""
    import csv
    import time

    from brineworks.impact import support as sup

    out_dir.mkdir(parents=True, exist_ok=True)
    if generate is not None:
        if registry is not None:
            raise InputError("registry", str(registry), "no REGISTRY with --generate")
        registry = sup.write_registry(sup.generate_registry(generate, seed), out_dir /
                                      "registry.csv")  # fmt: skip
        out.print(f"synthetic registry of {generate} households: {registry}", highlight=False)
        if scenario is None and jobs is None:
            return
    if registry is None:
        raise InputError("registry", None, "a registry CSV or --generate N")
    if scenario is None and jobs is None:
        raise InputError("scenario", None, "--scenario (results.json or scenario) or --jobs N")
    known = None
    if villages is not None:
        if not villages.is_file():
            raise InputError("villages", str(villages), "a file of village names")
        known = [v.strip() for v in villages.read_text("utf-8").splitlines() if v.strip()]
    t0 = time.perf_counter()
    try:
        reg = sup.read_registry(registry, known, skip_invalid)
    except sup.RegistryError as exc:
        for p in exc.problems:
            err.print(f"error: {registry}: {p}", markup=False, highlight=False)
        err.print(f"error: {registry}: refused ({len({p.row for p in exc.problems})} bad rows; "
                  "--skip-invalid drops them)", markup=False, highlight=False)  # fmt: skip
        raise typer.Exit(2) from None
    catalogue = sup.load_measures(measures)
    if jobs is None:
        assert scenario is not None
        direct, source = _scenario_direct_jobs(scenario)
        jobs = sup.registry_jobs(direct)
        out.print(f"plant jobs: {direct:,.0f} direct in {source}; {jobs} open to registered "
                  "households (local hire x registry share)", highlight=False)  # fmt: skip
    result = sup.allocate(reg, catalogue, budget, line, jobs, fairness, min_group, time_limit)
    data = result.to_dict()
    data["seconds_total"] = time.perf_counter() - t0
    json_path = out_dir / "support.json"
    json_path.write_text(json.dumps(json_ready(data), indent=2, ensure_ascii=False) + "\n",
                         encoding="utf-8")  # fmt: skip
    csv_path = out_dir / "allocation.csv"
    with csv_path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=["household_id", "measures", "cost_cny",
                                           "income_after_cny_per_person_yr", "lifted"])  # fmt: skip
        w.writeheader()
        w.writerows(result.allocation_rows())
    for r in data["rejected"]:
        probs = "; ".join(f"{p['field']}={p['value']!r} ({p['reason']})" for p in r["problems"])
        err.print(f"rejected row {r['row']}: {probs}", markup=False, highlight=False)
    out.print(
        f"{data['households']} households, {data['poor']} below the line of "
        f"{data['line_cny']:,.0f} CNY/person/yr; lifted {data['lifted']} "
        f"(liftable {data['liftable']}); cost {data['cost_cny']:,.0f} of "
        f"{data['budget_cny']:,.0f} CNY; plant jobs {data['jobs_used']} of "
        f"{data['jobs_available']}; solver {data['solver']['status']} in "
        f"{data['seconds_total']:.1f} s",
        highlight=False,
    )
    out.print(f"wrote {json_path} and {csv_path}", highlight=False)
