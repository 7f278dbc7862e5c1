"""`edumon snapshot`, `edumon snapshots list|verify|diff|prune`, `edumon restore` — registered on the main CLI.

The commands reach the store and the files only through sync.snapshots / sync.snapshots.retention.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, TypeVar

import click
import typer

from app.cli.common import LazyModule, fail, friendly
from app.cli.common import context as _context

if TYPE_CHECKING:
    from sync.snapshots import WorkbookDiff

retention = LazyModule("sync.snapshots.retention")
snap = LazyModule("sync.snapshots")
config = LazyModule("app.config")

F = TypeVar("F", bound=Callable[..., Any])


class _Kinds(Mapping[str, str]):
    """Snapshot kind -> Russian title; built on first use, so naming it does not load sync.snapshots."""

    @functools.cached_property
    def _titles(self) -> dict[str, str]:
        return {snap.MANUAL: "вручную", snap.SCHEDULED: "по расписанию", snap.SAFETY: "страховочный"}

    def __getitem__(self, kind: str) -> str:
        return self._titles[kind]

    def __iter__(self) -> Iterator[str]:
        return iter(self._titles)

    def __len__(self) -> int:
        return len(self._titles)


KIND = _Kinds()
_ABORT = (click.exceptions.Abort, getattr(typer, "Abort", click.exceptions.Abort))  # typer >= 0.17 has its own
SHEET_HELP = "Только этот лист (название или ключ); можно повторять"
STATUS = {"added": "новый лист", "removed": "листа нет", "changed": "изменён", "same": "без изменений"}


def _snapshot_errors(fn: F) -> F:
    """A damaged or unknown snapshot is the person's problem to know about: a Russian message, exit code 1."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except snap.SnapshotError as exc:
            fail(str(exc), 1)
        except OSError as exc:
            fail(f"Не удалось записать или прочитать снимок: {exc.strerror or exc}", 1)

    return wrapper  # type: ignore[return-value]


def fmt_size(n: int) -> str:
    for unit in ("байт", "КБ", "МБ"):
        if n < 1024 or unit == "МБ":
            return f"{n} {unit}" if unit == "байт" else f"{n:.1f} {unit}".replace(".", ",")
        n /= 1024  # type: ignore[assignment]
    raise AssertionError("unreachable")


def fmt_time(moment: datetime) -> str:
    return moment.astimezone().strftime("%d.%m.%Y %H:%M:%S")


@contextmanager
def _bar(label: str) -> Iterator[Callable[[float, str], None]]:
    """A typer progress bar fed by the sync-level progress callback (fraction 0..1, Russian step name)."""
    with typer.progressbar(length=1000, label=label, show_percent=True, file=None) as bar:
        done = [0]

        def report(fraction: float, _step: str) -> None:
            target = min(1000, max(done[0], int(fraction * 1000)))
            bar.update(target - done[0])
            done[0] = target

        yield report


def diff_lines(diff: WorkbookDiff, limit: int = 50) -> list[str]:
    """The diff as text for people: per sheet the counts, then rows added (+), removed (−), changed (~)."""
    lines: list[str] = []
    for s in diff.changed:
        lines.append(f"Лист «{s.title}» — {STATUS[s.status]}: +{len(s.added)} −{len(s.removed)} ~{len(s.changed)}")
        if s.header_old != s.header_new and s.status == "changed":
            lines.append(f"  заголовки: {' | '.join(s.header_old)}  →  {' | '.join(s.header_new)}")
        for sign, refs in (("+", s.added), ("−", s.removed)):
            lines += [f"  {sign} {r.key}: {' | '.join(r.cells) or '(пустая строка)'}" for r in refs[:limit]]
            if len(refs) > limit:
                lines.append(f"  … и ещё {len(refs) - limit}")
        for c in s.changed[:limit]:
            lines.append(f"  ~ {c.key}: " + "; ".join(f"{x.column}: «{x.old}» → «{x.new}»" for x in c.cells))
        if len(s.changed) > limit:
            lines.append(f"  … и ещё {len(s.changed) - limit}")
        if s.reordered and not (s.added or s.removed or s.changed):
            lines.append("  изменён только порядок строк")
    return lines or ["Различий нет."]


# -- commands ----------------------------------------------------------------------------------------------------
def snapshot(note: str = typer.Option("", "--note", help="Примечание: зачем снимок (такие снимки не удаляются)")
             ) -> None:
    """Сделать снимок всей таблицы: Parquet по листам, workbook.xlsx для людей, manifest.json с контрольными суммами."""
    ctx = _context()
    with _bar("Снимок") as report:
        info = snap.take_snapshot(ctx.store, ctx.settings.data_dir, note, progress=report)
    typer.echo(f"Снимок {info.id}: {len(info.sheets)} листов, {info.data_rows} строк, {fmt_size(info.size_bytes)}")
    typer.echo(f"Папка: {info.path}")


def list_cmd() -> None:
    """Список снимков: время, строки, размер, вид и примечание."""
    items = snap.list_snapshots(config.Settings().data_dir)
    if not items:
        typer.echo("Снимков пока нет: сделайте первый командой `edumon snapshot`.")
        return
    typer.echo(f"{'Снимок':<20} {'Время':<20} {'Строк':>8} {'Размер':>10}  {'Вид':<14} Примечание")
    for s in items:
        if s.broken:
            typer.secho(f"{s.id:<20} {fmt_time(s.created_at):<20} {'—':>8} {fmt_size(s.size_bytes):>10}  "
                        f"ПОВРЕЖДЁН: {s.broken}", fg=typer.colors.RED)
            continue
        typer.echo(f"{s.id:<20} {fmt_time(s.created_at):<20} {s.data_rows:>8} {fmt_size(s.size_bytes):>10}  "
                   f"{KIND.get(s.kind, s.kind):<14} {s.note}")
    typer.echo(f"Всего снимков: {len(items)}, {fmt_size(sum(s.size_bytes for s in items))}")


def verify_cmd(ref: str = typer.Argument("", metavar="[ID]", help="Снимок (id, начало id или latest); без него — все")
               ) -> None:
    """Проверить снимки: manifest.json, наличие и размер файлов, контрольные суммы ячеек. Код 1 при повреждении."""
    data_dir = config.Settings().data_dir
    targets = [snap.resolve(data_dir, ref)] if ref else snap.list_snapshots(data_dir)
    if not targets:
        typer.echo("Снимков пока нет.")
        return
    bad = 0
    for info in targets:
        result = snap.verify_snapshot(info.path)
        if result.ok:
            typer.secho(f"✓ {info.id}: цел", fg=typer.colors.GREEN)
        else:
            bad += 1
            typer.secho(f"✗ {info.id}: повреждён", fg=typer.colors.RED)
            for p in result.problems:
                typer.echo(f"    {p}")
        for w in result.warnings:
            typer.secho(f"    ! {w}", fg=typer.colors.YELLOW)
    if bad:
        fail(f"Повреждённых снимков: {bad} из {len(targets)}. Восстановление из них невозможно.", 1)


def diff_cmd(old: str = typer.Argument(..., metavar="A", help="Снимок (id, начало id, latest)"),
             new: str = typer.Argument(..., metavar="B", help="Снимок или current — текущие данные"),
             sheet: list[str] = typer.Option([], "--sheet", help=SHEET_HELP),
             limit: int = typer.Option(50, "--limit", help="Сколько строк показывать в каждом разделе")) -> None:
    """Сравнить два снимка (или снимок с текущими данными): добавленные, удалённые и изменённые строки по id."""
    settings = config.Settings()
    needs_store = any(r.strip().lower() in snap.CURRENT for r in (old, new))
    store = _context().store if needs_store else None
    diff = snap.diff_refs(settings.data_dir, old, new, sheet or None, store)
    typer.echo(f"Было: {diff.old_label}; стало: {diff.new_label}")
    for line in diff_lines(diff, limit):
        typer.echo(line)


def prune_cmd(dry_run: bool = typer.Option(False, "--dry-run", help="Только показать, что будет удалено")) -> None:
    """Удалить старые снимки по правилам хранения (7 дней, 5 недель, 12 месяцев; снимки с примечанием остаются)."""
    schedule = retention.SnapshotSchedule()
    result = retention.prune(config.Settings().data_dir, schedule.keep_daily, schedule.keep_weekly,
                             schedule.keep_monthly, keep_safety_days=schedule.keep_safety_days,
                             zone=schedule.zone(datetime.now(UTC)), dry_run=dry_run)
    verb = "Будет удалено" if dry_run else "Удалено"
    typer.echo(f"{verb}: {len(result.deleted)}; остаётся: {len(result.kept)}")
    for sid in result.deleted:
        typer.echo(f"  − {sid}")


def restore_cmd(ref: str = typer.Argument(..., metavar="ID", help="Снимок (id, начало id или latest)"),
                sheet: list[str] = typer.Option([], "--sheet", help=SHEET_HELP),
                yes: bool = typer.Option(False, "--yes", "-y", help="Не спрашивать подтверждения")) -> None:
    """Восстановить листы из снимка: покажет изменения, спросит подтверждение, сначала сделает страховочный снимок."""
    ctx = _context()
    info, diff = snap.plan_restore(ctx.store, ctx.settings.data_dir, ref, sheet or None)
    typer.echo(f"Снимок {info.id} от {fmt_time(info.created_at)} ({KIND.get(info.kind, info.kind)}"
               + (f", «{info.note}»" if info.note else "") + ")")
    if not diff.changed:
        typer.echo("Текущие данные совпадают со снимком — восстанавливать нечего.")
        return
    for line in diff_lines(diff, limit=20):
        typer.echo(line)
    titles = [s.title for s in diff.changed]  # unchanged sheets need no writes (Google quota)
    if not yes:
        try:
            agreed = typer.confirm(f"Заменить листы ({len(titles)}) содержимым снимка {info.id}?", default=False)
        except _ABORT:
            fail("Восстановление не выполнено: нет подтверждения. В скрипте добавьте --yes.", 1)
        if not agreed:
            fail("Восстановление отменено, данные не изменены.", 1)
    def pause() -> contextlib.AbstractContextManager[None]:
        """The outbox write lock: a running server's worker finishes its cycle and waits until we are done."""
        from sync.lease import writes_held

        return writes_held(ctx.outbox.path, "edumon restore")

    with _bar("Восстановление") as report:
        result = snap.restore(ctx.store, ctx.settings.data_dir, info.id, titles, pause=pause, progress=report)
    typer.echo(f"Восстановлено листов: {len(result.sheets)}, строк: {result.rows}.")
    typer.echo(f"Страховочный снимок прежних данных: {result.safety.id} — "
               f"вернуть их можно командой `edumon restore {result.safety.id}`.")


def register(cli: typer.Typer) -> None:
    """Add the snapshot commands to the main CLI: `edumon snapshot`, `edumon snapshots …`, `edumon restore`."""

    def wrap(fn: F) -> F:
        return friendly(_snapshot_errors(fn))

    cli.command("snapshot")(wrap(snapshot))
    group = typer.Typer(help="Снимки таблицы: список, проверка, сравнение, очистка", no_args_is_help=True)
    group.command("list")(wrap(list_cmd))
    group.command("verify")(wrap(verify_cmd))
    group.command("diff")(wrap(diff_cmd))
    group.command("prune")(wrap(prune_cmd))
    cli.add_typer(group, name="snapshots")
    cli.command("restore")(wrap(restore_cmd))
