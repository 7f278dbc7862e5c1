"""«Мой кабинет» (/my) through the user fixture: the teacher's own classes with quality computed here by hand, a
work of their load without results, weak tasks, the class teacher's class, and who may open whose dashboard."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pandas as pd
import pytest
from nicegui import ui
from nicegui.testing import User

from app.access import Role
from app.state import ctx
from reports import students_at_risk
from reports.labels import fmt_num
from sheets_schema import Workbook
from sync.users import UserStore
from sync.write.commands import WriteCommand
from tests.conftest import PASSWORD, sign_in, teacher_of
from tests.html_parts import press

pytestmark = pytest.mark.ui_app("manual_drain")  # the outbox worker is drained by hand


def class_name(workbook: Workbook, class_id: str) -> str:
    c = workbook["classes"]
    row = c[c["id"] == class_id].iloc[0]
    return f"{row['parallel']}«{row['letter']}»"


def quality(facts: pd.DataFrame, class_id: str, subject_id: str | None = None) -> str:
    """(n5 + n4) / N × 100 over the year's written, marked results, by hand; «—» when nobody wrote."""
    f = facts[(facts["class_id"] == class_id).to_numpy(dtype=bool)]
    if subject_id is not None:
        f = f[(f["subject_id"] == subject_id).to_numpy(dtype=bool)]
    marks = [int(m) for p, m in zip(f["present"], f["mark"], strict=True) if p == "да" and pd.notna(m)]
    return fmt_num(sum(m >= 4 for m in marks) / len(marks) * 100, 1) if marks else "—"


def rows_of(user: User, marker: str) -> list[dict]:
    return user.find(marker=marker).elements.pop().rows


def page_markers(user: User) -> set[str]:
    """Every marker on the open page that belongs to the dashboard (my-…): which blocks it shows."""
    return {m for el in user.client.layout.descendants() for m in el._markers if m.startswith("my-")}


def page_texts(user: User) -> list[str]:
    return [el.text for el in user.client.layout.descendants() if isinstance(el, ui.label)]


async def test_the_teacher_sees_exactly_their_classes_with_the_right_quality(data_dir: Path, workbook: Workbook,
                                                                            facts: pd.DataFrame, user: User) -> None:
    tid = teacher_of(data_dir, "uchitel")
    load = workbook["teaching_load"]
    mine = load[load["teacher_id"] == tid]
    subjects = workbook["subjects"].set_index("id")["name"]
    expected = {(class_name(workbook, c), subjects[s]): quality(facts, c, s)
                for c, s in zip(mine["class_id"], mine["subject_id"], strict=True)}
    await sign_in(user, "uchitel")
    await user.open("/my")
    rows = rows_of(user, "my-classes")
    assert {(r["class"], r["subject"]): r["quality_pct"] for r in rows} == expected
    assert len(rows) == len(expected)
    assert any(v != "—" for v in expected.values())
    for r in rows:  # the class opens the drill-down, «работы класса» the class's works below
        cid = r["href_class"].split("class=")[1]
        assert r["href_class"] == f"/dashboard?parallel={class_name(workbook, cid).split('«')[0]}&class={cid}"
        assert r["href_works_link"] == f"/my?teacher={tid}&works={cid}#my-works"

    classes = sorted(set(mine["class_id"]), key=lambda c: (int(class_name(workbook, c).split("«")[0]), c))
    chart = user.find(marker="my-quality-chart").elements.pop()
    assert isinstance(chart, ui.echart)
    assert chart.options["xAxis"]["data"] == [class_name(workbook, c) for c in classes]
    pairs = set(zip(mine["class_id"], mine["subject_id"], strict=True))
    in_load = facts[[(c, s) in pairs for c, s in zip(facts["class_id"], facts["subject_id"], strict=True)]]
    assert [fmt_num(v, 1) for v in chart.options["series"][0]["data"]] == [quality(in_load, c) for c in classes]

    # the works of each class link to the class справка; nothing from outside the load; one paged table
    every = rows_of(user, "my-works")
    table = user.find(marker="my-works").elements.pop()
    assert len(every) <= 15 or table.pagination == {"rowsPerPage": 15}
    assert {r["href_work"].split("?class=")[1] for r in every} == set(classes)
    await user.should_see(marker="my-portfolio")
    for c in classes[:2]:  # «работы класса» shows the works of that class only
        await user.open(f"/my?teacher={tid}&works={c}")
        works = rows_of(user, "my-works")
        ids = {r["href_work"].split("/work/")[1].split("?")[0] for r in works}
        theirs = in_load[(in_load["class_id"] == c).to_numpy(dtype=bool)]
        assert ids == set(theirs["work_id"].astype(str))
        assert all(r["href_work"].endswith(f"?class={c}") for r in works)
        await user.should_see(content=class_name(workbook, c), marker="my-works-class")
    await user.open("/my")

    risk = students_at_risk(in_load)  # the rules of reports.analytics.risk over the load's results only
    assert len(risk)
    assert [(r["student"], r["href_student"]) for r in rows_of(user, "my-risk")] == [
        (str(n), f"/student/{i}") for n, i in zip(risk["student"], risk["student_id"], strict=True)]


async def test_weak_tasks_are_the_tasks_below_half_of_the_maximum(data_dir: Path, workbook: Workbook,
                                                                 facts: pd.DataFrame, user: User) -> None:
    tid = teacher_of(data_dir, "uchitel")
    load = workbook["teaching_load"]
    pairs = set(zip(load.loc[load["teacher_id"] == tid, "class_id"], load.loc[load["teacher_id"] == tid,
                                                                                "subject_id"], strict=True))
    tasks = workbook["tasks"].sort_values(["work_id", "number"])
    maxima = {w: list(g["max_score"]) for w, g in tasks.groupby("work_id")}
    scored: dict[tuple[str, str, int], list[float]] = defaultdict(list)
    for rec in facts.to_dict("records"):
        if (rec["class_id"], rec["subject_id"]) not in pairs or rec["present"] != "да" or rec["scores"] is None:
            continue
        for i, s in enumerate(rec["scores"][:len(maxima.get(rec["work_id"], []))]):
            if s is not None:
                scored[(rec["class_id"], rec["work_id"], i + 1)].append(s)
    titles = workbook["works"].set_index("id")["title"]
    weak = {(class_name(workbook, c), titles[w], n, fmt_num(sum(v) / (len(v) * maxima[w][n - 1]) * 100, 1))
            for (c, w, n), v in scored.items() if maxima[w][n - 1] > 0 and sum(v) / (len(v) * maxima[w][n - 1]) < 0.5}
    await sign_in(user, "uchitel")
    await user.open("/my")
    rows = rows_of(user, "my-weak-tasks")
    assert weak and {(r["class"], r["work"], int(r["number"]), r["pct_of_max"]) for r in rows} == weak
    assert len(rows) == len(weak)
    await user.should_see(marker="my-weak-elements")


async def test_a_work_without_results_for_a_class_is_listed_with_a_link_to_the_grid(
        data_dir: Path, workbook: Workbook, user: User) -> None:
    tid = teacher_of(data_dir, "uchitel")
    load, classes = workbook["teaching_load"], workbook["classes"]
    row = load[load["teacher_id"] == tid].iloc[0]
    parallel = int(classes.loc[classes["id"] == row["class_id"], "parallel"].iloc[0])
    same_parallel = set(classes.loc[classes["parallel"] == parallel, "id"])
    mine = set(load.loc[(load["teacher_id"] == tid) & (load["subject_id"] == row["subject_id"]), "class_id"])
    await sign_in(user, "uchitel")
    await user.open("/my")
    await user.should_see(marker="my-missing-none")  # every work of the demo bank has results in these classes

    ctx().writer.submit([WriteCommand("append", "works", "w-new", {
        "id": "w-new", "title": "Диагностическая работа без результатов", "subject_id": row["subject_id"],
        "parallel": str(parallel), "kind": "диагностическая", "date": "20.02.2026", "max_score": "10",
        "threshold_3": "4", "threshold_4": "6", "threshold_5": "8"}, user="setup")])
    ctx().worker.drain()
    await user.open("/my")
    rows = [r for r in rows_of(user, "my-missing") if r["work"] == "Диагностическая работа без результатов"]
    expected = mine & same_parallel
    assert {r["class"] for r in rows} == {class_name(workbook, c) for c in expected}
    assert {r["href_enter"] for r in rows} == {f"/grid?work=w-new&class={c}" for c in expected}
    assert all(r["date"] == "20.02.2026" for r in rows)


async def test_the_class_teacher_also_sees_their_class_in_every_subject(data_dir: Path, workbook: Workbook,
                                                                       facts: pd.DataFrame, user: User) -> None:
    tid = teacher_of(data_dir, "klruk")
    classes, load = workbook["classes"], workbook["teaching_load"]
    own = classes.loc[classes["class_teacher_id"] == tid, "id"].iloc[0]
    subjects = workbook["subjects"].set_index("id")["name"]
    in_class = load[load["class_id"] == own]
    expected = {subjects[s]: quality(facts, own, s) for s in set(in_class["subject_id"])}
    await sign_in(user, "klruk")
    await user.open("/my")
    rows = rows_of(user, f"my-own-{own}")
    assert {r["subject"]: r["quality_pct"] for r in rows} == expected
    students = workbook["students"]
    await user.should_see(marker=f"my-own-students-{own}")
    first = students[students["class_id"] == own].sort_values(["last_name", "first_name"]).iloc[0]
    (row,) = rows_of(user, f"my-own-students-{own}")  # one row: the class, its students as links
    assert {"name": f"{first['last_name']} {first['first_name']}", "href": f"/student/{first['id']}"} in row[
        "students"]


async def test_the_deputy_opens_a_given_teachers_dashboard(data_dir: Path, workbook: Workbook, facts: pd.DataFrame,
                                                           user: User) -> None:
    load = workbook["teaching_load"]
    tid = "t-001"
    mine = load[load["teacher_id"] == tid]
    subjects = workbook["subjects"].set_index("id")["name"]
    expected = {(class_name(workbook, c), subjects[s]): quality(facts, c, s)
                for c, s in zip(mine["class_id"], mine["subject_id"], strict=True)}
    await sign_in(user, "zam")
    await user.open("/my")
    assert any(r["href_name"] == f"/my?teacher={tid}" for r in rows_of(user, "my-teachers"))
    await user.open(f"/my?teacher={tid}")
    assert {(r["class"], r["subject"]): r["quality_pct"] for r in rows_of(user, "my-classes")} == expected
    own = workbook["classes"].loc[workbook["classes"]["class_teacher_id"] == tid, "id"]
    for c in own:  # t-001 leads classes: the deputy sees those blocks too
        await user.should_see(marker=f"my-own-{c}")
    await user.open("/my?teacher=t-999")
    await user.should_see(marker="my-unknown")


async def test_a_teacher_may_not_open_another_teachers_dashboard(data_dir: Path, user: User) -> None:
    tid = teacher_of(data_dir, "uchitel")
    other = teacher_of(data_dir, "klruk")
    await sign_in(user, "uchitel")
    await user.open(f"/my?teacher={other}")
    await user.should_see(marker="my-forbidden")
    await user.should_see("Нет доступа")
    await user.should_not_see(marker="my-classes")
    await user.open(f"/my?teacher={tid}")  # their own, spelled out, is fine
    await user.should_see(marker="my-classes")


async def test_the_dashboard_is_in_the_navigation_of_staff_only(data_dir: Path, user: User) -> None:
    await sign_in(user, "shmo")
    await user.should_see("Мой кабинет")
    await user.open("/my")
    await user.should_see(marker="my-classes")
    await user.open("/logout")
    await sign_in(user, "admin")
    await user.should_not_see("Мой кабинет")
    await user.open("/my")
    await user.should_see(marker="forbidden")


async def test_a_teacher_without_results_or_load_sees_no_data_instead_of_an_error(
        data_dir: Path, workbook: Workbook, facts: pd.DataFrame, user: User) -> None:
    """/my used to answer 500 (weak tasks over no facts) for every teacher whose classes have no results."""
    load = workbook["teaching_load"]
    have = set(zip(facts["class_id"].astype(str), facts["subject_id"].astype(str), strict=True))
    pairs = {t: set(zip(g["class_id"], g["subject_id"], strict=True)) for t, g in load.groupby("teacher_id")}
    no_results = sorted(t for t, p in pairs.items() if not p & have)
    no_load = sorted(set(workbook["teachers"]["id"]) - set(pairs))
    assert no_results and no_load, "the demo has teachers of subjects without works and a teacher without load"
    await sign_in(user, "zam")
    await user.open(f"/my?teacher={no_results[0]}")
    await user.should_see("Нет данных: результаты работ по классам педагога ещё не введены.", marker="my-no-data")
    assert {(r["subject"], r["N"]) for r in rows_of(user, "my-classes")} == {
        (workbook["subjects"].set_index("id").loc[s, "name"], "0") for _, s in pairs[no_results[0]]}
    for empty in ("my-works-none", "my-weak-tasks-none", "my-weak-elements-none", "my-risk-none"):
        await user.should_see(marker=empty)
    await user.open(f"/my?teacher={no_load[0]}")
    await user.should_see("Нет данных: в учебной нагрузке нет классов и предметов этого педагога.",
                          marker="my-no-data")
    await user.should_not_see(marker="my-classes")

    # an account linked to a teacher id the «Педагоги» sheet does not have (deleted, mistyped)
    UserStore(data_dir / "users.sqlite3").add("prizrak", "Призрак", Role.TEACHER, PASSWORD, teacher_id="t-404")
    await user.open("/logout")
    await sign_in(user, "prizrak")
    await user.open("/my")
    await user.should_see("Нет данных: в учебной нагрузке нет классов и предметов вашей учётной записи.",
                          marker="my-no-data")


async def test_the_deputy_sees_the_blocks_the_teacher_sees_under_neutral_headings(
        data_dir: Path, workbook: Workbook, user: User) -> None:
    """uchitel has the role «учитель» but leads classes by the «Классы» sheet: both views show those classes."""
    tid = teacher_of(data_dir, "uchitel")
    classes = workbook["classes"]
    led = sorted(classes.loc[classes["class_teacher_id"] == tid, "id"])
    assert led, "the demo's teacher account leads classes"
    first = class_name(workbook, led[0])
    await sign_in(user, "uchitel")
    await user.open("/my")
    own = page_markers(user)
    assert {f"my-own-{c}" for c in led} <= own
    await user.should_see("Мои классы и предметы")
    await user.should_see("Работы, проведённые в моих классах")
    await user.should_see(f"Мой класс {first} (классное руководство): все предметы", marker=f"my-own-title-{led[0]}")

    await user.open("/logout")
    await sign_in(user, "zam")
    await user.open(f"/my?teacher={tid}")
    assert page_markers(user) == own
    texts = page_texts(user)
    assert "Классы и предметы педагога" in texts and "Работы, проведённые в классах педагога" in texts
    assert f"Классный руководитель: {first} — все предметы класса" in texts
    assert not [t for t in texts if "Мои " in t or "Мой класс" in t or "моих" in t or "вашим" in t], texts


def test_the_demo_accounts_carry_the_teachers_full_names(data_dir: Path, workbook: Workbook) -> None:
    users = UserStore(data_dir / "users.sqlite3")
    t = workbook["teachers"].set_index("id")
    for login in ("uchitel", "klruk", "shmo"):
        account = users.get(login)
        row = t.loc[account.teacher_id]
        assert account.name == " ".join(x for x in (row["last_name"], row["first_name"], row["middle_name"])
                                        if pd.notna(x) and x)



async def test_the_teacher_downloads_their_own_spravka_from_the_dashboard(data_dir: Path, facts: pd.DataFrame,
                                                                        workbook: Workbook, user: User) -> None:
    import io

    from docx import Document

    tid = teacher_of(data_dir, "uchitel")
    load = workbook["teaching_load"]
    mine_load = load[load["teacher_id"] == tid]
    pairs = set(zip(mine_load["class_id"], mine_load["subject_id"], strict=True))
    mine = facts[[(c, s) in pairs for c, s in zip(facts["class_id"], facts["subject_id"], strict=True)]]
    marks = [int(m) for p, m in zip(mine["present"], mine["mark"], strict=True) if p == "да" and pd.notna(m)]
    quality_pct = sum(m >= 4 for m in marks) / len(marks) * 100  # by hand over the teacher's load
    await sign_in(user, "uchitel")
    await user.open("/my")
    press(user, "teacher-download-docx")
    doc = Document(io.BytesIO((await user.download.next(timeout=60)).content))
    text = "\n".join([p.text for p in doc.paragraphs] + [c.text for t in doc.tables for r in t.rows for c in r.cells])
    assert f"{fmt_num(quality_pct)} %" in text or fmt_num(quality_pct) in text
