import pytest

from brineworks.climate import MONTHS, climate, parse_monthly, sites
from brineworks.constants import SECONDS_PER_YEAR
from brineworks.errors import BrineworksError, InputError


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


def test_monthly_normals_sum_to_the_year() -> None:
    """Calama (El Loa): pan evaporation 4,514.4 mm/yr over the twelve months of CNR-CIREN
    (1997), rain 3.32 mm/yr (DGA 2005-2014, as printed)."""
    c = climate("calama")
    assert c.monthly is not None
    y = SECONDS_PER_YEAR
    assert c.pan_evaporation * y == pytest.approx(4.5144, rel=1e-12)
    assert c.precipitation * y == pytest.approx(0.00332, rel=1e-12)
    months = c.monthly_brine_evaporation(0.75)
    assert len(months) == 12
    assert sum(months) / y == pytest.approx(c.brine_evaporation(0.75), rel=1e-12)


def test_humidity_limits_brine_evaporation() -> None:
    """With the month's humidity h: E = k E_pan (a_w - h)/(1 - h) - P. January at El Loa:
    E_pan 431.8 mm, h 36.5 %, P 0.01 mm."""
    c = climate("calama")
    jan = c.monthly_brine_evaporation(0.75)[0]
    assert jan == pytest.approx(0.7 * 0.4318 * (0.75 - 0.365) / (1 - 0.365) - 0.00001, rel=1e-12)
    # fresh water evaporates at the pan rate times k; a brine drier than the air takes up water
    assert c.monthly_brine_evaporation(1.0)[0] == pytest.approx(0.7 * 0.4318 - 0.00001)
    assert all(e < 0 for e in c.monthly_brine_evaporation(0.25))
    assert c.brine_evaporation(0.33) < 0


def test_evaporation_weighted_temperature() -> None:
    c = climate("calama")
    assert c.monthly is not None
    assert c.monthly.temperature is not None
    by_hand = sum(
        t * e for t, e in zip(c.monthly.temperature, c.monthly.pan_evaporation, strict=True)
    ) / sum(c.monthly.pan_evaporation)
    t = c.evaporation_weighted_temperature()
    assert t == pytest.approx(by_hand, rel=1e-14)
    assert t is not None
    assert 11.9 < t - 273.15 < 12.1
    assert climate("qarhan").evaporation_weighted_temperature() is None


def test_sites_without_monthly_normals() -> None:
    c = climate("qarhan")
    assert c.monthly is None
    with pytest.raises(InputError, match="calama"):
        c.monthly_brine_evaporation(0.75)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"quantity": "wind"}, "quantity must be one of"),
        ({"unit": "cm"}, "expected 'mm'"),
        ({"jul": "n/a"}, "twelve numbers"),
        ({"jan": "-1"}, "negative depth"),
    ],
)
def test_bad_monthly_rows_are_named(change: dict[str, str], message: str) -> None:
    row = {"site": "x", "quantity": "pan_evaporation", "unit": "mm", "source": "s"}
    row.update(dict.fromkeys(MONTHS, "100"))
    rain = {**row, "quantity": "precipitation"}
    row.update(change)
    with pytest.raises(BrineworksError, match=rf"row 1 \(x, .*{message}"):
        parse_monthly([row, rain])


def test_monthly_rows_must_be_complete() -> None:
    row = {"site": "x", "quantity": "precipitation", "unit": "mm", "source": "s"}
    row.update(dict.fromkeys(MONTHS, "1"))
    with pytest.raises(BrineworksError, match="both pan_evaporation and precipitation"):
        parse_monthly([row])
    with pytest.raises(BrineworksError, match="given twice"):
        parse_monthly([row, dict(row)])
    humid = {**row, "quantity": "relative_humidity", "unit": "%", "jan": "100"}
    with pytest.raises(BrineworksError, match=r"\[0, 100\)"):
        parse_monthly([humid])
