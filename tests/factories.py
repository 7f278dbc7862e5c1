"""A tiny school factory for tests: typed frames shaped like `validate_workbook`'s, built in microseconds.

Validation of a whole workbook takes a quarter of a second even for three rows, so analytics tests build typed
frames directly; tests/test_reports_factory.py proves the factory's frames match what validation produces.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from sheets_schema import SCHEMA
from sheets_schema.fields import Choice, Date, Scores, parse_scores_column
from sheets_schema.rules import score_to_mark
from sheets_schema.validation import ROW


class School:
    """Rows by sheet key; `frames()` types them with the schema's own dtypes."""

    def __init__(self) -> None:
        self.rows: dict[str, list[dict[str, Any]]] = {s.key: [] for s in SCHEMA}
        self._n = 0

    def add(self, sheet: str, **values: Any) -> str:
        self._n += 1
        values.setdefault("id", f"{sheet[:2]}{self._n}")
        unknown = set(values) - set(SCHEMA[sheet].keys)
        assert not unknown, f"{sheet}: unknown fields {unknown}"
        self.rows[sheet].append(values)
        return str(values["id"])

    # -- short helpers for the sheets analytics read --------------------------------------------------------------
    def department(self, name: str = "Математика") -> str:
        return self.add("departments", name=name)

    def subject(self, name: str = "Алгебра", department_id: str | None = None) -> str:
        return self.add("subjects", name=name, department_id=department_id or self.department(f"ШМО {name}"))

    def teacher(self, last: str, first: str = "Анна", middle: str = "Петровна", **more: Any) -> str:
        more.setdefault("position", "учитель")
        more.setdefault("category", "первая")
        return self.add("teachers", last_name=last, first_name=first, middle_name=middle, **more)

    def klass(self, parallel: int = 9, letter: str = "А", profile: str = "универсальный") -> str:
        return self.add("classes", parallel=parallel, letter=letter, profile=profile)

    def student(self, class_id: str, last: str, first: str = "Иван") -> str:
        return self.add("students", last_name=last, first_name=first, class_id=class_id)

    def load(self, teacher_id: str, class_id: str, subject_id: str) -> str:
        return self.add("teaching_load", teacher_id=teacher_id, class_id=class_id, subject_id=subject_id)

    def work(self, subject_id: str, *, parallel: int = 9, kind: str = "входная", date: str = "15.09.2025",
             max_score: float = 10, thresholds: tuple[float, float, float] = (4, 6, 8), title: str = "",
             period: str | None = None, tasks: list[tuple[float, str, str]] | None = None) -> str:
        """tasks: (max score, element, level) in task-number order."""
        t3, t4, t5 = thresholds
        wid = self.add("works", title=title or f"{kind} {date}", subject_id=subject_id, parallel=parallel,
                       kind=kind, period=period, date=date, max_score=max_score, threshold_3=t3, threshold_4=t4,
                       threshold_5=t5)
        for number, (mx, element, level) in enumerate(tasks or [], start=1):
            self.add("tasks", work_id=wid, number=number, max_score=mx, element=element, level=level)
        return wid

    def result(self, work_id: str, student_id: str, scores: str | None = None, *, total: float | None = None,
               mark: int | None = None, present: str = "да") -> str:
        return self.add("results", work_id=work_id, student_id=student_id, present=present, scores=scores,
                        total=total, mark=mark)

    def period_mark(self, student_id: str, subject_id: str, period: str, mark: int) -> str:
        return self.add("period_marks", student_id=student_id, subject_id=subject_id, period=period, mark=mark)

    # -- typed frames ---------------------------------------------------------------------------------------------
    def frames(self) -> dict[str, pd.DataFrame]:
        out = {s.key: _typed(s.key, self.rows[s.key]) for s in SCHEMA}
        return _derive_results(out)

    def grids(self) -> dict[str, list[list[str]]]:
        """The same rows as cell strings, the way a store hands them to validation."""
        grids: dict[str, list[list[str]]] = {}
        for sheet in SCHEMA:
            body = [[_cell(f, row.get(f.key)) for f in sheet.fields] for row in self.rows[sheet.key]]
            grids[sheet.title] = [sheet.headers, *body]
        return grids


def _cell(f: Any, value: Any) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else f.type.render(value)


def _typed(key: str, rows: list[dict[str, Any]]) -> pd.DataFrame:
    sheet = SCHEMA[key]
    cols: dict[str, Any] = {}
    for f in sheet.fields:
        values = [r.get(f.key) for r in rows]
        if isinstance(f.type, Choice):
            cols[f.key] = pd.Categorical(values, categories=list(f.type.options))
        elif isinstance(f.type, Date):
            cols[f.key] = pd.to_datetime(pd.Series(values, dtype=object), format="%d.%m.%Y")
        elif isinstance(f.type, Scores):
            parsed = parse_scores_column(pd.Series([v if isinstance(v, str) else None for v in values], dtype=object))
            cols[f.key] = pd.Series([parsed.iat[i] if isinstance(v, str) else v for i, v in enumerate(values)],
                                    dtype=object)
        elif f.type.dtype == "string":  # validation keeps an empty text or reference cell as ""
            cols[f.key] = pd.Series(["" if v is None else v for v in values], dtype=object).astype("string")
        else:
            cols[f.key] = pd.Series(values, dtype=object).astype(f.type.dtype)
    frame = pd.DataFrame(cols, index=pd.RangeIndex(len(rows)))
    frame[ROW] = np.arange(2, len(rows) + 2)
    return frame


def _derive_results(frames: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """What validation derives: a missing total is the sum of the scores, a missing mark comes from thresholds."""
    res = frames["results"].copy()
    # an unscored task («-», None) makes no sum: the total stays as entered
    sums = res["scores"].map(
        lambda sc: sum(sc) if isinstance(sc, tuple) and all(isinstance(v, (int, float)) for v in sc) else None)
    res["total"] = res["total"].fillna(pd.Series(sums, dtype="Float64"))
    w = frames["works"].set_index("id").reindex(res["work_id"].to_numpy())
    derived = score_to_mark(res["total"].reset_index(drop=True), *(w[f"threshold_{m}"].to_numpy(dtype=float)
                                                                  for m in (3, 4, 5)))
    res["mark"] = res["mark"].fillna(derived)
    frames["results"] = res
    return frames


def small_school() -> School:
    s = School()
    sub = s.subject("Алгебра")
    c = s.klass(9, "А")
    p1, p2 = s.student(c, "Иванов"), s.student(c, "Петрова", "Мария")
    w = s.work(sub, tasks=[(2, "Уравнения", "базовый"), (8, "Функции", "повышенный")])
    s.result(w, p1, "2 5")
    s.result(w, p2, "1 -")
    s.period_mark(p1, sub, "1 четверть", 4)
    return s
