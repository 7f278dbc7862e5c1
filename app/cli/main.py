"""`edumon` — one command line for the school's DB administrator and the deputy director."""

from __future__ import annotations

import json
import logging
import sys
from typing import Any

import typer

from app.cli import lab as cli_lab
from app.cli import reports as cli_reports
from app.cli import snapshots as cli_snapshots
from app.cli import users as cli_users
from app.cli import writes as cli_writes
from app.cli.common import context as _context
from app.cli.common import fail as _fail
from app.cli.common import friendly
from app.roles import ROLE_TITLES

cli = typer.Typer(help="edumon — мониторинг качества образования (ШСОКО)", no_args_is_help=True,
                  add_completion=False, pretty_exceptions_enable=False)


@cli.command()
@friendly
def demo(students: int = typer.Option(600, "--students", help="Сколько обучающихся (10–100000)"),
         seed: int = typer.Option(42, "--seed", help="Зерно: одно зерно — одни и те же данные"),
         force: bool = typer.Option(False, "--force", help="Перезаписать данные, если они уже есть"),
         if_empty: bool = typer.Option(False, "--if-empty", help="Заполнить, только если хранилище пусто")) -> None:
    """Заполнить хранилище демонстрационной школой (учебный год целиком)."""
    from app.context import store_is_empty
    from app.demo.accounts import create_demo_accounts
    from app.demo.school import generate_demo
    from sheets_schema import SCHEMA

    if not 10 <= students <= 100_000:
        _fail(f"--students: число обучающихся должно быть от 10 до 100000, а указано {students}")
    ctx = _context()
    if not store_is_empty(ctx.store):
        if if_empty:
            typer.echo("В хранилище уже есть данные — демонстрационная школа не нужна.")
            return
        if not force:
            _fail("В хранилище уже есть данные. Чтобы заменить их демонстрационной школой, добавьте --force.", 1)
    typer.echo(f"Создаю демонстрационную школу: {students} обучающихся, зерно {seed}…")
    school = generate_demo(students=students, seed=seed, academic_year=ctx.settings.academic_year)
    ctx.ensure_layout()
    with typer.progressbar(list(SCHEMA), label="Запись листов", show_pos=True) as sheets:
        for sheet in sheets:
            ctx.store.replace_sheet(sheet.title, school.grids[sheet.title])
    total = sum(len(g) - 1 for g in school.grids.values())
    typer.echo(f"Готово: {total} строк в {len(school.grids)} листах ({ctx.store.kind}).")
    ctx.cache.refresh()
    created = create_demo_accounts(ctx.users, ctx.cache.workbook.frames)
    if created:
        typer.echo("\nУчётные записи (пароли показываются один раз; сменить: edumon users passwd ИМЯ):")
        for a in created:
            typer.echo(f"  {a.login:<10} {a.password:<14} {ROLE_TITLES[a.role]} — {a.name}")
    typer.echo(f"Намеренно испорченных ячеек для проверки: {len(school.planted)} — см. `edumon check`.")


@cli.command()
@friendly
def check(as_json: bool = typer.Option(False, "--json", help="Вывести проблемы в JSON")) -> None:
    """Проверить всю таблицу: проблемы по листам с адресами ячеек. Код выхода 1, если проблемы есть."""
    from sheets_schema import ERROR

    ctx = _context()
    if not ctx.cache.refresh():
        _fail(f"Не удалось прочитать таблицу: {ctx.cache.status.last_error}")
    issues = ctx.cache.workbook.issues
    if as_json:
        typer.echo(json.dumps([i.as_dict() for i in issues], ensure_ascii=False, indent=2))
    elif not issues:
        typer.echo("Проблем не найдено.")
    else:
        by_sheet: dict[str, list[Any]] = {}
        for i in issues:
            by_sheet.setdefault(i.sheet, []).append(i)
        for sheet, items in by_sheet.items():
            typer.secho(f"\n{sheet} — {len(items)}", bold=True)
            for i in items:
                where = i.cell or (f"строка {i.row}" if i.row else "лист")
                value = f" «{i.value}»" if i.value else ""
                mark = "✗" if i.severity == ERROR else "!"
                typer.echo(f"  {mark} {where:<8} {i.column}{value}: {i.message}")
        errors = sum(1 for i in issues if i.severity == ERROR)
        typer.echo(f"\nВсего: {len(issues)} (ошибок {errors}, предупреждений {len(issues) - errors}). "
                   "Строки с ошибками не учитываются в аналитике.")
    raise typer.Exit(1 if issues else 0)


@cli.command("init-sheets")
@friendly
def init_sheets() -> None:
    """Создать недостающие листы с заголовками, списками и проверками; сообщить о расхождениях заголовков."""
    ctx = _context()
    report = ctx.ensure_layout()
    for title in report.created:
        typer.echo(f"Создан лист «{title}»")
    for title in report.headers_written:
        typer.echo(f"Заполнена строка заголовков листа «{title}»")
    drift = [f"«{t}»: столбец «{e}», похоже, переименован в «{f}»"
             for t, pairs in report.renamed_columns.items() for e, f in pairs]
    for title, cols in report.missing_columns.items():
        renamed = {e for e, _ in report.renamed_columns.get(title, [])}
        drift += [f"«{title}»: нет столбца «{c}»" for c in cols if c not in renamed]
    for title, cols in report.extra_columns.items():
        renamed = {f for _, f in report.renamed_columns.get(title, [])}
        drift += [f"«{title}»: лишний столбец «{c}»" for c in cols if c not in renamed]
    for line in drift:
        typer.secho(line, fg=typer.colors.YELLOW)
    typer.echo(f"Листов: создано {len(report.created)}, уже было {len(report.existing)}. "
               + ("Данные людей не изменялись." if report.existing else ""))
    if drift:
        typer.echo("Заголовки не переписываются автоматически: исправьте их в таблице вручную.")


@cli.command()
@friendly
def serve() -> None:
    """Запустить веб-приложение."""
    from app.config import Settings
    from app.main import run

    settings = Settings()
    run(settings)


cli_writes.register(cli)
cli_snapshots.register(cli)
cli_reports.register(cli)
cli_lab.register(cli)
cli.add_typer(cli_users.users_cli, name="users")


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s",
                        stream=sys.stderr)
    cli()


if __name__ == "__main__":
    main()
