"""Price sets: the built-in sets and user files, with one-line errors naming row and field."""

from __future__ import annotations

from pathlib import Path

import pytest

from brineworks.economics import PRICE_SETS, grade_factor, load_prices, price_bases
from brineworks.errors import InputError


def test_builtin_sets_are_ordered_and_non_negative() -> None:
    low, mid, high = (load_prices(s) for s in PRICE_SETS)
    for name, item in mid.items.items():
        assert 0 <= low.items[name].price <= item.price <= high.items[name].price, name


def test_lookup_by_alias_and_component() -> None:
    mid = load_prices("mid")
    assert mid.find("Brucite").item == "Mg(OH)2"
    assert mid.find("CaCO3 (bought)").item == "limestone"
    assert mid.find("Boric_acid,s").item == "boric acid"
    assert mid.find("unobtainium") is None


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "prices.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_user_file_overrides_listed_items_only(tmp_path: Path) -> None:
    path = _write(tmp_path, "# my prices\nitem,unit,mid\nLi2CO3,CNY/t,150000\n")
    prices = load_prices(str(path))
    assert prices.price("Li2CO3") == 150000
    assert prices.price("KCl") == load_prices("mid").price("KCl")
    assert prices.name == str(path)


@pytest.mark.parametrize(
    ("text", "field", "value"),
    [
        ("item,unit,mid\nKCl,CNY/t,2500\nunobtainium,CNY/t,5\n", "row 3: item", "unobtainium"),
        ("item,unit,mid\nKCl,CNY/t,-1\n", "row 2: mid", "-1"),
        ("item,unit,mid\nKCl,CNY/t,cheap\n", "row 2: mid", "cheap"),
        ("item,unit,low,mid\nKCl,CNY/t,x,2500\n", "row 2: low", "x"),
        ("item,unit,mid\nKCl,USD/t,300\n", "row 2: unit", "USD/t"),
        ("item,mid\nKCl,300\n", "header", "item,mid"),
    ],
)
def test_bad_price_files_name_row_and_field(
    tmp_path: Path, text: str, field: str, value: str
) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(InputError) as info:
        load_prices(str(path))
    assert field in info.value.field
    assert info.value.value == value
    assert "\n" not in str(info.value)


def test_unknown_set_name() -> None:
    with pytest.raises(InputError, match="low, mid, high"):
        load_prices("medium")


def test_with_price_refuses_negative() -> None:
    with pytest.raises(InputError):
        load_prices("mid").with_price("KCl", -5.0)


def test_lookup_agrees_with_a_scan_of_every_name() -> None:
    """The name index finds what a scan of the items in order finds: the first item that has
    the name (or alias), case-insensitively."""
    mid = load_prices("mid")
    for it in mid.items.values():
        for name in (it.item, *it.aliases):
            first = next(x for x in mid.items.values() if name.lower() in x.names())
            assert mid.find(name) is first
            assert mid.find(name.upper() + " (bought)") is first


def test_with_prices_changes_several_items_at_once() -> None:
    mid = load_prices("mid")
    both = mid.with_prices({"KCl": 3100.0, "lithium carbonate": 90000.0})
    assert both.price("KCl") == 3100.0
    assert both.price("Li2CO3") == 90000.0 == mid.with_price("Li2CO3", 90000.0).price("Li2CO3")
    assert mid.price("KCl") != 3100.0  # the original is unchanged
    with pytest.raises(InputError, match="unobtainium"):
        mid.with_prices({"unobtainium": 1.0})


def test_potash_has_a_k2o_price_basis_with_a_range() -> None:
    basis = price_bases()["KCl"]
    assert (basis.measure, basis.percent, basis.status) == ("K2O", 60.0, "assumption")
    assert basis.low is not None
    assert basis.high is not None
    assert basis.low <= basis.percent <= basis.high
    # a product without a basis is sold by its mass; one of unknown composition too
    assert grade_factor("Li2CO3", {"Li2CO3": 99.0, "Na": 1.0}) == 1.0
    assert grade_factor("KCl", {}) == 1.0
