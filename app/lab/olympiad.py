"""The town's olympiad database page: stages in order (the schools' data and the lab's municipal protocols), who
passed to the next stage, counts by school, subject, grade and year, mentors, and the check of the municipal
protocols against the status rule of the settings. Participants are codes; no student is named anywhere."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd
from nicegui import ui

from app import background
from app.auth import current_account
from app.lab.access import can_open_lab
from app.lab.pages import frame, lab, lab_page
from app.lab.reports_run import olympiad_rule
from app.lab.views import (
    filters,
    people_scope,
    report_link,
    school_options,
    school_rows,
    sees_people,
    show,
    visible_school,
    visible_schools,
)
from reports.district.olympiads import (
    FROM_SCHOOLS,
    TITLES,
    OlympiadRule,
    check_protocols,
    protocol_counts,
    protocols,
    stages,
    totals,
)
from reports.district.staff_sql import OLYMPIAD_COUNTS, OLYMPIAD_MENTORS, OLYMPIAD_PASSED
from reports.district.town import teacher_name
from sheets_schema.choices import OLYMPIAD_LEVELS
from sync.warehouse.layout import year_of

COUNTS = ["participants", "prize_winners", "winners", "passed"]


@dataclass(frozen=True)
class Filter:
    year: int | None = None
    school: str = ""
    subject: str = ""
    grade: int | None = None

    def apply(self, df: pd.DataFrame) -> pd.DataFrame:
        keep = pd.Series(True, index=df.index)
        for col, v in (("year", self.year), ("school", self.school or None), ("subject", self.subject or None),
                       ("grade", self.grade)):
            if v is not None and col in df:
                keep &= df[col].astype(object) == v
        return df[keep.to_numpy(dtype=bool)]


def rule() -> OlympiadRule:
    return olympiad_rule(lab().settings)


def _num(v: str) -> int | None:
    return int(v) if v.strip().isdigit() and len(v.strip()) < 6 else None


def compute(f: Filter) -> dict[str, Any]:
    """Blocking: the three aggregates through the engine, the lab's protocols from its workbook, the check."""
    c = lab()
    frames = c.cache.workbook.frames
    counts, passed = c.engine.run(OLYMPIAD_COUNTS), c.engine.run(OLYMPIAD_PASSED)
    p = protocols(frames["municipal_olympiads"], frames["schools"], year_of(c.settings.academic_year))
    pc = protocol_counts(p)
    mentors = c.engine.run(OLYMPIAD_MENTORS)
    mentors = mentors.assign(teacher=[teacher_name(a, b, m) for a, b, m in zip(
        mentors["last_name"], mentors["first_name"], mentors["middle_name"], strict=True)])
    sliced = f.apply(counts)
    moved = f.apply(passed)
    options = {"year": sorted({int(y) for y in pd.concat([counts["year"], pc["year"]]) if pd.notna(y)}),
               "subject": sorted({str(s) for s in counts["subject"].dropna()} | {str(s) for s in pc["subject"]}),
               "grade": sorted({int(g) for g in counts["grade"].dropna()})}
    return {
        "stages": stages(sliced, moved, f.apply(pc)),
        "by_school": totals(sliced.assign(source=FROM_SCHOOLS), ["school", "stage_no", "stage"], moved),
        "by_subject": totals(sliced, ["subject", "stage_no", "stage"], moved),
        "by_grade": totals(sliced, ["grade", "stage_no", "stage"], moved),
        "by_year": totals(counts, ["year", "stage_no", "stage"], passed),
        "protocol_by_school": totals(f.apply(pc), ["school", "subject", "grade"]),
        "mentors": totals(f.apply(mentors).assign(students=0), ["school", "teacher", "subject", "stage_no", "stage"])
        .drop(columns="students"),
        "problems": check_protocols(p, rule()), "protocols": len(p), "options": options,
    }


def _named(df: pd.DataFrame, names: dict[str, str]) -> pd.DataFrame:
    return df.assign(short_name=[names.get(str(s), str(s)) for s in df["school"]])


def create() -> None:
    @lab_page("/lab/olympiads", "lab_olympiads")
    async def olympiads_page(year: str = "", school: str = "", subject: str = "", grade: str = "") -> None:
        account = current_account()
        school = visible_school(account, school)
        f = Filter(_num(year), school, subject, _num(grade))
        body = frame("Олимпиады школ города")
        r = await background.io_bound(compute, f)
        names = school_options(lab().cache.workbook.frames["schools"])
        st = rule()
        offered = visible_schools(account, names)
        with body:
            ui.label(f"Этапы: {' → '.join(OLYMPIAD_LEVELS)}. Участники — коды; имён обучающихся здесь нет.").classes(
                "text-body2")
            filters("/lab/olympiads", {"year": year, "school": school, "subject": subject, "grade": grade},
                    {"year": ("Учебный год", {str(y): f"{y}/{y + 1}" for y in r["options"]["year"]}),
                     "school": ("Школа", offered),
                     "subject": ("Предмет", {s: s for s in r["options"]["subject"]}),
                     "grade": ("Класс", {str(g): str(g) for g in r["options"]["grade"]})})
            report_link(account, "olympiads", year=year, subject=subject, parallel=grade)
            ui.label("По этапам").classes("text-h6")
            show(r["stages"], ["stage", "source", *COUNTS], TITLES, "olympiad-stages", pagination=0)
            ui.label("По школам").classes("text-h6")
            own = school_rows(r["by_school"], account)
            show(_named(own, names), ["short_name", "stage", *COUNTS], TITLES, "olympiad-schools")
            for key, what, title in (("by_subject", "subject", "По предметам"), ("by_grade", "grade", "По классам"),
                                     ("by_year", "year", "По годам")):
                ui.label(title).classes("text-h6")
                show(r[key], [what, "stage", *COUNTS], TITLES, f"olympiad-{what}")
            ui.label("Муниципальный этап по протоколам лаборатории").classes("text-h6")
            mine = school_rows(r["protocol_by_school"], account)
            show(_named(mine, names), ["short_name", "subject", "grade", "participants", "prize_winners", "winners"],
                 TITLES, "olympiad-protocols")
            if sees_people(account):
                ui.label("Наставники").classes("text-h6")
                show(_named(people_scope(r["mentors"], account), names),
                     ["short_name", "teacher", "subject", "stage", "participants", "prize_winners", "winners"],
                     TITLES, "olympiad-mentors")
            if can_open_lab(account, "lab_entry"):  # the lab's own protocols: who keeps them checks them
                _check(r, st)


def _check(r: dict[str, Any], st: OlympiadRule) -> None:
    ui.label("Проверка протоколов муниципального этапа").classes("text-h6")
    ui.label(f"Правило: победитель набирает больше {st.winner_min_share * 100:g} % максимального балла; "
             f"победителей и призёров не больше {st.prize_quota * 100:g} % участников предмета и класса; статусы — "
             "по рейтингу.").classes("text-caption").mark("olympiad-rule")
    if r["problems"].empty:
        ui.label(f"Протоколы ({r['protocols']} строк) соответствуют правилу.").classes("text-positive").mark(
            "olympiad-check-ok")
        return
    with ui.column().classes("gap-1").mark("olympiad-check"):
        for m in r["problems"]["message"]:
            ui.label(m).classes("text-negative").mark("olympiad-problem")
