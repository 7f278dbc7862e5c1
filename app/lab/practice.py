"""The best-practice bank (ППО) of the town, searchable by text, subject, level of dissemination and school, and the
catalogue of the schools' services by kind, grade and school. Every role reads the counts; the rows (they name the
authors) follow app.lab.access.lab_sees_people: the methodologist sees all, an uploader their own school's."""

from __future__ import annotations

from typing import Any

from nicegui import ui

from app import background
from app.auth import current_account
from app.lab.pages import frame, lab, lab_page
from app.lab.views import (
    filters,
    link,
    people_scope,
    school_options,
    school_rows,
    sees_people,
    show,
    visible_school,
    visible_schools,
)
from reports.district.practice import (
    BANK_COLUMNS,
    SERVICE_COLUMNS,
    TITLES,
    Search,
    bank,
    bank_counts,
    services,
    services_counts,
    services_for,
)
from reports.district.staff_db import current_rows
from reports.district.staff_sql import PRACTICE_ROWS, STAFF_ROWS, TEACHER_SUBJECTS
from sheets_schema.choices import LEVELS
from sheets_schema.lab import SERVICE_KINDS
from sync.users import Account

SHOWN_BANK = [c for c in BANK_COLUMNS if c not in ("school",)]
SHOWN_SERVICES = [c for c in SERVICE_COLUMNS if c not in ("school",)]
MAX_QUERY = 200  # characters of the search text taken


def find(search: Search, account: Account | None) -> dict[str, Any]:
    """Blocking: the bank (two warehouse reads and the lab's sheet), what the search finds and its counts (by
    school: of the schools the account sees)."""
    c = lab()
    frames = c.cache.workbook.frames
    b = bank(c.engine.run(PRACTICE_ROWS), c.engine.run(TEACHER_SUBJECTS), frames["town_practices"],
             frames["schools"], current_rows(c.engine.run(STAFF_ROWS)))
    found = search.apply(b)
    return {"all": len(b), "found": found, "level": bank_counts(found, "level"),
            "short_name": bank_counts(school_rows(found, account), "short_name"),
            "subjects": bank_counts(found, "subjects"),
            "subject_options": sorted({s.strip() for v in b["subjects"] for s in str(v).split(",") if s.strip()})}


def create() -> None:
    @lab_page("/lab/practices", "lab_practices")
    async def practices_page(q: str = "", subject: str = "", level: str = "", school: str = "") -> None:
        account = current_account()
        school = visible_school(account, school)
        search = Search(q[:MAX_QUERY], subject, level, school)
        body = frame("Банк педагогического опыта (ППО)")
        r = await background.io_bound(find, search, account)
        names = visible_schools(account, school_options(lab().cache.workbook.frames["schools"]))
        found, subjects = r["found"], r["subject_options"]
        with body:
            ui.link("Услуги школ города", "/lab/services").mark("to-services")
            with ui.row().classes("items-center gap-3"):
                box = ui.input("Поиск по теме и описанию", value=search.text).classes("w-96").mark("practice-q")

                def go() -> None:
                    ui.navigate.to(link("/lab/practices", {"q": (box.value or "")[:MAX_QUERY], "subject": subject,
                                                           "level": level, "school": school}))

                box.on("keydown.enter", go)
                ui.button("Найти", icon="search", on_click=go).mark("practice-search")
            filters("/lab/practices", {"q": search.text, "subject": subject, "level": level, "school": school},
                    {"subject": ("Предмет", {s: s for s in subjects}), "level": ("Уровень", {v: v for v in LEVELS}),
                     "school": ("Школа", names)})
            ui.label(f"Найдено записей: {len(found)} из {r['all']}").classes("text-subtitle1").mark("practice-found")
            with ui.row().classes("w-full gap-4 items-start"):
                for by in ("level", "short_name", "subjects"):
                    show(r[by], [by, "count"], TITLES, f"practice-by-{by}", pagination=0)
            if sees_people(account):
                ui.label("Записи").classes("text-h6")
                show(people_scope(found, account), SHOWN_BANK, TITLES, "practice-rows")

    @lab_page("/lab/services", "lab_practices")
    async def services_page(kind: str = "", grade: str = "", school: str = "") -> None:
        account = current_account()
        body = frame("Услуги школ города")
        frames = lab().cache.workbook.frames
        g = int(grade) if grade.isdigit() and 1 <= int(grade) <= 11 else None
        school = visible_school(account, school)

        def work() -> dict[str, Any]:
            s = services(frames["services"], frames["schools"])
            found = services_for(s, kind, g, school)
            return {"found": found, "kind": services_counts(found, "kind"), "grade": services_counts(found, "grade"),
                    "short_name": services_counts(school_rows(found, account), "short_name")}

        r = await background.io_bound(work)
        with body:
            ui.link("Банк педагогического опыта", "/lab/practices").mark("to-practices")
            filters("/lab/services", {"kind": kind, "grade": grade, "school": school},
                    {"kind": ("Вид услуги", {k: k for k in SERVICE_KINDS}),
                     "grade": ("Класс", {str(n): str(n) for n in range(1, 12)}),
                     "school": ("Школа", visible_schools(account, school_options(frames["schools"])))})
            ui.label(f"Услуг: {len(r['found'])}").classes("text-subtitle1").mark("services-found")
            with ui.row().classes("w-full gap-4 items-start"):
                for by in ("kind", "grade", "short_name"):
                    show(r[by], [by, "services", "participants", "hours"], TITLES, f"services-by-{by}", pagination=0)
            if sees_people(account):
                ui.label("Услуги").classes("text-h6")
                show(people_scope(r["found"], account), SHOWN_SERVICES, TITLES, "services-rows")
