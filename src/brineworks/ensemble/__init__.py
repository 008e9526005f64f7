"""Uncertainty at scale: sampled inputs, a park solved per process sample, money re-evaluated
per money sample, on Dask, written as it comes, with global sensitivity.

Layers: :mod:`~brineworks.ensemble.spec` (uncertain inputs, light: the scenario model imports
it), :mod:`~brineworks.ensemble.design` (reproducible designs), :mod:`~brineworks.ensemble.model`
(the two-level model interface and the park), :mod:`~brineworks.ensemble.runner` (Dask
execution, resume), :mod:`~brineworks.ensemble.store` (Parquet parts, manifest),
:mod:`~brineworks.ensemble.sensitivity` (percentiles, Sobol, Morris, tornado) and
:mod:`~brineworks.ensemble.report` (HTML). See ``docs/ensemble.md``.

The heavy modules (Dask, SALib, pandas) are imported on first use of their names, so that
importing the scenario model stays quick.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from brineworks.ensemble.spec import UncertainSpec, check_uncertain, parse_uncertain

if TYPE_CHECKING:
    from brineworks.ensemble.design import Design, make_design
    from brineworks.ensemble.model import (
        EnsembleModel,
        MoneyHook,
        ParkModel,
        ParkState,
        apply_process_inputs,
    )
    from brineworks.ensemble.money import economics_money
    from brineworks.ensemble.report import write_report
    from brineworks.ensemble.runner import EnsembleRun, Progress, run_ensemble
    from brineworks.ensemble.sensitivity import ranking, summarise
    from brineworks.ensemble.toy import Ishigami

__all__ = [
    "Design",
    "EnsembleModel",
    "EnsembleRun",
    "Ishigami",
    "MoneyHook",
    "ParkModel",
    "ParkState",
    "Progress",
    "UncertainSpec",
    "apply_process_inputs",
    "check_uncertain",
    "economics_money",
    "make_design",
    "parse_uncertain",
    "ranking",
    "run_ensemble",
    "summarise",
    "write_report",
]

_LAZY = {
    "Design": "design",
    "make_design": "design",
    "EnsembleModel": "model",
    "MoneyHook": "model",
    "ParkModel": "model",
    "ParkState": "model",
    "apply_process_inputs": "model",
    "economics_money": "money",
    "write_report": "report",
    "EnsembleRun": "runner",
    "Progress": "runner",
    "run_ensemble": "runner",
    "ranking": "sensitivity",
    "summarise": "sensitivity",
    "Ishigami": "toy",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(import_module(f"brineworks.ensemble.{_LAZY[name]}"), name)
    raise AttributeError(f"module 'brineworks.ensemble' has no attribute {name!r}")
