"""`edumon audit` and `edumon status`: who changed what, and whether the writes reached the store."""

from __future__ import annotations

import json

import typer

from app.cli.common import LazyModule, context, fail, friendly
from sheets_schema.errors import UserFacingError

admin = LazyModule("app.admin")


def register(cli: typer.Typer) -> None:
    @cli.command()
    @friendly
    def audit(sheet: str = typer.Option(None, "--sheet", help="Лист: название вкладки или ключ"),
              user: str = typer.Option(None, "--user", help="Пользователь"),
              since: str = typer.Option(None, "--since", help="С даты: ДД.ММ.ГГГГ [ЧЧ:ММ]"),
              as_json: bool = typer.Option(False, "--json", help="Вывести в JSON")) -> None:
        """Журнал изменений: кто, что, было → стало, когда и дошло ли до таблицы."""
        try:
            key = admin.sheet_key(sheet)
        except UserFacingError as exc:
            fail(f"--sheet: {exc}")
        try:
            start = admin.parse_since(since)
        except UserFacingError as exc:
            fail(f"--since: {exc}")
        ctx = context()
        entries = admin.audit(ctx.outbox, sheet=key, user=user, since=start)
        if as_json:
            typer.echo(json.dumps([{**e.command.as_dict(), "status": e.status, "attempts": e.attempts,
                                    "last_error": e.last_error, "applied_at": e.applied_at, "found": e.found}
                                   for e in entries], ensure_ascii=False, indent=2))
            return
        if not entries:
            typer.echo("Записей в журнале нет.")
            return
        for e in entries:
            line = admin.audit_line(e)
            typer.echo(f"{line.when}  {line.user}  {line.sheet}  {line.op}  id={line.row_id}  [{line.status}]")
            for change in line.changes:
                typer.echo(f"    {change}")
            if line.found:
                typer.echo(f"    в таблице было: {line.found}")
            if line.error:
                typer.echo(f"    ошибка: {line.error}")

    @cli.command()
    @friendly
    def status(as_json: bool = typer.Option(False, "--json", help="Вывести в JSON")) -> None:
        """Состояние записи: очередь, последнее чтение, ошибки, запросы к таблице за минуту."""
        ctx = context()
        ctx.cache.refresh()
        st = ctx.writer.status()
        if as_json:
            typer.echo(json.dumps(st.__dict__, ensure_ascii=False, indent=2))
            return
        for label, value in admin.status_lines(st, ctx.users):
            typer.echo(f"{label}: {value}")
