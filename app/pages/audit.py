"""The audit log in the browser (/admin/audit): who changed what, old → new, when, and whether it reached the
table — filtered by person, sheet and time, the newest first (what `edumon audit` prints)."""

from __future__ import annotations

from nicegui import ui

from app import background
from app.admin import OPS_RU, audit, audit_line, parse_since, sheet_key
from app.auth import page
from app.frame import frame
from app.pages.admin import allowed
from app.state import ctx
from sheets_schema import SCHEMA
from sheets_schema.errors import UserFacingError
from sync.write.outbox import Entry

LIMIT = 500  # entries shown at once, the newest; narrower filters find older ones
DAY = 24 * 3600
COLUMNS = [{"name": k, "label": t, "field": k, "align": "left"} for k, t in (
    ("when", "Когда"), ("user", "Кто"), ("sheet", "Лист"), ("op", "Действие"), ("row_id", "Строка (id)"),
    ("changes", "Что изменено (было → стало)"), ("status", "Дошло до таблицы"))]


def rows_of(entries: list[Entry]) -> list[dict[str, str]]:
    out = []
    for e in reversed(entries):  # the newest first
        line = audit_line(e)
        notes = [*line.changes, *([f"в таблице было: {line.found}"] if line.found else []),
                 *([f"ошибка: {line.error}"] if line.error else [])]
        out.append({"seq": str(line.seq), "when": line.when, "user": line.user, "sheet": line.sheet,
                    "op": OPS_RU.get(line.op, line.op), "row_id": line.row_id, "changes": "; ".join(notes),
                    "status": line.status})
    return out


def _read(sheet: str | None, user: str | None, since: str | None, until: str | None) -> list[Entry]:
    """The filtered entries; ValueError (Russian) for a date or sheet that cannot be read. `until` is a day: the
    whole of it is included."""
    start = parse_since(since)
    end = parse_since(until)
    if start is not None and end is not None and end < start:
        raise ValueError("«По» раньше, чем «с»: поменяйте даты местами")
    return audit(ctx().outbox, sheet=sheet_key(sheet), user=user, since=start,
                 until=None if end is None else end + DAY, limit=LIMIT)


def create() -> None:
    @page("/admin/audit", "audit")
    def audit_page() -> None:
        with frame("Журнал изменений"):
            c = ctx()
            with ui.row().classes("items-end gap-3"):
                who = ui.select({}, label="Кто", with_input=True, clearable=True).classes("w-72").mark(
                    "audit-user")
                sheet = ui.select([s.title for s in SCHEMA], label="Лист", clearable=True).classes("w-64").mark(
                    "audit-sheet")
                since = ui.input("С (ДД.ММ.ГГГГ)").classes("w-40").mark("audit-since")
                until = ui.input("По (ДД.ММ.ГГГГ)").classes("w-40").mark("audit-until")
                show = ui.button("Показать", icon="search").mark("audit-show")
            found = ui.label("").classes("text-caption text-grey-8").mark("audit-count")
            table = ui.table(columns=COLUMNS, rows=[], row_key="seq", pagination=50).classes("w-full").props(
                "dense flat wrap-cells").mark("audit-table")

            async def load() -> None:
                if allowed("audit") is None:
                    return
                if not who.options:
                    accounts = await background.io_bound(c.users.list) or []
                    who.options = {a.login: f"{a.login} — {a.name}" for a in accounts}
                    who.update()
                try:
                    entries = await background.io_bound(_read, sheet.value, who.value, since.value, until.value)
                except UserFacingError as exc:  # the table keeps what it showed
                    ui.notify(str(exc), type="warning")
                    return
                except background.Cancelled:
                    return
                table.rows = rows_of(entries or [])
                more = f" (показаны последние {LIMIT}: сузьте отбор)" if len(table.rows) >= LIMIT else ""
                found.text = f"Записей: {len(table.rows)}{more}"

            show.on_click(load)
            ui.timer(0.01, load, once=True)
