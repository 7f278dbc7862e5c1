"""The lab's pages: sign-in, the campaign board with the town's indicators, the upload of a school's bundle, and
the lab's own workbook edited with the same schema-driven forms as the school's."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pandas as pd
from fastapi.responses import RedirectResponse
from nicegui import events, ui

from app import background
from app.auth import current_account, page, sign_out
from app.frame import header_strip, who_html
from app.lab.access import (
    LAB_PAGES,
    LAB_ROLE_TITLES,
    authorize_lab_commands,
    can_open_lab,
    lab_sees_school,
    uploader_school,
)
from app.pages.login import login_form
from app.state import ctx
from app.upload_guard import UploadPolicy, install_upload_guard
from forms.entry_form import EntryForm
from reports.district import MATERIALISED, TOWN_BY_SCHOOL_FROM_CUBE, with_rates
from reports.district.completeness import BOARD_TITLES, board, debtors, summary
from reports.district.debtors import debtors_xlsx
from sheets_schema.lab import LAB_SCHEMA
from sheets_schema.rows import RowProblem
from sync.warehouse.intake import MAX_UPLOAD_BYTES, Outcome, ingest_upload
from sync.write.commands import CommandRejected, WriteCommand

NAV = (("Полнота сдачи", "/", "lab_board"), ("Загрузка пакета", "/lab/upload", "lab_upload"),
       ("Мониторинг города", "/lab/town", "lab_town"), ("Динамика", "/lab/town/dynamics", "lab_town"),
       ("Задания", "/lab/town/tasks", "lab_tasks"), ("Сигналы объективности", "/lab/signals", "lab_signals"),
       ("Кластеры и ШНОР", "/lab/clusters", "lab_clusters"),
       ("Кадры", "/lab/staff", "lab_staff"), ("Олимпиады", "/lab/olympiads", "lab_olympiads"),
       ("ППО и услуги", "/lab/practices", "lab_practices"),
       ("Справки", "/lab/reports", "lab_reports"), ("Прогнозы", "/lab/forecast", "lab_forecast"),
       ("Управленческий цикл", "/lab/cycle", "lab_cycle"),
       ("Таблицы лаборатории", "/lab/entry", "lab_entry"))


def lab() -> Any:
    return ctx()  # the lab's context (app.lab.context.LabContext), set by app.lab.site


def frame(title: str) -> Any:
    ui.page_title(f"{title} — лаборатория edumon")
    account = current_account()
    with ui.header().classes("items-center justify-between bg-teal-9 q-px-md"):
        header_strip("edumon · лаборатория", "",
                     ((label, target) for label, target, key in NAV if can_open_lab(account, key)),
                     "" if account is None else who_html(account, LAB_ROLE_TITLES.get(account.role, account.role)))
    col = ui.column().classes("w-full q-pa-md gap-4")
    with col:
        ui.label(title).classes("text-h5")
    return col


def lab_page(path: str, key: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """The school's page guard with the lab's rule (app.lab.access.LAB_PAGES) and chrome."""
    return page(path, key, allowed=can_open_lab, frame_of=frame, rules=LAB_PAGES)


def _board_data(campaign_id: str | None) -> tuple[dict[str, Any] | None, Any, Any]:
    """(campaign, board, town indicators from the cubes) — blocking, run off the event loop."""
    c = lab()
    frames = c.cache.workbook.frames
    campaigns = frames["campaigns"]
    c.engine.refresh()  # another process (lab collect) may have added schools since
    indicators = with_rates(c.engine.run(TOWN_BY_SCHOOL_FROM_CUBE))
    if campaigns.empty:
        return None, None, indicators
    hit = campaigns[campaigns["id"].astype(str) == (campaign_id or "")]
    row = (hit if not hit.empty else campaigns.sort_values("deadline")).iloc[-1].to_dict()
    deadline = row["deadline"].date() if hasattr(row["deadline"], "date") else None
    b = board(frames["schools"], str(row["academic_year"]), deadline, [s.__dict__ for s in c.receipts.all()],
              dt.date.today())
    return row, b, indicators


def _cell(v: Any) -> Any:
    """A value as the browser's table shows it: dates as ДД.ММ.ГГГГ ЧЧ:ММ, flags as «да», missing as empty."""
    if isinstance(v, bool):
        return "да" if v else ""
    if v is None or (not isinstance(v, str) and pd.isna(v)):
        return ""
    if isinstance(v, dt.datetime):
        return v.strftime("%d.%m.%Y %H:%M")
    return v.item() if hasattr(v, "item") else v


def _records(frame: Any, columns: list[str]) -> list[dict[str, Any]]:
    return [{k: _cell(v) for k, v in r.items()} for r in frame[columns].to_dict("records")]


def create() -> None:
    install_upload_guard(UploadPolicy(lambda account: can_open_lab(account, "lab_upload"),
                                      lambda: MAX_UPLOAD_BYTES // (1024 * 1024)))
    ui.page("/login")(login_form(lambda: lab().users, "edumon · лаборатория", lambda: lab().settings.lab_name,
                                 ", ".join(LAB_ROLE_TITLES.values()),
                                 accept=lambda account: can_open_lab(account, "lab_board")))

    @ui.page("/logout")
    def logout_page() -> RedirectResponse:
        sign_out()
        return RedirectResponse("/login")

    @lab_page("/", "lab_board")
    async def board_page(campaign: str = "") -> None:
        body = frame("Полнота сдачи данных")
        data = await background.io_bound(_board_data, campaign or None)
        if data is None:
            return
        row, b, indicators = data
        account = current_account()
        if b is not None:  # an uploader sees their own school's submission and problems, not the others'
            b = b[[lab_sees_school(account, str(code)) for code in b["code"]]].reset_index(drop=True)
        if not indicators.empty:
            indicators = indicators[[lab_sees_school(account, str(code)) for code in indicators["school"]]]
        with body:
            if row is None:
                ui.label("В листе «Кампании сбора» пока нет кампаний.").mark("no-campaign")
            else:
                s = summary(b)
                ui.label(f"{row['title']} — срок {row['deadline']:%d.%m.%Y}: принято {s['accepted']} из "
                         f"{s['schools']}, не прислали {s['not_sent']}, просрочено {s['late']}").classes(
                    "text-subtitle1").mark("board-summary")
                cols = ["code", "short_name", "method", "status", "sent_at", "attempts", "problems", "comment", "late"]
                ui.table(columns=[{"name": c, "label": BOARD_TITLES[c], "field": c, "align": "left"} for c in cols],
                         rows=_records(b, cols), row_key="code").classes("w-full").mark("board")
                if can_open_lab(account, "lab_debtors"):
                    async def download() -> None:
                        data = await background.cpu_bound(debtors_xlsx, debtors(b), str(row["title"]))
                        if data is not None:
                            ui.download.content(data, "Должники.xlsx")

                    ui.button("Должники (xlsx)", icon="download", on_click=download).mark("debtors")
            ui.label("Показатели школ по видам работ (из кубов хранилища)").classes("text-h6")
            cols = ["year", "school", "kind", "N", "success_pct", "quality_pct", "sou_pct", "mean_mark"]
            titles = {"year": "Год", "school": "Школа", "kind": "Вид работы", "N": "Писали",
                      "success_pct": "Успеваемость, %", "quality_pct": "Качество, %", "sou_pct": "СОУ, %",
                      "mean_mark": "Средний балл"}
            rows = indicators.sort_values(["school", "kind"]).round(1) if not indicators.empty else indicators
            ui.table(columns=[{"name": c, "label": titles[c], "field": c, "align": "left"} for c in cols],
                     rows=_records(rows, cols), pagination=20).classes("w-full").mark("town-indicators")

    @lab_page("/lab/upload", "lab_upload")
    async def upload_page() -> None:
        account = current_account()
        school = uploader_school(account) if account else None
        body = frame("Загрузка пакета данных школы")
        with body:
            ui.label("Пакет строится в школе командой edumon lab-export или кнопкой «Пакет для лаборатории» у "
                     "заместителя директора. Проверяется целиком; пакет с ошибками не меняет ничего.").classes(
                "text-body2")
            if school:
                ui.label(f"Вы передаёте данные школы с кодом {school}.").mark("upload-school")
            report = ui.column().classes("w-full gap-1").mark("lab-upload-report")

            async def received(e: events.UploadEventArguments) -> None:
                data = await e.file.read()
                c = lab()
                outcome: Outcome | None = await background.io_bound(
                    ingest_upload, c.warehouse, c.receipts, data, c.settings.data_dir / "inbox", MATERIALISED, school,
                    c.registered(), account.login if account else "")
                if outcome is None:
                    return
                if outcome.ok:
                    await background.io_bound(c.engine.refresh)
                report.clear()
                with report:
                    if outcome.ok:
                        ui.label(f"Принято: школа {outcome.school}, {outcome.academic_year}, {outcome.rows} "
                                 "результатов. Прежняя версия сохранена в истории.").classes(
                            "text-positive").mark("upload-ok")
                    else:
                        ui.label(f"Пакет «{e.file.name}» не принят, ничего не изменено:").classes(
                            "text-negative").mark("upload-refused")
                        for p in outcome.problems:
                            ui.label(p).classes("text-negative").mark("upload-problem")

            ui.upload(label="Пакет данных школы (.zip)", auto_upload=True, max_file_size=MAX_UPLOAD_BYTES,
                      on_upload=received,
                      on_rejected=lambda: ui.notify("Файл больше 200 МБ", type="negative")).props(
                'accept=".zip"').classes("w-96").mark("lab-upload")

    @lab_page("/lab/entry", "lab_entry")
    async def entry_index() -> None:
        with frame("Таблицы лаборатории"):
            for sheet in LAB_SCHEMA:
                n = len(lab().cache.workbook.frames[sheet.key])
                ui.link(f"{sheet.title} ({n})", f"/lab/entry/{sheet.key}").classes("text-body1")

    @lab_page("/lab/entry/{sheet_key}", "lab_entry")
    async def entry_sheet(sheet_key: str) -> None:
        if sheet_key not in LAB_SCHEMA:
            with frame("Нет такого листа"):
                ui.label("Такого листа в таблице лаборатории нет.").mark("no-sheet")
            return
        sheet = LAB_SCHEMA[sheet_key]
        with frame(f"{sheet.title}: ввод"):
            frame_ = lab().cache.workbook.frames[sheet_key]
            shown = [f for f in sheet.fields if f.key != "id" and f.type.widget != "textarea"][:7]
            rows = [{f.key: f.type.render(None if v is None or v != v else v) if not isinstance(v, str) else v
                     for f in shown for v in (r.get(f.key),)} for r in frame_.head(300).to_dict("records")]
            ui.table(columns=[{"name": f.key, "label": f.header, "field": f.key, "align": "left"} for f in shown],
                     rows=rows).classes("w-full").mark("lab-rows")
            ui.label("Новая строка").classes("text-h6")
            EntryForm(LAB_SCHEMA, sheet_key, options=_options, frames=lambda: lab().cache.workbook.frames,
                      on_save=lambda row: _append(sheet_key, row))

    from app.lab import clusters, cycle, dashboard, dynamics, forecast, reports_page, signals, tasks  # frame, guard
    from app.lab.olympiad import create as create_olympiads  # the town's databases
    from app.lab.practice import create as create_practices
    from app.lab.staff import create as create_staff

    dashboard.create()
    signals.create()
    tasks.create()
    for create_database in (create_staff, create_olympiads, create_practices):
        create_database()

    reports_page.create()
    forecast.create()
    cycle.create()
    dynamics.create()
    clusters.create()


def _options(sheet_key: str) -> dict[str, str]:
    sheet = LAB_SCHEMA[sheet_key]
    f = lab().cache.workbook.frames[sheet_key]
    label = sheet.label_field or "id"
    return dict(zip(f["id"].astype(str), f[label].astype(str), strict=True))


async def _append(sheet_key: str, row: dict[str, str]) -> list[RowProblem]:
    account = current_account()
    if account is None:
        return [RowProblem(0, "", "Сеанс завершён: войдите заново — ничего не сохранено")]
    command = WriteCommand("append", sheet_key, row["id"], {k: v for k, v in row.items()}, {}, user=account.login)

    def submit() -> None:
        authorize_lab_commands(account, [command])
        lab().writer.submit([command])

    try:
        await background.io_bound(submit)
    except CommandRejected as exc:
        return list(exc.problems)
    ui.notify("Сохранено", type="positive")
    return []
