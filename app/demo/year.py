"""The demo school's year: classes, students, staff, the teaching load, qualification and portfolio, and the
cell grids of every sheet; the assessments come from `works._Assessments`."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import numpy as np

from app.demo import names as V
from app.demo.model import _GRADE_WEIGHTS, DEMO_CATEGORIES, _split
from app.demo.works import _Assessments
from sheets_schema import SCHEMA
from sheets_schema import choices as C
from sync.store import trim_row


class _SchoolYear(_Assessments):
    """Builds one school year record by record; `grids()` renders every sheet through the schema's field types."""

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
        self.load = {}
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

    def grids(self) -> dict[str, list[list[str]]]:
        out = {}
        for sheet in SCHEMA:
            renders = [(f.key, f.type.render) for f in sheet.fields]
            rows = [trim_row([v if isinstance(v, str) else "" if v is None else render(v)
                              for key, render in renders for v in (rec.get(key),)])
                    for rec in self.records[sheet.key]]
            out[sheet.title] = [list(sheet.headers), *rows]
        return out
