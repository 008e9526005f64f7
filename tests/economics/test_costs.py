"""Plant costs: the power law, cost indices and exchange rates, fixed operating costs."""

from __future__ import annotations

import pytest

from brineworks.economics import (
    Finance,
    escalate,
    fixed_opex,
    load_cost_models,
    load_indices,
    plant_capex,
    plant_jobs,
)
from brineworks.errors import InputError


def test_reference_plant_at_its_own_capacity_and_year_costs_its_reference() -> None:
    models, idx = load_cost_models(), load_indices()
    m = models["chlor_alkali"]  # 100 kt/yr NaOH, 380 M CNY in 2007
    assert plant_capex(m, 100_000, 2007, idx) == pytest.approx(3.8e8, rel=1e-12)


def test_six_tenths_rule() -> None:
    models, idx = load_cost_models(), load_indices()
    m = models["soda_ash"]
    one = plant_capex(m, 100_000, 2024, idx)
    assert plant_capex(m, 200_000, 2024, idx) / one == pytest.approx(2**0.6, rel=1e-12)
    assert plant_capex(m, 0.0, 2024, idx) == 0.0


def test_chinese_reference_indexed_with_the_chained_ppi() -> None:
    idx = load_indices()
    # 2015 (94.8) then 2016 (98.6): one yuan of 2014 is 0.948 x 0.986 yuan of 2016
    assert escalate(1.0, "CNY", 2014, "CN_PPI", 2016, idx) == pytest.approx(0.948 * 0.986)


def test_foreign_reference_indexed_in_dollars_with_cepci_then_converted() -> None:
    models, idx = load_cost_models(), load_indices()
    m = models["boric_acid"]  # US$18.2 M in 2014, 25 kt/yr, location factor 0.75
    expected = 18.2e6 * idx.level("CEPCI", 2024) / 576.1 * idx.cny_per("USD", 2024) * 0.75
    assert plant_capex(m, 25_000, 2024, idx) == pytest.approx(expected, rel=1e-12)


def test_euro_reference_converted_at_its_year() -> None:
    models, idx = load_cost_models(), load_indices()
    m = models["pvc_carbide_route"]  # EUR 240 M in 2008
    assert plant_capex(m, 300_000, 2008, idx) == pytest.approx(240e6 * idx.cny_per("EUR", 2008))


def test_included_and_virtual_units_cost_nothing() -> None:
    models, idx = load_cost_models(), load_indices()
    assert models["lithium_adsorption"].included_in == "lithium_carbonate"
    assert plant_capex(models["lithium_adsorption"], 1e6, 2024, idx) == 0.0
    assert plant_capex(models["mixer"], 1e6, 2024, idx) == 0.0


def test_missing_index_year_is_a_clear_error() -> None:
    with pytest.raises(InputError, match="cost index CEPCI"):
        load_indices().level("CEPCI", 1850)


def test_fixed_opex_and_jobs() -> None:
    f = Finance(maintenance_share=0.03, insurance_share=0.005, overhead_share=0.02,
                wage=100_000, social_charges=0.4)  # fmt: skip
    cost = fixed_opex(2e9, 50, f)
    assert cost.maintenance == pytest.approx(6e7)
    assert cost.insurance == pytest.approx(1e7)
    assert cost.overhead == pytest.approx(4e7)
    assert cost.labour == pytest.approx(50 * 100_000 * 1.4)
    m = load_cost_models()["chlor_alkali"]  # 100 jobs at 385 kt/yr
    assert plant_jobs(m, 385_000 * 16) == pytest.approx(200.0)  # data/impact/jobs.csv, b = 0.25
