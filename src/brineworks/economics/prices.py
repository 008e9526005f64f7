"""Price sets of the park's products and bought inputs (``data/economics/prices.csv``).

Prices exclude VAT and are in CNY of their year: CNY/t for materials, CNY/kWh for
electricity, CNY/m³ for natural gas and fresh water. The built-in sets are ``low``, ``mid`` and
``high``; a user's CSV of the same columns replaces the built-in ``mid`` price of each item it
lists (its ``mid`` column, or a ``price`` column).

Examples
--------
>>> mid = load_prices("mid")
>>> mid.price("KCl")
2507.0
>>> mid.find("C2H4 (bought)").item
'ethylene'
"""

from __future__ import annotations

import csv
import math
from collections.abc import Mapping
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path
from types import MappingProxyType

from brineworks.data import read_rows
from brineworks.errors import InputError
from brineworks.process.stream import Stream

__all__ = [
    "KINDS",
    "PRICE_SETS",
    "PriceBasis",
    "PriceItem",
    "PriceSet",
    "grade_factor",
    "load_prices",
    "price_bases",
    "price_history",
]

PRICE_SETS = ("low", "mid", "high")
"""Names of the built-in price sets."""

KINDS = ("product", "input", "both")
"""Kinds of price items: sold, bought, or either."""


@dataclass(frozen=True)
class PriceItem:
    """One priced item: its price (ex-VAT) and where it comes from."""

    item: str
    kind: str
    unit: str
    price: float
    year: int
    aliases: tuple[str, ...]
    source: str
    status: str

    def names(self) -> tuple[str, ...]:
        """The item's name and its aliases, lower case."""
        return tuple(n.lower() for n in (self.item, *self.aliases))


def _key(name: str) -> str:
    text = name.strip().lower()
    for suffix in (" (bought)", " (sold)"):
        text = text.removesuffix(suffix)
    return text


@dataclass(frozen=True)
class PriceSet:
    """A set of prices, by item.

    Attributes
    ----------
    name
        ``low``, ``mid``, ``high``, or the path of the file the prices came from.
    items
        Price items by name.
    """

    name: str
    items: Mapping[str, PriceItem]

    def __post_init__(self) -> None:
        object.__setattr__(self, "items", MappingProxyType(dict(self.items)))
        index: dict[str, PriceItem] = {}
        for it in self.items.values():  # the first item with a name wins, as a scan would
            for n in it.names():
                index.setdefault(n, it)
        object.__setattr__(self, "_index", index)

    def find(self, name: str) -> PriceItem | None:
        """The item whose name or alias is ``name`` (case-insensitive; a trailing
        ' (bought)' is ignored), or None."""
        index: dict[str, PriceItem] = self._index  # type: ignore[attr-defined]
        return index.get(_key(name))

    def price(self, item: str) -> float:
        """Price of an item (or alias). [CNY per unit]

        Raises
        ------
        InputError
            If no item has that name.
        """
        it = self.find(item)
        if it is None:
            raise InputError("price item", item, "an item of the set: " + ", ".join(self.items))
        return it.price

    def with_price(self, item: str, price: float) -> PriceSet:
        """A copy with one item's price changed."""
        return self.with_prices({item: price})

    def with_prices(self, prices: Mapping[str, float]) -> PriceSet:
        """A copy with the prices of some items (names or aliases) changed.

        Raises
        ------
        InputError
            For a name no item has, or a price that is not a number >= 0.
        """
        items = dict(self.items)
        index: dict[str, PriceItem] = dict(self._index)  # type: ignore[attr-defined]
        for item, price in prices.items():
            it = self.find(item)
            if it is None:
                allowed = "an item of the set: " + ", ".join(self.items)
                raise InputError("price item", item, allowed)
            _check_price(f"{self.name}: {it.item}", price)
            old = items[it.item]
            items[it.item] = new = replace(old, price=price)
            for n, x in index.items():  # the names that found the old item find the new
                if x is old:
                    index[n] = new
        out = object.__new__(PriceSet)  # the index carried over, not rebuilt
        object.__setattr__(out, "name", self.name)
        object.__setattr__(out, "items", MappingProxyType(items))
        object.__setattr__(out, "_index", index)
        return out

    def to_dict(self) -> dict[str, dict[str, object]]:
        """Items with price, unit, year and status (JSON-ready)."""
        return {
            k: {"price": v.price, "unit": v.unit, "year": v.year, "status": v.status}
            for k, v in self.items.items()
        }


def _check_price(field: str, value: object) -> float:
    try:
        x = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise InputError(field, value, "a number >= 0 (CNY per unit, ex-VAT)") from None
    if not math.isfinite(x) or x < 0:
        raise InputError(field, value, "a number >= 0 (CNY per unit, ex-VAT)")
    return x


@cache
def _builtin_rows() -> tuple[dict[str, str], ...]:
    return tuple(read_rows("economics", "prices.csv"))


def _item(row: Mapping[str, str], column: str, where: str) -> PriceItem:
    return PriceItem(
        item=row["item"],
        kind=row["kind"],
        unit=row["unit"],
        price=_check_price(f"{where}: {column}", row[column]),
        year=int(row["year"]),
        aliases=tuple(a.strip() for a in row["aliases"].split(";") if a.strip()),
        source=row["source"],
        status=row["status"],
    )


@cache
def _builtin(name: str) -> PriceSet:
    rows = _builtin_rows()
    items = {r["item"]: _item(r, name, f"prices.csv {r['item']}") for r in rows}
    return PriceSet(name, items)


def _from_file(path: Path) -> PriceSet:
    base = _builtin("mid")
    try:
        text = path.read_text("utf-8")
    except OSError as exc:
        allowed = f"low, mid, high or a readable CSV ({exc})"
        raise InputError("--prices", str(path), allowed) from None
    lines = [ln for ln in text.splitlines() if not ln.lstrip().startswith("#")]
    reader = csv.DictReader(lines)
    fields = reader.fieldnames or []
    column = "price" if "price" in fields else "mid"
    for need in ("item", "unit", column):
        if need not in fields:
            raise InputError(f"{path} header", ",".join(fields), f"columns item, unit and {column}")
    items = dict(base.items)
    for n, row in enumerate(reader, start=2):
        where = f"{path} row {n}"
        name = (row.get("item") or "").strip()
        known = base.find(name)
        if known is None:
            raise InputError(f"{where}: item", name, "an item of prices.csv: " + ", ".join(items))
        unit = (row.get("unit") or "").strip()
        if unit != known.unit:
            raise InputError(f"{where}: unit", unit, f"{known.unit} (the unit of {known.item})")
        for col in ("low", "mid", "high", "price"):
            if col in fields and (row.get(col) or "").strip():
                _check_price(f"{where}: {col}", row[col])
        price = _check_price(f"{where}: {column}", row.get(column))
        year = (row.get("year") or "").strip()
        items[known.item] = replace(
            known,
            price=price,
            year=int(year) if year.isdigit() else known.year,
            source=(row.get("source") or "").strip() or str(path),
            status=(row.get("status") or "").strip() or "user",
        )
    return PriceSet(str(path), items)


@dataclass(frozen=True)
class PriceBasis:
    """The grade an item's price is quoted for (``data/economics/price_basis.csv``).

    Attributes
    ----------
    item
        The price item.
    measure
        What the grade is measured by (``K2O``: % K2O of the dry product).
    percent
        The grade the price holds for. [% of the dry product]
    status
        ``sourced``, ``derived`` or ``assumption``.
    low, high
        The range of an assumed basis. [%]
    note
        Why this basis.
    """

    item: str
    measure: str
    percent: float
    status: str
    low: float | None = None
    high: float | None = None
    note: str = ""


BASIS_MEASURES = ("K2O",)
"""What a price basis may be measured by."""


@cache
def price_bases() -> dict[str, PriceBasis]:
    """Price bases by item: a product with one is sold pro rata to its content.

    Raises
    ------
    InputError
        For a row with an unknown measure or a percent outside (0, 100].
    """
    out: dict[str, PriceBasis] = {}
    for row in read_rows("economics", "price_basis.csv"):
        if row["measure"] not in BASIS_MEASURES:
            raise InputError(f"price_basis.csv {row['item']}: measure", row["measure"],
                             ", ".join(BASIS_MEASURES))  # fmt: skip
        percent = float(row["percent"])
        if not 0 < percent <= 100:
            raise InputError(f"price_basis.csv {row['item']}: percent", percent, "0 < x <= 100")
        low, high = (float(row[k]) if row[k].strip() else None for k in ("low", "high"))
        out[row["item"]] = PriceBasis(row["item"], row["measure"], percent, row["status"],
                                      low, high, row["note"])  # fmt: skip
    return out


_M_K2O = 2 * 39.098 + 15.999
"""Molar mass of K2O (IUPAC 2021, as ``assess.grades``). [g/mol]"""


def grade_factor(item: str | None, components: Mapping[str, float]) -> float:
    """Tonnes at the price's basis grade per tonne of a product of ``components`` (masses in any
    one unit): its content (e.g. % K2O of the dry product) over the basis of
    ``data/economics/price_basis.csv``; 1 for an item without a basis or a product of unknown
    composition.

    Examples
    --------
    >>> round(grade_factor("KCl", {"KCl": 95.0, "NaCl": 5.0}), 3)  # 60.0 % K2O
    1.0
    >>> round(grade_factor("KCl", {"KCl": 80.0, "NaCl": 20.0}), 4)
    0.8424
    """
    basis = price_bases().get(item or "")
    dry = sum(q for c, q in components.items() if c != "H2O")
    if basis is None or dry <= 0:
        return 1.0
    moles = Stream({c: q for c, q in components.items() if q > 0}).elements()
    k2o = moles.get("K", 0.0) / 2 * _M_K2O / 1000.0  # same mass unit as the components
    return 100.0 * k2o / dry / basis.percent


def load_prices(name_or_path: str) -> PriceSet:
    """A price set: ``low``, ``mid`` or ``high`` of ``prices.csv``, or a CSV file.

    A file has the columns of ``prices.csv`` (at least ``item``, ``unit`` and ``mid`` or
    ``price``); each row replaces that item's built-in ``mid`` price, other items keep it.

    Raises
    ------
    InputError
        For an unknown set name or unreadable file, and for a row with an unknown item, a
        unit other than the item's, or a price that is not a number >= 0 (naming the row and
        the field).
    """
    if name_or_path in PRICE_SETS:
        return _builtin(name_or_path)
    path = Path(name_or_path)
    if path.suffix.lower() != ".csv" and not path.exists():
        raise InputError("--prices", name_or_path, "low, mid, high or a CSV file")
    return _from_file(path)


@cache
def price_history() -> tuple[dict[str, str], ...]:
    """Dated price observations of ``price_history.csv`` (rows as dicts)."""
    return tuple(read_rows("economics", "price_history.csv"))
