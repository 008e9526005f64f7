"""What every command module shares: the typer app, the consoles, one-line user errors, JSON
output and the common options."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from functools import wraps
from typing import Annotated, Any, ParamSpec, TypeVar

import typer
from rich.console import Console

from brineworks.errors import BrineworksError
from brineworks.report import json_ready

__all__ = ["BackendOpt", "JsonOpt", "TempOpt", "app", "err", "out", "user_errors", "write_json"]

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Brineworks: salt-lake brine chemistry and planning. Run 'brineworks COMMAND --help'.",
)
out = Console()
err = Console(stderr=True)

P = ParamSpec("P")
R = TypeVar("R")


def user_errors(func: Callable[P, R]) -> Callable[P, R]:
    @wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except BrineworksError as exc:
            err.print(f"error: {exc}", markup=False, highlight=False, soft_wrap=True)
            raise typer.Exit(2) from None

    return wrapper


def write_json(obj: Any) -> None:
    sys.stdout.write(json.dumps(json_ready(obj), indent=2, ensure_ascii=False) + "\n")


TempOpt = Annotated[float | None, typer.Option("--temp", help="Temperature [°C].")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")]
BackendOpt = Annotated[
    str,
    typer.Option(
        "--backend", help="Thermodynamic backend: phreeqc (trusted, default) or native (numpy)."
    ),
]
