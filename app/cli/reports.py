"""`edumon report …` — analytical справки and the municipal lab's workbooks, registered on the main CLI with
`cli_reports.register(cli)`:

- `work WORK_ID`, `class CLASS_ID`, `parallel N`, `teacher TEACHER_ID`, `school` — a справка as docx, xlsx or pdf
  (`--format`, `--out`; all but `work` take `--period`);
- `staff` (`--on DD.MM.YYYY`) and `olympiads` — xlsx workbooks.

Every command reads the cache like the pages do, builds in reports/, and writes the file through sync. Wrong input
(an unknown id, period, format or date) gives a Russian message, a non-zero exit and no file.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from app.cli.common import context, fail, friendly
from sheets_schema.choices import PERIODS

if TYPE_CHECKING:
    import pandas as pd

    from reports.spravka.document import Spravka

FORMATS = ("docx", "xlsx", "pdf")
DATE_INPUT = "%d.%m.%Y"

report_cli = typer.Typer(help="Аналитические справки", no_args_is_help=True)

FORMAT_OPTION = typer.Option("docx", "--format", "-f", help="docx, xlsx или pdf")
PERIOD_OPTION = typer.Option(None, "--period", "-p",
                             help=f"Период: {', '.join(PERIODS)} (по умолчанию — весь учебный год)")
ON_OPTION = typer.Option(None, "--on", help="Дата справки ДД.ММ.ГГГГ (по умолчанию сегодня): от неё считаются сроки "
                                            "аттестации и курсов")


def _out_option(default: str) -> Any:
    return typer.Option(None, "--out", "-o", help=f"Куда сохранить (по умолчанию {default})")


def _format(fmt: str) -> str:
    fmt = fmt.lower().lstrip(".")
    if fmt not in FORMATS:
        fail(f"--format: допустимы {', '.join(FORMATS)}, а указано «{fmt}»")
    return fmt


def _period(period: str | None) -> str | None:
    if period is not None and period not in PERIODS:
        fail(f"--period: допустимы {', '.join(PERIODS)}, а указано «{period}»")
    return period


def _date(text: str | None) -> date:
    if text is None:
        return date.today()
    try:
        return datetime.strptime(text.strip(), DATE_INPUT).date()
    except ValueError:
        fail(f"--on: дата в формате ДД.ММ.ГГГГ, например 01.09.2025, а указано «{text}»")


def _slug(*parts: Any) -> str:
    """File-name part from ids and a period: «9А», «1 четверть» -> «9А-1-четверть»."""
    text = "-".join(str(p) for p in parts if p not in (None, ""))
    return re.sub(r"[^\w]+", "-", text).strip("-")


def _produce(target: Path, label: str, make: Callable[[Any], tuple[bytes, str]]) -> None:
    """The part every report command shares: read the cache, build the file's bytes with `make(workbook)`, write
    it through sync. A lookup or conversion failure is a Russian message and nothing is written."""
    from reports.spravka.narrative import WorkNotFound
    from reports.spravka.school import SpravkaNotFound
    from sync.convert import ConversionError, write_bytes

    with typer.progressbar(length=3, label=label, show_pos=True) as bar:
        ctx = context()
        if not ctx.cache.refresh():
            fail(f"Не удалось прочитать таблицу: {ctx.cache.status.last_error}")
        bar.update(1)
        try:
            data, title = make(ctx.cache.workbook)
        except (SpravkaNotFound, WorkNotFound, ConversionError) as exc:
            fail(str(exc))
        bar.update(1)
        try:
            written = write_bytes(target, data)
        except OSError as exc:
            fail(f"Не удалось записать файл «{target}»: {exc.strerror or exc}", 1)
        bar.update(1)
    typer.echo(f"Готово: {written} ({len(data) // 1024 or 1} КБ). {title.rstrip('.')}.")


def _spravka(fmt: str, out: Path | None, stem: str, build: Callable[[pd.DataFrame, Any], Spravka]) -> None:
    """A справка command: `build(facts, frames)` gives the document, rendered in the chosen format."""
    fmt = _format(fmt)

    def make(workbook: Any) -> tuple[bytes, str]:
        from app.derived import derived_for
        from reports.export.docx import spravka_docx
        from reports.export.pdf import spravka_pdf
        from reports.export.xlsx import spravka_xlsx
        from sync.convert import docx_to_pdf

        doc = build(derived_for(workbook).facts, workbook.frames)
        render = {"docx": spravka_docx, "xlsx": spravka_xlsx, "pdf": lambda d: spravka_pdf(d, docx_to_pdf)}[fmt]
        return render(doc), doc.heading

    _produce(out or Path(f"{stem}.{fmt}"), "Справка", make)


@report_cli.command("work")
@friendly
def work(work_id: str = typer.Argument(..., help="Код работы из листа «Работы», например w-001"),
         fmt: str = FORMAT_OPTION, out: Path | None = _out_option("spravka-КОД.ФОРМАТ"),
         class_id: str | None = typer.Option(None, "--class", help="Справка по одному классу (код класса)")) -> None:
    """Сформировать аналитическую справку по мониторинговой работе."""

    def build(facts: pd.DataFrame, frames: Any) -> Spravka:
        from reports.spravka.narrative import work_report

        report = work_report(facts, frames, work_id, class_id=class_id)
        if class_id is not None and report.summary.enrolled == 0:
            fail(f"В работе «{work_id}» нет результатов класса «{class_id}»")
        return report.document()

    _spravka(fmt, out, f"spravka-{_slug(work_id, class_id)}", build)


def _period_spravka(period: str | None, fmt: str, on: str | None, out: Path | None, name: str, builder: str,
                    *key: str) -> None:
    """What class, parallel, teacher and school share: check the period and the date, then build the справка
    with reports.spravka.school.<builder>(facts, frames, *key, period, on=date)."""
    from reports.spravka import school as spravka
    period, day = _period(period), _date(on)
    build = getattr(spravka, builder)
    _spravka(fmt, out, f"spravka-{_slug(name, *key, period)}",
             lambda facts, frames: build(facts, frames, *key, period, on=day))


def _keyed(name: str, builder: str, argument: Any, doc: str) -> None:
    """Registers `edumon report NAME KEY [--period] [--format] [--on] [--out]`."""

    @report_cli.command(name, help=doc)
    @friendly
    def command(key: str = argument, period: str | None = PERIOD_OPTION, fmt: str = FORMAT_OPTION,
                on: str | None = ON_OPTION, out: Path | None = _out_option(f"spravka-{name}-КОД.ФОРМАТ")) -> None:
        _period_spravka(period, fmt, on, out, name, builder, key)


_keyed("class", "class_spravka",
       typer.Argument(..., metavar="КЛАСС", help="Код класса из листа «Классы» или его название, например 9А"),
       "Справка по классу: все работы периода, сравнение с параллелью и школой, динамика, группа риска.")
_keyed("parallel", "parallel_spravka", typer.Argument(..., metavar="N", help="Параллель: номер класса 1–11"),
       "Справка по параллели: классы рядом, предметы, динамика, слабые элементы, группа риска.")
_keyed("teacher", "teacher_spravka",
       typer.Argument(..., metavar="ПЕДАГОГ", help="Код педагога из листа «Педагоги», например t-001"),
       "Справка по педагогу: классы и предметы, сравнение с параллелью и школой, квалификация, олимпиады.")


@report_cli.command("school")
@friendly
def school(period: str | None = PERIOD_OPTION, fmt: str = FORMAT_OPTION, on: str | None = ON_OPTION,
           out: Path | None = _out_option("spravka-school.ФОРМАТ")) -> None:
    """Справка по школе: показатели, параллели, ШМО и предметы, виды работ, динамика, объективность."""
    _period_spravka(period, fmt, on, out, "school", "school_spravka")


@report_cli.command("staff")
@friendly
def staff(on: str | None = typer.Option(None, "--on", help="Дата отчёта ДД.ММ.ГГГГ (по умолчанию сегодня)"),
          out: Path | None = _out_option("kadry-ДАТА.xlsx")) -> None:
    """Кадровый состав (xlsx): категории, образование, стаж, возраст, аттестация, курсы."""
    from reports.export.xlsx import staff_xlsx

    day = _date(on)
    _produce(out or Path(f"kadry-{day.isoformat()}.xlsx"), "Кадры",
             lambda wb: (staff_xlsx(wb.frames, day), f"Кадровый состав на {day.strftime(DATE_INPUT)}"))


@report_cli.command("olympiads")
@friendly
def olympiads(out: Path | None = _out_option("olimpiady.xlsx")) -> None:
    """Итоги олимпиад (xlsx): по предметам и этапам, победители и призёры."""
    from reports.export.xlsx import olympiad_xlsx

    _produce(out or Path("olimpiady.xlsx"), "Олимпиады", lambda wb: (olympiad_xlsx(wb.frames), "Итоги олимпиад"))


def register(cli: typer.Typer) -> None:
    cli.add_typer(report_cli, name="report")
