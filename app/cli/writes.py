"""`edumon audit` and `edumon status`: who changed what, and whether the writes reached the store."""

from __future__ import annotations

import datetime as dt
import json

import typer

from app.cli.common import LazyModule, context, fail, friendly

schema = LazyModule("sheets_schema")
outbox = LazyModule("sync.write.outbox")


def _when(ts: float | None) -> str:
    return dt.datetime.fromtimestamp(ts).strftime("%d.%m.%Y %H:%M:%S") if ts else "—"


def _parse_since(text: str | None) -> float | None:
    if not text:
        return None
    for fmt in ("%d.%m.%Y", "%Y-%m-%d", "%d.%m.%Y %H:%M", "%Y-%m-%dT%H:%M"):
        try:
            return dt.datetime.strptime(text, fmt).timestamp()
        except ValueError:
            continue
    fail(f"--since: дата «{text}» не распознана; пишите ДД.ММ.ГГГГ или ДД.ММ.ГГГГ ЧЧ:ММ")
    return None


def register(cli: typer.Typer) -> None:
    @cli.command()
    @friendly
    def audit(sheet: str = typer.Option(None, "--sheet", help="Лист: название вкладки или ключ"),
              user: str = typer.Option(None, "--user", help="Пользователь"),
              since: str = typer.Option(None, "--since", help="С даты: ДД.ММ.ГГГГ [ЧЧ:ММ]"),
              as_json: bool = typer.Option(False, "--json", help="Вывести в JSON")) -> None:
        """Журнал изменений: кто, что, было → стало, когда и дошло ли до таблицы."""
        key = None
        if sheet:
            found = schema.SCHEMA.by_title(sheet) or (schema.SCHEMA[sheet] if sheet in schema.SCHEMA else None)
            if found is None:
                fail(f"--sheet: нет листа «{sheet}». Листы: " + ", ".join(s.title for s in schema.SCHEMA))
            key = found.key
        ctx = context()
        entries = ctx.outbox.entries(sheet=key, user=user, since=_parse_since(since))
        if as_json:
            typer.echo(json.dumps([{**e.command.as_dict(), "status": e.status, "attempts": e.attempts,
                                    "last_error": e.last_error, "applied_at": e.applied_at, "found": e.found}
                                   for e in entries], ensure_ascii=False, indent=2))
            return
        if not entries:
            typer.echo("Записей в журнале нет.")
            return
        for e in entries:
            c = e.command
            s = schema.SCHEMA[c.sheet]
            typer.echo(f"{_when(c.created_at)}  {c.user or '—'}  {s.title}  {c.op}  id={c.row_id}  "
                       f"[{outbox.STATUS_RU.get(e.status, e.status)}]")
            for k, new in c.values.items():
                old = c.expected.get(k, "")
                if c.op == "update" or new:
                    typer.echo(f"    {s.header_of(k)}: «{old}» → «{new}»")
            if e.found:
                typer.echo("    в таблице было: " + ", ".join(f"{s.header_of(k) if k in s.keys else k} = «{v}»"
                                                           for k, v in e.found.items()))
            if e.last_error and e.status != "applied":
                typer.echo(f"    ошибка: {e.last_error}")

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
        typer.echo(f"Хранилище: {st.store_kind}")
        typer.echo(f"Ожидают записи: {st.pending}"
                   + (f" (самой старой {st.oldest_pending_age:.0f} с)" if st.oldest_pending_age else ""))
        typer.echo(f"Конфликтов: {st.conflicts}")
        typer.echo(f"Последнее чтение таблицы: {_when(st.last_refresh_at)}")
        typer.echo(f"Последняя ошибка: {st.last_error or 'нет'}")
        if st.requests_last_minute is not None:
            typer.echo(f"Запросов к Google за минуту: {st.requests_last_minute} из 60 разрешённых")
        failed = ctx.users.failed_sign_ins(since=dt.datetime.now().timestamp() - 24 * 3600)
        typer.echo("Неудачные входы за сутки (3 и больше по одному имени с одного адреса): "
                   + ("нет" if not failed else ""))
        for login, client, n, last in failed[:20]:
            typer.echo(f"  {login} с адреса {client or '—'}: {n}, последняя попытка {_when(last)}")
