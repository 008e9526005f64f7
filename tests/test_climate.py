import pytest

from brineworks.climate import SECONDS_PER_YEAR, climate, sites
from brineworks.errors import InputError


def test_sites_and_sources() -> None:
    assert "qarhan" in sites()
    for s in sites():
        c = climate(s)
        assert c.source
        assert c.mode in {"pan", "net"}


def test_pan_formula() -> None:
    c = climate("qarhan")
    y = SECONDS_PER_YEAR
    # 0.7 × a_w × 3.282 m/yr − 0.034 m/yr
    assert c.brine_evaporation(0.75) * y == pytest.approx(0.7 * 0.75 * 3.282 - 0.034, rel=1e-12)
    assert c.brine_evaporation(1.0) > c.brine_evaporation(0.5)
    with pytest.raises(InputError, match="water_activity"):
        c.brine_evaporation(0.0)


def test_net_formula() -> None:
    c = climate("salar-de-atacama")
    assert c.brine_evaporation(0.7, 0.7) * SECONDS_PER_YEAR == pytest.approx(1.44)
    assert c.brine_evaporation(0.35, 0.7) * SECONDS_PER_YEAR == pytest.approx(0.72)
