"""Score → mark by each work's own thresholds, reusing the schema's rule so a mark never has two definitions."""

from __future__ import annotations

import numpy as np
import pandas as pd

from sheets_schema import SCHEMA
from sheets_schema.rules import score_to_mark, threshold_problem

THRESHOLD_COLUMNS = ("max_score", "threshold_3", "threshold_4", "threshold_5")


def threshold_problems(works: pd.DataFrame) -> pd.DataFrame:
    """Works whose thresholds do not increase or exceed the maximum: work_id, title, message (Russian).

    Validation already drops such works; this is for frames that did not pass through it (imports, what-if
    thresholds in a dashboard) so nothing is marked with thresholds nobody can trust.
    """
    labels = SCHEMA["works"].column_titles()
    rows = []
    values = works[["id", *THRESHOLD_COLUMNS]].astype({c: "Float64" for c in THRESHOLD_COLUMNS})
    for wid, mx, t3, t4, t5 in values.itertuples(index=False, name=None):
        message: str | None
        if any(pd.isna(v) for v in (mx, t3, t4, t5)):
            message = f"Не заполнены «{labels['max_score']}» или минимальные баллы на отметки"
        else:
            message = threshold_problem(float(mx), float(t3), float(t4), float(t5), labels)
        if message:
            rows.append((wid, message))
    return pd.DataFrame(rows, columns=["work_id", "message"])


def marks_by_thresholds(results: pd.DataFrame, works: pd.DataFrame, total_col: str = "total") -> pd.Series:
    """Mark of each result from its total and its work's thresholds (Int64, aligned with `results`).

    Results of works with broken thresholds, of unknown works and of absentees (no total) get no mark.
    """
    bad = set(threshold_problems(works)["work_id"])
    w = works.set_index("id")[list(THRESHOLD_COLUMNS)]
    w = w[~w.index.isin(bad)]
    joined = w.reindex(results["work_id"].to_numpy())

    def col(c: str) -> np.ndarray:
        return joined[c].to_numpy(dtype=float, na_value=np.nan)

    total = pd.Series(results[total_col].to_numpy(dtype=float, na_value=np.nan), dtype="Float64")
    mark = score_to_mark(total, col("threshold_3"), col("threshold_4"), col("threshold_5"))
    mark = mark.where(~np.isnan(col("threshold_3")))
    mark.index = results.index
    return mark.astype("Int64")


# Scores are whole or half points; a share of the maximum turned back into points carries float noise of about
# 1e-14 (16/24 = 66.666…% → 15.999999999999998 points). Rounding the score to this many decimals removes the noise
# and nothing else, so a boundary share earns the boundary's mark.
SCORE_DECIMALS = 9


def pct_to_mark(pct: pd.Series, max_score: float, t3: float, t4: float, t5: float) -> pd.Series:
    """Share of the maximum (0–100) → the mark the same share would earn on a given work (forecasts).

    Compared in score space: the share becomes points (rounded to SCORE_DECIMALS), then the work's thresholds
    apply exactly as to an entered total — ВПР-4 Russian 16 of 24 points (66.67 %) is «4», as its table says.
    """
    score = (pd.Series(pct, dtype="Float64") * float(max_score) / 100.0).round(SCORE_DECIMALS)
    mark = score_to_mark(score.reset_index(drop=True), t3, t4, t5)
    mark.index = pct.index
    return mark
