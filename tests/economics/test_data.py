"""Guards on the economics data files: provenance on every row, ranges on every assumption,
a cost model for every unit kind and reaction, and column sums so that a silent edit fails."""

from __future__ import annotations

import pytest

from brineworks.data import read_rows
from brineworks.economics import load_cost_models, load_finance, load_indices, load_taxes
from brineworks.economics.prices import KINDS

STATUS = {"R", "R-weak", "D", "assumption"}


def rows(name: str) -> list[dict[str, str]]:
    return read_rows("economics", name)


def test_prices_file() -> None:
    data = rows("prices.csv")
    assert list(data[0]) == ["item", "kind", "unit", "low", "mid", "high", "year", "aliases",
                             "source", "status", "note"]  # fmt: skip
    for r in data:
        assert r["source"], r["item"]
        assert r["status"] in STATUS, r["item"]
        assert r["kind"] in KINDS, r["item"]
        assert 0 <= float(r["low"]) <= float(r["mid"]) <= float(r["high"]), r["item"]
        assert r["unit"] in {"CNY/t", "CNY/m3", "CNY/kWh"}
    assert len(data) == 25
    assert sum(float(r["mid"]) for r in data) == pytest.approx(272_153.38, abs=1e-6)


def test_price_history_file() -> None:
    items = {r["item"] for r in rows("prices.csv")}
    data = rows("price_history.csv")
    for r in data:
        assert r["item"] in items
        assert r["source"]
        assert r["status"] in STATUS
        assert len(r["date"]) in (4, 7, 10)
        assert 2000 <= int(r["date"][:4]) <= 2026
        assert float(r["value"]) > 0
    assert {"Li2CO3", "KCl", "Mg", "PVC", "NaOH", "soda ash", "boric acid", "NaCl"} <= {
        r["item"] for r in data
    }
    assert sum(float(r["value"]) for r in data) == pytest.approx(2_196_307.4, abs=1e-6)


def test_taxes_and_finance_files() -> None:
    for name in ("taxes.csv", "finance.csv"):
        for r in rows(name):
            assert r["source"], r
            assert r["status"] in STATUS, r
            if r["status"] == "assumption" and r["low"]:
                assert float(r["low"]) <= float(r["value"]) <= float(r["high"]), r
    assert load_taxes().vat_rate("KCl") == 0.09
    assert load_taxes().surtax_rate == pytest.approx(0.10)
    assert load_finance().discount_rate == 0.08


def test_every_unit_kind_and_reaction_has_a_cost_model() -> None:
    import brineworks.process.units  # noqa: F401  (registers the unit kinds)
    from brineworks.process.unit import unit_types

    models = load_cost_models()
    for kind, cls in unit_types().items():
        if kind != "reactor":
            assert (cls.family or kind) in models, kind
    for r in read_rows("process", "reactions.csv"):
        assert r["name"] in models, r["name"]
    for r in read_rows("process", "capex_references.csv"):
        assert r["target"] in models, r["target"]


def test_cost_models_are_complete() -> None:
    models, idx = load_cost_models(), load_indices()
    price_year = load_finance().price_year
    for m in models.values():
        assert m.source, m.target
        assert m.status in STATUS, m.target
        if m.included_in:
            assert models[m.included_in].costed, m.target
        if not m.costed:
            continue
        assert min(m.ref_capacity, m.capex) > 0, m.target
        assert m.currency in {"CNY", "USD", "EUR"}, m.target
        assert m.index in idx.levels, m.target
        idx.level(m.index, m.year), idx.level(m.index, price_year)  # both years indexed
        idx.cny_per(m.currency, m.year)
        assert m.capex_low <= m.capex <= m.capex_high, m.target
        assert 0.3 <= m.exponent <= 1.0, m.target
        assert m.location_factor > 0, m.target
    total = sum(m.capex for m in models.values() if m.costed)
    assert total == pytest.approx(2.43282e10, rel=1e-9)


def test_cost_index_file() -> None:
    data = rows("cost_index.csv")
    for r in data:
        assert r["source"]
        assert r["status"] in STATUS
    for name in ("CEPCI", "CN_PPI", "CNY_per_USD"):
        years = sorted(int(r["year"]) for r in data if r["index"] == name)
        assert years == list(range(2000, 2025)), name
    assert sum(float(r["value"]) for r in data) == pytest.approx(16_859.60481, abs=1e-6)
