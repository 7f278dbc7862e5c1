"""Staff forecasts on a tiny hand-set staff table of two schools and two years: attestations under the old rule
(a category set before 01.09.2023 lasts five years, «соответствие занимаемой должности» five years) and the new
one (a category set since has no expiry), course obligations three years after the last course, the backtest of
2025/2026 from the 2024/2025 staff, and the methodologist's decisions on proposed matches."""

from __future__ import annotations

import pandas as pd

from reports.district.staff_db import APART, SAME, UNDECIDED, Decision, current_rows, match_people
from reports.district.staff_forecast import OVERDUE, backtest, forecast

D = pd.Timestamp
ON = D(2026, 9, 1)
STAFF_COLUMNS = ["year", "school", "teacher_id", "last_name", "first_name", "middle_name", "birth_year", "position",
                 "category", "category_date", "education", "experience"]


def _staff(year: int, rows: list[tuple]) -> list[dict]:
    return [dict(zip(STAFF_COLUMNS, (year, *r, "высшее", 10), strict=True)) for r in rows]


IVANOVA = ("Иванова", "Анна", "Петровна", 1970, "учитель", "первая", "2022-03-15")
SIDOROVA = ("Сидорова", "Ольга", "Ивановна", 1990, "учитель", "соответствие занимаемой должности", "2021-10-10")
KOZLOV = ("Козлов", "Иван", "Сергеевич", 1985, "учитель", "высшая", "2019-05-20")
ROWS = pd.DataFrame(
    _staff(2024, [("a", "t1", *IVANOVA), ("a", "t2", "Петров", "Олег", "Ильич", 1980, "учитель", "первая",
                                           "2020-11-15"),
                  ("a", "t3", *SIDOROVA), ("b", "t1", *IVANOVA), ("b", "t2", *KOZLOV),
                  ("b", "t4", "Белов", "Пётр", "Ильич", 1975, "учитель", "соответствие занимаемой должности",
                   "2020-12-01")])
    + _staff(2025, [("a", "t1", *IVANOVA), ("a", "t2", "Петров", "Олег", "Ильич", 1980, "учитель", "высшая",
                                            "2025-11-10"),
                    ("a", "t3", *SIDOROVA), ("b", "t1", *IVANOVA), ("b", "t2", *KOZLOV),
                    ("b", "t3", "Новикова", "Мария", "Андреевна", 1995, "учитель", "педагог-методист", "2026-02-10"),
                    ("b", "t5", "Орлов", "Илья", "Петрович", 1988, "учитель", "высшая", "2023-08-31"),
                    ("b", "t6", "Лисина", "Вера", "Олеговна", 1992, "учитель", "первая", "2023-09-01")]))
COURSES = pd.DataFrame(
    [(2024, "a", "t1", "2024-06-10"), (2024, "a", "t2", "2023-05-05"), (2024, "b", "t1", "2022-02-01"),
     (2024, "b", "t2", "2022-10-01"), (2024, "b", "t4", "2021-01-01"),
     (2025, "a", "t1", "2024-06-10"), (2025, "a", "t1", "2026-01-20"), (2025, "b", "t1", "2026-01-20"),
     (2025, "a", "t2", "2023-05-05"), (2025, "a", "t2", "2026-10-01"),  # a planned course: not known on ON
     (2025, "a", "t3", "2025-12-15"), (2025, "b", "t2", "2026-03-01"), (2025, "b", "t3", "2026-08-31"),
     (2025, "b", "t5", "2025-05-05"), (2025, "b", "t6", "2025-05-05")],
    columns=["year", "school", "teacher_id", "end_date"]).assign(title="Курс", provider="ИРО", hours=36.0)
ATTESTATIONS = pd.DataFrame([(2025, "a", "t2", "2025-11-10", "высшая"), (2025, "b", "t3", "2026-02-10",
                                                                       "педагог-методист")],
                            columns=["year", "school", "teacher_id", "date", "category"])


def _nonzero(table: pd.DataFrame, column: str) -> dict[str, int]:
    return {m: int(v) for m, v in zip(table["month"], table[column], strict=True) if v}


def test_the_next_three_years_by_month_under_the_old_and_the_new_attestation_rules() -> None:
    base = match_people(current_rows(ROWS))
    f = forecast(base, ATTESTATIONS, COURSES, ON)
    assert len(f) == 37 and f["month"].iloc[0] == OVERDUE and f["month"].iloc[1] == "09.2026"
    assert f["month"].iloc[-1] == "08.2029"
    # Козлов's «высшая» of 2019 ran out in 05.2024; Сидорова's conformity of 10.2021 and Иванова's «первая» of
    # 03.2022 (one person in two schools) run out after five years; Орлов's «высшая» set on 31.08.2023 too, but
    # Лисина's «первая» of 01.09.2023, Петров's «высшая» of 2025 and Новикова's «педагог-методист» never expire
    assert _nonzero(f, "attestations") == {OVERDUE: 1, "10.2026": 1, "03.2027": 1, "08.2028": 1}
    # three years after each person's last course finished by 01.09.2026 (Петров's course of 10.2026 is not
    # known yet: his last, 05.2023, was due again in 05.2026)
    assert _nonzero(f, "courses") == {OVERDUE: 1, "05.2028": 2, "12.2028": 1, "01.2029": 1, "03.2029": 1,
                                      "08.2029": 1}


def test_the_backtest_replays_2025_from_the_2024_staff_and_counts_what_happened() -> None:
    check, table = backtest(ROWS, ATTESTATIONS, COURSES, ON)
    assert [y.year for y in check.years] == [2025]  # 2024/2025 has no staff of the year before it
    y = check.years[0]
    # forecast: Петров's «первая» of 11.2020 -> 11.2025, Белов's conformity -> 12.2025, Козлов overdue; happened:
    # Петров in 11.2025, Новикова in 02.2026
    assert (y.attestations, y.actual_attestations) == (3, 2)
    assert y.mae_attestations == 2 / 12
    # forecast: Козлов 10.2025, Петров 05.2026, Сидорова (none) and Белов (2021) overdue; happened: Сидорова 12.2025,
    # Иванова 01.2026 (both schools report it: once), Козлов 03.2026, Новикова 08.2026
    assert (y.courses, y.actual_courses) == (4, 4)
    assert y.mae_courses == 6 / 12
    assert _nonzero(table, "courses") == {"10.2025": 1, "05.2026": 1}
    assert _nonzero(table, "actual_courses") == {"12.2025": 1, "01.2026": 1, "03.2026": 1, "08.2026": 1}
    said = check.sentence()
    assert "на 2025/2026 учебный год по данным на 01.09.2025 ожидалось 3 аттестации, прошло 2" in said
    assert "средняя ошибка за месяц — 0,2 по аттестациям и 0,5 по курсам" in said


def test_no_past_year_to_check_is_said_in_russian() -> None:
    check, table = backtest(ROWS, ATTESTATIONS, COURSES, D(2026, 6, 1))  # 2025/2026 has not ended
    assert not check.years and table.empty
    assert check.sentence().startswith("Ошибку прогноза на прошлых годах оценить нельзя")


NAMESAKES = pd.DataFrame(_staff(2025, [
    ("a", "t1", *IVANOVA), ("b", "t1", *IVANOVA),  # merged: the same name and birth year in two schools
    ("a", "t2", "Орлова", "Елена", "Викторовна", 1980, "учитель", "первая", "2019-06-10"),
    ("c", "t1", "Орлова", "Елена", "Викторовна", 1981, "учитель", "первая", "2025-01-10")]))


def test_decisions_split_a_merged_person_and_join_a_namesake() -> None:
    base = match_people(NAMESAKES)
    assert len(base.people) == 3
    review = base.review.set_index("full_name")
    assert set(review.index) == {"Иванова Анна Петровна", "Орлова Елена Викторовна"}
    assert set(review["decision"]) == {UNDECIDED}
    merged, namesake = review.loc["Иванова Анна Петровна", "match_key"], review.loc["Орлова Елена Викторовна",
                                                                                  "match_key"]
    assert match_people(NAMESAKES.iloc[::-1]).review.set_index("full_name")["match_key"].to_dict() == \
        review["match_key"].to_dict()  # the key does not depend on the rows' order (a re-ingest)
    decided = match_people(NAMESAKES, [Decision(merged, False), Decision(namesake, True)])
    assert len(decided.people) == 3  # Иванова is two people now, the two Орловы one
    assert sorted(decided.people["schools"]) == ["a", "a, c", "b"]
    assert dict(zip(decided.review["full_name"], decided.review["decision"], strict=True)) == {
        "Иванова Анна Петровна": APART, "Орлова Елена Викторовна": SAME}
    confirmed = match_people(NAMESAKES, [Decision(merged, True), Decision(namesake, False)])
    assert len(confirmed.people) == 3 and sorted(confirmed.people["schools"]) == ["a", "a, b", "c"]
