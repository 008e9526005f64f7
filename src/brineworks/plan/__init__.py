"""Multi-year build plans: which plants to build, when and at what size (a MILP over a
superstructure of candidate technologies, solved by HiGHS).

Layers: :mod:`~brineworks.plan.superstructure` (data: commodities, resource, quotas, budget,
technologies; TOML files), :mod:`~brineworks.plan.model` (the Pyomo model, one function per
family of constraints, objectives, infeasibility diagnosis), :mod:`~brineworks.plan.linearise`
(technology yields from a solved flowsheet) and :mod:`~brineworks.plan.outputs` (plan.json,
Gantt chart, workbook, Pareto front).
"""

from __future__ import annotations

from brineworks.plan.linearise import Linearisation, derive_yields, linearise, scaling_check
from brineworks.plan.model import (
    InfeasibilityReport,
    ParetoFront,
    PlanInfeasibleError,
    PlanResult,
    PlanSolverError,
    Violation,
    build_model,
    diagnose_infeasibility,
    optimise,
    pareto_front,
    solve,
)
from brineworks.plan.superstructure import (
    PlanData,
    Superstructure,
    load_superstructure,
    resolve,
)

__all__ = [
    "InfeasibilityReport",
    "Linearisation",
    "ParetoFront",
    "PlanData",
    "PlanInfeasibleError",
    "PlanResult",
    "PlanSolverError",
    "Superstructure",
    "Violation",
    "build_model",
    "derive_yields",
    "diagnose_infeasibility",
    "linearise",
    "load_superstructure",
    "optimise",
    "pareto_front",
    "resolve",
    "scaling_check",
    "solve",
]
