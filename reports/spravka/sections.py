"""The parts every period справка shares (class, parallel, teacher, school): period handling, indicator tables
beside a parent level, dynamics across входная → промежуточная → итоговая, the weakest content elements, students
at risk, objectivity signals — each as a table, a document section and the sentences of the conclusions.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from reports.analytics.dashboard import periods_with_results, previous_period
from reports.analytics.dynamics import DYNAMICS_KINDS
from reports.analytics.facts import select
from reports.analytics.groups import map_values
from reports.analytics.indicators import (
    DISTRIBUTION,
    RATE_COLUMNS,
    MarkSummary,
    mark_summary,
    marks_sentence,
    summarize,
    with_levels,
)
from reports.analytics.objectivity import SIGNAL_PREFIX, Signal, objectivity
from reports.analytics.periods import CALENDAR
from reports.analytics.risk import students_at_risk
from reports.analytics.tasks import element_analysis
from reports.labels import column_title, fmt_num, round_half_up
from reports.spravka.document import WORD_ROWS, Block, Chart, Figures, Paragraph, Section, TableBlock, table_or_text
from reports.spravka.narrative import (
    FAR_BELOW_PP,
    WEAK_NOTE,
    at_lowest_sou,
    change_words,
    delta_words,
    distribution_chart,
    indicator_sentence,
    lowest_sou_words,
    pct_text,
    plural,
    students_word,
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


# -- indicator tables ---------------------------------------------------------------------------------------------

def summaries(facts: pd.DataFrame, by: Sequence[str]) -> pd.DataFrame:
    """mark_summary per group with levels; over many works N counts written works (`written`), absences `missed`."""
    return with_levels(mark_summary(facts, by=list(by))).rename(columns={"N": "written", "absent": "missed"})


def name_column(table: pd.DataFrame, facts: pd.DataFrame, key: str, label: str) -> pd.Series:
    """The readable name of each key (class_id -> «9«А»») as the facts name it."""
    names = facts[[key, label]].dropna().drop_duplicates(key)
    return map_values(table[key], pd.Series(names[label].astype(object).to_numpy(),
                                            index=names[key].astype(object).to_numpy())).astype(object)


def beside(scope: pd.DataFrame, parent: pd.DataFrame, keys: Sequence[str], parent_keys: Sequence[str],
           column: str = "quality_pct_vs_parent") -> pd.DataFrame:
    """Indicators of `scope` per `keys`, with the quality of `parent` on the same `parent_keys` subtracted
    (п. п.): a class's subject against the parallel's, a teacher's class against the school."""
    mine = summaries(scope, keys)
    up = summaries(parent, parent_keys)
    left = mine[list(parent_keys)].astype(object)
    right = up[list(parent_keys)].astype(object).assign(_q=up["quality_pct"].to_numpy())
    joined = left.merge(right, on=list(parent_keys), how="left")
    return mine.assign(**{column: mine["quality_pct"].to_numpy() - joined["_q"].to_numpy(dtype=float)})


def lagging(table: pd.DataFrame, column: str = "quality_pct_vs_parent") -> pd.Series:
    return (table[column] <= -FAR_BELOW_PP).fillna(False)


def comparison(rows: Sequence[tuple[str, MarkSummary]]) -> pd.DataFrame:
    return pd.DataFrame([{"label": label, "written": s.N, **{c: getattr(s, c) for c in RATES}} for label, s in rows],
                        columns=list(COMPARE_COLUMNS))


def comparison_section(title: str, rows: Sequence[tuple[str, MarkSummary]]) -> Section:
    return Section(title, (TableBlock(comparison(rows), COMPARE_COLUMNS, {"label": column_title("group"),
                                                                          **WRITTEN_TITLES}),))


def indicator_table_section(title: str, table: pd.DataFrame, columns: Sequence[str], empty: str, against: str, *,
                            sheet: str | None = None, lag_column: str = "quality_pct_vs_parent",
                            chart: Chart | None = None) -> Section:
    """A table with the rows lagging `against` their parent highlighted (and a note saying so), optionally with a
    chart below."""
    blocks: tuple[Block, ...] = table_or_text(table, columns, empty, weak=lagging(table, lag_column).tolist(),
                                              titles=WRITTEN_TITLES, sheet=sheet)
    if len(table) and lagging(table, lag_column).any():
        blocks += (Paragraph(LAGGING_NOTE.format(against=against, pp=fmt_num(FAR_BELOW_PP)), note=True),)
    if chart is not None and len(table):
        blocks += (chart,)
    return Section(title, blocks)


# -- participants -------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Participants:
    enrolled: int  # students on the list of the scope (classes sheet), not results
    wrote: int  # distinct students with at least one written work
    works: int
    summary: MarkSummary  # over all results of the scope: N = written works, absent = missed works
    mean_pct: float = float("nan")  # mean % of the maximum over the written works (grade 1 has no marks)

    def figures(self, extra: Sequence[tuple[str, Any]] = ()) -> Figures:
        pct = (("mean_pct", self.mean_pct),) if self.unmarked else ()
        return Figures.of((*extra, ("class_size", self.enrolled), ("students_wrote", self.wrote),
                           ("works_count", self.works), ("written_marked", self.summary.N),
                           ("missed", self.summary.absent), *pct))

    def section(self, extra: Sequence[tuple[str, Any]] = ()) -> Section:
        chart = distribution_chart(self.summary, "marks_count") if self.summary.N else Paragraph(NO_MARKS_YET)
        return Section("Участники и распределение отметок", (self.figures(extra), chart))

    def sentences(self, where: str, whose: str, period: str | None) -> tuple[list[str], list[str]]:
        """«В 9«А» классе по списку 25 обучающихся; за 1 четверть проведено 12 работ …»; with no marks at all also
        says so (`whose`: «У 9«А» класса») and recommends entering them."""
        s = self.summary
        works = count_words(self.works, "работа", "работы", "работ")
        done = plural(self.works, "проведена", "проведено", "проведено")
        out = [f"{where} по списку {self.enrolled} {students_word(self.enrolled)}; {period_words(period)} {done} "
               f"{works}, написано работ с отметкой — {s.N}, пропущено — {s.absent}."]
        if self.unmarked:
            return [*out, f"{whose} {period_words(period)} нет работ с выставленными отметками: "
                          f"{NO_MARKS_BY_LAW}; средний % выполнения — {pct_text(self.mean_pct)}."], []
        if self.empty:
            return [*out, f"{whose} {period_words(period)} нет работ с выставленными отметками: показатели не "
                          "рассчитываются."], [NO_MARKS]
        return out, []

    @property
    def empty(self) -> bool:
        return self.summary.N == 0

    @property
    def unmarked(self) -> bool:
        """Works were written and scored but none got a mark (grade 1: no marks by law)."""
        return self.empty and not np.isnan(self.mean_pct)


def mean_pct(facts: pd.DataFrame) -> float:
    """Mean % of the maximum over the written works (NaN when none was scored)."""
    pct = pd.to_numeric(written_rows(facts)["pct"], errors="coerce").dropna()
    return float(pct.mean()) if len(pct) else float("nan")


def participants(facts: pd.DataFrame, enrolled: int) -> Participants:
    return Participants(enrolled, int(written_rows(facts)["student_id"].nunique()), int(facts["work_id"].nunique()),
                        summarize(facts), mean_pct(facts))


def indicator_sentences(scope: str, s: MarkSummary) -> list[str]:
    return [indicator_sentence(scope, s), marks_sentence(s)]


def against_sentence(scope: str, s: MarkSummary, parent: MarkSummary, parent_words: str) -> str:
    """«Качество знаний (9«А») — 50 %, на 5 п. п. ниже параллели (55 %).»"""
    return (f"Качество знаний ({scope}) — {pct_text(s.quality_pct)}, "
            f"{delta_words(round_half_up(s.quality_pct, 1) - round_half_up(parent.quality_pct, 1))} {parent_words} "
            f"({pct_text(parent.quality_pct)}).")


def extremes_sentence(table: pd.DataFrame, label: str, prefix: str = "", quote: bool = True) -> str | None:
    """«Наиболее высокое качество знаний — по предмету «Физика» (70 %), наиболее низкое — по предмету «Химия»
    (30 %).»; None with fewer than two rows that have marks."""
    rows = table[(table["written"] > 0).to_numpy()].dropna(subset=["quality_pct"])
    if len(rows) < 2:
        return None
    hi = rows.loc[rows["quality_pct"].astype(float).idxmax()]
    lo = rows.loc[rows["quality_pct"].astype(float).idxmin()]

    def name(r: pd.Series) -> str:
        return f"{prefix}«{r[label]}»" if quote else f"{prefix}{r[label]}"

    return (f"Наиболее высокое качество знаний — {name(hi)} ({pct_text(hi['quality_pct'])}), наиболее низкое — "
            f"{name(lo)} ({pct_text(lo['quality_pct'])}).")


def sou_recommendation(s: MarkSummary, whom: str) -> list[str]:
    if at_lowest_sou(s):
        return [f"СОУ на {lowest_sou_words()} ({pct_text(s.sou_pct)}): рассмотреть результаты на заседании ШМО и взять "
                f"{whom} на контроль администрации."]
    return []


# -- dynamics -----------------------------------------------------------------------------------------------------

def by_kind(facts: pd.DataFrame, kinds: Sequence[str] | None = None, group: str | None = None) -> pd.DataFrame:
    """Indicators per kind of work (in the order of the monitoring year), per group if given, with the change of
    quality from the group's previous kind (п. п.)."""
    f = facts if kinds is None else _of(facts, facts["kind"].astype(object).isin(list(kinds)).to_numpy())
    by = [group, "kind"] if group else ["kind"]
    if f.empty:
        return pd.DataFrame(columns=[*by, *KIND_COLUMNS[1:]])
    out = summaries(f, by)
    works = f.groupby(by, observed=True)["work_id"].nunique().rename("works_count").reset_index()
    out = out.merge(works, on=by, how="left")
    wrote = written_rows(f).assign(pct=lambda d: pd.to_numeric(d["pct"], errors="coerce"))
    pct = wrote.groupby(by, observed=True)["pct"].mean().rename("mean_pct").reset_index()
    out = out.merge(pct, on=by, how="left")
    out = out[((out["written"] > 0) | out["mean_pct"].notna()).to_numpy()].reset_index(drop=True)
    for column in ("quality_pct", "mean_pct"):
        values = out[column].astype(float)
        out[f"{column}_change"] = values.groupby(out[group].astype(object)).diff() if group else values.diff()
    return out


def marked(table: pd.DataFrame) -> bool:
    """Some row of the table has marks (else it is analysed by % of the maximum, as grade 1 is)."""
    return bool((table["written"] > 0).any()) if "written" in table else False


def dynamics_chart(table: pd.DataFrame, group_label: str | None = None, title: str = "Динамика показателей"
                   ) -> Chart | None:
    """A line over the kinds present (входная → промежуточная → итоговая): success, quality and СОУ of one group,
    or the quality of each group; None with fewer than two kinds (one point is not a dynamic)."""
    kinds = [k for k in DYNAMICS_KINDS if k in set(table["kind"].astype(object))]
    if len(kinds) < 2:
        return None

    def at(rows: pd.DataFrame, column: str) -> list[float | None]:
        values = dict(zip(rows["kind"].astype(object), rows[column].astype(float), strict=True))
        return [values.get(k) for k in kinds]

    main = "quality_pct" if marked(table) else "mean_pct"
    if group_label is None:
        columns = ("success_pct", "quality_pct", "sou_pct") if marked(table) else ("mean_pct",)
        series = {column_title(c): at(table, c) for c in columns}
    else:
        series = {str(name): at(rows, main) for name, rows in
                  table.groupby(table[group_label].astype(object), sort=False)}
        title = f"{title}: {column_title(main).lower()}"
    return Chart("line", title, tuple(kinds), series, y_title="%", x_title=column_title("kind"))


def dynamics_section(table: pd.DataFrame, columns: Sequence[str], group_label: str | None = None,
                     extra: Sequence[Block] = ()) -> Section:
    chart = dynamics_chart(table, group_label)
    if chart is None:
        return Section("Динамика результатов", (Paragraph(
            f"За период проведены работы менее чем двух видов из {quoted(DYNAMICS_KINDS)}: динамика не строится."),))
    if not marked(table):
        columns = (*(c for c in columns if c in ("class", "subject", "kind", "works_count")), "mean_pct",
                   "mean_pct_change")
    return Section("Динамика результатов", (TableBlock(table, tuple(columns), WRITTEN_TITLES), chart, *extra))


def dynamics_sentences(table: pd.DataFrame, scope: str) -> tuple[list[str], list[str]]:
    """From the first kind to the last of one group's by_kind table: how quality and success moved; a fall of
    10 п. п. or more gets a recommendation."""
    if not marked(table):
        rows = table.dropna(subset=["mean_pct"]) if "mean_pct" in table else table.iloc[:0]
        if len(rows) < 2:
            return [], []
        first, last = rows.iloc[0], rows.iloc[-1]
        d = round_half_up(float(last["mean_pct"]), 1) - round_half_up(float(first["mean_pct"]), 1)
        moved = "не изменился" if abs(d) < 0.05 else f"{'вырос' if d > 0 else 'снизился'} на {fmt_num(abs(d))} п. п."
        return [f"От работ вида «{first['kind']}» к работам вида «{last['kind']}» средний % выполнения ({scope}) "
                f"{moved} (с {pct_text(first['mean_pct'])} до {pct_text(last['mean_pct'])})."], []
    table = table[(table["written"] > 0).to_numpy()]
    if len(table) < 2:
        return [], []
    first, last = table.iloc[0], table.iloc[-1]
    d_q = round_half_up(float(last["quality_pct"]), 1) - round_half_up(float(first["quality_pct"]), 1)  # as read
    d_s = round_half_up(float(last["success_pct"]), 1) - round_half_up(float(first["success_pct"]), 1)
    out = [f"От работ вида «{first['kind']}» к работам вида «{last['kind']}» качество знаний ({scope}) "
           f"{change_words(d_q, 'о')} (с {pct_text(first['quality_pct'])} до {pct_text(last['quality_pct'])}), "
           f"успеваемость {change_words(d_s, 'а')}".rstrip(".") + "."]
    rec = []
    if d_q <= -FAR_BELOW_PP:
        rec.append(f"Качество знаний ({scope}) снизилось на {fmt_num(-d_q)} п. п. за период: выяснить причины на "
                   "заседании ШМО и спланировать коррекционную работу.")
    return out, rec


# -- weak content elements ----------------------------------------------------------------------------------------

def weakest_elements(facts: pd.DataFrame, tasks: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """(the table: every weak element of every work plus at least the 5 weakest, weakest first, at most 25 rows;
    how many elements are weak in all)."""
    empty = pd.DataFrame(columns=list(WEAK_COLUMNS))
    if facts.empty:
        return empty, 0
    el = element_analysis(facts, tasks, by=())
    el = el[el["pct_of_max"].notna()]
    if el.empty:
        return empty, 0
    works = facts[["work_id", "work", "subject"]].drop_duplicates("work_id")
    for c in ("work", "subject"):
        el[c] = name_column(el, works, "work_id", c)
    el = el.sort_values("pct_of_max", kind="stable").reset_index(drop=True)
    n_weak = int(el["weak"].sum())
    keep = el["weak"].to_numpy() | (np.arange(len(el)) < WEAKEST_MIN)
    return el[keep].head(WEAKEST_MAX).reset_index(drop=True)[list(WEAK_COLUMNS)], n_weak


def weak_section(table: pd.DataFrame, n_weak: int, sheet: str | None = "Слабые элементы") -> Section:
    blocks = table_or_text(table, WEAK_COLUMNS, "Баллы по заданиям за период не внесены: анализ по элементам "
                                                "содержания не проводится.", weak="weak", sheet=sheet)
    if len(table):
        shown = int(table["weak"].sum())
        note = WEAK_NOTE + (f" Показаны {shown} самых слабых из {n_weak}." if shown < n_weak else "")
        blocks += (Paragraph(note, note=True),)
    return Section("Слабо освоенные элементы содержания", blocks)


def weak_sentences(table: pd.DataFrame, n_weak: int, most: int = 5) -> tuple[list[str], list[str]]:
    if table.empty:
        return [], []
    if n_weak == 0:
        return ["Все элементы содержания освоены не ниже 50 % от максимального балла."], []
    weak = table[table["weak"].astype(bool)].drop_duplicates(["element", "subject"]).head(most)  # weakest first
    listed = "; ".join(f"{e} ({s}, {pct_text(p)})" for e, s, p in zip(weak["element"], weak["subject"],
                                                                       weak["pct_of_max"], strict=True))
    word = plural(n_weak, "элемент", "элемента", "элементов")
    verb = plural(n_weak, "освоен", "освоены", "освоены")  # «освоен 21 элемент», «освоены 2 элемента»
    out = [f"В работах периода слабо {verb} (менее 50 % от максимума) {n_weak} {word} содержания; наиболее "
           f"слабые: {listed}."]
    topics = "; ".join(dict.fromkeys(str(e) for e in weak["element"]))
    rec = [f"Включить в уроки и домашние задания отработку тем: {topics}; через 3–4 недели провести повторную "
           "диагностику по этим элементам."]
    return out, rec


# -- students at risk ---------------------------------------------------------------------------------------------

def risk_table(facts: pd.DataFrame) -> pd.DataFrame:
    """students_at_risk over the facts (RISK_COLUMNS shown; student_id and class_id kept for counting)."""
    keep = ["student_id", "class_id", *RISK_COLUMNS]
    if written_rows(facts).empty:
        return pd.DataFrame(columns=keep)
    return students_at_risk(facts)[keep].reset_index(drop=True)


def risk_section(table: pd.DataFrame, sheet: str | None = "Группа риска") -> Section:
    """The list of students at risk; past RISK_TOP students Word gets the RISK_TOP with the most «2» and low results
    and a sentence, the full list stays in Excel."""
    if len(table) <= RISK_TOP:
        return Section("Обучающиеся группы риска", table_or_text(table, RISK_COLUMNS,
                                                                 "Обучающихся группы риска нет.", sheet=sheet))
    top = table.sort_values(["n_twos", "n_low", "own_mean_pct"], ascending=[False, False, True], kind="stable")
    where = f"лист «{sheet}»" if sheet else "лист «Справка»"
    return Section("Обучающиеся группы риска", (
        Paragraph(f"Показаны {RISK_TOP} из {len(table)} обучающихся группы риска — с наибольшим числом «2» и низких "
                  f"результатов; полный список — в таблице Excel ({where})."),
        TableBlock(top.head(RISK_TOP).reset_index(drop=True), RISK_COLUMNS, excel=False),
        TableBlock(table.reset_index(drop=True), RISK_COLUMNS, sheet=sheet, word=False)))


def risk_sentences(n_risk: int, wrote: int, whom: str) -> tuple[list[str], list[str]]:
    if not n_risk:
        return ["Обучающихся группы риска нет."], []
    share = n_risk / wrote * 100 if wrote else float("nan")
    return ([f"В группе риска {n_risk} {students_word(n_risk)} ({pct_text(share)} писавших работы)."],
            [f"{whom} обсудить результаты обучающихся группы риска с родителями; учителям организовать "
             "индивидуальные консультации и повторные работы."])


# -- objectivity --------------------------------------------------------------------------------------------------

def objectivity_part(facts: pd.DataFrame, frames: Mapping[str, pd.DataFrame], scopes: Sequence[str] = ("class",)
                     ) -> tuple[pd.DataFrame, list[Signal]]:
    """ВПР marks against period marks of the given scopes («class», «school»), and the signals among them."""
    empty = pd.DataFrame(columns=list(OBJECTIVITY_COLUMNS))
    if not facts["kind"].astype(object).isin(["ВПР"]).any():
        return empty, []
    ob = objectivity(facts, frames["period_marks"], frames["tasks"])
    rows = ob.summary[ob.summary["scope"].isin(list(scopes)).to_numpy() & (ob.summary["compared"] > 0).to_numpy()]
    keep = [*OBJECTIVITY_COLUMNS, "work_id", "class_id"]
    return rows.reset_index(drop=True)[keep], [s for s in ob.signals if s.scope in scopes]


def objectivity_section(table: pd.DataFrame, signals: Sequence[Signal]) -> Section | None:
    """None when no ВПР mark could be compared with a period mark (nothing to say)."""
    if table.empty:
        return None
    signs: dict[tuple[str, str | None], list[str]] = {}
    for s in signals:
        signs.setdefault((str(s.work_id), None if s.class_id is None else str(s.class_id)), []).append(
            s.message.removeprefix(f"{SIGNAL_PREFIX}: "))  # the column is titled «Признаки» already
    rows = zip(table["work_id"].astype(object), table["class_id"].astype(object), strict=True)
    keys = [(str(w), None if pd.isna(c) else str(c)) for w, c in rows]
    weak = tuple(k in signs for k in keys)
    flagged = table[list(weak)].assign(signs=[" ".join(signs[k]) for k in keys if k in signs])
    n = len(table)
    compared = count_words(n, "сопоставление", "сопоставления", "сопоставлений")
    full = f"полная таблица — на листе Excel «{OBJECTIVITY_SHEET}»."
    if len(flagged):
        summary = (f"Отметки ВПР сопоставлены с отметками за период ({compared} по работам и классам); признаки "
                   f"необъективности — в {len(flagged)} из них (в таблице); {full}")
    else:
        summary = f"Признаков необъективности результатов ВПР не выявлено ({compared}); {full}"
    blocks: list[Block] = [Paragraph(summary)]
    if len(flagged):
        blocks.append(TableBlock(flagged.reset_index(drop=True), (*OBJECTIVITY_COLUMNS, "signs"),
                                 weak=(True,) * len(flagged)))
    blocks.append(TableBlock(table, OBJECTIVITY_COLUMNS, weak=weak, sheet=OBJECTIVITY_SHEET, word=False))
    return Section("Объективность результатов ВПР", tuple(blocks))


def objectivity_sentences(signals: Sequence[Signal]) -> tuple[list[str], list[str]]:
    if not signals:
        return [], []
    n = len(signals)
    return ([f"По результатам ВПР {plural(n, 'выявлен', 'выявлено', 'выявлено')} {n} "
             f"{plural(n, 'признак', 'признака', 'признаков')}, {plural(n, 'требующий', 'требующих', 'требующих')} "
             "проверки объективности оценивания (см. раздел «Объективность результатов ВПР»)."],
            ["Проверить объективность оценивания по работам с признаками: провести перепроверку работ комиссией "
             "и сопоставить отметки ВПР с текущими отметками."])


# -- what every period справка closes with ------------------------------------------------------------------------

@dataclass(frozen=True)
class Findings:
    """Weak content elements, students at risk and ВПР objectivity of one scope, as sections and sentences."""

    weak: pd.DataFrame
    n_weak: int
    risk: pd.DataFrame
    objectivity: pd.DataFrame
    signals: list[Signal]

    def sections(self, risk_before: Sequence[Block] = ()) -> list[Section]:
        """Weak elements, students at risk (after `risk_before`, e.g. counts by parallel), objectivity if any."""
        risk = risk_section(self.risk)
        out = [weak_section(self.weak, self.n_weak), Section(risk.title, (*risk_before, *risk.blocks))]
        objectivity_ = objectivity_section(self.objectivity, self.signals)
        return out + ([objectivity_] if objectivity_ is not None else [])

    def sentences(self, wrote: int, whom: str) -> tuple[list[str], list[str]]:
        """Conclusions and recommendations; `whom` is told to talk to the parents of students at risk."""
        out: list[str] = []
        rec: list[str] = []
        for part in (weak_sentences(self.weak, self.n_weak), risk_sentences(len(self.risk), wrote, whom),
                     objectivity_sentences(self.signals)):
            extend(out, rec, part)
        return out, rec


def findings(facts: pd.DataFrame, frames: Mapping[str, pd.DataFrame], scopes: Sequence[str] = ("class",)
             ) -> Findings:
    weak, n_weak = weakest_elements(facts, frames["tasks"])
    table, signals = objectivity_part(facts, frames, scopes)
    return Findings(weak, n_weak, risk_table(facts), table, signals)


# -- closing the conclusions ---------------------------------------------------------------------------------------

def extend(out: list[str], rec: list[str], parts: tuple[list[str], list[str]]) -> None:
    """Adds (conclusions, recommendations) of one part to the справка's lists."""
    out += parts[0]
    rec += parts[1]


def finish(recommendations: list[str]) -> tuple[str, ...]:
    """The recommendations, or the one for stable results when the numbers called for none."""
    return tuple(recommendations or [STABLE])
