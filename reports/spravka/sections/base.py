"""Shared pieces of the справки's sections: the column sets, the «not found» errors, the period, wording."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from reports.analytics.dashboard import periods_with_results, previous_period
from reports.analytics.facts import select
from reports.analytics.indicators import (
    DISTRIBUTION,
    RATE_COLUMNS,
    MarkSummary,
    summarize,
)
from reports.analytics.periods import CALENDAR
from reports.labels import column_title, round_half_up
from reports.spravka.document import WORD_ROWS
from reports.spravka.narrative import (
    change_words,
    pct_text,
    plural,
)
from sheets_schema import SCHEMA
from sheets_schema import choices as C
from sheets_schema.choices import PERIODS
from sheets_schema.errors import UserFacingError

RATES = tuple(RATE_COLUMNS)
COUNTS = ("written", *DISTRIBUTION)  # absences are in the participants; tables stay narrow
COMPARE_COLUMNS = ("label", "written", *RATES)
KIND_COLUMNS = ("kind", "works_count", "written", *DISTRIBUTION, *RATES, "quality_pct_change")
WEAK_COLUMNS = ("subject", "work", "element", "tasks", "pct_of_max", "weak")
RISK_COLUMNS = ("student", "class", "n_twos", "n_low", "own_mean_pct", "reasons")
OBJECTIVITY_COLUMNS = ("work", "subject", "class", "compared", "lowered_pct", "confirmed_pct", "raised_pct",
                       "high_but_basic_failed_pct")
OBJECTIVITY_SHEET = "Объективность"
RISK_TOP = WORD_ROWS  # students at risk listed in Word; Excel has them all
WEAKEST_MIN, WEAKEST_MAX = 5, 25  # rows of the weak-element table: at least the 5 weakest, at most 25
LAGGING_NOTE = "Выделены строки, где качество знаний ниже {against} на {pp} п. п. и более."
PERIOD_YEAR = "год"
NO_MARKS_YET = "Отметок за период нет."
STABLE = ("Результаты стабильные: продолжить работу по программам, поддерживать мотивацию обучающихся с высокими "
          "результатами.")
NO_MARKS_BY_LAW = ("в 1 классе отметки не выставляются (безотметочное обучение): анализ проводится по проценту "
                   "выполнения от максимального балла")
WRITTEN_TITLES = {"written": column_title("written_marked")}  # N counts the works that got a mark
NO_MARKS = ("Внести результаты и отметки мониторинговых работ периода в лист «Результаты» и сформировать справку "
            "повторно.")


class SpravkaNotFound(UserFacingError):
    """Something a справка was asked for is not in the workbook; the message is Russian and names it (`value`)."""

    template = "«{value}» не найден"

    def __init__(self, value: Any) -> None:
        super().__init__(self.template.format(value=value, classes=SCHEMA["classes"].title,
                                              teachers=SCHEMA["teachers"].title, periods=", ".join(PERIODS)))
        self.value = value


class ClassNotFound(SpravkaNotFound):
    template = "Класс «{value}» не найден в листе «{classes}»"


class ParallelNotFound(SpravkaNotFound):
    template = "Параллели «{value}» нет в листе «{classes}»"


class TeacherNotFound(SpravkaNotFound):
    template = "Педагог «{value}» не найден в листе «{teachers}»"


class PeriodNotFound(SpravkaNotFound):
    template = "Период «{value}» неизвестен; допустимы: {periods}"


# -- period -------------------------------------------------------------------------------------------------------

def period_facts(facts: pd.DataFrame, period: str | None) -> pd.DataFrame:
    """The facts of the period (None or «год» = the whole year); an unknown period raises PeriodNotFound."""
    if period is not None and period not in PERIODS:
        raise PeriodNotFound(period)
    return select(facts, period=period)


def period_words(period: str | None) -> str:
    """«за 1 четверть»; the whole year is «за учебный год»."""
    return "за учебный год" if period in (None, PERIOD_YEAR) else f"за {period}"


def period_meta(facts: pd.DataFrame, period: str | None, on: pd.Timestamp) -> tuple[tuple[str, str], ...]:
    """Period, academic year (from the dates of the results) and the date the справка was made."""
    meta = [("Период", "учебный год" if period in (None, PERIOD_YEAR) else str(period))]
    years = CALENDAR.academic_year(pd.Series(facts["date"].to_numpy())).dropna()
    if len(years):
        first = int(years.mode().iloc[0])
        meta.append(("Учебный год", f"{first}/{first + 1}"))
    meta.append(("Дата составления", pd.Timestamp(on)))
    return tuple(meta)


def reference_date(on: Any) -> pd.Timestamp:
    """The date a справка is made on (today by default); date rules (attestation, courses) count from it."""
    return pd.Timestamp.today().normalize() if on is None else pd.Timestamp(on)


def previous(scope: pd.DataFrame, period: str | None) -> tuple[str, MarkSummary] | None:
    """(the previous period with marks, the scope's indicators in it) for a quarter or a half-year; `scope` holds
    the scope's results of every period. None for the year or when there is no earlier period with marks."""
    if period in (None, PERIOD_YEAR):
        return None
    before = previous_period(periods_with_results(scope), period)
    if before is None:
        return None
    s = summarize(period_facts(scope, before))
    return (before, s) if s.N else None


def previous_rows(prev: tuple[str, MarkSummary] | None) -> list[tuple[str, MarkSummary]]:
    return [(f"Предыдущий период: {prev[0]}", prev[1])] if prev is not None else []


def previous_sentences(scope: str, s: MarkSummary, prev: tuple[str, MarkSummary] | None) -> list[str]:
    """«По сравнению с предыдущим периодом (1 четверть) качество знаний (9«А») выросло на …» (the change of the
    rounded values, as the reader sees them)."""
    if prev is None or not s.N:
        return []
    name, p = prev
    d_q = round_half_up(s.quality_pct, 1) - round_half_up(p.quality_pct, 1)
    d_s = round_half_up(s.success_pct, 1) - round_half_up(p.success_pct, 1)
    return [f"По сравнению с предыдущим периодом ({name}) качество знаний ({scope}) {change_words(d_q, 'о')} "
            f"(с {pct_text(p.quality_pct)} до {pct_text(s.quality_pct)}), успеваемость "
            f"{change_words(d_s, 'а')}".rstrip(".") + "."]


# -- small wording helpers ----------------------------------------------------------------------------------------

def count_words(n: int, one: str, few: str, many: str) -> str:
    """«1 работа», «3 работы», «12 работ»."""
    return f"{n} {plural(n, one, few, many)}"


def quoted(names: Sequence[Any]) -> str:
    return ", ".join(f"«{n}»" for n in names)


def _of(frame: pd.DataFrame, mask: Any) -> pd.DataFrame:
    return frame[np.asarray(pd.Series(mask).fillna(False), dtype=bool)]


def written_rows(facts: pd.DataFrame) -> pd.DataFrame:
    return _of(facts, (facts["present"] == C.YES).to_numpy())
