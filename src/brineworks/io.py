"""Reading brines as users keep them: catalogue names, TOML/JSON brine files, CSV tables.

Every file is read through :func:`read_text` (or, for a CSV, :func:`open_csv`), which accepts
UTF-8 with or without a byte-order mark and UTF-16 with one (Excel's "Unicode text"), and
refuses by name anything else: a folder, a binary file, or 8-bit text such as Latin-1 or
Windows-1252 (unless its encoding is named). A CSV is checked as a table before any row is
used: one header of distinct, known columns (``Na`` and ``Na+`` are the same column), rows of
the header's width, at least one row. Large CSVs are read and speciated in chunks
(:func:`speciate_csv`), so memory stays flat whatever the number of rows.
"""

from __future__ import annotations

import codecs
import csv
import math
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import numpy as np
from numpy.typing import NDArray

from brineworks.chemistry.backend import ThermoBackend, get_backend
from brineworks.chemistry.brine import (
    PER_VOLUME_UNITS,
    Brine,
    batch_isolating_errors,
    catalogue,
    check_given_density,
    normalise_unit,
    slugify,
)
from brineworks.chemistry.ions import ion, normalise_ion
from brineworks.chemistry.results import Speciation
from brineworks.errors import BrineworksError, InputError
from brineworks.textfiles import (
    MAX_TEXT_FILE_BYTES,
    decode_text,
    encoding_of,
    file_argument,
    read_text,
    undecodable_error,
)

__all__ = [
    "MAX_TEXT_FILE_BYTES",
    "BrineRow",
    "CsvTable",
    "SpeciatedRow",
    "brines_from_csv",
    "decode_text",
    "load_brine",
    "open_csv",
    "read_text",
    "speciate_csv",
]

_CSV_META = {
    "name": "name",
    "unit": "unit",
    "density_g_cm3": "density_g_cm3",
    "temperature_c": "temperature_c",
    "ph": "pH",
    "balance_on": "balance_on",
    "source": "source",
    "allow_imbalance": "allow_imbalance",
}
_WATER = {"h2o", "water"}
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_DECIMAL_COMMA = re.compile(r"^[+-]?(\d+(,\d*)?|,\d+)([eE][+-]?\d+)?$")


def load_brine(
    spec: str | Path, *, temperature_c: float | None = None, backend: ThermoBackend | None = None
) -> Brine:
    """A brine from a catalogue name or a ``.toml``/``.json`` brine file.

    Parameters
    ----------
    spec
        Catalogue slug or name, or a path to a brine file.
    temperature_c
        Temperature to use. [°C] For a file without ``temperature_c`` the analysis is read at
        this temperature; otherwise it is read at its own and then brought to this one.

    Raises
    ------
    InputError
        For anything but a catalogue name or a readable brine file.
    """
    allowed = "a catalogue name (brineworks catalogue) or a .toml/.json brine file"
    if not isinstance(spec, str | Path) or not str(spec).strip():
        shown = spec if spec is None or isinstance(spec, str) else type(spec).__name__
        raise InputError("BRINE", shown, allowed)
    _check_temperature_option(temperature_c)
    path = Path(spec)
    if path.suffix.lower() == ".csv":
        raise InputError("BRINE", str(spec), "one brine here; a CSV holds many (use speciate)")
    if path.suffix.lower() in {".toml", ".json"} or path.exists():
        brine = Brine.from_file(path, temperature_c=temperature_c, backend=backend)
    else:
        slugs = {e.slug for e in catalogue()}
        if slugify(str(spec)) not in slugs:
            raise InputError("BRINE", str(spec), allowed)
        brine = Brine.from_catalogue(str(spec), backend=backend)
    if temperature_c is not None:
        brine = brine.with_temperature(temperature_c)
    return brine


def _check_temperature_option(temperature_c: object) -> None:
    if temperature_c is None:
        return
    if (
        isinstance(temperature_c, bool)
        or not isinstance(temperature_c, int | float)
        or not math.isfinite(temperature_c)
    ):
        raise InputError("temperature_c", temperature_c, "a number of degrees Celsius")


# ---------------------------------------------------------------------- CSV tables
@dataclass
class CsvTable:
    """An open CSV of analyses whose header has been checked (see :func:`open_csv`).

    Attributes
    ----------
    path
        The file.
    columns
        Header names as written.
    solutes
        Column index → canonical solute of each solute column.
    meta
        Field (``name``, ``unit``, ``pH`` …) → column index.
    delimiter
        ``,``, ``;`` or tab. With ``;`` a decimal comma is read as a decimal point.
    encoding
        The encoding read.
    rows_estimate
        Lines after the header (blank and comment lines included): an upper bound of the rows.
    """

    path: Path
    columns: list[str]
    solutes: dict[int, str]
    meta: dict[str, int]
    delimiter: str
    encoding: str
    rows_estimate: int
    _handle: IO[str] = field(repr=False)
    _reader: Iterator[list[str]] = field(repr=False)

    def close(self) -> None:
        """Close the file."""
        self._handle.close()

    def __enter__(self) -> CsvTable:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def records(self) -> Iterator[tuple[int, str, dict[str, Any] | None, str]]:
        """(row number, name, brine-file mapping or None, error) per data row, in order.

        Blank rows (every cell empty) are skipped; the row number counts data rows from 1.
        """
        width = len(self.columns)
        decimal_comma = self.delimiter == ";"
        number = 0
        for cells in self._cells():
            if not cells or all(not c.strip() for c in cells):
                continue
            number += 1
            name_col = self.meta.get("name")
            name = cells[name_col].strip() if name_col is not None and name_col < len(cells) else ""
            name = name or f"row {number}"
            if len(cells) != width and not (
                len(cells) > width and all(not c.strip() for c in cells[width:])
            ):
                yield (
                    number,
                    name,
                    None,
                    (
                        f"this row has {len(cells)} cells and the header {width}: "
                        "every row needs one cell per column (a missing cell is not read as 0)"
                    ),
                )
                continue
            try:
                yield number, name, self._mapping(cells, name, decimal_comma), ""
            except BrineworksError as exc:
                yield number, name, None, str(exc)
        if number == 0:
            raise InputError(self.path.name, "a header without rows", "at least one data row")

    def _cells(self) -> Iterator[list[str]]:
        while True:
            try:
                cells = next(self._reader)
            except StopIteration:
                return
            except csv.Error as exc:
                line = getattr(self._reader, "line_num", 0)
                raise InputError(
                    f"{self.path.name} line {line}", "malformed CSV", str(exc)
                ) from None
            yield cells

    def _mapping(self, cells: list[str], name: str, decimal_comma: bool) -> dict[str, Any]:
        def num(col: int, what: str) -> float | None:
            text = cells[col].strip()
            if not text:
                return None
            if decimal_comma and _DECIMAL_COMMA.match(text):
                text = text.replace(",", ".")
            if not _NUMBER.match(text):
                raise InputError(what, text, "a number (an empty cell for none)")
            return float(text)

        composition: dict[str, float] = {}
        for col, key in self.solutes.items():
            value = num(col, f"{self.columns[col]}")
            composition[key] = 0.0 if value is None else value
        data: dict[str, Any] = {"name": name, "composition": composition}
        if "unit" in self.meta:
            data["unit"] = cells[self.meta["unit"]].strip()
        for key in ("density_g_cm3", "temperature_c", "pH"):
            if key in self.meta:
                value = num(self.meta[key], key)
                if value is not None:
                    data[key] = value
        for key in ("balance_on", "source", "allow_imbalance"):
            if key in self.meta and cells[self.meta[key]].strip():
                data[key] = cells[self.meta[key]].strip()
        return data


def _sniff_delimiter(header: str) -> str:
    counts = {d: header.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] > 0 else ","


def open_csv(path: object, *, encoding: str | None = None) -> CsvTable:
    """Open a CSV of analyses and check its header (the rows are read lazily).

    The encoding is found as in :func:`decode_text`; the whole file is decoded first, in
    chunks, so that a bad byte on its last line is refused before any row is used. The
    delimiter is the header's most frequent of ``,``, ``;`` and tab. ``#`` comment lines and
    blank lines before the header are skipped.

    Raises
    ------
    InputError
        For a file that cannot be read as text, no header, a header without a ``name``
        column, an empty, repeated or unknown column name, a solute given twice (``Na`` and
        ``Na+``), or no data rows.
    """
    p = file_argument(path, "BRINE")
    if encoding is not None:
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise InputError(
                "encoding", encoding, "an encoding Python knows, e.g. latin-1"
            ) from None
    try:
        with p.open("rb") as fh:
            head = fh.read(65536)
            codec = encoding if encoding is not None else encoding_of(head[:4])
            lines = _check_whole_file(fh, head, codec, str(p), named=encoding is not None)
    except OSError as exc:
        raise InputError("BRINE", str(p), f"a readable CSV file ({exc.strerror})") from None
    handle = p.open("r", encoding=codec, newline="")
    try:
        first = ""
        while True:
            line = handle.readline()
            if not line:
                break
            if line.strip() and not line.lstrip().startswith("#"):
                first = line
                break
            lines -= 1
        if not first:
            raise InputError(p.name, "an empty file", "a header line and at least one row")
        delimiter = _sniff_delimiter(first)
        header = next(csv.reader([first], delimiter=delimiter))
        columns, solutes, meta = _check_header(header, p.name)
        if lines <= 1:
            raise InputError(p.name, "a header without rows", "at least one data row")
        return CsvTable(
            path=p, columns=columns, solutes=solutes, meta=meta, delimiter=delimiter,
            encoding=codec, rows_estimate=lines - 1, _handle=handle,
            _reader=csv.reader(handle, delimiter=delimiter),
        )  # fmt: skip
    except BaseException:
        handle.close()
        raise


def _check_whole_file(fh: IO[bytes], head: bytes, codec: str, name: str, *, named: bool) -> int:
    """Decode the whole file in chunks (refusing binary data or another encoding by name)
    and count its lines."""
    decoder = codecs.getincrementaldecoder(codec)()
    lines = 0
    chunk = head
    first = True
    ends_with_newline = True
    while chunk:
        if first and codec == "utf-8" and b"\x00" in chunk[:4096]:
            raise InputError("BRINE", name, "a text file (this one holds binary data, or UTF-16 "
                             "without a byte-order mark)")  # fmt: skip
        try:
            text = decoder.decode(chunk)
        except UnicodeDecodeError as exc:
            if named or codec != "utf-8":
                raise InputError("BRINE", name, f"valid {codec} text ({exc.reason})") from None
            raise undecodable_error(chunk, exc, "BRINE", name, lines) from None
        if first:
            bad = sum(1 for ch in text[:4096] if ord(ch) < 0x20 and ch not in "\t\n\r\f")
            if bad >= 8 and bad > 0.02 * max(len(text[:4096]), 1):
                raise InputError("BRINE", name, "a text file (this one holds binary data)")
        if "\x00" in text:
            raise InputError("BRINE", name, "a text file (this one holds binary data)")
        if text:
            lines += text.count("\n")
            ends_with_newline = text.endswith("\n")
        first = False
        chunk = fh.read(1 << 20)
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        raise InputError("BRINE", name, f"valid {codec} text (it ends mid-character)") from None
    return lines + (0 if ends_with_newline else 1)


def _check_header(header: list[str], name: str) -> tuple[list[str], dict[int, str], dict[str, int]]:
    columns = [h.strip() for h in header]
    where = f"{name} header"
    for k, col in enumerate(columns):
        if not col:
            raise InputError(where, columns, f"a name for every column (column {k + 1} has none)")
    seen: dict[str, str] = {}
    solutes: dict[int, str] = {}
    meta: dict[str, int] = {}
    for k, col in enumerate(columns):
        low = col.lower()
        if low in _CSV_META:
            key = _CSV_META[low]
        elif low in _WATER:
            continue
        else:
            key = normalise_ion(col, field=f"{name} column")
        if key in seen:
            raise InputError(
                where,
                col,
                f"each column once ({seen[key]!r} and {col!r} are both {key})",
            )
        seen[key] = col
        if low in _CSV_META:
            meta[key] = k
        else:
            solutes[k] = key
    if "name" not in meta:
        raise InputError(where, columns, "a 'name' column and one column per solute")
    if not solutes:
        raise InputError(where, columns, "at least one solute column (Li, Na, Mg, Cl, SO4, ...)")
    return columns, solutes, meta


@dataclass(frozen=True)
class BrineRow:
    """One row of a CSV of analyses: a brine, or the error that row raised."""

    row: int  # 1-based data row number (the header is row 0)
    name: str
    brine: Brine | None
    error: str = ""
    unit: str = ""  # the row's unit as written (or --unit)
    speciation: Speciation | None = None  # kept from the density iteration, when there was one


def _chunks(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    chunk: list[Any] = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _check_options(unit: str | None, table: CsvTable, temperature_c: float | None) -> None:
    if unit is not None:
        normalise_unit(unit)
        if "unit" in table.meta:
            raise InputError(
                "--unit", unit, f"no --unit for {table.path.name}: it has a 'unit' column"
            )
    elif "unit" not in table.meta:
        raise InputError(f"{table.path.name} header", table.columns,
                         "a 'unit' column, or pass --unit")  # fmt: skip
    _check_temperature_option(temperature_c)


class _DensityFit:
    """A linear fit of computed densities to the g/L of each solute and the temperature,
    learnt from the rows of the chunks before: the density iteration of the next chunk starts
    from it (some iterations fewer; the converged result does not depend on the start)."""

    def __init__(self) -> None:
        self.keys: list[str] = []
        self.coef: NDArray[np.float64] | None = None

    @staticmethod
    def _features(g_per_l: dict[str, float], keys: list[str], temperature: float) -> list[float]:
        return [1.0, temperature - 298.15, *(g_per_l.get(k, 0.0) for k in keys)]

    def guess(self, amounts: Mapping[str, float], unit: str) -> float | None:
        if self.coef is None:
            return None
        u = normalise_unit(unit)
        scale = {"g/L": 1.0, "mg/L": 1e-3}
        g = {k: v * (scale[u] if u in scale else ion(k).molar_mass) for k, v in amounts.items()}
        if set(g) - set(self.keys):
            return None
        # The fit knows the temperature only through its coefficient; 25 °C assumed here is
        # corrected by the iteration.
        return float(np.dot(self._features(g, self.keys, 298.15), self.coef))

    def learn(self, brines: list[Brine]) -> None:
        rows = [b for b in brines if b.density_source == "computed" and b.density is not None]
        keys = sorted({k for b in rows for k in b.molality})
        if len(rows) < 3 * (len(keys) + 2):
            return
        x = np.array([self._features(b.concentrations("g/L"), keys, b.temperature) for b in rows])
        y = np.array([b.density for b in rows])
        coef, *_ = np.linalg.lstsq(x, y, rcond=None)
        self.keys, self.coef = keys, coef


def _brine_rows(
    table: CsvTable,
    unit: str | None,
    temperature_c: float | None,
    backend: ThermoBackend,
    chunk_size: int,
    check_density: bool,
    keep_speciations: bool = False,
) -> Iterator[BrineRow]:
    fit = _DensityFit()
    for chunk in _chunks(table.records(), chunk_size):
        mappings: list[dict[str, Any]] = []
        for _, _, data, _ in chunk:
            if data is None:
                continue
            if unit is not None:
                data["unit"] = unit
            if temperature_c is not None and "temperature_c" not in data:
                data["temperature_c"] = temperature_c
            mappings.append(data)
        kept: dict[int, Speciation] | None = {} if keep_speciations else None
        built = Brine.many_from_mappings(
            mappings, backend=backend, check_density=check_density, speciations=kept,
            density_guess=fit.guess,
        )  # fmt: skip
        fit.learn([b for b in built if isinstance(b, Brine)])
        position = 0
        for number, name, data, error in chunk:
            if data is None:
                yield BrineRow(number, name, None, error)
                continue
            result = built[position]
            state = kept.get(position) if kept is not None else None
            position += 1
            if isinstance(result, BrineworksError):
                yield BrineRow(number, name, None, str(result), data.get("unit", ""))
                continue
            try:
                brine = result
                if temperature_c is not None:
                    brine = brine.with_temperature(temperature_c)
            except BrineworksError as exc:
                yield BrineRow(number, name, None, str(exc), data["unit"])
                continue
            if brine is not result:
                state = None  # solved at the row's own temperature
            yield BrineRow(number, name, brine, "", data["unit"], state)


def brines_from_csv(
    path: str | Path,
    *,
    unit: str | None = None,
    temperature_c: float | None = None,
    backend: ThermoBackend | None = None,
    encoding: str | None = None,
    chunk_size: int = 1000,
) -> Iterator[BrineRow]:
    """Read a CSV of analyses, one brine per row; a bad row yields its error, not an exception.

    Columns: ``name``; one column per solute (any accepted spelling, each solute once);
    ``unit`` unless given by ``unit``; optional ``density_g_cm3``, ``temperature_c``, ``pH``,
    ``balance_on``, ``allow_imbalance``, ``source``. An empty solute cell is 0. Rows are read
    ``chunk_size`` at a time; missing densities of a chunk are computed together.

    Raises
    ------
    InputError
        When the file as a whole cannot be used (see :func:`open_csv`), or for a ``unit``
        given both here and in the file.
    """
    be = backend if backend is not None else get_backend()
    with open_csv(path, encoding=encoding) as table:
        _check_options(unit, table, temperature_c)
        yield from _brine_rows(table, unit, temperature_c, be, chunk_size, check_density=True)


@dataclass(frozen=True)
class SpeciatedRow:
    """One row of a CSV speciated: the brine and its speciation, or the row's error."""

    row: int
    name: str
    brine: Brine | None
    speciation: Speciation | None
    error: str = ""

    def to_dict(self) -> dict[str, Any]:
        """The JSON form of ``brineworks speciate FILE.csv --json``."""
        if self.speciation is None:
            return {"row": self.row, "name": self.name, "error": self.error}
        return {"row": self.row, "name": self.name, "solids": {}, **self.speciation.to_dict()}


def speciate_csv(
    path: str | Path,
    *,
    backend: ThermoBackend | None = None,
    unit: str | None = None,
    temperature_c: float | None = None,
    encoding: str | None = None,
    chunk_size: int = 500,
) -> Iterator[SpeciatedRow]:
    """Speciate every row of a CSV of analyses, ``chunk_size`` rows at a time, in row order.

    With a backend that has ``speciate_many`` (native), each chunk's missing densities and its
    speciations are solved in batches (a row that fails is isolated by halving the batch);
    otherwise row by row. A density given with a per-volume analysis is compared with the
    speciation's own density (:func:`~brineworks.chemistry.brine.check_given_density`), at no
    extra cost. Memory is bounded by the chunk, not the file.

    Raises
    ------
    InputError
        When the file as a whole cannot be used (see :func:`open_csv`).
    """
    be = backend if backend is not None else get_backend()
    if isinstance(chunk_size, bool) or not isinstance(chunk_size, int) or chunk_size < 1:
        raise InputError("chunk_size", chunk_size, "a whole number of rows ≥ 1")
    many = getattr(be, "speciate_many", None)
    with open_csv(path, encoding=encoding) as table:
        _check_options(unit, table, temperature_c)
        rows = _brine_rows(
            table, unit, temperature_c, be, chunk_size, check_density=False,
            keep_speciations=many is not None,
        )  # fmt: skip
        for chunk in _chunks(rows, chunk_size):
            good = [r.brine for r in chunk if r.brine is not None and r.speciation is None]
            if many is not None:
                states = iter(batch_isolating_errors(lambda b: many(b), good))
            else:
                states = iter(_one_by_one(be, good))
            for r in chunk:
                if r.brine is None:
                    yield SpeciatedRow(r.row, r.name, None, None, r.error)
                    continue
                state = r.speciation if r.speciation is not None else next(states)
                if isinstance(state, BrineworksError):
                    yield SpeciatedRow(r.row, r.name, r.brine, None, str(state))
                    continue
                if (
                    r.brine.density_source == "given"
                    and r.brine.density is not None
                    and normalise_unit(r.unit) in PER_VOLUME_UNITS
                ):
                    try:
                        check_given_density(r.brine.density, state.density)
                    except InputError as exc:
                        yield SpeciatedRow(r.row, r.name, r.brine, None, str(exc))
                        continue
                yield SpeciatedRow(r.row, r.name, r.brine, state)


def _one_by_one(backend: ThermoBackend, brines: list[Brine]) -> list[Speciation | BrineworksError]:
    out: list[Speciation | BrineworksError] = []
    for b in brines:
        try:
            out.append(backend.speciate(b))
        except BrineworksError as exc:
            out.append(exc)
    return out
