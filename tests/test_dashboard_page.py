"""The drill-down dashboard and the work page through NiceGUI's user fixture (issue #9)."""

from __future__ import annotations

import html
import re
from pathlib import Path
from urllib.parse import quote_plus

import pandas as pd
import pytest
from nicegui import ui
from nicegui.testing import User

from app.demo.school import DemoSchool
from app.pages.dashboard import url
from reports import (
    children,
    class_rollup,
    objectivity,
    results_facts,
    select,
    students_at_risk,
    subject_rollup,
    summarize,
)
from reports.analytics.rollup import parallel_label
from reports.labels import fmt_num, round_half_up
from sheets_schema import SCHEMA, validate_workbook
from sheets_schema.choices import WORK_KINDS
from sync.convert import find_office
from tests.conftest import sign_in
from tests.html_parts import card_shows, href, html_now, html_of, part, press, table_rows
from tests.waits import await_until

pytestmark = pytest.mark.ui_app("manual_drain")


@pytest.fixture(scope="module")
def tables(demo_school: DemoSchool) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    wb = validate_workbook(SCHEMA, demo_school.grids)
    facts = results_facts(wb)
    return facts, class_rollup(facts), subject_rollup(facts, wb)


async def test_drill_down_school_parallel_class_student(data_dir: Path, tables, user: User) -> None:
    facts, classes, _ = tables
    await sign_in(user, "zam")
    await user.open("/dashboard")
    await user.should_see(marker="dashboard-parallels")
    await user.should_see(marker="dashboard-chart")
    await drill(user, "dashboard-parallels", label=parallel_label(5))
    await user.should_see(marker="dashboard-classes")
    cls = children(classes, "class", parallel=5).iloc[0]
    await drill(user, "dashboard-classes", label=cls["label"])
    await user.should_see(marker="dashboard-students")
    student = children(classes, "student", class_id=cls["class_id"]).iloc[0]
    await drill(user, "dashboard-students", label=student["label"])
    await user.should_see(marker="student-works")
    await user.should_see(fmt_num(student["quality_pct"], 1))
    chart = user.find(marker="dashboard-chart").elements.pop()
    assert isinstance(chart, ui.echart)
    assert [d["value"] for d in chart.options["series"][0]["data"]] == [int(student[c]) for c in
                                                                        ("n5", "n4", "n3", "n2", "n1")]


async def test_drill_down_department_subject_teacher(data_dir: Path, tables, user: User) -> None:
    _, _, subjects = tables
    teacher = subjects[subjects["level"] == "teacher"].iloc[0]
    dep = subjects[(subjects["level"] == "department") & (subjects["department_id"] == teacher["department_id"])]
    subj = subjects[(subjects["level"] == "subject") & (subjects["subject_id"] == teacher["subject_id"])]
    await sign_in(user, "zam")
    await user.open("/dashboard")
    await user.open(str(href(html_of(user, "axis-subjects"), "link")))
    await user.should_see(marker="dashboard-departments")
    await drill(user, "dashboard-departments", label=dep.iloc[0]["label"])
    await user.should_see(marker="dashboard-subjects")
    await drill(user, "dashboard-subjects", label=subj.iloc[0]["label"])
    await user.should_see(marker="dashboard-teachers")
    await drill(user, "dashboard-teachers", label=teacher["label"])
    await user.should_see(marker="dashboard-teacher")
    await user.should_see(fmt_num(teacher["quality_pct"], 1))


async def test_work_page_shows_the_report_and_offers_downloads(data_dir: Path, tables, user: User) -> None:
    facts, _, _ = tables
    wrote = facts[(facts["present"] == "да") & facts["mark"].notna()]
    work_id = str(wrote["work_id"].iloc[0])
    marks = wrote.loc[wrote["work_id"] == work_id, "mark"].astype(int)
    await sign_in(user, "zam")
    await user.open(f"/work/{work_id}")
    await user.should_see(content=f"{fmt_num((marks >= 4).mean() * 100, 1)} %", marker="work-quality_pct")
    await user.should_see(content=f"{fmt_num((marks >= 3).mean() * 100, 1)} %", marker="work-success_pct")
    await user.should_see(marker="work-tasks")
    await user.should_see(marker="work-elements")
    await user.should_see(marker="work-conclusions")
    await user.should_see(content="оптимальный — от 80 %, допустимый — от 60 %, критический — ниже 60 %",
                          marker="work-scale")  # the conclusions' level words come with their scale
    press(user, "download-xlsx")
    response = await user.download.next()
    assert response.content[:2] == b"PK"
    press(user, "download-pdf")
    if find_office() is None:  # a Russian notification, no crash
        await user.should_see("LibreOffice не установлен")
    else:
        assert (await user.download.next(timeout=60)).content.startswith(b"%PDF")  # LibreOffice takes seconds


async def test_unknown_work_is_a_russian_message(data_dir: Path, user: User) -> None:
    await sign_in(user, "zam")
    await user.open("/work/w-999")
    await user.should_see(marker="work-not-found")


async def test_the_administrator_may_not_open_the_dashboard(data_dir: Path, user: User) -> None:
    await sign_in(user, "admin")
    await user.open("/dashboard")
    await user.should_see(marker="forbidden")


async def test_a_teacher_sees_no_results_of_other_teachers_works(data_dir: Path, demo_school: DemoSchool, tables,
                                                                  user: User) -> None:
    from sync.users import UserStore

    facts, _, _ = tables
    teacher_id = UserStore(data_dir / "users.sqlite3").get("uchitel").teacher_id
    load = validate_workbook(SCHEMA, demo_school.grids)["teaching_load"]
    mine = set(zip(load.loc[load["teacher_id"] == teacher_id, "class_id"],
                   load.loc[load["teacher_id"] == teacher_id, "subject_id"], strict=True))
    pairs = pd.Series(list(zip(facts["class_id"].astype(str), facts["subject_id"].astype(str), strict=True)))
    theirs = facts.loc[pairs.isin(mine).to_numpy(), "work_id"].astype(str)
    other = next(w for w in facts["work_id"].astype(str).unique() if w not in set(theirs))
    await sign_in(user, "uchitel")
    await user.open(f"/work/{other}")
    await user.should_see(marker="work-no-access")
    await user.open(f"/work/{theirs.iloc[0]}")
    await user.should_see(marker="work-tasks")


# -- the deputy director's dashboard: cards, filters, charts and panels (issue: dashboard) -----------------------

QUARTERS = ("1 четверть", "2 четверть", "3 четверть", "4 четверть")


def wrote(facts: pd.DataFrame) -> pd.DataFrame:
    return facts[((facts["present"] == "да") & facts["mark"].notna()).to_numpy(dtype=bool)]


def in_parallel(facts: pd.DataFrame, parallel: int) -> pd.DataFrame:
    return facts[(facts["parallel"] == parallel).fillna(False).to_numpy(dtype=bool)]


def quality(facts: pd.DataFrame) -> float:
    """Quality by hand: the share of «4» and «5» among those who wrote."""
    marks = wrote(facts)["mark"].astype(int)
    return float((marks >= 4).mean() * 100)


def pct_text(value: float) -> str:
    return f"{fmt_num(value, 1)} %"


def element_of(user: User, marker: str) -> ui.element:
    found = user.find(marker=marker).elements
    assert len(found) == 1, (marker, len(found))
    return next(iter(found))


async def drill(user: User, table: str, label: str | None = None, key: str | None = None) -> None:
    """Open the level below through a row of a drill-down table (its name and every number link there)."""
    rows = [r for r in table_rows(html_of(user, table)) if (label is None or r["label"] == label)
            and (key is None or r["key"] == key)]
    assert len(rows) == 1, (table, label, key)
    links = rows[0]["links"]
    assert links["label"] and set(links.values()) == {links["label"]}  # the name and every number open it
    await user.open(links["label"])


def _filter(user: User, marker: str) -> list[tuple[str, str, bool]]:
    """(value, URL, selected) of each choice of the filter `marker` (filter-<key>) of the filter bar."""
    content = html_of(user, "dashboard-filters")
    key = marker.removeprefix("filter-")
    found = re.search(rf'<select data-filter="{key}"[^>]*>(.*?)</select>', content)
    assert found, marker
    return [(html.unescape(v), html.unescape(u), bool(sel)) for u, v, sel in re.findall(
        r'<option value="([^"]*)" data-value="([^"]*)"( selected)?>', found.group(1))]


def select_value(user: User, marker: str) -> str:
    (value,) = [v for v, _, selected in _filter(user, marker) if selected]
    return value


async def pick(user: User, marker: str, value: str) -> None:
    """Choose a filter value: the browser opens the URL of that choice."""
    (target,) = [u for v, u, _ in _filter(user, marker) if v == value]
    await user.open(target)


async def test_cards_show_the_year_and_the_last_period_against_the_previous(data_dir: Path, tables,
                                                                            user: User) -> None:
    facts, _, _ = tables
    year = summarize(facts)
    quarters = [q for q in QUARTERS if len(wrote(select(facts, period=q)))]
    last, prev = summarize(select(facts, period=quarters[-1])), summarize(select(facts, period=quarters[-2]))
    await sign_in(user, "zam")
    await user.open("/dashboard")
    await card_shows(user, "card-year-quality_pct", pct_text(year.quality_pct))
    await card_shows(user, "card-year-success_pct", pct_text(year.success_pct))
    await card_shows(user, "card-year-sou_pct", pct_text(year.sou_pct))
    await card_shows(user, "card-year-mean_mark", fmt_num(year.mean_mark, 2))
    await card_shows(user, "card-year-N", fmt_num(year.N, 0))
    assert year.N == len(wrote(facts)) and year.quality_pct == pytest.approx(quality(facts))
    assert part(html_of(user, "card-period-title"), "title") == quarters[-1]
    assert f"«{quarters[-2]}»" in str(part(html_of(user, "card-period-previous"), "previous"))
    await card_shows(user, "card-period-quality_pct", pct_text(last.quality_pct))
    delta = last.quality_pct - prev.quality_pct
    await card_shows(user, "card-period-quality_pct", pct_text(last.quality_pct),
                     ("+" if delta > 0 else "") + fmt_num(delta, 1) + " п. п.")
    await card_shows(user, "card-period-N", fmt_num(last.N, 0), ("+" if last.N > prev.N else "") + fmt_num(
        last.N - prev.N, 0))
    # the year's card opens the school's parallels, the period's the same view for its period
    assert href(html_of(user, "card-year-quality_pct")) == "/dashboard"
    assert href(html_of(user, "card-period-N")) == f"/dashboard?period={quote_plus(quarters[-1])}"


async def test_a_filter_changes_every_card_and_keeps_its_url(data_dir: Path, tables, user: User) -> None:
    facts, _, _ = tables
    vpr = select(facts, kind="ВПР")
    await sign_in(user, "zam")
    await user.open("/dashboard")
    await pick(user, "filter-kind", "ВПР")
    await card_shows(user, "card-year-quality_pct", pct_text(quality(vpr)))
    await card_shows(user, "card-year-N", fmt_num(len(wrote(vpr)), 0))
    assert user.back_history[-1] == f"/dashboard?kind={quote_plus('ВПР')}"
    await pick(user, "filter-parallel", "5")  # a parallel is a filter and the parallel's level at once
    both = in_parallel(vpr, 5)
    await card_shows(user, "card-year-quality_pct", pct_text(quality(both)))
    await user.should_see(marker="dashboard-classes")
    assert select_value(user, "filter-kind") == "ВПР"
    await user.open(f"/dashboard?period={quote_plus('2 четверть')}&subject=sub-01")
    q2 = select(facts, period="2 четверть", subject_id="sub-01")
    await card_shows(user, "card-period-quality_pct", pct_text(quality(q2)))
    await card_shows(user, "card-period-N", fmt_num(len(wrote(q2)), 0))
    assert (select_value(user, "filter-period"), select_value(user, "filter-subject")) == ("2 четверть", "sub-01")


async def test_drill_down_to_a_student_with_a_filter_kept(data_dir: Path, tables, user: User) -> None:
    facts, _, _ = tables
    final = select(facts, kind="итоговая")
    table = class_rollup(final)
    cls = children(table, "class", parallel=5).iloc[1]
    student = children(table, "student", class_id=cls["class_id"]).iloc[0]
    await sign_in(user, "zam")
    await user.open(f"/dashboard?kind={quote_plus('итоговая')}")
    await drill(user, "dashboard-parallels", label=parallel_label(5))
    await user.should_see(marker="dashboard-classes")
    await drill(user, "dashboard-classes", key=cls["class_id"])  # a number opens the level below, too
    await user.should_see(marker="dashboard-students")
    await user.should_see(fmt_num(cls["quality_pct"], 1))
    await drill(user, "dashboard-students", label=student["label"])
    await user.should_see(marker="student-works")
    await user.should_see(fmt_num(student["quality_pct"], 1))
    assert select_value(user, "filter-kind") == "итоговая"
    assert user.back_history[-1] == url({"kind": "итоговая", "parallel": 5, "class": cls["class_id"],
                                         "student": student["student_id"]})
    mine = final[(final["student_id"] == student["student_id"]).to_numpy(dtype=bool)]
    works = element_of(user, "student-works")  # the portfolio's results table
    assert isinstance(works, ui.table)
    assert [r["kind"] for r in works.rows] == ["итоговая"] * len(mine)
    assert all(r["kind"] in WORK_KINDS for r in works.rows)
    assert sorted(r["href_work"] for r in works.rows) == sorted(  # a work opens its справка for the student's class
        f"/work/{w}?class={cls['class_id']}" for w in mine["work_id"])


async def test_drill_down_to_a_teacher_with_a_filter_kept(data_dir: Path, demo_school: DemoSchool, tables,
                                                        user: User) -> None:
    facts, _, _ = tables
    wb = validate_workbook(SCHEMA, demo_school.grids)
    q4 = select(facts, period="4 четверть")
    table = subject_rollup(q4, wb)
    teacher = table[table["level"] == "teacher"].iloc[0]
    dep = children(table, "department", department_id=teacher["department_id"]).iloc[0]
    subj = children(table, "subject", department_id=teacher["department_id"], subject_id=teacher["subject_id"]).iloc[0]
    await sign_in(user, "zam")
    await user.open(f"/dashboard?period={quote_plus('4 четверть')}")
    await user.open(str(href(html_of(user, "axis-subjects"), "link")))
    await user.should_see(marker="dashboard-departments")
    await drill(user, "dashboard-departments", label=dep["label"])
    await user.should_see(marker="dashboard-subjects")
    await drill(user, "dashboard-subjects", key=subj["subject_id"])
    await user.should_see(marker="dashboard-teachers")
    assert select_value(user, "filter-subject") == subj["subject_id"]  # the subject's level is its filter too
    await drill(user, "dashboard-teachers", label=teacher["label"])
    await user.should_see(marker="dashboard-teacher")
    await user.should_see(fmt_num(teacher["quality_pct"], 1))
    await user.should_see(fmt_num(teacher["N"], 0))
    assert select_value(user, "filter-period") == "4 четверть"
    assert "period=4+" in user.back_history[-1] and f"teacher={teacher['teacher_id']}" in user.back_history[-1]


async def test_the_by_class_chart_shows_the_rollup_and_a_bar_opens_its_class(data_dir: Path, tables,
                                                                             user: User) -> None:
    facts, classes, _ = tables
    rows = children(classes, "class")
    rows = rows[rows["N"] > 0].reset_index(drop=True)
    await sign_in(user, "zam")
    await user.open("/dashboard")
    chart = element_of(user, "dashboard-by-class")
    assert isinstance(chart, ui.echart)
    assert chart.options["xAxis"]["data"] == [str(x) for x in rows["label"]]
    for series, column in zip(chart.options["series"], ("success_pct", "quality_pct", "sou_pct"), strict=True):
        assert series["data"] == [round_half_up(v, 1) for v in rows[column]], column
    i = 3
    user.find(marker="dashboard-by-class").trigger("componentClick", {
        "componentType": "series", "seriesType": "bar", "seriesIndex": 1, "seriesName": "Качество знаний",
        "name": str(rows["label"][i]), "dataIndex": i, "data": 0, "dataType": None, "value": 0})
    await user.should_see(marker="dashboard-students")
    assert user.back_history[-1] == url({"parallel": int(rows["parallel"][i]), "class": rows["class_id"][i]})
    # the dynamics line of a parallel: quality pooled over the works of each kind, by hand
    await user.open("/dashboard")
    dyn = element_of(user, "dashboard-dynamics")
    assert isinstance(dyn, ui.echart)
    five = in_parallel(facts, 5)
    line = next(s for s in dyn.options["series"] if s["name"] == parallel_label(5))
    assert dyn.options["xAxis"]["data"] == ["входная", "промежуточная (рубежная)", "итоговая"]
    assert line["data"] == [round_half_up(quality(select(five, kind=k)), 1) for k in dyn.options["xAxis"]["data"]]


async def test_the_objectivity_panel_lists_the_flagged_classes(data_dir: Path, demo_school: DemoSchool, tables,
                                                               user: User) -> None:
    facts, _, _ = tables
    wb = validate_workbook(SCHEMA, demo_school.grids)
    found = objectivity(facts, wb["period_marks"], wb["tasks"])
    flagged = {s.class_id for s in found.signals if s.scope == "class"}
    assert flagged
    await sign_in(user, "zam")
    await user.open("/dashboard")
    await user.should_see(marker="objectivity-panel")
    shown = html_of(user, "objectivity-flagged")
    links = dict(re.findall(r'data-class="([^"]*)" href="([^"]*)"', shown))
    assert set(links) == flagged
    by_class = {r["key"]: r for r in table_rows(html_of(user, "objectivity-classes"))}
    assert flagged <= set(by_class)  # a flagged class stands out in the table, and opens its drill-down there too
    assert all(("text-negative" in str(r["css"]["class"])) == (cid in flagged) for cid, r in by_class.items())
    assert {cid: by_class[cid]["links"]["class"] for cid in flagged} == {c: html.unescape(u) for c, u in links.items()}
    assert html_of(user, "objectivity-signals").count('data-part="signal"') == len(found.signals)
    cid = sorted(flagged)[0]
    await user.open(html.unescape(links[cid]))  # the flagged class's link opens its drill-down
    await user.should_see(marker="dashboard-students")
    assert f"class={cid}" in html.unescape(links[cid])


async def test_the_risk_panel_counts_the_students_at_risk_and_links_them(data_dir: Path, tables,
                                                                         user: User) -> None:
    facts, _, _ = tables
    risk = students_at_risk(facts)
    await sign_in(user, "zam")
    await user.open("/dashboard")
    await await_until(lambda: part(html_now(user, "risk-count"), "count") == str(len(risk)))
    rows = table_rows(html_of(user, "risk-top"))  # one table: a row per student, the name opening their page
    assert len(rows) == min(10, len(risk)) and {r["key"] for r in rows} <= set(risk["student_id"])
    most = risk.sort_values("n_twos", ascending=False, kind="stable").iloc[0]
    sid = most["student_id"]
    assert [r["links"] for r in rows if r["key"] == sid] == [{"student": f"/student/{sid}"}]
    reasons = risk.set_index("student_id")["reasons"]
    assert all(r["hints"] == {"student": reasons[r["key"]]} for r in rows)  # the reasons in the name's tooltip
    await user.open("/dashboard?kind=ВПР&parallel=5")  # the panel follows the filters
    five = select(facts, kind="ВПР")
    expected = str(len(students_at_risk(in_parallel(five, 5))))
    await await_until(lambda: part(html_now(user, "risk-count"), "count") == expected)


async def test_a_student_at_risk_without_a_class_shows_no_nan(data_dir: Path, tables, user: User,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """A student whose class is unknown has a missing categorical class: the panel leaves the cell empty."""
    from app.pages import dashboard_panels
    from reports.analytics.dashboard import top_at_risk

    facts, _, _ = tables
    first = top_at_risk(students_at_risk(facts), 10)["student_id"].iloc[0]

    def classless(f: pd.DataFrame) -> pd.DataFrame:
        risk = students_at_risk(f)
        return risk.assign(**{"class": pd.Categorical(risk["class"].astype(object).where(risk["student_id"] != first))})

    monkeypatch.setattr(dashboard_panels, "students_at_risk", classless)
    await sign_in(user, "zam")
    await user.open("/dashboard")
    rows = table_rows(html_of(user, "risk-top"))
    cells = [str(v) for r in rows for v in r.values()]
    assert "nan" not in cells and "None" not in cells
    assert [(bool(r["student"]), r["class"]) for r in rows if r["key"] == first] == [(True, "")]  # listed,
    # with an empty class cell


async def test_the_data_quality_panel_counts_the_issues(data_dir: Path, demo_school: DemoSchool, user: User) -> None:
    issues = validate_workbook(SCHEMA, demo_school.grids).issues
    errors = sum(i.severity == "ошибка" for i in issues)
    await sign_in(user, "zam")
    await user.open("/dashboard")
    await user.should_see(marker="quality-panel")
    shown = html_of(user, "quality-panel")
    assert (part(shown, "errors"), part(shown, "warnings")) == (f"Ошибок: {errors}",
                                                                f"Предупреждений: {len(issues) - errors}")
    assert 'href="/issues"' in shown
    await user.open("/logout")
    await sign_in(user, "uchitel")
    await user.open("/dashboard")
    await user.should_see(marker="dashboard-chart")
    await user.should_not_see(marker="quality-panel")  # no counts of a list the teacher cannot open
    await user.should_not_see(marker="quality-issues-link")


async def test_a_teacher_sees_only_their_classes_on_the_dashboard(data_dir: Path, demo_school: DemoSchool, tables,
                                                                  user: User) -> None:
    from sync.users import UserStore

    facts, _, _ = tables
    teacher_id = UserStore(data_dir / "users.sqlite3").get("uchitel").teacher_id
    load = validate_workbook(SCHEMA, demo_school.grids)["teaching_load"]
    mine = load[load["teacher_id"] == teacher_id]
    pairs = pd.Series(list(zip(facts["class_id"].astype(str), facts["subject_id"].astype(str), strict=True)))
    theirs = facts[pairs.isin(set(zip(mine["class_id"], mine["subject_id"], strict=True))).to_numpy()]
    labels = [str(c) for c in wrote(theirs)["class"].cat.remove_unused_categories().cat.categories]
    assert 0 < len(labels) < facts["class_id"].nunique()
    await sign_in(user, "uchitel")
    await user.open("/dashboard")
    await card_shows(user, "card-year-N", fmt_num(len(wrote(theirs)), 0))
    await card_shows(user, "card-year-quality_pct", pct_text(quality(theirs)))
    chart = element_of(user, "dashboard-by-class")
    assert chart.options["xAxis"]["data"] == labels
    other = next(p for p in range(1, 12) if p not in set(theirs["parallel"].dropna().astype(int)))
    await user.open(f"/dashboard?parallel={other}")
    await user.should_see(marker="no-results")


async def test_the_teachers_by_profile_chart_is_horizontal_cut_and_in_russian(data_dir: Path,
                                                                               demo_school: DemoSchool,
                                                                               user: User) -> None:
    from app.pages.chart_format import ru_number_js
    from app.pages.dashboard_panels import TOP_TEACHERS
    from reports.analytics.teachers import teacher_facts, teachers_by_profile

    wb = validate_workbook(SCHEMA, demo_school.grids)
    teachers = teachers_by_profile(teacher_facts(results_facts(wb), wb))["teacher_id"].nunique()
    await sign_in(user, "zam")
    await user.open("/dashboard")
    await user.should_see(marker="dashboard-teachers-profile")
    chart = user.find(marker="dashboard-teachers-profile").elements.pop()
    assert isinstance(chart, ui.echart)
    names = chart.options["yAxis"]["data"]
    assert chart.options["yAxis"]["type"] == "category" and chart.options["xAxis"]["type"] == "value"
    assert len(names) == min(teachers, TOP_TEACHERS) and len(set(names)) == len(names)
    assert chart.options["xAxis"]["axisLabel"] == {":formatter": ru_number_js("%")}
    if teachers > TOP_TEACHERS:
        await user.should_see(f"ещё {teachers - TOP_TEACHERS}", marker="dashboard-teachers-more")
    else:
        await user.should_not_see(marker="dashboard-teachers-more")


def test_the_filter_bar_escapes_names_from_the_sheets_and_links_each_choice() -> None:
    from app.pages.dashboard import View, filter_html
    from reports.analytics.dashboard import Filters

    hostile = '<img src=x onerror="alert(1)">'
    options = {"period": {}, "kind": {}, "subject": {"sub-01": hostile, 'a"b': "Химия"}, "parallel": {"5": "5-е"}}
    filters = Filters.from_query({"subject": "sub-01"})
    content = filter_html(View({"subject": "sub-01", "class": "c-1"}, "Школа"), options, filters)
    assert "<img" not in content and "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in content
    subject = re.search(r'<select data-filter="subject"[^>]*>(.*?)</select>', content).group(1)
    chosen = re.findall(r'<option value="([^"]*)" data-value="([^"]*)"( selected)?>', subject)
    assert [(html.unescape(v), bool(s)) for _, v, s in chosen] == [("", False), ("sub-01", True), ('a"b', False)]
    assert html.unescape(chosen[0][0]) == url({"class": "c-1"})  # «все предметы» drops the subject, keeps the rest
    parallel = re.search(r'<select data-filter="parallel"[^>]*>(.*?)</select>', content).group(1)
    five = re.search(r'<option value="([^"]*)" data-value="5"', parallel).group(1)
    assert html.unescape(five) == url({"subject": "sub-01", "parallel": "5"})  # a parallel drops the class level
