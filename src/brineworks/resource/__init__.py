"""The brine resource over decades: a reservoir model of the lake coupled with the park.

The lake is a few well-mixed zones (sections of the playa), each a brine in equilibrium with its
salt bed; every year brine is pumped to the park, the park's returned streams come back
(directly, or as the solvent that dissolves the solid potash ore: solid–liquid conversion),
inflows recharge the zones and water evaporates from the brine table. Every equilibrium is the
chemistry backend's; element masses are conserved exactly. See ``docs/reservoir.md``.

Public API::

    from brineworks.resource import ReservoirSpec, run_scenario, simulate_reservoir
    result = run_scenario(load_scenario("qarhan-circular"), years=30, every=5,
                          backend=get_backend("phreeqc"))
    result.to_dict()            # reservoir.json
"""

from brineworks.resource.figures import grade_figure, stock_figure
from brineworks.resource.model import Parcel, ZoneState
from brineworks.resource.outputs import write_reservoir_outputs
from brineworks.resource.park import NoPark, Park, ParkYear, ScenarioPark, scale_park_year
from brineworks.resource.results import ElementBalance, ParkRecord, ReservoirResult, ZoneYear
from brineworks.resource.run import initial_states, run_scenario, simulate_reservoir
from brineworks.resource.spec import (
    ConversionSpec,
    InflowSpec,
    ReservoirSpec,
    ReturnSpec,
    ZoneSpec,
)

__all__ = [
    "ConversionSpec",
    "ElementBalance",
    "InflowSpec",
    "NoPark",
    "Parcel",
    "Park",
    "ParkRecord",
    "ParkYear",
    "ReservoirResult",
    "ReservoirSpec",
    "ReturnSpec",
    "ScenarioPark",
    "ZoneSpec",
    "ZoneState",
    "ZoneYear",
    "grade_figure",
    "initial_states",
    "run_scenario",
    "scale_park_year",
    "simulate_reservoir",
    "stock_figure",
    "write_reservoir_outputs",
]
