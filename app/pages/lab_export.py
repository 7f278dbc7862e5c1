"""/lab-export — the deputy's button: the bundle for the town's lab (students as codes only), built off the loop."""

from __future__ import annotations

from pathlib import Path

from nicegui import ui

from app import background
from app.auth import page
from app.context import ConfigError
from app.frame import frame
from app.lab.export import export_for_lab
from app.state import ctx
from sync.convert import read_bytes


def _build() -> tuple[str, bytes, int, int] | str:
    """(file name, bytes, rows, rows left out) or a Russian message; blocking."""
    try:
        path, manifest, dropped = export_for_lab(ctx())
    except ConfigError as exc:
        return str(exc)
    rows = sum(int(t["rows"]) for t in manifest.tables.values())  # type: ignore[call-overload]
    return Path(path).name, read_bytes(path), rows, dropped


def create() -> None:
    @page("/lab-export", "lab_export")
    def lab_export_page() -> None:
        with frame("Пакет для муниципальной лаборатории"):
            ui.label("В пакет входят классы, коды обучающихся (без фамилий, имён и дат рождения), педагоги, "
                     "нагрузка, работы, задания, результаты, отметки, олимпиады, курсы, аттестация, ППО и число "
                     "записей портфолио. Ключ кодов остаётся в школе.").classes("text-body2")
            status = ui.label("").mark("lab-export-status")
            spinner = ui.spinner(size="lg")
            spinner.visible = False

            async def build() -> None:
                spinner.visible = True
                try:
                    result = await background.io_bound(_build)
                finally:
                    spinner.visible = False
                if result is None:
                    return
                if isinstance(result, str):
                    status.set_text(result)
                    status.classes("text-negative")
                    return
                name, data, rows, dropped = result
                status.set_text(f"Готово: {rows} строк" + (f"; не вошли {dropped} строк, ссылающихся на строки с "
                                                           "ошибками" if dropped else ""))
                ui.download.content(data, name, "application/zip")

            ui.button("Пакет для лаборатории", icon="outbox", on_click=build).mark("lab-export")
