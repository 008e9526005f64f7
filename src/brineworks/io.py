"""Reading brines as users keep them: catalogue names, TOML/JSON brine files, CSV tables."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from brineworks.chemistry.backend import ThermoBackend
from brineworks.chemistry.brine import Brine, catalogue, slugify
from brineworks.chemistry.ions import normalise_ion
from brineworks.errors import BrineworksError, InputError

__all__ = ["BrineRow", "brines_from_csv", "load_brine"]

_CSV_META = {
    "name",
    "unit",
    "density_g_cm3",
    "temperature_c",
    "pH",
    "balance_on",
    "source",
    "allow_imbalance",
}


def load_brine(
    spec: str, *, temperature_c: float | None = None, backend: ThermoBackend | None = None
) -> Brine:
    """A brine from a catalogue name or a ``.toml``/``.json`` brine file.

    Parameters
    ----------
    spec
        Catalogue slug or name, or a path to a brine file.
    temperature_c
        Temperature to use. [°C] For a file without ``temperature_c`` the analysis is read at
        this temperature; otherwise it is read at its own and then brought to this one.
    """
    path = Path(spec)
    if path.suffix.lower() in {".toml", ".json"} or path.exists():
        if path.suffix.lower() == ".csv":
            raise InputError("BRINE", spec, "one brine here; a CSV holds many (use speciate)")
        brine = Brine.from_file(path, temperature_c=temperature_c, backend=backend)
    else:
        slugs = {e.slug for e in catalogue()}
        if slugify(spec) not in slugs:
            raise InputError(
                "BRINE", spec, "a catalogue name (brineworks catalogue) or a .toml/.json/.csv file"
            )
        brine = Brine.from_catalogue(spec, backend=backend)
    if temperature_c is not None:
        brine = brine.with_temperature(temperature_c)
    return brine


@dataclass(frozen=True)
class BrineRow:
    """One row of a CSV of analyses: a brine, or the error that row raised."""

    row: int  # 1-based data row number (the header is row 0)
    name: str
    brine: Brine | None
    error: str = ""


def brines_from_csv(
    path: str | Path,
    *,
    unit: str | None = None,
    temperature_c: float | None = None,
    backend: ThermoBackend | None = None,
) -> Iterator[BrineRow]:
    """Read a CSV of analyses, one brine per row; a bad row yields its error, not an exception.

    Columns: ``name``; one column per solute (any accepted spelling); ``unit`` unless given by
    ``unit``; optional ``density_g_cm3``, ``temperature_c``, ``pH``, ``balance_on``, ``source``.
    """
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise InputError("BRINE", str(p), f"a readable CSV file ({exc.strerror})") from None
    reader = csv.DictReader(text.splitlines())
    header = reader.fieldnames or []
    if "name" not in header:
        raise InputError(f"{p.name} header", header, "a 'name' column and one column per solute")
    if unit is None and "unit" not in header:
        raise InputError(f"{p.name} header", header, "a 'unit' column, or pass --unit")
    solutes = [
        h for h in header if h not in _CSV_META and h.strip().lower() not in {"h2o", "water"}
    ]
    for col in solutes:
        normalise_ion(col, field=f"{p.name} column")
    for i, raw in enumerate(reader, start=1):
        name = (raw.get("name") or f"row {i}").strip()
        try:
            data: dict[str, object] = {"name": name, "unit": unit or raw.get("unit", "")}
            data["composition"] = {
                c: float(raw[c]) if raw[c] and raw[c].strip() else 0.0 for c in solutes
            }
            for key in ("density_g_cm3", "temperature_c", "pH"):
                if raw.get(key, "").strip():
                    data[key] = float(raw[key])
            if temperature_c is not None and "temperature_c" not in data:
                data["temperature_c"] = temperature_c
            if raw.get("balance_on", "").strip():
                data["balance_on"] = raw["balance_on"].strip()
            brine = Brine.from_mapping(data, backend=backend)
            if temperature_c is not None:
                brine = brine.with_temperature(temperature_c)
            yield BrineRow(i, name, brine)
        except ValueError as exc:
            if isinstance(exc, BrineworksError):
                yield BrineRow(i, name, None, str(exc))
            else:
                yield BrineRow(i, name, None, f"not a number: {exc}")
        except BrineworksError as exc:
            yield BrineRow(i, name, None, str(exc))
