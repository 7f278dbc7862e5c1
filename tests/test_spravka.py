"""Period справки (class, parallel, teacher, school), staff and olympiad workbooks and the generic exporters,
checked against numbers worked out by hand on a tiny school, then opened back from docx and xlsx."""

from __future__ import annotations

import functools
import io

import pandas as pd
import pytest
from docx import Document
from docx.oxml.ns import qn
from openpyxl import load_workbook

from reports import results_facts
from reports.export.charts import chart_png, tick_layout, with_data
from reports.export.docx import WEAK_SHADE, spravka_docx
from reports.export.xlsx import olympiad_xlsx, spravka_xlsx, staff_xlsx
from reports.labels import column_title, fmt_num
from reports.spravka.document import Chart, Paragraph, Section, Spravka, TableBlock
from reports.spravka.narrative import plural
from reports.spravka.school import (
    ClassNotFound,
    ParallelNotFound,
    PeriodNotFound,
    TeacherNotFound,
    class_spravka,
    find_class,
    parallel_spravka,
    school_spravka,
    teacher_spravka,
)
from reports.spravka.sections import dynamics_sentences, weak_sentences
from sheets_schema.errors import UserFacingError
from tests.factories import School

ON = pd.Timestamp("2026-03-01")
Q1 = "1 четверть"


@functools.cache  # built once; the tests only read it
def school() -> tuple[dict[str, pd.DataFrame], dict[str, str]]:
    """Algebra and Russian in 9«А» (4 students), 9«Б» (3) and 8«А» (2). Work thresholds 4/6/8 of 10.

    w1 algebra входная (1 четверть), tasks «Уравнения» (max 2) and «Функции» (max 8):
        9«А»: 2+6=8 «5», 2+4=6 «4», 2+2=4 «3», 1+1=2 «2»;  9«Б»: «5», «4», «5» (2+6, 2+5, 2+6)
    w3 Russian входная (1 четверть): 9«А» «4», «4», «3», Гусев absent
    w2 algebra итоговая (4 четверть): 9«А» «5», «5», «4», «2»;  9«Б» «5», «4», «5»
    w4 algebra входная for 8«А»: «5», «5»
    """
    s = School()
    ids: dict[str, str] = {}
    ids["alg"] = alg = s.subject("Алгебра", s.department("Математика"))
    ids["rus"] = rus = s.subject("Русский язык", s.department("Филология"))
    t1 = s.teacher("Петрова", "Анна", "Ивановна", category="высшая", category_date="10.01.2021", experience=12,
                   education="высшее педагогическое", birth_date="05.03.1980")
    t2 = s.teacher("Смирнова", "Ольга", "Петровна", category="первая", category_date="01.09.2024", experience=3,
                   education="высшее педагогическое", birth_date="01.02.1998")
    t3 = s.teacher("Орлов", "Игорь", "Львович", category="без категории", experience=35,
                   education="среднее профессиональное педагогическое", birth_date="01.01.1960")
    ids.update(t1=t1, t2=t2, t3=t3)
    a9 = s.add("classes", parallel=9, letter="А", profile="универсальный", class_teacher_id=t2)
    b9, a8 = s.klass(9, "Б"), s.klass(8, "А")
    ids.update(a9=a9, b9=b9, a8=a8)
    s.load(t1, a9, alg)
    s.load(t1, b9, alg)
    s.load(t2, a9, rus)
    tasks = [(2, "Уравнения", "базовый"), (8, "Функции", "повышенный")]
    w1 = s.work(alg, kind="входная", date="15.09.2025", period=Q1, tasks=tasks, title="Входная по алгебре")
    w3 = s.work(rus, kind="входная", date="16.09.2025", period=Q1, title="Входная по русскому")
    w2 = s.work(alg, kind="итоговая", date="20.05.2026", period="4 четверть", title="Итоговая по алгебре")
    w4 = s.work(alg, parallel=8, kind="входная", date="17.09.2025", period=Q1, title="Входная 8")
    for last, scores, rus_mark, final in (("Аксёнов", "2 6", 4, 5), ("Белов", "2 4", 4, 5), ("Волков", "2 2", 3, 4),
                                          ("Гусев", "1 1", None, 2)):
        ids[last] = p = s.student(a9, last)
        s.result(w1, p, scores)
        if rus_mark is None:
            s.result(w3, p, present="нет")
        else:
            s.result(w3, p, total=1, mark=rus_mark)
        s.result(w2, p, total=1, mark=final)
    for last, scores, final in (("Дёмин", "2 6", 5), ("Ершов", "2 5", 4), ("Жуков", "2 6", 5)):
        ids[last] = p = s.student(b9, last)
        s.result(w1, p, scores)
        s.result(w2, p, total=1, mark=final)
    for last in ("Зайцев", "Иванов"):
        s.result(w4, s.student(a8, last), total=1, mark=5)
    s.add("olympiads", student_id=ids["Аксёнов"], subject_id=alg, level="муниципальный", status="призёр",
          score=40, teacher_id=t1, date="20.11.2025")
    s.add("olympiads", student_id=ids["Жуков"], subject_id=alg, level="школьный", status="победитель", score=50,
          teacher_id=t1, date="10.10.2025")
    s.add("olympiads", student_id=ids["Дёмин"], subject_id=rus, level="школьный", status="победитель", score=45,
          teacher_id=t2, date="12.10.2025")
    s.add("olympiads", student_id=ids["Белов"], subject_id=rus, level="школьный", status="участник", score=20,
          teacher_id=t2, date="12.10.2025")
    s.add("courses", teacher_id=t1, title="Методика алгебры", provider="ИРО", hours=72, end_date="01.02.2020")
    s.add("courses", teacher_id=t2, title="Функциональная грамотность", hours=36, end_date="15.03.2025")
    s.add("attestations", teacher_id=t1, date="10.01.2021", category="высшая")
    ids.update(w1=w1, w2=w2, w3=w3, w4=w4)
    return s.frames(), ids


@functools.cache
def facts() -> pd.DataFrame:
    return results_facts(school()[0])


def table_of(doc: Spravka, section: str, index: int = 0) -> TableBlock:
    return [b for b in doc.section(section).blocks if isinstance(b, TableBlock)][index]


def row_of(block: TableBlock, column: str, value: str) -> dict:
    rows = [r for r in block.records() if str(r[column]) == value]
    assert len(rows) == 1, (column, value, block.records())
    return rows[0]


def docx_of(doc: Spravka) -> tuple[str, list[list[list[str]]], Document]:
    d = Document(io.BytesIO(spravka_docx(doc)))
    text = "\n".join(p.text for p in d.paragraphs)
    return text, [[[c.text for c in r.cells] for r in t.rows] for t in d.tables], d


def first_rows(ws, last_col: int) -> dict:
    """Column A -> the values of columns B.. of the first row that has it (a chart's own data block repeats the
    labels of its table further down)."""
    out: dict = {}
    for r in range(1, ws.max_row + 1):
        out.setdefault(ws.cell(r, 1).value, [ws.cell(r, j).value for j in range(2, last_col + 1)])
    return out


def shaded(row) -> bool:
    return WEAK_SHADE in {shd.get(qn("w:fill")) for shd in row._tr.iter(qn("w:shd"))}


# -- wording ------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("n", "form"), [(1, "класс"), (2, "класса"), (4, "класса"), (5, "классов"), (11, "классов"),
                                         (12, "классов"), (14, "классов"), (21, "класс"), (22, "класса"),
                                         (111, "классов"), (0, "классов")])
def test_plural(n: int, form: str) -> None:
    assert plural(n, "класс", "класса", "классов") == form


@pytest.mark.parametrize(("n", "verb", "noun"), [(1, "освоен", "элемент"), (2, "освоены", "элемента"),
                                                 (5, "освоены", "элементов"), (21, "освоен", "элемент")])
def test_weak_elements_sentence_agrees_the_verb(n: int, verb: str, noun: str) -> None:
    table = pd.DataFrame({"subject": ["Алгебра"], "work": ["w"], "element": ["Функции"], "tasks": ["2"],
                          "pct_of_max": [40.0], "weak": [True]})
    out, _ = weak_sentences(table, n)
    assert out[0].startswith(f"В работах периода слабо {verb} (менее 50 % от максимума) {n} {noun} содержания;")


def test_changes_are_the_difference_of_the_shown_values() -> None:
    table = pd.DataFrame({"kind": ["входная", "итоговая"], "written": [10, 10], "quality_pct": [58.84, 69.26],
                          "success_pct": [90.04, 90.0]})
    out, _ = dynamics_sentences(table, "школа")
    # shown 58,8 % and 69,3 %: 10,5 п. п. (not 69,26 − 58,84 = 10,42 -> «10,4»); 90,0 and 90,0: unchanged
    assert "качество знаний (школа) выросло на 10,5 п. п. (с 58,8 % до 69,3 %), успеваемость не изменилась." in out[0]


def test_department_note_reads_plainly() -> None:
    """Алгебра «5», «5» and Геометрия «3», «3» in one department: geometry is 50 п. п. below the department."""
    s = School()
    d = s.department("Математика")
    alg, geo = s.subject("Алгебра", d), s.subject("Геометрия", d)
    cid = s.klass(9, "А")
    w1, w2 = s.work(alg), s.work(geo, date="16.09.2025")
    for last in ("Ан", "Бо"):
        p = s.student(cid, last)
        s.result(w1, p, total=9)
        s.result(w2, p, total=5)
    frames = s.frames()
    doc = school_spravka(results_facts(frames), frames, on=ON)
    notes = [b.text for b in doc.section("Результаты по ШМО и предметам").blocks if isinstance(b, Paragraph)]
    assert notes == ["Выделены строки, где качество знаний ниже среднего по ШМО (для предмета) или по школе (для "
                     "ШМО) на 10 п. п. и более."]


# -- class --------------------------------------------------------------------------------------------------------

def test_class_subject_table_is_worked_by_hand() -> None:
    frames, ids = school()
    doc = class_spravka(facts(), frames, ids["a9"], Q1, on=ON)
    subjects = table_of(doc, "Показатели по предметам")
    alg = row_of(subjects, "subject", "Алгебра")
    # «5» «4» «3» «2» once each: success 3/4, quality 2/4, СОУ (100+64+36+16)/4, mean (5+4+3+2)/4
    assert (alg["written"], alg["n5"], alg["n4"], alg["n3"], alg["n2"]) == (4, 1, 1, 1, 1)
    assert (alg["success_pct"], alg["quality_pct"], alg["sou_pct"], alg["mean_mark"]) == pytest.approx(
        (75.0, 50.0, 54.0, 3.5))
    # the parallel on algebra in the 1st quarter: 9«А» and 9«Б» on w1 = 5,4,3,2,5,4,5 -> quality 5/7
    assert alg["quality_pct_vs_parallel"] == pytest.approx(50.0 - 500 / 7)
    rus = row_of(subjects, "subject", "Русский язык")
    # «4», «4», «3» (one absent): quality 2/3, СОУ (64+64+36)/3, mean 11/3; only 9«А» wrote it, so equal to it
    assert (rus["written"], rus["quality_pct"], rus["sou_pct"], rus["mean_mark"]) == pytest.approx(
        (3, 200 / 3, 164 / 3, 11 / 3))
    assert rus["quality_pct_vs_parallel"] == pytest.approx(0.0)
    assert subjects.weak == (True, False)  # algebra is more than 10 п. п. below the parallel


def test_class_docx_carries_the_numbers_one_chart_and_the_weak_rows() -> None:
    frames, ids = school()
    doc = class_spravka(facts(), frames, ids["a9"], Q1, on=ON)
    text, tables, d = docx_of(doc)
    assert "Аналитическая справка по итогам мониторинга качества обучения в 9«А» классе за 1 четверть" in text
    assert "Классный руководитель: Смирнова О. П." in text
    assert f"{column_title('class_size')}: 4; писали хотя бы одну работу: 4; проведено работ: 2; " \
           "написано работ с отметкой: 7; пропущено работ: 1." in text
    alg = next(r for t in tables for r in t if r[0] == "Алгебра")
    assert alg == ["Алгебра", "4", "1", "1", "1", "1", "0", "75", "50", "54", "3,5", fmt_num(50.0 - 500 / 7)]
    distribution = next(t for t in tables if t[0][1:] == ["«5»", "«4»", "«3»", "«2»", "«1»"])
    assert distribution[1] == ["Отметок", "1", "3", "2", "1", "0"]
    assert len(d.inline_shapes) == 1  # one kind of work in the quarter: a distribution, no dynamics
    weak = next(t for t in d.tables if t.rows[0].cells[2].text == column_title("element"))
    assert [(r.cells[2].text, r.cells[4].text, shaded(r)) for r in weak.rows[1:]] == [
        ("Функции", "40,6", True),  # (6+4+2+1) of 4 × 8
        ("Уравнения", "87,5", False),  # (2+2+2+1) of 4 × 2
    ]
    subjects = next(t for t in d.tables if t.rows[0].cells[0].text == column_title("subject"))
    assert [shaded(r) for r in subjects.rows[1:]] == [True, False]


def test_docx_short_columns_fit_their_bold_title_words() -> None:
    from reports.export.docx_layout import CHAR_SMALL, LANDSCAPE_WIDTH, _text_width

    frames, ids = school()
    _, _, d = docx_of(class_spravka(facts(), frames, ids["a9"], Q1, on=ON))
    table = next(t for t in d.tables if t.rows[0].cells[0].text == column_title("subject"))  # 12 columns
    widths = {c.text: c.width for c in table.rows[0].cells}
    # header rows are set at 8 pt bold: «Написано» and «СОУ,» stay whole (measured in the widest fallback font)
    twip = 635  # Word keeps widths in twentieths of a point
    assert widths[column_title("written_marked")] >= _text_width("отметкой", CHAR_SMALL, bold=True) - twip
    assert widths[column_title("sou_pct")] >= _text_width("СОУ,", CHAR_SMALL, bold=True) - twip
    assert sum(widths.values()) <= LANDSCAPE_WIDTH + 12  # too wide for a portrait page: set in landscape
    assert any(s.page_width > s.page_height for s in d.sections)


def test_class_conclusions_are_prepared_from_the_numbers() -> None:
    frames, ids = school()
    doc = class_spravka(facts(), frames, ids["a9"], Q1, on=ON)
    text = "\n".join(doc.conclusions)
    # 9«А» in the quarter: 5,4,3,2 + 4,4,3 -> N 7: success 6/7, quality 4/7, СОУ 380/7, mean 25/7
    assert "В 9«А» классе по списку 4 обучающихся; за 1 четверть проведено 2 работы, написано работ с отметкой — 7, " \
           "пропущено — 1." in text
    assert "Успеваемость (9«А») — 85,7 %, качество знаний — 57,1 %, СОУ — 54,3 % (уровень «критический»), " \
           "средний балл — 3,57." in text
    # the parallel: 9«А» plus 9«Б» (5,4,5) -> N 10, quality 7/10
    assert "Качество знаний (9«А») — 57,1 %, на 12,9 п. п. ниже параллели (70 %)." in text
    assert "Функции (Алгебра, 40,6 %)" in text
    recommendations = "\n".join(doc.recommendations)
    assert "(Алгебра)" in recommendations and "ниже параллели на 10 п. п." in recommendations
    assert "«2» (1 отметка)" in recommendations
    assert "СОУ на критическом уровне (54,3 %)" in recommendations


def test_class_over_the_year_has_dynamics_and_a_student_at_risk() -> None:
    frames, ids = school()
    doc = class_spravka(facts(), frames, ids["a9"], on=ON)
    dynamics = table_of(doc, "Динамика результатов")
    # входная: w1 + w3 -> quality 4/7; итоговая: 5,5,4,2 -> quality 3/4
    assert [r["kind"] for r in dynamics.records()] == ["входная", "итоговая"]
    assert [r["quality_pct"] for r in dynamics.records()] == pytest.approx([400 / 7, 75.0])
    assert dynamics.records()[1]["quality_pct_change"] == pytest.approx(75.0 - 400 / 7)
    text = "\n".join(doc.conclusions)
    assert "качество знаний (9«А») выросло на 17,9 п. п. (с 57,1 % до 75 %), успеваемость снизилась на " \
           "10,7 п. п." in text  # success 6/7 -> 3/4
    assert "В группе риска 1 обучающийся (25 % писавших работы)." in text  # Гусев: «2» on w1 and w2
    assert [r["student"] for r in table_of(doc, "Обучающиеся группы риска").records()] == ["Гусев Иван"]
    _, _, d = docx_of(doc)
    assert len(d.inline_shapes) == 2  # distribution and dynamics
    wb = load_workbook(io.BytesIO(spravka_xlsx(doc)))
    assert [c.tagname for c in wb["Справка"]._charts] == ["barChart", "lineChart"]
    assert "Группа риска" in wb.sheetnames and "Динамика по предметам" in wb.sheetnames


def test_a_quarter_is_compared_with_the_previous_quarter() -> None:
    frames, ids = school()
    doc = class_spravka(facts(), frames, ids["a9"], "4 четверть", on=ON)
    rows = {r["label"]: r for r in table_of(doc, "Сравнение с параллелью и школой").records()}
    # 4th quarter: 5,5,4,2 -> quality 3/4, success 3/4; the 1st (no results in the 2nd and 3rd): 5,4,3,2,4,4,3 ->
    # quality 4/7, success 6/7
    prev = rows["Предыдущий период: 1 четверть"]
    assert (prev["written"], prev["quality_pct"], prev["success_pct"]) == (7, pytest.approx(400 / 7),
                                                                           pytest.approx(600 / 7))
    assert "По сравнению с предыдущим периодом (1 четверть) качество знаний (9«А») выросло на 17,9 п. п. " \
           "(с 57,1 % до 75 %), успеваемость снизилась на 10,7 п. п." in doc.conclusions
    assert "Предыдущий период" not in str(table_of(class_spravka(facts(), frames, ids["a9"], Q1, on=ON),
                                                   "Сравнение с параллелью и школой").records())
    school_doc = school_spravka(facts(), frames, "4 четверть", on=ON)
    # the school's 1st quarter: 9 marks of w1, w3, w4 and 9 of 12 with «4»/«5»
    first = row_of(table_of(school_doc, "Основные показатели"), "label", "Предыдущий период: 1 четверть")
    assert first["quality_pct"] == pytest.approx(75.0)
    teacher_doc = teacher_spravka(facts(), frames, ids["t1"], "4 четверть", on=ON)
    # Петрова's algebra: 1st quarter 5,4,3,2,5,4,5 -> 5/7; 4th 5,5,4,2,5,4,5 -> 6/7
    assert row_of(table_of(teacher_doc, "Сравнение со школой"), "label",
                  "Предыдущий период: 1 четверть")["quality_pct"] == pytest.approx(500 / 7)


def test_class_is_found_by_name_and_unknown_input_is_a_russian_error() -> None:
    frames, ids = school()
    for name in ("9А", "9«А»", "9 а", "9A", "9a", ids["a9"]):  # «9A», «9a»: Latin letters typed for Cyrillic
        assert find_class(frames, name)["id"] == ids["a9"]
    with pytest.raises(ClassNotFound, match="Класс «9Я» не найден в листе «Классы»"):
        class_spravka(facts(), frames, "9Я")
    with pytest.raises(PeriodNotFound, match="Период «5 четверть» неизвестен"):
        class_spravka(facts(), frames, ids["a9"], "5 четверть")
    assert isinstance(PeriodNotFound("x"), UserFacingError) and not isinstance(PeriodNotFound("x"), LookupError)


def test_a_class_without_marks_says_so_and_draws_nothing() -> None:
    s = School()
    cid = s.klass(5, "В")
    s.student(cid, "Иванов")
    frames = s.frames()
    doc = class_spravka(results_facts(frames), frames, cid, on=ON)
    assert doc.conclusions[0] == ("В 5«В» классе по списку 1 обучающийся; за учебный год проведено 0 работ, написано "
                                  "работ с отметкой — 0, пропущено — 0.")
    assert "У 5«В» класса за учебный год нет работ с выставленными отметками" in doc.conclusions[1]
    assert doc.recommendations[0].startswith("Внести результаты и отметки")
    _, _, d = docx_of(doc)
    assert len(d.inline_shapes) == 0
    assert load_workbook(io.BytesIO(spravka_xlsx(doc)))["Справка"]._charts == []


def test_a_restricted_view_is_compared_with_the_whole_parallel_and_school() -> None:
    frames, ids = school()
    seen = facts()[(facts()["subject_id"] == ids["rus"]).to_numpy()]  # Смирнова sees only her Russian in 9«А»
    doc = class_spravka(seen, frames, ids["a9"], on=ON, base=facts())
    rows = {r["label"]: r for r in table_of(doc, "Сравнение с параллелью и школой").records()}
    # 9«А» Russian: 4,4,3 -> quality 2/3; the parallel (all works of 9«А» and 9«Б»): 13 of 17; the school adds
    # 8«А» 5,5 -> 15 of 19
    assert rows["9«А»"]["quality_pct"] == pytest.approx(200 / 3)
    assert (rows["9-е классы"]["written"], rows["9-е классы"]["quality_pct"]) == (17, pytest.approx(1300 / 17))
    assert (rows["Школа"]["written"], rows["Школа"]["quality_pct"]) == (19, pytest.approx(1500 / 19))
    assert "на 9,8 п. п. ниже параллели (76,5 %)" in "\n".join(doc.conclusions)  # 66,7 − 76,5


def test_a_teachers_own_view_is_compared_with_the_whole_school() -> None:
    frames, ids = school()
    seen = facts()[(facts()["subject_id"] == ids["alg"]).to_numpy() & facts()["parallel"].eq(9).to_numpy()]
    doc = teacher_spravka(seen, frames, ids["t1"], on=ON, base=facts())
    rows = {r["label"]: r for r in table_of(doc, "Сравнение со школой").records()}
    # algebra school-wide adds 8«А» 5,5: 13 of 16; all subjects: 15 of 19
    assert rows["Школа: те же предметы"]["quality_pct"] == pytest.approx(1300 / 16)
    assert rows["Школа: все предметы"]["quality_pct"] == pytest.approx(1500 / 19)
    a = row_of(table_of(doc, "Результаты по классам и предметам"), "class", "9«А»")
    assert a["quality_pct_vs_school"] == pytest.approx(62.5 - 1300 / 16)


def test_first_grade_is_analysed_by_percent_of_the_maximum() -> None:
    """1«А» (no marks by law): входная 2+2 and 1+1 of 10, итоговая 4+4 and 3+3 of 10 (tasks «Счёт», «Чтение»)."""
    s = School()
    mat = s.subject("Математика")
    cid = s.klass(1, "А")
    tasks = [(5, "Счёт", "базовый"), (5, "Чтение", "базовый")]
    w1 = s.work(mat, parallel=1, kind="входная", date="15.09.2025", period=Q1, tasks=tasks)
    w2 = s.work(mat, parallel=1, kind="итоговая", date="20.05.2026", period="4 четверть", tasks=tasks)
    for last, first, final in (("Ан", "2 2", "4 4"), ("Бо", "1 1", "3 3")):
        p = s.student(cid, last)
        s.result(w1, p, first)
        s.result(w2, p, final)
    frames = s.frames()
    frames["results"]["mark"] = pd.Series(pd.NA, index=frames["results"].index, dtype="Int64")  # no marks by law
    f = results_facts(frames)
    assert f["mark"].isna().all()
    doc = class_spravka(f, frames, cid, on=ON)
    # входная: 4 and 2 of 10 -> 30 %; итоговая: 8 and 6 -> 70 %; all four works: 50 %
    dynamics = table_of(doc, "Динамика результатов")
    assert dynamics.columns == ("kind", "works_count", "mean_pct", "mean_pct_change")
    assert [r["mean_pct"] for r in dynamics.records()] == pytest.approx([30.0, 70.0])
    text = "\n".join(doc.conclusions)
    assert "в 1 классе отметки не выставляются (безотметочное обучение)" in text
    assert "средний % выполнения — 50 %." in text
    assert "средний % выполнения (1«А») вырос на 40 п. п. (с 30 % до 70 %)." in text
    # входная: «Счёт» and «Чтение» each (2+1) of 2 × 5 = 30 % -> weak, and it reaches the conclusions
    assert "наиболее слабые: Счёт (Математика, 30 %); Чтение (Математика, 30 %)." in text
    assert any(r.startswith("Включить в уроки") for r in doc.recommendations)
    assert not any(r.startswith("Внести результаты и отметки") for r in doc.recommendations)
    assert [c.title for c in doc.charts()] == ["Динамика показателей"]  # no empty distribution or rates charts
    assert doc.charts()[0].series == {column_title("mean_pct"): (30.0, 70.0)}
    school_doc = school_spravka(f, frames, on=ON)
    assert "Успеваемость и качество знаний по параллелям" not in [c.title for c in school_doc.charts()]
    blank = Chart("bar", "Пусто", ("1-е",), {"Качество": [None]})
    bare = Spravka("h", (), "", (Section("s", (blank,)),), (), ())
    _, _, d = docx_of(bare)
    assert blank.empty and len(d.inline_shapes) == 0  # no chart drawn with bare axes
    assert load_workbook(io.BytesIO(spravka_xlsx(bare)))["Справка"]._charts == []


# -- parallel -----------------------------------------------------------------------------------------------------

def test_parallel_names_the_class_far_below_and_keeps_numbers_numeric_in_xlsx() -> None:
    frames, _ = school()
    doc = parallel_spravka(facts(), frames, 9, on=ON)
    classes = table_of(doc, "Классы параллели")
    a = row_of(classes, "class", "9«А»")
    b = row_of(classes, "class", "9«Б»")
    # 9«А» over the year: 5,4,3,2 / 4,4,3 / 5,5,4,2 -> N 11, quality 7/11; 9«Б»: 5,4,5,5,4,5 -> quality 100;
    # the parallel: 13 of 17 with «4» or «5»
    assert (a["written"], a["quality_pct"], b["quality_pct"]) == pytest.approx((11, 700 / 11, 100.0))
    assert a["quality_pct_vs_parallel"] == pytest.approx(700 / 11 - 1300 / 17)
    assert classes.weak == (True, False)
    assert any("в классах 9«А» (качество знаний ниже параллели на 10 п. п." in r for r in doc.recommendations)
    text = "\n".join(doc.conclusions)
    assert "В 9-х классах (2 класса) по списку 7 обучающихся" in text
    assert "Качество знаний (9«Б») — 100 %, на 23,5 п. п. выше параллели (76,5 %)." in text
    wb = load_workbook(io.BytesIO(spravka_xlsx(doc)))
    ws = wb["Справка"]
    assert [c.tagname for c in ws._charts] == ["barChart", "barChart", "lineChart"]
    header = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == column_title("class"))
    titles = [ws.cell(header, j).value for j in range(1, 12)]
    quality = ws.cell(header + 1, titles.index(column_title("quality_pct")) + 1)
    assert ws.cell(header + 1, 1).value == "9«А»"
    assert quality.value == pytest.approx(700 / 11) and quality.number_format == "0.0"
    assert ws.cell(header + 1, 1).fill.fgColor.rgb.endswith("F8D7DA")  # the lagging class, highlighted
    assert not ws.cell(header + 2, 1).fill.fgColor.rgb.endswith("F8D7DA")


def test_unknown_parallel_is_a_russian_error() -> None:
    frames, _ = school()
    for bad in (12, "девятый"):
        with pytest.raises(ParallelNotFound, match=f"Параллели «{bad}» нет"):
            parallel_spravka(facts(), frames, bad)


# -- teacher ------------------------------------------------------------------------------------------------------

def test_teacher_classes_against_parallel_and_school_with_qualification() -> None:
    frames, ids = school()
    doc = teacher_spravka(facts(), frames, ids["t1"], on=ON)
    pairs = table_of(doc, "Результаты по классам и предметам")
    a = row_of(pairs, "class", "9«А»")
    # 9«А» algebra: 5,4,3,2,5,5,4,2 -> quality 5/8; parallel algebra (= both of her classes) 11/14;
    # school algebra adds 8«А» 5,5 -> 13/16
    assert (a["subject"], a["written"], a["quality_pct"]) == ("Алгебра", 8, pytest.approx(62.5))
    assert a["quality_pct_vs_parallel"] == pytest.approx(62.5 - 1100 / 14)
    assert a["quality_pct_vs_school"] == pytest.approx(62.5 - 1300 / 16)
    assert pairs.weak == (True, False)
    text = "\n".join(doc.conclusions)
    assert "Квалификационная категория — «высшая», присвоена 10.01.2021, действует до 10.01.2026; " \
           "педагогический стаж — 12 лет." in text
    assert "Срок действия категории истёк 10.01.2026." in text
    assert "последние окончены 01.02.2020" in text
    # olympiads in her classes and subject: Аксёнов призёр, Жуков победитель (Дёмин's Russian is not hers)
    assert "участвовали в олимпиадах 2 раза: 1 призёр, 1 победитель." in text
    olympiads = table_of(doc, "Сведения о педагоге", 2)
    assert [r["student"] for r in olympiads.records()] == ["Аксёнов Иван", "Жуков Иван"]
    assert any("Подать заявление на аттестацию" in r for r in doc.recommendations)
    assert any("курсы повышения квалификации" in r for r in doc.recommendations)
    text, tables, d = docx_of(doc)
    assert "Аналитическая справка по результатам мониторинга за учебный год: педагог Петрова А. И." in text
    assert len(d.inline_shapes) == 2
    with pytest.raises(TeacherNotFound, match="Педагог «t-нет» не найден в листе «Педагоги»"):
        teacher_spravka(facts(), frames, "t-нет")


def test_a_teacher_without_load_or_monitored_subjects_is_told_so() -> None:
    frames, ids = school()
    doc = teacher_spravka(facts(), frames, ids["t3"], on=ON)  # Орлов: no teaching load
    assert "У педагога нет учебной нагрузки (лист «Нагрузка»): классов и предметов для анализа результатов нет." \
        in doc.conclusions
    assert not any("Внести результаты" in r for r in doc.recommendations)
    doc = teacher_spravka(facts(), frames, ids["t2"], "4 четверть", on=ON)  # Russian had no work in the 4th quarter
    assert "По предметам педагога (Русский язык) мониторинговые работы за 4 четверть не проводились: показатели не " \
           "рассчитываются." in doc.conclusions
    assert not any("Внести результаты" in r for r in doc.recommendations)
    assert any("Внести результаты" in r for r in teacher_spravka(facts().iloc[:0], frames, ids["t1"], on=ON)
               .recommendations)  # algebra was not written at all: entering the results is the advice


def test_teacher_period_keeps_only_the_quarter() -> None:
    frames, ids = school()
    doc = teacher_spravka(facts(), frames, ids["t1"], Q1, on=ON)
    works = table_of(doc, "Проведённые работы")
    assert {r["work"] for r in works.records()} == {"Входная по алгебре"}
    assert "Динамика" not in " ".join(c.title for c in doc.charts())
    olympiads = table_of(doc, "Сведения о педагоге", 2)
    assert [r["student"] for r in olympiads.records()] == ["Жуков Иван"]  # 10.10.2025; Аксёнов's is in November


# -- school -------------------------------------------------------------------------------------------------------

def test_school_headline_parallels_dynamics_and_risk() -> None:
    frames, _ = school()
    doc = school_spravka(facts(), frames, on=ON)
    # all 19 marks: «5» 9, «4» 6, «3» 2, «2» 2
    head = dict(doc.section("Основные показатели").blocks[0].items)
    assert head[column_title("success_pct")] == pytest.approx(1700 / 19)
    assert head[column_title("quality_pct")] == pytest.approx(1500 / 19)
    assert head[column_title("sou_pct")] == pytest.approx(1388 / 19)
    assert head[column_title("mean_mark")] == pytest.approx(79 / 19)
    pars = table_of(doc, "Результаты по параллелям")
    assert row_of(pars, "label", "8-е классы")["quality_pct_vs_school"] == pytest.approx(100 - 1500 / 19)
    text = "\n".join(doc.conclusions)
    # входная: w1, w3, w4 -> quality 9/12, success 11/12; итоговая w2 -> 6/7 and 6/7
    assert "качество знаний (школа) выросло на 10,7 п. п. (с 75 % до 85,7 %), успеваемость снизилась на 6 п. п." \
           in text
    # across 9«А» and 9«Б» «Функции» is 30 of 56 = 53,6 %: nothing is weak school-wide
    assert "Все элементы содержания освоены не ниже 50 % от максимального балла." in text
    risk = table_of(doc, "Обучающиеся группы риска")
    assert [(r["label"], r["students"], r["at_risk"]) for r in risk.records()] == [("8-е классы", 2, 0),
                                                                                   ("9-е классы", 7, 1)]
    assert row_of(risk, "label", "9-е классы")["share_pct"] == pytest.approx(100 / 7)
    wb = load_workbook(io.BytesIO(spravka_xlsx(doc)))
    assert [c.tagname for c in wb["Справка"]._charts] == ["barChart", "barChart", "lineChart"]
    assert "ШМО и предметы" in wb.sheetnames


def test_an_empty_school_spravka_has_no_empty_headings_or_tables() -> None:
    s = School()
    s.student(s.klass(5, "А"), "Иванов")
    frames = s.frames()
    doc = school_spravka(results_facts(frames), frames, on=ON)
    assert [b.text for b in doc.section("Результаты по видам работ").blocks] == ["Работ за период нет."]
    assert not doc.tables()  # no table with only a header (the risk counts by parallel included)
    assert doc.section("Обучающиеся группы риска").blocks[0].text == "Писавших работы за период нет."
    _, tables, _ = docx_of(doc)
    assert tables == [] or all(len(t) > 1 for t in tables)


def test_many_parallels_get_short_slanted_labels_and_empty_ones_are_dropped() -> None:
    frames, _ = school()
    chart = next(c for c in school_spravka(facts(), frames, on=ON).charts() if "параллелям" in c.title)
    assert chart.categories == ("8-е", "9-е")  # not «8-е классы»: eleven of those ran together
    eleven = tuple(f"{p}-е" for p in range(1, 12))
    assert tick_layout(eleven) == (list(eleven), 45.0)  # more than 8 categories: one line each, slanted
    assert tick_layout(("9«А»", "9«Б»"))[1] == 0.0
    bars = Chart("bar", "t", ("1-е", "2-е", "3-е"), {"Качество": [None, 50.0, 40.0], "Успеваемость": [None, 90, 80]})
    kept = with_data(bars)
    assert (kept.categories, kept.series["Качество"]) == (("2-е", "3-е"), (50.0, 40.0))
    assert chart_png(bars).startswith(b"\x89PNG")


def test_a_long_risk_list_is_cut_to_15_in_word_and_kept_whole_in_excel() -> None:
    """25 students of 6«А», each with «2» on two works (thresholds 4/6/8: a total of 1 is «2»); the first five
    also have a «2» on a third work, so they lead the Word list."""
    s = School()
    sub = s.subject("Математика")
    cid = s.klass(6, "А")
    works = [s.work(sub, parallel=6, date=d, title=f"Работа {i}") for i, d in
             enumerate(("15.09.2025", "15.10.2025", "15.11.2025"), start=1)]
    for i in range(25):
        p = s.student(cid, f"Ученик{i:02d}")
        for w in works[:3 if i >= 20 else 2]:
            s.result(w, p, total=1)
    frames = s.frames()
    doc = school_spravka(results_facts(frames), frames, on=ON)
    blocks = doc.section("Обучающиеся группы риска").blocks
    assert blocks[-3].text == ("Показаны 15 из 25 обучающихся группы риска — с наибольшим числом «2» и низких "
                               "результатов; полный список — в таблице Excel (лист «Группа риска»).")
    word, full = blocks[-2], blocks[-1]
    assert (len(word.frame), word.excel, len(full.frame), full.word) == (15, False, 25, False)
    assert list(word.frame["n_twos"][:5]) == [3] * 5 and list(word.frame["n_twos"][5:]) == [2] * 10
    _, tables, _ = docx_of(doc)
    assert sorted(len(t) - 1 for t in tables if t[0][0] == column_title("student")) == [15]
    wb = load_workbook(io.BytesIO(spravka_xlsx(doc)))
    assert wb["Группа риска"].max_row == 26


# -- objectivity --------------------------------------------------------------------------------------------------

def vpr_school() -> tuple[dict[str, pd.DataFrame], str]:
    """Six students of 7«А» with «3» for the 3rd quarter; ВПР in April gives five of them «4» (raised)."""
    s = School()
    sub = s.subject("Математика")
    c = s.klass(7, "А")
    w = s.work(sub, parallel=7, kind="ВПР", date="15.04.2026", title="ВПР по математике")
    for i, mark in enumerate((4, 4, 4, 4, 4, 3)):
        p = s.student(c, f"Ученик{i}")
        s.period_mark(p, sub, "3 четверть", 3)
        s.result(w, p, total=1, mark=mark)
    b = s.klass(7, "Б")  # 7«Б» confirms its period marks: nothing to flag
    for i in range(6):
        p = s.student(b, f"Ученица{i}")
        s.period_mark(p, sub, "3 четверть", 4)
        s.result(w, p, total=1, mark=4)
    return s.frames(), c


def test_objectivity_signal_reaches_the_class_and_school_spravka() -> None:
    frames, cid = vpr_school()
    f = results_facts(frames)
    doc = class_spravka(f, frames, cid, on=ON)
    table = table_of(doc, "Объективность результатов ВПР")
    row = table.records()[0]
    assert row["compared"] == 6 and row["raised_pct"] == pytest.approx(500 / 6) and table.weak == (True,)
    assert "класс 7«А»" in row["signs"] and "83,3 %" in row["signs"]
    messages = [b.text for b in doc.section("Объективность результатов ВПР").blocks if isinstance(b, Paragraph)]
    assert messages == ["Отметки ВПР сопоставлены с отметками за период (1 сопоставление по работам и классам); "
                        "признаки необъективности — в 1 из них (в таблице); полная таблица — на листе Excel "
                        "«Объективность»."]
    assert any("выявлен 1 признак, требующий проверки" in c for c in doc.conclusions)
    school_doc = school_spravka(f, frames, on=ON)  # the school row (5 of 12 raised) and 7«А» both cross 15 %
    assert any("выявлено 2 признака, требующих проверки" in c for c in school_doc.conclusions)
    section = school_doc.section("Объективность результатов ВПР")
    assert sum(isinstance(b, Paragraph) for b in section.blocks) == 1  # one sentence, no paragraph per signal
    flagged, full = (b for b in section.blocks if isinstance(b, TableBlock))
    # school, 7«А», 7«Б»: all three in the full table (Excel only), the two flagged ones in Word with their signs
    assert (len(flagged.frame), flagged.columns[-1], len(full.frame), full.word) == (2, "signs", 3, False)
    _, tables, _ = docx_of(school_doc)
    word = [t for t in tables if t[0][-1] == column_title("signs")]
    assert len(word) == 1 and len(word[0]) == 3
    assert not any(t[0][0] == column_title("work") and t[0][-1] != column_title("signs") for t in tables)
    wb = load_workbook(io.BytesIO(spravka_xlsx(school_doc)))
    assert wb["Объективность"].max_row == 4  # header and three rows


def test_consecutive_word_tables_are_kept_apart() -> None:
    frames, ids = school()
    d = Document(io.BytesIO(spravka_docx(teacher_spravka(facts(), frames, ids["t1"], on=ON))))
    tags = [c.tag for c in d.element.body.iterchildren()]
    assert tags.count(qn("w:tbl")) > 3
    assert not any(a == b == qn("w:tbl") for a, b in zip(tags, tags[1:], strict=False))  # Word would merge them


# -- staff and olympiads ------------------------------------------------------------------------------------------

def test_staff_xlsx_counts_shares_due_and_courses() -> None:
    frames, _ = school()
    wb = load_workbook(io.BytesIO(staff_xlsx(frames, ON)))
    ws = wb["Справка"]
    assert [c.tagname for c in ws._charts] == ["barChart"]
    values = first_rows(ws, 3)
    # three teachers: one высшая, one первая, one без категории
    assert values["высшая"] == [1, pytest.approx(100 / 3)]
    assert values["соответствие занимаемой должности"] == [0, 0]
    assert values["без категории"] == [1, pytest.approx(100 / 3)]
    assert values["60 лет и старше"][0] == 1  # born 1960
    due = wb["Аттестация"]
    assert [(r[0].value, r[5].value) for r in due.iter_rows(min_row=2)] == [("Петрова А. И.", "категория истекла")]
    assert due.cell(2, 5).value.date() == pd.Timestamp("2026-01-10").date()
    assert due.cell(2, 5).number_format == "DD.MM.YYYY"
    courses = wb["Курсы"]
    assert sorted((r[0].value, r[3].value) for r in courses.iter_rows(min_row=2)) == [
        ("Орлов И. Л.", "курсов нет"), ("Петрова А. И.", "курсы более трёх лет назад")]
    text = [ws.cell(r, 1).value for r in range(1, ws.max_row + 1)]
    assert "Педагогов, которым в ближайшие 12 месяцев нужна аттестация, — 1; у 1 из них категория уже истекла." \
           in text


def test_olympiad_xlsx_counts_by_subject_and_stage_and_lists_the_winners() -> None:
    frames, _ = school()
    wb = load_workbook(io.BytesIO(olympiad_xlsx(frames)))
    ws = wb["Справка"]
    chart = ws._charts[0]
    assert chart.tagname == "barChart" and len(chart.series) == 3
    by_stage = first_rows(ws, 5)
    assert by_stage["школьный"] == [3, 0, 2, 3]  # participants, prize-winners, winners, students
    assert by_stage["муниципальный"] == [1, 1, 0, 1]
    stats = wb["По предметам"]
    rows = {(r[0].value, r[1].value): [c.value for c in r[2:6]] for r in stats.iter_rows(min_row=2)}
    assert rows[("Русский язык", "школьный")] == [2, 0, 1, 2]
    winners = wb["Победители и призёры"]
    assert [(r[0].value, r[1].value, r[2].value, r[4].value) for r in winners.iter_rows(min_row=2)] == [
        ("Аксёнов Иван", "9«А»", "Алгебра", "призёр"),  # the municipal stage first
        ("Жуков Иван", "9«Б»", "Алгебра", "победитель"),
        ("Дёмин Иван", "9«Б»", "Русский язык", "победитель"),
    ]


def test_counts_and_dates_stay_numbers_and_dates_in_xlsx() -> None:
    frames, ids = school()
    ws = load_workbook(io.BytesIO(olympiad_xlsx(frames)))["Справка"]
    assert first_rows(ws, 2)["Участий"] == [4]  # four entries, a number, not the text «4»
    ws = load_workbook(io.BytesIO(spravka_xlsx(teacher_spravka(facts(), frames, ids["t1"], on=ON))))["Справка"]
    values = first_rows(ws, 2)
    for label, day in (("Дата составления", "2026-03-01"), (column_title("category_date"), "2021-01-10"),
                       (column_title("expires"), "2026-01-10")):
        cell = next(ws.cell(r, 2) for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == label)
        assert values[label] == [pd.Timestamp(day).to_pydatetime()] and cell.number_format == "DD.MM.YYYY"
    text, _, _ = docx_of(teacher_spravka(facts(), frames, ids["t1"], on=ON))
    assert "Дата составления: 01.03.2026" in text and "10.01.2021" in text  # Word still reads DD.MM.YYYY


# -- the generic exporters ----------------------------------------------------------------------------------------

def test_native_charts_show_their_axes() -> None:
    frames, _ = school()
    wb = load_workbook(io.BytesIO(spravka_xlsx(school_spravka(facts(), frames, on=ON))))
    axes = [(c.x_axis.delete, c.y_axis.delete) for c in wb["Справка"]._charts]
    assert len(axes) == 3 and set(axes) == {(False, False)}


def test_native_chart_references_the_cells_holding_its_numbers() -> None:
    frame = pd.DataFrame({"label": ["А", "Б"], "quality_pct": [40.0, 75.5]})
    doc = Spravka("Заголовок", (("Период", "год"),), "Цель: проверка.", (
        Section("Таблица", (TableBlock(frame, ("label", "quality_pct"), weak=(True, False)),)),
        Section("Диаграмма", (Chart("line", "Динамика", ("входная", "итоговая"), {"Качество": [40.0, 75.5]}),)),
    ), ("Вывод.",), ("Рекомендация.",))
    ws = load_workbook(io.BytesIO(spravka_xlsx(doc)))["Справка"]
    chart = ws._charts[0]
    ref = chart.series[0].val.numRef.f  # e.g. 'Справка'!$B$12:$B$13
    cells = ref.split("!")[1].replace("$", "").split(":")
    assert [c.value for row in ws[cells[0]:cells[1]] for c in row] == [40.0, 75.5]
    assert chart.tagname == "lineChart"
    text = [ws.cell(r, 1).value for r in range(1, ws.max_row + 1)]
    assert "Выводы" in text and "Вывод." in text and "1. Рекомендация." in text
    d = Document(io.BytesIO(spravka_docx(doc)))
    assert [p.text for p in d.paragraphs if p.style.name.startswith("Heading 2")] == [
        "1. Таблица", "2. Диаграмма", "3. Выводы", "4. Рекомендации"]
    assert [shaded(r) for r in d.tables[0].rows[1:]] == [True, False]
    assert len(d.inline_shapes) == 1
    with pytest.raises(ValueError):
        Chart("bar", "x", ("a", "b"), {"s": [1]})


# -- the demo school ----------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def demo(demo_school):
    from sheets_schema import SCHEMA, validate_workbook

    wb = validate_workbook(SCHEMA, demo_school.grids)
    return wb.frames, results_facts(wb)


def test_demo_class_spravka_counts_match_the_results_sheet(demo) -> None:
    frames, f = demo
    cid = str(frames["classes"]["id"].iloc[8])
    doc = class_spravka(f, frames, cid, "2 полугодие", on=ON)
    students = set(frames["students"].loc[frames["students"]["class_id"] == cid, "id"])
    works = frames["works"]
    half = set(works.loc[works["period"].isin(["3 четверть", "4 четверть", "2 полугодие"]), "id"])
    res = frames["results"]
    mine = res[res["student_id"].isin(students) & res["work_id"].isin(half)]
    wrote = mine[(mine["present"] == "да") & mine["mark"].notna()]
    figures = dict(doc.section("Участники и распределение отметок").blocks[0].items)
    assert figures[column_title("written_marked")] == len(wrote)
    assert figures[column_title("missed")] == int((mine["present"] == "нет").sum())
    assert figures[column_title("class_size")] == len(students)
    quality = (wrote["mark"] >= 4).mean() * 100
    assert f"качество знаний — {fmt_num(quality)} %" in "\n".join(doc.conclusions)
    _, _, d = docx_of(doc)
    assert len(d.inline_shapes) >= 1


def test_demo_school_and_teacher_spravki_render(demo) -> None:
    frames, f = demo
    for doc in (school_spravka(f, frames, on=ON), teacher_spravka(f, frames, str(frames["teachers"]["id"].iloc[4]),
                                                                  on=ON)):
        wb = load_workbook(io.BytesIO(spravka_xlsx(doc)))
        assert {c.tagname for c in wb["Справка"]._charts} >= {"barChart", "lineChart"}
        assert doc.conclusions and doc.recommendations
    assert table_of(doc, "Результаты по классам и предметам").records(), "the teacher has results"
