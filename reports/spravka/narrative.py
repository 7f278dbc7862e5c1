"""The analytical справка of one monitoring work (or of one class on it) as data: indicators, comparisons, tables
and Russian conclusions and recommendations prepared from the numbers. Exporters (docx, xlsx) and pages only lay
it out; nothing here touches files or the UI.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

import pandas as pd

from reports.analytics.facts import select
from reports.analytics.indicators import DISTRIBUTION, LEVEL_BANDS, MarkSummary, marks_sentence, summarize
from reports.analytics.risk import risk_share_sentence, students_at_risk
from reports.analytics.rollup import children, class_rollup, parallel_label
from reports.analytics.roster import NOT_COUNTED_COLUMNS, work_participants
from reports.analytics.tasks import WeakRule, element_analysis, task_analysis, unpack_scores
from reports.labels import column_title, fmt_date, fmt_num
from reports.spravka.document import WEAK_MARK as WEAK_MARK  # re-exported: pages and exporters import it from here
from reports.spravka.document import Chart, Figures, Paragraph, Section, Spravka, TableBlock, table_or_text
from reports.spravka.document import cell_value as cell_value
from sheets_schema import choices as C
from sheets_schema.errors import UserFacingError

RATES = ("success_pct", "quality_pct", "sou_pct", "mean_mark")
COMPARISON_COLUMNS = ("label", "N", *RATES)
CLASS_COLUMNS = ("class", "enrolled", "N", "absent", *DISTRIBUTION, *RATES, "quality_pct_vs_parent",
                 "sou_level")
TASK_COLUMNS = ("number", "element", "task_level", "task_max", "mean_score", "pct_of_max", "full_pct",
                "partial_pct", "zero_pct", "weak")
ELEMENT_COLUMNS = ("element", "tasks", "pct_of_max", "weak")
RISK_COLUMNS = ("student", "class", "mark", "n_twos", "own_mean_pct", "reasons")
MARK_COLORS = ("#2e7d32", "#1565c0", "#f9a825", "#c62828", "#4e342e")
# a class this far below its parallel (п. п. of quality) gets its own recommendation
FAR_BELOW_PP = 10.0


def at_lowest_sou(s: MarkSummary) -> bool:
    """СОУ in the lowest band of the school's scale (the one a recommendation reacts to)."""
    return s.sou_level is not None and s.sou_level == LEVEL_BANDS.lowest_sou


def lowest_sou_words() -> str:
    """«критическом уровне», or «уровне «…»» when the school named its lowest band otherwise."""
    label = LEVEL_BANDS.lowest_sou
    return "критическом уровне" if label == "критический" else f"уровне «{label}»"


class WorkNotFound(UserFacingError):
    """The work id is not in the bank of works; the message is Russian and names the id."""

    def __init__(self, work_id: str) -> None:
        super().__init__(f"Работа «{work_id}» не найдена в банке мониторинговых работ")
        self.work_id = work_id


@dataclass(frozen=True)
class WorkReport:
    work_id: str
    title: str
    subject: str
    kind: str
    date: str
    parallel: Any
    class_id: str | None  # set for the справка of one class
    scope_label: str  # «9-е классы» or «9«А»»
    purpose: str
    summary: MarkSummary
    comparisons: pd.DataFrame  # COMPARISON_COLUMNS: this group, then the parallel / previous work / school
    classes: pd.DataFrame  # CLASS_COLUMNS, empty for a class справка
    tasks: pd.DataFrame  # TASK_COLUMNS
    elements: pd.DataFrame  # ELEMENT_COLUMNS, weakest first
    at_risk: pd.DataFrame  # RISK_COLUMNS
    conclusions: tuple[str, ...]
    recommendations: tuple[str, ...]
    risk_share: str = ""  # «В списке 3 из 25 обучающихся, писавших работы (12 %).»
    not_counted: pd.DataFrame | None = None  # NOT_COUNTED_COLUMNS: on the roster, without a counted result

    @property
    def heading(self) -> str:
        return f"Аналитическая справка по итогам работы «{self.title}»"

    def distribution(self) -> list[tuple[str, int]]:
        """(«5», count) … («1», count) for the distribution table and chart."""
        return [(column_title(c), int(getattr(self.summary, c))) for c in DISTRIBUTION]

    def _not_counted_table(self) -> tuple[TableBlock, ...]:
        if self.not_counted is None or not len(self.not_counted):
            return ()
        return (TableBlock(self.not_counted, NOT_COUNTED_COLUMNS, {"reason": "Не учтён, потому что"},
                           sheet="Не учтены"),)

    def weak_elements(self) -> list[str]:
        return [str(e) for e in self.elements.loc[self.elements["weak"].astype(bool), "element"]]

    def document(self) -> Spravka:
        """The справка in the document model every exporter renders."""
        s = self.summary
        no_scores = "Баллы по заданиям не внесены."
        sections = [
            Section("Участники", (Figures.of((k, getattr(s, k)) for k in ("enrolled", "N", "absent")),
                                  *self._not_counted_table())),
            Section("Распределение отметок", (distribution_chart(s),) if s.N else (Paragraph("Отметок нет."),)),
            Section("Показатели и сравнение", (TableBlock(self.comparisons, COMPARISON_COLUMNS,
                                                          {"label": column_title("group")}),)),
        ]
        if len(self.classes):
            sections.append(Section("Результаты по классам", (TableBlock(self.classes, CLASS_COLUMNS,
                                                                         sheet="Классы"),)))
        sections.append(Section("Анализ выполнения заданий", table_or_text(
            self.tasks, TASK_COLUMNS, no_scores, weak="weak", sheet="Задания")))
        elements = table_or_text(self.elements, ELEMENT_COLUMNS, no_scores, weak="weak", sheet="Элементы содержания")
        if len(self.elements):
            elements += (Paragraph(WEAK_NOTE, note=True),)
        sections.append(Section("Анализ по элементам содержания", elements))
        share = (Paragraph(self.risk_share),) if self.risk_share and len(self.at_risk) else ()
        sections.append(Section("Обучающиеся группы риска", share + table_or_text(
            self.at_risk, RISK_COLUMNS, "Обучающихся группы риска нет.", sheet="Группа риска")))
        meta = (("Предмет", self.subject), ("Вид работы", self.kind), ("Дата проведения", self.date or "—"),
                ("Участники", self.scope_label))
        return Spravka(self.heading, meta, self.purpose, tuple(sections), self.conclusions, self.recommendations)


WEAK_NOTE = "Слабые элементы (менее 50 % от максимального балла) выделены."


def distribution_chart(s: MarkSummary, unit: str = "students_count", title: str = "Распределение отметок") -> Chart:
    """Counts of «5» … «1» as a bar chart with its numbers (the distribution table of every справка); `unit` is
    what is counted: students on one work, marks («marks_count») over many."""
    return Chart("bar", title, tuple(column_title(c) for c in DISTRIBUTION),
                 {column_title(unit): [int(getattr(s, c)) for c in DISTRIBUTION]},
                 y_title=column_title(unit), x_title=column_title("mark"), colors=MARK_COLORS, data_table=True)


def value_or_none(row: Mapping[str, Any], key: str) -> Any:
    v = row.get(key)
    return None if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)) else v


def delta_words(delta: float, unit: str = "п. п.") -> str:
    """+4.1 -> «на 4,1 п. п. выше»; |delta| < 0.05 -> «на уровне»."""
    if delta is None or math.isnan(delta):
        return ""
    if abs(delta) < 0.05:
        return "на уровне"
    return f"на {fmt_num(abs(delta))} {unit} {'выше' if delta > 0 else 'ниже'}"


def plural(n: int, one: str, few: str, many: str) -> str:
    """The Russian form of a noun after the count n: 1 класс, 2 класса, 5 классов (11–14 take `many`)."""
    n = abs(int(n))
    if n % 10 == 1 and n % 100 != 11:
        return one
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return few
    return many


def students_word(n: int) -> str:
    """After a count: 1 обучающийся, 2 обучающихся, 5 обучающихся (a participle: genitive from two on)."""
    return plural(n, "обучающийся", "обучающихся", "обучающихся")


def pct_text(value: float) -> str:
    return f"{fmt_num(value)} %"


def indicator_sentence(scope: str, s: MarkSummary) -> str:
    """«Успеваемость (9«А») — 75 %, качество знаний — 50 %, СОУ — 54 % (уровень «…»), средний балл — 3,5.»"""
    return (f"Успеваемость ({scope}) — {pct_text(s.success_pct)}, качество знаний — {pct_text(s.quality_pct)}, "
            f"СОУ — {pct_text(s.sou_pct)} (уровень «{s.sou_level}»), средний балл — {fmt_num(s.mean_mark, 2)}.")


def comparison_row(label: str, s: MarkSummary) -> dict[str, Any]:
    return {"label": label, "N": s.N, **{c: getattr(s, c) for c in RATES}}


def _previous_work(facts: pd.DataFrame, work: Mapping[str, Any]) -> tuple[str, str] | None:
    """(work id, «title (date)») of the latest earlier work in the same subject and parallel, if any."""
    same = facts[(facts["subject_id"] == work["subject_id"]).fillna(False).to_numpy(dtype=bool)
                 & (facts["parallel"] == work["parallel"]).fillna(False).to_numpy(dtype=bool)
                 & (facts["date"] < pd.Timestamp(work["date"])).fillna(False).to_numpy(dtype=bool)]
    if same.empty or pd.isna(work["date"]):
        return None
    last = same.sort_values("date", kind="stable").iloc[-1]
    return str(last["work_id"]), f"{last['work']} ({fmt_date(last['date'])})"


def work_report(facts: pd.DataFrame, frames: Mapping[str, pd.DataFrame], work_id: str, *,
                class_id: str | None = None, weak: WeakRule = WeakRule()) -> WorkReport:
    """The справка of one work over `facts` (the year's facts a person may see); `class_id` narrows it to a class
    and compares the class with its parallel. Raises WorkNotFound for an unknown work id."""
    works = frames["works"]
    hit = works[works["id"].astype(str) == str(work_id)]
    if hit.empty:
        raise WorkNotFound(work_id)
    work = hit.iloc[0].to_dict()
    subjects = frames["subjects"]
    subject_row = subjects[subjects["id"] == work["subject_id"]]
    subject = str(subject_row["name"].iloc[0]) if len(subject_row) else str(work["subject_id"] or "")
    parallel = work["parallel"]
    all_of_work = select(facts, work_id=str(work_id))
    mine = all_of_work
    scope_label = parallel_label(parallel) if value_or_none(work, "parallel") else "все"
    if class_id is not None:
        mine = all_of_work[(all_of_work["class_id"] == class_id).fillna(False).to_numpy(dtype=bool)]
        names = mine["class"].dropna().astype(str)
        scope_label = names.iloc[0] if len(names) else str(class_id)
    # «По списку» is the roster of the classes on the work's date, not the rows entered (issue: a rejected row must
    # not shrink the class); roster students without a counted result are listed with the reason
    scope_classes = [class_id] if class_id is not None else sorted(set(mine["class_id"].dropna().astype(str)))
    on_roster, not_counted = work_participants(frames, str(work_id), work.get("date"), scope_classes, mine)
    summary = replace(summarize(mine), enrolled=max(len(on_roster), len(mine)))
    kind = str(work.get("kind") or "")

    # comparisons: this group, its parallel (for a class), the previous work, the school (same subject and kind)
    rows = [comparison_row(f"Данная работа: {scope_label}", summary)]
    parallel_summary = summarize(all_of_work) if class_id is not None else None
    if parallel_summary is not None:
        rows.append(comparison_row("Параллель", parallel_summary))
    previous = _previous_work(facts, work)
    previous_summary = None
    if previous is not None:
        prev = select(facts, work_id=previous[0])
        if class_id is not None:
            prev = prev[(prev["class_id"] == class_id).fillna(False).to_numpy(dtype=bool)]
        previous_summary = summarize(prev)
        rows.append(comparison_row(f"Предыдущая работа: {previous[1]}", previous_summary))
    school = facts[(facts["subject_id"] == work["subject_id"]).fillna(False).to_numpy(dtype=bool)
                   & (facts["kind"].astype(object) == kind).to_numpy(dtype=bool)]
    school_summary = summarize(school)
    rows.append(comparison_row(f"Школа: {subject}, работы вида «{kind}»", school_summary))
    comparisons = pd.DataFrame(rows, columns=list(COMPARISON_COLUMNS))

    # classes beside their parallel
    if class_id is None and not all_of_work.empty:
        cr = children(class_rollup(all_of_work), "class")
        listed = on_roster["class_id"].astype(str).value_counts()
        cr["enrolled"] = [max(int(listed.get(str(c), 0)), int(e)) for c, e in zip(cr["class_id"], cr["enrolled"],
                                                                                   strict=True)]
        classes = cr.rename(columns={"label": "class"})[list(CLASS_COLUMNS)]
    else:
        classes = pd.DataFrame(columns=list(CLASS_COLUMNS))

    cells = unpack_scores(mine, frames["tasks"])
    elements = element_analysis(mine, frames["tasks"], by=(), weak=weak, cells=cells)
    elements = elements[elements["work_id"].astype(str) == str(work_id)].reset_index(drop=True)
    tasks = task_analysis(mine, frames["tasks"], by=(), cells=cells)
    tasks = tasks[tasks["work_id"].astype(str) == str(work_id)].reset_index(drop=True)
    weak_set = set(elements.loc[elements["weak"], "element"].astype(str))
    tasks["weak"] = tasks["element"].astype(str).isin(weak_set).to_numpy()
    tasks = tasks[list(TASK_COLUMNS)]
    elements = elements[list(ELEMENT_COLUMNS)]

    at_risk = _at_risk(facts, mine)
    conclusions, recommendations = _narrative(summary, scope_label, parallel_summary, previous, previous_summary,
                                              school_summary, subject, kind, classes, elements, at_risk, mine)
    date = fmt_date(work.get("date")) if value_or_none(work, "date") is not None else ""
    purpose = (f"Цель: определить уровень достижения планируемых результатов по предмету «{subject}» "
               f"обучающимися ({scope_label}); вид работы — {kind}"
               + (f", период — {work['period']}" if value_or_none(work, "period") else "") + ".")
    if len(not_counted):
        conclusions.insert(1 if summary.N else 0, f"Не учтены {len(not_counted)} из {summary.enrolled} по списку: "
                           + "; ".join(f"{n} ({c}) — {r}" for n, c, r in not_counted.itertuples(index=False)) + ".")
    return WorkReport(str(work_id), str(work.get("title") or work_id), subject, kind, date, parallel, class_id,
                      scope_label, purpose, summary, comparisons, classes, tasks, elements, at_risk,
                      tuple(conclusions), tuple(recommendations), risk_share_sentence(at_risk, mine), not_counted)


def _at_risk(facts: pd.DataFrame, mine: pd.DataFrame) -> pd.DataFrame:
    """Students who wrote this work and are at risk over the year in this work's subject (a «5» in maths is not
    listed because of another subject), with their mark on this work."""
    wrote = mine[(mine["present"] == C.YES).fillna(False).to_numpy(dtype=bool)]
    ids = set(wrote["student_id"].dropna().astype(str))
    if not ids:
        return pd.DataFrame(columns=list(RISK_COLUMNS))
    subjects = set(mine["subject_id"].dropna().astype(str))
    theirs = facts[facts["student_id"].astype(str).isin(ids).to_numpy(dtype=bool)
                   & facts["subject_id"].astype(str).isin(subjects).to_numpy(dtype=bool)]
    risk = students_at_risk(theirs)
    if risk.empty:
        return pd.DataFrame(columns=list(RISK_COLUMNS))
    marks = wrote.drop_duplicates("student_id").set_index(wrote["student_id"].drop_duplicates().astype(str))["mark"]
    risk = risk.assign(mark=risk["student_id"].astype(str).map(marks).to_numpy())
    return risk[list(RISK_COLUMNS)].reset_index(drop=True)


def _narrative(s: MarkSummary, scope: str, parallel: MarkSummary | None, previous: tuple[str, str] | None,
               prev: MarkSummary | None, school: MarkSummary, subject: str, kind: str, classes: pd.DataFrame,
               elements: pd.DataFrame, at_risk: pd.DataFrame, mine: pd.DataFrame) -> tuple[list[str], list[str]]:
    out: list[str] = []
    rec: list[str] = []
    if s.N == 0 and s.enrolled and s.absent >= s.enrolled:
        out.append(f"Все обучающиеся по списку ({s.enrolled}) отсутствовали на работе ({scope}): показатели не "
                   "рассчитываются.")
        rec.append("Провести работу в резервный день или отметить причину, по которой она не проводилась.")
        return out, rec
    if s.N == 0:
        out.append(f"Отметки за работу ({scope}) ещё не выставлены: писавших с отметкой нет, показатели не "
                   "рассчитываются.")
        rec.append("Внести результаты и отметки в лист «Результаты» и сформировать справку повторно.")
        return out, rec
    absent_pct = s.absent / s.enrolled * 100 if s.enrolled else float("nan")
    out.append(f"По списку {s.enrolled} {students_word(s.enrolled)}, работу писали {s.N}, отсутствовали {s.absent}"
               f" ({pct_text(absent_pct)}).")
    out.append(indicator_sentence(scope, s))
    out.append(marks_sentence(s))
    if parallel is not None and parallel.N:
        words = delta_words(s.quality_pct - parallel.quality_pct)
        out.append(f"Качество знаний {scope} — {pct_text(s.quality_pct)}, {words} параллели "
                   f"({pct_text(parallel.quality_pct)}).")
    for rec_row in classes.to_dict("records"):
        delta = value_or_none(rec_row, "quality_pct_vs_parent")
        if delta is None or not rec_row["N"]:
            continue
        out.append(f"Качество знаний {rec_row['class']} — {pct_text(rec_row['quality_pct'])}, "
                   f"{delta_words(delta)} параллели.")
    if prev is not None and previous is not None and prev.N:
        d_q = s.quality_pct - prev.quality_pct
        d_s = s.success_pct - prev.success_pct
        out.append(f"По сравнению с предыдущей работой «{previous[1]}» качество знаний "
                   f"{change_words(d_q, 'о')}, успеваемость {change_words(d_s, 'а')}".rstrip(".") + ".")
    if school.N:
        out.append(f"Качество знаний {delta_words(s.quality_pct - school.quality_pct)} среднего по школе "
                   f"для работ вида «{kind}» по предмету «{subject}» ({pct_text(school.quality_pct)}).")
    weak = elements[elements["weak"].astype(bool)]
    if len(weak):
        listed = "; ".join(f"{e} ({pct_text(p)})" for e, p in zip(weak["element"], weak["pct_of_max"], strict=True))
        out.append(f"Слабо освоены элементы содержания: {listed}.")
        rec.append(f"Включить в уроки и домашние задания отработку тем: {'; '.join(map(str, weak['element']))}; "
                   "через 3–4 недели провести повторную диагностику по этим элементам.")
    elif len(elements):
        out.append("Все элементы содержания освоены не ниже 50 % от максимального балла.")
    twos = mine[(mine["mark"] == 2).fillna(False).to_numpy(dtype=bool)]
    if len(twos):
        names = ", ".join(sorted(twos["student"].dropna().astype(str)))
        out.append(f"Отметку «2» получили: {names} (всего {len(twos)}).")
        rec.append("Для обучающихся, получивших «2», составить индивидуальные планы ликвидации пробелов и "
                   "провести повторную работу.")
    if len(at_risk):
        out.append(f"В группе риска по итогам года {len(at_risk)} {students_word(len(at_risk))} из писавших работу.")
        rec.append("Классным руководителям обсудить результаты обучающихся группы риска с родителями; учителям "
                   "организовать индивидуальные консультации.")
    far = [str(r["class"]) for r in classes.to_dict("records")
           if value_or_none(r, "quality_pct_vs_parent") is not None and r["quality_pct_vs_parent"] <= -FAR_BELOW_PP]
    if far:
        rec.append(f"Учителям {', '.join(far)} проанализировать причины отставания от параллели по качеству знаний "
                   "и скорректировать рабочие программы.")
    if at_lowest_sou(s):
        rec.append(f"СОУ на {lowest_sou_words()}: рассмотреть результаты на заседании ШМО и взять класс (параллель) "
                   "на контроль администрации.")
    if not rec:
        rec.append("Результаты стабильные: продолжить работу по программе, поддерживать мотивацию обучающихся "
                   "с высокими результатами.")
    return out, rec


def change_words(delta: float, ending: str) -> str:
    """«выросло на 7,5 п. п.» / «снизилась на 3,2 п. п.»; `ending` agrees the verb: «о» (качество), «а»."""
    if delta is None or math.isnan(delta):
        return "не сравнивается"
    if abs(delta) < 0.05:
        return f"не изменил{ending}сь"
    verb = f"выросл{ending}" if delta > 0 else f"снизил{ending}сь"
    return f"{verb} на {fmt_num(abs(delta))} п. п."

