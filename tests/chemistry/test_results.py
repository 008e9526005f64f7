"""Typed results: a :class:`Speciation` made from a batch's arrays (dict fields built on first
use) behaves exactly as one made with every field."""

from __future__ import annotations

import copy
import dataclasses
import pickle
import threading

import pytest

from brineworks.chemistry.results import Speciation

SPECIES = ("Na+", "Cl-", "H+", "OH-")
PHASES = ("Halite", "Sylvite")


class _Rows:
    """A batch of two solutions; counts what it is asked, and cannot be pickled (a lock)."""

    def __init__(self) -> None:
        self.asked: list[int] = []
        self.lock = threading.Lock()

    def mappings(self, row: int) -> dict[str, dict[str, float]]:
        self.asked.append(row)
        return {name: _mapping(name, row) for name in FIELDS}


FIELDS = ("molality", "species_molality", "activity", "activity_coefficient", "saturation_index")


def _mapping(name: str, row: int) -> dict[str, float]:
    base = {"molality": 1.0, "species_molality": 2.0, "activity": 3.0}.get(name, 4.0)
    if name == "molality":
        return {"Na": base + row, "Cl": base + row}
    keys = PHASES if name == "saturation_index" else SPECIES
    return {k: base + row + 0.1 * j for j, k in enumerate(keys)}


def _eager(k: int) -> Speciation:
    return Speciation(
        temperature=298.15 + k,
        pH=7.0 - k,
        ionic_strength=1.0 + k,
        water_activity=0.9,
        density=1040.0 + k,
        mass_water=1.0,
        molality=_mapping("molality", k),
        species_molality=_mapping("species_molality", k),
        activity=_mapping("activity", k),
        activity_coefficient=_mapping("activity_coefficient", k),
        saturation_index=_mapping("saturation_index", k),
        charge_balance=0.01 * k,
        notes=(f"row {k}",),
    )


def _lazy(rows: _Rows) -> list[Speciation]:
    return Speciation.from_rows(
        rows,
        [298.15, 299.15],
        [7.0, 6.0],
        [1.0, 2.0],
        [0.9, 0.9],
        [1040.0, 1041.0],
        [1.0, 1.0],
        [0.0, 0.01],
        [("row 0",), ("row 1",)],
    )


def test_lazy_fields_are_built_once_on_first_use() -> None:
    rows = _Rows()
    first, second = _lazy(rows)
    assert rows.asked == []  # nothing built when made
    assert first.pH == 7.0
    assert second.density == 1041.0
    assert rows.asked == []
    assert second.saturation_index == {"Halite": 5.0, "Sylvite": 5.1}
    assert second.saturation_index is second.saturation_index
    assert second.molality == {"Na": 2.0, "Cl": 2.0}
    assert rows.asked == [1]  # the row's five dicts together, once


def test_lazy_result_equals_the_eager_one() -> None:
    rows = _Rows()
    lazy = _lazy(rows)
    for k, result in enumerate(lazy):
        eager = _eager(k)
        assert result == eager
        assert repr(result) == repr(eager)
        assert result.to_dict() == eager.to_dict()
        assert dataclasses.asdict(result) == dataclasses.asdict(eager)
        assert result.supersaturated() == eager.supersaturated()
    assert lazy[0] != lazy[1]


def test_lazy_result_releases_its_batch_once_its_fields_are_built() -> None:
    (result, _) = _lazy(_Rows())
    assert "_rows" in vars(result)
    assert result.activity["Na+"] == 3.0
    assert "_rows" not in vars(result)
    assert result.activity_coefficient["Cl-"] == 4.1


def test_lazy_result_pickles_and_copies_without_its_batch() -> None:
    rows = _Rows()
    result = _lazy(rows)[1]
    with pytest.raises(TypeError):
        pickle.dumps(rows)  # so a pickle of the result cannot contain the batch
    again = pickle.loads(pickle.dumps(result))
    assert again == _eager(1)
    assert "_rows" not in vars(again)
    assert copy.copy(_lazy(rows)[0]) == _eager(0)
    assert copy.deepcopy(_lazy(rows)[1]) == _eager(1)
    changed = dataclasses.replace(_lazy(rows)[0], pH=8.0)
    assert changed.pH == 8.0
    assert changed.molality == {"Na": 1.0, "Cl": 1.0}


def test_lazy_result_stays_frozen_and_reports_unknown_attributes() -> None:
    result = _lazy(_Rows())[0]
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.pH = 1.0  # type: ignore[misc]
    with pytest.raises(AttributeError, match="molalty"):
        _ = result.molalty  # type: ignore[attr-defined]
    with pytest.raises(AttributeError):
        _ = Speciation.__new__(Speciation).molality
