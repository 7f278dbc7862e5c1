"""Signs of unobjective marks: the part, the section and the sentences."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from reports.analytics.objectivity import SIGNAL_PREFIX, Signal, objectivity
from reports.spravka.document import Block, Paragraph, Section, TableBlock
from reports.spravka.narrative import (
    plural,
)
from reports.spravka.sections.base import OBJECTIVITY_COLUMNS, OBJECTIVITY_SHEET, count_words

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
