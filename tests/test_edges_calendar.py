"""The school calendar is a setting: real quarter ends per academic year, used by objectivity and period filters."""

from __future__ import annotations

import pandas as pd
import pytest

from app.config import Settings
from reports.analytics.objectivity import last_period_marks
from reports.analytics.periods import CalendarError, PeriodCalendar, parse_calendar

SETTING = ("2025/2026: 1 четверть=26.10.2025, 2 четверть=28.12.2025, 3 четверть=20.03.2026, 4 четверть=26.05.2026;"
           "2026/2027: 3 четверть=19.03.2027")


def school_calendar() -> PeriodCalendar:
    cal = PeriodCalendar()
    cal.configure(parse_calendar(SETTING))
    return cal


def test_the_setting_gives_each_period_its_real_end() -> None:
    years = parse_calendar(SETTING)
    assert years[2025]["3 четверть"] == pd.Timestamp("2026-03-20")
    # half-years and the year end with their last quarter when the setting does not name them
    assert years[2025]["1 полугодие"] == pd.Timestamp("2025-12-28")
    assert years[2025]["2 полугодие"] == years[2025]["год"] == pd.Timestamp("2026-05-26")
    assert years[2026] == {"3 четверть": pd.Timestamp("2027-03-19")}


@pytest.mark.parametrize(("period", "year", "end"), [
    ("3 четверть", 2025, "2026-03-20"),  # from the setting
    ("1 четверть", 2025, "2025-10-26"),
    ("3 четверть", 2026, "2027-03-19"),
    ("1 четверть", 2026, "2026-10-31"),  # 2026/2027 names only its 3rd quarter: the rest is the default
    ("3 четверть", 2024, "2025-03-31"),  # a year the setting does not give
])
def test_period_end_per_academic_year(period: str, year: int, end: str) -> None:
    got = school_calendar().period_end(period, pd.Series([year], dtype="Int64")).iloc[0]
    assert got == pd.Timestamp(end)


@pytest.mark.parametrize(("date", "default", "school"), [
    # ВПР on 25.03.2026: the 3rd quarter closed on 20.03 at this school, so its mark is the one to compare with;
    # the default calendar (3rd quarter to 31.03) would still compare with the 2nd quarter
    ("2026-03-25", ("2 четверть", 4), ("3 четверть", 5)),
    ("2026-03-20", ("2 четверть", 4), ("2 четверть", 4)),  # the quarter ends that very day: not closed before
    ("2025-10-28", (None, None), ("1 четверть", 3)),
])
def test_objectivity_uses_the_last_period_closed_before_the_work(date: str, default: tuple, school: tuple) -> None:
    marks = pd.DataFrame({
        "student_id": ["p"] * 3, "subject_id": ["m"] * 3,
        "period": pd.Categorical(["1 четверть", "2 четверть", "3 четверть"]),
        "mark": pd.array([3, 4, 5], dtype="Int64"),
    })
    results = pd.DataFrame({"student_id": ["p"], "subject_id": ["m"], "date": [pd.Timestamp(date)]})
    for calendar, (period, mark) in ((PeriodCalendar(), default), (school_calendar(), school)):
        got = last_period_marks(results, marks, calendar).iloc[0]
        assert got["mark_period"] == period
        assert (None if pd.isna(got["period_mark"]) else int(got["period_mark"])) == mark


def test_quarter_of_a_date_follows_the_setting() -> None:
    got = school_calendar().quarter_of(pd.Series(pd.to_datetime(["2026-03-21", "2026-03-20", "2025-10-27"])))
    assert got.tolist() == ["4 четверть", "3 четверть", "2 четверть"]


@pytest.mark.parametrize(("text", "message"), [
    ("2025-2026: 1 четверть=26.10.2025", "ожидается «2025/2026: 1 четверть=26.10.2025, …»"),
    ("2025/2027: 1 четверть=26.10.2025", "ожидается «2025/2026"),
    ("2025/2026: 5 четверть=26.10.2025", "неизвестный период «5 четверть»"),
    ("2025/2026: 1 четверть=31.10.2026", "ожидается ДД.ММ.ГГГГ с 01.09.2025 по 31.08.2026"),
    ("2025/2026: 1 четверть=вчера", "дата окончания периода «1 четверть» «вчера»"),
    ("2025/2026: 1 четверть=30.12.2025, 2 четверть=28.12.2025", "четверти должны заканчиваться одна за другой"),
])
def test_an_unreadable_setting_is_a_russian_message(text: str, message: str) -> None:
    with pytest.raises(CalendarError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse_calendar(text)


def test_the_setting_is_checked_when_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EDUMON_CALENDAR", SETTING)
    assert Settings().calendar == SETTING
    monkeypatch.setenv("EDUMON_CALENDAR", "2025/2026: 1 четверть=32.10.2025")
    with pytest.raises(ValueError, match="дата окончания периода"):
        Settings()
    assert parse_calendar("") == {}
