"""Snapshots: lossless round trip through snapshot -> restore, verification of damaged snapshots, diff, restore."""

from __future__ import annotations

import hashlib
import io
import json
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import openpyxl
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from devtools.fake_sheets import FakeSheets, fake_session
from sync import snapshots as snap
from sync.google.store import GoogleStore
from sync.local import LocalStore
from sync.snapshots import catalog as snap_catalog
from sync.snapshots import format as snap_format
from sync.store import Grid, SheetStore, StoreError, trim_grid

T0 = datetime(2026, 11, 23, 14, 25, 1, tzinfo=UTC)
TRICKY = ["", "007", "=1+1", '=IMPORTXML("http://x";"//a")', "4,5", "12.10.2025", "Ёлка", "😀👍🏽", "  пробел ",
          "+7 900", "TRUE", "#N/A", "1e5", "'апостроф", "-0", "строка\nвторая", " ", "null", "5«А»"]


def _google_store() -> SheetStore:
    """GoogleStore over the in-process fake Sheets API."""
    fake = FakeSheets(auto_create=True)
    key = fake.create_spreadsheet()
    return GoogleStore(key, None, base_url="https://fake.local", session=fake_session(fake, ("https://fake.local/",)))


KINDS = ["local", "google"]


def make_store(kind: str, root: Path) -> SheetStore:
    if kind == "google":
        return _google_store()
    return LocalStore(root / "edumon.sqlite3")


def fill(store: SheetStore, grids: dict[str, Grid]) -> None:
    for title, grid in grids.items():
        store.replace_sheet(title, grid)


def sheets_of(store: SheetStore, titles: list[str] | dict[str, Grid]) -> dict[str, Grid]:
    everything = store.read_all()
    return {t: everything.get(t, []) for t in titles}


cells = st.one_of(st.sampled_from(TRICKY),
                  st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=10))
rows = st.lists(cells, max_size=6)
grids = st.lists(rows, max_size=12).map(trim_grid)
workbooks = st.dictionaries(st.sampled_from(["Обучающиеся", "Лист 2", "Результаты (черновик)", "Ёж 😀"]), grids,
                            min_size=1, max_size=3)


@pytest.mark.parametrize("kind", KINDS)
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(book=workbooks, later=workbooks)
def test_snapshot_then_restore_gives_every_cell_back(kind: str, book: dict[str, Grid], later: dict[str, Grid]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        store = make_store(kind, root)
        fill(store, book)
        assert sheets_of(store, book) == book  # the store itself keeps cells; what follows is the snapshot's job
        info = snap.take_snapshot(store, root, "проверка")
        fill(store, {t: g for t, g in later.items()})  # people keep editing after the snapshot
        snap.restore(store, root, info.id)
        assert sheets_of(store, book) == book
        _, stored = snap.load_grids(root, info.id)
        assert {t: stored[t] for t in book} == book  # a new Google spreadsheet also holds an empty "Sheet1"


@pytest.mark.parametrize("kind", KINDS)
def test_ten_thousand_rows_round_trip(kind: str, tmp_path: Path) -> None:
    big = [["id", "Фамилия", "Балл", "Формула", "Дата", "Пусто", "Хвост"]]
    for i in range(10_000):
        row = [f"st{i:05d}", TRICKY[i % len(TRICKY)], f"{i % 7},5", "=A1+1" if i % 3 else "", "0" + str(i % 10)]
        big.append(trim_grid([row + ([] if i % 5 else ["", "x"])])[0] if i % 97 else [])
    book = {"Обучающиеся": trim_grid(big), "Классы": [["id", "Класс"], ["c1", "5«А»"]]}
    store = make_store(kind, tmp_path)
    fill(store, book)
    info = snap.take_snapshot(store, tmp_path)
    entry = next(s for s in info.sheets if s.title == "Обучающиеся")
    assert (entry.rows, entry.columns) == (len(book["Обучающиеся"]), 7)
    store.replace_sheet("Обучающиеся", [["id"], ["только одна строка"]])
    snap.restore(store, tmp_path, "latest", ["Обучающиеся"])
    assert sheets_of(store, book) == book


# -- the files ---------------------------------------------------------------------------------------------------
BOOK = {"Обучающиеся": [["id", "Фамилия", "Класс"], ["st1", "Петров", "5«А»"], [], ["st2", "=1+1", "", "007"]],
        "Пустой": []}


@pytest.fixture
def taken(tmp_path: Path) -> tuple[LocalStore, snap.SnapshotInfo]:
    store = LocalStore(tmp_path / "edumon.sqlite3")
    fill(store, BOOK)
    return store, snap.take_snapshot(store, tmp_path, "до каникул", now=T0)


def test_snapshot_layout_manifest_and_files(taken: tuple[LocalStore, snap.SnapshotInfo], tmp_path: Path) -> None:
    store, info = taken
    assert info.id == "20261123T142501Z" and info.path == tmp_path / "snapshots" / info.id
    assert sorted(p.name for p in info.path.iterdir()) == ["manifest.json", "sheet-02.parquet", "students.parquet",
                                                           "workbook.xlsx"]
    manifest = json.loads((info.path / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["created_at"] == "2026-11-23T14:25:01Z" and manifest["store"] == "local"
    assert manifest["spreadsheet_id"] == "edumon.sqlite3"  # a file name, never a path of the server's disk
    assert str(tmp_path) not in json.dumps(manifest, ensure_ascii=False)
    assert manifest["note"] == "до каникул" and manifest["schema_version"] == 1
    students = manifest["sheets"][0]
    assert (students["title"], students["key"], students["rows"], students["columns"]) == ("Обучающиеся", "students",
                                                                                            4, 4)
    canonical = json.dumps(BOOK["Обучающиеся"], ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    assert students["sha256"] == hashlib.sha256(canonical).hexdigest()
    table = pq.read_table(info.path / "students.parquet").to_pydict()  # plain columns for DuckDB and pandas
    assert table == {"row": [1, 2, 3, 4], "A": ["id", "st1", None, "st2"], "B": ["Фамилия", "Петров", None, "=1+1"],
                     "C": ["Класс", "5«А»", None, ""], "D": [None, None, None, "007"]}
    assert not list((tmp_path / "snapshots").glob(".*"))  # no temporary folder left behind


def test_workbook_xlsx_keeps_text_as_text(taken: tuple[LocalStore, snap.SnapshotInfo]) -> None:
    _, info = taken
    wb = openpyxl.load_workbook(info.path / "workbook.xlsx")
    ws = wb["Обучающиеся"]
    assert ws.freeze_panes == "A2" and ws["A1"].font.b
    assert [[c.value for c in r] for r in ws.iter_rows(min_row=4, max_row=4)] == [["st2", "=1+1", None, "007"]]
    assert ws["B4"].data_type == "s" and ws["D4"].data_type == "s"  # a formula stays text, leading zero stays
    assert wb.sheetnames == ["Обучающиеся", "Пустой"]


def test_failed_write_leaves_no_snapshot(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = LocalStore(tmp_path / "edumon.sqlite3")
    fill(store, BOOK)

    def broken(path: Path, grids: dict[str, Grid], step: object = None) -> None:
        path.write_bytes(b"half")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(snap_catalog, "write_xlsx", broken)
    with pytest.raises(OSError):
        snap.take_snapshot(store, tmp_path)
    assert list((tmp_path / "snapshots").iterdir()) == []


def test_two_snapshots_in_one_second_get_distinct_ids(taken: tuple[LocalStore, snap.SnapshotInfo],
                                                      tmp_path: Path) -> None:
    store, first = taken
    second = snap.take_snapshot(store, tmp_path, now=T0)
    assert second.id == f"{first.id}-2"
    assert [s.id for s in snap.list_snapshots(tmp_path)] == [first.id, second.id]
    assert snap.resolve(tmp_path, "latest").id == second.id
    with pytest.raises(snap.SnapshotNotFound, match="нескольким"):
        snap.resolve(tmp_path, "2026")
    assert snap.resolve(tmp_path, f"{first.id}").id == first.id  # an exact id wins over a longer one sharing it
    with pytest.raises(snap.SnapshotNotFound, match="не найден"):
        snap.resolve(tmp_path, "1999")


# -- damaged snapshots -------------------------------------------------------------------------------------------
def _flip_byte(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))


def _edit_manifest(path: Path, change: Callable[[dict], None], reseal: bool) -> None:
    file = path / "manifest.json"
    manifest = json.loads(file.read_text(encoding="utf-8"))
    change(manifest)
    if reseal:  # a careful forger also fixes the manifest's own checksum
        manifest["manifest_sha256"] = snap_format._manifest_checksum(manifest)
    file.write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")


def _write_other_cells(path: Path) -> None:
    grid = [list(r) for r in BOOK["Обучающиеся"]]
    grid[1][1] = "Сидоров"
    pq.write_table(snap_format._to_table(grid, "Обучающиеся"), path / "students.parquet")


def _forge_file_facts(path: Path) -> None:
    facts = snap_format._file_facts(path / "students.parquet")
    _edit_manifest(path, lambda m: m["sheets"][0].update(facts), reseal=True)


DAMAGE: dict[str, tuple[Callable[[Path], None], str]] = {
    "flipped byte": (lambda p: _flip_byte(p / "students.parquet"), "содержимое файла изменено"),
    "shortened file": (lambda p: (p / "students.parquet").write_bytes((p / "students.parquet").read_bytes()[:-100]),
                       "обрезан"),
    "missing file": (lambda p: (p / "students.parquet").unlink(), "отсутствует"),
    "missing manifest": (lambda p: (p / "manifest.json").unlink(), "нет файла manifest.json"),
    "truncated manifest": (lambda p: (p / "manifest.json").write_text('{"format": 1, "sheets": [', encoding="utf-8"),
                           "не читается"),
    "manifest hash edited": (lambda p: _edit_manifest(p, lambda m: m["sheets"][0].update(sha256="0" * 64), False),
                             "контрольная сумма"),
    "manifest hash edited and resealed": (
        lambda p: _edit_manifest(p, lambda m: m["sheets"][0].update(sha256="0" * 64), True),
        "не совпадают с контрольной суммой"),
    "other cells with forged file hash": (lambda p: (_write_other_cells(p), _forge_file_facts(p)),
                                          "не совпадают с контрольной суммой"),
    "path escape in manifest": (lambda p: _edit_manifest(p, lambda m: m["sheets"][0].update(file="../x"), True),
                                "неверная запись"),
    "file list escape in manifest": (
        lambda p: _edit_manifest(p, lambda m: m["files"].update({"../../x": m["files"]["workbook.xlsx"]}), True),
        "неверный список файлов"),
}


@pytest.mark.parametrize("damage", list(DAMAGE))
def test_damaged_snapshot_is_refused_and_nothing_changes(taken: tuple[LocalStore, snap.SnapshotInfo], tmp_path: Path,
                                                         damage: str) -> None:
    store, info = taken
    spoil, message = DAMAGE[damage]
    spoil(info.path)
    store.replace_sheet("Обучающиеся", [["id", "Фамилия"], ["st9", "Новиков"]])
    before = store.read_all()
    result = snap.verify(tmp_path, info.id)
    assert not result.ok and message in "; ".join(result.problems)
    with pytest.raises(snap.SnapshotCorrupt, match="повреждён") as err:
        snap.restore(store, tmp_path, info.id)
    assert message in str(err.value)
    assert store.read_all() == before
    assert [s.id for s in snap.list_snapshots(tmp_path)] == [info.id]  # not even a safety snapshot was taken


def test_edited_workbook_xlsx_is_a_warning_not_a_refusal(taken: tuple[LocalStore, snap.SnapshotInfo],
                                                         tmp_path: Path) -> None:
    store, info = taken
    (info.path / "workbook.xlsx").write_bytes(b"saved again by Excel")
    result = snap.verify(tmp_path, info.id)
    assert result.ok and "workbook.xlsx изменён" in result.warnings[0]
    _, content = snap.workbook_bytes(tmp_path, info.id)  # the download is rebuilt from the Parquet files
    assert openpyxl.load_workbook(io.BytesIO(content))["Обучающиеся"]["B2"].value == "Петров"
    store.replace_sheet("Обучающиеся", [])
    snap.restore(store, tmp_path, info.id)
    assert sheets_of(store, BOOK) == BOOK


def test_broken_snapshot_is_listed_not_hidden(taken: tuple[LocalStore, snap.SnapshotInfo], tmp_path: Path) -> None:
    _, info = taken
    (info.path / "manifest.json").write_text("{", encoding="utf-8")
    [listed] = snap.list_snapshots(tmp_path)
    assert listed.id == info.id and "не читается" in listed.broken and listed.created_at == T0


# -- restore -----------------------------------------------------------------------------------------------------
def test_restore_pauses_writes_takes_safety_snapshot_and_reports_progress(
        taken: tuple[LocalStore, snap.SnapshotInfo], tmp_path: Path) -> None:
    store, info = taken
    store.replace_sheet("Обучающиеся", [["id", "Фамилия"], ["st9", "Новиков"]])
    store.replace_sheet("Пустой", [["теперь не пустой"]])
    edited = store.read_all()
    events: list[str] = []
    real_replace = store.replace_sheet

    @contextmanager
    def pause() -> Iterator[None]:
        events.append("pause")
        yield
        events.append("resume")

    def replace_sheet(title: str, grid: Grid) -> None:
        events.append(f"replace {title}")
        real_replace(title, grid)

    store.replace_sheet = replace_sheet  # type: ignore[method-assign]
    steps: list[float] = []
    result = snap.restore(store, tmp_path, info.id, ["students"], pause=pause, progress=lambda f, _m: steps.append(f))
    assert events == ["pause", "replace Обучающиеся", "resume"]
    assert steps[0] == 0.0 and steps[-1] == 1.0 and steps == sorted(steps)
    assert result.sheets == ["Обучающиеся"] and result.rows == 3
    assert sheets_of(store, BOOK) == {"Обучающиеся": BOOK["Обучающиеся"], "Пустой": [["теперь не пустой"]]}
    assert result.safety.kind == snap.SAFETY and result.safety.note == f"перед восстановлением из {info.id}"
    _, safety = snap.load_grids(tmp_path, result.safety.id)
    assert safety == edited  # the way back
    assert not (result.safety.path / "workbook.xlsx").exists()  # skipped on the critical path...
    name, content = snap.workbook_bytes(tmp_path, result.safety.id)  # ...and built from the Parquet on demand
    book = openpyxl.load_workbook(io.BytesIO(content))
    assert name == f"edumon-{result.safety.id}.xlsx" and book["Пустой"]["A1"].value == "теперь не пустой"


def test_restore_of_an_unknown_sheet_changes_nothing(taken: tuple[LocalStore, snap.SnapshotInfo],
                                                     tmp_path: Path) -> None:
    store, info = taken
    before = store.read_all()
    with pytest.raises(snap.SnapshotError, match="Листа «Нет такого» нет"):
        snap.restore(store, tmp_path, info.id, ["Нет такого"])
    assert store.read_all() == before and len(snap.list_snapshots(tmp_path)) == 1


def test_plan_restore_shows_what_would_change(taken: tuple[LocalStore, snap.SnapshotInfo], tmp_path: Path) -> None:
    store, info = taken
    store.update_rows("Обучающиеся", "id", {"st1": {"Фамилия": "Петрова"}})
    _, diff = snap.plan_restore(store, tmp_path, info.id)
    assert [s.title for s in diff.changed] == ["Обучающиеся"]
    [row] = diff.changed[0].changed
    assert (row.key, row.cells) == ("st1", (snap.CellChange("Фамилия", "Петрова", "Петров"),))


def test_a_store_failure_part_way_names_the_safety_snapshot(taken: tuple[LocalStore, snap.SnapshotInfo],
                                                           tmp_path: Path) -> None:
    store, info = taken
    store.replace_sheet("Обучающиеся", [["id"], ["st9"]])
    store.replace_sheet("Пустой", [["было"]])
    real_replace = store.replace_sheet

    def flaky(title: str, grid: Grid) -> None:
        if title == "Пустой":
            raise StoreError("квота исчерпана")
        real_replace(title, grid)

    store.replace_sheet = flaky  # type: ignore[method-assign]
    with pytest.raises(snap.RestoreInterrupted) as err:
        snap.restore(store, tmp_path, info.id)
    safety = snap.resolve(tmp_path, "latest")
    assert "на листе «Пустой»: квота исчерпана" in str(err.value) and "Уже восстановлены: Обучающиеся" in str(err.value)
    assert f"в страховочном снимке {safety.id}" in str(err.value)
    assert snap.load_grids(tmp_path, safety.id)[1]["Пустой"] == [["было"]]
