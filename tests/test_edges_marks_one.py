"""Marks of «1» in every distribution a person reads: the counts shown add up to «Писали»."""

from __future__ import annotations

import pandas as pd
import pytest

from reports import results_facts
from reports.analytics.indicators import DISTRIBUTION, summarize
from reports.labels import column_title
from reports.spravka.narrative import work_report
from reports.spravka.school import class_spravka
from reports.spravka.sections import by_kind
from tests.factories import School


def one_class_with_a_one() -> tuple[dict[str, pd.DataFrame], str, str]:
    """9«А», one work (thresholds 4/6/8 of 10): marks entered by hand 5, 4, 3, 2, 1, 1 and one absent."""
    s = School()
    alg = s.subject("Алгебра", s.department("Математика"))
    cid = s.klass(9, "А")
    wid = s.work(alg, title="Входная", period="1 четверть")
    for i, mark in enumerate((5, 4, 3, 2, 1, 1)):
        s.result(wid, s.student(cid, f"Ученик{i}"), mark=mark)
    s.result(wid, s.student(cid, "Отсутствующий"), present="нет")
    return s.frames(), cid, wid


def test_the_summary_counts_every_mark() -> None:
    frames, _, _ = one_class_with_a_one()
    s = summarize(results_facts(frames))
    assert (s.N, s.n5, s.n4, s.n3, s.n2, s.n1) == (6, 1, 1, 1, 1, 2)
    assert sum(getattr(s, c) for c in DISTRIBUTION) == s.N
    # success 3/6, quality 2/6, СОУ (100 + 64 + 36 + 16 + 2·7)/6 = 230/6, mean (5+4+3+2+1+1)/6 = 16/6
    assert (s.success_pct, s.quality_pct, s.sou_pct, s.mean_mark) == pytest.approx((50.0, 200 / 6, 230 / 6, 16 / 6))


def test_the_work_spravka_shows_the_ones_in_its_table_chart_and_sentence() -> None:
    frames, _, wid = one_class_with_a_one()
    report = work_report(results_facts(frames), frames, wid)
    assert report.distribution() == [("«5»", 1), ("«4»", 1), ("«3»", 1), ("«2»", 1), ("«1»", 2)]
    assert "Отметки: «5» — 1, «4» — 1, «3» — 1, «2» — 1, «1» — 2." in report.conclusions
    chart = next(b for sec in report.document().sections for b in sec.blocks if getattr(b, "kind", "") == "bar")
    assert chart.categories[-1] == "«1»" and list(list(chart.series.values())[0]) == [1, 1, 1, 1, 2]
    assert column_title("n1") in [column_title(c) for c in ("class", "enrolled", "N", "absent", *DISTRIBUTION)]


def test_period_tables_and_sentences_carry_the_ones() -> None:
    frames, cid, _ = one_class_with_a_one()
    facts = results_facts(frames)
    kinds = by_kind(facts)
    assert int(kinds["n1"].iloc[0]) == 2 and int(kinds["written"].iloc[0]) == 6
    doc = class_spravka(facts, frames, cid, on=pd.Timestamp("2026-03-01"))
    text = " ".join(doc.conclusions)
    assert "«1» — 2" in text
