"""The weakest content elements: the table and the sentences."""

from __future__ import annotations

import numpy as np
import pandas as pd

from reports.analytics.tasks import element_analysis
from reports.spravka.document import Paragraph, Section, table_or_text
from reports.spravka.narrative import (
    WEAK_NOTE,
    pct_text,
    plural,
)
from reports.spravka.sections.base import WEAK_COLUMNS, WEAKEST_MAX, WEAKEST_MIN
from reports.spravka.sections.indicators import name_column

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
