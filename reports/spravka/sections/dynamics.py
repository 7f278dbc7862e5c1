"""Dynamics by kind of work: the table, the chart and the sentences."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from reports.analytics.dynamics import DYNAMICS_KINDS
from reports.labels import column_title, fmt_num, round_half_up
from reports.spravka.document import Block, Chart, Paragraph, Section, TableBlock
from reports.spravka.narrative import (
    FAR_BELOW_PP,
    change_words,
    pct_text,
)
from reports.spravka.sections.base import (
    KIND_COLUMNS,
    WRITTEN_TITLES,
    _of,
    quoted,
    written_rows,
)
from reports.spravka.sections.indicators import summaries

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
