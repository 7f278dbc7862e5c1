"""Forecasts that say how good they are: each method is replayed on the past (rolling origin), the band comes from
those held-out errors, and the trend is used only where it beat the naive guesses.

For every group (a class, a student) with its points in date order, each point from the `min_train`-th on is
predicted from the points before it by three methods: the trend (Theil–Sen line to the point's date), the group's
own mean, and its last value. The method with the smallest mean absolute error (MAE) over all those held-out
predictions of one level is the one used; the trend therefore reaches a page only where it beats both baselines.
The band is ± the `level` quantile of that method's absolute held-out errors, and is given only to groups with at
least `min_band_points` points (three points fit any line; a band from them is a guess). Coverage — the share of
past results that fell inside the band — is measured honestly: the band each group is checked against is taken
from the other groups' errors only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from reports.analytics.forecast import predict, theil_sen, trend_points
from reports.labels import fmt_num

TREND, OWN_MEAN, LAST_VALUE = "trend", "mean", "last"
METHODS = (TREND, OWN_MEAN, LAST_VALUE)
METHOD_NAMES = {TREND: "тренд", OWN_MEAN: "собственный средний уровень", LAST_VALUE: "последний результат"}
HONEST_COLUMNS = ("n_points", "last_date", "last_pct", "at", "forecast_pct", "low_pct", "high_pct", "method")


@dataclass(frozen=True)
class ForecastQuality:
    """How each method did on the past: MAE per method (п. п.), the chosen method, its band half-width and the
    measured coverage of that band (%, NaN when no group had enough points), over `n_errors` held-out results."""

    mae: dict[str, float]
    method: str
    half_width: float
    coverage: float
    n_errors: int
    level: float

    @property
    def has_band(self) -> bool:
        return not np.isnan(self.half_width)

    def sentence(self) -> str:
        """The sentence every forecast is published with (Russian)."""
        if not self.n_errors:
            return "Прогноз не проверен: прошлых результатов для проверки мало."
        mae = self.mae[self.method]
        out = f"прогноз ошибался в среднем на {fmt_num(mae)} п. п."
        if not np.isnan(self.coverage):
            out += f"; в полосу попадало {fmt_num(self.coverage, 0)} % прошлых результатов"
        return out[0].upper() + out[1:] + "."

    def comparison(self) -> str:
        """«Метод: тренд (ошибка 4,1 п. п.; средний уровень — 5,2; последний результат — 6,0).»"""
        parts = [f"{METHOD_NAMES[m]} — {fmt_num(self.mae[m])}" for m in METHODS if m != self.method]
        return (f"Метод прогноза: {METHOD_NAMES[self.method]} (средняя ошибка {fmt_num(self.mae[self.method])} п. п.; "
                f"для сравнения: {'; '.join(parts)}).")


def held_out_errors(points: pd.DataFrame, by: Sequence[str], min_train: int = 3) -> pd.DataFrame:
    """Rolling origin: each point from the `min_train`-th on predicted from the earlier points of its group by each
    method. Columns: by…, date, actual, and one column of signed error per method (forecast − actual)."""
    by = list(by)
    pts = points.dropna(subset=["date", "pct"]).sort_values([*by, "date"], kind="stable").reset_index(drop=True)
    pts["_k"] = pts.groupby(by, observed=True, sort=False).cumcount() if by else np.arange(len(pts))
    pts["_n"] = pts.groupby(by, observed=True, sort=False)["pct"].transform("size") if by else len(pts)
    rows = []
    for k in range(min_train, int(pts["_n"].max()) if len(pts) else 0):
        eligible = pts[(pts["_n"] > k).to_numpy()]
        train = eligible[(eligible["_k"] < k).to_numpy()]
        target = eligible[(eligible["_k"] == k).to_numpy()].reset_index(drop=True)
        fit = theil_sen(train, by)
        fit = target[[*by]].merge(fit, on=by, how="left") if by else fit
        trend = predict(fit, pd.Series(target["date"].to_numpy()))["forecast_pct"].to_numpy()
        if by:
            grouped = train.groupby(by, observed=True, sort=False)["pct"]
            mean = target[by].merge(grouped.mean().rename("m").reset_index(), on=by, how="left")["m"].to_numpy()
            last = target[by].merge(grouped.last().rename("l").reset_index(), on=by, how="left")["l"].to_numpy()
        else:
            mean = np.full(len(target), train["pct"].mean())
            last = np.full(len(target), train["pct"].iloc[-1])
        actual = target["pct"].to_numpy(dtype=float)
        rows.append(target[[*by, "date"]].assign(actual=actual, trend=trend - actual, mean=mean - actual,
                                                   last=last - actual))
    if not rows:
        return pd.DataFrame(columns=[*by, "date", "actual", *METHODS])
    return pd.concat(rows, ignore_index=True)


def quality(errors: pd.DataFrame, by: Sequence[str], level: float = 0.9, min_band_points: int = 5,
            points_per_group: pd.Series | None = None) -> ForecastQuality:
    """MAE per method, the winner, its band half-width (`level` quantile of |error|) and the band's coverage with
    each group checked against a band from the other groups' errors. `points_per_group` (aligned with `errors`):
    how many points the error's group has — groups below `min_band_points` get no band and do not count."""
    n = len(errors)
    mae = {m: float(np.abs(errors[m].to_numpy(dtype=float)).mean()) if n else float("nan") for m in METHODS}
    finite = {m: v for m, v in mae.items() if not np.isnan(v)}
    # ties go to the simpler guess: last value, then own mean, then the trend
    method = min(finite, key=lambda m: (finite[m], -METHODS.index(m))) if finite else OWN_MEAN
    banded = np.ones(n, dtype=bool) if points_per_group is None else \
        (points_per_group.to_numpy() >= min_band_points)
    abs_err = np.abs(errors[method].to_numpy(dtype=float))[banded] if n else np.zeros(0)
    if len(abs_err) < 2:
        return ForecastQuality(mae, method, float("nan"), float("nan"), n, level)
    half = float(np.quantile(abs_err, level))
    groups = errors.loc[banded, list(by)].astype(str).agg("|".join, axis=1).to_numpy() if by else \
        np.zeros(len(abs_err), dtype=object)
    inside = np.zeros(len(abs_err), dtype=bool)
    for g in pd.unique(groups):
        mine = groups == g
        others = abs_err[~mine]
        q = np.quantile(others, level) if len(others) else np.nan
        inside[mine] = abs_err[mine] <= q
    coverage = float(inside.mean() * 100.0) if len(pd.unique(groups)) > 1 else float("nan")
    return ForecastQuality(mae, method, half, coverage, n, level)


@dataclass(frozen=True)
class HonestForecast:
    """Each group's next result by the chosen method (forecast, band where it has enough points) and the check."""

    groups: pd.DataFrame
    quality: ForecastQuality


def honest_forecast(facts: pd.DataFrame, by: Sequence[str] = ("class_id",), subject_id: str | None = None,
                    at: Any = None, level: float = 0.9, min_band_points: int = 5, min_train: int = 3
                    ) -> HonestForecast:
    """The next result (% of maximum) of each group, by the method that predicted the past best, with a band from
    held-out errors; `at` (a date) projects the trend there, None means one median gap after the last point."""
    by = list(by)
    f = facts if subject_id is None else facts[(facts["subject_id"] == subject_id).fillna(False).to_numpy(bool)]
    pts = trend_points(f, by)
    errors = held_out_errors(pts, by, min_train)
    sizes = pts.groupby(by, observed=True)["pct"].size().rename("_size").reset_index()
    per_error = errors[by].merge(sizes, on=by, how="left")["_size"] if len(errors) else pd.Series(dtype=float)
    q = quality(errors, by, level, min_band_points, per_error)
    fit = theil_sen(pts, by)
    out = predict(fit, at)
    stats = pts.groupby(by, observed=True)["pct"].agg(["mean"]).reset_index()
    out = out.merge(stats, on=by, how="left")
    if q.method == OWN_MEAN:
        out["forecast_pct"] = out["mean"].to_numpy()
    elif q.method == LAST_VALUE:
        out["forecast_pct"] = out["last_pct"].to_numpy()
    banded = (out["n_points"].to_numpy() >= min_band_points) & q.has_band
    value = out["forecast_pct"].to_numpy(dtype=float)
    out["low_pct"] = np.where(banded, np.clip(value - q.half_width, 0.0, 100.0), np.nan)
    out["high_pct"] = np.where(banded, np.clip(value + q.half_width, 0.0, 100.0), np.nan)
    out["method"] = q.method
    return HonestForecast(out[[*by, *HONEST_COLUMNS]].reset_index(drop=True), q)


@dataclass(frozen=True)
class ExamOutlook:
    """The expected ОГЭ/ЕГЭ result: each student's forecast (%, points, mark, the band's marks where there is a
    band), the expected mark distribution per class, and how well the method predicted the past."""

    work_id: str
    students: pd.DataFrame
    classes: pd.DataFrame
    quality: ForecastQuality


def exam_outlook(facts: pd.DataFrame, works: pd.DataFrame, exam_id: str, level: float = 0.9,
                 min_band_points: int = 5) -> ExamOutlook:
    """Each student's result in the exam's subject (works of the exam's parallel before its date, exams excluded)
    forecast to the exam date by honest_forecast, turned into marks by the exam work's thresholds; the class's
    expected mark distribution and indicators follow from those marks."""
    from reports.analytics.forecast import EXAM_KINDS
    from reports.analytics.groups import map_values
    from reports.analytics.indicators import mark_summary, with_levels
    from reports.analytics.marks import pct_to_mark

    exam = works.set_index("id").loc[exam_id]
    same = ((facts["subject_id"] == exam["subject_id"]).fillna(False)
            & (facts["parallel"] == exam["parallel"]).fillna(False)
            & (facts["date"] < pd.Timestamp(exam["date"])).fillna(False)
            & ~facts["kind"].astype(object).isin(EXAM_KINDS))
    f = facts[same.to_numpy(dtype=bool)]
    fc = honest_forecast(f, ["student_id"], at=exam["date"], level=level, min_band_points=min_band_points)
    st = fc.groups
    first = f.drop_duplicates("student_id").set_index("student_id")
    st["student"] = map_values(st["student_id"], first["student"]).array
    st["class_id"] = map_values(st["student_id"], first["class_id"]).array
    t = [float(exam[c]) for c in ("max_score", "threshold_3", "threshold_4", "threshold_5")]
    st["forecast_score"] = st["forecast_pct"] * t[0] / 100.0
    for col, pct in (("forecast_mark", "forecast_pct"), ("low_mark", "low_pct"), ("high_mark", "high_pct")):
        st[col] = pct_to_mark(st[pct], *t).where(st[pct].notna())
    classes = with_levels(mark_summary(st, by=["class_id"], mark_col="forecast_mark", present_col=None))
    classes.insert(1, "class", map_values(classes["class_id"], first.drop_duplicates("class_id")
                                          .set_index("class_id")["class"]).array)
    return ExamOutlook(str(exam_id), st, classes, fc.quality)
