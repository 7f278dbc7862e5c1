"""Checking candidate rows (a form, a grid, an upload, a write command) with exactly the rules a sheet gets.

The candidate rows go through the same vectorised field parsing and the same cross-field rules as a whole
worksheet, against the rest of the already validated workbook, so a message in a form reads the same as the one
`edumon check` prints for a hand-edited cell.
"""

from __future__ import annotations

from collections.abc import Container, KeysView, Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from .base import Registry
from .fields import ERROR
from .lookup import empty_of, id_positions, rows_where
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
    return check_rows_typed(schema, sheet_key, rows, frames, replacing)[0]


def _ids(frame: pd.DataFrame) -> KeysView[str]:
    return id_positions(frame).keys()  # hashed once per frame: a save does not rebuild the sheet's id set


class _Except:
    """`values` but for `left`, without building the difference of a whole sheet's ids."""

    def __init__(self, values: Container[str], left: set[str]) -> None:
        self.values, self.left = values, left

    def __contains__(self, value: object) -> bool:
        return value in self.values and value not in self.left


def _rule_inputs(schema: Registry, sheet_key: str, typed: pd.DataFrame, frames: Mapping[str, pd.DataFrame],
                 inputs: frozenset[str]) -> dict[str, pd.DataFrame]:
    """The frames the cross-field rules need for these candidates: sheets no rule reads are left empty (their own
    rules do not run again); the rule inputs are narrowed to the rows the candidates reach through references (the
    work, its tasks, the student, their class), unless the candidates are rule inputs themselves."""
    out = {k: f if k in inputs else empty_of(f) for k, f in frames.items()}
    if sheet_key in inputs:
        return out
    keep: dict[str, pd.DataFrame] = {sheet_key: typed}
    changed = True
    while changed:
        changed = False
        for key in inputs - set(keep):
            frame = frames.get(key)
            if frame is None:
                continue
            hit = None  # (column of this sheet, the values it must hold), looked up in the frame's kept index
            for k, kf in keep.items():  # a kept sheet points at this one, or this one points at a kept sheet
                for col, target in schema[k].refs.items():
                    if target == key and col in kf:
                        hit = ("id", kf[col].tolist())
                for col, target in schema[key].refs.items():
                    if target == k and col in frame:
                        hit = (col, kf["id"].tolist())
            if hit is not None:
                keep[key] = out[key] = _bare(frame.iloc[rows_where(frame, *hit)])
                changed = True
    return out


def _bare(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame without attrs: pandas deep-copies attrs on every operation, which dominates on a few rows."""
    frame.attrs = {}
    return frame


# What the cross-field rules derive when its cell is left empty, and from which fields (sheets_schema.rules,
# validate_results): the total from the per-task scores; the mark from the total, so from the scores too, and the
# work's thresholds.
DERIVED: dict[str, tuple[tuple[str, frozenset[str]], ...]] = {
    "results": (("total", frozenset({"scores"})), ("mark", frozenset({"scores", "total", "work_id"}))),
}


def stale_derived(schema: Registry, sheet_key: str, rows: Sequence[Mapping[str, str]],
                  changes: Sequence[Mapping[str, str]], frames: Mapping[str, pd.DataFrame]) -> list[set[str]]:
    """For each edit (the row as it is, `rows`, and the cells the edit sets, `changes`): the derived fields the
    edit leaves to be derived again — those it does not set whose inputs it changes, and whose present value is
    the one its present inputs derive (left empty in the sheet, or typed in agreeing with them). A value that is
    not what its inputs give (a total entered by hand for a task left unscored) is the teacher's own: it stays,
    and the rules check it against the new inputs."""
    out: list[set[str]] = [set() for _ in rows]
    derived = DERIVED.get(sheet_key, ())
    feeds = frozenset().union(*(inputs for _, inputs in derived))
    if not any(feeds.intersection(new) for new in changes):
        return out  # no edit changes what anything is derived from (a save of attendance, a comment)
    for key, inputs in derived:
        who = [i for i, (row, new) in enumerate(zip(rows, changes, strict=True))
               if key not in new and inputs & (set(new) | out[i]) and str(row.get(key, "") or "").strip()]
        if not who:
            continue
        trial = [{**rows[i], **dict.fromkeys(out[i] | {key}, "")} for i in who]
        _, typed = check_rows_typed(schema, sheet_key, trial, frames, replacing=[str(r.get("id", "")) for r in trial])
        render = schema[sheet_key].field(key).type.render
        gives = {str(i): ("" if v is None or pd.isna(v) else render(v))
                 for i, v in zip(typed["id"], typed[key], strict=True)} if len(typed) else {}
        for i in who:
            if gives.get(str(rows[i].get("id", ""))) == str(rows[i].get(key, "")).strip():
                out[i].add(key)
    return out


def check_rows_typed(schema: Registry, sheet_key: str, rows: Sequence[Mapping[str, str]],
                     frames: Mapping[str, pd.DataFrame], replacing: Sequence[str] = ()
                     ) -> tuple[list[RowProblem], pd.DataFrame]:
    """check_rows, and the candidates as typed rows once the cross-field rules derived what they derive
    (rows with an error left out): what the cache lays over its frames when the write is accepted."""
    from .rules import RULE_INPUTS, RULES

    sheet = schema[sheet_key]
    keys = sheet.keys
    known = set(keys)
    unknown = [k for r in rows for k in r if k not in known]
    if unknown:
        raise KeyError(f"unknown fields for {sheet_key}: {sorted(set(unknown))}")
    grid = [sheet.headers] + [[str(r.get(k, "") or "") for k in keys] for r in rows]
    typed, issues, _ = validate_sheet(sheet, grid)
    by_header = {f.header: f.key for f in sheet.fields}
    problems = [RowProblem(i.row - 2, by_header.get(i.column, ""), i.message, i.severity) for i in issues if i.row >= 2]
    bad_rows = {p.index for p in problems if p.severity == ERROR}
    existing = frames.get(sheet_key)
    if existing is not None and not existing.empty:
        for f in sheet.fields:
            if not f.unique:
                continue
            gone = set(replacing)
            if f.key == "id":
                other: Container[str] = _Except(_ids(existing), gone)
            else:
                other = set(existing.loc[~existing["id"].astype(str).isin(gone), f.key].dropna().astype(str))
            for idx, r in enumerate(rows):
                v = str(r.get(f.key, "") or "").strip()
                if v and v in other:
                    problems.append(RowProblem(idx, f.key, f"«{f.header}» «{v}» уже есть на листе «{sheet.title}»"))
                    bad_rows.add(idx)
    for fkey, target in sheet.refs.items():
        ids: KeysView[str] | set[str] = _ids(frames[target]) if target in frames else set()
        if target == sheet_key:
            ids = set(ids) | {str(r.get("id", "")) for r in rows}
        for idx, r in enumerate(rows):
            v = str(r.get(fkey, "") or "").strip()
            if v and v not in ids:
                problems.append(RowProblem(idx, fkey, ref_message(schema[target].title, v)))
                bad_rows.add(idx)
    if not typed.empty:
        # cross-field rules run on the candidates joined to the rest of the workbook
        typed = _bare(typed.assign(**{ROW: typed[ROW]}))  # candidates' cells are addressed by field order
        trial = _rule_inputs(schema, sheet_key, typed, frames, RULE_INPUTS)
        trial[sheet_key] = typed
        for rule in RULES if schema.rules is None else schema.rules:
            trial, found = rule(schema, trial)
            for i in found:
                if i.sheet_key == sheet_key and i.row - 2 not in bad_rows:
                    problems.append(RowProblem(i.row - 2, by_header.get(i.column, ""), i.message, i.severity))
        typed = trial[sheet_key]
    problems.sort(key=lambda p: (p.index, keys.index(p.field) if p.field in known else -1))
    return problems, typed
