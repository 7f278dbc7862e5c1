"""How numbers look to a Russian reader: decimal comma, percent sign, a dash for «no data»."""

from __future__ import annotations

import math
from typing import Any


def num(value: Any, digits: int = 1) -> str:
    if value is None:
        return "—"
    try:
        f = float(value)
    except (TypeError, ValueError):
        return "—"
    if math.isnan(f):
        return "—"
    return f"{f:.{digits}f}".replace(".", ",")


def pct(value: Any, digits: int = 1) -> str:
    s = num(value, digits)
    return s if s == "—" else f"{s}\u00a0%"


def count(value: Any) -> str:
    try:
        return str(int(value))
    except (TypeError, ValueError):
        return "—"
