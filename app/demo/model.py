"""The demo school's model: id widths, the item-response constants and helpers, and one work's generated data."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

import numpy as np

from app.demo import names as V
from sheets_schema import SCHEMA
from sheets_schema import choices as C

_ID_DIGITS = {"departments": 2, "subjects": 2, "teachers": 3, "classes": 4, "students": 5, "teaching_load": 4,
              "works": 3, "tasks": 4, "results": 6, "period_marks": 6, "olympiads": 4, "courses": 4,
              "attestations": 4, "portfolio": 4, "practices": 3, "work_stages": 4, "movements": 4}
_GRADE_WEIGHTS = np.array([1.08, 1.06, 1.04, 1.02, 1.0, 0.98, 0.96, 0.94, 0.9, 0.55, 0.5])
_LEVELS = dict(zip(C.TASK_LEVELS, (-2.0, -0.5, 0.5), strict=True))  # task difficulty on the ability scale
_LEVEL_POINTS = (0.36, 0.39, 0.25)  # share of a typical work's points per level, for expected period marks
_SLOPE = 1.1
_LENIENCY = 0.08  # period marks lean a little above a single test, as teachers' marks do
_ABSENT = 0.05
# the categories the demo staff hold, with their shares below (the new ones of 2023 are not in a demo school yet)
DEMO_CATEGORIES = ("высшая", "первая", "соответствие занимаемой должности", "без категории")


def _split(n: int, weights: np.ndarray) -> list[int]:
    """n into integer parts proportional to weights (largest remainder; ties go to the earlier part)."""
    raw = n * np.asarray(weights, dtype=float) / float(np.sum(weights))
    parts = np.floor(raw).astype(int)
    for i in np.argsort(-(raw - parts), kind="stable")[: n - int(parts.sum())]:
        parts[i] += 1
    return [int(p) for p in parts]


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def _marks(total: np.ndarray, t3: float, t4: float, t5: float) -> np.ndarray:
    """sheets_schema.rules.score_to_mark, vectorised over numpy."""
    return np.where(total >= t5, 5, np.where(total >= t4, 4, np.where(total >= t3, 3, 2)))


@dataclass
class _Work:
    rec: dict[str, Any]
    subject: str
    grade: int
    kind: str
    date: dt.date
    maxima: np.ndarray
    difficulty: np.ndarray
    levels: list[str]
    thresholds: tuple[int, int, int]
    students: np.ndarray | None = None
    scores: np.ndarray | None = None
    absent: np.ndarray | None = None


class _YearBase:
    """The state a demo school year is built in, and the small helpers every part of it uses."""

    # set while the year is built (year._SchoolYear.build); declared here for the parts that read them
    subjects: dict[str, dict[str, Any]]
    depts: dict[str, dict[str, Any]]
    teachers: list[dict[str, Any]]
    dept_of: list[str]
    load: dict[tuple[int, str], int]
    theta: np.ndarray
    st_class: np.ndarray
    st_grade: np.ndarray
    cls_grade: np.ndarray
    cls_eff: np.ndarray
    cls_trend: np.ndarray
    subj_off: np.ndarray
    subj_index: dict[str, int]
    elem_diff: dict[str, dict[str, float]]

    def __init__(self, students: int, seed: int, academic_year: str) -> None:
        m = re.fullmatch(r"(\d{4})/(\d{4})", academic_year.strip())
        if not m or int(m[2]) != int(m[1]) + 1:
            raise ValueError(f"academic_year must look like '2025/2026', got {academic_year!r}")
        if students < 10:
            raise ValueError("a demo school needs at least 10 students")
        self.n, self.y0, self.y1 = students, int(m[1]), int(m[2])
        self.start, self.end = dt.date(self.y0, 9, 1), dt.date(self.y1, 5, 31)
        self.rng = np.random.default_rng(seed)
        self.records: dict[str, list[dict[str, Any]]] = {s.key: [] for s in SCHEMA}
        self.works: list[_Work] = []
        self.special_results: set[tuple[str, str]] = set()  # (work id, student id) of planted analytics signals

    # -- helpers -------------------------------------------------------------------------------------------------
    def new(self, key: str, **fields: Any) -> dict[str, Any]:
        rec = {"id": f"{SCHEMA[key].prefix}-{len(self.records[key]) + 1:0{_ID_DIGITS[key]}d}", **fields}
        self.records[key].append(rec)
        return rec

    def pick(self, seq: Any) -> Any:
        return seq[int(self.rng.integers(len(seq)))]

    def day(self, lo: dt.date, hi: dt.date, school_day: bool = True) -> dt.date:
        d = lo + dt.timedelta(days=int(self.rng.integers((hi - lo).days + 1)))
        while school_day and d.weekday() >= 5:
            d += dt.timedelta(days=1)
        return d

    def frac(self, d: dt.date) -> float:
        """Position of a date in the school year, 0 on 1 September, 1 on 31 May."""
        return (d - self.start).days / (self.end - self.start).days

    def person(self, female: bool) -> dict[str, str]:
        last = self.pick(V.SURNAMES)
        return {"last_name": V.female_surname(last) if female else last,
                "first_name": self.pick(V.FEMALE_NAMES if female else V.MALE_NAMES),
                "middle_name": self.pick(V.PATRONYMICS)[1 if female else 0]}
