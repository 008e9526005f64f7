"""Regional impact of a park: direct jobs from data, indirect and induced effects checked
against the Leontief algebra done here, taxes split by the sourced shares."""

from __future__ import annotations

import numpy as np
import pytest

from brineworks.errors import InputError
from brineworks.impact.io import Regionalisation, load_table, multipliers
from brineworks.impact.regional import (
    ParkImpact,
    ParkSpec,
    PlantSpec,
    direct_jobs,
    jobs_references,
    park_impact,
    split_taxes,
)


def test_direct_jobs_scale_from_the_reference() -> None:
    ref = jobs_references()["lithium_carbonate"]
    assert direct_jobs("lithium_carbonate", ref.capacity_t_per_yr)[0] == pytest.approx(700)
    one, _, _ = direct_jobs("potash_plant", 1e6, exponent=0.25)
    two, _, _ = direct_jobs("potash_plant", 2e6, exponent=0.25)
    assert two / one == pytest.approx(2**0.25)
    jobs, low, high = direct_jobs("mg_electrolysis", 80000)
    assert low <= jobs <= high
    with pytest.raises(InputError, match="target"):
        direct_jobs("unobtainium", 1.0)


def test_every_jobs_row_has_provenance() -> None:
    for ref in jobs_references().values():
        assert ref.source
        assert ref.status in {"R", "R-weak", "D", "assumption"}
        assert ref.low <= ref.jobs <= ref.high


def test_tax_split_uses_the_sharing_rules() -> None:
    """VAT 50/50 since May 2016 (Guofa [2016] 26), EIT 60/40 since 2003, onshore resource tax
    wholly local."""
    s = split_taxes({"vat": 1000.0, "eit": 100.0, "resource_tax": 10.0})
    assert s.by_kind["vat"]["central"] == pytest.approx(500.0)
    assert s.by_kind["eit"]["local"] == pytest.approx(40.0)
    assert s.by_kind["resource_tax"]["local"] == pytest.approx(10.0)
    assert s.central + s.local == pytest.approx(1110.0)
    with pytest.raises(InputError, match="taxes kind"):
        split_taxes({"salt_tax": 1.0})


def _park(value: float = 1e9) -> ParkSpec:
    return ParkSpec(
        (PlantSpec("li", "lithium_carbonate", 20000.0, value, "12"),),
        {"vat": 1e7},
        wage_cny_per_job_yr=100000.0,
        local_hire_share=0.5,
    )


def test_indirect_and_induced_follow_the_leontief_algebra() -> None:
    t = load_table("china-2020-42")
    r = park_impact(_park(), t, "uniform:0.5:0.7")
    reg = Regionalisation.uniform(t, 0.5, 0.7)
    m = multipliers(t, reg)
    f = np.zeros(42)
    f[t.index("12")] = 1e9
    x = (m.leontief - np.eye(42)) @ f
    assert r.indirect.output_cny == pytest.approx(x.sum(), rel=1e-12)
    assert r.indirect.jobs == pytest.approx(t.employment_coefficients @ x, rel=1e-12)
    # the induced round equals the closed model's extra output when the plants' wages are the
    # sector's average: check instead that it is the geometric series of household spending
    hr, hc = t.labour_coefficients, 0.7 * t.household_consumption_coefficients
    y0 = r.direct.jobs * 1e5 * 0.5 + hr @ x
    xs, y, total = np.zeros(42), y0, np.zeros(42)
    for _ in range(200):
        xs = m.leontief @ (hc * y)
        total += xs
        y = hr @ xs
    assert r.induced.output_cny == pytest.approx(total.sum(), rel=1e-9)
    assert r.local_income_cny == pytest.approx(
        r.direct.wages_cny * 0.5 + r.indirect.wages_cny + r.induced.wages_cny
    )
    assert r.taxes.local == pytest.approx(5e6)


def test_regional_effects_are_below_national() -> None:
    r = park_impact(_park(), "china-2020-42")
    assert r.indirect.jobs < r.national["indirect"].jobs
    assert r.induced.jobs < r.national["induced"].jobs
    jobs = [s["indirect_jobs"] for s in r.sensitivity[1:4]]  # uniform low, central, high
    assert jobs == sorted(jobs)
    d = r.to_dict()
    assert set(d) >= {"direct", "indirect", "induced", "taxes_cny", "local_income_cny"}
    assert set(d["direct"]) >= {"jobs", "wages_cny"}


def test_more_sales_more_effects() -> None:
    small = park_impact(_park(1e8), "china-2020-42")
    large = park_impact(_park(1e9), "china-2020-42")
    assert large.indirect.jobs == pytest.approx(10 * small.indirect.jobs)
    assert large.direct.jobs == pytest.approx(small.direct.jobs)


def test_from_results_builds_plants_from_units_and_products() -> None:
    data = {
        "scenario": "toy",
        "products_t_per_yr": {"KCl": 1.0e6, "Li2CO3": 1.0e4, "H2": 10.0},
        "units": [
            {"unit": "potash", "kind": "potash_plant", "target": "potash_plant",
             "capacity_t_per_yr": 1.0e6},
            {"unit": "carbonation", "kind": "lithium_carbonate", "target": "lithium_carbonate",
             "capacity_t_per_yr": None},
            {"unit": "adsorption", "kind": "lithium_adsorption", "target": "lithium_adsorption",
             "capacity_t_per_yr": None},
            {"unit": "mystery", "kind": "reactor", "target": "mystery_reaction",
             "capacity_t_per_yr": None},
        ],
    }  # fmt: skip
    r = ParkImpact.from_results(data, prices={"KCl": 2000.0, "Li2CO3": 50000.0})
    by = {p.target: p for p in r.plants}
    assert by["potash_plant"].output_value_cny == pytest.approx(2.0e9)
    assert by["lithium_carbonate"].capacity_t_per_yr == pytest.approx(1.0e4)
    assert r.direct.output_cny == pytest.approx(2.5e9)
    assert any("mystery_reaction" in n for n in r.notes)
    assert any("H2" in n for n in r.notes)
    assert r.taxes.total > 0
    with pytest.raises(InputError, match="results"):
        ParkImpact.from_results({"units": []})
