"""Students at risk: the table (capped in Word, whole in Excel) and the sentences."""

from __future__ import annotations

import pandas as pd

from reports.analytics.risk import students_at_risk
from reports.spravka.document import Paragraph, Section, TableBlock, table_or_text
from reports.spravka.narrative import (
    pct_text,
    students_word,
)
from reports.spravka.sections.base import RISK_COLUMNS, RISK_TOP, written_rows

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
