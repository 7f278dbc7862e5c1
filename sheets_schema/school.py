"""Every worksheet of the school workbook (one spreadsheet per school and academic year), declared once."""

from __future__ import annotations

from . import choices as C
from .base import Registry, RowLabel, Sheet
from .fields import Choice, Date, Field, Integer, Link, LongText, Mark, Number, Ref, RowId, Scores, Text

SCHEMA_VERSION = 1


def _id() -> Field:
    return Field("id", "id", RowId(), required=True, unique=True,
                 help="Идентификатор строки; заполняется приложением, не меняйте его")


def _person() -> tuple[Field, ...]:
    return (
        Field("last_name", "Фамилия", Text(max_length=100), required=True),
        Field("first_name", "Имя", Text(max_length=100), required=True),
        Field("middle_name", "Отчество", Text(max_length=100)),
    )


DEPARTMENTS = Sheet("departments", "ШМО", (
    _id(),
    Field("name", "Название ШМО", Text(max_length=200), required=True, unique=True,
          help="Школьное методическое объединение (кафедра)"),
    Field("head_id", "Руководитель ШМО", Ref("teachers")),
), label_field="name", id_prefix="shmo")

SUBJECTS = Sheet("subjects", "Предметы", (
    _id(),
    Field("name", "Предмет", Text(max_length=200), required=True, unique=True),
    Field("department_id", "ШМО", Ref("departments"), required=True),
), label_field="name", id_prefix="sub")

TEACHERS = Sheet("teachers", "Педагоги", (
    _id(),
    *_person(),
    Field("birth_date", "Дата рождения", Date()),
    Field("position", "Должность", Choice(C.POSITIONS), required=True),
    Field("department_id", "ШМО", Ref("departments")),
    Field("category", "Квалификационная категория", Choice(C.CATEGORIES), required=True),
    Field("category_date", "Дата присвоения категории", Date(),
          help="Высшая и первая категории, установленные с 01.09.2023, «педагог-методист» и «педагог-наставник» "
               "действуют бессрочно; установленные раньше — пять лет с этой даты; «соответствие занимаемой "
               "должности» подтверждается раз в пять лет"),
    Field("education", "Образование", Choice(C.EDUCATION)),
    Field("experience", "Педагогический стаж, лет", Integer(min_value=0, max_value=70)),
), label_field="last_name", row_label=RowLabel(("last_name", "first_name", "middle_name"), "initials"), id_prefix="t")

CLASSES = Sheet("classes", "Классы", (
    _id(),
    Field("parallel", "Параллель", Integer(min_value=1, max_value=11), required=True, help="Номер класса: 1–11"),
    Field("letter", "Литера", Text(max_length=3), required=True, help="Буква класса, например А"),
    Field("profile", "Профиль", Choice(C.PROFILES), required=True),
    Field("class_teacher_id", "Классный руководитель", Ref("teachers")),
), label_field="letter", row_label=RowLabel(("parallel", "letter"), "class"), id_prefix="cls")

STUDENTS = Sheet("students", "Обучающиеся", (
    _id(),
    *_person(),
    Field("class_id", "Класс", Ref("classes"), required=True),
    Field("birth_date", "Дата рождения", Date()),
    Field("gender", "Пол", Choice(C.GENDERS)),
), label_field="last_name", row_label=RowLabel(("last_name", "first_name"), "person", of="class_id"), id_prefix="st")

TEACHING_LOAD = Sheet("teaching_load", "Нагрузка", (
    _id(),
    Field("teacher_id", "Педагог", Ref("teachers"), required=True),
    Field("class_id", "Класс", Ref("classes"), required=True),
    Field("subject_id", "Предмет", Ref("subjects"), required=True),
    Field("hours", "Часов в неделю", Number(min_value=0, max_value=40)),
), id_prefix="ld")

WORKS = Sheet("works", "Работы", (
    _id(),
    Field("title", "Название работы", Text(max_length=300), required=True),
    Field("subject_id", "Предмет", Ref("subjects"), required=True),
    Field("parallel", "Параллель", Integer(min_value=1, max_value=11), required=True),
    Field("kind", "Вид работы", Choice(C.WORK_KINDS), required=True),
    Field("period", "Период", Choice(C.PERIODS), help="Учебный период, к которому относится работа"),
    Field("date", "Дата проведения", Date(), required=True),
    Field("max_score", "Максимальный балл", Number(min_value=1, max_value=1000), required=True),
    Field("threshold_3", "Минимальный балл на «3»", Number(min_value=0, max_value=1000), required=True),
    Field("threshold_4", "Минимальный балл на «4»", Number(min_value=0, max_value=1000), required=True),
    Field("threshold_5", "Минимальный балл на «5»", Number(min_value=0, max_value=1000), required=True),
    Field("stage", "Этап мониторинга", Choice(C.CYCLE_STAGES),
          help="Проблема → цели и задачи → тактика и инструменты → проведение → обработка → анализ → рекомендации"),
    Field("notes", "Примечания", LongText()),
), label_field="title", row_label=RowLabel(("title", "date"), "dated"), id_prefix="w")

TASKS = Sheet("tasks", "Задания", (
    _id(),
    Field("work_id", "Работа", Ref("works"), required=True),
    Field("number", "Номер задания", Integer(min_value=1, max_value=200), required=True),
    Field("max_score", "Максимальный балл", Number(min_value=0, max_value=100), required=True),
    Field("element", "Проверяемый элемент содержания / умение", Text(max_length=500), required=True),
    Field("level", "Уровень сложности", Choice(C.TASK_LEVELS), required=True),
), id_prefix="tsk")

WORK_STAGES = Sheet("work_stages", "Этапы мониторинга", (
    _id(),
    Field("work_id", "Работа", Ref("works"), required=True),
    Field("stage", "Этап мониторинга", Choice(C.CYCLE_STAGES), required=True),
    Field("date", "Дата", Date(), required=True),
    Field("note", "Что сделано на этапе", LongText(), required=True,
          help="Проблема, цели, инструменты, ход проведения, итоги обработки и анализа, рекомендации"),
    Field("author", "Автор", Text(max_length=200)),
), label_field="note", id_prefix="ws")

RESULTS = Sheet("results", "Результаты", (
    _id(),
    Field("work_id", "Работа", Ref("works"), required=True),
    Field("student_id", "Обучающийся", Ref("students"), required=True),
    Field("present", "Писал", Choice(C.PRESENCE), required=True, help="«нет», если обучающийся отсутствовал"),
    Field("scores", "Баллы по заданиям", Scores(), help="Через пробел в порядке заданий, например «1 0 2 2 1»"),
    Field("total", "Сумма баллов", Number(min_value=0, max_value=1000)),
    Field("mark", "Отметка", Mark()),
), id_prefix="r")

PERIOD_MARKS = Sheet("period_marks", "Отметки за период", (
    _id(),
    Field("student_id", "Обучающийся", Ref("students"), required=True),
    Field("subject_id", "Предмет", Ref("subjects"), required=True),
    Field("period", "Период", Choice(C.PERIODS), required=True),
    Field("mark", "Отметка", Mark(), required=True),
), id_prefix="pm")

OLYMPIADS = Sheet("olympiads", "Олимпиады", (
    _id(),
    Field("student_id", "Обучающийся", Ref("students"), required=True),
    Field("subject_id", "Предмет", Ref("subjects"), required=True),
    Field("level", "Этап", Choice(C.OLYMPIAD_LEVELS), required=True),
    Field("status", "Статус", Choice(C.OLYMPIAD_STATUSES), required=True),
    Field("score", "Балл", Number(min_value=0, max_value=1000)),
    Field("teacher_id", "Наставник", Ref("teachers")),
    Field("date", "Дата", Date()),
), id_prefix="ol")

COURSES = Sheet("courses", "Курсы ПК", (
    _id(),
    Field("teacher_id", "Педагог", Ref("teachers"), required=True),
    Field("title", "Название курсов", Text(max_length=300), required=True),
    Field("provider", "Организация", Text(max_length=300)),
    Field("hours", "Объём, часов", Number(min_value=1, max_value=2000), required=True),
    Field("start_date", "Начало", Date()),
    Field("end_date", "Окончание", Date(), required=True),
), label_field="title", id_prefix="k")

ATTESTATIONS = Sheet("attestations", "Аттестация", (
    _id(),
    Field("teacher_id", "Педагог", Ref("teachers"), required=True),
    Field("date", "Дата аттестации", Date(), required=True),
    Field("category", "Категория", Choice(C.CATEGORIES), required=True),
), id_prefix="at")

PORTFOLIO = Sheet("portfolio", "Портфолио", (
    _id(),
    Field("owner", "Чьё", Choice(C.PORTFOLIO_OWNERS), required=True),
    Field("student_id", "Обучающийся", Ref("students"), help="Заполняется для портфолио ученика"),
    Field("teacher_id", "Педагог", Ref("teachers"), help="Заполняется для портфолио педагога"),
    Field("kind", "Вид", Choice(C.PORTFOLIO_KINDS), required=True),
    Field("title", "Название", Text(max_length=300), required=True),
    Field("level", "Уровень", Choice(C.LEVELS)),
    Field("result", "Результат", Text(max_length=200)),
    Field("date", "Дата", Date()),
    Field("link", "Ссылка", Link()),
), label_field="title", id_prefix="pf")

PRACTICES = Sheet("practices", "ППО", (
    _id(),
    Field("teacher_id", "Педагог", Ref("teachers"), required=True),
    Field("topic", "Тема опыта", Text(max_length=300), required=True),
    Field("level", "Уровень распространения", Choice(C.LEVELS), required=True),
    Field("date", "Дата", Date()),
    Field("description", "Описание", LongText()),
), label_field="topic", id_prefix="ppo")

# Transfers, with dates: a result stays with the class the student was in on the work's date (analytics.roster),
# and the roster of a class on any day is known. One row per move; the «Обучающиеся» sheet keeps the current class.
MOVEMENTS = Sheet("movements", "Движение обучающихся", (
    _id(),
    Field("student_id", "Обучающийся", Ref("students"), required=True),
    Field("date", "Дата", Date(), required=True,
          help="Первый день в новом классе; при выбытии — день выбытия"),
    Field("from_class_id", "Из класса", Ref("classes"), help="Пусто — прибыл из другой школы"),
    Field("to_class_id", "В класс", Ref("classes"), help="Пусто — выбыл из школы"),
    Field("order", "Приказ", Text(max_length=200), help="Номер и дата приказа"),
), id_prefix="mv")

SCHEMA = Registry([
    DEPARTMENTS, SUBJECTS, TEACHERS, CLASSES, STUDENTS, TEACHING_LOAD, WORKS, TASKS, WORK_STAGES, RESULTS,
    PERIOD_MARKS, OLYMPIADS, COURSES, ATTESTATIONS, PORTFOLIO, PRACTICES, MOVEMENTS,
], version=SCHEMA_VERSION)
