"""The demo school: deterministic, shaped like a real school year, and dirty in exactly the planted cells."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter, defaultdict
from statistics import mean, median

import pytest

from app.demo.school import DemoSchool, PlantedCell, generate_demo
from sheets_schema import ERROR, SCHEMA, WARNING, col_letter, validate_workbook
from sheets_schema import choices as C
from sync.store import trim_row

ID_RE = re.compile(r"^[\w\-.]{1,64}$")
DATE_RE = re.compile(r"^\d{2}\.\d{2}\.\d{4}$")


@pytest.fixture(scope="module")
def school() -> DemoSchool:
    return generate_demo()  # 600 students, seed 42, 2025/2026


@pytest.fixture(scope="module")
def small() -> DemoSchool:
    return generate_demo(students=200, seed=7)


def rows(demo: DemoSchool, key: str) -> list[dict[str, str]]:
    """Non-blank rows of one sheet as {field key: cell}, plus '_row' (the 1-based sheet row)."""
    sheet = SCHEMA[key]
    out = []
    for r, cells in enumerate(demo.grids[sheet.title][1:], start=2):
        if cells:
            out.append({**dict(zip(sheet.keys, cells + [""] * (len(sheet.keys) - len(cells)), strict=True)),
                        "_row": str(r)})
    return out


def planted_rows(demo: DemoSchool, key: str) -> set[str]:
    return {str(p.row) for p in demo.planted if p.sheet_key == key}


def date(text: str) -> dt.date:
    return dt.datetime.strptime(text, "%d.%m.%Y").date()


def column_index(a1: str) -> int:
    letters = re.match(r"[A-Z]+", a1)
    assert letters
    n = 0
    for ch in letters.group():
        n = n * 26 + ord(ch) - 64
    return n - 1


def test_trim_row_drops_only_trailing_empty_cells() -> None:
    assert trim_row(["a", "", "b", "", ""]) == ["a", "", "b"]
    assert trim_row(["", ""]) == []
    assert trim_row([]) == []


def test_same_seed_gives_identical_workbook_and_another_seed_differs() -> None:
    a, b, c = generate_demo(150, 5), generate_demo(150, 5), generate_demo(150, 6)
    assert a.grids == b.grids and a.planted == b.planted
    assert a.grids != c.grids
    assert a.grids["Обучающиеся"][1] != c.grids["Обучающиеся"][1]


def test_every_sheet_of_the_schema_is_present_with_its_headers_in_order(school: DemoSchool) -> None:
    assert list(school.grids) == [s.title for s in SCHEMA]
    for sheet in SCHEMA:
        assert school.grids[sheet.title][0] == sheet.headers, sheet.key
        assert len(school.grids[sheet.title]) > 1, f"{sheet.key} has no rows"


def test_cells_are_strings_typed_as_people_type_them(school: DemoSchool) -> None:
    bad = {(p.sheet_key, p.row) for p in school.planted}
    for sheet in SCHEMA:
        for r, cells in enumerate(school.grids[sheet.title][1:], start=2):
            assert all(isinstance(c, str) for c in cells)
            assert cells == trim_row(cells), f"{sheet.key} row {r} is not trimmed"
            if (sheet.key, r) in bad:
                continue
            for f, cell in zip(sheet.fields, cells, strict=False):
                if not cell:
                    continue
                assert cell == cell.strip() and cell not in ("nan", "None", "NaT")
                if f.type.name == "date":
                    assert DATE_RE.match(cell), (sheet.key, r, cell)
                if f.type.name in ("number", "integer", "mark"):
                    assert re.fullmatch(r"\d+", cell), (sheet.key, r, f.key, cell)  # no "5.0", no "72,0"
                if f.choices:
                    assert cell in f.choices, (sheet.key, r, f.key, cell)
                if f.type.name == "scores":
                    assert re.fullmatch(r"\d( \d)*", cell), cell


def test_ids_are_short_readable_and_unique_except_the_planted_duplicate(school: DemoSchool) -> None:
    dup = [p for p in school.planted if p.header == "id"]
    for sheet in SCHEMA:
        ids = [r["id"] for r in rows(school, sheet.key)]
        assert all(ID_RE.match(i) and len(i) <= 12 for i in ids), sheet.key
        repeated = {i for i, n in Counter(ids).items() if n > 1}
        assert repeated == {p.value for p in dup if p.sheet_key == sheet.key}, sheet.key
    assert rows(school, "classes")[0]["id"] == "cls-0001" and rows(school, "students")[0]["id"] == "st-00001"
    assert rows(school, "results")[0]["id"] == "r-000001" and rows(school, "works")[0]["id"] == "w-001"


@pytest.mark.parametrize("students, seed", [(600, 42), (150, 3), (250, 11)])
def test_validation_reports_exactly_the_planted_cells(students: int, seed: int) -> None:
    demo = generate_demo(students, seed)
    issues = validate_workbook(SCHEMA, demo.grids).issues
    assert 6 <= len(demo.planted) <= 9
    assert {(i.sheet_key, i.row, i.cell, i.severity) for i in issues} == {
        (p.sheet_key, p.row, p.cell, p.severity) for p in demo.planted}
    assert len(issues) == len(demo.planted)
    assert {p.severity for p in demo.planted} == {ERROR, WARNING}


def test_planted_addresses_point_at_the_spoiled_cells(school: DemoSchool) -> None:
    kinds = set()
    for p in school.planted:
        assert isinstance(p, PlantedCell) and p.title == SCHEMA[p.sheet_key].title
        line = school.grids[p.title][p.row - 1]
        if p.cell == "":  # a blank row left in the middle of a sheet
            assert line == [] and 2 < p.row < len(school.grids[p.title])
            kinds.add("blank row")
            continue
        col = column_index(p.cell)
        assert p.cell == f"{col_letter(col)}{p.row}"
        assert school.grids[p.title][0][col] == p.header
        assert (line + [""] * (col + 1 - len(line)))[col] == p.value
        kinds.add((p.sheet_key, p.header))
    assert ("results", "Отметка") in kinds and ("courses", "Объём, часов") in kinds and "blank row" in kinds
    assert any(p.value == "6" for p in school.planted) and any("," in p.value for p in school.planted)


def test_school_shape_for_the_default_size(school: DemoSchool) -> None:
    classes = rows(school, "classes")
    per_parallel = Counter(int(c["parallel"]) for c in classes)
    assert sorted(per_parallel) == list(range(1, 12))
    assert all(2 <= n <= 4 for n in per_parallel.values()), per_parallel
    for c in classes:
        assert (c["profile"] != "универсальный") == (int(c["parallel"]) >= 10), c
    letters = Counter((c["parallel"], c["letter"]) for c in classes)
    assert max(letters.values()) == 1
    students = rows(school, "students")
    assert 540 <= len(students) <= 660
    teachers = {t["id"]: t for t in rows(school, "teachers")}
    assert len(teachers) >= 15 and all(c["class_teacher_id"] in teachers for c in classes)
    sizes = Counter(s["class_id"] for s in students)
    assert max(sizes.values()) <= 35


def test_a_big_school_keeps_classes_under_35_and_adds_letters() -> None:
    demo = generate_demo(students=2500, seed=1)
    sizes = Counter(s["class_id"] for s in rows(demo, "students"))
    assert len(rows(demo, "students")) == 2500
    assert max(sizes.values()) <= 35
    per_parallel = Counter(c["parallel"] for c in rows(demo, "classes"))
    assert max(per_parallel.values()) > 4  # more classes than letters А-Г
    assert any(c["letter"] == "Д" for c in rows(demo, "classes"))


def test_names_are_russian_and_agree_with_gender(small: DemoSchool) -> None:
    for s in rows(small, "students"):
        assert re.fullmatch(r"[А-ЯЁ][а-яё]+", s["last_name"]) and re.fullmatch(r"[А-ЯЁ][а-яё]+", s["first_name"])
        if s["gender"] == "м":
            assert s["middle_name"].endswith("ич"), s
            assert not s["last_name"].endswith(("ова", "ева", "ина", "ская")), s
        else:
            assert s["middle_name"].endswith("на"), s
            assert not s["last_name"].endswith(("ов", "ев", "ёв", "ин", "ский")), s


def test_students_ages_fit_their_grade(small: DemoSchool) -> None:
    parallel = {c["id"]: int(c["parallel"]) for c in rows(small, "classes")}
    for s in rows(small, "students"):
        if s["class_id"] in parallel:  # a first grader of 2025/2026 was born from 01.09.2018 to 31.08.2019
            g = parallel[s["class_id"]]
            assert dt.date(2019 - g, 9, 1) <= date(s["birth_date"]) <= dt.date(2020 - g, 8, 31), s


def test_results_only_for_students_of_the_work_parallel_one_per_pair(small: DemoSchool) -> None:
    parallel = {c["id"]: c["parallel"] for c in rows(small, "classes")}
    student_parallel = {s["id"]: parallel.get(s["class_id"]) for s in rows(small, "students")}
    work_parallel = {w["id"]: w["parallel"] for w in rows(small, "works")}
    results = rows(small, "results")
    pairs = Counter((r["work_id"], r["student_id"]) for r in results)
    assert max(pairs.values()) == 1
    for r in results:
        if student_parallel[r["student_id"]] is not None:  # the planted student with a missing class
            assert student_parallel[r["student_id"]] == work_parallel[r["work_id"]], r
    for w, p in work_parallel.items():
        expected = {s for s, sp in student_parallel.items() if sp == p}
        assert {r["student_id"] for r in results if r["work_id"] == w} >= expected


def test_absent_students_have_no_scores_and_are_a_small_share(school: DemoSchool) -> None:
    results = rows(school, "results")
    absent = [r for r in results if r["present"] == "нет"]
    assert 0.02 <= len(absent) / len(results) <= 0.10
    assert all(r["scores"] == r["total"] == r["mark"] == "" for r in absent)


def test_scores_stay_within_task_maxima_and_totals_and_marks_agree(school: DemoSchool) -> None:
    works = {w["id"]: w for w in rows(school, "works")}
    maxima: dict[str, list[int]] = defaultdict(list)
    for t in sorted(rows(school, "tasks"), key=lambda t: (t["work_id"], int(t["number"]))):
        maxima[t["work_id"]].append(int(t["max_score"]))
    skip = planted_rows(school, "results")
    checked = 0
    for r in rows(school, "results"):
        if r["present"] != "да" or r["_row"] in skip:
            continue
        scores = [int(x) for x in r["scores"].split()]
        w = works[r["work_id"]]
        assert len(scores) == len(maxima[w["id"]])
        assert all(0 <= s <= m for s, m in zip(scores, maxima[w["id"]], strict=True)), r
        total = sum(scores)
        assert r["total"] == str(total)
        t3, t4, t5 = int(w["threshold_3"]), int(w["threshold_4"]), int(w["threshold_5"])
        expected = 5 if total >= t5 else 4 if total >= t4 else 3 if total >= t3 else 2
        assert r["mark"] == ("" if w["parallel"] == "1" else str(expected)), r  # first graders get no marks
        checked += 1
    assert checked > 5000


def test_works_follow_the_monitoring_year(school: DemoSchool) -> None:
    tasks = defaultdict(list)
    for t in rows(school, "tasks"):
        tasks[t["work_id"]].append(t)
    kinds_by_parallel = defaultdict(set)
    for w in rows(school, "works"):
        d, g = date(w["date"]), int(w["parallel"])
        assert dt.date(2025, 9, 1) <= d <= dt.date(2026, 5, 31) and d.weekday() < 5
        kinds_by_parallel[w["kind"]].add(g)
        expected_month = {"входная": 9, "промежуточная (рубежная)": 12, "итоговая": 5}.get(w["kind"])
        assert expected_month in (None, d.month), w
        m, t3, t4, t5 = (int(w[k]) for k in ("max_score", "threshold_3", "threshold_4", "threshold_5"))
        assert 0 < t3 < t4 < t5 <= m
        ts = tasks[w["id"]]
        assert 5 <= len(ts) <= 20 and sorted(int(t["number"]) for t in ts) == list(range(1, len(ts) + 1))
        assert sum(int(t["max_score"]) for t in ts) == m and all(1 <= int(t["max_score"]) <= 3 for t in ts)
        assert all(t["element"] for t in ts) and {t["level"] for t in ts} >= {"базовый", "высокий"}
        assert w["stage"] == "обработка" if d.month == 5 else w["stage"] in ("анализ", "рекомендации")
    assert kinds_by_parallel["ВПР"] == {4, 5, 6, 7, 8, 11}
    assert kinds_by_parallel["ОГЭ (ГИА-9)"] == {9} and kinds_by_parallel["ЕГЭ (ГИА-11)"] == {11}
    assert kinds_by_parallel["входная"] == set(range(1, 12))


def test_period_marks_use_quarters_below_grade_10_and_halves_above(small: DemoSchool) -> None:
    parallel = {c["id"]: int(c["parallel"]) for c in rows(small, "classes")}
    student_parallel = {s["id"]: parallel.get(s["class_id"]) for s in rows(small, "students")}
    periods = defaultdict(set)
    for m in rows(small, "period_marks"):
        periods[student_parallel[m["student_id"]]].add(m["period"])
    assert 1 not in periods
    assert periods[5] == {"1 четверть", "2 четверть", "3 четверть", "4 четверть", "год"}
    assert periods[11] == {"1 полугодие", "2 полугодие", "год"}


def _class_gaps(demo: DemoSchool) -> dict[str, float]:
    """Per class: mean period mark minus mean ВПР mark, over the same students and subjects."""
    works = {w["id"]: w for w in rows(demo, "works") if w["kind"] == "ВПР"}
    real = {c["id"] for c in rows(demo, "classes")}  # skip the planted student whose class does not exist
    klass = {s["id"]: s["class_id"] for s in rows(demo, "students") if s["class_id"] in real}
    period: dict[tuple[str, str], list[int]] = defaultdict(list)
    for m in rows(demo, "period_marks"):
        if m["mark"].isdigit():
            period[(m["student_id"], m["subject_id"])].append(int(m["mark"]))
    gaps: dict[str, list[float]] = defaultdict(list)
    for r in rows(demo, "results"):
        w = works.get(r["work_id"])
        if not w or r["student_id"] not in klass or r["mark"] not in ("2", "3", "4", "5"):
            continue
        own = period[(r["student_id"], w["subject_id"])]
        if own:
            gaps[klass[r["student_id"]]].append(mean(own) - int(r["mark"]))
    return {c: mean(g) for c, g in gaps.items()}


def test_objectivity_anomaly_some_class_has_period_marks_above_its_vpr(school: DemoSchool) -> None:
    gaps = _class_gaps(school)
    inflated = [c for c, g in gaps.items() if g >= 0.5]
    assert 1 <= len(inflated) <= len(gaps) // 3, gaps
    assert abs(median(gaps.values())) < 0.25, gaps  # the typical class is marked objectively


def test_some_vpr_results_are_high_while_basic_tasks_fail(school: DemoSchool) -> None:
    vpr = {w["id"] for w in rows(school, "works") if w["kind"] == "ВПР"}
    tasks = defaultdict(list)
    for t in sorted(rows(school, "tasks"), key=lambda t: int(t["number"])):
        tasks[t["work_id"]].append(t)
    suspicious = 0
    for r in rows(school, "results"):
        if r["work_id"] in vpr and r["mark"] in ("4", "5") and r["_row"] not in planted_rows(school, "results"):
            scores = [int(x) for x in r["scores"].split()]
            basic = [s >= int(t["max_score"]) for s, t in zip(scores, tasks[r["work_id"]], strict=True)
                     if t["level"] == "базовый"]
            suspicious += sum(basic) < len(basic) / 2
    assert suspicious >= 2


def test_some_content_elements_are_clearly_weak(school: DemoSchool) -> None:
    task_of = {(t["work_id"], int(t["number"])): t for t in rows(school, "tasks")}
    share: dict[str, list[float]] = defaultdict(list)
    for r in rows(school, "results"):
        if r["present"] == "да" and r["_row"] not in planted_rows(school, "results"):
            for n, s in enumerate(r["scores"].split(), start=1):
                t = task_of[(r["work_id"], n)]
                if t["level"] == "базовый":
                    share[t["element"]].append(int(s) / int(t["max_score"]))
    means = sorted(mean(v) for v in share.values() if len(v) >= 100)
    assert means[0] < 0.6 and means[-1] > 0.85  # a basic-level element most of the school fails stands out


def test_students_at_risk_collect_several_twos(school: DemoSchool) -> None:
    twos = Counter(r["student_id"] for r in rows(school, "results") if r["mark"] == "2")
    graded = Counter(r["student_id"] for r in rows(school, "results") if r["mark"])
    at_risk = [s for s, n in twos.items() if n >= 0.6 * graded[s]]
    assert len(at_risk) >= 3


def test_staff_load_and_qualification(school: DemoSchool) -> None:
    depts = {d["id"]: d["name"] for d in rows(school, "departments")}
    teachers = {t["id"]: t for t in rows(school, "teachers")}
    subjects = {s["id"]: s for s in rows(school, "subjects")}
    classes = {c["id"]: c for c in rows(school, "classes")}
    assert all(d["head_id"] in teachers for d in rows(school, "departments"))
    assert Counter(t["position"] for t in teachers.values())["директор"] == 1
    pairs = Counter((ld["class_id"], ld["subject_id"]) for ld in rows(school, "teaching_load"))
    assert max(pairs.values()) == 1
    for ld in rows(school, "teaching_load"):
        teacher_dept = depts[teachers[ld["teacher_id"]]["department_id"]]
        if int(classes[ld["class_id"]]["parallel"]) <= 4 and teacher_dept == "ШМО учителей начальных классов":
            continue  # the class's own primary teacher teaches the core subjects
        assert teachers[ld["teacher_id"]]["department_id"] == subjects[ld["subject_id"]]["department_id"], ld
    for c in classes.values():  # every class learns Russian and mathematics from someone
        assert {s["name"] for s in subjects.values() if (c["id"], s["id"]) in pairs} >= {"русский язык", "математика"}
    five_years_ago = dt.date(2021, 5, 31)
    due = [t for t in teachers.values() if t["category_date"] and date(t["category_date"]) < five_years_ago]
    assert due and all(t["category"] != "без категории" for t in due)
    recent = {k["teacher_id"] for k in rows(school, "courses") if date(k["end_date"]) >= dt.date(2023, 5, 31)}
    assert 1 <= len(set(teachers) - recent) <= len(teachers) // 3
    for k in rows(school, "courses"):
        if k["start_date"]:
            assert date(k["start_date"]) < date(k["end_date"])


def test_olympiad_stages_build_on_each_other(school: DemoSchool) -> None:
    olympiads = rows(school, "olympiads")  # the planted row has only its date spoiled
    assert {o["level"] for o in olympiads} >= {"школьный", "муниципальный"}
    assert {o["status"] for o in olympiads} == set(C.OLYMPIAD_STATUSES)
    prized = {(o["student_id"], o["subject_id"]) for o in olympiads
              if o["level"] == "школьный" and o["status"] != "участник"}
    for o in olympiads:
        if o["level"] == "муниципальный":
            assert (o["student_id"], o["subject_id"]) in prized
        assert 0 <= int(o["score"]) <= 100


def test_portfolio_owner_matches_the_filled_person(school: DemoSchool) -> None:
    entries = rows(school, "portfolio")
    assert {e["owner"] for e in entries} == {"ученик", "учитель"}
    for e in entries:
        assert bool(e["student_id"]) == (e["owner"] == "ученик") and bool(e["teacher_id"]) == (e["owner"] == "учитель")
        assert e["link"] == "" or e["link"].startswith("https://")


def test_the_academic_year_drives_every_date() -> None:
    demo = generate_demo(120, 2, academic_year="2030/2031")
    for w in rows(demo, "works"):
        assert dt.date(2030, 9, 1) <= date(w["date"]) <= dt.date(2031, 5, 31)
    assert any(p.value == "31.02.2031" for p in demo.planted)
    with pytest.raises(ValueError):
        generate_demo(120, 2, academic_year="2030-2031")
    with pytest.raises(ValueError):
        generate_demo(120, 2, academic_year="2030/2032")
