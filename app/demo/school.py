"""Demo school generator: a realistic, deterministic school year so the product can be shown and tested offline.

One call builds every worksheet of the schema as cell strings, the way a person types them into Google Sheets, plus
a handful of deliberately bad hand-edited cells (`DemoSchool.planted`) that validation must find, each exactly once.
Scores come from a small item-response model (student ability, per-subject offset, class trend over the year,
content-element difficulty), so analytics have something true to discover: weak elements, classes going up and
down, students at risk, and classes whose period marks are inflated against the ВПР.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass
from typing import Any

import numpy as np

from app.demo import names as V
from sheets_schema import ERROR, SCHEMA, WARNING, col_letter
from sheets_schema import choices as C


@dataclass(frozen=True)
class PlantedCell:
    """A cell spoiled on purpose, as a person editing the sheet by hand would; validation must report it."""

    sheet_key: str
    title: str
    row: int  # 1-based sheet row, the header is row 1
    cell: str  # A1 address, '' for a whole blank row
    header: str
    value: str
    severity: str  # sheets_schema ERROR or WARNING


@dataclass
class DemoSchool:
    grids: dict[str, list[list[str]]]  # worksheet title -> cell grid, header row first
    planted: list[PlantedCell]


def trim_row(row: list[str]) -> list[str]:
    """Drop trailing empty cells: Google returns rows trimmed, so the demo does the same."""
    end = len(row)
    while end and row[end - 1] == "":
        end -= 1
    return row[:end]


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


class _SchoolYear:
    """Builds one school year record by record; `grids()` renders every sheet through the schema's field types."""

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

    # -- structure -----------------------------------------------------------------------------------------------
    def build(self) -> None:
        self.subjects = {name: self.new("subjects", name=name) for name in V.CURRICULUM}
        self.classes_and_students()
        self.staff()
        self.monitoring_works()
        self.results()
        self.period_marks()
        self.olympiads()
        self.qualification()
        self.portfolio_and_practices()
        self.cycle_notes()
        self.movements()

    def movements(self) -> None:
        """One transfer in the winter holidays: the first student of 7«А» moves to 7«Б»; the results written before
        stay with 7«А» (the «Обучающиеся» sheet holds the current class)."""
        classes = {(c["parallel"], c["letter"]): c["id"] for c in self.records["classes"]}
        src, dst = classes.get((7, "А")), classes.get((7, "Б"))
        student = next((s for s in self.records["students"] if s["class_id"] == src), None)
        if src is None or dst is None or student is None:
            return
        student["class_id"] = dst
        self.new("movements", student_id=student["id"], date=dt.date(self.y1, 1, 12), from_class_id=src,
                 to_class_id=dst, order=f"Приказ № 3-у от 09.01.{self.y1}")

    def classes_and_students(self) -> None:
        profiles = [p for p in C.PROFILES if p != "универсальный"]
        cls_grade, cls_eff, st_class = [], [], []
        for grade, n_grade in enumerate(_split(self.n, _GRADE_WEIGHTS), start=1):
            k = max(2, math.ceil(n_grade / 30))
            k = k if k <= 4 else max(4, math.ceil(n_grade / 34))  # big schools: fuller classes, then more letters
            sizes = _split(n_grade, np.ones(k))
            for _ in range(k):  # classes are never exactly equal
                i, j = self.rng.integers(k, size=2)
                if i != j and sizes[i] > 5 and sizes[j] < 35:
                    sizes[i], sizes[j] = sizes[i] - 1, sizes[j] + 1
            first = int(self.rng.integers(len(profiles)))
            for i, size in enumerate(sizes):
                letter = V.LETTERS[i % len(V.LETTERS)] + (str(i // len(V.LETTERS) + 1) if i >= len(V.LETTERS) else "")
                profile = profiles[(first + i) % len(profiles)] if grade >= 10 else "универсальный"
                cls = self.new("classes", parallel=grade, letter=letter, profile=profile)
                pupils = []
                for _ in range(size):
                    female = bool(self.rng.random() < 0.5)
                    born = self.day(dt.date(self.y0 - 6 - grade, 9, 1), dt.date(self.y0 - 5 - grade, 8, 31), False)
                    pupils.append({**self.person(female), "class_id": cls["id"], "birth_date": born,
                                   "gender": "ж" if female else "м"})
                for p in sorted(pupils, key=lambda p: (p["last_name"], p["first_name"], p["middle_name"])):
                    self.new("students", **p)
                cls_grade.append(grade)
                cls_eff.append(self.rng.normal(0, 0.25))
                st_class += [len(cls_grade) - 1] * size
        self.cls_grade = np.array(cls_grade)
        self.cls_eff = np.array(cls_eff)
        self.cls_trend = self.rng.normal(0, 0.45, len(cls_grade))  # some classes improve over the year, some slip
        self.st_class = np.array(st_class)
        n = len(st_class)
        self.theta = self.rng.normal(0, 1, n)
        at_risk = self.rng.choice(n, size=max(3, n // 60), replace=False)
        self.theta[at_risk] = self.rng.normal(-2.4, 0.2, len(at_risk))
        self.subj_off = self.rng.normal(0, 0.45, (n, len(V.CURRICULUM)))
        self.subj_index = {s: i for i, s in enumerate(V.CURRICULUM)}
        self.st_grade = self.cls_grade[self.st_class]

    def staff(self) -> None:
        """Teachers per department in proportion to the hours they must cover; then the teaching load."""
        classes = self.records["classes"]
        items = []  # (class index, subject, weekly hours, department key)
        for c, cls in enumerate(classes):
            extra = V.PROFILE_HOURS.get(cls["profile"], {})
            for subj, (dept, _, hours) in V.CURRICULUM.items():
                h = hours[cls["parallel"] - 1] + extra.get(subj, 0)
                if h:
                    items.append((c, subj, h, "primary" if cls["parallel"] <= 4 and subj in V.PRIMARY_CORE else dept))
        demand = {d: sum(i[2] for i in items if i[3] == d) for d in V.DEPARTMENTS}
        n_staff = max(15, round(self.n / 16))
        support = (["педагог-психолог"] + ["социальный педагог"] * (n_staff >= 25) + ["педагог-библиотекарь"] *
                   (n_staff >= 30) + ["учитель-логопед"] * (n_staff >= 40) +
                   ["педагог дополнительного образования"] * ((n_staff // 150 + 1) if n_staff >= 30 else 0))
        n_teach = n_staff - len(support)
        primary_classes = [c for c, cls in enumerate(classes) if cls["parallel"] <= 4]
        n_primary = min(len(primary_classes), max(1, round(n_teach * demand["primary"] / sum(demand.values()))))
        others = [d for d in V.DEPARTMENTS if d != "primary"]
        shares = _split(n_teach - n_primary - len(others), np.array([demand[d] for d in others]))
        counts = {"primary": n_primary, **{d: 1 + k for d, k in zip(others, shares, strict=True)}}
        self.depts = {d: self.new("departments", name=name) for d, name in V.DEPARTMENTS.items()}
        for name, subject in self.subjects.items():
            subject["department_id"] = self.depts[V.CURRICULUM[name][0]]["id"]
        teachers: list[dict[str, Any]] = []
        specialists: dict[str, list[int]] = {}
        dept_of: list[str] = []
        for d in V.DEPARTMENTS:
            # within a department each teacher has a main subject, in proportion to that subject's hours
            mains = [s for s in V.CURRICULUM if V.CURRICULUM[s][0] == d and d != "primary"] or [""]
            need = np.array([sum(i[2] for i in items if i[1] == s and i[3] == d) for s in mains], dtype=float)
            for s, k in zip(mains, _split(counts[d], need + 1e-9), strict=True):
                for _ in range(k):
                    specialists.setdefault(s, []).append(len(teachers))
                    teachers.append(self.new("teachers", position="учитель", department_id=self.depts[d]["id"]))
                    dept_of.append(d)
        for pos in support:
            teachers.append(self.new("teachers", position=pos,
                                     department_id=self.depts["arts"]["id"] if "дополнительного" in pos else None))
            dept_of.append("")
        self.teachers, self.dept_of = teachers, dept_of
        self.teaching_load(items, specialists, n_staff)
        self.teacher_profiles()

    def teaching_load(self, items: list[tuple[int, str, int, str]], specialists: dict[str, list[int]],
                      n_staff: int) -> None:
        """Each class's subjects go to the least loaded teacher of that subject; grades 1-4 to their own teacher."""
        classes, teachers, dept_of = self.records["classes"], self.teachers, self.dept_of
        non_primary = [t for t, d in enumerate(dept_of) if d not in ("", "primary")]
        admins = self.rng.choice(non_primary, size=2 + (n_staff >= 35) + (n_staff >= 80), replace=False)
        hours = np.zeros(len(teachers))
        for k, t in enumerate(admins):
            teachers[t]["position"] = "директор" if k == 0 else "заместитель директора"
            hours[t] = 14  # administrators teach fewer hours
        primary_teachers = [t for t, d in enumerate(dept_of) if d == "primary"]
        primary_classes = [c for c, cls in enumerate(classes) if cls["parallel"] <= 4]
        own = {c: primary_teachers[i % len(primary_teachers)] for i, c in enumerate(primary_classes)}
        self.load: dict[tuple[int, str], int] = {}
        for c, subj, h, d in sorted(items, key=lambda i: (i[3], i[1], i[0])):
            if d == "primary":
                t = own[c]
            else:
                pool = specialists.get(subj) or [t for t, dd in enumerate(dept_of) if dd == d]
                t = min(pool, key=lambda x: (hours[x], x))
            hours[t] += h
            self.load[(c, subj)] = t
            self.new("teaching_load", teacher_id=teachers[t]["id"], class_id=classes[c]["id"],
                     subject_id=self.subjects[subj]["id"], hours=h)
        candidates = [t for t in self.rng.permutation(non_primary) if t not in set(admins)]
        for c, cls in enumerate(classes):
            t = own[c] if c in own else candidates[(c - len(own)) % len(candidates)]
            cls["class_teacher_id"] = teachers[int(t)]["id"]

    def teacher_profiles(self) -> None:
        """Names, age, experience, category; a category older than five years means attestation is due."""
        teachers, dept_of = self.teachers, self.dept_of
        for t, rec in enumerate(teachers):
            female = bool(self.rng.random() < (0.6 if dept_of[t] == "arts" else 0.88))
            age = int(self.rng.integers(23, 66))
            exp = max(0, age - 22 - int(self.rng.integers(0, 8)))
            cat = "без категории" if exp < 2 else str(self.rng.choice(DEMO_CATEGORIES, p=[0.38, 0.35, 0.15, 0.12]))
            years_ago = self.rng.uniform(0.3, min(6.5, exp + 0.3))
            rec.update(self.person(female), category=cat, experience=exp,
                       birth_date=self.day(dt.date(self.y0 - age - 1, 9, 1), dt.date(self.y0 - age, 8, 31), False),
                       education=str(self.rng.choice(C.EDUCATION, p=[0.8, 0.06, 0.12, 0.02])),
                       category_date=None if cat == "без категории" else
                       self.end - dt.timedelta(days=int(years_ago * 365.25)))
        five_years = self.end - dt.timedelta(days=5 * 365 + 2)
        due = [r for r in teachers if r["category_date"] is not None and r["category_date"] < five_years]
        veterans = [r for r in teachers if r["category_date"] is not None and r["experience"] >= 7 and r not in due]
        for r in veterans[: max(0, 2 + len(teachers) // 15 - len(due))]:  # some attestations are always due
            r["category_date"] = five_years - dt.timedelta(days=int(self.rng.integers(20, 500)))
        for d, dep in self.depts.items():
            members = [t for t, dd in enumerate(dept_of) if dd == d]
            rank = {c: i for i, c in enumerate(C.CATEGORIES)}
            dep["head_id"] = teachers[min(members, key=lambda t: (rank[teachers[t]["category"]],
                                                                  -teachers[t]["experience"], t))]["id"]

    # -- monitoring ----------------------------------------------------------------------------------------------
    def monitoring_works(self) -> None:
        y0, y1 = self.y0, self.y1
        weak = {s: self.rng.normal(0, 0.3, len(el)) for s, el in V.ELEMENTS.items()}
        for diff in weak.values():  # a couple of clearly weak content elements per subject
            diff[self.rng.choice(len(diff), size=2, replace=False)] += 1.3
        self.elem_diff = {s: dict(zip(V.ELEMENTS[s], d, strict=True)) for s, d in weak.items()}
        plan: list[tuple[int, str, str, dt.date, dt.date]] = []  # (grade, subject, kind, date range)
        for g in range(1, 12):
            main = ["русский язык", "математика"] + ([V.EXTRA_SUBJECT[g]] if g in V.EXTRA_SUBJECT else [])
            for s in main:
                plan.append((g, s, "входная", dt.date(y0, 9, 8), dt.date(y0, 9, 26)))
                if g > 1:
                    plan.append((g, s, "промежуточная (рубежная)", dt.date(y0, 12, 8), dt.date(y0, 12, 24)))
                plan.append((g, s, "итоговая", dt.date(y1, 5, 12), dt.date(y1, 5, 22)))
            for s in V.VPR_SUBJECTS.get(g, ()):
                plan.append((g, s, "ВПР", dt.date(y1, 3, 11), dt.date(y1, 4, 24)))
            exam = {9: "ОГЭ (ГИА-9)", 11: "ЕГЭ (ГИА-11)"}.get(g)
            for s in ("русский язык", "математика") if exam else ():
                plan.append((g, s, str(exam), dt.date(y1, 2, 5), dt.date(y1, 2, 20)))
                plan.append((g, s, str(exam), dt.date(y1, 4, 6), dt.date(y1, 4, 17)))
        for g, s, kind, lo, hi in plan:
            date = self.day(lo, hi)
            n_tasks = int(self.rng.integers(*{"ВПР": (10, 17), "ОГЭ (ГИА-9)": (15, 21), "ЕГЭ (ГИА-11)": (15, 21)}
                                            .get(kind, (5, 9) if g == 1 else (6, 13))))
            n_high = max(1, round(0.15 * n_tasks))
            n_basic = round(0.55 * n_tasks)
            levels = ["базовый"] * n_basic + ["повышенный"] * (n_tasks - n_basic - n_high) + ["высокий"] * n_high
            external = kind in ("ВПР", "ОГЭ (ГИА-9)", "ЕГЭ (ГИА-11)")
            maxima = np.array([(1 + int(external and self.rng.random() < 0.25)) if lv == "базовый" else
                               2 if lv == "повышенный" else int(self.rng.integers(2, 4)) for lv in levels])
            order = self.rng.permutation(len(V.ELEMENTS[s]))
            elements = [V.ELEMENTS[s][order[i % len(order)]] for i in range(n_tasks)]
            difficulty = np.array([_LEVELS[lv] + self.elem_diff[s][e] for lv, e in zip(levels, elements, strict=True)])
            difficulty += self.rng.normal(0, 0.2, n_tasks)
            total = int(maxima.sum())
            t3 = max(1, round(0.3 * total))
            t4 = max(t3 + 1, round(0.55 * total))
            t5 = min(total, max(t4 + 1, round(0.8 * total)))
            is_exam = kind in ("ОГЭ (ГИА-9)", "ЕГЭ (ГИА-11)")
            month = {2: " (февраль)", 4: " (апрель)"}.get(date.month, "") if is_exam else ""
            stage = ("обработка" if date.month == 5 else "анализ" if date.month == 4 or self.rng.random() < 0.3
                     else "рекомендации")
            rec = self.new("works", title=f"{V.KIND_TITLES[kind]} {V.CURRICULUM[s][1]}, {g} класс{month}",
                           subject_id=self.subjects[s]["id"], parallel=g, kind=kind, period=self.period_of(date, g),
                           date=date, max_score=total, threshold_3=t3, threshold_4=t4, threshold_5=t5, stage=stage,
                           notes="Пробный экзамен в формате ГИА" if is_exam else None)
            for i, (m, e, lv) in enumerate(zip(maxima, elements, levels, strict=True), start=1):
                self.new("tasks", work_id=rec["id"], number=i, max_score=int(m), element=e, level=lv)
            self.works.append(_Work(rec, s, g, kind, date, maxima, difficulty, levels, (t3, t4, t5)))
        self.works.sort(key=lambda w: (w.grade, w.date, w.rec["id"]))

    def cycle_notes(self) -> None:
        """A note for every stage of the monitoring cycle each work has reached (no randomness: the rest of the
        demo does not shift when this changes)."""
        for w in sorted(self.works, key=lambda w: w.rec["id"]):
            reached = C.CYCLE_STAGES.index(w.rec["stage"]) + 1
            t3, t4, t5 = w.thresholds
            facts = {"subject": w.subject, "grade": w.grade, "kind": w.kind, "tasks": len(w.maxima),
                     "max": int(w.maxima.sum()), "t3": t3, "t4": t4, "t5": t5, "date": w.date.strftime("%d.%m.%Y")}
            for stage, offset, text in V.STAGE_NOTES[:reached]:
                self.new("work_stages", work_id=w.rec["id"], stage=stage, date=w.date + dt.timedelta(days=offset),
                         note=text.format(**facts), author="Заместитель директора по УВР")

    @staticmethod
    def period_of(d: dt.date, grade: int) -> str:
        if grade >= 10:
            return "1 полугодие" if d.month >= 9 else "2 полугодие"
        if d.month in (9, 10):
            return "1 четверть"
        if d.month in (11, 12):
            return "2 четверть"
        return "3 четверть" if d.month <= 2 or (d.month == 3 and d.day <= 22) else "4 четверть"

    def ability(self, students: np.ndarray, subject: str, t: float) -> np.ndarray:
        c = self.st_class[students]
        return (self.theta[students] + self.cls_eff[c] + self.subj_off[students, self.subj_index[subject]]
                + self.cls_trend[c] * (t - 0.5))

    def results(self) -> None:
        for w in self.works:
            idx = np.flatnonzero(self.st_grade == w.grade)
            a = self.ability(idx, w.subject, self.frac(w.date))
            p = _sigmoid(_SLOPE * (a[:, None] - w.difficulty[None, :]))
            w.students, w.absent = idx, self.rng.random(len(idx)) < _ABSENT
            w.scores = self.rng.binomial(np.broadcast_to(w.maxima, p.shape), p)
        self.plant_overachievers()

    def plant_overachievers(self) -> None:
        """Two ВПР results of one class with a high total but most basic tasks failed: the ФИС ОКО sign of
        unobjective checking, visible as a class signal."""
        for w in [w for w in self.works if w.kind == "ВПР"][1::3]:
            basic = np.array([lv == "базовый" for lv in w.levels])
            pattern = np.where(basic, 0, w.maxima)
            solved = np.flatnonzero(basic)[: (int(basic.sum()) - 1) // 2]
            pattern[solved] = w.maxima[solved]
            assert w.scores is not None and w.absent is not None and w.students is not None
            if pattern.sum() < w.thresholds[1] or w.absent.all():
                continue
            present, who = np.flatnonzero(~w.absent), w.students
            best = max(present, key=lambda i: (self.theta[who[i]], -i))
            same_class = [i for i in present if self.st_class[who[i]] == self.st_class[who[best]]]
            pair = sorted(same_class, key=lambda i: (-self.theta[who[i]], i))[:2]
            if len(pair) < 2:
                continue
            for i in pair:
                w.scores[i] = pattern
                self.special_results.add((w.rec["id"], self.records["students"][w.students[i]]["id"]))
            return

    def period_marks(self) -> None:
        """Period marks consistent with ability; a few classes (and one math teacher) inflate them against the ВПР."""
        vpr_classes = np.flatnonzero(np.isin(self.cls_grade, [4, 5, 6, 7, 8]))
        weaker = vpr_classes[np.argsort(self.cls_eff[vpr_classes])][: max(2, len(vpr_classes) // 2)]
        inflated = set(self.rng.choice(weaker, size=2, replace=False).tolist())  # weak classes "look good"
        math_class = int(self.rng.choice([c for c in np.flatnonzero(np.isin(self.cls_grade, [5, 6, 7]))
                                          if c not in inflated]))
        students = self.records["students"]
        for g in range(2, 12):
            subjects = list(dict.fromkeys(w.subject for w in self.works if w.grade == g))
            idx = np.flatnonzero(self.st_grade == g)
            periods = (("1 полугодие", 0.25), ("2 полугодие", 0.75)) if g >= 10 else (
                ("1 четверть", 0.12), ("2 четверть", 0.37), ("3 четверть", 0.62), ("4 четверть", 0.88))
            for s in subjects:
                shift = float(np.mean(list(self.elem_diff[s].values())))
                boost = np.isin(self.st_class[idx], list(inflated)) | ((self.st_class[idx] == math_class) &
                                                                       (s == "математика"))
                marks = []
                for _, t in periods:
                    a = self.ability(idx, s, t)
                    share = sum(wt * _sigmoid(_SLOPE * (a - lv - shift))
                                for wt, lv in zip(_LEVEL_POINTS, _LEVELS.values(), strict=True))
                    mark = _marks(share + _LENIENCY + self.rng.normal(0, 0.05, len(idx)), 0.25, 0.55, 0.8)  # avoid a 2
                    marks.append(np.minimum(5, mark + boost))
                marks.append(np.floor(np.mean(marks, axis=0) + 0.5).astype(int))  # the year mark rounds up at .5
                for j, i in enumerate(idx):
                    for (period, _), m in zip((*periods, ("год", 1.0)), marks, strict=True):
                        self.new("period_marks", student_id=students[i]["id"], subject_id=self.subjects[s]["id"],
                                 period=period, mark=str(m[j]))

    # -- the rest of the school year -----------------------------------------------------------------------------
    def olympiads(self) -> None:
        """All-Russian olympiad stages: school (grades 4-11), municipal (7-11), regional (9-11)."""
        students = self.records["students"]
        stages = (("школьный", 4, (dt.date(self.y0, 9, 20), dt.date(self.y0, 10, 25)), (80, 60), 0),
                  ("муниципальный", 7, (dt.date(self.y0, 11, 10), dt.date(self.y0, 12, 15)), (85, 65), 65),
                  ("региональный", 9, (dt.date(self.y1, 1, 15), dt.date(self.y1, 2, 20)), (90, 70), 75))
        entrants: list[tuple[int, str, float]] = []
        older = np.flatnonzero(self.st_grade >= 4)
        star = older[np.argmax(self.theta[older])]
        for k in older:
            if self.rng.random() < 0.14 + 0.12 * self.theta[k] or k == star:
                grade = int(self.st_grade[k])
                options = [s for s in V.OLYMPIAD_SUBJECTS if V.CURRICULUM[s][2][grade - 1]]
                for s in self.rng.choice(options, size=int(self.rng.integers(1, 4)), replace=False):
                    entrants.append((int(k), str(s), 0.0))
        for level, min_grade, (lo, hi), (win, prize), pass_score in stages:
            dates = {s: self.day(lo, hi) for s in V.OLYMPIAD_SUBJECTS}
            next_round = []
            for i, s, prev in entrants:
                if self.st_grade[i] < min_grade or prev < pass_score:
                    continue
                a = self.ability(np.array([i]), s, self.frac(dates[s]))[0]
                score = int(np.clip(round(48 + 17 * a + self.rng.normal(0, 10)), 2, 100))
                status = "победитель" if score >= win else "призёр" if score >= prize else "участник"
                t = self.load.get((int(self.st_class[i]), s))
                self.new("olympiads", student_id=students[i]["id"], subject_id=self.subjects[s]["id"], level=level,
                         status=status, score=score, teacher_id=None if t is None else self.teachers[t]["id"],
                         date=dates[s])
                next_round.append((int(i), s, float(score) if status != "участник" else 0.0))
            entrants = next_round

    def qualification(self) -> None:
        """Attestations behind each category; courses, with a few teachers left without any for three years."""
        first_recent = self.end - dt.timedelta(days=3 * 365 - 30)
        no_courses = set(self.rng.choice(len(self.teachers), size=max(2, len(self.teachers) // 10),
                                         replace=False).tolist())
        for t, rec in enumerate(self.teachers):
            if rec["category_date"] is not None:
                if rec["category"] == "высшая" and rec["experience"] > 8 and self.rng.random() < 0.4:
                    self.new("attestations", teacher_id=rec["id"], category="первая",
                             date=rec["category_date"] - dt.timedelta(days=int(self.rng.integers(1830, 2200))))
                self.new("attestations", teacher_id=rec["id"], date=rec["category_date"], category=rec["category"])
            n = 0 if t in no_courses else int(self.rng.integers(1, 4))
            spans = [(first_recent, self.end)] * n
            if t in no_courses and self.rng.random() < 0.5:
                spans.append((self.end - dt.timedelta(days=6 * 365), first_recent - dt.timedelta(days=60)))
            for lo, hi in spans:
                hours = int(self.pick((16, 18, 24, 36, 36, 72, 72, 108, 144)))
                end = self.day(lo, hi)
                self.new("courses", teacher_id=rec["id"], title=self.pick(V.COURSE_TITLES),
                         provider=self.pick(V.COURSE_PROVIDERS), hours=hours, end_date=end,
                         start_date=end - dt.timedelta(days=max(2, hours // 6) + int(self.rng.integers(0, 10))))

    def portfolio_and_practices(self) -> None:
        students = self.records["students"]
        levels = ("школьный", "муниципальный", "региональный", "всероссийский", "международный")
        for i in np.flatnonzero(self.rng.random(len(students)) < 0.15):
            kind, title = self.pick(V.STUDENT_PORTFOLIO)
            self.new("portfolio", owner="ученик", student_id=students[i]["id"], kind=kind, title=title,
                     level=str(self.rng.choice(levels, p=[0.4, 0.35, 0.15, 0.08, 0.02])),
                     result=self.pick(V.PORTFOLIO_RESULTS), date=self.day(self.start, self.end),
                     link=f"https://school.example.ru/portfolio/{students[i]['id']}" if self.rng.random() < 0.3
                     else None)
        for rec in self.teachers:
            for _ in range(int(self.rng.random() < 0.45) + int(self.rng.random() < 0.15)):
                kind, title = self.pick(V.TEACHER_PORTFOLIO)
                self.new("portfolio", owner="учитель", teacher_id=rec["id"], kind=kind, title=title,
                         level=str(self.rng.choice(levels[:4], p=[0.3, 0.45, 0.2, 0.05])),
                         result=self.pick(V.PORTFOLIO_RESULTS[:4]),
                         date=self.day(self.start - dt.timedelta(days=365), self.end))
        teaching = [t for t, d in enumerate(self.dept_of) if d]
        for t in self.rng.choice(teaching, size=max(2, len(teaching) // 7), replace=False):
            subject = next((s for (c, s), tt in self.load.items() if tt == t), "математика")
            topic = self.pick(V.PRACTICE_TOPICS).format(po=V.CURRICULUM[subject][1])
            self.new("practices", teacher_id=self.teachers[t]["id"], topic=topic,
                     level=str(self.rng.choice(("школьный", "муниципальный", "региональный"), p=[0.5, 0.35, 0.15])),
                     date=self.day(self.start - dt.timedelta(days=400), self.end),
                     description="Опыт представлен на заседании ШМО и педагогическом совете" if self.rng.random() < 0.6
                     else None)

    # -- rendering -----------------------------------------------------------------------------------------------
    def result_records(self) -> None:
        students = self.records["students"]
        for w in self.works:
            assert w.scores is not None and w.absent is not None and w.students is not None
            total = w.scores.sum(axis=1)
            marks = _marks(total, *w.thresholds)
            texts = [" ".join(r) for r in w.scores.astype(str).tolist()]
            for j, i in enumerate(w.students):
                fields: dict[str, Any] = {"work_id": w.rec["id"], "student_id": students[i]["id"]}
                if w.absent[j]:
                    fields["present"] = C.NO
                else:  # first graders get no marks, only scores
                    fields.update(present=C.YES, scores=texts[j], total=str(total[j]),
                                  mark=str(marks[j]) if w.grade > 1 else None)
                self.new("results", **fields)

    def grids(self) -> dict[str, list[list[str]]]:
        out = {}
        for sheet in SCHEMA:
            renders = [(f.key, f.type.render) for f in sheet.fields]
            rows = [trim_row([v if isinstance(v, str) else "" if v is None else render(v)
                              for key, render in renders for v in (rec.get(key),)])
                    for rec in self.records[sheet.key]]
            out[sheet.title] = [list(sheet.headers), *rows]
        return out


def generate_demo(students: int = 600, seed: int = 42, academic_year: str = "2025/2026") -> DemoSchool:
    """A whole school year of one demo school, as the cell grids of every worksheet, with planted bad cells."""
    year = _SchoolYear(students, seed, academic_year)
    year.build()
    year.result_records()
    grids = year.grids()
    return DemoSchool(grids, _plant(year, grids))


def _plant(year: _SchoolYear, grids: dict[str, list[list[str]]]) -> list[PlantedCell]:
    """Spoil a few cells the way people do by hand; each must come back from validation exactly once."""
    rng = np.random.default_rng(year.rng.integers(2**32))
    planted: list[PlantedCell] = []

    def spoil(key: str, row: int, field_key: str, value: str, severity: str = ERROR) -> None:
        sheet = SCHEMA[key]
        col = sheet.keys.index(field_key)
        cells = grids[sheet.title][row - 1]
        cells += [""] * (col + 1 - len(cells))
        cells[col] = value
        cells[:] = trim_row(cells)
        planted.append(PlantedCell(key, sheet.title, row, f"{col_letter(col)}{row}", sheet.fields[col].header, value,
                                   severity))

    def rows_where(key: str, test: Any) -> list[int]:
        sheet = SCHEMA[key]
        body = grids[sheet.title]
        rows = [r + 1 for r in range(1, len(body)) if test(dict(zip(sheet.keys, body[r], strict=False)))]
        if not rows:
            raise RuntimeError(f"demo school too small to plant a bad cell in {key}")
        return rows

    taken = {year.records["students"][i]["id"] for i in np.flatnonzero(year.theta < -1.8)}
    taken |= {sid for _, sid in year.special_results}

    def usable_result(r: dict[str, str]) -> bool:
        return r.get("mark", "") != "" and r["student_id"] not in taken and len(r["scores"].split()) >= 4

    mark_row, scores_row = (int(x) for x in rng.choice(rows_where("results", usable_result), 2, replace=False))
    spoil("results", mark_row, "mark", "6")
    tokens = grids["Результаты"][scores_row - 1][SCHEMA["results"].keys.index("scores")].split()
    tokens[2] = "х"  # a Cyrillic letter typed among the scores
    spoil("results", scores_row, "scores", " ".join(tokens))
    course = int(rng.choice(rows_where("courses", lambda r: True)))
    hours = grids["Курсы ПК"][course - 1][SCHEMA["courses"].keys.index("hours")]
    spoil("courses", course, "hours", f"{hours},5", WARNING)
    spoil("period_marks", int(rng.choice(rows_where("period_marks", lambda r: r["mark"] == "5"))), "mark", "05",
          WARNING)
    spoil("students", int(rng.choice(rows_where("students", lambda r: r["id"] not in taken))), "class_id", "cls-9999")
    dup = int(rng.choice(rows_where("portfolio", lambda r: True)[1:]))
    spoil("portfolio", dup, "id", grids["Портфолио"][dup - 2][0])
    spoil("olympiads", int(rng.choice(rows_where("olympiads", lambda r: True))), "date", f"31.02.{year.y1}")
    spoil("attestations", int(rng.choice(rows_where("attestations", lambda r: True))), "category", "")
    load = grids[SCHEMA["teaching_load"].title]
    blank = len(load) // 2 + 1
    load.insert(blank - 1, [])
    planted.append(PlantedCell("teaching_load", SCHEMA["teaching_load"].title, blank, "", "", "", WARNING))
    return sorted(planted, key=lambda p: (SCHEMA.keys.index(p.sheet_key), p.row, p.cell))
