"""Indicator tables (a level beside its parent, lagging rows) and the participants of a period."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from reports.analytics.groups import map_values
from reports.analytics.indicators import (
    MarkSummary,
    mark_summary,
    marks_sentence,
    summarize,
    with_levels,
)
from reports.labels import column_title, fmt_num, round_half_up
from reports.spravka.document import Block, Chart, Figures, Paragraph, Section, TableBlock, table_or_text
from reports.spravka.narrative import (
    FAR_BELOW_PP,
    at_lowest_sou,
    delta_words,
    distribution_chart,
    indicator_sentence,
    lowest_sou_words,
    pct_text,
    plural,
    students_word,
)
from reports.spravka.sections.base import (
    COMPARE_COLUMNS,
    LAGGING_NOTE,
    NO_MARKS,
    NO_MARKS_BY_LAW,
    NO_MARKS_YET,
    RATES,
    WRITTEN_TITLES,
    count_words,
    period_words,
    written_rows,
)

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
