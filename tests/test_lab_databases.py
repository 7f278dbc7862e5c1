"""The town's staff, olympiad and best-practice databases, hand-worked on a generated town of three schools whose
staff and olympiad entries are set by hand (tests/lab_staff_town.py), read through the engine like the pages."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from app.lab.context import LabContext
from reports.district import AGGREGATES
from reports.district.olympiads import OlympiadRule, check_protocols, protocol_counts, protocols, stages, totals
from reports.district.practice import Search, bank, bank_counts, grades_of, services, services_counts, services_for
from reports.district.staff_db import (
    attestations_due,
    by_school,
    composition,
    course_hours,
    courses_due,
    current_rows,
    due_by_month,
    match_people,
)
from reports.district.staff_sql import (
    OLYMPIAD_COUNTS,
    OLYMPIAD_MENTORS,
    OLYMPIAD_PASSED,
    PRACTICE_ROWS,
    STAFF_AGGREGATES,
    STAFF_ATTESTATIONS,
    STAFF_COURSES,
    STAFF_ROWS,
    TEACHER_SUBJECTS,
)
from reports.district.staff_xlsx import staff_xlsx
from tests.lab_staff_town import ON, build, grade_of, town_frames

D = pd.Timestamp


@pytest.fixture(scope="module")
def town(tmp_path_factory: pytest.TempPathFactory) -> tuple[LabContext, dict]:
    frames = town_frames()
    ctx = build(tmp_path_factory.mktemp("staff-town") / "lab", frames)
    yield ctx, frames
    ctx.engine.close()


def _base(ctx: LabContext):  # type: ignore[no-untyped-def]
    return match_people(current_rows(ctx.engine.run(STAFF_ROWS)))


def test_the_aggregates_are_registered_for_every_engine() -> None:
    for key, a in STAFF_AGGREGATES.items():
        assert AGGREGATES[key] is a  # the Spark parity test runs every registered aggregate
        assert "FILTER" not in a.sql and "::" not in a.sql


def test_a_person_in_two_schools_is_one_person_and_namesakes_are_for_review(town: tuple[LabContext, dict]) -> None:
    base = _base(town[0])
    assert len(base.rows) == 12 and len(base.people) == 11  # Петрова works in A and B
    petrova = base.people[base.people["full_name"] == "Петрова Анна Ивановна"]
    assert petrova["schools"].tolist() == ["sch-a, sch-b"]
    review = base.review.set_index("full_name")
    assert set(review.index) == {"Орлова Елена Викторовна", "Кузнецова Мария Сергеевна", "Петрова Анна Ивановна"}
    assert review.loc["Петрова Анна Ивановна", "reason"].endswith("(объединены)")  # merged: to confirm or reject
    assert set(review["decision"]) == {"не рассмотрено"}
    assert review.loc["Орлова Елена Викторовна", "birth_years"] == "1980, 1981"
    assert review.loc["Кузнецова Мария Сергеевна", "birth_years"] == "1990, не указан"
    assert review.loc["Орлова Елена Викторовна", "schools"] == "sch-b, sch-c"
    assert (base.people["full_name"] == "Орлова Елена Викторовна").sum() == 2  # not merged


def test_attestation_due_under_the_old_and_the_new_rules(town: tuple[LabContext, dict]) -> None:
    ctx, _ = town
    base = _base(ctx)
    due = attestations_due(base, ctx.engine.run(STAFF_ATTESTATIONS), ON, 12)
    got = list(zip(due["full_name"], due["expires"], due["attestation_status"], strict=True))
    # old rule (before 01.09.2023: five years): Орлова (B) 10.06.2019 and Петрова 01.03.2020 have run out;
    # conformity is five years: Кузнецова (A) 15.10.2021 -> 15.10.2026, Кузнецова (C) 01.04.2022 -> 01.04.2027;
    # Зайцев's date comes from his attestation 20.01.2022 -> 20.01.2027. New rule: Сидоров (01.02.2024), Смирнова
    # (01.09.2023, the law's first day), Орлова (C, 2025) and the «педагог-наставник» Лебедев never expire.
    assert got == [("Орлова Елена Викторовна", D(2024, 6, 10), "категория истекла"),
                   ("Петрова Анна Ивановна", D(2025, 3, 1), "категория истекла"),
                   ("Кузнецова Мария Сергеевна", D(2026, 10, 15), "категория истекает"),
                   ("Зайцев Антон Викторович", D(2027, 1, 20), "категория истекает"),
                   ("Кузнецова Мария Сергеевна", D(2027, 4, 1), "категория истекает")]
    # Морозов's «первая» of 31.08.2023 — the day before the law — keeps its five years: due 31.08.2028
    later = attestations_due(base, ctx.engine.run(STAFF_ATTESTATIONS), ON, 36)
    morozov = later[later["full_name"] == "Морозов Денис Ильич"]
    assert morozov["expires"].tolist() == [D(2028, 8, 31)]
    assert len(later) == 6
    months = due_by_month(due).set_index("month")["count"].to_dict()
    assert months == {"10.2026": 1, "01.2027": 1, "04.2027": 1, "категория истекла": 2}
    assert list(due_by_month(due)["month"]) == ["10.2026", "01.2027", "04.2027", "категория истекла"]


def test_courses_due_and_hours_by_provider(town: tuple[LabContext, dict]) -> None:
    ctx, _ = town
    base = _base(ctx)
    courses = ctx.engine.run(STAFF_COURSES)
    stale = courses_due(base, courses, ON).set_index("full_name")
    # Петрова's course of 2022 in A is old, but B reports one of 2024: a person's courses count from both schools
    assert set(stale.index) == {"Волков Игорь Андреевич", "Морозов Денис Ильич"}
    assert stale.loc["Волков Игорь Андреевич", "course_status"] == "курсов нет"
    assert stale.loc["Морозов Денис Ильич", "course_status"] == "курсы более трёх лет назад"
    hours = course_hours(base, courses, ON).set_index("provider")
    # ГМЦ: 36 + 72 (Петрова's «Курс Y», reported by both schools, once) + 24 + 18; Академия 108 + 36; ИРО 72+16+36
    assert hours.loc["ГМЦ"].tolist() == [4, 4, 150.0]
    assert hours.loc["Академия"].tolist() == [2, 2, 144.0]
    assert hours.loc["ИРО"].tolist() == [3, 3, 124.0]
    assert list(hours.index) == ["ГМЦ", "Академия", "ИРО"]


def test_composition_and_schools(town: tuple[LabContext, dict]) -> None:
    ctx, _ = town
    base = _base(ctx)
    comp, positions = composition(base, ON)
    cats = comp.by_category.set_index("category")["count"].to_dict()
    assert cats == {"педагог-наставник": 1, "педагог-методист": 0, "высшая": 3, "первая": 4,
                    "соответствие занимаемой должности": 2, "без категории": 1}
    assert comp.total == 11
    ages = comp.by_age.set_index("age_band")["count"].to_dict()
    assert ages["моложе 30 лет"] == 1 and ages["не указано"] == 1
    assert ages["50–59 лет"] == 3  # Петрова, Смирнова, Волков (age = the year of the report − the birth year)
    assert positions.set_index("position").loc[["учитель", "директор", "заместитель директора"], "count"].tolist() \
        == [9, 1, 1]
    due = attestations_due(base, ctx.engine.run(STAFF_ATTESTATIONS), ON, 12)
    stale = courses_due(base, ctx.engine.run(STAFF_COURSES), ON)
    schools = by_school(base, due, stale, ctx.cache.workbook.frames["schools"]).set_index("school")
    assert schools["people"].tolist() == [4, 4, 4]
    assert schools["due"].to_dict() == {"sch-a": 2, "sch-b": 2, "sch-c": 2}
    assert schools["no_courses"].to_dict() == {"sch-a": 1, "sch-b": 0, "sch-c": 1}
    assert schools.loc["sch-b", "высшая"] == 2 and schools.loc["sch-b", "педагог-наставник"] == 1


def test_the_authoritys_xlsx_holds_counts_as_numbers_and_names_as_text(town: tuple[LabContext, dict],
                                                                       tmp_path: Path) -> None:
    ctx, _ = town
    base = _base(ctx)
    due = attestations_due(base, ctx.engine.run(STAFF_ATTESTATIONS), ON, 12)
    stale = courses_due(base, ctx.engine.run(STAFF_COURSES), ON)
    comp, positions = composition(base, ON)
    tables = {k: t.frame for k, t in comp.tables().items()} | {"by_position": positions}
    schools = ctx.cache.workbook.frames["schools"].copy()
    schools.loc[0, "short_name"] = "=HYPERLINK(\"http://x\")"
    data = staff_xlsx(tables, by_school(base, due, stale, schools), due_by_month(due),
                      course_hours(base, ctx.engine.run(STAFF_COURSES), ON), "Кадры")
    path = tmp_path / "k.xlsx"
    path.write_bytes(data)
    wb = load_workbook(path)
    assert wb.sheetnames == ["Состав", "По школам", "Аттестация по месяцам", "Курсы по организациям"]
    cells = [c for ws in wb for row in ws.iter_rows() for c in row if c.value is not None]
    formula = [c for c in cells if str(c.value).startswith("=")]
    assert formula and all(c.data_type == "s" for c in formula)  # a school's name stays text
    text = " ".join(str(c.value) for c in cells)
    assert "Петрова" not in text and "Зайцев" not in text  # counts only: nobody is named
    numbers = {c.value for c in wb["По школам"]["C"] if isinstance(c.value, int)}
    assert numbers == {4}


def test_olympiad_stages_and_who_passed(town: tuple[LabContext, dict]) -> None:
    ctx, frames = town
    counts, passed = ctx.engine.run(OLYMPIAD_COUNTS), ctx.engine.run(OLYMPIAD_PASSED)
    fr = ctx.cache.workbook.frames
    p = protocols(fr["municipal_olympiads"], fr["schools"], 2025)
    s = stages(counts, passed, protocol_counts(p))
    got = [(r["stage"], r["source"], r["participants"], r["prize_winners"], r["winners"], r["passed"])
           for r in s.to_dict("records")]
    assert got[0] == ("школьный", "по данным школ", 6, 1, 2, 2)  # A: 3, B: 2, C: 1; A's and B's math star went on
    assert got[1] == ("муниципальный", "по данным школ", 2, 1, 0, 1)
    assert got[2][:5] == ("муниципальный", "протоколы лаборатории", 7, 3, 2)
    assert got[3] == ("региональный", "по данным школ", 1, 0, 0, 0)
    by_school = totals(counts, ["school", "stage"], passed).set_index(["school", "stage"])
    assert by_school.loc[("sch-a", "школьный"), ["participants", "passed"]].tolist() == [3, 1]
    by_grade = totals(counts, ["grade", "stage"]).set_index(["grade", "stage"])
    g = grade_of(frames["sch-a"], 0)
    assert by_grade.loc[(g, "региональный"), "participants"] == 1
    assert set(counts["year"]) == {2025}
    mentors = ctx.engine.run(OLYMPIAD_MENTORS)
    sid = mentors[(mentors["school"] == "sch-a") & (mentors["last_name"] == "Сидоров")]
    assert sid.groupby("stage")["participants"].sum().to_dict() == {"школьный": 2, "муниципальный": 1,
                                                                     "региональный": 1}


def test_protocol_check_fires_with_the_rows_and_follows_the_settings(town: tuple[LabContext, dict]) -> None:
    ctx, _ = town
    fr = ctx.cache.workbook.frames
    p = protocols(fr["municipal_olympiads"], fr["schools"], 2025)
    msgs = check_protocols(p, OlympiadRule(0.5, 0.45))["message"].tolist()
    assert msgs == [
        "Строка 2: победитель набрал 48 из 100 — не больше половины максимального балла; победителем признаётся "
        "только участник, набравший больше",
        "Строки 2, 3: математика, 9 класс, 2025/2026 — победителей и призёров 2 из 3 участников, больше квоты "
        "45 % (не больше 1)",
        "Строки 5, 6, 7: физика, 8 класс, 2025/2026 — победителей и призёров 3 из 4 участников, больше квоты "
        "45 % (не больше 1)"]
    assert check_protocols(p, OlympiadRule(0.4, 0.75)).empty  # 48 > 40; 2 of 3 and 3 of 4 within 75 %


@pytest.mark.parametrize(("status", "score", "top", "part_score", "expected"), [
    ("победитель", 51, 100, 10, []),
    ("победитель", 50, 100, 10, ["не больше половины"]),
    ("победитель", 60, None, 10, ["не указан максимальный балл"]),
    ("призёр", 120, 100, 10, ["больше максимального 100"]),
    ("призёр", 30, 100, 40, ["статусы идут по рейтингу"]),
])
def test_protocol_rules_by_row(status: str, score: float, top: float | None, part_score: float,
                               expected: list[str]) -> None:
    """One awarded row among three plain participants (quota 45 % of 4 allows one)."""
    rows = [{"row": 2, "year": 2025, "school": "a", "participant": "x", "grade": 9, "subject": "химия",
             "status": status, "score": float(score), "max_score": float("nan") if top is None else float(top)}]
    rows += [{**rows[0], "row": 3 + i, "participant": f"y{i}", "status": "участник", "score": float(part_score),
              "max_score": 100.0} for i in range(3)]
    msgs = check_protocols(pd.DataFrame(rows), OlympiadRule())["message"].tolist()
    assert len(msgs) == len(expected) and all(e in m for e, m in zip(expected, msgs, strict=True))


def test_practice_bank_search_and_services(town: tuple[LabContext, dict]) -> None:
    ctx, _ = town
    fr = ctx.cache.workbook.frames
    b = bank(ctx.engine.run(PRACTICE_ROWS), ctx.engine.run(TEACHER_SUBJECTS), fr["town_practices"], fr["schools"],
             current_rows(ctx.engine.run(STAFF_ROWS)))
    assert len(b) == 5  # one ППО in each school's bundle; the lab's own two (Гимназия Б, Школа А)
    found = Search(text="СМЫСЛОВОЕ чтение").apply(b)  # case and «ё» ignored, every word must be there
    assert sorted(zip(found["school"], found["source"], strict=True)) == [
        ("sch-a", "пакет школы"), ("sch-b", "пакет школы"), ("sch-b", "таблица лаборатории"), ("sch-c", "пакет школы")]
    assert Search(level="региональный", school="sch-b").apply(b)["topic"].tolist() == [
        "Смысловое чтение на уроках русского языка"]
    assert bank_counts(b, "level").set_index("level")["count"].to_dict() == {"муниципальный": 4, "региональный": 1}
    assert Search(text="смысловое нет").apply(b).empty
    s = services(fr["services"], fr["schools"])
    assert services_for(s, grade=6)["title"].tolist() == ["Робототехника", "Баскетбол"]  # 5–8 and 5–11
    assert services_for(s, grade=2)["title"].tolist() == ["Театральная студия «Ключик»"]
    assert services_for(s, kind="студия")["school"].tolist() == ["sch-c"]
    by_grade = services_counts(s, "grade").set_index("grade")
    assert by_grade.loc["5", ["services", "participants", "hours"]].tolist() == [2, 54, 170.0]
    assert by_grade.loc["1", ["services", "participants"]].tolist() == [1, 15]
    assert list(by_grade.index) == [str(g) for g in range(1, 12)]


@pytest.mark.parametrize(("text", "grades"), [("5–8 классы", (5, 6, 7, 8)), ("11 класс", (11,)),
                                              ("5, 6 классы", (5, 6)), ("9-11", (9, 10, 11)), ("педагоги", ()),
                                              (None, ()), ("1–4 и 10 классы", (1, 2, 3, 4, 10))])
def test_grades_of_a_services_audience(text: str | None, grades: tuple[int, ...]) -> None:
    assert grades_of(text) == grades
