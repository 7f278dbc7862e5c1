"""What a school sends the lab: the bundle's tables, derived from the school's declarations (never retyped).

A bundle table keeps a school sheet's key and fields minus what must not leave the school: students lose every
direct identifier (names, birth date) and their id becomes a pseudonymous code; teachers keep the fields the
town's staff database needs, with the birth year instead of the birth date; free text that may name a student
(work notes, the monitoring cycle notes, portfolio entries) is not sent — portfolios travel as counts.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd

from . import choices as C
from .base import Registry, Sheet
from .fields import Choice, Field, Integer, RowId
from .rules import validate_course_dates, validate_results, validate_work_thresholds
from .school import SCHEMA, SCHEMA_VERSION

BUNDLE_VERSION = 1
BUNDLE_SCHEMA_VERSION = SCHEMA_VERSION * 1000 + BUNDLE_VERSION  # changes with the school schema or the bundle
BUNDLE_FORMAT = "edumon-lab-bundle"

# school sheet key -> field keys left at the school
_DROPPED: dict[str, tuple[str, ...]] = {
    "students": ("last_name", "first_name", "middle_name", "birth_date"),
    "teachers": ("birth_date",),
    "works": ("stage", "notes"),
}
_SENT = ("departments", "subjects", "teachers", "classes", "students", "teaching_load", "works", "tasks",
         "results", "period_marks", "olympiads", "courses", "attestations", "practices")
PSEUDONYMISED = {"students": "id", "results": "student_id", "period_marks": "student_id",
                 "olympiads": "student_id"}  # table -> the column holding a student's code


def _derive(key: str) -> Sheet:
    sheet = SCHEMA[key]
    fields = tuple(f for f in sheet.fields if f.key not in _DROPPED.get(key, ()))
    if key == "students":
        fields = (replace(fields[0], help="Код участника (ключевой хеш; ключ хранится только в школе)"), *fields[1:])
    if key == "teachers":
        fields = (*fields, Field("birth_year", "Год рождения", Integer(min_value=1900, max_value=2100)))
    kept = {f.key for f in fields}
    label = sheet.label_field if sheet.label_field in kept else None
    row_label = sheet.row_label if sheet.row_label and set(sheet.row_label.fields) <= kept else None
    return replace(sheet, fields=fields, label_field=label, row_label=row_label)


PORTFOLIO_COUNTS = Sheet("portfolio_counts", "Портфолио (количество)", (
    Field("id", "id", RowId(), required=True, unique=True),
    Field("owner", SCHEMA["portfolio"].header_of("owner"), Choice(C.PORTFOLIO_OWNERS), required=True),
    Field("kind", SCHEMA["portfolio"].header_of("kind"), Choice(C.PORTFOLIO_KINDS), required=True),
    Field("level", SCHEMA["portfolio"].header_of("level"), Choice(C.LEVELS)),
    Field("count", "Записей", Integer(min_value=0, max_value=10_000_000), required=True),
))

BUNDLE_SCHEMA = Registry([*(_derive(k) for k in _SENT), PORTFOLIO_COUNTS], version=BUNDLE_SCHEMA_VERSION,
                         rules=(validate_work_thresholds, validate_results, validate_course_dates))


def portfolio_counts(portfolio: pd.DataFrame) -> pd.DataFrame:
    """Portfolio entries -> one row per (owner, kind, level) with their number."""
    keys = ["owner", "kind", "level"]
    if portfolio.empty:
        return pd.DataFrame({"id": pd.Series(dtype="string"), **{k: pd.Series(dtype=object) for k in keys},
                             "count": pd.Series(dtype="Int64")})
    g = portfolio[keys].astype(object).where(portfolio[keys].notna(), None)
    counts = g.groupby(keys, dropna=False).size().reset_index(name="count")
    counts.insert(0, "id", [f"pc-{i + 1}" for i in range(len(counts))])
    return counts.astype({"count": "Int64"})


def prune_dangling(schema: Registry, frames: dict[str, pd.DataFrame]) -> tuple[dict[str, pd.DataFrame], int]:
    """Drop rows whose references point to rows that are not in the frames (repeatedly: a dropped work drops its
    tasks and results). Returns the frames and how many rows were dropped."""
    frames, dropped = dict(frames), 0
    changed = True
    while changed:
        changed = False
        for sheet in schema:
            f = frames.get(sheet.key)
            if f is None or f.empty:
                continue
            keep = np.ones(len(f), dtype=bool)
            for fkey, target in sheet.refs.items():
                ids = frames[target]["id"].astype(object)
                v = f[fkey].astype(object)
                filled = v.notna() & (v.astype(str) != "")
                keep &= ~(filled & ~v.isin(set(ids))).to_numpy(dtype=bool)
            if not keep.all():
                dropped += int((~keep).sum())
                frames[sheet.key] = f[keep].reset_index(drop=True)
                changed = True
    return frames, dropped


def render_grid(sheet: Sheet, frame: pd.DataFrame) -> list[list[str]]:
    """Typed rows -> the cell strings a person would type (header row first), through each field's own type."""
    columns = []
    for f in sheet.fields:
        values = frame[f.key].tolist() if f.key in frame else [None] * len(frame)
        columns.append([f.type.render(None if _missing(v) else v) for v in values])
    return [list(sheet.headers), *(list(r) for r in zip(*columns, strict=True))] if columns and len(frame) \
        else [list(sheet.headers)]


def _missing(v: object) -> bool:
    if v is None or v is pd.NA or v is pd.NaT:
        return True
    return isinstance(v, float) and np.isnan(v)
