"""Forecasts from a group's own trend over the year: robust (Theil–Sen) so one bad day does not swing the line.

Trend = median of the pairwise slopes of «% of maximum» by date; the band is ± band_k·σ with σ = 1.4826·MAD of
the residuals (needs ≥ 3 points; with fewer the band is unknown, NaN, rather than a misleading zero width).
A single point gives a flat forecast. Forecasts and bands are clipped to 0–100 %.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from reports.analytics.groups import map_values
from reports.analytics.indicators import LEVEL_BANDS, LevelBands, mark_summary, with_levels
from reports.analytics.marks import pct_to_mark

DAY = np.timedelta64(1, "D")
MONTH_DAYS = 30.0
MAD_SCALE = 1.4826
EXAM_KINDS = ("ОГЭ (ГИА-9)", "ЕГЭ (ГИА-11)")
FORECAST_COLUMNS = ("n_points", "last_date", "last_pct", "slope_per_month", "sigma", "at", "forecast_pct",
                    "low_pct", "high_pct")
_LABELS = {"class_id": ("class",), "student_id": ("student", "class")}


def trend_points(facts: pd.DataFrame, by: Sequence[str]) -> pd.DataFrame:
    """Mean % of maximum per group and date (a class's point is its students' mean on that work)."""
    f = facts[facts["pct"].notna().to_numpy()]
    pts = f.groupby([*by, "date"], observed=True, sort=True)["pct"].mean().reset_index()
    return pts


def theil_sen(points: pd.DataFrame, by: Sequence[str], y: str = "pct") -> pd.DataFrame:
    """Per group: n_points, first_date (x = days since it), slope per day, intercept, σ of residuals, last point.

    Points of one group must have distinct dates (trend_points averages same-day results). Groups are fitted
    together by size, so a whole school is a few numpy calls rather than one Python loop per student.
    """
    by = list(by)
    pts = points.dropna(subset=["date", y]).sort_values([*by, "date"], kind="stable").reset_index(drop=True)
    columns = [*by, "n_points", "first_date", "slope", "intercept", "sigma", "last_date", "last_pct", "_gap"]
    if pts.empty:
        empty = {"n_points": np.zeros(0, np.int64), "first_date": np.zeros(0, "datetime64[ns]"),
                 "last_date": np.zeros(0, "datetime64[ns]")}
        return pd.DataFrame({c: pts[c] if c in by else empty.get(c, np.zeros(0)) for c in columns})
    g = pts.groupby(by, observed=True, sort=False).ngroup().to_numpy() if by else np.zeros(len(pts), dtype=int)
    n_groups = int(g.max()) + 1
    size = np.bincount(g, minlength=n_groups)
    start = np.cumsum(size) - size
    dates = pts["date"].to_numpy(dtype="datetime64[ns]")
    first = dates[start]
    x = (dates - np.repeat(first, size)) / DAY
    yv = pts[y].to_numpy(dtype=float)
    slope, intercept, sigma = np.zeros(n_groups), np.zeros(n_groups), np.full(n_groups, np.nan)
    for k in np.unique(size):
        groups = np.flatnonzero(size == k)
        idx = start[groups][:, None] + np.arange(k)[None, :]
        gx, gy = x[idx], yv[idx]
        if k >= 2:
            i, j = np.triu_indices(k, 1)
            slope[groups] = np.median((gy[:, j] - gy[:, i]) / (gx[:, j] - gx[:, i]), axis=1)
        intercept[groups] = np.median(gy - slope[groups][:, None] * gx, axis=1)
        if k >= 3:
            resid = gy - intercept[groups][:, None] - slope[groups][:, None] * gx
            dev = np.abs(resid - np.median(resid, axis=1)[:, None])
            sigma[groups] = MAD_SCALE * np.median(dev, axis=1)
    last = start + size - 1
    keys = pts.iloc[start][by].reset_index(drop=True) if by else pd.DataFrame(index=range(n_groups))
    return keys.assign(n_points=size, first_date=first, slope=slope, intercept=intercept, sigma=sigma,
                       last_date=dates[last], last_pct=yv[last], _gap=_median_gap(x, start, size))[columns]


def _median_gap(x: np.ndarray, start: np.ndarray, size: np.ndarray) -> np.ndarray:
    """Median days between a group's consecutive points (0 for one point): when «next» is, by default."""
    gaps = np.diff(x)
    own = np.ones(len(gaps), dtype=bool)
    own[start[start > 0] - 1] = False  # a diff across two groups is not a gap
    gid = np.repeat(np.arange(len(size)), size)[1:][own]
    frame = pd.DataFrame({"g": gid, "gap": gaps[own]})
    med = frame.groupby("g")["gap"].median()
    return med.reindex(range(len(size))).fillna(0.0).to_numpy()


def predict(fit: pd.DataFrame, at: Any = None, band_k: float = 1.96) -> pd.DataFrame:
    """The fit's value at `at` (a date, one per group as a Series aligned with `fit`, or None: one median gap
    after each group's last point), with the band."""
    if at is None:
        at_ts = fit["last_date"].to_numpy(dtype="datetime64[ns]") + (fit["_gap"].to_numpy() * DAY).astype(
            "timedelta64[ns]")
    elif isinstance(at, pd.Series):
        at_ts = pd.to_datetime(at).to_numpy(dtype="datetime64[ns]")
    else:
        at_ts = np.full(len(fit), pd.Timestamp(at).to_datetime64()).astype("datetime64[ns]")
    days = (at_ts - fit["first_date"].to_numpy(dtype="datetime64[ns]")) / DAY
    value = fit["intercept"].to_numpy() + fit["slope"].to_numpy() * days
    half = band_k * fit["sigma"].to_numpy()
    out = fit.drop(columns=["_gap", "first_date", "slope", "intercept"]).copy()
    out["slope_per_month"] = fit["slope"].to_numpy() * MONTH_DAYS
    out["at"] = at_ts
    out["forecast_pct"] = np.clip(value, 0.0, 100.0)
    out["low_pct"] = np.clip(value - half, 0.0, 100.0)
    out["high_pct"] = np.clip(value + half, 0.0, 100.0)
    return out


def _labelled(out: pd.DataFrame, facts: pd.DataFrame, by: Sequence[str]) -> pd.DataFrame:
    for key in by:
        for label in _LABELS.get(key, ()):
            if label not in out.columns:
                names = facts.drop_duplicates(key).set_index(key)[label]
                out[label] = map_values(out[key], names).array
    labels = [lab for key in by for lab in _LABELS.get(key, ())]
    return out[[*by, *dict.fromkeys(labels), *FORECAST_COLUMNS]]


def forecast_next(facts: pd.DataFrame, by: Sequence[str] = ("class_id",), subject_id: str | None = None,
                  at: Any = None, band_k: float = 1.96) -> pd.DataFrame:
    """Each group's expected next result (% of maximum) in a subject, with a band and the trend per month."""
    f = facts if subject_id is None else facts[(facts["subject_id"] == subject_id).fillna(False).to_numpy(bool)]
    fit = theil_sen(trend_points(f, by), by)
    return _labelled(predict(fit, at, band_k), f, by)


@dataclass(frozen=True)
class ExamForecast:
    """students: each student's forecast % and the mark it earns by the exam work's thresholds (also for the
    band's ends); classes: the expected mark distribution and indicators per class."""

    work_id: str
    students: pd.DataFrame
    classes: pd.DataFrame


def exam_forecast(facts: pd.DataFrame, works: pd.DataFrame, exam_id: str, band_k: float = 1.96,
                  bands: LevelBands = LEVEL_BANDS) -> ExamForecast:
    """Expected ОГЭ/ЕГЭ marks: each student's trend in the exam's subject (works of the exam's parallel before its
    date, exams themselves excluded) projected to the exam date, mapped through the exam work's thresholds.
    `works` is the works sheet; `exam_id` names the exam work (its date, maximum and thresholds are used).
    """
    exam = works.set_index("id").loc[exam_id]
    same_subject = (facts["subject_id"] == exam["subject_id"]).fillna(False)
    same_parallel = (facts["parallel"] == exam["parallel"]).fillna(False)
    before = (facts["date"] < pd.Timestamp(exam["date"])).fillna(False)
    not_exam = ~facts["kind"].astype(object).isin(EXAM_KINDS)
    f = facts[(same_subject & same_parallel & before & not_exam).to_numpy(dtype=bool)]
    by = ["student_id"]
    st = _labelled(predict(theil_sen(trend_points(f, by), by), exam["date"], band_k), f, by)
    st["class_id"] = map_values(st["student_id"], f.drop_duplicates("student_id").set_index("student_id")["class_id"])
    t = [float(exam[c]) for c in ("max_score", "threshold_3", "threshold_4", "threshold_5")]
    st["forecast_score"] = st["forecast_pct"] * t[0] / 100.0
    for col, pct in (("forecast_mark", "forecast_pct"), ("low_mark", "low_pct"), ("high_mark", "high_pct")):
        st[col] = pct_to_mark(st[pct], *t).where(st[pct].notna())
    classes = with_levels(mark_summary(st, by=["class_id"], mark_col="forecast_mark", present_col=None), bands)
    names = f.drop_duplicates("class_id").set_index("class_id")["class"]
    classes.insert(1, "class", map_values(classes["class_id"], names).array)
    return ExamForecast(str(exam_id), st, classes)


@dataclass(frozen=True)
class Backtest:
    """Leave-last-out check of the forecast: each group's last result predicted from the earlier ones."""

    mae: float
    n_groups: int
    errors: pd.DataFrame


def backtest(facts: pd.DataFrame, by: Sequence[str] = ("class_id",), subject_id: str | None = None,
             min_points: int = 2) -> Backtest:
    """MAE (percentage points) of predicting each group's last point from its earlier `min_points` or more."""
    f = facts if subject_id is None else facts[(facts["subject_id"] == subject_id).fillna(False).to_numpy(bool)]
    by = list(by)
    pts = trend_points(f, by).sort_values([*by, "date"], kind="stable")
    n = pts.groupby(by, observed=True, sort=False)["pct"].transform("size") if by else len(pts)
    pts = pts[np.asarray(n >= min_points + 1)]
    is_last = ~pts.duplicated(subset=by, keep="last") if by else pd.Series(np.arange(len(pts)) == len(pts) - 1,
                                                                          index=pts.index)
    train, test = pts[~is_last.to_numpy()], pts[is_last.to_numpy()].reset_index(drop=True)
    if test.empty:
        return Backtest(float("nan"), 0, pd.DataFrame(columns=[*by, "at", "actual_pct", "forecast_pct", "error"]))
    target = test.rename(columns={"date": "_at", "pct": "actual_pct"})
    fit = theil_sen(train, by)
    fit = fit.merge(target, on=by, how="left") if by else fit.assign(**{c: target[c].to_numpy() for c in target})
    pred = predict(fit.drop(columns=["_at", "actual_pct"]), fit["_at"])
    errors = pred[[*by, "at", "forecast_pct"]].assign(actual_pct=fit["actual_pct"].to_numpy())
    errors["error"] = errors["forecast_pct"] - errors["actual_pct"]
    return Backtest(float(errors["error"].abs().mean()), len(errors), errors)
