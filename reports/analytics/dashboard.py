"""The deputy director's dashboard as pure functions of the fact frame: the filters of its URL, the headline cards
with the change against the previous period, indicators by class, quality across the kinds of work, objectivity
by class and the top of the risk list. The page only draws what these return.

Periods compare like with like: a quarter with the previous quarter that has results, a half-year with the
previous half-year. «The last period» is the last quarter with results, or the last half-year when a school (or a
filter, e.g. ЕГЭ) has only half-year works.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from reports.analytics.dynamics import DYNAMICS_KINDS, dynamics, kind_rank
from reports.analytics.facts import select
from reports.analytics.indicators import COUNT_COLUMNS, PRESENT, MarkSummary, rates, summarize
from reports.analytics.periods import CALENDAR, PeriodCalendar, in_period
from reports.analytics.rollup import children, class_rollup, parallel_label
from reports.labels import round_half_up
from sheets_schema.choices import PERIODS, WORK_KINDS
from sheets_schema.fields import ERROR, WARNING

Q1, Q2, Q3, Q4, H1, H2, YEAR = PERIODS
QUARTERS = (Q1, Q2, Q3, Q4)
HALVES = (H1, H2)
# The periods a filter offers, in the order of the year (a half-year after the quarter it ends with).
PERIOD_ORDER = (Q1, Q2, H1, Q3, Q4, H2)
WHOLE_YEAR = "Весь учебный год"
CARD_COLUMNS = ("success_pct", "quality_pct", "sou_pct", "mean_mark", "N")
BAR_COLUMNS = ("success_pct", "quality_pct", "sou_pct")
SHARE_COLUMNS = ("lowered_pct", "confirmed_pct", "raised_pct")


@dataclass(frozen=True)
class Filters:
    """What the dashboard's URL narrows the facts to; None keeps everything."""

    period: str | None = None
    kind: str | None = None
    subject_id: str | None = None
    parallel: int | None = None

    @classmethod
    def from_query(cls, query: Mapping[str, str]) -> Filters:
        """From query parameters period, kind, subject, parallel; an unknown value is ignored (shows everything)."""
        period = query.get("period") or None
        kind = query.get("kind") or None
        parallel = query.get("parallel") or ""
        return cls(period=period if period in PERIOD_ORDER else None,
                   kind=kind if kind in WORK_KINDS else None,
                   subject_id=query.get("subject") or None,
                   parallel=int(parallel) if parallel.isdigit() else None)

    def query(self) -> dict[str, str]:
        """The non-empty filters as query parameters (the inverse of from_query)."""
        pairs = {"period": self.period, "kind": self.kind, "subject": self.subject_id,
                 "parallel": None if self.parallel is None else str(self.parallel)}
        return {k: v for k, v in pairs.items() if v is not None}

    def without_period(self) -> Filters:
        return replace(self, period=None)

    def apply(self, facts: pd.DataFrame, calendar: PeriodCalendar = CALENDAR) -> pd.DataFrame:
        out = select(facts, period=self.period, kind=self.kind, subject_id=self.subject_id, calendar=calendar)
        if self.parallel is not None:
            out = out[(out["parallel"] == self.parallel).fillna(False).to_numpy(dtype=bool)]
        return out


def _written(facts: pd.DataFrame) -> pd.Series:
    return ((facts["present"] == PRESENT) & facts["mark"].notna()).fillna(False)


def periods_with_results(facts: pd.DataFrame, calendar: PeriodCalendar = CALENDAR) -> list[str]:
    """Periods (never «год»: that is the whole year) in which someone wrote a work, in the order of the year."""
    works = facts.loc[_written(facts).to_numpy(dtype=bool), ["period", "date"]].drop_duplicates()  # a few hundred
    return [p for p in PERIOD_ORDER if in_period(works["period"], works["date"], p, calendar).any()]


def _chain(period: str) -> tuple[str, ...]:
    return HALVES if period in HALVES else QUARTERS


def last_period(have: Sequence[str]) -> str | None:
    """Of the periods with results: the last quarter, or the last half-year when no quarter has results."""
    quarters = [p for p in QUARTERS if p in have]
    halves = [p for p in HALVES if p in have]
    return quarters[-1] if quarters else (halves[-1] if halves else None)


def previous_period(have: Sequence[str], period: str) -> str | None:
    """Of the periods with results: the latest one of the same kind (quarter or half-year) before `period`."""
    chain = _chain(period)
    if period not in chain:
        return None
    earlier = [p for p in chain[:chain.index(period)] if p in have]
    return earlier[-1] if earlier else None


@dataclass(frozen=True)
class Card:
    """A group of headline cards: the indicators of a period (or the whole year) and, where there is a previous
    period, how each changed (current − previous: percentage points for rates)."""

    title: str
    period: str | None
    summary: MarkSummary
    previous: str | None = None
    change: Mapping[str, float] = field(default_factory=dict)


def change(current: MarkSummary, previous: MarkSummary) -> dict[str, float]:
    """current − previous for every card indicator (NaN when either side is missing)."""
    return {c: float(getattr(current, c)) - float(getattr(previous, c)) for c in CARD_COLUMNS}


def period_card(facts: pd.DataFrame, period: str, have: Sequence[str], calendar: PeriodCalendar = CALENDAR
                ) -> Card:
    """`facts` are all periods' facts (the other filters applied), `have` their periods with results."""
    summary = summarize(select(facts, period=period, calendar=calendar))
    prev = previous_period(have, period)
    if prev is None:
        return Card(period, period, summary)
    return Card(period, period, summary, prev, change(summary, summarize(select(facts, period=prev,
                                                                                  calendar=calendar))))


def headline(facts: pd.DataFrame, period: str | None = None, calendar: PeriodCalendar = CALENDAR) -> list[Card]:
    """With no period: the whole year and the last period with results; with a period: that period alone.
    Either way against the previous period where there is one. `facts` must not be narrowed to a period."""
    have = periods_with_results(facts, calendar)
    if period is not None:
        return [period_card(facts, period, have, calendar)]
    cards = [Card(WHOLE_YEAR, None, summarize(facts))]
    last = last_period(have)
    if last is not None:
        cards.append(period_card(facts, last, have, calendar))
    return cards


def narrow(facts: pd.DataFrame, **equal: Any) -> pd.DataFrame:
    """Rows where every given column equals its value (None leaves a column alone): the facts of one node."""
    keep = np.ones(len(facts), dtype=bool)
    for column, value in equal.items():
        if value is not None:
            keep &= (facts[column] == value).fillna(False).to_numpy(dtype=bool)
    return facts[keep]


def by_class(facts: pd.DataFrame) -> pd.DataFrame:
    """One row per class where someone wrote (in display order) with its parallel and indicators, the numbers of
    reports.analytics.rollup: the by-class chart's bars."""
    rows = children(class_rollup(facts), "class")
    return rows[(rows["N"] > 0).to_numpy()].reset_index(drop=True)[["parallel", "class_id", "label", "N",
                                                                      *BAR_COLUMNS]]


_GROUP_LABELS = {"class_id": "class", "student_id": "student", "teacher_id": "teacher"}


def kind_dynamics(facts: pd.DataFrame, by: str = "parallel", kinds: Sequence[str] = DYNAMICS_KINDS) -> pd.DataFrame:
    """Indicators per group and kind of work, kinds in the order of the monitoring year: the works of one kind
    (several subjects) pool their marks; a group and kind where nobody wrote has no row. Built on
    analytics.dynamics, so a work counts exactly as it does there. Columns: key, label, kind, the mark counts, N and
    the rates."""
    steps = dynamics(facts, by=(by,), kinds=kinds)
    steps = steps[(steps["N"] > 0).to_numpy()] if len(steps) else steps  # a work nobody wrote is no point
    cols = ["key", "label", "kind", *COUNT_COLUMNS, "N", "success_pct", "quality_pct", "sou_pct", "mean_mark"]
    if steps.empty:
        return pd.DataFrame(columns=cols)
    steps = steps.assign(kind=steps["kind"].astype(object))
    if by == "parallel":
        steps["label"] = steps[by].map(parallel_label)
    else:
        steps["label"] = steps[_GROUP_LABELS.get(by, by)].astype(object)
    counts = steps.groupby([by, "kind"], sort=False, observed=True)[[*COUNT_COLUMNS, "N"]].sum().reset_index()
    names = steps.drop_duplicates(by).set_index(by)["label"]
    out = counts.assign(key=counts[by].astype(object), label=counts[by].map(names).astype(object))
    out = out.assign(**rates(out))
    out["_group"] = pd.Index(steps[by].drop_duplicates()).get_indexer(out[by])  # display order of `by`
    out["_kind"] = kind_rank(out["kind"])
    return out.sort_values(["_group", "_kind"], kind="stable").reset_index(drop=True)[cols]


def chart_series(frame: pd.DataFrame, row: str, column: str, value: str, columns: Sequence[Any] | None = None,
                 digits: int = 1) -> tuple[list[Any], dict[Any, list[float | None]]]:
    """(categories, {row value: values per category}) for an ECharts chart: categories are the distinct values of
    `column` (or the given ones), series keep the order of first appearance; a missing point or NaN is None."""
    cats = list(columns) if columns is not None else list(dict.fromkeys(frame[column].tolist()))
    series: dict[Any, list[float | None]] = {}
    for rec in frame.to_dict("records"):
        values = series.setdefault(rec[row], [None] * len(cats))
        if rec[column] in cats:
            values[cats.index(rec[column])] = rounded(rec[value], digits)
    return cats, series


def rounded(value: Any, digits: int = 1) -> float | None:
    """A number for a chart (every chart of the app: the dashboard's, the portfolios'): rounded, and None for a
    missing value of any kind — None, pd.NA, NaN of any float type, NaT (JSON has no NaN)."""
    if value is None or pd.isna(value):
        return None
    return round_half_up(value, digits)


def objectivity_by_class(summary: pd.DataFrame) -> pd.DataFrame:
    """reports.analytics.objectivity's per-(work, class) summary pooled per class over its ВПР works, classes in display
    order: how many were compared with the period mark and the shares who lowered, confirmed or raised it."""
    cols = ["class_id", "class", "works", "compared", "lowered", "confirmed", "raised", *SHARE_COLUMNS]
    rows = summary[(summary["scope"] == "class").to_numpy()] if len(summary) else summary
    if rows.empty:
        return pd.DataFrame(columns=cols)
    cid = rows["class_id"]
    rank = cid.cat.codes.to_numpy() if isinstance(cid.dtype, pd.CategoricalDtype) else pd.factorize(cid, sort=True)[0]
    rows = rows.assign(_rank=rank, class_id=cid.astype(object), **{"class": rows["class"].astype(object)})
    out = rows.groupby(["_rank", "class_id"], sort=True).agg(
        **{"class": ("class", "first"), "works": ("work_id", "nunique"), "compared": ("compared", "sum"),
           "lowered": ("lowered", "sum"), "confirmed": ("confirmed", "sum"), "raised": ("raised", "sum")}
    ).reset_index()
    compared = out["compared"].to_numpy(dtype=float)
    compared = np.where(compared > 0, compared, np.nan)
    for c in ("lowered", "confirmed", "raised"):
        out[f"{c}_pct"] = out[c].to_numpy(dtype=float) / compared * 100.0
    return out[cols]


def flagged_classes(signals: Iterable[Any]) -> list[str]:
    """Class ids of the class-level objectivity signals, each once, in the order of the signals."""
    return list(dict.fromkeys(str(s.class_id) for s in signals if s.scope == "class" and s.class_id is not None))


def top_at_risk(risk: pd.DataFrame, n: int = 10) -> pd.DataFrame:
    """The students at risk to look at first: most «2», then most results far below their level, then the lowest
    usual level."""
    if risk.empty:
        return risk
    order = risk.assign(_twos=-risk["n_twos"].astype(float), _low=-risk["n_low"].astype(float),
                        _mean=risk["own_mean_pct"].astype(float))
    order = order.sort_values(["_twos", "_low", "_mean"], kind="stable", na_position="last")
    return order.drop(columns=["_twos", "_low", "_mean"]).head(n).reset_index(drop=True)


def issue_counts(issues: Iterable[Any]) -> tuple[int, int]:
    """(errors, warnings) among the workbook's data-quality issues."""
    severities = [i.severity for i in issues]
    return severities.count(ERROR), severities.count(WARNING)
