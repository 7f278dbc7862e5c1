"""«По списку» is the roster on the work's date; roster students without a counted result are listed with the
reason (a row validation rejected names its sheet row and message); a work everyone missed says so."""

from __future__ import annotations

from reports import results_facts
from reports.spravka.narrative import work_report
from sheets_schema import SCHEMA, validate_workbook
from tests.factories import School


def four_on_the_roster(rows: dict[str, tuple[str, str]]) -> tuple[School, str]:
    """4«А» with Антонов, Борисов, Волков, Громов; one work (thresholds 4/6/8 of 10); `rows`: name -> (present,
    mark) of the result rows entered."""
    s = School()
    c = s.klass(4, "А")
    w = s.work(s.subject("Русский язык"), parallel=4, date="15.04.2026", title="ВПР")
    for name in ("Антонов", "Борисов", "Волков", "Громов"):
        p = s.student(c, name)
        if name in rows:
            present, mark = rows[name]
            s.result(w, p, present=present, mark=int(mark) if mark else None)
    return s, w


def report_of(s: School, w: str):
    wb = validate_workbook(SCHEMA, s.grids())
    return work_report(results_facts(wb), wb.frames, w), wb


def test_a_rejected_row_and_a_missing_row_are_listed_and_the_roster_is_whole() -> None:
    s, w = four_on_the_roster({"Антонов": ("да", "5"), "Борисов": ("да", "4"), "Волков": ("да", "3")})
    # Волков's mark becomes «6» in the sheet: validation rejects the row (row 4 of «Результаты»)
    grid = s.grids()
    grid[SCHEMA["results"].title][3][SCHEMA["results"].keys.index("mark")] = "6"
    wb = validate_workbook(SCHEMA, grid)
    r = work_report(results_facts(wb), wb.frames, w)
    assert (r.summary.enrolled, r.summary.N, r.summary.absent) == (4, 2, 0)  # the roster, not the 2 rows counted
    assert r.not_counted.to_dict("records") == [
        {"student": "Волков Иван", "class": "4«А»",
         "reason": "строка 4 листа «Результаты» не прошла проверку: Отметка должна быть от 1 до 5"},
        {"student": "Громов Иван", "class": "4«А»", "reason": "результат не внесён"},
    ]
    assert r.conclusions[0] == "По списку 4 обучающихся, работу писали 2, отсутствовали 0 (0 %)."
    assert r.conclusions[1].startswith("Не учтены 2 из 4 по списку: Волков Иван (4«А») — строка 4")
    participants = r.document().sections[0]
    assert any(getattr(b, "frame", None) is r.not_counted for b in participants.blocks)


def test_everyone_absent_is_worded_as_such() -> None:
    s, w = four_on_the_roster({n: ("нет", "") for n in ("Антонов", "Борисов", "Волков", "Громов")})
    r, _ = report_of(s, w)
    assert (r.summary.enrolled, r.summary.N, r.summary.absent) == (4, 0, 4)
    assert r.conclusions[0] == ("Все обучающиеся по списку (4) отсутствовали на работе (4-е классы): показатели не "
                                "рассчитываются.")
    assert not any("Внести результаты и отметки" in x for x in r.recommendations)


def test_a_student_who_joined_after_the_work_is_not_on_its_roster() -> None:
    s, w = four_on_the_roster({n: ("да", "4") for n in ("Антонов", "Борисов", "Волков", "Громов")})
    c = s.rows["classes"][0]["id"]
    newcomer = s.student(c, "Дёмин")
    s.add("movements", student_id=newcomer, date="20.04.2026", to_class_id=c)  # arrived five days after
    r, _ = report_of(s, w)
    assert (r.summary.enrolled, r.summary.N) == (4, 4) and r.not_counted.empty
