"""Templates and uploads: /upload — download an xlsx for a work and a class or for any worksheet, upload it filled.

An upload is read and checked in memory (forms.upload_file, forms.importer) in a worker thread — the spreadsheet
parser itself in a child process, within the limits of the settings (EDUMON_UPLOAD_MAX_MB, EDUMON_UPLOAD_MAX_CELLS);
nothing is written unless every cell is right, and then everything is written in one batch. The upload route itself
is guarded by app.upload_guard (signed-in session with upload rights, body size counted while it streams).
"""

from __future__ import annotations

from fastapi import Request
from nicegui import events, ui

from app import background
from app.auth import current_account, page
from app.frame import frame
from app.pages.downloads import file_name
from app.pages.grid import class_students, classes_for, existing_results, subject_of
from app.pages.grid_pickers import my_works
from app.pages.services import frames, raw_rows, ref_labels, submit_changes
from app.state import ctx
from app.upload_guard import install_upload_guard, too_large_message
from app.visible import visible_workbook
from forms.changes import RowChange
from forms.grid import work_spec
from forms.ids import new_row_id
from forms.importer import CellProblem, ImportPlan, plan_results_import, plan_sheet_import
from forms.leave_guard import LeaveGuard
from forms.templates import SERVICE_TITLE, sheet_template, work_template
from forms.upload_file import UploadLimits, UploadRejected, read_xlsx
from sheets_schema import SCHEMA
from sync.users import Account


def upload_limits() -> UploadLimits:
    settings = ctx().settings
    return UploadLimits(max_bytes=settings.upload_max_mb * 1024 * 1024, max_cells=settings.upload_max_cells)


def make_plan(data: bytes, filename: str, fallback_sheet: str | None, account: Account | None = None) -> ImportPlan:
    """Bytes of an uploaded file -> what it would write (blocking: run in a thread); rows are read as `account`
    may read them."""
    book = read_xlsx(data, filename, upload_limits())
    meta = book.meta(SERVICE_TITLE)
    wb = ctx().cache.workbook
    if meta.get("kind") == "results":
        spec = work_spec(wb.frames, meta.get("work_id", ""))
        class_id = meta.get("class_id", "")
        if spec is None:
            raise UploadRejected("Работа из шаблона не найдена (возможно, её удалили) — скачайте шаблон заново")
        classes = classes_for(spec.parallel)
        if class_id not in classes:
            raise UploadRejected("Класс из шаблона не найден — скачайте шаблон заново")
        students = class_students(class_id, account)
        existing = existing_results(spec.work_id, [s for s, _ in students], account)
        return plan_results_import(book, SCHEMA, spec, classes[class_id], students, existing, wb.frames,
                                   lambda: new_row_id("results"))
    key = meta.get("sheet") if meta.get("sheet") in SCHEMA else None
    key = key or next((s.key for s in SCHEMA if s.title in book.sheets), None) or fallback_sheet
    if key is None:
        raise UploadRejected("Не понятно, какой это лист: названия листов в файле не совпадают с листами таблицы")
    return plan_sheet_import(book, SCHEMA, key, wb.frames, lambda ids: raw_rows(key, ids, account))


class _Report:
    """The list under the uploads: every problem with its cell, or what was written."""

    def __init__(self) -> None:
        self.box = ui.column().classes("w-full gap-1").mark("import-report")

    def show(self, headline: str, problems: list[CellProblem] | None = None, ok: bool = False) -> None:
        self.box.clear()
        with self.box:
            ui.label(headline).classes("text-h6 " + ("text-positive" if ok else "text-negative")).mark(
                "import-summary" if ok else "import-headline")
            for p in problems or []:
                ui.label(p.text()).classes("text-negative" if p.severity == "ошибка" else "text-orange-9").mark(
                    "import-error" if p.severity == "ошибка" else "import-warning")


async def _import(e: events.UploadEventArguments, report: _Report, fallback_sheet: str | None) -> None:
    account = current_account()
    limit = upload_limits().max_bytes
    if e.file.size() > limit:  # never read a body past the limit into memory
        report.show(f"Файл «{e.file.name}» не загружен: {too_large_message(limit // (1024 * 1024))}")
        return
    data = await e.file.read()
    try:
        plan = await background.io_bound(make_plan, data, e.file.name, fallback_sheet, account)
    except UploadRejected as exc:
        report.show(f"Файл «{e.file.name}» не загружен: {exc}")
        return
    if plan is None:  # the page went away while the file was being read
        return
    if plan.errors:
        report.show(f"Файл «{e.file.name}» не загружен: ошибок {len(plan.errors)}. Исправьте ячейки и загрузите "
                    "снова — пока ничего не записано.", plan.problems)
        return
    changes: list[RowChange] = plan.changes
    problems = await submit_changes(changes, account) if changes else []
    if problems:
        report.show("Таблица изменилась, пока файл проверялся; ничего не записано:", plan.locate(problems))
        return
    report.show(("Записано. " if changes else "Изменений нет. ") + plan.summary(), plan.problems, ok=True)


def _download(data: bytes, filename: str) -> None:
    ui.download.content(data, filename, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def create() -> None:
    install_upload_guard()

    @page("/upload", "upload")
    def upload_page(request: Request) -> None:
        work_id = request.query_params.get("work", "")
        class_id = request.query_params.get("class", "")
        with frame("Шаблоны и загрузка таблиц"):
            with ui.tabs() as tabs:
                ui.tab("results", "Результаты работы")
                ui.tab("sheet", "Любой лист")
            with ui.tab_panels(tabs, value="results").classes("w-full"):
                with ui.tab_panel("results"):
                    _results_panel(work_id, class_id)
                with ui.tab_panel("sheet"):
                    _sheet_panel()


UPLOAD_LEAVE_QUESTION = "Файл ещё загружается или проверяется — если уйти сейчас, он не будет записан. Уйти?"


def _uploader(report: _Report, marker: str, fallback: ui.select | None = None) -> ui.upload:
    """The upload box; while a file travels and is checked, leaving the page asks first."""
    mb = ctx().settings.upload_max_mb
    guard = LeaveGuard("upload", UPLOAD_LEAVE_QUESTION)

    async def received(e: events.UploadEventArguments) -> None:
        guard.set(True)
        try:
            await _import(e, report, fallback.value if fallback else None)
        finally:
            guard.set(False)

    def failed() -> None:
        guard.set(False)
        ui.notify(f"Сервер не принял файл: он больше {mb} МБ или сессия истекла (войдите снова)", type="negative")

    return ui.upload(label=f"Загрузить заполненный .xlsx (до {mb} МБ)", auto_upload=True,
                     max_file_size=mb * 1024 * 1024, on_upload=received,
                     on_rejected=lambda: ui.notify(too_large_message(mb), type="negative"),
                     ).props('accept=".xlsx"').classes("w-96").mark(marker).on(
        "start", lambda: guard.set(True)).on("failed", failed)


def _results_panel(work_id: str, class_id: str) -> None:
    ui.label("Шаблон: обучающиеся класса с их id (скрытый столбец), столбец на каждое задание с максимальным баллом, "
             "выпадающие списки и проверка баллов. Заполните и загрузите обратно.").classes("text-body2")
    with ui.row().classes("items-center gap-4"):
        works = my_works(current_account())
        work = ui.select(works, value=work_id if work_id in works else None, with_input=True,
                         label="Работа (поиск по названию или предмету)").classes("w-[560px]").mark("upload-work")
        cls = ui.select({}, label="Класс").classes("w-40").mark("upload-class")

    def classes_of_work() -> None:
        spec = work_spec(frames(), work.value or "")
        cls.options = classes_for(spec.parallel, subject_of(spec.work_id)) if spec else {}
        cls.value = class_id if class_id in cls.options else None
        cls.update()

    work.on_value_change(lambda _: classes_of_work())
    classes_of_work()

    async def download() -> None:
        spec = work_spec(frames(), work.value or "")
        if spec is None or not cls.value:
            ui.notify("Выберите работу и класс", type="warning")
            return
        students = class_students(cls.value)
        data = await background.io_bound(work_template, spec, cls.value, dict(cls.options).get(cls.value, ""), students,
                                         existing_results(spec.work_id, [s for s, _ in students]), SCHEMA.version)
        _download(data, file_name("Результаты", dict(cls.options).get(cls.value, ""),
                                  dict(work.options).get(work.value, spec.work_id), ext="xlsx"))

    ui.button("Скачать шаблон", icon="download", on_click=download).mark("download-results")
    report = _Report()
    _uploader(report, "upload-results")


def _sheet_panel() -> None:
    with ui.row().classes("items-center gap-4"):
        sheet = ui.select({s.key: s.title for s in SCHEMA}, value="students", label="Лист").classes("w-64").mark(
            "upload-sheet-key")
        with_rows = ui.checkbox("С текущими строками (чтобы исправлять уже внесённые)").mark("upload-with-rows")

    async def download() -> None:
        key = sheet.value
        refs = {f.ref: ref_labels(f.ref) for f in SCHEMA[key].fields if f.ref}
        rows = list(raw_rows(key, visible_workbook(current_account())[key]["id"].astype(str)).values()) \
            if with_rows.value else []
        _download(await background.io_bound(sheet_template, SCHEMA, key, refs, rows),
                  file_name(SCHEMA[key].title, ext="xlsx"))

    ui.button("Скачать шаблон листа", icon="download", on_click=download).mark("download-sheet")
    report = _Report()
    _uploader(report, "upload-sheet", sheet)
