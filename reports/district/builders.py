"""The registry of the lab's справки for the authority. A справка is a builder over the town's numbers
(town_data.TownData) that returns the one document model (reports.spravka.document.Spravka); the docx, xlsx and pdf
exporters of the school lay it out. A new справка (staff and attestation, olympiads) is one `register` call with
its builder and, where it reads tables of its own, the aggregates and lab sheets it needs (their frames reach the
builder in `data.extra` under each aggregate's or sheet's key)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass

from reports.district.aggregates import Aggregate
from reports.district.olympiads import OlympiadRule
from reports.district.town_data import TownData
from reports.spravka.document import Spravka
from sheets_schema.errors import UserFacingError

LAB_SIGNATURE = "Методист муниципальной лаборатории мониторинга ____________________ / ____________________ /"


class ReportRefused(UserFacingError):
    """A справка cannot be built for these arguments; the message (Russian) says why and what to give."""


@dataclass(frozen=True)
class ReportParams:
    """What a справка is about: an academic year (its first calendar year; None — the latest in the warehouse),
    a kind of work («ВПР» or a municipal work's kind), optionally one subject and parallel, and a school; the staff
    справка's date and horizon of attestation (months; None — the lab's setting), the olympiad справка's status
    rule (the lab's settings fill both in)."""

    year: int | None = None
    kind: str = "ВПР"
    subject: str | None = None
    parallel: int | None = None
    school: str | None = None
    months: int | None = None
    on: dt.date | None = None
    rule: OlympiadRule | None = None


@dataclass(frozen=True)
class ReportKind:
    key: str  # the CLI name: `edumon lab report <key>`
    title: str  # Russian, for the page and the file name
    build: Callable[[TownData, ReportParams], Spravka]
    needs_school: bool = False
    forecasts: bool = False  # reads the per-result facts and the contingent (TownData.facts, .contingent)
    aggregates: tuple[Aggregate, ...] = ()  # extra tables the builder reads from data.extra
    sheets: tuple[str, ...] = ()  # sheets of the lab's own workbook it reads (data.extra under the sheet's key)
    fields: tuple[str, ...] = ("year", "kind", "subject", "parallel")  # the arguments it reads (page selectors)


REPORTS: dict[str, ReportKind] = {}


def register(kind: ReportKind) -> ReportKind:
    if not re.fullmatch(r"[a-z][a-z0-9-]*", kind.key):
        raise ValueError(f"report key {kind.key!r}: lower-case latin letters, digits and hyphens")
    REPORTS[kind.key] = kind
    return kind


def report_kind(key: str) -> ReportKind:
    if key not in REPORTS:
        raise ReportRefused(f"Нет справки «{key}». Есть: " + "; ".join(f"{k} — {v.title}" for k, v in REPORTS.items()))
    return REPORTS[key]


def year_of(data: TownData, params: ReportParams) -> int:
    """The справка's year: the asked one if the warehouse holds it, else the latest; none at all is refused."""
    years = data.years()
    if not years:
        raise ReportRefused("В хранилище лаборатории ещё нет принятых данных школ — справку строить не из чего")
    if params.year is None:
        return years[-1]
    if params.year not in years:
        have = ", ".join(f"{y}/{y + 1}" for y in years)
        raise ReportRefused(f"За {params.year}/{params.year + 1} учебный год данных нет; есть: {have}")
    return params.year


def _bounded(value: str | int | None, top: int, refusal: str) -> int | None:
    """A whole number 1…top as typed (None when not given); anything else is refused with `refusal`."""
    if value in (None, ""):
        return None
    text = str(value).strip()
    if not text.isdigit() or not 1 <= int(text) <= top:
        raise ReportRefused(refusal)
    return int(text)


def parse_params(year: str | None = None, kind: str | None = None, subject: str | None = None,
                 parallel: str | int | None = None, school: str | None = None, months: str | int | None = None,
                 on: str | None = None) -> ReportParams:
    """The справка's arguments as a person types them (CLI, page): «2025/2026» or «2025», a parallel 1–11,
    months 1–60, a date ДД.ММ.ГГГГ or ГГГГ-ММ-ДД; anything else is refused with a Russian message."""
    y: int | None = None
    if year not in (None, ""):
        m = re.fullmatch(r"\s*(\d{4})(?:\s*/\s*(\d{4}))?\s*", str(year))
        if not m or (m[2] and int(m[2]) != int(m[1]) + 1):
            raise ReportRefused(f"Учебный год «{year}» записан неверно: нужно, например, 2025/2026")
        y = int(m[1])
    p = _bounded(parallel, 11, f"Параллель «{parallel}»: нужно число от 1 до 11")
    m_ = _bounded(months, 60, f"Срок аттестации «{months}»: нужно число месяцев от 1 до 60")
    kind = (kind or "ВПР").strip() or "ВПР"
    if len(kind) > 100 or (subject and len(subject) > 200) or (school and len(school) > 64):
        raise ReportRefused("Слишком длинное значение аргумента справки")
    return ReportParams(y, kind, (subject or "").strip() or None, p, (school or "").strip() or None, m_,
                        parse_day(on))


def parse_day(text: str | None) -> dt.date | None:
    """«01.06.2026» or «2026-06-01» (None when empty); anything else is refused in Russian."""
    if text in (None, ""):
        return None
    value = str(text).strip()
    for pattern in ("%d.%m.%Y", "%Y-%m-%d"):
        try:
            day = dt.datetime.strptime(value, pattern).date()
        except ValueError:
            continue
        if 1950 <= day.year <= 2100:
            return day
    raise ReportRefused(f"Дата «{text}» записана неверно: нужно, например, 01.06.2026")
