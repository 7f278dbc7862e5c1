"""What a page or a справка shows of the forecasts: a class's or a student's next result per subject and a class's
expected ОГЭ/ЕГЭ marks, each table with the sentence that says how well the method predicted the past."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from reports.analytics.forecast import EXAM_KINDS
from reports.analytics.forecast_check import METHOD_NAMES, ExamOutlook, ForecastQuality, exam_outlook, honest_forecast
from reports.analytics.groups import map_values
from reports.analytics.indicators import DISTRIBUTION
from reports.spravka.document import Paragraph, Section, TableBlock

NEXT_COLUMNS = ("subject", "n_points", "last_pct", "forecast_pct", "low_pct", "high_pct")
EXAM_COLUMNS = ("class", *DISTRIBUTION, "N", "success_pct", "quality_pct", "mean_mark")
NO_BAND = "Полоса не строится для рядов короче пяти результатов."


@dataclass(frozen=True)
class Outlook:
    """Next results per subject (NEXT_COLUMNS) of one class or student, the check of the method, and for a class
    the expected exam marks (None when its parallel has no ОГЭ/ЕГЭ work in the bank)."""

    next_results: pd.DataFrame
    quality: ForecastQuality
    exam: ExamOutlook | None = None
    exam_title: str = ""

    def sentences(self) -> list[str]:
        out = [self.quality.sentence()]
        if self.quality.n_errors:
            out.append(self.quality.comparison())
        if self.exam is not None:
            said = self.exam.quality.sentence()
            out.append(f"Прогноз отметок «{self.exam_title}»: {said[0].lower()}{said[1:]}")
        return out

    def section(self) -> Section:
        blocks: list = [TableBlock(self.next_results, NEXT_COLUMNS, sheet="Прогноз")] if len(self.next_results) \
            else [Paragraph("Результатов для прогноза нет.")]
        blocks += [Paragraph(s) for s in self.sentences()]
        blocks.append(Paragraph(NO_BAND, note=True))
        if self.exam is not None and len(self.exam.classes):
            blocks.append(Paragraph(f"Ожидаемое распределение отметок: «{self.exam_title}» "
                                    f"(метод — {METHOD_NAMES[self.exam.quality.method]})."))
            blocks.append(TableBlock(self.exam.classes, EXAM_COLUMNS, sheet="Прогноз ГИА"))
        return Section("Прогноз", tuple(blocks))


def _next(facts: pd.DataFrame, key: str, value: str) -> tuple[pd.DataFrame, ForecastQuality]:
    """Every group of the level (all classes × subjects, or all students × subjects) is checked together, so the
    check has enough past; the table keeps the one class or student."""
    fc = honest_forecast(facts, [key, "subject_id"])
    rows = fc.groups[(fc.groups[key].astype(str) == str(value)).to_numpy()].copy()
    names = facts.drop_duplicates("subject_id").set_index("subject_id")["subject"]
    rows["subject"] = map_values(rows["subject_id"], names).array
    return rows.reset_index(drop=True), fc.quality


def class_outlook(facts: pd.DataFrame, frames: Mapping[str, pd.DataFrame], class_id: str) -> Outlook:
    """A class's next result per subject and, for a class of a parallel with an ОГЭ/ЕГЭ work, the expected marks."""
    rows, q = _next(facts, "class_id", class_id)
    works = frames["works"]
    classes = frames["classes"]
    parallel = classes.loc[(classes["id"].astype(str) == str(class_id)).to_numpy(), "parallel"]
    exams = works[works["kind"].astype(object).isin(EXAM_KINDS).to_numpy()
                  & (works["parallel"] == (parallel.iloc[0] if len(parallel) else -1)).fillna(False).to_numpy()]
    if exams.empty:
        return Outlook(rows, q)
    exam = exams.sort_values("date").iloc[-1]
    out = exam_outlook(facts, works, exam["id"])
    mine = out.classes[(out.classes["class_id"].astype(str) == str(class_id)).to_numpy()].reset_index(drop=True)
    return Outlook(rows, q, ExamOutlook(out.work_id, out.students, mine, out.quality), str(exam["title"]))


def student_outlook(facts: pd.DataFrame, student_id: str) -> Outlook:
    rows, q = _next(facts, "student_id", student_id)
    return Outlook(rows, q)
