"""The town's staff database page: composition, attestation and course obligations, course hours by provider, the
schools' counts and the xlsx for the authority, the three years' forecast by month with its error on past years;
the list of people only for those who may see adults' personal data (app.lab.access.lab_sees_people), and the
review of proposed matches, which the methodologist confirms or rejects (kept in the lab's sheet «Сверка кадров»)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd
from nicegui import ui

from app import background
from app.auth import current_account
from app.lab.access import can_open_lab
from app.lab.document_view import draw_chart
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
from app.lab.writes import SESSION_ENDED, submit_lab
from app.pages.downloads import XLSX, Export, export_buttons, file_name
from forms.changes import edit_change
from reports.district.staff_db import (
    APART,
    SAME,
    TITLES,
    StaffBase,
    attestations_due,
    by_school,
    composition,
    course_hours,
    courses_due,
    current_rows,
    decisions_of,
    due_by_month,
    match_people,
)
from reports.district.staff_forecast import BACKTEST_COLUMNS, FORECAST_COLUMNS, StaffOutlook, forecast_chart, outlook
from reports.district.staff_forecast import TITLES as FORECAST_TITLES
from reports.district.staff_sql import STAFF_ATTESTATIONS, STAFF_COURSES, STAFF_ROWS
from reports.district.staff_xlsx import staff_xlsx
from sheets_schema.lab import STAFF_MATCHES
from sync.users import Account
from sync.write.commands import WriteCommand, new_id

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
    outlook: StaffOutlook


def compute(on: dt.date, months: int) -> StaffView:
    """Blocking: the three warehouse reads through the engine, then the school's rules over the town's people (with
    the methodologist's decisions on proposed matches), and the three years' forecast with its backtest."""
    c = lab()
    decisions = decisions_of(c.cache.workbook.frames[STAFF_MATCHES.key])
    every = c.engine.run(STAFF_ROWS)
    base = match_people(current_rows(every), decisions)
    courses = c.engine.run(STAFF_COURSES)
    attestations = c.engine.run(STAFF_ATTESTATIONS)
    due = attestations_due(base, attestations, on, months)
    stale = courses_due(base, courses, on)
    comp, positions = composition(base, on)
    tables = {k: t.frame for k, t in comp.tables().items()} | {"by_position": positions}
    schools = by_school(base, due, stale, c.cache.workbook.frames["schools"])
    return StaffView(base, tables, schools, due, stale, due_by_month(due), course_hours(base, courses, on),
                     outlook(every, attestations, courses, on, decisions, base))


def save_decision(account: Account | None, match_key: str, names: str, same: bool) -> list[str]:
    """Blocking: the methodologist's decision on one proposed match as a command on «Сверка кадров» (an update of
    the earlier decision on the same match); the Russian problems of a refusal, nothing written then."""
    if account is None:
        return [SESSION_ENDED]
    if not can_open_lab(account, "lab_staff_review"):
        return ["Решать о совпадениях в кадровой базе может только методист лаборатории"]
    c = lab()
    frame_ = c.cache.workbook.frames[STAFF_MATCHES.key]
    hit = frame_[(frame_["match_key"].astype(str) == match_key).to_numpy(dtype=bool)]
    values = {"match_key": match_key, "decision": SAME if same else APART, "names": names[:500],
              "decided_on": f"{dt.date.today():%d.%m.%Y}"}
    if hit.empty:
        row_id = new_id("sm")
        command = WriteCommand("append", STAFF_MATCHES.key, row_id, {"id": row_id, **values}, {}, user=account.login)
    else:
        row_id = str(hit["id"].iloc[0])
        old = c.cache.raw_row(STAFF_MATCHES.key, row_id)
        change = edit_change(STAFF_MATCHES, row_id, old, values)
        if change is None:
            return []
        command = WriteCommand("update", STAFF_MATCHES.key, row_id, dict(change.values), dict(change.expected),
                               user=account.login)
    return [p.message for p in submit_lab(account, [command])]


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
            _forecast(view.outlook)
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


def _forecast(o: StaffOutlook) -> None:
    ui.label("Прогноз на три года: аттестации и курсы по месяцам").classes("text-h6")
    ui.label(o.heading()).classes("text-body2")
    ui.label(o.check.sentence()).classes("text-body2 text-weight-medium").mark("staff-forecast-error")
    draw_chart(forecast_chart(o.table), "staff-forecast-chart")
    show(o.table, list(FORECAST_COLUMNS), FORECAST_TITLES, "staff-forecast", pagination=12)
    if len(o.cases):
        ui.label("Проверка на прошлых годах: прогноз и факт по месяцам").classes("text-subtitle1")
        show(o.cases, list(BACKTEST_COLUMNS), FORECAST_TITLES, "staff-backtest", pagination=12)


def _review(review: pd.DataFrame) -> None:
    """The proposed matches with the methodologist's two buttons each (the decision is kept in «Сверка кадров»)."""
    async def decide(key: str, names: str, same: bool) -> None:
        problems = await background.io_bound(save_decision, current_account(), key, names, same)
        if problems:
            ui.notify("; ".join(problems), type="negative")
            return
        ui.notify("Решение сохранено", type="positive")
        ui.navigate.reload()

    show(review, [c for c in review.columns if c != "match_key"], TITLES, "staff-review")
    with ui.column().classes("gap-1"):
        for r in review.to_dict("records"):
            key, names = str(r["match_key"]), str(r["full_name"])
            with ui.row().classes("items-center gap-2"):
                ui.label(f"{names} ({r['schools']}): {r['decision']}").classes("text-body2")
                ui.button(SAME, on_click=lambda _, k=key, n=names: decide(k, n, True)).props(
                    "dense flat color=primary").mark(f"review-same-{key}")
                ui.button(APART, on_click=lambda _, k=key, n=names: decide(k, n, False)).props(
                    "dense flat color=negative").mark(f"review-apart-{key}")


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
        ui.label("Проверить совпадения: подтвердите (один человек) или отклоните (разные люди); решение "
                 "сохраняется в листе «Сверка кадров» и действует после каждой новой загрузки").classes("text-h6")
        if view.base.review.empty:
            ui.label("Совпадений для проверки нет.").mark("staff-review-empty")
        else:
            _review(view.base.review)

