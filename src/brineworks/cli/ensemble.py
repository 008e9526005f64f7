"""``brineworks ensemble``: Monte Carlo and global sensitivity of a scenario on Dask."""

from __future__ import annotations

import json
from importlib import import_module
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table
from rich.text import Text

from brineworks.cli._common import JsonOpt, app, err, out, user_errors, write_json
from brineworks.errors import InputError
from brineworks.report import json_ready

__all__ = ["ensemble"]


class _Rate(ProgressColumn):
    """Samples per second (or seconds per sample, when slow)."""

    def render(self, task: Task) -> Text:
        speed = task.speed
        if not speed:
            return Text("– /s", style="progress.data.speed")
        if speed >= 1:
            return Text(f"{speed:,.1f} samples/s", style="progress.data.speed")
        return Text(f"{1 / speed:,.1f} s/sample", style="progress.data.speed")


def _model(spec: str | None, scenario: Any) -> Any:
    from brineworks.ensemble import EnsembleModel, ParkModel

    if spec is None:
        return ParkModel(scenario)
    module, _, name = spec.partition(":")
    try:
        factory = getattr(import_module(module), name)
    except (ImportError, AttributeError, ValueError):
        raise InputError("--model", spec, "module:callable, importable") from None
    model = factory(scenario)
    if not isinstance(model, EnsembleModel):
        raise InputError("--model", spec, "a callable returning an EnsembleModel")
    return model


@app.command()
@user_errors
def ensemble(
    scenario: Annotated[
        str, typer.Argument(help="Built-in scenario or TOML file with [[uncertain]] tables.")
    ],
    samples: Annotated[
        int, typer.Option("--samples", help="Samples of the main design (Sobol/Morris round down).")
    ] = 100,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the design (≥ 0).")] = 0,
    method: Annotated[
        str, typer.Option("--method", help="mc, lhs, sobol (Saltelli design) or morris.")
    ] = "mc",
    scheduler: Annotated[
        str | None,
        typer.Option("--scheduler", help="Dask scheduler address (tcp://host:port)."),
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option("--workers", help="Local worker processes (default: CPUs; 0: no Dask)."),
    ] = None,
    out_dir: Annotated[
        Path | None,
        typer.Option("--out", help="Output directory (default ./brineworks-out/NAME-ensemble)."),
    ] = None,
    process_samples: Annotated[
        int | None,
        typer.Option(
            "--process-samples",
            help="mc/lhs: only this many distinct parks, each shared by several money samples.",
        ),
    ] = None,
    tornado: Annotated[
        bool, typer.Option("--tornado/--no-tornado", help="Add the one-at-a-time rows.")
    ] = True,
    money_batch: Annotated[int, typer.Option("--batch", help="Most samples per task.")] = 1000,
    model: Annotated[
        str | None,
        typer.Option(
            "--model",
            help="module:callable(scenario) -> EnsembleModel instead of the scenario's park.",
        ),
    ] = None,
    json_out: JsonOpt = False,
) -> None:
    """Sample a scenario's [[uncertain]] inputs, solve the park per process sample and the money
    per money sample on Dask; write samples.parquet, ensemble.json, sensitivity.json and
    report.html. Run the same command again to resume an interrupted run."""
    from brineworks.ensemble import make_design, run_ensemble, summarise, write_report
    from brineworks.ensemble.runner import Progress as RunProgress
    from brineworks.scenario import load_scenario

    sc = load_scenario(scenario)
    if not sc.uncertain:
        raise InputError("uncertain", [], "at least one [[uncertain]] table in the scenario")
    m = _model(model, sc)
    design = make_design(
        sc.uncertain, method, samples, seed, tornado=tornado, process_samples=process_samples
    )
    target = out_dir if out_dir is not None else Path("brineworks-out") / f"{sc.name}-ensemble"
    parks = len(design.process_groups())
    if not json_out:
        out.print(
            f"{sc.name}: {design.method}, {design.n_main} samples + "
            f"{design.rows - design.n_main} tornado rows, {len(design.process_names)} process and "
            f"{len(design.money_names)} money inputs, {parks} distinct parks → {target}",
            highlight=False, markup=False,
        )  # fmt: skip
    columns = (
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), _Rate(),
        TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn(),
    )  # fmt: skip
    bar = Progress(*columns, console=err, speed_estimate_period=900, disable=json_out)
    task = bar.add_task("samples", total=design.rows)
    last: list[RunProgress] = []

    def progress(p: RunProgress) -> None:
        last[:] = [p]
        bar.update(task, completed=p.done, description=f"samples ({p.failed} failed)")

    try:
        with bar:
            run = run_ensemble(
                m, design, target, scenario=sc.name, scheduler=scheduler, workers=workers,
                money_batch=money_batch, progress=progress,
            )  # fmt: skip
    except KeyboardInterrupt:
        done = last[0].done if last else 0
        err.print(
            f"interrupted: {done} of {design.rows} rows are on disk in {target}; run the same "
            "command again to resume.",
            highlight=False, markup=False,
        )  # fmt: skip
        raise typer.Exit(130) from None
    ens, full = summarise(design, run.table, sc.name)
    (target / "ensemble.json").write_text(
        json.dumps(json_ready(ens), indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    full["run"] = {
        "wall_seconds": run.wall_seconds, "resumed_rows": run.resumed, "parks_solved": run.parks,
        "workers": run.workers, "notes": list(run.notes),
        "compute_seconds": float(run.table["seconds"].sum()),
    }  # fmt: skip
    (target / "sensitivity.json").write_text(
        json.dumps(json_ready(full), indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    report = write_report(run, ens, full, target / "report.html")
    if json_out:
        write_json(ens)
        return
    _summary(ens, full, design, run)
    out.print(
        f"wrote {target / 'samples.parquet'}, ensemble.json, sensitivity.json, {report.name}",
        highlight=False, markup=False,
    )  # fmt: skip


def _summary(ens: dict[str, Any], full: dict[str, Any], design: Any, run: Any) -> None:
    from brineworks.ensemble import ranking

    table = Table(title=f"{ens['scenario']}: {ens['samples']} samples, {ens['failed']} failed")
    for col in ("output", "P10", "P50", "P90", "mean", "most influential inputs"):
        table.add_column(col, justify="left" if col in {"output", "most influential inputs"}
                         else "right")  # fmt: skip
    for name, s in list(ens["outputs"].items())[:30]:
        top = [n for n, score in ranking(full, name)[:3] if score > 0]
        table.add_row(name, *(f"{s[k]:.4g}" if s[k] is not None else "–"
                              for k in ("p10", "p50", "p90", "mean")), ", ".join(top))  # fmt: skip
    out.print(table)
    if len(ens["outputs"]) > 30:
        out.print(f"({len(ens['outputs']) - 30} more outputs in ensemble.json)")
    rows = len(run.table) - run.resumed
    rate = rows / run.wall_seconds if run.wall_seconds > 0 else 0.0
    out.print(
        f"{run.parks} parks solved, {rows} rows in {run.wall_seconds:.1f} s "
        f"({rate:.3g} rows/s, {run.workers} workers); {run.resumed} rows resumed from disk",
        highlight=False, markup=False,
    )  # fmt: skip
    for note in run.notes:
        out.print(note, highlight=False, markup=False)
