"""Reports: figures (plotly), the main job's outputs, and JSON helpers."""

from __future__ import annotations

import math
from typing import Any

__all__ = ["json_ready"]


def json_ready(x: Any) -> Any:
    """``x`` with non-finite floats replaced by ``None`` (JSON has no NaN), recursively."""
    if isinstance(x, float) and not math.isfinite(x):
        return None
    if isinstance(x, dict):
        return {k: json_ready(v) for k, v in x.items()}
    if isinstance(x, list | tuple):
        return [json_ready(v) for v in x]
    return x
