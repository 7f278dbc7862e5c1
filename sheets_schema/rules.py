"""Cross-field and cross-sheet rules, worded with the schema's own labels. Each takes and returns typed frames."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from .base import Registry
from .fields import ERROR
from .validation import ROW, Issue, a1

Frames = dict[str, pd.DataFrame]
Rule = Callable[[Registry, Frames], tuple[Frames, list[Issue]]]


def score_to_mark(total: pd.Series | float, t3: pd.Series | float, t4: pd.Series | float,
                  t5: pd.Series | float) -> pd.Series:
    """Total score -> mark 2..5 by the work's minimum scores for 3, 4 and 5 (a 25-point work: 8/15/21)."""
    total_s = pd.Series(total, dtype="Float64") if not isinstance(total, pd.Series) else total.astype("Float64")
    mark = pd.Series(np.where(total_s.isna(), np.nan, 2.0), index=total_s.index)
    for t, m in ((t3, 3), (t4, 4), (t5, 5)):
        mark = mark.where(~(total_s >= t).fillna(False).to_numpy(dtype=bool), float(m))
    return mark.astype("Int64")


def threshold_problem(max_score: float, t3: float, t4: float, t5: float, labels: dict[str, str]) -> str | None:
    """The Russian message for thresholds that do not increase or exceed the maximum, or None."""
    if not (t3 < t4 < t5):
        return (f"«{labels['threshold_3']}» < «{labels['threshold_4']}» < «{labels['threshold_5']}» "
                f"должно выполняться, а сейчас {t3:g}, {t4:g}, {t5:g}")
    if t5 > max_score:
        return f"«{labels['threshold_5']}» ({t5:g}) больше, чем «{labels['max_score']}» ({max_score:g})"
    return None


def validate_work_thresholds(schema: Registry, frames: Frames) -> tuple[Frames, list[Issue]]:
    sheet = schema["works"]
    works = frames["works"]
    issues: list[Issue] = []
    if works.empty:
        return frames, issues
    labels = sheet.column_titles()
    bad = np.zeros(len(works), dtype=bool)
    for p, row in enumerate(works[["max_score", "threshold_3", "threshold_4", "threshold_5", ROW]].itertuples(
            index=False)):
        msg = threshold_problem(float(row.max_score), float(row.threshold_3), float(row.threshold_4),
                                float(row.threshold_5), labels)
        if msg:
            issues.append(Issue(sheet.title, int(getattr(row, ROW)), "", labels["threshold_3"], "", msg, ERROR,
                                sheet.key))
            bad[p] = True
    frames = dict(frames, works=works[~bad].reset_index(drop=True))
    return frames, issues


def validate_results(schema: Registry, frames: Frames) -> tuple[Frames, list[Issue]]:
    """Scores against the work's tasks, totals against scores, marks against thresholds, absent with no scores.

    Derives what a teacher may leave out: a missing total is the sum of the scores, a missing mark comes from
    the thresholds.
    """
    sheet = schema["results"]
    res = frames["results"]
    issues: list[Issue] = []
    if res.empty:
        return frames, issues
    labels = sheet.column_titles()
    res = res.copy()
    works = frames["works"].set_index("id")
    tasks = frames["tasks"].sort_values(["work_id", "number"])
    task_max = tasks.groupby("work_id")["max_score"].agg(lambda s: tuple(float(x) for x in s))
    bad = np.zeros(len(res), dtype=bool)

    def report(p: int, key: str, message: str) -> None:
        r = int(res[ROW].iat[p])
        issues.append(Issue(sheet.title, r, a1(r, sheet.keys.index(key)), labels[key],
                            "" if pd.isna(res[key].iat[p]) else sheet.field(key).type.render(res[key].iat[p]),
                            message, ERROR, sheet.key))
        bad[p] = True

    absent = (res["present"] == "нет").to_numpy()
    known_work = res["work_id"].isin(works.index).to_numpy()
    for p in np.flatnonzero(absent & (res["scores"].notna() | res["mark"].notna()).to_numpy()):
        report(p, "scores" if pd.notna(res["scores"].iat[p]) else "mark",
               f"Обучающийся отмечен как не писавший («{labels['present']}» = нет), но баллы или отметка заполнены")
    scores = res["scores"].to_numpy()
    totals = res["total"].astype("Float64")
    sums = pd.Series([np.nan] * len(res), dtype="Float64")
    for p in np.flatnonzero(~absent & known_work & pd.notna(scores)):
        sc = scores[p]
        maxima = task_max.get(res["work_id"].iat[p])
        if maxima is not None and len(sc) != len(maxima):
            report(p, "scores", f"Заданий в работе {len(maxima)}, а баллов введено {len(sc)}")
            continue
        if maxima is not None:
            over = [i for i, (v, m) in enumerate(zip(sc, maxima, strict=True)) if v is not None and v > m]
            if over:
                i = over[0]
                report(p, "scores", f"Балл за задание {i + 1} ({sc[i]:g}) больше максимального ({maxima[i]:g})")
                continue
        sums.iat[p] = sum(v for v in sc if v is not None)
    mismatch = (totals.notna() & sums.notna() & ((totals - sums).abs() > 1e-9)).fillna(False).to_numpy(dtype=bool)
    for p in np.flatnonzero(mismatch & ~bad):
        report(p, "total", f"«{labels['total']}» ({totals.iat[p]:g}) не равна сумме баллов по заданиям "
                           f"({sums.iat[p]:g})")
    res["total"] = totals.fillna(sums)
    w = works.reindex(res["work_id"])
    over_max = (res["total"].to_numpy(dtype=float, na_value=np.nan) > w["max_score"].to_numpy(dtype=float,
                                                                                              na_value=np.nan))
    for p in np.flatnonzero(over_max & ~bad):
        report(p, "total", f"«{labels['total']}» больше максимального балла работы")
    derived = score_to_mark(res["total"].reset_index(drop=True), w["threshold_3"].to_numpy(dtype=float, na_value=np.nan),
                            w["threshold_4"].to_numpy(dtype=float, na_value=np.nan),
                            w["threshold_5"].to_numpy(dtype=float, na_value=np.nan))
    derived = derived.where(known_work)
    wrong = (res["mark"].notna() & derived.notna() & (res["mark"] != derived)).fillna(False).to_numpy(dtype=bool)
    for p in np.flatnonzero(wrong & ~bad):
        report(p, "mark", f"Отметка {res['mark'].iat[p]} не соответствует сумме баллов {res['total'].iat[p]:g}: "
                          f"по критериям работы это «{derived.iat[p]}»")
    res["mark"] = res["mark"].fillna(derived)
    if "students" in frames and "classes" in frames:
        cls = frames["classes"].set_index("id")["parallel"]
        st = frames["students"].set_index("id")["class_id"]
        student_par = res["student_id"].map(st).map(cls)
        work_par = res["work_id"].map(works["parallel"])
        other = (student_par.notna() & work_par.notna() & (student_par != work_par)).fillna(False).to_numpy(bool)
        for p in np.flatnonzero(other & ~bad):
            report(p, "student_id", f"Обучающийся учится в {student_par.iat[p]} классе, а работа — для "
                                    f"{work_par.iat[p]} класса")
    frames = dict(frames, results=res[~bad].reset_index(drop=True))
    return frames, issues


RULES: list[Rule] = [validate_work_thresholds, validate_results]
