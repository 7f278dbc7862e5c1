"""Russian titles of every report column, declared once: sheet columns come from the schema, indicators from here.

Dashboards and exporters call `column_title` / `titled` and never spell a title themselves, so a renamed sheet
header or indicator shows up everywhere at once.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pandas as pd

from sheets_schema import SCHEMA
from sheets_schema.fields import DATE_FORMAT

# Report column -> (sheet key, field key) whose schema header is the title. Columns of the fact frame that carry
# a row's readable name (student, class, ...) take the header of the reference that points to that row.
SCHEMA_COLUMNS: dict[str, tuple[str, str]] = {
    "result_id": ("results", "id"),
    "work_id": ("results", "work_id"),
    "work": ("results", "work_id"),
    "student_id": ("results", "student_id"),
    "student": ("results", "student_id"),
    "present": ("results", "present"),
    "scores": ("results", "scores"),
    "total": ("results", "total"),
    "mark": ("results", "mark"),
    "class_id": ("students", "class_id"),
    "class": ("students", "class_id"),
    "last_name": ("students", "last_name"),
    "first_name": ("students", "first_name"),
    "middle_name": ("students", "middle_name"),
    "parallel": ("classes", "parallel"),
    "letter": ("classes", "letter"),
    "profile": ("classes", "profile"),
    "subject_id": ("works", "subject_id"),
    "subject": ("works", "subject_id"),
    "kind": ("works", "kind"),
    "period": ("works", "period"),
    "date": ("works", "date"),
    "max_score": ("works", "max_score"),
    "threshold_3": ("works", "threshold_3"),
    "threshold_4": ("works", "threshold_4"),
    "threshold_5": ("works", "threshold_5"),
    "department_id": ("subjects", "department_id"),
    "department": ("subjects", "department_id"),
    "teacher_id": ("teaching_load", "teacher_id"),
    "teacher": ("teaching_load", "teacher_id"),
    "task_id": ("tasks", "number"),
    "number": ("tasks", "number"),
    "task_max": ("tasks", "max_score"),
    "element": ("tasks", "element"),
    "task_level": ("tasks", "level"),
    "position": ("teachers", "position"),
    "category": ("teachers", "category"),
    "category_date": ("teachers", "category_date"),
    "education": ("teachers", "education"),
    "experience": ("teachers", "experience"),
    "birth_date": ("teachers", "birth_date"),
    "olympiad_level": ("olympiads", "level"),
    "status": ("olympiads", "status"),
    "course_end": ("courses", "end_date"),
    "course_title": ("courses", "title"),
    "provider": ("courses", "provider"),
    "course_hours": ("courses", "hours"),
    "load_hours": ("teaching_load", "hours"),
    "attestation_date": ("attestations", "date"),
    "attestation_category": ("attestations", "category"),
    "olympiad_score": ("olympiads", "score"),
    "mentor": ("olympiads", "teacher_id"),
    "class_teacher": ("classes", "class_teacher_id"),
}

# Every computed column, once. Percentages are of students who wrote (N) unless the label says otherwise.
INDICATOR_LABELS: dict[str, str] = {
    # mark summary
    "n5": "«5»",
    "n4": "«4»",
    "n3": "«3»",
    "n2": "«2»",
    "n1": "«1»",
    "N": "Писали",
    "absent": "Отсутствовали",
    "enrolled": "По списку",
    "success_pct": "Успеваемость, %",
    "quality_pct": "Качество знаний, %",
    "sou_pct": "СОУ, %",
    "mean_mark": "Средний балл",
    "mean_pct": "Средний % выполнения",
    "sou_level": "Уровень СОУ",
    "quality_level": "Уровень качества знаний",
    "pct": "% от максимального балла",
    # roll-ups: comparison with the level above
    "level": "Уровень свода",
    "depth": "Глубина",
    "label": "Наименование",
    "success_pct_vs_parent": "Успеваемость: разница с уровнем выше, п. п.",
    "quality_pct_vs_parent": "Качество знаний: разница с уровнем выше, п. п.",
    "sou_pct_vs_parent": "СОУ: разница с уровнем выше, п. п.",
    "mean_mark_vs_parent": "Средний балл: разница с уровнем выше",
    # dynamics
    "step": "Этап",
    "success_pct_change": "Успеваемость: изменение, п. п.",
    "quality_pct_change": "Качество знаний: изменение, п. п.",
    "sou_pct_change": "СОУ: изменение, п. п.",
    "mean_mark_change": "Средний балл: изменение",
    "mean_pct_change": "Средний % выполнения: изменение, п. п.",
    # tasks and content elements
    "n_scored": "Оценено работ",
    "mean_score": "Средний балл за задание",
    "score_sum": "Набрано баллов",
    "max_sum": "Максимум баллов",
    "n_solved": "Решено полностью",
    "solved_pct": "Решено полностью, %",
    "pct_of_max": "% от максимума",
    "full_pct": "Выполнили полностью, %",
    "partial_pct": "Выполнили частично, %",
    "zero_pct": "Не выполнили, %",
    "tasks": "Задания",
    "weak": "Слабый элемент",
    # objectivity
    "scope": "Уровень свода",
    "period_mark": "Отметка за период",
    "mark_period": "Период отметки",
    "comparison": "Сравнение с отметкой за период",
    "compared": "Сравнено",
    "no_period_mark": "Нет отметки за период",
    "lowered": "Понизили",
    "confirmed": "Подтвердили",
    "raised": "Повысили",
    "lowered_pct": "Понизили, %",
    "confirmed_pct": "Подтвердили, %",
    "raised_pct": "Повысили, %",
    "basic_solved_pct": "Решено заданий базового уровня, %",
    "high_but_basic_failed": "Высокая отметка при невыполненных базовых заданиях",
    "assessable": "С баллами по базовым заданиям",
    "high_but_basic_failed_pct": "Высокая отметка при невыполненных базовых заданиях, %",
    "signals": "Признаки, требующие проверки",
    # risk
    "n_twos": "Отметок «2» и «1»",
    "n_low": "Результатов намного ниже обычного",
    "own_mean_pct": "Обычный уровень, % от максимума",
    "reasons": "Причины",
    # forecast
    "n_points": "Точек в ряду",
    "last_date": "Дата последнего результата",
    "last_pct": "Последний результат, %",
    "slope_per_month": "Тренд, п. п. в месяц",
    "at": "Дата прогноза",
    "forecast_pct": "Прогноз, % от максимума",
    "low_pct": "Прогноз: нижняя граница, %",
    "high_pct": "Прогноз: верхняя граница, %",
    "sigma": "Разброс (σ по MAD), п. п.",
    "forecast_score": "Прогноз, баллов",
    "forecast_mark": "Прогноз отметки",
    "low_mark": "Прогноз отметки: нижняя граница",
    "high_mark": "Прогноз отметки: верхняя граница",
    "actual_pct": "Фактический результат, %",
    "error": "Ошибка прогноза, п. п.",
    # staff and olympiads
    "count": "Человек",
    "share_pct": "Доля, %",
    "experience_band": "Стаж",
    "age": "Возраст, лет",
    "age_band": "Возраст",
    "expires": "Категория действует до",
    "attestation_status": "Аттестация",
    "last_course_end": "Последние курсы окончены",
    "course_status": "Курсы повышения квалификации",
    "participants": "Участников",
    "prize_winners": "Призёров",
    "winners": "Победителей",
    "students": "Обучающихся (без повторов)",
    # справки over a period (many works): counts of results, not of students
    "group": "Группа",
    "students_count": "Обучающихся",
    "marks_count": "Отметок",
    "class_size": "Обучающихся по списку",
    "students_wrote": "Писали хотя бы одну работу",
    "classes_count": "Классов",
    "works_count": "Проведено работ",
    "written": "Написано работ",
    "written_marked": "Написано работ с отметкой",
    "signs": "Признаки",
    "missed": "Пропущено работ",
    "at_risk": "В группе риска",
    "quality_pct_vs_parallel": "Качество знаний: разница с параллелью, п. п.",
    "quality_pct_vs_school": "Качество знаний: разница со школой, п. п.",
}

LEVEL_NAMES: dict[str, str] = {
    "school": "школа",
    "parallel": "параллель",
    "class": "класс",
    "student": "обучающийся",
    "department": "ШМО",
    "subject": "предмет",
    "teacher": "педагог",
}

SCHOOL_LABEL = "Школа"


def column_title(column: str) -> str:
    """The Russian title of a report column; unknown columns keep their key so nothing silently disappears."""
    if column in INDICATOR_LABELS:
        return INDICATOR_LABELS[column]
    if column in SCHEMA_COLUMNS:
        sheet, key = SCHEMA_COLUMNS[column]
        return SCHEMA[sheet].header_of(key)
    return column


def column_titles(columns: Iterable[str]) -> dict[str, str]:
    return {c: column_title(c) for c in columns}


def titled(frame: pd.DataFrame, columns: Iterable[str] | None = None) -> pd.DataFrame:
    """The frame with Russian column titles, ready for an export; `columns` picks and orders them."""
    cols = list(frame.columns if columns is None else columns)
    return frame[cols].rename(columns=column_titles(cols))


@dataclass(frozen=True)
class Table:
    """A result table with its title and the columns a person should see, in order."""

    title: str
    frame: pd.DataFrame
    columns: tuple[str, ...] = ()
    titles: Mapping[str, str] = field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        cols = self.columns or tuple(self.frame.columns)
        object.__setattr__(self, "columns", cols)
        object.__setattr__(self, "titles", column_titles(cols))

    def titled(self) -> pd.DataFrame:
        return titled(self.frame, self.columns)


def round_half_up(value: Any, digits: int = 1) -> float:
    """The value rounded the way a school rounds on paper: a 5 in the next digit rounds away from zero (3,125 ->
    3,13; 62,5 -> 63; −2,5 -> −3). Python's round() and f-strings round half to even on the binary value (3,12;
    62), so every number a person reads goes through here. The decimal text of the float (its shortest repr) is
    what is rounded, so 2,675 -> 2,68 although the binary value is 2,67499…"""
    v = float(value)
    if math.isnan(v) or math.isinf(v):
        return v
    return float(Decimal(repr(v)).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP))


def fmt_num(value: Any, digits: int = 1) -> str:
    """Russian number formatting for every number shown or exported: half-up rounding (round_half_up), decimal
    comma, no trailing zeros beyond `digits`, a true minus sign."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return "—"
    r = round_half_up(value, digits)
    if math.isnan(r):
        return "—"
    text = f"{r:.{digits}f}".rstrip("0").rstrip(".") if digits else f"{r:.0f}"
    text = "0" if text in ("-0", "") else text
    return text.replace(".", ",").replace("-", "−")


def fmt_date(value: Any) -> str:
    if value is None or value is pd.NaT or value is pd.NA:
        return ""
    return pd.Timestamp(value).strftime(DATE_FORMAT)


def class_label(parallel: pd.Series, letter: pd.Series) -> pd.Series:
    """9 and «А» -> «9«А»», the way schools name a class in every справка."""
    text = parallel.astype("string") + "«" + letter.astype("string") + "»"
    return text.astype(object).where(parallel.notna() & letter.notna(), None)


def person_label(last: pd.Series, first: pd.Series, middle: pd.Series | None = None, initials: bool = False
                 ) -> pd.Series:
    """«Иванов Иван» for students; «Петрова А. В.» (initials=True) for teachers."""
    last_s = last.astype("string").fillna("")
    first_s = first.astype("string").fillna("")
    if initials:
        mid = middle.astype("string").fillna("") if middle is not None else pd.Series("", index=last.index)
        mid_initial = (" " + mid.str[:1] + ".").where(mid != "", "")
        first_s = (first_s.str[:1] + "." + mid_initial).where(first_s != "", "")
    text = (last_s + " " + first_s).str.strip()
    return text.astype(object)


def row_labels(frames: Mapping[str, pd.DataFrame], key: str, registry: Any = SCHEMA) -> pd.Series:
    """The readable name of every row of a sheet, as its declaration (`Sheet.row_label`) says; the id where the
    sheet declares none. A label that appends its reference's label («Иванов Иван, 9«А»») shows «—» for a row whose
    reference is empty or unknown."""
    sheet = registry[key]
    f = frames[key]
    spec = sheet.row_label
    if spec is None:
        return f["id"].astype(str)
    cols = [f[k] for k in spec.fields]
    if spec.style == "class":
        text = class_label(cols[0], cols[1])
    elif spec.style in ("person", "initials"):
        text = person_label(cols[0], cols[1], cols[2] if len(cols) > 2 else None, initials=spec.style == "initials")
    elif spec.style == "dated":
        text = cols[0].astype(str) + " (" + cols[1].map(fmt_date) + ")"
    else:
        text = cols[0].astype(str)
    if spec.of:
        target = sheet.refs[spec.of]
        names = row_labels(frames, target, registry).set_axis(frames[target]["id"].to_numpy())
        text = text + ", " + f[spec.of].map(names).fillna("—").astype(str)
    return text
