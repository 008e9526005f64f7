"""Fuzz: hostile brine files and CSVs through the CLI (issue 17).

Each example is written to a file and given to ``brineworks speciate``; the outcome must pass
:func:`~tests.fuzz.strategies.check_outcome`: no traceback, no internal error, status 0/2 (1 for
CSV rows), and physical numbers whenever the status says success.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from typer.testing import CliRunner

from brineworks.cli import app
from tests.fuzz.strategies import (
    brine_files,
    check_outcome,
    csv_files,
    fast,
    physical_speciation,
    slow,
)

runner = CliRunner()


def _speciate_file(tmp_path: Path, suffix: str, data: bytes, *args: str) -> Any:
    path = tmp_path / f"fuzz{suffix}"
    path.write_bytes(data)
    return runner.invoke(app, ["speciate", str(path), "--json", *args])


def _physical_rows(rows: list[dict[str, Any]]) -> None:
    assert isinstance(rows, list)
    for r in rows:
        if "error" not in r:
            physical_speciation(r)


def _brine_file(tmp_path: Path, case: tuple[str, bytes]) -> None:
    suffix, data = case
    result = _speciate_file(tmp_path, suffix, data)
    check_outcome(result, physical=physical_speciation)


def _csv_file(tmp_path: Path, data: bytes, backend: str) -> None:
    result = _speciate_file(tmp_path, ".csv", data, "--backend", backend)
    check_outcome(result, csv_rows=True, physical=_physical_rows)


@fast(15)
@given(case=brine_files())
def test_brine_files(tmp_path: Path, case: tuple[str, bytes]) -> None:
    _brine_file(tmp_path, case)


@fast(12)
@given(data=csv_files())
def test_csv_files(tmp_path: Path, data: bytes) -> None:
    _csv_file(tmp_path, data, "phreeqc")


@pytest.mark.slow
@slow(600)
@given(case=brine_files())
def test_brine_files_more(tmp_path: Path, case: tuple[str, bytes]) -> None:
    _brine_file(tmp_path, case)


@pytest.mark.slow
@slow(400)
@given(data=csv_files())
def test_csv_files_more(tmp_path: Path, data: bytes) -> None:
    _csv_file(tmp_path, data, "phreeqc")


@pytest.mark.slow
@slow(200)
@given(data=csv_files())
def test_csv_files_native(tmp_path: Path, data: bytes) -> None:
    _csv_file(tmp_path, data, "native")
