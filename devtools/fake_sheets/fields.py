"""Google field masks ("sheets(properties(sheetId,title)),spreadsheetId", "gridProperties/rowCount") for partial
answers and property updates."""

from __future__ import annotations

import re
from typing import Any

from .errors import ApiError

Mask = dict[str, "Mask"]  # {} below a name means "everything under it"

_TOKEN = re.compile(r"\s*([A-Za-z_*][A-Za-z0-9_]*|[().,/])")


def parse_mask(text: str) -> Mask:
    tokens = [m for m in _TOKEN.findall(text)]
    if "".join(tokens) != re.sub(r"\s+", "", text):
        raise ApiError(400, f"Invalid field selection {text}")
    pos = 0

    def items() -> Mask:
        nonlocal pos
        out: Mask = {}
        while True:
            path = [tokens[pos]]
            pos += 1
            while pos < len(tokens) and tokens[pos] in "./":  # Google accepts "a/b" for "a.b"
                path.append(tokens[pos + 1])
                pos += 2
            sub: Mask = {}
            if pos < len(tokens) and tokens[pos] == "(":
                pos += 1
                sub = items()
                if pos >= len(tokens) or tokens[pos] != ")":
                    raise ApiError(400, f"Invalid field selection {text}")
                pos += 1
            node = out
            for name in path[:-1]:
                node = node.setdefault(name, {})
            node[path[-1]] = _merge(node.get(path[-1]), sub)
            if pos < len(tokens) and tokens[pos] == ",":
                pos += 1
                continue
            return out

    try:
        mask = items() if tokens else {}
    except IndexError:
        raise ApiError(400, f"Invalid field selection {text}") from None
    if pos != len(tokens):
        raise ApiError(400, f"Invalid field selection {text}")
    return mask


def _merge(old: Mask | None, new: Mask) -> Mask:
    if old is None:
        return new
    if not old or not new:
        return {}
    return {**old, **{k: _merge(old.get(k), v) for k, v in new.items()}}


def apply_mask(obj: Any, mask: Mask) -> Any:
    if not mask or "*" in mask:
        return obj
    if isinstance(obj, list):
        return [apply_mask(x, mask) for x in obj]
    if isinstance(obj, dict):
        return {k: apply_mask(obj[k], sub) for k, sub in mask.items() if k in obj}
    return obj


def paths(mask: Mask, prefix: str = "") -> list[str]:
    out = []
    for name, sub in mask.items():
        full = f"{prefix}{name}"
        out.extend(paths(sub, full + ".") if sub else [full])
    return out
