"""Park commands: run a scenario, list the unit kinds."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table
from rich.text import Text

from brineworks.chemistry.backend import get_backend
from brineworks.cli._common import JsonOpt, app, out, user_errors, write_json
from brineworks.errors import InputError as BrineworksInputError

if TYPE_CHECKING:
    from brineworks.report.i18n import Catalogue


@app.command()
@user_errors
def run(
    scenario: Annotated[str, typer.Argument(help="Built-in scenario or scenario TOML file.")] = (
        "qarhan-lithium"
    ),
    out_dir: Annotated[
        Path | None, typer.Option("--out", help="Output directory (default ./brineworks-out/NAME).")
    ] = None,
    backend_name: Annotated[
        str | None,
        typer.Option(
            "--backend", help="Chemistry backend, overriding the scenario's: phreeqc or native."
        ),
    ] = None,
    lang: Annotated[
        str | None,
        typer.Option(
            "--lang",
            help="Language of the report, workbook and this summary: zh (简体中文) or en "
            "(default: the scenario's 'lang', else $BRINEWORKS_LANG, else en).",
        ),
    ] = None,
    pdf: Annotated[
        bool, typer.Option("--pdf", help="Also write report.pdf (A4; needs Chromium).")
    ] = False,
    force: Annotated[
        bool,
        typer.Option("--force", help="Replace the outputs of an earlier run in the folder."),
    ] = False,
) -> None:
    """Solve a scenario and write report.html, results.xlsx and results.json (and report.pdf),
    with a manifest.json naming the run, whole or not at all."""
    import sys

    from brineworks.report.files import OutputFolder, RunIdentity, default_output_folder
    from brineworks.report.formatting import check_lang
    from brineworks.report.i18n import catalogue
    from brineworks.report.outputs import OUTPUT_NAMES, with_economics, write_outputs
    from brineworks.report.results import results_dict
    from brineworks.scenario import load_scenario
    from brineworks.simulate import simulate

    if lang is not None:
        check_lang(lang)  # a wrong language is an error before the solve
    sc = load_scenario(scenario)
    if backend_name is not None:
        get_backend(backend_name)  # an unknown name is a clear error here
        sc = sc.model_copy(update={"backend": backend_name})
    code = check_lang(lang or sc.lang or os.environ.get("BRINEWORKS_LANG") or "en")
    if pdf:
        from brineworks.report.pdf import find_chromium

        find_chromium()  # no browser: say so before the solve
    target = out_dir if out_dir is not None else default_output_folder(sc.name)
    identity = RunIdentity.new(
        sc.name,
        scenario_file=sc.source_file,
        chemistry_backend=sc.backend,
        command=["brineworks", *sys.argv[1:]],
    )
    names = (*OUTPUT_NAMES, "report.pdf") if pdf else OUTPUT_NAMES
    # The folder is locked and checked before the solve: a clash is known at once.
    with OutputFolder(target, identity, force=force, expected=names) as folder:
        with out.status(f"solving {sc.name}") as status:
            result = simulate(sc, progress=lambda msg: status.update(msg))
        # the economics with its NPV tornado: the summary ranks the assumptions by it
        data = with_economics(results_dict(result), result)
        paths = write_outputs(result, folder, data, lang=code, pdf=pdf)
    _print_summary(data, catalogue(code))
    out.print(catalogue(code)("report: {path}", path=paths[2]), highlight=False, markup=False)
    if pdf:
        out.print(catalogue(code)("PDF: {path}", path=paths[3]), highlight=False, markup=False)


def _print_summary(data: dict[str, Any], cat: Catalogue) -> None:
    """The run's summary on the terminal, in the catalogue's language and number formats: the
    products, the headline indicators of the report's summary, what changed against the
    baseline."""
    from brineworks.report.summary import baseline_changes, headline_rows

    f = cat.fmt
    table = Table(cat("product"), cat("output"),
                  title=cat("{scenario}: products", scenario=data["scenario"]))  # fmt: skip
    for k, v in data["products_t_per_yr"].items():
        table.add_row(cat.name("product", k), f.mass(v))
    out.print(table)
    table = Table(cat("indicator"), cat("value"), cat("official minimum or reference"),
                  title=cat("Indicators that matter"))  # fmt: skip
    for row in headline_rows(data, cat):
        table.add_row(*(Text(cell) for cell in row))
    out.print(table)
    changes = baseline_changes(data, cat)
    if changes:
        base = next(k for k in data["comparison"]["products_t_per_yr"] if k != data["scenario"])
        out.print(cat("against {baseline}: {changes}", baseline=base, changes="; ".join(changes)),
                  highlight=False, markup=False)  # fmt: skip


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
