"""Students at risk: each rule on its own, and the reasons text."""

from __future__ import annotations

import functools
import math

import pandas as pd
import pytest

from reports.analytics.facts import results_facts
from reports.analytics.risk import RISK_COLUMNS, RiskRules, students_at_risk
from tests.factories import School

DATES = ["15.09.2025", "15.10.2025", "15.11.2025", "15.12.2025", "15.01.2026"]


@functools.cache  # built once per module; the tests only read it
def facts() -> pd.DataFrame:
    """Algebra works of max 10 (thresholds 4/6/8), % of max = total × 10.

    Антонов  80 80 80 40 40   marks 5 5 5 3 3  -> two results far below the level of his other results
    Борисов  30 20 60 60      marks 2 2 4 4    -> two «2» (listed first: the more severe reason)
    Волков   70 70 70 70      steady           -> nothing
    Громов   80 80 20         one «2», too few results for a usual level -> nothing
    Дёмин    «2», then absent                  -> nothing
    """
    s = School()
    sub, c = s.subject("Алгебра"), s.klass(7, "А")
    works = [s.work(sub, parallel=7, kind="промежуточная (рубежная)", date=d, title=f"Работа {i + 1}")
             for i, d in enumerate(DATES)]
    plan = {"Антонов": [8, 8, 8, 4, 4], "Борисов": [3, 2, 6, 6], "Волков": [7, 7, 7, 7], "Громов": [8, 8, 2],
            "Дёмин": [2, None]}
    for name, totals in plan.items():
        p = s.student(c, name)
        for w, total in zip(works, totals, strict=False):
            s.result(w, p, total=total, present="нет" if total is None else "да")
    for w in works[:2]:  # results of a student missing from the students sheet belong to nobody
        s.result(w, "unknown-student", total=1)
    return results_facts(s.frames())


def test_default_rules_flag_the_two_students_with_reasons() -> None:
    table = students_at_risk(facts())
    assert list(table.columns) == list(RISK_COLUMNS)
    assert table["student"].astype(str).tolist() == ["Борисов Иван", "Антонов Иван"]
    b, a = table.iloc[0], table.iloc[1]
    # Антонов, leave-one-out: each 40 against his other four 80 80 80 40: mean 70, sample sd
    # sqrt((3·10² + 30²)/3) = 20; z = −30/20 = −1.5 <= −1 and 30 >= 20 points below -> two low results, no «2».
    # The own mean shown is over all five: (3·80 + 2·40)/5 = 64
    assert (a["n_twos"], a["n_low"], a["own_mean_pct"]) == (0, 2, 64.0)
    assert a["class"] == "7«А»"
    assert "Результат намного ниже своего обычного уровня (64 % от максимума) в 2 работах" in a["reasons"]
    assert "Алгебра, «Работа 4» (15.12.2025) — 40 %; Алгебра, «Работа 5» (15.01.2026) — 40 %" in a["reasons"]
    # Theil–Sen over days 0, 30, 61, 91, 122: median of ten pairwise slopes = mean of the 5th and 6th,
    # (-40/92 - 40/122) / 2 per day -> × 30 = -11.44 per month
    slope = (-40 / 92 - 40 / 122) / 2 * 30
    assert a["slope_per_month"] == pytest.approx(slope)
    assert "Результаты снижаются: −11,4 п. п. в месяц" in a["reasons"]
    # Борисов: two «2». 20 against 30 60 60 (mean 50, sd sqrt(300) = 17.3): z −1.73, 30 below -> low;
    # 30 against 20 60 60 (mean 46.7, sd 23.1): z −0.72 -> not low; one low result, not two
    assert (b["n_twos"], b["n_low"]) == (2, 1)
    assert b["reasons"] == ("Отметка «2» или «1» в 2 работах: Алгебра, «Работа 1» (15.09.2025); "
                            "Алгебра, «Работа 2» (15.10.2025).")
    assert b["slope_per_month"] > 0  # rising, so no trend sentence


@pytest.mark.parametrize(("rules", "flagged"), [
    (RiskRules(min_twos=1), {"Антонов", "Борисов", "Громов", "Дёмин"}),  # a single «2» is enough
    (RiskRules(min_twos=3), {"Антонов"}),
    (RiskRules(min_results=5), {"Борисов"}),  # Антонов has only 4 other results: no usual level
    (RiskRules(min_drop_pp=30.0), {"Антонов", "Борисов"}),  # Антонов's lows are exactly 30 points below
    (RiskRules(min_drop_pp=30.5), {"Борисов"}),
    (RiskRules(z_below=1.5), {"Антонов", "Борисов"}),  # z = −1.5 is at −1.5
    (RiskRules(z_below=1.6), {"Борисов"}),
    (RiskRules(min_low=1, min_twos=99), {"Антонов", "Борисов"}),
    # trends: Антонов -11.4 per month; Громов 80, 80, 20 on days 0, 30, 61 -> median slope -60/61 -> -29.5
    (RiskRules(min_twos=99, min_low=99, falling_per_month=10.0), {"Антонов", "Громов"}),
    (RiskRules(min_twos=99, min_low=99, falling_per_month=12.0), {"Громов"}),
    (RiskRules(min_twos=99, min_low=99, falling_per_month=30.0), set()),
])
def test_rules_are_configurable(rules: RiskRules, flagged: set[str]) -> None:
    table = students_at_risk(facts(), rules)
    assert {name.split()[0] for name in table["student"].astype(str)} == flagged


def test_trend_only_reason() -> None:
    table = students_at_risk(facts(), RiskRules(min_twos=99, min_low=99, falling_per_month=10.0))
    # steeper fall first: Громов −29,5, then Антонов −11,4
    assert table["reasons"].tolist() == ["Результаты снижаются: −29,5 п. п. в месяц.",
                                         "Результаты снижаются: −11,4 п. п. в месяц."]


def test_nobody_at_risk_gives_an_empty_table_with_the_columns() -> None:
    table = students_at_risk(facts(), RiskRules(min_twos=99, min_low=99))
    assert table.empty and list(table.columns) == list(RISK_COLUMNS)


def test_steady_student_has_no_z_score_and_is_never_low() -> None:
    table = students_at_risk(facts(), RiskRules(min_twos=99, min_low=1, min_drop_pp=0.0, z_below=0.0))
    # with every threshold at zero, everyone below their own mean counts, but Волков never deviates
    names = {name.split()[0] for name in table["student"].astype(str)}
    assert "Волков" not in names and "Антонов" in names
    assert not math.isnan(table["own_mean_pct"].iloc[0])


def test_no_monthly_trend_from_results_a_few_days_apart() -> None:
    """Two «2» on works 3 days apart after a «5» the day before: flagged for the «2», but 80 → 20 → 20 over four
    days is no trend of «−450 п. п. в месяц»; the same results a month apart do give one."""
    def table(dates: list[str]) -> pd.Series:
        s = School()
        sub, c = s.subject("Алгебра"), s.klass(7, "А")
        p = s.student(c, "Ершов")
        for i, (d, total) in enumerate(zip(dates, [8, 2, 2], strict=True)):
            s.result(s.work(sub, parallel=7, date=d, title=f"Работа {i + 1}"), p, total=total)
        return students_at_risk(results_facts(s.frames())).iloc[0]

    close = table(["10.03.2026", "11.03.2026", "14.03.2026"])
    assert close["n_twos"] == 2 and math.isnan(close["slope_per_month"])
    assert "снижаются" not in close["reasons"]
    apart = table(["10.01.2026", "10.02.2026", "10.03.2026"])
    # Theil–Sen over days 0, 31, 59: slopes -60/31, -60/59, 0/28 -> median -60/59 per day -> × 30 a month
    assert apart["slope_per_month"] == pytest.approx(-60 / 59 * 30)
    assert "Результаты снижаются" in apart["reasons"]


def test_a_one_counts_like_a_two_and_is_named() -> None:
    s = School()
    sub, c = s.subject("Алгебра"), s.klass(7, "А")
    p = s.student(c, "Жуков")
    for i, d in enumerate(DATES[:2]):
        s.result(s.work(sub, parallel=7, date=d, title=f"Работа {i + 1}"), p, mark=1)
    row = students_at_risk(results_facts(s.frames())).iloc[0]
    assert row["n_twos"] == 2
    assert row["reasons"] == ("Отметка «2» или «1» в 2 работах: Алгебра, «Работа 1» (15.09.2025) — «1»; "
                              "Алгебра, «Работа 2» (15.10.2025) — «1».")


@pytest.mark.parametrize(("twos", "lows", "order"), [
    # (marks «2» of A, of B), (far-below results of A, of B) -> who is listed first
    ((2, 3), (0, 0), ["Б", "А"]),
    ((3, 2), (0, 2), ["А", "Б"]),  # more «2» outranks more results far below
])
def test_students_are_ranked_by_severity(twos: tuple[int, int], lows: tuple[int, int], order: list[str]) -> None:
    """Each student writes 4 works at 80 %, then the «2» (10 %, mark 2) and far-below (40 %, mark 3) results."""
    s = School()
    sub, c = s.subject("Алгебра"), s.klass(7, "А")
    plan = {}
    for name, n_two, n_low in zip(("А", "Б"), twos, lows, strict=True):
        plan[name] = [8] * 4 + [1] * n_two + [4] * n_low
    n = max(len(v) for v in plan.values())
    days = pd.date_range("2025-09-01", periods=n, freq="7D")
    works = [s.work(sub, parallel=7, date=d.strftime("%d.%m.%Y"), title=f"Работа {i + 1}") for i, d in
             enumerate(days)]
    for name, totals in plan.items():
        p = s.student(c, name)
        for w, total in zip(works, totals, strict=False):
            s.result(w, p, total=total)
    table = students_at_risk(results_facts(s.frames()))
    assert [str(x).split()[0] for x in table["student"]] == order


def test_the_share_of_students_the_list_holds() -> None:
    from reports.analytics.risk import risk_share_sentence

    f = facts()
    table = students_at_risk(f)
    # written by Антонов, Борисов, Волков, Громов, Дёмин (the unknown student belongs to nobody): 2 of 5 = 40 %
    assert risk_share_sentence(table, f) == "В списке 2 из 5 обучающихся, писавших работы (40 %)."


def test_a_work_spravka_lists_only_risk_in_its_own_subject() -> None:
    """Зайцев: «5» on the maths work, two «2» in social science -> not at risk on the maths work's справка;
    Ильин: two «2» in maths -> listed, with the share of students who wrote the work."""
    from reports.spravka.narrative import work_report

    s = School()
    maths, social = s.subject("Математика"), s.subject("Обществознание")
    c = s.klass(9, "А")
    z, i = s.student(c, "Зайцев"), s.student(c, "Ильин")
    m1 = s.work(maths, date="15.10.2025", title="Контрольная")
    exam = s.work(maths, date="15.11.2025", title="ОГЭ пробный", kind="ОГЭ (ГИА-9)")
    for d in ("10.10.2025", "10.11.2025"):
        s.result(s.work(social, date=d, title=f"Общество {d}"), z, total=1)
    s.result(m1, z, total=9)
    s.result(exam, z, total=9)
    s.result(m1, i, total=2)
    s.result(exam, i, total=3)
    frames = s.frames()
    report = work_report(results_facts(frames), frames, exam)
    assert [str(x) for x in report.at_risk["student"]] == ["Ильин Иван"]
    assert report.risk_share == "В списке 1 из 2 обучающихся, писавших работы (50 %)."
