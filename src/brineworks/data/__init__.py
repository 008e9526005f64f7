"""Data files shipped with Brineworks, and the one reader of its CSV tables.

Every CSV here has a header row and may carry ``#`` comment lines (provenance notes); every row
of a table of facts has its source and status.
"""

from __future__ import annotations

import csv
from importlib.resources import files

__all__ = ["read_rows", "read_text"]


def read_text(*parts: str) -> str:
    """The text of a data file, by its path below ``brineworks/data``."""
    return files("brineworks.data").joinpath(*parts).read_text("utf-8")


def read_rows(*parts: str) -> list[dict[str, str]]:
    """Rows of a CSV data file (``#`` lines skipped), as dicts keyed by the header.

    Examples
    --------
    >>> rows = read_rows("atomic_weights.csv")
    >>> next(r for r in rows if r["element"] == "Li")["atomic_weight_g_mol"]
    '6.94'
    """
    text = read_text(*parts)
    return list(csv.DictReader(line for line in text.splitlines() if not line.startswith("#")))
