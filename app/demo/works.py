"""The demo school's assessments: monitoring works, their results by an item-response model, period marks,
olympiads and the result rows — a mixin of the school year (`year._SchoolYear`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np

from app.demo import names as V
from app.demo.model import _ABSENT, _LENIENCY, _LEVEL_POINTS, _LEVELS, _SLOPE, _marks, _sigmoid, _Work, _YearBase
from sheets_schema import choices as C


class _Assessments(_YearBase):
    """Monitoring works and everything written about them; the school year provides the people and the helpers."""

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
