"""`edumon users add | passwd | disable | enable | list` — accounts live in the data dir, never in the sheets."""

from __future__ import annotations

import typer

from app.cli.common import LazyModule, context, fail, friendly
from app.roles import ROLE_TITLES, Role

users = LazyModule("sync.users")
admin = LazyModule("app.admin")

users_cli = typer.Typer(help="Пользователи и роли", no_args_is_help=True)
ROLES_HELP = "; ".join(f"{r.value} — {ROLE_TITLES[r]}" for r in Role)
ROLE_VALUES = {r.value for r in Role}
STAFF = {Role.TEACHER, Role.CLASS_TEACHER, Role.HEAD}  # light: the command line starts without pandas


def _password(given: str | None) -> str:
    if given:
        return given
    return typer.prompt("Пароль", hide_input=True, confirmation_prompt=True)


@users_cli.command("add")
@friendly
def add(login: str, name: str = typer.Option(..., "--name", help="ФИО"),
        role: str = typer.Option(..., "--role", help=ROLES_HELP),
        teacher_id: str = typer.Option("", "--teacher", help="id педагога на листе «Педагоги» (для учителей)"),
        password: str = typer.Option(None, "--password", help="Пароль (если не указан — спросит)")) -> None:
    """Добавить пользователя."""
    ctx = context()
    ids: set[str] = set()
    if role in STAFF:  # the link is checked against the sheet as it is now
        ctx.cache.refresh()
        ids = set(ctx.cache.workbook["teachers"]["id"].astype(str))
    try:
        admin.add_user(ctx.users, ids, login, name, role, _password(password) if role in ROLE_VALUES else "",
                       teacher_id)
    except users.UserError as exc:
        fail(str(exc))
    typer.echo(f"Пользователь «{login.lower()}» добавлен: {ROLE_TITLES[Role(role)]}.")


@users_cli.command("passwd")
@friendly
def passwd(login: str, password: str = typer.Option(None, "--password")) -> None:
    """Сменить пароль."""
    try:
        context().users.set_password(login, _password(password))
    except users.UserError as exc:
        fail(str(exc))
    typer.echo("Пароль изменён.")


def _set_disabled(login: str, disabled: bool) -> None:
    try:
        context().users.set_disabled(login, disabled)
    except users.UserError as exc:
        fail(str(exc))
    typer.echo(f"Пользователь «{login}» {'отключён' if disabled else 'включён'}.")


@users_cli.command("disable")
@friendly
def disable(login: str) -> None:
    """Отключить пользователя (войти он больше не сможет)."""
    _set_disabled(login, True)


@users_cli.command("enable")
@friendly
def enable(login: str) -> None:
    """Снова включить пользователя."""
    _set_disabled(login, False)


@users_cli.command("list")
@friendly
def list_users() -> None:
    """Список пользователей."""
    accounts = context().users.list()
    if not accounts:
        typer.echo("Пользователей нет. Добавьте: edumon users add ИМЯ --name ... --role ...")
    for a in accounts:
        state = " (отключён)" if a.disabled else ""
        link = f", педагог {a.teacher_id}" if a.teacher_id else ""
        typer.echo(f"{a.login:<12} {ROLE_TITLES.get(a.role, a.role)}: {a.name}{link}{state}")
