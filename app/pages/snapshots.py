"""Admin page for snapshots: list, take, verify, compare, restore (with confirmation and progress), download xlsx.

Every disk or store operation goes through sync.snapshots off the event loop (app.background), so no connected
client waits on I/O; a cancelled call is a notice, never a crash.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any

from nicegui import ui

from app import background
from app.access import can_open
from app.auth import current_account
from app.auth import page as guarded_page
from app.cli.snapshots import KIND, STATUS, fmt_size, fmt_time
from app.frame import frame
from app.state import ctx
from sync import snapshots as snap
from sync.store import StoreError

log = logging.getLogger(__name__)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
LIMIT = 200  # rows shown per section of a diff; the CLI prints everything
_FAILED = object()

COLUMNS: list[dict[str, Any]] = [
    {"name": "id", "label": "Снимок", "field": "id", "align": "left", "sortable": True},
    {"name": "time", "label": "Время", "field": "time", "align": "left"},
    {"name": "kind", "label": "Вид", "field": "kind", "align": "left"},
    {"name": "rows", "label": "Строк", "field": "rows", "align": "right"},
    {"name": "size", "label": "Размер", "field": "size", "align": "right"},
    {"name": "note", "label": "Примечание", "field": "note", "align": "left"},
    {"name": "check", "label": "Проверка", "field": "check", "align": "left"},
]


@dataclass
class _Page:
    """Per-client state; the progress fields are written by the worker thread and shown through bindings."""

    items: list[snap.SnapshotInfo] = field(default_factory=list)
    checked: dict[str, str] = field(default_factory=dict)
    busy: bool = False
    started: bool = False  # the bar appears with the first long action and then shows the last one's end
    progress: float = 0.0
    step: str = ""

    def report(self, fraction: float, step: str) -> None:
        self.progress, self.step = round(fraction, 3), step

    def start(self) -> bool:
        """False (with a hint) while another snapshot or restore of this page is still running."""
        if self.busy:
            ui.notify("Подождите: предыдущее действие ещё выполняется", type="warning")
            return False
        self.busy, self.started, self.progress, self.step = True, True, 0.0, ""
        return True

    @property
    def options(self) -> dict[str, str]:
        return {s.id: f"{s.id} — {fmt_time(s.created_at)}" + (f" ({s.note})" if s.note else "")
                for s in reversed(self.items)}

    @property
    def sheet_titles(self) -> list[str]:
        return list(dict.fromkeys(s.title for i in reversed(self.items) for s in i.sheets))


async def _call(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Run blocking sync work off the event loop; a person's problem becomes a Russian notification."""
    try:
        return await background.io_bound(fn, *args, **kwargs)
    except background.Cancelled:  # the notice is shown; the page keeps what it had
        return _FAILED
    except snap.SnapshotError as exc:
        ui.notify(str(exc), type="negative", multi_line=True)
    except StoreError as exc:
        ui.notify(f"Хранилище недоступно: {exc}", type="negative", multi_line=True)
    except OSError as exc:
        ui.notify(f"Ошибка диска: {exc.strerror or exc}", type="negative")
    except Exception:
        log.exception("snapshot page action %s failed", getattr(fn, "__name__", fn))
        ui.notify("Не удалось выполнить действие: внутренняя ошибка, подробности в журнале сервера", type="negative")
    return _FAILED


def _rows(page: _Page) -> list[dict[str, Any]]:
    return [{"id": s.id, "time": fmt_time(s.created_at), "kind": "повреждён" if s.broken else KIND.get(s.kind, s.kind),
             "rows": "—" if s.broken else s.data_rows, "size": fmt_size(s.size_bytes),
             "note": s.broken or s.note, "check": page.checked.get(s.id, "")} for s in reversed(page.items)]


def _diff_view(diff: snap.WorkbookDiff) -> None:
    if not diff.changed:
        ui.label("Различий нет.").mark("diff-none")
        return
    for s in diff.changed:
        title = f"«{s.title}» — {STATUS[s.status]}: добавлено {len(s.added)}, удалено {len(s.removed)}, " \
                f"изменено {len(s.changed)}" + (", изменён порядок строк" if s.reordered else "")
        with ui.expansion(title, value=len(diff.changed) == 1).classes("w-full").mark(f"diff-{s.title}"):
            if s.header_old != s.header_new and s.status == "changed":
                ui.label(f"Заголовки: {' | '.join(s.header_old)} → {' | '.join(s.header_new)}")
            for caption, refs in (("Добавлены", s.added), ("Удалены", s.removed)):
                if refs:
                    ui.label(f"{caption} ({len(refs)})").classes("text-subtitle2")
                    ui.table(columns=[{"name": "key", "label": "Строка", "field": "key", "align": "left"},
                                      {"name": "cells", "label": "Ячейки", "field": "cells", "align": "left"}],
                             rows=[{"n": n, "key": r.key, "cells": " | ".join(r.cells)} for n, r in
                                   enumerate(refs[:LIMIT])], row_key="n").props("dense flat wrap-cells")
            if s.changed:
                ui.label(f"Изменены ({len(s.changed)})").classes("text-subtitle2")
                rows = [{"n": f"{n}.{m}", "key": c.key, "column": x.column, "change": f"«{x.old}» → «{x.new}»"}
                        for n, c in enumerate(s.changed[:LIMIT]) for m, x in enumerate(c.cells)]
                ui.table(columns=[{"name": "key", "label": "Строка", "field": "key", "align": "left"},
                                  {"name": "column", "label": "Столбец", "field": "column", "align": "left"},
                                  {"name": "change", "label": "Было → стало", "field": "change", "align": "left"}],
                         rows=rows, row_key="n").props("dense flat wrap-cells").mark(f"diff-changed-{s.title}")
            if max(len(s.added), len(s.removed), len(s.changed)) > LIMIT:
                ui.label(f"Показаны первые {LIMIT} строк раздела; полностью — `edumon snapshots diff`.")


def create(pause: Callable[[], AbstractContextManager[object]] | None = None) -> None:
    """`pause` holds the write worker while a restore replaces worksheets (the outbox provides it)."""

    @guarded_page("/admin/snapshots", "snapshots")
    async def snapshots_page() -> None:
        c = ctx()
        data_dir = c.settings.data_dir
        page = _Page()

        @ui.refreshable
        def table() -> None:
            if not page.items:
                ui.label("Снимков пока нет. Сделайте первый кнопкой выше.").mark("no-snapshots")
            ui.table(columns=COLUMNS, rows=_rows(page), row_key="id", pagination=20).classes("w-full").props(
                "dense flat wrap-cells").mark("snapshots-table")

        async def reload() -> None:
            items = await _call(snap.list_snapshots, data_dir)
            if items is not _FAILED:
                page.items = items
            for pick in (chosen, old, new):
                pick.set_options({**page.options, **({"current": "Текущие данные"} if pick is new else {})},
                                 value=pick.value if pick.value in page.options or pick.value == "current" else None)
            for pick in (sheets, diff_sheet):
                pick.set_options(page.sheet_titles, value=[v for v in pick.value or [] if v in page.sheet_titles])
            await table.refresh()

        async def take() -> None:
            if not page.start():
                return
            try:
                info = await _call(snap.take_snapshot, c.store, data_dir, note.value or "", progress=page.report)
            finally:
                page.busy = False
            if info is not _FAILED:
                note.value = ""
                await reload()
                chosen.value = info.id
                ui.notify(f"Снимок {info.id} сделан: {info.data_rows} строк, {fmt_size(info.size_bytes)}",
                          type="positive")

        def selected() -> str | None:
            if not chosen.value:
                ui.notify("Выберите снимок", type="warning")
            return chosen.value

        async def check() -> None:
            if not (sid := selected()):
                return
            result = await _call(snap.verify, data_dir, sid)
            if result is _FAILED:
                return
            page.checked[sid] = "цел" if result.ok else "ПОВРЕЖДЁН"
            verdict.clear()
            with verdict:
                ui.label(f"Снимок {sid}: " + ("цел — контрольные суммы совпадают" if result.ok else "повреждён, "
                         "восстановление из него невозможно")).classes(
                    "text-positive" if result.ok else "text-negative").mark("verify-result")
                for line in [*result.problems, *result.warnings]:
                    ui.label(line).classes("text-caption")
            await table.refresh()
            ui.notify(f"Снимок {sid} цел" if result.ok else f"Снимок {sid} повреждён",
                      type="positive" if result.ok else "negative")

        async def download() -> None:
            if (sid := selected()) and (got := await _call(snap.workbook_bytes, data_dir, sid)) is not _FAILED:
                name, content = got
                ui.download.content(content, name, XLSX)

        async def compare() -> None:
            if not old.value or not new.value:
                ui.notify("Выберите оба снимка для сравнения", type="warning")
                return
            diff = await _call(snap.diff_refs, data_dir, old.value, new.value, diff_sheet.value or None, c.store)
            if diff is _FAILED:
                return
            diff_area.clear()
            with diff_area:
                ui.label(f"Было: {diff.old_label}; стало: {diff.new_label}").classes("text-subtitle1")
                _diff_view(diff)

        async def ask_restore() -> None:
            if not can_open(current_account(), "restore"):  # checked on the server at the moment of the action
                ui.notify("У вашей роли нет права восстанавливать данные из снимков", type="negative")
                return
            if not (sid := selected()):
                return
            plan = await _call(snap.plan_restore, c.store, data_dir, sid, sheets.value or None)
            if plan is _FAILED:
                return
            info, diff = plan
            if not diff.changed:
                ui.notify("Текущие данные совпадают со снимком — восстанавливать нечего", type="info")
                return
            with ui.dialog() as dialog, ui.card().classes("min-w-[640px]"):
                ui.label(f"Восстановить данные из снимка {info.id} ({fmt_time(info.created_at)})?").classes("text-h6")
                ui.label("Перед заменой листов будет сделан страховочный снимок текущих данных — "
                         "из него можно вернуть всё как было.")
                _diff_view(diff)
                with ui.row():
                    ui.button("Восстановить", color="negative", on_click=lambda: dialog.submit(True)).mark(
                        "restore-confirm")
                    ui.button("Отмена", on_click=lambda: dialog.submit(False)).props("flat")
            agreed = await dialog
            dialog.delete()
            if agreed:
                await do_restore(info.id, [s.title for s in diff.changed])

        async def do_restore(sid: str, titles: list[str]) -> None:
            if not can_open(current_account(), "restore") or not page.start():
                return
            try:
                result = await _call(snap.restore, c.store, data_dir, sid, titles, pause=pause, progress=page.report)
                if result is not _FAILED:
                    await _call(c.cache.refresh)
            finally:
                page.busy = False
            await reload()
            if result is not _FAILED:
                ui.notify(f"Восстановлено листов: {len(result.sheets)}, строк: {result.rows}. Страховочный "
                          f"снимок: {result.safety.id}", type="positive", multi_line=True)

        with frame("Снимки таблицы"):
            with ui.row().classes("items-end gap-4"):
                note = ui.input("Примечание к снимку (необязательно)").classes("min-w-[360px]").mark("snapshot-note")
                ui.button("Сделать снимок", icon="photo_camera", on_click=take).mark("take-snapshot")
            ui.linear_progress(show_value=False).bind_value_from(page, "progress").bind_visibility_from(
                page, "started").mark("snapshot-progress")
            ui.label().bind_text_from(page, "step").bind_visibility_from(page, "started").mark("snapshot-step")
            with ui.row().classes("items-end gap-4"):
                chosen = ui.select({}, label="Снимок").classes("min-w-[360px]").mark("snapshot-pick")
                sheets = ui.select([], label="Листы для восстановления (все, если пусто)", multiple=True,
                                   clearable=True).classes("min-w-[300px]").mark("restore-sheets")
                ui.button("Проверить", on_click=check).mark("verify")
                ui.button("Скачать xlsx", icon="download", on_click=download).props("outline").mark("download")
                ui.button("Восстановить…", color="negative", on_click=ask_restore).mark("restore")
            verdict = ui.column()
            ui.label("Сравнение").classes("text-h6 q-mt-md")
            with ui.row().classes("items-end gap-4"):
                old = ui.select({}, label="Было (снимок)").classes("min-w-[300px]").mark("diff-old")
                new = ui.select({}, label="Стало (снимок или текущие данные)").classes("min-w-[300px]").mark(
                    "diff-new")
                diff_sheet = ui.select([], label="Листы (все, если пусто)", multiple=True, clearable=True).classes(
                    "min-w-[240px]").mark("diff-sheets")
                ui.button("Сравнить", on_click=compare).mark("compare")
            diff_area = ui.column().classes("w-full")
            ui.label("Снимки").classes("text-h6 q-mt-md")
            table()
        await reload()
