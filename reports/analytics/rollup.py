"""Roll-ups along the two hierarchies of DOMAIN.md, every level beside its parent so a dashboard can drill down
and show how far a class is above or below its parallel (or a teacher below the subject) in one table.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from pandas.api.types import union_categoricals

from reports.analytics.groups import first_rows, map_values
from reports.analytics.indicators import LEVEL_BANDS, RATE_COLUMNS, SUMMARY_COLUMNS, LevelBands, classify, mark_summary
from reports.analytics.teachers import teacher_facts
from reports.labels import SCHOOL_LABEL

DELTA_SUFFIX = "_vs_parent"
DELTA_COLUMNS = tuple(f"{c}{DELTA_SUFFIX}" for c in RATE_COLUMNS)


def parallel_label(parallel: Any) -> str:
    """9 -> «9-е классы»; 3 -> «3-и классы» (третьи)."""
    return f"{parallel}-{'и' if int(parallel) == 3 else 'е'} классы"


@dataclass(frozen=True)
class Level:
    """One level of a hierarchy: the fact column that identifies a group and the one that names it (or, for a
    level with no name column, a function of its key: a parallel is named by its number)."""

    name: str
    key: str | None = None
    label: str | None = None
    label_of: Callable[[Any], str] = str


CLASS_AXIS: tuple[Level, ...] = (
    Level("school"),
    Level("parallel", "parallel", label_of=parallel_label),
    Level("class", "class_id", "class"),
    Level("student", "student_id", "student"),
)
SUBJECT_AXIS: tuple[Level, ...] = (
    Level("school"),
    Level("department", "department_id", "department"),
    Level("subject", "subject_id", "subject"),
    Level("teacher", "teacher_id", "teacher"),
)


def _labels(src: pd.DataFrame, summary: pd.DataFrame, level: Level) -> pd.Categorical:
    """The name of each group, as a categorical (cheap to build and to concatenate for 100,000 students)."""
    n = len(summary)
    if level.key is None:
        return pd.Categorical.from_codes(np.zeros(n, dtype=np.int64), categories=[SCHOOL_LABEL])
    keys = summary[level.key]
    if level.label is None:
        return pd.Categorical([level.label_of(v) for v in keys])
    key_col, label_col = src[level.key], src[level.label]
    if isinstance(key_col.dtype, pd.CategoricalDtype) and isinstance(label_col.dtype, pd.CategoricalDtype) \
            and isinstance(keys.dtype, pd.CategoricalDtype):
        first = first_rows(key_col.cat.codes.to_numpy().astype(np.int64), len(key_col.cat.categories))
        label_codes = np.append(label_col.cat.codes.to_numpy(), -1)[first]  # the label of a key's first row
        codes = keys.cat.codes.to_numpy()
        return pd.Categorical.from_codes(np.where(codes >= 0, label_codes[np.maximum(codes, 0)], -1),
                                         categories=label_col.cat.categories)
    names = src[[level.key, level.label]].drop_duplicates(level.key).set_index(level.key)[level.label]
    return pd.Categorical(map_values(keys, names).to_numpy(dtype=object, na_value=None))


def _object_categories(cat: pd.Categorical) -> pd.Categorical:
    """Same values over object categories, so categoricals built from text of any storage can be unioned."""
    categories = pd.Index(np.asarray(cat.categories, dtype=object), dtype=object)
    return pd.Categorical.from_codes(cat.codes, categories=categories)


def _missing(dtype: Any, n: int) -> Any:
    """An all-missing column of a key's dtype, so the concat of levels keeps categoricals categorical."""
    if isinstance(dtype, pd.CategoricalDtype):
        return pd.Categorical.from_codes(np.full(n, -1), dtype=dtype)
    return pd.array([None] * n, dtype=dtype)


def rollup(facts: pd.DataFrame, axis: Sequence[Level] = CLASS_AXIS, *, within: Sequence[str] = (),
           sources: Mapping[str, pd.DataFrame] | None = None, bands: LevelBands = LEVEL_BANDS) -> pd.DataFrame:
    """Indicators at every level of `axis`, one row per group, with `<rate>_vs_parent` deltas (the group's rate
    minus its parent's, in percentage points; NaN at the top level or when either side has N = 0).

    `within` adds leading keys computed separately (e.g. ("work_id",) gives every work's roll-up in one call);
    `sources` replaces the facts for a level by name (the teacher level reads teacher facts). Rows come in tree
    order: each parent followed by its children, in display order.
    """
    sources = sources or {}
    key_cols = [*within, *(lv.key for lv in axis if lv.key is not None)]
    dtypes = {k: facts[k].dtype for k in within}
    dtypes |= {lv.key: sources.get(lv.name, facts)[lv.key].dtype for lv in axis if lv.key is not None}
    level_dtype = pd.CategoricalDtype([lv.name for lv in axis], ordered=True)
    keys: list[str] = list(within)
    parts: list[pd.DataFrame] = []
    parent: pd.DataFrame | None = None
    parent_keys: list[str] = []
    for depth, level in enumerate(axis):
        if level.key is not None:
            keys.append(level.key)
        src = sources.get(level.name, facts)
        summary = mark_summary(src, by=keys)
        n = len(summary)
        data: dict[str, Any] = {"level": pd.Categorical.from_codes(np.full(n, depth), dtype=level_dtype),
                                "depth": np.full(n, depth)}
        data |= {k: summary[k].array if k in keys else _missing(dtypes[k], n) for k in key_cols}
        data["label"] = _labels(src, summary, level)
        data |= {c: summary[c].to_numpy() for c in SUMMARY_COLUMNS}
        data["sou_level"] = classify(summary["sou_pct"], bands.sou).array
        data["quality_level"] = classify(summary["quality_pct"], bands.quality).array
        if parent is None:
            data |= {c: np.full(n, np.nan) for c in DELTA_COLUMNS}
        else:
            up = parent[[*parent_keys, *RATE_COLUMNS]]
            if parent_keys:
                joined = summary[parent_keys].merge(up, on=parent_keys, how="left")
            else:
                joined = pd.DataFrame({c: np.repeat(up[c].to_numpy(), n) for c in RATE_COLUMNS})
            data |= {f"{c}{DELTA_SUFFIX}": summary[c].to_numpy() - joined[c].to_numpy(dtype=float)
                     for c in RATE_COLUMNS}
        parts.append(pd.DataFrame(data, index=pd.RangeIndex(n)))
        parent, parent_keys = summary, list(keys)
    labels = union_categoricals([_object_categories(p["label"].array) for p in parts])
    out = pd.concat([p.drop(columns="label") for p in parts], ignore_index=True)
    out.insert(out.columns.get_loc("n5"), "label", labels)
    return _tree_order(out, within, axis)


def _tree_order(frame: pd.DataFrame, within: Sequence[str], axis: Sequence[Level]) -> pd.DataFrame:
    """Parents first, then their children in display order. A missing key ranks -1, which puts each parent row
    before its children. Categorical keys rank by code (results_facts orders categories for display); other keys
    rank by their label (a parallel by its number).
    """
    if frame.empty:
        return frame
    ranks = [_rank(frame, k, None) for k in within]
    ranks += [_rank(frame, lv.key, lv) for lv in axis if lv.key is not None]
    if not ranks:
        return frame
    return frame.iloc[np.lexsort(ranks[::-1])].reset_index(drop=True)


def _rank(frame: pd.DataFrame, key: str, level: Level | None) -> np.ndarray:
    col = frame[key]
    if isinstance(col.dtype, pd.CategoricalDtype):
        return col.cat.codes.to_numpy()
    if level is None or level.label is None:
        codes, _ = pd.factorize(col, sort=True, use_na_sentinel=True)
        return codes
    own = frame.loc[(frame["level"] == level.name).to_numpy(), [key, "label"]].drop_duplicates(key)
    ordered = own.sort_values("label", kind="stable")[key]
    return pd.Index(ordered.to_numpy(dtype=object, na_value=None)).get_indexer(col.to_numpy(dtype=object,
                                                                                          na_value=None))


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
