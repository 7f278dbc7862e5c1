"""Roll-ups along the two hierarchies of DOMAIN.md, every level beside its parent so a dashboard can drill down
and show how far a class is above or below its parallel (or a teacher below the subject) in one table.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .indicators import LEVEL_BANDS, LEVEL_COLUMNS, RATE_COLUMNS, SUMMARY_COLUMNS, LevelBands, mark_summary, with_levels
from .labels import SCHOOL_LABEL
from .teachers import teacher_facts

DELTA_SUFFIX = "_vs_parent"
DELTA_COLUMNS = tuple(f"{c}{DELTA_SUFFIX}" for c in RATE_COLUMNS)


@dataclass(frozen=True)
class Level:
    """One level of a hierarchy: the fact column that identifies a group and the one that names it."""

    name: str
    key: str | None = None
    label: str | None = None
    label_template: str = "{}"  # used when the level has no label column (a parallel is named by its number)


CLASS_AXIS: tuple[Level, ...] = (
    Level("school"),
    Level("parallel", "parallel", label_template="{}-е классы"),
    Level("class", "class_id", "class"),
    Level("student", "student_id", "student"),
)
SUBJECT_AXIS: tuple[Level, ...] = (
    Level("school"),
    Level("department", "department_id", "department"),
    Level("subject", "subject_id", "subject"),
    Level("teacher", "teacher_id", "teacher"),
)


def _labels(src: pd.DataFrame, summary: pd.DataFrame, level: Level) -> pd.Series:
    if level.key is None:
        return pd.Series(SCHOOL_LABEL, index=summary.index, dtype=object)
    if level.label is None:
        return summary[level.key].map(lambda v: level.label_template.format(v)).astype(object)
    names = src[[level.key, level.label]].drop_duplicates(level.key).set_index(level.key)[level.label]
    return summary[level.key].map(names).astype(object)


def rollup(facts: pd.DataFrame, axis: Sequence[Level] = CLASS_AXIS, *, within: Sequence[str] = (),
           sources: Mapping[str, pd.DataFrame] | None = None, bands: LevelBands = LEVEL_BANDS) -> pd.DataFrame:
    """Indicators at every level of `axis`, one row per group, with `<rate>_vs_parent` deltas (the group's rate
    minus its parent's, in percentage points; NaN at the top level or when either side has N = 0).

    `within` adds leading keys computed separately (e.g. ("work_id",) gives every work's roll-up in one call);
    `sources` replaces the facts for a level by name (the teacher level reads teacher facts). Rows come in tree
    order: each parent followed by its children.
    """
    sources = sources or {}
    keys: list[str] = list(within)
    parts: list[pd.DataFrame] = []
    parent: pd.DataFrame | None = None
    parent_keys: list[str] = []
    for depth, level in enumerate(axis):
        if level.key is not None:
            keys.append(level.key)
        src = sources.get(level.name, facts)
        summary = with_levels(mark_summary(src, by=keys), bands)
        summary.insert(0, "level", level.name)
        summary.insert(1, "depth", depth)
        summary["label"] = _labels(src, summary, level)
        if parent is None:
            for c in DELTA_COLUMNS:
                summary[c] = np.nan
        else:
            up = parent[[*parent_keys, *RATE_COLUMNS]]
            if parent_keys:
                joined = summary[parent_keys].merge(up, on=parent_keys, how="left")
            else:
                joined = pd.DataFrame({c: np.repeat(up[c].to_numpy(), len(summary)) for c in RATE_COLUMNS})
            for c in RATE_COLUMNS:
                summary[f"{c}{DELTA_SUFFIX}"] = summary[c].to_numpy() - joined[c].to_numpy(dtype=float)
        parts.append(summary)
        parent, parent_keys = summary, list(keys)
    key_cols = [*within, *(lv.key for lv in axis if lv.key is not None)]
    columns = ["level", "depth", *key_cols, "label", *SUMMARY_COLUMNS, *LEVEL_COLUMNS, *DELTA_COLUMNS]
    out = pd.concat([p.reindex(columns=columns) for p in parts], ignore_index=True)
    out = out.astype({k: parts[-1][k].dtype for k in key_cols})  # keep Int64 / string keys through the concat
    return _tree_order(out, within, axis)


def _tree_order(frame: pd.DataFrame, within: Sequence[str], axis: Sequence[Level]) -> pd.DataFrame:
    """Parents first, then their children sorted by name (a parallel by its number); a missing key sorts first,
    which puts each parent row before its children.
    """
    sort_cols: dict[str, pd.Series] = {f"_s{i}": frame[k] for i, k in enumerate(within)}
    for lv in axis:
        if lv.key is None:
            continue
        if lv.label is None:
            sort_cols[f"_s_{lv.name}"] = frame[lv.key]
        else:
            own = frame[frame["level"] == lv.name]
            names = pd.Series(own["label"].to_numpy(), index=own[lv.key].to_numpy())
            names = names[~names.index.duplicated()]
            sort_cols[f"_s_{lv.name}"] = frame[lv.key].map(names).astype(object)
        sort_cols[f"_k_{lv.name}"] = frame[lv.key]  # namesakes: keep each group's rows together
    if not sort_cols or frame.empty:
        return frame
    keyed = frame.assign(**sort_cols)
    ordered = keyed.sort_values(list(sort_cols), na_position="first", kind="stable")
    return ordered.drop(columns=list(sort_cols)).reset_index(drop=True)


def class_rollup(facts: pd.DataFrame, *, within: Sequence[str] = (), bands: LevelBands = LEVEL_BANDS
                 ) -> pd.DataFrame:
    """school → parallel → class → student."""
    return rollup(facts, CLASS_AXIS, within=within, bands=bands)


def subject_rollup(facts: pd.DataFrame, workbook: Any, *, within: Sequence[str] = (),
                   bands: LevelBands = LEVEL_BANDS) -> pd.DataFrame:
    """school → department → subject → teacher; the teacher level reads the teaching load (see teacher_facts)."""
    return rollup(facts, SUBJECT_AXIS, within=within, sources={"teacher": teacher_facts(facts, workbook)},
                  bands=bands)


def children(table: pd.DataFrame, level: str, **parent_keys: Any) -> pd.DataFrame:
    """Rows of one level under a given parent, e.g. children(t, "class", parallel=9): the drill-down step."""
    rows = table[table["level"] == level]
    for key, value in parent_keys.items():
        rows = rows[rows[key] == value]
    return rows.reset_index(drop=True)
