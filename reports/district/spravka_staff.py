"""«Кадры и аттестация» for the authority: the town's teachers and leaders by school, their composition by category,
education, experience, age and position, attestations due within N months by the rules of Приказ № 196,
professional development overdue (no course in three years) and course hours by provider, with conclusions
prepared from the numbers. Counts only: the authority reads no person's name (the lists are on the staff page)."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from reports.analytics.staff import EXPIRED, category_term
from reports.district.builders import LAB_SIGNATURE, ReportKind, ReportParams, ReportRefused, register, year_of
from reports.district.staff_db import (
    TITLES,
    attestations_due,
    by_school,
    composition,
    course_hours,
    courses_due,
    current_rows,
    decisions_of,
    due_by_month,
    match_people,
)
from reports.district.staff_sql import STAFF_ATTESTATIONS, STAFF_COURSES, STAFF_ROWS
from reports.district.town_data import TownData
from reports.labels import column_title, fmt_date, fmt_num
from reports.spravka.document import Chart, Figures, Paragraph, Section, Spravka, TableBlock, table_or_text
from reports.spravka.narrative import plural
from reports.spravka.staff import staff_findings
from sheets_schema.lab import STAFF_MATCHES

DEFAULT_MONTHS = 12
STABLE = "Кадровый состав стабильный: продолжить плановую работу по аттестации и повышению квалификации."
SHARE_COLUMNS = ("count", "share_pct")
PROVIDER_COLUMNS = ("provider", "courses", "teachers", "hours")
RULES = ("Сроки аттестации — по Приказу Минпросвещения России от 24.03.2023 № 196: первая и высшая категории, "
         "установленные с 01.09.2023, а также «педагог-методист» и «педагог-наставник» бессрочны; категории, "
         "установленные раньше, действуют пять лет; аттестация на соответствие занимаемой должности — раз в пять "
         "лет. Категория без даты показана отдельной строкой: дату нужно внести в школе.")


def _year_rows(frame: pd.DataFrame, year: int | None) -> pd.DataFrame:
    """The rows of the asked academic year, or each school's latest (current_rows)."""
    if year is not None:
        frame = frame[(frame["year"] == year).to_numpy(dtype=bool)]
    return current_rows(frame.reset_index(drop=True))


def staff_spravka(data: TownData, params: ReportParams) -> Spravka:
    year = year_of(data, params) if params.year is not None else None
    rows = _year_rows(data.extra[STAFF_ROWS.key], year)
    if rows.empty:
        raise ReportRefused("В хранилище лаборатории нет сведений о педагогах школ"
                            + (f" за {year}/{year + 1} учебный год" if year is not None else ""))
    on = params.on or dt.date.today()
    months = params.months or DEFAULT_MONTHS
    base = match_people(rows, decisions_of(data.extra.get(STAFF_MATCHES.key)))  # the methodologist's decisions
    courses = _year_rows(data.extra[STAFF_COURSES.key], year)
    due = attestations_due(base, _year_rows(data.extra[STAFF_ATTESTATIONS.key], year), on, months)
    stale = courses_due(base, courses, on)
    comp, positions = composition(base, on)
    schools = by_school(base, due, stale, data.schools)
    month_rows = due_by_month(due)
    providers = course_hours(base, courses, on)
    titles = {**TITLES, "due": f"Аттестация в ближайшие {months} мес.", "count": column_title("count"),
              "share_pct": column_title("share_pct")}
    expired = int((due["attestation_status"] == EXPIRED).sum())
    n_schools = len(schools)

    school_columns = tuple(c for c in schools.columns if c != "school")
    breakdowns: list = []
    for table in [*comp.tables().values()]:
        breakdowns += [Paragraph(f"По признаку «{table.title}»"),
                       TableBlock(table.frame, (str(table.frame.columns[0]), *SHARE_COLUMNS), titles)]
    breakdowns += [Paragraph("По должности (работающий на двух должностях — по первой в списке должностей)"),
                   TableBlock(positions, ("position", *SHARE_COLUMNS), titles),
                   Chart("bar", "Педагоги города по квалификационной категории",
                         tuple(comp.by_category["category"].astype(str)),
                         {column_title("count"): comp.by_category["count"].tolist()}, y_title="человек")]
    statuses = due["attestation_status"].value_counts().rename_axis("attestation_status").reset_index(name="count")
    sections = (
        Section("Педагоги и руководители по школам", (
            Figures((("Школ", n_schools), ("Педагогов и руководителей (человек)", len(base.people)),
                     ("Должностей в школах", len(base.rows)), (titles["due"], len(due)),
                     ("Из них категория истекла", expired), ("Без курсов три года", len(stale)))),
            TableBlock(schools, school_columns, titles),
            Paragraph("Работающий в двух школах — один человек в итогах города и по строке в каждой своей школе.",
                      note=True))),
        Section("Состав педагогических кадров города", tuple(breakdowns)),
        Section(f"Аттестация в ближайшие {months} месяцев", (
            Paragraph(RULES, note=True),
            *table_or_text(statuses, ("attestation_status", "count"), "Аттестация в этот срок никому не нужна.",
                           titles=titles),
            *((TableBlock(month_rows, ("month", "count"), titles),
               Chart("bar", "Аттестаций по месяцам", tuple(month_rows["month"]),
                     {column_title("count"): month_rows["count"].tolist()}, y_title="человек")) if len(month_rows)
              else ()))),
        Section("Повышение квалификации", (
            *table_or_text(stale["course_status"].value_counts().rename_axis("course_status").reset_index(
                name="count"), ("course_status", "count"),
                "Все педагоги прошли курсы повышения квалификации за последние три года.", titles=titles),
            Paragraph("Курсы повышения квалификации — не реже раза в три года (273-ФЗ ст. 47).", note=True),
            *table_or_text(providers, PROVIDER_COLUMNS, "Курсов за три года нет.", titles=titles),
            *((Chart("bar", "Часы курсов за три года по организациям", tuple(providers["provider"].astype(str)),
                     {"Часов": providers["hours"].tolist()}, y_title="часов"),) if len(providers) else ()))),
    )
    permanent = int(category_term(base.people["category"], base.people["category_date"])[1].sum())
    out, rec = staff_findings(comp, permanent, due, stale, months)
    out.insert(0, f"В {n_schools} {plural(n_schools, 'школе', 'школах', 'школах')} города на {fmt_date(on)} — "
                  f"{len(base.people)} {plural(len(base.people), 'педагог', 'педагога', 'педагогов')} и "
                  f"руководителей ({len(base.rows)} {plural(len(base.rows), 'должность', 'должности', 'должностей')};"
                  " работающий в двух школах считается один раз).")
    most = schools.sort_values(["due", "short_name"], ascending=[False, True], kind="stable")
    most = most[(most["due"] > 0).to_numpy(dtype=bool)].head(3)
    if len(most):
        out.append("Больше всего аттестаций в срок: " + ", ".join(
            f"{r['short_name']} ({int(r['due'])})" for r in most.to_dict("records")) + ".")
        rec.append("Согласовать со школами " + ", ".join(most["short_name"]) + " график аттестации и подачи "
                   "заявлений, проконсультировать ответственных за аттестацию.")
    if len(providers):
        top = providers.iloc[0]
        out.append(f"Больше всего часов повышения квалификации за три года — {top['provider']} "
                   f"({fmt_num(top['hours'], 0)} ч, {int(top['teachers'])} "
                   f"{plural(int(top['teachers']), 'человек', 'человека', 'человек')}).")
    return Spravka(
        heading=f"Информационная справка «Кадры и аттестация» по общеобразовательным организациям города на "
                f"{fmt_date(on)}",
        meta=(("Дата", pd.Timestamp(on)), ("Аттестация в ближайшие, месяцев", months),
              *((("Учебный год", f"{year}/{year + 1}"),) if year is not None else ())),
        purpose="Цель: кадровый состав школ города, сроки аттестации и повышения квалификации педагогов для "
                "управления образования. Справка содержит только числа; списки людей — в кадровой базе "
                "лаборатории.",
        sections=sections, conclusions=tuple(out), recommendations=tuple(rec or [STABLE]), signature=LAB_SIGNATURE)


STAFF = register(ReportKind("staff", "Кадры и аттестация педагогов школ города", staff_spravka,
                            aggregates=(STAFF_ROWS, STAFF_COURSES, STAFF_ATTESTATIONS),
                            sheets=(STAFF_MATCHES.key,), fields=("year", "months", "on")))
