"""`edumon report work WORK_ID --format docx|xlsx|pdf --out PATH` — registered on the main CLI with
`cli_reports.register(cli)`. Builds the справка from the cache like the work page; the file is written by sync.
"""

from __future__ import annotations

from pathlib import Path

import typer

from .cli_common import context, fail, friendly

FORMATS = ("docx", "xlsx", "pdf")

report_cli = typer.Typer(help="Аналитические справки", no_args_is_help=True)


@report_cli.command("work")
@friendly
def work(work_id: str = typer.Argument(..., help="Код работы из листа «Мониторинговые работы», например w-001"),
         fmt: str = typer.Option("docx", "--format", "-f", help="docx, xlsx или pdf"),
         out: Path | None = typer.Option(None, "--out", "-o", help="Куда сохранить (по умолчанию spravka-КОД.ФОРМАТ)"),
         class_id: str | None = typer.Option(None, "--class", help="Справка по одному классу (код класса)")) -> None:
    """Сформировать аналитическую справку по мониторинговой работе."""
    from reports.export_docx import work_docx
    from reports.export_pdf import work_pdf
    from reports.export_xlsx import work_xlsx
    from reports.narrative import WorkNotFound, work_report
    from sync.convert import ConversionError, docx_to_pdf, write_bytes

    from .derived import derived_for

    fmt = fmt.lower().lstrip(".")
    if fmt not in FORMATS:
        fail(f"--format: допустимы {', '.join(FORMATS)}, а указано «{fmt}»")
    target = out or Path(f"spravka-{work_id}{'-' + class_id if class_id else ''}.{fmt}")
    with typer.progressbar(length=4, label="Справка", show_pos=True) as bar:
        ctx = context()
        if not ctx.cache.refresh():
            fail(f"Не удалось прочитать таблицу: {ctx.cache.status.last_error}")
        workbook = ctx.cache.workbook
        facts = derived_for(workbook).facts
        bar.update(1)
        try:
            report = work_report(facts, workbook.frames, work_id, class_id=class_id)
        except WorkNotFound as exc:
            fail(str(exc))
        if class_id is not None and report.summary.enrolled == 0:
            fail(f"В работе «{work_id}» нет результатов класса «{class_id}»")
        bar.update(1)
        try:
            data = {"docx": lambda: work_docx(report), "xlsx": lambda: work_xlsx(report),
                    "pdf": lambda: work_pdf(report, docx_to_pdf)}[fmt]()
        except ConversionError as exc:
            fail(str(exc))
        bar.update(1)
        try:
            written = write_bytes(target, data)
        except OSError as exc:
            fail(f"Не удалось записать файл «{target}»: {exc.strerror or exc}", 1)
        bar.update(1)
    typer.echo(f"Готово: {written} ({len(data) // 1024 or 1} КБ). {report.heading}.")


def register(cli: typer.Typer) -> None:
    cli.add_typer(report_cli, name="report")
