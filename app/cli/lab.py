"""`edumon lab-export` (a school) and `edumon lab …` (the municipal lab): exchange, intake, completeness, demo town."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from app.cli.common import LazyModule, fail, friendly
from app.cli.common import context as school_context
from app.roles import LAB_ROLE_TITLES, LabRole

if TYPE_CHECKING:
    from app.lab.context import LabContext

district = LazyModule("reports.district")  # pandas and the lab's modules load when a command runs, not for --help
completeness = LazyModule("reports.district.completeness")

lab_cli = typer.Typer(help="Муниципальная лаборатория: сбор данных школ, хранилище, полнота сдачи",
                      no_args_is_help=True)


def lab_context() -> LabContext:
    from app.config import Settings
    from app.lab.context import build_lab_context

    settings = Settings()
    if settings.site != "lab":
        fail("Команды лаборатории работают на сайте лаборатории: задайте EDUMON_SITE=lab и её каталог данных "
             "EDUMON_DATA_DIR (например data/lab)")
    ctx = build_lab_context(settings)
    ctx.ensure_layout()
    ctx.cache.refresh()
    return ctx


def register(cli: typer.Typer) -> None:
    @cli.command("lab-export")
    @friendly
    def lab_export(out: Path = typer.Option(None, "--out", help="Файл пакета (.zip) или каталог"),
                   snapshot: str = typer.Option(None, "--snapshot", help="Из снимка прошлого года (id снимка)"),
                   year: str = typer.Option(None, "--year", help="Учебный год снимка, например 2024/2025")) -> None:
        """Выгрузить пакет данных школы для муниципальной лаборатории (без персональных данных обучающихся)."""
        from app.lab.export import export_for_lab

        if snapshot is not None and year is None:
            fail("Для пакета из снимка укажите его учебный год: --year 2024/2025")
        target, manifest, dropped = export_for_lab(school_context(), out, snapshot, year)
        rows = sum(int(t["rows"]) for t in manifest.tables.values())  # type: ignore[call-overload]
        typer.echo(f"Пакет для лаборатории: {target}")
        typer.echo(f"Школа {manifest.school_code}, учебный год {manifest.academic_year}, таблиц "
                   f"{len(manifest.tables)}, строк {rows}. Обучающиеся — только коды участников.")
        if dropped:
            typer.secho(f"Не вошли {dropped} строк, ссылающихся на строки с ошибками (см. edumon check).",
                        fg=typer.colors.YELLOW)

    cli.add_typer(lab_cli, name="lab")


def _problems(lines: list[str]) -> None:
    for line in lines:
        typer.echo(f"    ✗ {line}")


@lab_cli.command("collect")
@friendly
def collect(source: Path = typer.Option(None, "--from", help="Каталог с пакетами школ (*.zip или каталоги)"),
            google: bool = typer.Option(False, "--google", help="Прочитать Google-таблицы зарегистрированных школ"),
            restart: bool = typer.Option(False, "--restart", help="Начать сбор из Google заново, а не продолжить"),
            ) -> None:
    """Собрать данные школ: из общей папки или из их Google-таблиц (в пределах квоты, с продолжением)."""
    from sync.warehouse.intake import ingest_bundles

    if (source is None) == (not google):
        fail("Укажите ровно один источник: --from КАТАЛОГ или --google")
    ctx = lab_context()
    if google:
        _collect_google(ctx, restart)
        return
    if not source.is_dir():
        fail(f"Каталог «{source}» не найден")
    bundles = sorted([p for p in source.iterdir() if p.suffix == ".zip" or (p / "manifest.json").is_file()])
    if not bundles:
        fail(f"В каталоге «{source}» нет пакетов школ")
    ok = 0
    for path, outcome in ingest_bundles(ctx.warehouse, ctx.receipts, bundles, "общая папка", district.MATERIALISED,
                                        registered=ctx.registered()):
        if outcome.ok:
            ok += 1
            typer.echo(f"  ✓ {path.name}: школа {outcome.school}, {outcome.academic_year}, {outcome.rows} результатов")
        else:
            typer.secho(f"  ✗ {path.name}: пакет не принят, ничего не изменено", fg=typer.colors.RED)
            _problems(outcome.problems)
    typer.echo(f"Принято {ok} из {len(bundles)}.")
    raise typer.Exit(0 if ok == len(bundles) else 1)


def _collect_google(ctx: LabContext, restart: bool) -> None:
    from sync.warehouse.google_pull import Target, forget_sweep, sweep
    from sync.warehouse.quota import TokenBucket

    schools = ctx.cache.workbook.frames["schools"]
    chosen = schools[(schools["method"] == "Google-таблица").fillna(False).to_numpy(dtype=bool)]
    targets = [Target(str(c), str(k)) for c, k in chosen[["code", "spreadsheet_key"]].itertuples(index=False)
               if isinstance(k, str) and k]
    if not targets:
        fail("В листе «Школы» нет школ со способом «Google-таблица» и ключом таблицы")
    state = ctx.settings.data_dir / "google_sweep.json"
    if restart:
        forget_sweep(state)
    minutes = len(targets) / ctx.settings.lab_quota_per_minute
    typer.echo(f"Школ: {len(targets)}; не больше {ctx.settings.lab_quota_per_minute:g} запросов в минуту — "
               f"не меньше {minutes:.1f} мин.")

    def progress(i: int, n: int, code: str, status: str) -> None:
        typer.echo(f"  [{i}/{n}] {code}: {status}")

    report = sweep(targets, warehouse=ctx.warehouse, receipts=ctx.receipts, cube=district.MATERIALISED,
                   academic_year=ctx.settings.academic_year, lab_key=ctx.pull_key(),
                   bucket=TokenBucket(ctx.settings.lab_quota_per_minute), state_path=state,
                   credentials_file=ctx.settings.credentials_file, base_url=ctx.settings.google_base_url,
                   on_progress=progress)
    for code, problems in report.refused.items():
        typer.secho(f"  ✗ {code}: не принято", fg=typer.colors.RED)
        _problems(problems)
    typer.echo(f"Собрано {len(report.collected)}, уже было {len(report.skipped)}, отклонено {len(report.refused)}, "
               f"не прочитано {len(report.failed)}" + (" — повторите команду, сбор продолжится" if report.failed
                                                       else ""))
    raise typer.Exit(0 if not report.failed and not report.refused else 1)


def campaign_board(ctx: LabContext, campaign: str | None) -> tuple[dict, object]:
    frames = ctx.cache.workbook.frames
    campaigns = frames["campaigns"]
    if campaigns.empty:
        fail("В листе «Кампании сбора» нет ни одной кампании")
    if campaign is None:
        row = campaigns.sort_values("deadline").iloc[-1]
    else:
        hit = campaigns[campaigns["id"].astype(str) == campaign]
        if hit.empty:
            fail(f"Кампания «{campaign}» не найдена в листе «Кампании сбора»")
        row = hit.iloc[0]
    deadline = row["deadline"].date() if hasattr(row["deadline"], "date") else None
    subs = [s.__dict__ for s in ctx.receipts.all()]
    return dict(row), completeness.board(frames["schools"], str(row["academic_year"]), deadline, subs, dt.date.today())


@lab_cli.command("status")
@friendly
def status(campaign: str = typer.Option(None, "--campaign", help="id кампании (по умолчанию — последняя)"),
           as_json: bool = typer.Option(False, "--json", help="Вывести в JSON")) -> None:
    """Полнота сдачи по кампании: кто прислал, когда, с какими проблемами, кто опаздывает."""
    ctx = lab_context()
    row, b = campaign_board(ctx, campaign)
    if as_json:
        typer.echo(b.to_json(orient="records", force_ascii=False, date_format="iso"))  # type: ignore[attr-defined]
        return
    s = completeness.summary(b)  # type: ignore[arg-type]
    typer.secho(f"{row['title']} (срок {row['deadline']:%d.%m.%Y}): принято {s['accepted']} из {s['schools']}, "
                f"не прислали {s['not_sent']}, просрочено {s['late']}", bold=True)
    for r in b.to_dict("records"):  # type: ignore[attr-defined]
        when = r["sent_at"].strftime("%d.%m.%Y %H:%M") if r["sent_at"] is not None and r["sent_at"] == r["sent_at"] \
            else "—"
        late = " · ПРОСРОЧЕНО" if r["late"] else ""
        extra = f" · проблем {r['problems']}" if r["problems"] else ""
        comment = f" · «{r['comment']}»" if r["comment"] else ""
        typer.echo(f"  {r['code']:<10} {r['short_name']:<28} {r['status']:<24} {when}{extra}{comment}{late}")


@lab_cli.command("debtors")
@friendly
def debtors_cmd(out: Path = typer.Option(..., "--out", help="Файл xlsx"),
                campaign: str = typer.Option(None, "--campaign", help="id кампании")) -> None:
    """Список должников кампании в xlsx — для управления образования."""
    from reports.district.debtors import debtors_xlsx
    from sync.convert import write_bytes

    ctx = lab_context()
    row, b = campaign_board(ctx, campaign)
    d = completeness.debtors(b)  # type: ignore[arg-type]
    written = write_bytes(out, debtors_xlsx(d, str(row["title"])))
    typer.echo(f"Должников: {len(d)} → {written}")


@lab_cli.command("return")
@friendly
def return_cmd(code: str = typer.Argument(..., help="Код школы"),
               comment: str = typer.Option(..., "--comment", help="Что исправить"),
               year: str = typer.Option(None, "--year", help="Учебный год (по умолчанию — текущий)")) -> None:
    """Вернуть принятые данные школы на доработку с комментарием лаборатории."""
    ctx = lab_context()
    if not ctx.receipts.return_for_correction(code, year or ctx.settings.academic_year, comment):
        fail(f"У школы «{code}» нет принятых данных за {year or ctx.settings.academic_year}")
    typer.echo(f"Данные школы {code} возвращены на доработку.")


@lab_cli.command("add-user")
@friendly
def add_user(login: str = typer.Argument(..., help="Имя для входа"),
             name: str = typer.Option(..., "--name", help="ФИО или название"),
             role: str = typer.Option(..., "--role", help="; ".join(f"{r} — {t}" for r, t in
                                                                   LAB_ROLE_TITLES.items())),
             school: str = typer.Option("", "--school", help="Код школы (для lab_uploader)")) -> None:
    """Добавить учётную запись лаборатории; пароль будет показан один раз."""
    import secrets

    from sync.users import UserError

    if role not in LAB_ROLE_TITLES:
        fail(f"--role: нет роли «{role}» на сайте лаборатории. Роли: {', '.join(LAB_ROLE_TITLES)}")
    ctx = lab_context()
    if role == LabRole.UPLOADER and school not in ctx.registered():
        fail(f"--school: школа «{school}» не зарегистрирована в листе «Школы»")
    password = secrets.token_urlsafe(9)
    try:
        ctx.users.add(login, name, role, password, teacher_id=school if role == LabRole.UPLOADER else "")
    except UserError as exc:
        fail(str(exc))
    typer.echo(f"Добавлен «{login.lower()}» ({LAB_ROLE_TITLES[role]}), пароль: {password}")


@lab_cli.command("indicators")
@friendly
def indicators(as_json: bool = typer.Option(False, "--json", help="Вывести в JSON")) -> None:
    """Показатели школ города по видам работ (из кубов хранилища)."""
    ctx = lab_context()
    df = district.with_rates(ctx.engine.run(district.TOWN_BY_SCHOOL_FROM_CUBE)).sort_values(["year", "school", "kind"])
    if as_json:
        typer.echo(df.to_json(orient="records", force_ascii=False))
        return
    for r in df.to_dict("records"):
        typer.echo(f"  {r['year']} {r['school']:<10} {str(r['kind']):<26} N={int(r['N']):<6} "
                   f"успеваемость {r['success_pct']:.1f}%  качество {r['quality_pct']:.1f}%  СОУ {r['sou_pct']:.1f}%")


@lab_cli.command("rebuild-cubes")
@friendly
def rebuild_cubes() -> None:
    """Досчитать хранимые таблицы (кубы, гистограммы баллов, суммы по заданиям) для принятых без них учебных лет."""
    from sync.warehouse.rebuild import rebuild_derived

    ctx = lab_context()

    def progress(i: int, n: int, year: int, school: str) -> None:
        typer.echo(f"  [{i}/{n}] {school}, {year}/{year + 1}")

    done = rebuild_derived(ctx.warehouse, district.MATERIALISED, progress)  # the site also does it when it starts
    typer.echo(f"Досчитано учебных лет школ: {done}." if done else "Все хранимые таблицы уже на месте.")


@lab_cli.command("demo")
@friendly
def demo(schools: int = typer.Option(12, "--schools", help="Сколько школ (2–300)"),
         seed: int = typer.Option(42, "--seed", help="Зерно: одно зерно — один и тот же город"),
         school_data: Path = typer.Option(None, "--school-data", help="Каталог данных нашей школы: она войдёт в город"),
         if_empty: bool = typer.Option(False, "--if-empty", help="Ничего не делать, если город уже есть"),
         past_years: int = typer.Option(1, "--past-years", help="Сколько прошлых учебных лет добавить (0–3): "
                                                               "на них проверяются прогнозы"),
         force: bool = typer.Option(False, "--force", help="Пересоздать, даже если данные уже есть")) -> None:
    """Демонстрационный город: школы разных типов, выгрузка и сбор их пакетов, учётные записи лаборатории."""
    from app.demo.town import build_town
    from app.lab.accounts import create_lab_accounts

    if not 2 <= schools <= 300:
        fail(f"--schools: от 2 до 300, а указано {schools}")
    if not 0 <= past_years <= 3:
        fail(f"--past-years: от 0 до 3, а указано {past_years}")
    ctx = lab_context()
    if ctx.warehouse.school_years():
        if if_empty:
            typer.echo("Демонстрационный город уже собран.")
            return
        if not force:
            fail("В хранилище лаборатории уже есть данные. Чтобы пересоздать город, добавьте --force.", 1)
    our = our_key = None
    if school_data is not None:
        our, our_key = _our_school(school_data)
    typer.echo(f"Строю демонстрационный город: {schools} школ, зерно {seed}…")
    done = build_town(ctx, schools, seed, ctx.settings.academic_year, our, our_key, progress=typer.echo,
                      past_years=past_years)
    sent = sum(1 for _, o in done if o is not None and o.ok)
    silent = [s.short_name for s, o in done if o is None]
    typer.echo(f"Собрано школ: {sent} из {len(done)}" + (f"; не сдали (так задумано): {', '.join(silent)}."
                                                         if silent else "."))
    created = create_lab_accounts(ctx.users)
    if created:
        typer.echo("\nУчётные записи лаборатории (пароли показываются один раз):")
        for a in created:
            typer.echo(f"  {a.login:<12} {a.password:<14} {a.title}")


def _our_school(data_dir: Path) -> tuple[dict, bytes]:
    """The demo school's validated frames and its own key, read from its data dir."""
    from app.lab.export import KEY_FILE
    from sheets_schema import SCHEMA
    from sheets_schema.bundle import prune_dangling
    from sync.cache import WorkbookCache
    from sync.local import LocalStore
    from sync.warehouse.bundle import load_or_create_key


    path = data_dir / "edumon.sqlite3"
    if not path.is_file():
        fail(f"В каталоге «{data_dir}» нет данных школы (сначала edumon demo)")
    cache = WorkbookCache(LocalStore(path), SCHEMA)
    cache.refresh()
    return prune_dangling(SCHEMA, dict(cache.workbook.frames))[0], load_or_create_key(data_dir / KEY_FILE)




@lab_cli.command("report")
@friendly
def report(kind: str = typer.Argument(..., help="Какая справка: town-vpr — по итогам ВПР (муниципальной работы) в ОО "
                                                 "города; school — профиль школы; forecast — прогнозы; cycle — "
                                                 "управленческий цикл; staff — кадры и аттестация; olympiads — "
                                                 "олимпиады"),
           out: Path = typer.Option(..., "--out", help="Файл: .docx (с диаграммами), .xlsx или .pdf"),
           year: str = typer.Option(None, "--year", help="Учебный год, например 2025/2026 (по умолчанию — последний)"),
           work_kind: str = typer.Option("ВПР", "--kind", help="Вид работы: ВПР или вид муниципальной работы"),
           subject: str = typer.Option(None, "--subject", help="Только этот предмет"),
           parallel: str = typer.Option(None, "--parallel", help="Только эта параллель (1–11)"),
           school: str = typer.Option(None, "--school", help="Код школы (для справки school)"),
           months: str = typer.Option(None, "--months", help="Справка staff: аттестация в ближайшие N месяцев "
                                                             "(1–60; по умолчанию — из настроек)"),
           on: str = typer.Option(None, "--on", help="Справка staff: на дату ДД.ММ.ГГГГ (по умолчанию — сегодня)"),
           ) -> None:
    """Справка для управления образования: docx, xlsx или pdf (выводы и рекомендации правятся в Word)."""
    from app.lab.reports_run import FORMATS, build_document, render
    from reports.district.builders import parse_params
    from reports.district.catalogue import REPORTS, ReportRefused, report_kind
    from sync.convert import ConversionError, write_bytes

    fmt = out.suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        fail(f"--out: файл должен оканчиваться на .docx, .xlsx или .pdf, а указан «{out.name}»")
    try:
        chosen = report_kind(kind)
        given = {"--year": ("year", year), "--kind": ("kind", None if work_kind == "ВПР" else work_kind),
                 "--subject": ("subject", subject), "--parallel": ("parallel", parallel),
                 "--school": ("school", school), "--months": ("months", months), "--on": ("on", on)}
        reads = set(chosen.fields) | ({"school"} if chosen.needs_school else set())
        unused = [opt for opt, (field, value) in given.items() if value is not None and field not in reads]
        if unused:
            fail(f"Справка «{kind}» не использует {', '.join(unused)}: уберите "
                 + ("его" if len(unused) == 1 else "их"))
        params = parse_params(year, work_kind, subject, parallel, school, months, on)
        if chosen.needs_school and not params.school:
            fail(f"Для справки «{kind}» укажите код школы: --school КОД")
        ctx = lab_context()
        data = render(build_document(ctx, chosen.key, params), fmt)
    except ReportRefused as exc:
        fail(str(exc))
    except ConversionError as exc:
        fail(str(exc), 1)
    written = write_bytes(out, data)
    typer.echo(f"{REPORTS[kind].title}: {written}")
