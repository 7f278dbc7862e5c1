"""School → lab: the bundle round trip loses no row and carries no student's name; tampered bundles are refused."""

from __future__ import annotations

import json
import os
import stat
import zipfile
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from reports.district import CUBE
from sheets_schema import validate_workbook
from sheets_schema.bundle import BUNDLE_SCHEMA
from sync.warehouse.bundle import load_or_create_key, student_code
from sync.warehouse.intake import ingest_bundle, ingest_bundles
from sync.warehouse.layout import Warehouse
from sync.warehouse.receipts import ACCEPTED, REFUSED, Receipts
from tests.lab_factory import MARK_FIRST, MARK_LAST, MARK_MIDDLE, MARK_YEAR, make_bundle, school_workbook


@pytest.fixture(scope="module")
def school() -> dict:
    return school_workbook(60, 5)


@pytest.fixture
def lab(tmp_path: Path) -> tuple[Warehouse, Receipts]:
    return Warehouse(tmp_path / "warehouse"), Receipts(tmp_path / "receipts.sqlite3")


def _cells(path: Path) -> list[str]:
    table = pq.read_table(path)
    return [str(v) for name in table.column_names for v in table.column(name).to_pylist()]


def _assert_no_student_identity(files: list[Path]) -> None:
    assert files
    for f in files:
        for cell in _cells(f):
            assert MARK_LAST not in cell and MARK_FIRST not in cell and MARK_MIDDLE not in cell, (f, cell)
            assert str(MARK_YEAR) not in cell, (f, cell)


def test_round_trip_loses_no_row_and_carries_no_student_name(school: dict, lab: tuple, tmp_path: Path) -> None:
    wh, rc = lab
    bundle = make_bundle(tmp_path / "b.zip", school)
    outcome = ingest_bundle(wh, rc, bundle, "загрузка", CUBE)
    assert outcome.ok, outcome.problems
    sent = [k for k in BUNDLE_SCHEMA.keys if k != "portfolio_counts"]
    for key in sent:  # a clean school: every row it holds arrives
        stored = pq.read_table(wh.partition(key, 2025, "sch-t1") / "part-0.parquet")
        assert stored.num_rows == len(school[key]), key
    counts = pq.read_table(wh.partition("portfolio_counts", 2025, "sch-t1") / "part-0.parquet").to_pandas()
    assert counts["count"].sum() == len(school["portfolio"])
    with zipfile.ZipFile(bundle) as zf:
        zf.extractall(tmp_path / "unzipped")
    _assert_no_student_identity(sorted((tmp_path / "unzipped").glob("*.parquet")))
    _assert_no_student_identity(sorted(wh.root.rglob("*.parquet")))
    students = pq.read_table(wh.partition("students", 2025, "sch-t1") / "part-0.parquet")
    assert students.column_names == ["id", "class_id", "gender"]
    teachers = pq.read_table(wh.partition("teachers", 2025, "sch-t1") / "part-0.parquet")
    assert "birth_year" in teachers.column_names and "birth_date" not in teachers.column_names
    assert set(teachers.column("last_name").to_pylist()) == set(school["teachers"]["last_name"])
    assert rc.all()[-1].status == ACCEPTED


def test_student_codes_are_stable_keyed_and_link_the_tables(school: dict, tmp_path: Path) -> None:
    key = load_or_create_key(tmp_path / "lab_key")
    assert stat.S_IMODE(os.stat(tmp_path / "lab_key").st_mode) == 0o600
    assert load_or_create_key(tmp_path / "lab_key") == key  # generated once
    assert student_code(key, "st-0001") == student_code(key, "st-0001")
    assert student_code(key, "st-0001") != student_code(b"x" * 32, "st-0001")
    make_bundle(tmp_path / "b", school, key=key)  # a directory bundle
    st = pq.read_table(tmp_path / "b" / "students.parquet").column("id").to_pylist()
    res = pq.read_table(tmp_path / "b" / "results.parquet").column("student_id").to_pylist()
    assert set(res) <= set(st)
    assert st[0] == student_code(key, str(school["students"]["id"].iloc[0]))


def _rewrite(src: Path, dst: Path, change: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        for info in zin.infolist():
            zout.writestr(info.filename, change.get(info.filename, zin.read(info.filename)))
    return dst


def _manifest(path: Path) -> dict:
    with zipfile.ZipFile(path) as zf:
        return json.loads(zf.read("manifest.json"))


@pytest.mark.parametrize("tamper, expected", [
    ("hash", "контрольная сумма не совпадает"),
    ("school", "учётная запись относится к школе «sch-t1»"),
    ("version", "Версия схемы пакета 999"),
    ("missing", "нет файла таблицы «Результаты»"),
    ("not-zip", "не является пакетом данных"),
])
def test_tampered_bundle_is_refused_and_changes_nothing(school: dict, lab: tuple, tmp_path: Path, tamper: str,
                                                        expected: str) -> None:
    wh, rc = lab
    good = make_bundle(tmp_path / "good.zip", school)
    assert ingest_bundle(wh, rc, good, "загрузка", CUBE, expected_school="sch-t1").ok
    before = {p: p.read_bytes() for p in wh.root.rglob("*.parquet")}
    bad = tmp_path / "bad.zip"
    m = _manifest(good)
    if tamper == "hash":
        with zipfile.ZipFile(good) as zf:
            data = bytearray(zf.read("results.parquet"))
        data[len(data) // 2] ^= 0xFF
        _rewrite(good, bad, {"results.parquet": bytes(data)})
        who = "sch-t1"
    elif tamper == "school":
        m["school_code"] = "sch-other"
        _rewrite(good, bad, {"manifest.json": json.dumps(m).encode()})
        who = "sch-t1"
    elif tamper == "version":
        m["schema_version"] = 999
        _rewrite(good, bad, {"manifest.json": json.dumps(m).encode()})
        who = "sch-t1"
    elif tamper == "missing":
        m["tables"]["results"]["file"] = "nothing.parquet"
        _rewrite(good, bad, {"manifest.json": json.dumps(m).encode()})
        who = "sch-t1"
    else:
        bad.write_bytes(b"PK\x03\x04 not really")
        who = "sch-t1"
    outcome = ingest_bundle(wh, rc, bad, "загрузка", CUBE, expected_school=who)
    assert not outcome.ok
    assert any(expected in p for p in outcome.problems), outcome.problems
    assert {p: p.read_bytes() for p in wh.root.rglob("*.parquet")} == before
    assert rc.all()[-1].status == REFUSED and rc.all()[-1].problems == outcome.problems


def test_a_bad_cell_in_a_bundle_is_refused_with_its_address(school: dict, lab: tuple, tmp_path: Path) -> None:
    wh, rc = lab
    frames = dict(school)
    res = frames["results"].copy()
    written = res.index[(res["present"] == "да") & res["mark"].notna()][0]
    res.loc[written, "mark"] = 1 if res.loc[written, "mark"] != 1 else 5  # a mark that contradicts the total
    frames["results"] = res
    outcome = ingest_bundle(wh, rc, make_bundle(tmp_path / "b.zip", frames), "загрузка", CUBE)
    assert not outcome.ok
    row = int(written) + 2  # the bundle table's row (header is row 1)
    assert any(p.startswith("Лист «Результаты», ") and f"{row}:" in p and "не соответствует сумме" in p
               for p in outcome.problems), outcome.problems
    assert not list(wh.root.rglob("*.parquet"))


def test_the_bundle_schema_is_the_school_schema_without_identifiers() -> None:
    from sheets_schema import SCHEMA

    assert BUNDLE_SCHEMA["students"].keys == ["id", "class_id", "gender"]
    for key in ("results", "tasks", "period_marks", "teaching_load"):
        assert BUNDLE_SCHEMA[key].keys == SCHEMA[key].keys
    assert "portfolio" not in BUNDLE_SCHEMA and "work_stages" not in BUNDLE_SCHEMA
    assert validate_workbook(BUNDLE_SCHEMA, {}).frames.keys() == set(BUNDLE_SCHEMA.keys)


def test_bundles_checked_in_worker_processes_are_committed_in_order(school: dict, lab: tuple,
                                                                    tmp_path: Path) -> None:
    wh, rc = lab
    first = make_bundle(tmp_path / "a.zip", school, code="sch-a")
    second = make_bundle(tmp_path / "b.zip", school, code="sch-b")
    m = _manifest(second)
    m["schema_version"] = 999
    bad = _rewrite(second, tmp_path / "bad.zip", {"manifest.json": json.dumps(m).encode()})
    again = make_bundle(tmp_path / "c.zip", school, code="sch-a")  # the same school sends again
    done = list(ingest_bundles(wh, rc, [first, bad, second, again], "общая папка", CUBE,
                               registered={"sch-a", "sch-b"}, workers=2))
    assert [p for p, _ in done] == [first, bad, second, again]
    assert [o.ok for _, o in done] == [True, False, True, True]
    assert any("Версия схемы пакета 999" in p for p in done[1][1].problems)
    assert sorted(wh.school_years()) == [(2025, "sch-a"), (2025, "sch-b")]  # replaced, never duplicated
    assert len(wh.history(2025, "sch-a")) == 1
    stored = pq.read_table(wh.partition("results", 2025, "sch-a") / "part-0.parquet")
    assert stored.num_rows == len(school["results"])
    assert pq.read_table(wh.partition("cube", 2025, "sch-b") / "part-0.parquet").num_rows > 0
    assert [s.status for s in rc.all()] == [ACCEPTED, REFUSED, ACCEPTED, ACCEPTED]


def test_receipts_in_a_batch_are_committed_at_once_and_kept_when_an_error_ends_it(tmp_path: Path) -> None:
    rc = Receipts(tmp_path / "r.sqlite3")
    other = Receipts(tmp_path / "r.sqlite3")  # another reader of the same log
    with pytest.raises(RuntimeError), rc.batch():
        assert rc.record("a", "2025/2026", "общая папка", ACCEPTED, [], 5) == 1
        assert [s.school for s in other.all()] == ["a"]
        rc.record("b", "2025/2026", "общая папка", REFUSED, ["плохо"])
        raise RuntimeError
    assert [(s.school, s.status, s.problems, s.rows) for s in other.all()] == [
        ("a", ACCEPTED, [], 5), ("b", REFUSED, ["плохо"], 0)]
    rc.record("c", "2025/2026", "загрузка", ACCEPTED, [], 1)  # outside a batch: its own connection
    assert other.last_id() == 3


def test_bundles_checked_in_workers_store_what_this_process_stores(school: dict, tmp_path: Path) -> None:
    from reports.district import MATERIALISED

    paths = [make_bundle(tmp_path / f"{c}.zip", school, code=c) for c in ("sch-a", "sch-b")]
    stored = {}
    for workers in (1, 2):
        wh, rc = Warehouse(tmp_path / f"wh{workers}"), Receipts(tmp_path / f"r{workers}.sqlite3")
        given = iter(paths)  # taken as they come, as the demo town makes them
        assert all(o.ok for _, o in ingest_bundles(wh, rc, given, "общая папка", MATERIALISED, workers=workers))
        stored[workers] = {(t, y, s): pq.read_table(wh.partition(t, y, s) / "part-0.parquet").to_pandas()
                           for t in wh.tables() for y, s in wh.school_years(t)}
    assert {t for t, _, _ in stored[1]} >= set(MATERIALISED) | {"results", "works"}
    assert stored[1].keys() == stored[2].keys()
    for key, frame in stored[1].items():  # the same rows (an aggregate's row order is its own)
        other = stored[2][key]
        order = [c for c in frame.columns if not frame[c].map(lambda v: hasattr(v, "__len__")
                                                              and not isinstance(v, str)).any()]
        pd.testing.assert_frame_equal(frame.sort_values(order).reset_index(drop=True),
                                      other.sort_values(order).reset_index(drop=True))
