"""Every worksheet of the municipal lab's own workbook (schools, campaigns, municipal works, …), declared once."""

from __future__ import annotations

from . import choices as C
from .base import Registry, Sheet
from .fields import Choice, Date, Field, Integer, Link, LongText, Number, Ref, RowId, Text

LAB_SCHEMA_VERSION = 1

SCHOOL_TYPES = ("СОШ", "СОШ с УИОП", "гимназия", "лицей", "ООШ", "НОШ", "вечерняя (сменная)", "коррекционная",
                "кадетская", "центр образования")
SEND_METHODS = ("загрузка", "общая папка", "Google-таблица")
COLLECTS = ("полный пакет", "результаты работ", "кадры", "олимпиады")
SERVICE_KINDS = ("кружок", "секция", "курс", "консультация", "семинар", "мастер-класс", "студия")
SCHOOL_CODE = r"^[\w\-.]{1,64}$"


def _id() -> Field:
    return Field("id", "id", RowId(), required=True, unique=True,
                 help="Идентификатор строки; заполняется приложением, не меняйте его")


SCHOOLS = Sheet("schools", "Школы", (
    _id(),
    Field("code", "Код школы", Text(max_length=64), required=True, unique=True,
          help="Код, который школа указывает в пакете данных (EDUMON_SCHOOL_CODE)"),
    Field("full_name", "Полное наименование", Text(max_length=500), required=True),
    Field("short_name", "Краткое наименование", Text(max_length=120), required=True, unique=True),
    Field("type", "Тип ОУ", Choice(SCHOOL_TYPES), required=True),
    Field("area", "Район / микрорайон", Text(max_length=200)),
    Field("director", "Директор", Text(max_length=300)),
    Field("phone", "Телефон", Text(max_length=60)),
    Field("email", "Электронная почта", Text(max_length=200)),
    Field("method", "Как передаёт данные", Choice(SEND_METHODS), required=True),
    Field("spreadsheet_key", "Ключ Google-таблицы", Text(max_length=200),
          help="Для способа «Google-таблица»: таблица открыта сервисному аккаунту лаборатории на чтение"),
    # the social passport: school clusters are formed by the fields EDUMON_CLUSTER_FIELDS names
    Field("low_income_pct", "Доля детей из малообеспеченных семей, %", Number(min_value=0, max_value=100),
          help="Социальный паспорт школы: для сравнения похожих школ (кластеры)"),
    Field("ovz_pct", "Доля детей с ОВЗ, %", Number(min_value=0, max_value=100),
          help="Социальный паспорт школы: для сравнения похожих школ (кластеры)"),
    Field("non_native_pct", "Доля детей, для которых русский язык не родной, %", Number(min_value=0, max_value=100),
          help="Социальный паспорт школы: для сравнения похожих школ (кластеры)"),
), label_field="short_name")
SOCIAL_PASSPORT = ("low_income_pct", "ovz_pct", "non_native_pct")  # the fields a cluster may be formed by

CAMPAIGNS = Sheet("campaigns", "Кампании сбора", (
    _id(),
    Field("title", "Название кампании", Text(max_length=300), required=True),
    Field("collects", "Что собирается", Choice(COLLECTS), required=True),
    Field("academic_year", "Учебный год", Text(max_length=9), required=True, help="Например 2025/2026"),
    Field("period", "Период", Choice(C.PERIODS)),
    Field("start_date", "Начало", Date()),
    Field("deadline", "Срок сдачи", Date(), required=True),
    Field("notes", "Примечания", LongText()),
), label_field="title")

MUNICIPAL_WORKS = Sheet("municipal_works", "Муниципальные работы", (
    _id(),
    Field("title", "Название работы", Text(max_length=300), required=True),
    Field("subject", "Предмет", Text(max_length=200), required=True),
    Field("parallel", "Параллель", Integer(min_value=1, max_value=11), required=True),
    Field("kind", "Вид работы", Choice(C.WORK_KINDS), required=True),
    Field("date", "Дата проведения", Date(), required=True),
    Field("max_score", "Максимальный балл", Number(min_value=1, max_value=1000), required=True),
    Field("threshold_3", "Минимальный балл на «3»", Number(min_value=0, max_value=1000), required=True),
    Field("threshold_4", "Минимальный балл на «4»", Number(min_value=0, max_value=1000), required=True),
    Field("threshold_5", "Минимальный балл на «5»", Number(min_value=0, max_value=1000), required=True),
    Field("campaign_id", "Кампания", Ref("campaigns")),
), label_field="title")

MUNICIPAL_TASKS = Sheet("municipal_tasks", "Задания муниципальных работ", (
    _id(),
    Field("work_id", "Работа", Ref("municipal_works"), required=True),
    Field("number", "Номер задания", Integer(min_value=1, max_value=200), required=True),
    Field("max_score", "Максимальный балл", Number(min_value=0, max_value=100), required=True),
    Field("element", "Проверяемый элемент содержания / умение", Text(max_length=500), required=True),
    Field("level", "Уровень сложности", Choice(C.TASK_LEVELS), required=True),
))

MUNICIPAL_OLYMPIADS = Sheet("municipal_olympiads", "Олимпиады — муниципальный этап", (
    _id(),
    Field("school_id", "Школа", Ref("schools"), required=True),
    Field("participant_code", "Код участника", Text(max_length=64), required=True,
          help="Шифр участника из протокола; имя обучающегося в лабораторию не передаётся"),
    Field("parallel", "Класс", Integer(min_value=4, max_value=11), required=True),
    Field("subject", "Предмет", Text(max_length=200), required=True),
    Field("status", "Статус", Choice(C.OLYMPIAD_STATUSES), required=True),
    Field("score", "Балл", Number(min_value=0, max_value=1000), required=True),
    Field("max_score", "Максимальный балл", Number(min_value=1, max_value=1000)),
    Field("date", "Дата", Date()),
))

SERVICES = Sheet("services", "Услуги ОУ", (
    _id(),
    Field("school_id", "Школа", Ref("schools"), required=True),
    Field("kind", "Вид услуги", Choice(SERVICE_KINDS), required=True),
    Field("title", "Название", Text(max_length=300), required=True),
    Field("audience", "Для кого", Text(max_length=200)),
    Field("participants", "Участников", Integer(min_value=0, max_value=100_000)),
    Field("hours", "Часов в год", Number(min_value=0, max_value=5000)),
    Field("link", "Ссылка", Link()),
), label_field="title")

TOWN_PRACTICES = Sheet("town_practices", "ППО города", (
    _id(),
    Field("school_id", "Школа", Ref("schools"), required=True),
    Field("author", "Автор (педагог)", Text(max_length=300), required=True),
    Field("topic", "Тема опыта", Text(max_length=300), required=True),
    Field("level", "Уровень распространения", Choice(C.LEVELS), required=True),
    Field("date", "Дата", Date()),
    Field("description", "Описание", LongText()),
), label_field="topic")

# The municipality's management cycle (Рособрнадзор, письмо от 20.04.2021 № 08-70): per direction and year, goals,
# an indicator the lab reads from the warehouse, monitoring, analysis, targeted recommendations, measures, the check
# of their effect and the documents. The indicators are computed by reports.district.cycle (one function each).
CYCLE_DIRECTIONS = ("оценка качества подготовки обучающихся и её объективность", "работа со школами с низкими "
                    "результатами", "выявление и поддержка одарённых детей, олимпиады", "профориентация",
                    "профессиональное развитие педагогов", "эффективность руководителей школ")
CYCLE_INDICATORS = ("качество знаний по ВПР в городе, %", "успеваемость по ВПР в городе, %",
                    "доля школ с сигналами необъективности ВПР, %", "доля отметок «2» на ВПР в городе, %",
                    "школ с качеством ВПР ниже города на 10 п.п. и более",
                    "призёров и победителей олимпиад на 100 обучающихся",
                    "доля обучающихся 10–11 классов в профильных классах, %",
                    "доля педагогов с курсами за последние три года, %",
                    "доля педагогов с высшей и первой категорией, %",
                    "доля школ с ростом качества ВПР к прошлому году, %")

MANAGEMENT_CYCLE = Sheet("management_cycle", "Управленческий цикл", (
    _id(),
    Field("direction", "Направление", Choice(CYCLE_DIRECTIONS), required=True),
    Field("academic_year", "Учебный год", Text(max_length=9), required=True, help="Например 2025/2026"),
    Field("goal", "Цели и задачи", LongText(), required=True),
    Field("indicator", "Показатель (из хранилища)", Choice(CYCLE_INDICATORS), required=True,
          help="Значение читается из хранилища лаборатории за этот и прошлый учебный год"),
    Field("target", "Целевое значение показателя", Number(min_value=0, max_value=100_000)),
    Field("monitoring", "Мониторинг: что, когда и как собирается", LongText()),
    Field("analysis", "Анализ результатов", LongText()),
    Field("recommendations", "Адресные рекомендации", LongText()),
    Field("measures", "Меры и мероприятия", LongText()),
    Field("effect", "Проверка эффекта мер", LongText()),
    Field("documents", "Документы (приказы, справки, ссылки)", LongText()),
    Field("responsible", "Ответственный", Text(max_length=300)),
    Field("deadline", "Срок", Date()),
), label_field="goal")

# The methodologist's decisions on the staff database's proposed matches (a person in two schools, a namesake with
# another birth year): the lab's own sheet, so they outlive every re-ingest of the schools' bundles. `match_key` is
# reports.district.staff_db's key of the proposal (a hash of its schools, names and birth years).
MATCH_DECISIONS = ("один человек", "разные люди")
STAFF_MATCHES = Sheet("staff_matches", "Сверка кадров", (
    _id(),
    Field("match_key", "Код совпадения", Text(max_length=64), required=True, unique=True,
          help="Заполняется приложением на странице «Кадры»"),
    Field("decision", "Решение", Choice(MATCH_DECISIONS), required=True),
    Field("names", "ФИО (для чтения)", Text(max_length=500)),
    Field("decided_on", "Дата решения", Date()),
), label_field="names")

LAB_SCHEMA = Registry([SCHOOLS, CAMPAIGNS, MUNICIPAL_WORKS, MUNICIPAL_TASKS, MUNICIPAL_OLYMPIADS, SERVICES,
                       TOWN_PRACTICES, MANAGEMENT_CYCLE, STAFF_MATCHES], version=LAB_SCHEMA_VERSION, rules=())
