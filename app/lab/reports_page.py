"""The справки for the authority (/lab/reports): pick the справка and its slice (the choice is the page's URL), the
document is prepared off the event loop with a progress bar, its conclusions and recommendations — prefilled from
the numbers — are edited here, and the files (Word with charts, Excel with native charts, PDF) carry the edits."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from nicegui import ui

from app import background
from app.auth import current_account
from app.lab.access import lab_sees_school
from app.lab.dashboard import load, options
from app.lab.document_view import prepared
from app.lab.pages import frame, lab, lab_page
from app.lab.reports_run import edited, render
from app.pages.downloads import export_buttons, report_exports
from reports.district.builders import parse_params
from reports.district.catalogue import REPORTS, ReportKind, ReportParams, ReportRefused
from reports.spravka.document import Spravka

MONTHS = (3, 6, 12, 24, 36)
LINES_HINT = "Одна строка — один пункт; пустые строки не войдут в справку (не больше 200 пунктов по 5000 знаков)."


def _choices(chosen: ReportKind) -> dict[str, Any]:
    """The selectors' values: from the cube, or, for a справка that reads no slice of the works, from the first
    table it reads of its own (the olympiads' subjects and grades are not the works')."""
    d = load("cube")
    cube, schools = d["cube"], d["schools"]
    if chosen.aggregates and "kind" not in chosen.fields:
        cube = lab().engine.run(chosen.aggregates[0]).rename(columns={"grade": "parallel"})
    return {"year": options(cube, "year"), "kind": options(cube, "kind"), "subject": options(cube, "subject"),
            "parallel": options(cube, "parallel"),
            "school": dict(zip(schools["code"].astype(str), schools["short_name"].astype(str), strict=True))}


def _url(report: str, params: dict[str, Any]) -> str:
    q = {"report": report, **{k: v for k, v in params.items() if v not in (None, "")}}
    return "/lab/reports?" + urlencode(q)


def _selectors(opts: dict[str, Any], report: str, raw: dict[str, str]) -> None:
    with ui.row().classes("items-center gap-3"):
        ui.select({k: v.title for k, v in REPORTS.items()}, value=report, label="Справка",
                  on_change=lambda e: ui.navigate.to(_url(e.value, raw))).classes("w-96").mark("select-report")
        chosen = REPORTS[report]
        offered = {"year": ("Учебный год", {str(y): f"{y}/{y + 1}" for y in opts["year"]}),
                   "kind": ("Вид работы", {str(k): str(k) for k in opts["kind"]}),
                   "subject": ("Предмет", {str(s): str(s) for s in opts["subject"]}),
                   "parallel": ("Параллель" if "kind" in chosen.fields else "Класс",
                                {str(p): str(p) for p in opts["parallel"]}),
                   "months": ("Аттестация в ближайшие", {str(m): f"{m} мес." for m in MONTHS})}
        fields = {k: v for k, v in offered.items() if k in chosen.fields}
        if chosen.needs_school:
            fields["school"] = ("Школа", opts["school"])
        for key, (title, values) in fields.items():
            values = {"": "по умолчанию" if key in ("year", "kind", "months") else "все", **values}
            if key == "school":
                values.pop("")
            current = raw.get(key) or ""

            def go(e: Any, key: str = key) -> None:
                ui.navigate.to(_url(report, {**raw, key: e.value}))

            ui.select(values, value=current if current in values else None, label=title,
                      on_change=go).classes("w-56").mark(f"select-{key}")


def _editor(doc: Spravka, report: str) -> None:
    ui.label(doc.heading).classes("text-h6").mark("report-heading")
    ui.label("Разделы: " + "; ".join(f"{i}. {s.title}" for i, s in enumerate(doc.sections, start=1))).classes(
        "text-body2").mark("report-sections")
    ui.label("Выводы и рекомендации подготовлены по числам; исправьте их перед выгрузкой.").classes("text-body2")
    conclusions = ui.textarea("Выводы", value="\n".join(doc.conclusions)).props("autogrow outlined").classes(
        "w-full").mark("report-conclusions")
    recommendations = ui.textarea("Рекомендации", value="\n".join(doc.recommendations)).props(
        "autogrow outlined").classes("w-full").mark("report-recommendations")
    ui.label(LINES_HINT).classes("text-caption text-grey-7")

    def final() -> Spravka:
        return edited(doc, str(conclusions.value or "").splitlines(), str(recommendations.value or "").splitlines())

    when = doc.meta[0][1] if doc.meta else ""
    when = when.strftime("%d.%m.%Y") if hasattr(when, "strftime") else when
    export_buttons(report_exports(f"{REPORTS[report].title} {when}",
                                  lambda: render(final(), "docx"), lambda: render(final(), "xlsx"),
                                  lambda: render(final(), "pdf")))


def create() -> None:
    @lab_page("/lab/reports", "lab_reports")
    async def reports_page(report: str = "town-vpr", year: str = "", kind: str = "", subject: str = "",
                           parallel: str = "", school: str = "", months: str = "", on: str = "") -> None:
        body = frame("Справки для управления образования")
        report = report if report in REPORTS else "town-vpr"
        raw = {"year": year, "kind": kind, "subject": subject, "parallel": parallel, "school": school,
               "months": months, "on": on}
        account = current_account()
        await ui.context.client.connected()  # the town's numbers take a while: send the page first
        opts = await background.io_bound(_choices, REPORTS[report])
        with body:
            _selectors(opts, report, raw)
            status = ui.column().classes("w-full gap-2")
        chosen = REPORTS[report]
        try:
            params: ReportParams = parse_params(year, kind, subject, parallel, school, months, on)
        except ReportRefused as exc:
            with status:
                ui.label(str(exc)).classes("text-negative").mark("report-refused")
            return
        if chosen.needs_school and not params.school:
            with status:
                ui.label("Выберите школу.").mark("report-choose-school")
            return
        if params.school and not lab_sees_school(account, params.school):
            with status:
                ui.label("У вашей роли нет доступа к данным этой школы.").mark("forbidden")
            return
        doc = await prepared(status, lab(), report, params, "report", "Справка готовится…")
        if doc is not None:
            with status:
                _editor(doc, report)
