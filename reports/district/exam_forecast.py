"""Each school's expected ОГЭ/ЕГЭ mark distribution from its year's results, and how wrong the method was on past
years of the warehouse.

The exam of a school-year is its last ОГЭ (ГИА-9) / ЕГЭ (ГИА-11) work in a subject. Every student's results in that
subject and parallel dated before it (pilot exams included) are projected to the exam's date by the school's own
honest forecast (analytics.forecast_check.honest_forecast: trend, own mean or last result — whichever predicted the
student's past best) and turned into a mark by the exam work's thresholds; the distribution of those marks is the
school's forecast. Where the exam already has results, forecast and fact stand side by side, and every such
school-year of an earlier year is a backtest case of the forecasts made later: the error of the expected quality
(п. п.), of the mean mark and of the mark shares (mean over «5»…«2» of |forecast share − actual share|).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from reports.analytics.forecast import EXAM_KINDS
from reports.analytics.forecast_check import honest_forecast
from reports.analytics.indicators import mark_summary
from reports.analytics.marks import pct_to_mark
from reports.district.town_data import TownData
from reports.labels import fmt_num
from reports.spravka.narrative import plural

KEYS = ["year", "school", "subject", "kind"]
FORECASTS_KEY = "_exam_forecasts"
FACT_COLUMNS = ("year", "school", "student_id", "class_id", "work_id", "parallel", "subject", "kind", "date",
                "max_score", "threshold_3", "threshold_4", "threshold_5", "total", "mark")
SHARE_MARKS = (5, 4, 3, 2)
FORECAST_COLUMNS = ("year", "school", "subject", "kind", "exam_date", "students", *(f"p{m}" for m in SHARE_MARKS),
                    "quality_pct", "mean_mark", "actual_N", *(f"a{m}" for m in SHARE_MARKS), "actual_quality_pct",
                    "actual_mean_mark", "method")


def exam_facts(facts: pd.DataFrame) -> pd.DataFrame:
    """The forecast's input rows: % of maximum per result (results without a total or maximum are left out)."""
    f = facts.copy()
    f["date"] = pd.to_datetime(f["date"])
    total = f["total"].to_numpy(dtype=float, na_value=np.nan)
    mx = f["max_score"].to_numpy(dtype=float, na_value=np.nan)
    f["pct"] = np.where(mx > 0, total / np.where(mx > 0, mx, 1.0) * 100.0, np.nan)
    f["subject_id"] = f["subject"]
    return f[f["pct"].notna().to_numpy() & f["date"].notna().to_numpy()]


def exams(f: pd.DataFrame) -> pd.DataFrame:
    """The last ОГЭ/ЕГЭ work of each school-year-subject, with its date, parallel, maximum and thresholds."""
    e = f[f["kind"].astype(object).isin(EXAM_KINDS).to_numpy()]
    cols = [*KEYS, "work_id", "parallel", "date", "max_score", "threshold_3", "threshold_4", "threshold_5"]
    e = e[cols].drop_duplicates([*KEYS, "work_id"])
    return e.sort_values([*KEYS, "date", "work_id"]).groupby(KEYS, as_index=False).tail(1).reset_index(drop=True)


def _shares(marks: pd.Series, prefix: str) -> dict[str, float]:
    s = mark_summary(pd.DataFrame({"mark": marks.astype("Float64")}), None, "mark", None).iloc[0]
    n = float(s["N"])
    out = {f"{prefix}{m}": (float(s[f"n{m}"]) / n * 100.0 if n else np.nan) for m in SHARE_MARKS}
    out[f"{prefix}N"] = n
    out[f"{prefix}quality_pct"] = float(s["quality_pct"])
    out[f"{prefix}mean_mark"] = float(s["mean_mark"])
    return out


def school_forecasts(facts: pd.DataFrame) -> pd.DataFrame:
    """One row per school-year-subject-exam: the expected shares of «5»…«2» (%), quality and mean mark from the
    students' forecasts, and where the exam has results the actual ones."""
    f = exam_facts(facts)
    rows = []
    for ex in exams(f).to_dict("records"):
        mine = f[(f["year"] == ex["year"]).to_numpy() & (f["school"] == ex["school"]).to_numpy()
                 & (f["subject"] == ex["subject"]).to_numpy() & (f["parallel"] == ex["parallel"]).to_numpy()]
        before = mine[(mine["date"] < ex["date"]).to_numpy()]
        actual = mine[(mine["work_id"] == ex["work_id"]).to_numpy()]
        row = {k: ex[k] for k in KEYS} | {"exam_date": ex["date"]}
        if before.empty:
            continue
        fc = honest_forecast(before, ["student_id"], at=ex["date"])
        t = [float(ex[c]) for c in ("max_score", "threshold_3", "threshold_4", "threshold_5")]
        marks = pct_to_mark(fc.groups["forecast_pct"], *t).where(fc.groups["forecast_pct"].notna())
        pred = _shares(marks, "p")
        row |= {"students": int(pred.pop("pN")), "quality_pct": pred.pop("pquality_pct"),
                "mean_mark": pred.pop("pmean_mark"), **pred, "method": fc.quality.method}
        fact = _shares(actual["mark"], "a")
        row |= {"actual_N": int(fact.pop("aN")), "actual_quality_pct": fact.pop("aquality_pct"),
                "actual_mean_mark": fact.pop("amean_mark"), **fact}
        rows.append(row)
    out = pd.DataFrame(rows, columns=list(FORECAST_COLUMNS))
    return out.astype({"students": "int64", "actual_N": "int64"}) if len(out) else out


@dataclass(frozen=True)
class ExamCheck:
    """How wrong the method was on the past: over `cases` school-year-subject exams of earlier years with results,
    the mean absolute error of the expected quality (п. п.), of the mean mark and of the mark shares (п. п.)."""

    cases: int
    years: tuple[int, ...]
    quality_mae: float
    mean_mark_mae: float
    shares_mae: float

    def sentence(self) -> str:
        if not self.cases:
            return ("Прогноз не проверен: в хранилище нет прошлых лет с результатами ОГЭ/ЕГЭ, на которых его можно "
                    "было бы проверить.")
        years = ", ".join(f"{y}/{y + 1}" for y in self.years)
        return (f"На прошлых годах ({years}; {self.cases} {plural(self.cases, 'случай', 'случая', 'случаев')}) "
                f"прогноз качества ошибался в среднем на {fmt_num(self.quality_mae)} п. п., среднего балла — на "
                f"{fmt_num(self.mean_mark_mae, 2)}, долей отметок — на {fmt_num(self.shares_mae)} п. п.")


def case_errors(forecasts: pd.DataFrame) -> pd.DataFrame:
    """The forecasts whose exams have results, with their errors (forecast − actual)."""
    done = forecasts[(forecasts["actual_N"] > 0).to_numpy() & (forecasts["students"] > 0).to_numpy()].copy()
    done["quality_error"] = done["quality_pct"] - done["actual_quality_pct"]
    done["mean_mark_error"] = done["mean_mark"] - done["actual_mean_mark"]
    diffs = np.abs(np.column_stack([done[f"p{m}"].to_numpy(dtype=float) - done[f"a{m}"].to_numpy(dtype=float)
                                    for m in SHARE_MARKS])) if len(done) else np.zeros((0, len(SHARE_MARKS)))
    done["shares_error"] = diffs.mean(axis=1) if len(done) else []
    return done.reset_index(drop=True)


def check_before(forecasts: pd.DataFrame, year: int, kind: str | None = None) -> ExamCheck:
    """The backtest of the forecasts of `year`: every case of an earlier year (of the same exam kind, if given)."""
    e = case_errors(forecasts)
    e = e[(e["year"] < year).to_numpy()]
    if kind is not None:
        e = e[(e["kind"] == kind).to_numpy()]
    if e.empty:
        return ExamCheck(0, (), float("nan"), float("nan"), float("nan"))
    return ExamCheck(len(e), tuple(sorted(int(y) for y in e["year"].unique())),
                     float(e["quality_error"].abs().mean()), float(e["mean_mark_error"].abs().mean()),
                     float(e["shares_error"].mean()))



def town_forecasts(data: TownData) -> pd.DataFrame:
    """Every school's exam forecasts of the town's facts, computed once per TownData (the page, the profiles and the
    forecast справка share them)."""
    kept = data.extra.get(FORECASTS_KEY)
    if kept is None:
        kept = school_forecasts(data.facts if data.facts is not None else pd.DataFrame(columns=list(FACT_COLUMNS)))
        data.extra[FORECASTS_KEY] = kept
    return kept
