"""Unit operations, one module per family. Importing this package registers every kind: each
module of the package is imported, so a new kind needs no line here."""

import importlib
import pkgutil

from brineworks.process.units.basic import ComponentSplitter, Mixer, Splitter
from brineworks.process.units.boron import BoricAcid
from brineworks.process.units.crystalliser import Crystalliser
from brineworks.process.units.dissolver import Dissolver
from brineworks.process.units.lithium import LithiumAdsorption, LithiumCarbonate
from brineworks.process.units.magnesium import CalciumRemoval, MagnesiumRemoval
from brineworks.process.units.membrane import Electrodialysis, Nanofiltration, ReverseOsmosis
from brineworks.process.units.ponds import PondTrain
from brineworks.process.units.potash import PotashPlant
from brineworks.process.units.reactor import Reactor
from brineworks.process.units.washer import Washer

for _module in pkgutil.iter_modules(__path__):
    importlib.import_module(f"{__name__}.{_module.name}")

__all__ = [
    "BoricAcid",
    "CalciumRemoval",
    "ComponentSplitter",
    "Crystalliser",
    "Dissolver",
    "Electrodialysis",
    "LithiumAdsorption",
    "LithiumCarbonate",
    "MagnesiumRemoval",
    "Mixer",
    "Nanofiltration",
    "PondTrain",
    "PotashPlant",
    "Reactor",
    "ReverseOsmosis",
    "Splitter",
    "Washer",
]
