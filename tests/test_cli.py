"""The `edumon` command line through typer's runner."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from app.cli import cli
from app.demo.school import generate_demo
from sheets_schema import SCHEMA
from sync.local import LocalStore

runner = CliRunner()


def test_check_on_a_fresh_demo_lists_exactly_the_planted_cells(data_dir: Path, demo_school) -> None:
    result = runner.invoke(cli, ["check", "--json"])
    assert result.exit_code == 1
    found = {(i["sheet_key"], i["row"], i["cell"], i["severity"]) for i in json.loads(result.stdout)}
    assert found == {(p.sheet_key, p.row, p.cell, p.severity) for p in demo_school.planted}
    text = runner.invoke(cli, ["check"])
    assert text.exit_code == 1
    for p in demo_school.planted:
        assert p.title in text.stdout
        if p.cell:
            assert p.cell in text.stdout
    assert f"Всего: {len(demo_school.planted)}" in text.stdout


def test_demo_seeds_an_empty_store_and_refuses_to_overwrite(empty_data_dir: Path) -> None:
    first = runner.invoke(cli, ["demo", "--students", "60", "--seed", "3"])
    assert first.exit_code == 0, first.stdout
    store = LocalStore(empty_data_dir / "edumon.sqlite3")
    expected = generate_demo(students=60, seed=3)
    assert store.read_all()[SCHEMA["students"].title] == expected.grids[SCHEMA["students"].title]
    again = runner.invoke(cli, ["demo", "--students", "60", "--seed", "4"])
    assert again.exit_code == 1
    assert "--force" in again.stderr
    assert store.read_all()[SCHEMA["students"].title] == expected.grids[SCHEMA["students"].title]
    skip = runner.invoke(cli, ["demo", "--if-empty"])
    assert skip.exit_code == 0 and "уже есть данные" in skip.stdout
    forced = runner.invoke(cli, ["demo", "--students", "60", "--seed", "4", "--force"])
    assert forced.exit_code == 0
    assert store.read_all()[SCHEMA["students"].title] == generate_demo(60, 4).grids[SCHEMA["students"].title]


def test_check_on_a_clean_store_exits_zero(empty_data_dir: Path) -> None:
    assert runner.invoke(cli, ["init-sheets"]).exit_code == 0
    result = runner.invoke(cli, ["check"])
    assert result.exit_code == 0 and "Проблем не найдено" in result.stdout


def test_init_sheets_is_idempotent_and_reports_drift(empty_data_dir: Path) -> None:
    first = runner.invoke(cli, ["init-sheets"])
    assert first.exit_code == 0 and f"создано {len(SCHEMA)}" in first.stdout
    store = LocalStore(empty_data_dir / "edumon.sqlite3")
    title = SCHEMA["students"].title
    store.replace_sheet(title, [["id", "Фамилия", "Имя", "Отч.", "Класс"], ["st1", "Петров", "Иван"]])
    second = runner.invoke(cli, ["init-sheets"])
    assert second.exit_code == 0 and "создано 0" in second.stdout
    assert "«Отчество», похоже, переименован в «Отч.»" in second.stdout
    assert store.read_all()[title][1] == ["st1", "Петров", "Иван"]


@pytest.mark.parametrize(("env", "message"), [
    ({"EDUMON_PORT": "сто"}, "EDUMON_PORT"),
    ({"EDUMON_BACKEND": "excel"}, "EDUMON_BACKEND"),
    ({"EDUMON_BACKEND": "google"}, "EDUMON_SPREADSHEET_KEY"),
])
def test_bad_settings_give_a_russian_message_not_a_traceback(empty_data_dir: Path, monkeypatch, env, message) -> None:
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    result = runner.invoke(cli, ["check"])
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.stdout + result.stderr


def test_bad_cli_argument_is_refused(empty_data_dir: Path) -> None:
    result = runner.invoke(cli, ["demo", "--students", "-5"])
    assert result.exit_code == 2
    assert "число обучающихся должно быть от 10 до 100000" in result.stderr
    assert not (empty_data_dir / "edumon.sqlite3").exists() or LocalStore(
        empty_data_dir / "edumon.sqlite3").read_all() == {}


def test_audit_and_status_follow_a_write(data_dir: Path) -> None:
    from app.config import Settings
    from app.context import build_context
    from sync.write.commands import WriteCommand

    ctx = build_context(Settings())
    ctx.cache.refresh()
    row = ctx.cache.raw_row("students", ctx.cache.workbook["students"]["id"].iloc[0])
    ctx.writer.submit([WriteCommand("update", "students", row["id"], {"middle_name": "Тестовна"},
                                    expected={"middle_name": row["middle_name"]}, user="zam")])
    pending = runner.invoke(cli, ["status"])
    assert pending.exit_code == 0 and "Ожидают записи: 1" in pending.stdout
    audit = runner.invoke(cli, ["audit", "--user", "zam", "--sheet", "Обучающиеся"])
    assert f"«{row['middle_name']}» → «Тестовна»" in audit.stdout and "[ожидает записи]" in audit.stdout
    ctx.worker.drain()
    entries = json.loads(runner.invoke(cli, ["audit", "--json"]).stdout)
    assert [(e["user"], e["status"]) for e in entries] == [("zam", "applied")]
    assert "Ожидают записи: 0" in runner.invoke(cli, ["status"]).stdout
    assert runner.invoke(cli, ["audit", "--sheet", "Нет такого"]).exit_code == 2
