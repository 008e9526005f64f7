from pathlib import Path

import pytest

from brineworks.chemistry.backend import ThermoBackend
from brineworks.chemistry.brine import Brine
from brineworks.chemistry.evaporation import EvaporationPath, StopCondition, evaporate
from brineworks.errors import BrineworksError
from brineworks.report import figures


@pytest.fixture(scope="module")
def path(backend: ThermoBackend) -> EvaporationPath:
    brine = Brine.from_catalogue("west-taijinar", backend=backend)
    return evaporate(brine, backend=backend, until=StopCondition("phase", target="Bischofite"))


def test_concentration_figure_has_one_trace_per_element(path: EvaporationPath) -> None:
    fig = figures.evaporation_concentrations(path)
    assert {t.name for t in fig.data} == set(path.initial)
    assert len(fig.data[0].x) == len(path.steps)


def test_solids_figure_stacks_the_precipitated_solids(path: EvaporationPath) -> None:
    fig = figures.evaporation_solids(path)
    assert {t.name for t in fig.data} == set(path.solids_total())
    halite = next(t for t in fig.data if t.name == "Halite")
    assert sum(halite.y) == pytest.approx(path.solids_mass()["Halite"], rel=1e-9)


def test_janecke_coordinates() -> None:
    assert figures.janecke_coordinates({"K": 2.0, "Mg": 1.0, "S": 1.0}) == pytest.approx(
        (100 / 3, 100 / 3, 100 / 3)
    )
    with pytest.raises(BrineworksError, match="Jänecke"):
        figures.janecke_coordinates({"Na": 1.0})


def test_write_html_and_png(tmp_path: Path, path: EvaporationPath) -> None:
    written = figures.write_figure(figures.janecke_k2_mg_so4(path), tmp_path / "j", png=True)
    assert [p.name for p in written] == ["j.html", "j.png"]
    assert written[1].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "plotly" in written[0].read_text()[:5000].lower()


def test_pond_train_figure(backend: ThermoBackend) -> None:
    from brineworks.climate import climate
    from brineworks.process.ponds import PondStage, simulate_pond_train

    brine = Brine.from_catalogue("qarhan", backend=backend)
    stages = [PondStage("halite", StopCondition("phase", target="Carnallite"))]
    train = simulate_pond_train(brine, 1.0, stages, climate("qarhan"), backend=backend)
    fig = figures.pond_train_salts(train)
    halite = next(t for t in fig.data if t.name == "Halite")
    assert halite.y[0] == pytest.approx(train.ponds[0].salts["Halite"] * 365.25 * 86400 / 1000)
