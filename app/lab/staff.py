"""The town's staff database page: composition, attestation and course obligations, course hours by provider, the
schools' counts and the xlsx for the authority; the list of people (and the review of uncertain matches) only for
those who may see adults' personal data (app.lab.access.lab_sees_people)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd
from nicegui import ui

from app import background
from app.auth import current_account
from app.lab.access import can_open_lab
from app.lab.pages import frame, lab, lab_page
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
from app.pages.downloads import XLSX, Export, export_buttons, file_name
from reports.district.staff_db import (
    TITLES,
    StaffBase,
    attestations_due,
    by_school,
    composition,
    course_hours,
    courses_due,
    current_rows,
    due_by_month,
    match_people,
)
from reports.district.staff_sql import STAFF_ATTESTATIONS, STAFF_COURSES, STAFF_ROWS
from reports.district.staff_xlsx import staff_xlsx
from sync.users import Account

PEOPLE = ["full_name", "birth_year", "schools", "positions", "category", "category_date", "education", "experience"]
DUE = ["full_name", "schools", "position", "category", "category_date", "expires", "attestation_status"]
STALE = ["full_name", "schools", "position", "last_course_end", "course_status"]


@dataclass(frozen=True)
class StaffView:
    base: StaffBase
    tables: dict[str, pd.DataFrame]  # the town's breakdowns, each titled by its first column
    schools: pd.DataFrame
    due: pd.DataFrame
    stale: pd.DataFrame
    months: pd.DataFrame
    providers: pd.DataFrame


def compute(on: dt.date, months: int) -> StaffView:
    """Blocking: the three warehouse reads through the engine, then the school's rules over the town's people."""
    c = lab()
    base = match_people(current_rows(c.engine.run(STAFF_ROWS)))
    courses = c.engine.run(STAFF_COURSES)
    due = attestations_due(base, c.engine.run(STAFF_ATTESTATIONS), on, months)
    stale = courses_due(base, courses, on)
    comp, positions = composition(base, on)
    tables = {k: t.frame for k, t in comp.tables().items()} | {"by_position": positions}
    schools = by_school(base, due, stale, c.cache.workbook.frames["schools"])
    return StaffView(base, tables, schools, due, stale, due_by_month(due), course_hours(base, courses, on))


def _months(value: str, default: int) -> int:
    v = value.strip()
    return int(v) if v.isdigit() and 1 <= int(v) <= 60 else default


def _date(value: str) -> dt.date:
    """«на дату» of the URL (ГГГГ-ММ-ДД), today when it is empty or not a date."""
    try:
        day = dt.date.fromisoformat(value.strip()[:10]) if value.strip() else dt.date.today()
    except ValueError:
        return dt.date.today()
    return day if 1950 <= day.year <= 2100 else dt.date.today()


def heading(on: dt.date, months: int) -> str:
    return (f"Кадры школ города на {on:%d.%m.%Y}; аттестация — в ближайшие {months} мес. (Приказ Минпросвещения "
            "России № 196: категории, установленные с 01.09.2023, бессрочны)")


def create() -> None:
    @lab_page("/lab/staff", "lab_staff")
    async def staff_page(months: str = "", school: str = "", on: str = "") -> None:
        account = current_account()
        n = _months(months, lab().settings.lab_attestation_months)
        day = _date(on)
        body = frame("Кадры школ города")
        view = await background.io_bound(compute, day, n)
        school = visible_school(account, school)
        names = visible_schools(account, school_options(lab().cache.workbook.frames["schools"]))
        with body:
            ui.label(heading(day, n)).classes("text-body2").mark("staff-heading")
            filters("/lab/staff", {"months": str(n), "school": school, "on": on},
                    {"months": ("Аттестация в ближайшие", {str(m): f"{m} мес." for m in (3, 6, 12, 24, 36)}),
                     "school": ("Школа (списки)", names)})
            ui.label(f"Педагогов и руководителей в городе: {len(view.base.people)} человек (работающий в двух школах "
                     f"— один человек); в списке на аттестацию {len(view.due)}, без курсов три года "
                     f"{len(view.stale)}.").classes("text-subtitle1").mark("staff-summary")

            report_link(account, "staff", months=str(n), on=on)
            if can_open_lab(account, "lab_staff_xlsx"):
                export_buttons([Export("Статистика для управления (xlsx)", "download", "staff-xlsx",
                                       file_name("Кадры школ города", f"{day:%d.%m.%Y}", ext="xlsx"), XLSX,
                                       lambda: staff_xlsx(view.tables, view.schools, view.months, view.providers,
                                                          heading(day, n)))])
            _aggregates(view, account)
            if sees_people(account):
                _people(view, account, school)


def _aggregates(view: StaffView, account: Account | None) -> None:
    ui.label("Состав").classes("text-h6")
    with ui.row().classes("w-full gap-4 items-start"):
        for key, t in view.tables.items():
            with ui.column().classes("gap-1"):
                show(t, list(t.columns), {**TITLES, t.columns[0]: TITLES.get(t.columns[0], t.columns[0])},
                     f"staff-{key}", pagination=0)
    ui.label("По школам (человек двух школ считается в обеих)").classes("text-h6")
    own = school_rows(view.schools, account)  # an uploader: their own school's row
    show(own, list(view.schools.columns), TITLES, "staff-schools")
    ui.label("Аттестация по месяцам").classes("text-h6")
    show(view.months, ["month", "count"], TITLES, "staff-months")
    ui.label("Курсы повышения квалификации за три года по организациям").classes("text-h6")
    show(view.providers, ["provider", "courses", "teachers", "hours"], TITLES, "staff-providers")


def _people(view: StaffView, account: Account | None, school: str) -> None:
    def pick(df: pd.DataFrame) -> pd.DataFrame:
        df = people_scope(df, account, "schools")
        if school:
            df = df[[school in [s.strip() for s in str(v).split(",")] for v in df["schools"]]]
        return df

    ui.label("Аттестация в срок (по школьному правилу Приказа № 196)").classes("text-h6")
    show(pick(view.due), DUE, TITLES, "staff-due")
    ui.label("Без курсов повышения квалификации три года (273-ФЗ ст. 47)").classes("text-h6")
    show(pick(view.stale), STALE, TITLES, "staff-stale")
    ui.label("Кадровая база").classes("text-h6")
    show(pick(view.base.people), PEOPLE, TITLES, "staff-people")
    if can_open_lab(account, "lab_staff_review"):
        ui.label("Проверить совпадения (не объединены: исправьте данные в школах)").classes("text-h6")
        if view.base.review.empty:
            ui.label("Неуверенных совпадений нет.").mark("staff-review-empty")
        else:
            show(view.base.review, list(view.base.review.columns), TITLES, "staff-review")

