"""Chemistry commands: catalogue, summary, speciate, saturate, evaporate, ponds, phases,
validate."""

from __future__ import annotations

import math
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from brineworks import ThermoBackend
from brineworks.chemistry.backend import get_backend
from brineworks.chemistry.brine import catalogue
from brineworks.cli._common import (
    BackendOpt,
    JsonOpt,
    TempOpt,
    app,
    err,
    one_line,
    out,
    user_errors,
    write_json,
)
from brineworks.constants import KELVIN_OFFSET
from brineworks.errors import InputError as BrineworksInputError
from brineworks.io import load_brine

SALT_LAKE_MINERALS = (
    "Halite", "Sylvite", "Carnallite", "Bischofite", "Kainite", "Polyhalite", "Glaserite",
    "Leonite", "Schoenite", "Epsomite", "Hexahydrite", "Kieserite", "Bloedite", "Mirabilite",
    "Thenardite", "Glauberite", "Gypsum", "Anhydrite", "Tachyhydrite", "Antarcticite",
    "LiCl_H2O", "Li2SO4_H2O", "Zabuyelite", "Arcanite",
)  # fmt: skip


@app.command("catalogue")
@user_errors
def catalogue_cmd(as_json: JsonOpt = False) -> None:
    """List the built-in brines."""
    entries = catalogue()
    if as_json:
        write_json(
            [{"name": e.name, "slug": e.slug, "unit": e.unit, "status": e.status} for e in entries]
        )
        return
    table = Table("slug", "name", "unit", "status", title="Built-in brines")
    for e in entries:
        table.add_row(e.slug, e.name, e.unit, e.status)
    out.print(table)


@app.command()
@user_errors
def saturate(
    phases: Annotated[list[str], typer.Argument(help="Solid phases, e.g. Halite Sylvite.")],
    temp: TempOpt = None,
    as_json: JsonOpt = False,
    backend: BackendOpt = "phreeqc",
) -> None:
    """Pure water saturated with an excess of each named solid (an invariant point if stable)."""
    t = 25.0 if temp is None else temp
    eq = get_backend(backend).saturate(phases, t + KELVIN_OFFSET)
    if as_json:
        write_json(eq.to_dict())
        return
    s = eq.solution
    table = Table("element", "mol/kg H2O", title=f"Saturated with {' + '.join(phases)} at {t:g} °C")
    for el, m in s.molality.items():
        table.add_row(el, f"{m:.5g}")
    out.print(table)
    out.print(f"solids remaining: {', '.join(eq.present) or 'none'}")
    if eq.absent:
        out.print(
            f"[yellow]not stable in this assemblage (dissolved completely): {', '.join(eq.absent)}"
        )
    out.print(
        f"ionic strength {s.ionic_strength:.4g} mol/kg, water activity {s.water_activity:.4f}, "
        f"density {s.density:.1f} kg/m³"
    )


@app.command()
@user_errors
def speciate(
    brine: Annotated[str, typer.Argument(help="Catalogue name, or a .toml/.json/.csv file.")],
    temp: TempOpt = None,
    unit: Annotated[str | None, typer.Option(help="Unit of a CSV without a 'unit' column.")] = None,
    as_json: JsonOpt = False,
    backend_name: BackendOpt = "phreeqc",
    out_file: Annotated[
        Path | None,
        typer.Option(
            "--out", help="CSV input: write the results to this file as they come (see --format)."
        ),
    ] = None,
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format", help="With --out: jsonl or csv (default: from the file's suffix)."
        ),
    ] = None,
    encoding: Annotated[
        str | None,
        typer.Option(help="CSV input: its encoding when not UTF-8/UTF-16, e.g. latin-1."),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace an existing --out file.")] = False,
    chunk: Annotated[int, typer.Option(help="CSV input: rows solved per batch.")] = 500,
) -> None:
    """Speciation, saturation indices, density and water activity of a brine (or a CSV of many,
    streamed in chunks)."""
    backend = get_backend(backend_name)
    if Path(brine).suffix.lower() == ".csv":
        _speciate_csv(brine, backend, temp, unit, as_json, out_file, fmt, encoding, force, chunk)
        return
    for option, value in (("--unit", unit), ("--out", out_file), ("--format", fmt),
                          ("--encoding", encoding)):  # fmt: skip
        if value is not None:
            raise BrineworksInputError(
                option, str(value), "no value: this option is for a CSV of analyses (a brine "
                "file states its own unit and a catalogue brine is in its own)",
            )  # fmt: skip
    b = load_brine(brine, temperature_c=temp, backend=backend)
    s = backend.speciate(b)
    if as_json:
        write_json({"name": b.name, "solids": {}, **s.to_dict()})
        return
    _print_speciation(b.name, s)


_CSV_FIELDS = ("row", "name", "error", "temperature_c", "pH", "ionic_strength",
               "water_activity", "density_kg_m3", "charge_balance_percent")  # fmt: skip


def _speciate_csv(
    path: str,
    backend: ThermoBackend,
    temp: float | None,
    unit: str | None,
    as_json: bool,
    out_file: Path | None,
    fmt: str | None,
    encoding: str | None,
    force: bool,
    chunk: int,
) -> None:
    """Stream a CSV of analyses: rows solved ``chunk`` at a time and written as they come, to
    ``--out`` (JSON Lines or CSV, renamed into place at the end), or to stdout (a JSON list or
    tables); progress on a terminal; exit 1 if any row failed."""
    import contextlib
    import csv
    import json

    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    from brineworks.chemistry.ions import ion
    from brineworks.io import open_csv, speciate_csv
    from brineworks.report import json_ready
    from brineworks.report.files import atomic_file

    if fmt is not None and out_file is None:
        raise BrineworksInputError("--format", fmt, "--format together with --out FILE")
    kind = fmt or (out_file.suffix.lower().lstrip(".") if out_file is not None else "")
    if out_file is not None:
        kind = {"json": "jsonl", "ndjson": "jsonl"}.get(kind, kind)
        if kind not in ("jsonl", "csv"):
            raise BrineworksInputError(
                "--format",
                fmt or str(out_file),
                "jsonl or csv (or an --out file ending .jsonl/.csv)",
            )
        if as_json:
            raise BrineworksInputError("--json", True, "no --json with --out (use --format)")
    if isinstance(chunk, bool) or not 1 <= chunk <= 100_000:
        raise BrineworksInputError("--chunk", chunk, "1 to 100000 rows")
    with open_csv(path, encoding=encoding) as table:
        total = table.rows_estimate
        elements = sorted({ion(k).element for k in table.solutes.values()})
    if getattr(backend, "speciate_many", None) is None and total > 2000:
        err.print(
            f"note: about {total} rows, solved one by one by the {backend.name} backend; "
            "--backend native solves them in batches, about ten times faster",
            highlight=False, markup=False, soft_wrap=True,
        )  # fmt: skip
    database = getattr(backend, "database", None)
    phases = list(database.phases_for(set(elements))) if database is not None else []
    columns = [*_CSV_FIELDS, *(f"molality_{e}" for e in elements), *(f"si_{p}" for p in phases)]

    failed = 0
    show = err.is_terminal and (out_file is not None or not out.is_terminal)
    progress = Progress(
        "[progress.description]{task.description}", BarColumn(), MofNCompleteColumn(),
        TimeRemainingColumn(), console=err, transient=True, disable=not show,
    )  # fmt: skip
    rows = speciate_csv(path, backend=backend, unit=unit, temperature_c=temp,
                        encoding=encoding, chunk_size=chunk)  # fmt: skip
    sink = (
        atomic_file(out_file, force=force)
        if out_file is not None
        else contextlib.nullcontext(sys.stdout)
    )
    with sink as fh, progress:
        task = progress.add_task("speciating", total=total)
        writer = csv.writer(fh) if kind == "csv" else None
        if writer is not None:
            writer.writerow(columns)
        if as_json:
            fh.write("[")
        pending: list[Any] = []
        for k, r in enumerate(rows):
            if r.speciation is None:
                failed += 1
                err.print(
                    one_line(f"row {r.row} ({r.name}): {r.error}"), markup=False,
                    highlight=False, soft_wrap=True,
                )  # fmt: skip
            d = json_ready(r.to_dict())
            if writer is not None:
                writer.writerow(_csv_cells(d, elements, phases))
            elif kind == "jsonl":
                fh.write(json.dumps(d, ensure_ascii=False) + "\n")
            elif as_json:
                fh.write(("\n  " if k == 0 else ",\n  ") + json.dumps(d, ensure_ascii=False))
            else:
                pending.append(d)
                if len(pending) >= chunk:
                    _print_rows(pending)
                    pending = []
            progress.advance(task)
        if as_json:
            fh.write("\n]\n")
        if pending:
            _print_rows(pending)
    if out_file is not None:
        err.print(f"wrote {out_file}", highlight=False, markup=False)
    if failed:
        raise typer.Exit(1)


def _csv_cells(d: dict[str, Any], elements: list[str], phases: list[str]) -> list[Any]:
    def cell(v: Any) -> Any:
        return "" if v is None else v

    cells = [cell(d.get(k)) for k in _CSV_FIELDS]
    molality = d.get("molality", {})
    si = d.get("saturation_index", {})
    cells += [cell(molality.get(e)) for e in elements]
    cells += [cell(si.get(p)) for p in phases]
    return cells


def _print_rows(rows: list[dict[str, Any]]) -> None:
    table = Table("row", "name", "density kg/m³", "I mol/kg", "a_w", "most supersaturated")
    for r in rows:
        if "error" in r:
            table.add_row(str(r["row"]), r["name"], "error", "", "", r["error"])
            continue
        si = {k: v for k, v in r["saturation_index"].items() if v is not None}
        top = max(si.items(), key=lambda kv: kv[1], default=("", 0.0))
        table.add_row(
            str(r["row"]), r["name"], f"{r['density_kg_m3']:.1f}", f"{r['ionic_strength']:.3g}",
            f"{r['water_activity']:.3f}", f"{top[0]} {top[1]:+.2f}",
        )  # fmt: skip
    out.print(table)


def _print_speciation(name: str, s: Any) -> None:
    table = Table("element", "mol/kg H2O", title=f"{name} at {s.temperature_c:g} °C")
    for el, m in s.molality.items():
        table.add_row(el, f"{m:.5g}")
    out.print(table)
    out.print(
        f"density {s.density:.1f} kg/m³ · ionic strength {s.ionic_strength:.4g} mol/kg · "
        f"water activity {s.water_activity:.4f} · pH {s.pH:.2f}"
    )
    si = Table("phase", "SI", title="Saturation indices (closest to saturation first)")
    for p, v in sorted(s.saturation_index.items(), key=lambda kv: -kv[1])[:12]:
        si.add_row(p, f"{v:+.3f}")
    out.print(si)
    # What was done to the analysis (balancing, an imbalance carried on an anion): said in the
    # table output as it is in the JSON, since it can change the composition a lot.
    for note in s.notes:
        out.print(f"note: {note}", highlight=False, markup=False, soft_wrap=True)


@app.command()
@user_errors
def summary(
    brine: Annotated[str, typer.Argument(help="Catalogue name or brine file.")] = "qarhan",
    temp: TempOpt = None,
) -> None:
    """A readable chemistry summary of a brine (the default job of `make run`)."""
    backend = get_backend()
    b = load_brine(brine, temperature_c=temp, backend=backend)
    out.rule(f"[bold]Brineworks · {b.name}")
    if b.source:
        out.print(f"[dim]source: {b.source}", highlight=False)
    entry = next((e for e in catalogue() if e.name == b.name), None)
    if entry is not None and entry.status == "assumption":
        out.print(
            "[bold yellow]ASSUMPTION: this composition is not a measured analysis (see source)."
        )
    s = backend.speciate(b)
    comp = Table("solute", "g/L", "wt %", "mol/kg H2O", title="Composition")
    gl = b.concentrations("g/L", density=b.density or s.density)
    wt = b.concentrations("wt%")
    for k, m in b.molality.items():
        comp.add_row(k, f"{gl[k]:.4g}", f"{wt[k]:.4g}", f"{m:.4g}")
    out.print(comp)
    cb = b.charge_balance()
    out.print(
        f"temperature {s.temperature_c:g} °C · density {s.density / 1000:.4f} g/cm³ (model)"
        + (f", {b.density / 1000:.4f} given" if b.density_source == "given" and b.density else "")
        + f" · ionic strength {s.ionic_strength:.3g} mol/kg · water activity {s.water_activity:.3f}"
        + f" · pH {s.pH:.2f} · charge balance {cb.percent:+.2f} %",
        highlight=False,
    )
    mg_li = b.concentrations("wt%")
    if "Li" in mg_li and "Mg" in mg_li and mg_li["Li"] > 0:
        out.print(f"Mg/Li mass ratio {mg_li['Mg'] / mg_li['Li']:.0f}", highlight=False)
    si = Table("mineral", "SI", "state", title="Salt-lake minerals: saturation index")
    for p in sorted(
        (p for p in SALT_LAKE_MINERALS if p in s.saturation_index),
        key=lambda p: -s.saturation_index[p],
    ):
        v = s.saturation_index[p]
        state = "supersaturated" if v > 0.01 else "saturated" if v > -0.01 else "undersaturated"
        si.add_row(p, f"{v:+.3f}", state)
    out.print(si)
    over = [p for p in SALT_LAKE_MINERALS if s.saturation_index.get(p, -1) > 0]
    if over:
        eq = backend.equilibrate(b, over)
        table = Table("solid", "mol/kg H2O", "kg/m³ brine", title="At equilibrium, precipitates")
        volume = (1.0 + b.dissolved_mass()) / s.density  # m³ per kg water
        for p in eq.present:
            table.add_row(p, f"{eq.solids[p]:.4g}", f"{eq.solids_mass[p] / volume:.3g}")
        out.print(table)
    else:
        out.print(
            "No salt-lake mineral is supersaturated: the brine must evaporate before salts form."
        )
    from brineworks.chemistry.evaporation import StopCondition, evaporate

    # To bischofite saturation where the brine has magnesium; otherwise as far as the model goes.
    to_bischofite = "Mg" in b.element_molality()
    stop = StopCondition("phase", target="Bischofite") if to_bischofite else StopCondition("end")
    path = evaporate(b, backend=backend, until=stop)
    where = "to bischofite saturation" if to_bischofite else "to the last representable state"
    seq = Table("solid", "appears at % water evaporated", "kg per m³ of brine",
                title=f"On evaporation (fractional, {where})")  # fmt: skip
    volume = (1.0 + b.dissolved_mass()) / s.density  # m³ per kg water
    mass = path.solids_mass()
    for p, f in path.appearance.items():
        seq.add_row(p, f"{100 * f:.1f}", f"{mass.get(p, 0.0) / volume:.3g}")
    out.print(seq)
    final = path.final
    conc = ", ".join(f"{k} {v:.3g}" for k, v in final.concentration.items())
    out.print(
        f"end brine ({path.stop_reason}): density {final.density / 1000:.3f} g/cm³, "
        f"water activity {final.water_activity:.3f}; g/L: {conc}",
        highlight=False,
        markup=False,
    )
    for note in s.notes:
        out.print(f"[dim]note: {note}", highlight=False)


@app.command()
@user_errors
def evaporate(
    brine: Annotated[str, typer.Argument(help="Catalogue name or brine file.")],
    temp: TempOpt = None,
    mode: Annotated[
        str, typer.Option(help="fractional (pond train) or equilibrium.")
    ] = "fractional",
    until: Annotated[
        str,
        typer.Option(help="water:F | phase:NAME | density:G_CM3 | conc:ELEMENT:G_L | end"),
    ] = "end",
    plot: Annotated[
        Path | None, typer.Option(help="Write figures (HTML) into this directory.")
    ] = None,
    png: Annotated[bool, typer.Option("--png", help="With --plot: also write PNG.")] = False,
    as_json: JsonOpt = False,
    backend_name: BackendOpt = "phreeqc",
) -> None:
    """Isothermal evaporation path: what precipitates, when, and how much."""
    from brineworks.chemistry.evaporation import evaporate as run_path
    from brineworks.chemistry.evaporation import parse_stop

    backend = get_backend(backend_name)
    stop = parse_stop(until)
    if mode not in ("fractional", "equilibrium"):
        raise BrineworksInputError("--mode", mode, "fractional or equilibrium")
    _check_plot_folder(plot)
    b = load_brine(brine, temperature_c=temp, backend=backend)
    path = run_path(b, backend=backend, mode=mode, until=stop)  # type: ignore[arg-type]
    path.require_reached("--until")
    if plot is not None:
        from brineworks.report import figures

        figs = {
            "evaporation_concentrations": figures.evaporation_concentrations(path),
            "evaporation_solids": figures.evaporation_solids(path),
        }
        if {"K", "Mg", "S"} & set(path.initial):
            figs["janecke_k2_mg_so4"] = figures.janecke_k2_mg_so4(path)
        _write_figures(figs, plot, png)
    if as_json:
        write_json(path.to_dict())
        return
    out.rule(f"[bold]Evaporation of {b.name} at {b.temperature_c:g} °C ({mode})")
    table = Table("solid", "appears at % water removed", "total mol/kg water", "kg/kg water")
    mass = path.solids_mass()
    for p, n in path.solids_total().items():
        table.add_row(p, f"{100 * path.appearance.get(p, 0.0):.2f}", f"{n:.4g}", f"{mass[p]:.4g}")
    out.print(table)
    f = path.final
    out.print(
        f"final liquid: {100 * f.water_removed:.2f} % of the water evaporated, "
        f"{f.mass_water:.4g} kg water left per kg, density {f.density:.1f} kg/m³, "
        f"water activity {f.water_activity:.3f}",
        highlight=False,
    )
    conc = ", ".join(f"{k} {v:.4g}" for k, v in f.concentration.items())
    out.print(f"final liquid [g/L]: {conc}", highlight=False, markup=False)
    out.print(f"stop: {path.stop_reason}", highlight=False, markup=False)


def _check_plot_folder(plot: Path | None) -> None:
    """A --plot target is a folder (made if missing), never an existing file."""
    if plot is None:
        return
    if plot.exists() and not plot.is_dir():
        raise BrineworksInputError("--plot", str(plot), "a folder for the figures (this is a file)")
    if not str(plot).strip():
        raise BrineworksInputError("--plot", str(plot), "a folder for the figures")


def _write_figures(figs: dict[str, Any], folder: Path, png: bool) -> None:
    """Each figure as self-contained HTML (and PNG if asked), each file whole or not at all
    (figures of an earlier call are replaced)."""
    from brineworks.errors import BrineworksError
    from brineworks.report.files import atomic_file

    try:
        folder.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        raise BrineworksInputError(
            "--plot", str(folder), "a folder path (a file is in the way)"
        ) from None
    for name, fig in figs.items():
        target = folder / f"{name}.html"
        with atomic_file(target, force=True, option="--plot") as fh:
            fig.write_html(fh, include_plotlyjs=True, full_html=True)
        err.print(f"wrote {target}", highlight=False, markup=False)
        if png:
            image = folder / f"{name}.png"
            try:
                with atomic_file(image, force=True, option="--plot", binary=True) as fh:
                    fh.write(fig.to_image(format="png", width=1000, height=650, scale=1))
            except (ValueError, RuntimeError) as exc:  # kaleido missing or failing
                raise BrineworksError(f"PNG export failed ({exc}); the HTML was written") from None
            err.print(f"wrote {image}", highlight=False, markup=False)


DEFAULT_STAGES = ("halite=phase:Carnallite", "carnallite=phase:Bischofite")


@app.command()
@user_errors
def ponds(
    brine: Annotated[str, typer.Argument(help="Catalogue name or brine file.")] = "qarhan",
    site: Annotated[str, typer.Option(help="Climate site (data/climate.csv).")] = "qarhan",
    flow: Annotated[float, typer.Option(help="Pumped brine [m³/yr].")] = 1e8,
    stage: Annotated[
        list[str] | None,
        typer.Option(help="NAME=UNTIL, repeated in order, e.g. halite=phase:Carnallite."),
    ] = None,
    temp: TempOpt = None,
    entrainment: Annotated[
        float | None,
        typer.Option(help="Brine retained in harvested salt [kg/kg] (default: pond_losses.csv)."),
    ] = None,
    seepage: Annotated[
        float | None,
        typer.Option(help="Seepage through the pond floors [mm/day] (default: pond_losses.csv)."),
    ] = None,
    plot: Annotated[Path | None, typer.Option(help="Write the figure into this directory.")] = None,
    png: Annotated[bool, typer.Option("--png", help="With --plot: also write PNG.")] = False,
    as_json: JsonOpt = False,
    backend_name: BackendOpt = "phreeqc",
) -> None:
    """Solar-pond train: areas, salts harvested, losses and where each element goes."""
    from brineworks.chemistry.evaporation import parse_stop
    from brineworks.climate import MONTHS, climate
    from brineworks.constants import SECONDS_PER_YEAR
    from brineworks.process.ponds import PondLosses, PondStage, simulate_pond_train

    stages: list[PondStage] = []
    for text in stage or list(DEFAULT_STAGES):
        name, sep, until = text.partition("=")
        if not sep or not name.strip():
            raise BrineworksInputError("--stage", text, "NAME=UNTIL, e.g. halite=phase:Carnallite")
        if name.strip() in [s.name for s in stages]:
            raise BrineworksInputError("--stage", text, "a distinct NAME for each pond")
        stages.append(PondStage(name.strip(), parse_stop(until)))
    if not (math.isfinite(flow) and 1.0 <= flow <= 1e10):
        raise BrineworksInputError("--flow", flow, "a pumped brine flow of 1 to 1e10 m³/yr")
    _check_plot_folder(plot)
    backend = get_backend(backend_name)
    b = load_brine(brine, temperature_c=temp, backend=backend)
    if entrainment is not None and not 0 <= entrainment < 1:
        raise BrineworksInputError("--entrainment", entrainment, "0 ≤ kg brine per kg salt < 1")
    if seepage is not None and not 0 <= seepage < 86.4:
        raise BrineworksInputError("--seepage", seepage, "0 ≤ mm/day < 86.4")
    losses = PondLosses.default().replace(
        entrainment=entrainment,
        seepage_rate=None if seepage is None else seepage / 1000.0 / 86400.0,
    )
    result = simulate_pond_train(
        b, flow / SECONDS_PER_YEAR, stages, climate(site), losses, backend=backend
    )
    if plot is not None:
        from brineworks.report import figures

        _write_figures({"pond_salts": figures.pond_train_salts(result)}, plot, png)
    d = result.to_dict()
    if as_json:
        write_json(d)
        return
    out.rule(f"[bold]Pond train: {b.name} at {result.climate.name}, {flow:.4g} m³/yr")
    table = Table("pond", "area km²", "net evap m/yr", "a_w", "brine in m³/yr", "brine out m³/yr")
    salts = Table("pond", "salt", "t/yr", "mass %", title="Salts harvested")
    for p in d["ponds"]:
        table.add_row(
            p["name"], f"{p['area_km2']:.2f}", f"{p['net_evaporation_m_per_yr']:.3f}",
            f"{p['water_activity']:.3f}", f"{p['brine_in_m3_per_yr']:.4g}",
            f"{p['brine_out_m3_per_yr']:.4g}",
        )  # fmt: skip
        for k, v in sorted(p["salts_t_per_yr"].items(), key=lambda kv: -kv[1]):
            salts.add_row(p["name"], k, f"{v:.4g}", f"{100 * p['salt_mass_fraction'][k]:.1f}")
    out.print(table)
    out.print(salts)
    route = Table("element", "to salts", "entrained", "seepage", "final brine", title="Routing")
    for el, shares in result.element_routing().items():
        salt = sum(v for k, v in shares.items() if k.endswith(": salt"))
        ent = sum(v for k, v in shares.items() if k.endswith(": entrained"))
        seep = sum(v for k, v in shares.items() if k.endswith(": seepage"))
        route.add_row(el, f"{100 * salt:.1f} %", f"{100 * ent:.1f} %", f"{100 * seep:.1f} %",
                      f"{100 * shares['final brine']:.1f} %")  # fmt: skip
    out.print(route)
    monthly = {p["name"]: p["monthly_evaporation_m3"] for p in d["ponds"]}
    if all(v is not None for v in monthly.values()):
        out.print("Net evaporation by month [m³]")
        months = Table("month", *monthly)
        for k, month in enumerate(MONTHS):
            months.add_row(month.capitalize(), *(f"{v[k]:.4g}" for v in monthly.values()))
        out.print(months)
        t = d["site_evaporation_weighted_temperature_c"]
        if t is not None:
            out.print(f"evaporation-weighted air temperature {t:.1f} °C "
                      f"(ponds solved at {d['temperature_c']:.1f} °C)")  # fmt: skip
    out.print(f"total area {d['total_area_km2']:.2f} km²; losses: {result.losses.source}",
              highlight=False, markup=False)  # fmt: skip


@app.command()
@user_errors
def phases(as_json: JsonOpt = False) -> None:
    """List the solid phases of the database."""
    names = list(get_backend().phases)
    if as_json:
        write_json(names)
        return
    out.print(", ".join(names))


@app.command()
@user_errors
def validate(
    markdown: Annotated[
        Path | None, typer.Option(help="Also write the full report as Markdown to this file.")
    ] = None,
    as_json: JsonOpt = False,
    backend_name: BackendOpt = "phreeqc",
) -> None:
    """Compare the chemistry with published experimental solubilities."""
    from brineworks.chemistry.validation import run_validation, summarise, to_markdown
    from brineworks.report.files import atomic_file

    backend = get_backend(backend_name)
    if markdown is not None and not markdown.parent.is_dir():
        raise BrineworksInputError(
            "--markdown",
            str(markdown),
            f"a file in an existing folder ({markdown.parent} is not one)",
        )
    results = run_validation(backend)
    if markdown is not None:
        database = getattr(backend, "database", None)
        label = str(getattr(database, "name", backend.name))
        with atomic_file(markdown, force=True, option="--markdown") as fh:
            fh.write(to_markdown(results, label))
    if as_json:
        write_json(
            [
                {
                    "case": r.point.case_id,
                    "system": r.point.system,
                    "temperature_c": r.point.temperature - KELVIN_OFFSET,
                    "solids": list(r.point.solids),
                    "salt": r.salt,
                    "experiment": r.measured,
                    "brineworks": r.computed,
                    "rel_error": r.rel_error if math.isfinite(r.computed) else None,
                    "target": r.target,
                    "ok": r.ok,
                    "source": r.point.source,
                    "calibration": r.point.used_in_fit,
                }
                for r in results
            ]
        )
        return
    table = Table("system", "points", "median |err|", "max |err|", "within target", "note")
    for s in summarise(results):
        table.add_row(
            s.system, str(s.n), f"{100 * s.median_abs_error:.2f} %",
            f"{100 * s.max_abs_error:.2f} %",
            f"{s.n_within_target}/{s.n}", "calibration" if s.calibration else "",
        )  # fmt: skip
    out.print(table)
    if markdown is not None:
        out.print(f"full report written to {markdown}")
