"""`edumon snapshot`, `snapshots list|verify|diff|prune`, `restore` through typer's runner on the seeded demo store."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from app.cli.snapshots import register
from sheets_schema import SCHEMA
from sync import snapshots as snap
from sync.layout import layouts_of
from sync.local import LocalStore

runner = CliRunner()
STUDENTS = SCHEMA["students"].title


@pytest.fixture
def cli() -> typer.Typer:
    """A Typer app with just the snapshot commands (app/cli.py registers them on `edumon` the same way)."""
    app = typer.Typer(pretty_exceptions_enable=False)
    register(app)
    return app


@pytest.fixture
def small_dir(empty_data_dir: Path) -> Path:
    """A few rows only: most tests here are about the commands, not about volume (the demo tests cover that)."""
    store = LocalStore(empty_data_dir / "edumon.sqlite3")
    store.ensure_layout(layouts_of(SCHEMA))
    store.replace_sheet(STUDENTS, [SCHEMA["students"].headers, ["st1", "Петров", "Иван"], ["st2", "Орлова", "Анна"]])
    return empty_data_dir


def _store(data_dir: Path) -> LocalStore:
    return LocalStore(data_dir / "edumon.sqlite3")


def _rename_first_student(data_dir: Path, surname: str) -> tuple[str, str]:
    store = _store(data_dir)
    first = store.read_all()[STUDENTS][1]
    store.update_rows(STUDENTS, "id", {first[0]: {"Фамилия": surname}})
    return first[0], first[1]


def _ok(result) -> str:  # type: ignore[no-untyped-def]
    assert result.exit_code == 0, result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    return str(result.stdout)


def test_snapshot_list_verify(cli: typer.Typer, data_dir: Path) -> None:
    out = _ok(runner.invoke(cli, ["snapshot", "--note", "перед педсоветом"]))
    [info] = snap.list_snapshots(data_dir)
    assert f"Снимок {info.id}" in out and f"{info.data_rows} строк" in out
    listed = _ok(runner.invoke(cli, ["snapshots", "list"]))
    assert info.id in listed and "перед педсоветом" in listed and "вручную" in listed
    assert f"✓ {info.id}: цел" in _ok(runner.invoke(cli, ["snapshots", "verify", info.id[:12]]))
    assert "цел" in _ok(runner.invoke(cli, ["snapshots", "verify"]))


def test_verify_of_a_corrupted_snapshot_fails_with_exit_1(cli: typer.Typer, small_dir: Path) -> None:
    _ok(runner.invoke(cli, ["snapshot"]))
    info = snap.resolve(small_dir, "latest")
    path = info.path / "students.parquet"
    path.write_bytes(path.read_bytes()[:-10])
    result = runner.invoke(cli, ["snapshots", "verify", "latest"])
    assert result.exit_code == 1
    assert "повреждён" in result.stdout and "обрезан" in result.stdout and "Повреждённых снимков: 1" in result.stderr


def test_diff_between_snapshots_and_with_current_data(cli: typer.Typer, small_dir: Path) -> None:
    _ok(runner.invoke(cli, ["snapshot"]))
    a = snap.resolve(small_dir, "latest").id
    sid, old = _rename_first_student(small_dir, "Переименованная")
    assert "Различий нет" in _ok(runner.invoke(cli, ["snapshots", "diff", a, a]))
    out = _ok(runner.invoke(cli, ["snapshots", "diff", a, "current", "--sheet", "students"]))
    assert f"Лист «{STUDENTS}» — изменён: +0 −0 ~1" in out
    assert f"~ {sid}: Фамилия: «{old}» → «Переименованная»" in out
    _ok(runner.invoke(cli, ["snapshot"]))
    both = _ok(runner.invoke(cli, ["snapshots", "diff", a, "latest"]))
    assert f"~ {sid}: Фамилия" in both and both.count("Лист «") == 1  # the other sheets did not change
    bad = runner.invoke(cli, ["snapshots", "diff", a, "latest", "--sheet", "Нет такого"])
    assert bad.exit_code == 1 and "Листа «Нет такого» нет" in bad.stderr


def test_restore_without_yes_and_without_input_is_refused(cli: typer.Typer, small_dir: Path) -> None:
    _ok(runner.invoke(cli, ["snapshot"]))
    _rename_first_student(small_dir, "Изменённая")
    before = _store(small_dir).read_all()
    result = runner.invoke(cli, ["restore", "latest"])
    assert result.exit_code == 1
    assert "нет подтверждения" in result.stderr and "--yes" in result.stderr
    assert _store(small_dir).read_all() == before
    assert len(snap.list_snapshots(small_dir)) == 1  # no safety snapshot either
    declined = runner.invoke(cli, ["restore", "latest"], input="n\n")
    assert declined.exit_code == 1 and "отменено" in declined.stderr
    assert _store(small_dir).read_all() == before


def test_restore_with_yes_brings_the_cells_back_and_keeps_a_safety_snapshot(cli: typer.Typer,
                                                                            data_dir: Path) -> None:
    _ok(runner.invoke(cli, ["snapshot"]))
    original = _store(data_dir).read_all()
    taken = snap.resolve(data_dir, "latest").id
    sid, old = _rename_first_student(data_dir, "Изменённая")
    out = _ok(runner.invoke(cli, ["restore", taken[:10], "--yes"]))
    assert f"~ {sid}: Фамилия: «Изменённая» → «{old}»" in out and "Восстановлено листов: 1" in out
    assert _store(data_dir).read_all() == original
    safety = snap.resolve(data_dir, "latest")
    assert safety.kind == snap.SAFETY and safety.note == f"перед восстановлением из {taken}"
    assert f"edumon restore {safety.id}" in out
    assert "восстанавливать нечего" in _ok(runner.invoke(cli, ["restore", taken, "--yes"]))
    confirmed = _ok(runner.invoke(cli, ["restore", safety.id, "--sheet", STUDENTS], input="y\n"))
    assert "Восстановлено листов: 1" in confirmed
    assert _store(data_dir).read_all()[STUDENTS][1][1] == "Изменённая"


def test_restore_from_a_damaged_or_unknown_snapshot_changes_nothing(cli: typer.Typer, small_dir: Path) -> None:
    _ok(runner.invoke(cli, ["snapshot"]))
    info = snap.resolve(small_dir, "latest")
    (info.path / "manifest.json").write_text('{"format": 1', encoding="utf-8")
    _rename_first_student(small_dir, "Изменённая")
    before = _store(small_dir).read_all()
    damaged = runner.invoke(cli, ["restore", info.id, "--yes"])
    assert damaged.exit_code == 1 and "повреждён" in damaged.stderr and "Traceback" not in damaged.stderr
    unknown = runner.invoke(cli, ["restore", "19990101", "--yes"])
    assert unknown.exit_code == 1 and "Снимок «19990101» не найден" in unknown.stderr
    assert _store(small_dir).read_all() == before
    listed = _ok(runner.invoke(cli, ["snapshots", "list"]))
    assert "ПОВРЕЖДЁН" in listed


def test_prune_dry_run_and_empty_listing(cli: typer.Typer, empty_data_dir: Path) -> None:
    assert "Снимков пока нет" in _ok(runner.invoke(cli, ["snapshots", "list"]))
    assert "Будет удалено: 0" in _ok(runner.invoke(cli, ["snapshots", "prune", "--dry-run"]))
