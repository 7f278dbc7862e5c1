"""Checking candidate rows (a form, a grid, an upload, a write command) with exactly the rules a sheet gets.

The candidate rows go through the same vectorised field parsing and the same cross-field rules as a whole
worksheet, against the rest of the already validated workbook, so a message in a form reads the same as the one
`edumon check` prints for a hand-edited cell.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from .base import Registry
from .fields import ERROR
from .validation import ROW, ref_message, validate_sheet


@dataclass(frozen=True)
class RowProblem:
    index: int  # position of the row in the candidate list
    field: str  # field key ('' when about the whole row)
    message: str
    severity: str = ERROR


def check_rows(schema: Registry, sheet_key: str, rows: Sequence[Mapping[str, str]],
               frames: Mapping[str, pd.DataFrame], replacing: Sequence[str] = ()) -> list[RowProblem]:
    """Problems of candidate rows (field key -> cell text) for sheet `sheet_key`.

    `frames` is the validated workbook the rows will join; `replacing` lists ids of rows these candidates
    replace (an edit), so they do not count as duplicates of themselves.
    """
    from .rules import RULES

    sheet = schema[sheet_key]
    unknown = [k for r in rows for k in r if k not in sheet.keys]
    if unknown:
        raise KeyError(f"unknown fields for {sheet_key}: {sorted(set(unknown))}")
    grid = [sheet.headers] + [[str(r.get(k, "") or "") for k in sheet.keys] for r in rows]
    typed, issues, _ = validate_sheet(sheet, grid)
    by_header = {f.header: f.key for f in sheet.fields}
    problems = [RowProblem(i.row - 2, by_header.get(i.column, ""), i.message, i.severity) for i in issues if i.row >= 2]
    bad_rows = {p.index for p in problems if p.severity == ERROR}
    existing = frames.get(sheet_key)
    if existing is not None and not existing.empty:
        taken = set(existing["id"].astype(str)) - set(replacing)
        for f in sheet.fields:
            if not f.unique:
                continue
            other = set(existing.loc[~existing["id"].astype(str).isin(replacing), f.key].dropna().astype(str)) \
                if f.key != "id" else taken
            for idx, r in enumerate(rows):
                v = str(r.get(f.key, "") or "").strip()
                if v and v in other:
                    problems.append(RowProblem(idx, f.key, f"«{f.header}» «{v}» уже есть на листе «{sheet.title}»"))
                    bad_rows.add(idx)
    for fkey, target in sheet.refs.items():
        ids = set(frames[target]["id"].astype(str)) if target in frames else set()
        if target == sheet_key:
            ids |= {str(r.get("id", "")) for r in rows}
        for idx, r in enumerate(rows):
            v = str(r.get(fkey, "") or "").strip()
            if v and v not in ids:
                problems.append(RowProblem(idx, fkey, ref_message(schema[target].title, v)))
                bad_rows.add(idx)
    if not typed.empty:
        # cross-field rules run on the candidates joined to the rest of the workbook
        typed = typed.assign(**{ROW: typed[ROW]})
        trial = dict(frames)
        trial[sheet_key] = typed
        for rule in RULES if schema.rules is None else schema.rules:
            trial, found = rule(schema, trial)
            for i in found:
                if i.sheet_key == sheet_key and i.row - 2 not in bad_rows:
                    problems.append(RowProblem(i.row - 2, by_header.get(i.column, ""), i.message, i.severity))
    return sorted(problems, key=lambda p: (p.index, sheet.keys.index(p.field) if p.field in sheet.keys else -1))
