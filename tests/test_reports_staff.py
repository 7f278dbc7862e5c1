"""Staff composition, attestation and courses due, olympiad counts."""

from __future__ import annotations

import pandas as pd
import pytest

from reports.analytics.staff import (
    AGE_BANDS,
    EXPERIENCE_BANDS,
    EXPIRED,
    EXPIRING,
    NO_COURSES,
    NO_DATE,
    NOT_GIVEN,
    OLD_COURSES,
    PERMANENT,
    attestation_due,
    category_term,
    full_years,
    no_recent_courses,
    olympiad_stats,
    staff_composition,
)
from sheets_schema import SCHEMA
from tests.factories import School

ON = pd.Timestamp("2025-09-01")


@pytest.mark.parametrize(("years", "band"), [
    (0, "до 5 лет"), (5, "до 5 лет"), (6, "5–10 лет"), (10, "5–10 лет"), (11, "10–20 лет"), (20, "10–20 лет"),
    (30, "20–30 лет"), (31, "свыше 30 лет"), (None, None),
])
def test_experience_bands(years: int | None, band: str | None) -> None:
    got = EXPERIENCE_BANDS.cut(pd.Series([years], dtype="Int64")).iloc[0]
    assert (None if pd.isna(got) else got) == band


@pytest.mark.parametrize(("age", "band"), [
    (22, "моложе 30 лет"), (29, "моложе 30 лет"), (30, "30–39 лет"), (49, "40–49 лет"), (59, "50–59 лет"),
    (60, "60 лет и старше"), (75, "60 лет и старше"),
])
def test_age_bands(age: int, band: str) -> None:
    assert AGE_BANDS.cut(pd.Series([age])).iloc[0] == band


@pytest.mark.parametrize(("born", "age"), [
    ("1990-09-01", 35),  # birthday on the reference date counts
    ("1990-09-02", 34),
    ("1990-08-31", 35),
    ("1960-02-29", 65),
])
def test_full_years(born: str, age: int) -> None:
    assert full_years(pd.Series([pd.Timestamp(born)]), ON).iloc[0] == age


def staff() -> tuple[dict[str, pd.DataFrame], dict[str, str]]:
    """Four teachers and a psychologist.

    Петрова   высшая, 10.01.2021 -> expires 10.01.2026 (in 4 months); courses ended 01.02.2024
    Сидорова  первая, no date; attested 01.03.2020 -> expired 01.03.2025; courses 01.02.2022 (over 3 years)
    Иванова   без категории, never expires; no courses at all; a course that ends after ON does not count
    Кузнецова первая, 01.12.2022 -> expires 01.12.2027 (beyond 12 months); courses 01.09.2022 (exactly 3 years)
    Орлова    psychologist, соответствие занимаемой должности, no date -> listed to fill the gap
    """
    s = School()
    ids: dict[str, str] = {}
    ids["p"] = s.teacher("Петрова", category="высшая", category_date="10.01.2021", experience=5,
                         birth_date="15.06.1990", education="высшее педагогическое")
    ids["s"] = s.teacher("Сидорова", category="первая", experience=31, birth_date="01.01.1960",
                         education="высшее педагогическое")
    ids["i"] = s.teacher("Иванова", category="без категории", experience=0, birth_date="02.09.1995")
    ids["k"] = s.teacher("Кузнецова", category="первая", category_date="01.12.2022", experience=12,
                         birth_date="01.09.1985", education="среднее профессиональное педагогическое")
    ids["o"] = s.teacher("Орлова", position="педагог-психолог", category="соответствие занимаемой должности")
    s.add("attestations", teacher_id=ids["s"], date="01.03.2020", category="первая")
    s.add("attestations", teacher_id=ids["s"], date="01.03.2015", category="первая")
    for who, end in (("p", "01.02.2024"), ("s", "01.02.2022"), ("i", "15.10.2025"), ("k", "01.09.2022"),
                     ("o", "01.06.2025")):
        s.add("courses", teacher_id=ids[who], title="Курсы", hours=36, end_date=end)
    return s.frames(), ids


def test_staff_composition_counts_and_shares() -> None:
    frames, ids = staff()
    comp = staff_composition(frames["teachers"], ON)
    assert comp.total == 5
    cat = comp.by_category.set_index("category")
    # every category in the schema's order, zeros kept (the two categories of 2023 too): высшая 1, первая 2,
    # соответствие 1, без категории 1 (of 5)
    assert cat.index.tolist() == ["педагог-наставник", "педагог-методист", "высшая", "первая",
                                  "соответствие занимаемой должности", "без категории"]
    assert cat["count"].tolist() == [0, 0, 1, 2, 1, 1]
    assert cat.loc["первая", "share_pct"] == 40.0
    exp = comp.by_experience.set_index("experience_band")["count"].to_dict()
    # 5 -> до 5, 0 -> до 5, 31 -> свыше 30, 12 -> 10–20, Орлова unknown
    assert exp == {"до 5 лет": 2, "5–10 лет": 0, "10–20 лет": 1, "20–30 лет": 0, "свыше 30 лет": 1, NOT_GIVEN: 1}
    age = comp.by_age.set_index("age_band")["count"].to_dict()
    # 35 -> 30–39; 65 -> 60+; 29 (birthday tomorrow) -> моложе 30; 40 (birthday today) -> 40–49; unknown
    assert age == {"моложе 30 лет": 1, "30–39 лет": 1, "40–49 лет": 1, "50–59 лет": 0, "60 лет и старше": 1,
                   NOT_GIVEN: 1}
    edu = comp.by_education.set_index("education")["count"]
    assert (edu["высшее педагогическое"], edu[NOT_GIVEN]) == (2, 2)
    titles = {key: table.title for key, table in comp.tables().items()}
    assert titles == {"by_category": SCHEMA["teachers"].header_of("category"),
                      "by_education": SCHEMA["teachers"].header_of("education"),
                      "by_experience": "Стаж", "by_age": "Возраст"}
    assert list(comp.tables()["by_age"].titled().columns) == ["Возраст", "Человек", "Доля, %"]


def test_staff_composition_by_position() -> None:
    frames, ids = staff()
    comp = staff_composition(frames["teachers"], ON, positions=["учитель"])
    assert comp.total == 4
    assert comp.by_category.set_index("category").loc["соответствие занимаемой должности", "count"] == 0


def test_attestation_due_within_months() -> None:
    frames, ids = staff()
    due = attestation_due(frames["teachers"], ON, months=12, attestations=frames["attestations"])
    # soonest first, undated last; Сидорова's date comes from her latest attestation (01.03.2020 + 5 years)
    assert due["teacher_id"].tolist() == [ids["s"], ids["p"], ids["o"]]
    assert due["attestation_status"].tolist() == [EXPIRED, EXPIRING, NO_DATE]
    assert due["expires"].iloc[0] == pd.Timestamp("2025-03-01")
    assert due["expires"].iloc[1] == pd.Timestamp("2026-01-10")
    assert pd.isna(due["expires"].iloc[2])
    assert due.loc[due["teacher_id"] == ids["p"], "teacher"].iloc[0] == "Петрова А. П."
    # a 3-month horizon drops Петрова (expires in 4 months 9 days)
    short = attestation_due(frames["teachers"], ON, months=3, attestations=frames["attestations"])
    assert set(short["teacher_id"]) == {ids["s"], ids["o"]}
    # 28 months reaches Кузнецова (01.12.2027 = 01.09.2025 + 27 months)
    assert ids["k"] in set(attestation_due(frames["teachers"], ON, months=28)["teacher_id"])


def test_no_recent_courses() -> None:
    frames, ids = staff()
    stale = no_recent_courses(frames["teachers"], frames["courses"], ON)
    got = dict(zip(stale["teacher_id"], stale["course_status"], strict=True))
    # Иванова's only course ends after ON -> none; Сидорова 2022-02 is over 3 years before 2025-09-01;
    # Кузнецова 2022-09-01 is exactly three years -> still fine
    assert got == {ids["i"]: NO_COURSES, ids["s"]: OLD_COURSES}
    assert stale["teacher_id"].tolist() == [ids["i"], ids["s"]]


def test_olympiad_stats() -> None:
    s = School()
    alg, rus = s.subject("Алгебра"), s.subject("Русский язык")
    c = s.klass()
    p1, p2 = s.student(c, "Один"), s.student(c, "Два")
    for student, subject, level, status in (
            (p1, alg, "школьный", "победитель"), (p2, alg, "школьный", "участник"),
            (p1, alg, "муниципальный", "призёр"), (p1, rus, "школьный", "призёр"), (p2, rus, "школьный", "призёр"),
            (p2, rus, "школьный", "участник")):
        s.add("olympiads", student_id=student, subject_id=subject, level=level, status=status)
    frames = s.frames()
    table = olympiad_stats(frames["olympiads"], frames["subjects"])
    got = {(r["subject"], r["olympiad_level"]): (r["participants"], r["prize_winners"], r["winners"], r["students"])
           for _, r in table.iterrows()}
    # Русский, школьный: 3 entries (2 призёра), 2 distinct students (Два took part twice)
    assert got == {("Алгебра", "школьный"): (2, 0, 1, 2), ("Алгебра", "муниципальный"): (1, 1, 0, 1),
                   ("Русский язык", "школьный"): (3, 2, 0, 2)}
    by_subject = olympiad_stats(frames["olympiads"], frames["subjects"], by=("subject",)).set_index("subject")
    assert by_subject.loc["Алгебра", "participants"] == 3 and by_subject.loc["Алгебра", "students"] == 2


# Приказ Минпросвещения России от 24.03.2023 № 196 (in force 01.09.2023): category, date -> runs out on, no expiry
@pytest.mark.parametrize(("category", "since", "expires", "permanent"), [
    ("высшая", "2023-08-31", "2028-08-31", False),  # established the day before the law: keeps five years
    ("высшая", "2023-09-01", None, True),  # from the law's first day: no expiry
    ("первая", "2019-05-20", "2024-05-20", False),
    ("первая", "2024-12-25", None, True),
    ("педагог-методист", "2024-03-01", None, True),
    ("педагог-наставник", "2025-10-10", None, True),
    ("соответствие занимаемой должности", "2023-10-01", "2028-10-01", False),  # every five years, law or not
    ("соответствие занимаемой должности", "2020-02-29", "2025-02-28", False),
    ("высшая", None, None, False),  # no date: unknown, not «no expiry»
    ("без категории", "2024-01-01", None, False),
])
def test_category_term_by_the_current_law(category: str, since: str | None, expires: str | None,
                                          permanent: bool) -> None:
    until, perm = category_term(pd.Series([category]), pd.Series([since], dtype="datetime64[ns]"))
    assert (None if pd.isna(until.iloc[0]) else until.iloc[0]) == (None if expires is None else pd.Timestamp(expires))
    assert bool(perm[0]) is permanent


def test_categories_without_expiry_are_never_due() -> None:
    s = School()
    old = s.teacher("Алексеева", category="высшая", category_date="01.06.2021")  # runs out 01.06.2026
    new = s.teacher("Борисова", category="высшая", category_date="01.06.2024")  # no expiry
    mentor = s.teacher("Васильева", category="педагог-наставник")  # no date, but never expires
    conform = s.teacher("Григорьева", category="соответствие занимаемой должности", category_date="15.03.2021")
    frames = s.frames()
    due = attestation_due(frames["teachers"], ON, months=12, attestations=frames["attestations"])
    assert due["teacher_id"].tolist() == [conform, old]  # 15.03.2026, then 01.06.2026
    assert due["expires"].tolist() == [pd.Timestamp("2026-03-15"), pd.Timestamp("2026-06-01")]
    assert new not in set(due["teacher_id"]) and mentor not in set(due["teacher_id"])


def test_the_teacher_spravka_says_a_new_category_has_no_expiry() -> None:
    from reports.spravka.teacher import teacher_spravka

    s = School()
    tid = s.teacher("Борисова", category="высшая", category_date="01.06.2024")
    frames = s.frames()
    from reports import results_facts

    doc = teacher_spravka(results_facts(frames), frames, tid, on=ON)
    text = " ".join(doc.conclusions)
    assert "Квалификационная категория — «высшая», присвоена 01.06.2024, действует бессрочно" in text
    assert "Срок действия категории" not in text
    assert PERMANENT == "бессрочно"
