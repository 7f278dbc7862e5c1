"""`edumon lab-export` at a school and `edumon lab collect / status / debtors / return` at the lab, end to end."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from app.cli import cli
from app.config import Settings
from app.demo.town import TownSchool, registry_grids
from app.lab.context import build_lab_context

runner = CliRunner()


def _lab(root: Path) -> None:
    ctx = build_lab_context(Settings(site="lab", data_dir=root))
    ctx.ensure_layout()
    town = [TownSchool("sch-001", "СОШ № 1", "СОШ", 60), TownSchool("sch-002", "СОШ № 2", "СОШ", 60)]
    for title, grid in registry_grids(town, "2025/2026").items():
        ctx.store.replace_sheet(title, grid)


def test_export_collect_status_debtors(data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("EDUMON_SCHOOL_CODE", raising=False)
    refused = runner.invoke(cli, ["lab-export", "--out", str(tmp_path / "x.zip")])
    assert refused.exit_code == 2 and "EDUMON_SCHOOL_CODE" in refused.output
    monkeypatch.setenv("EDUMON_SCHOOL_CODE", "sch-001")
    inbox = tmp_path / "inbox"
    done = runner.invoke(cli, ["lab-export", "--out", str(inbox / "sch-001.zip")])
    assert done.exit_code == 0, done.output
    assert "Обучающиеся — только коды участников" in done.output
    assert "Не вошли" in done.output  # the demo's hand-spoiled rows and what refers to them stay at the school
    assert stat.S_IMODE(os.stat(data_dir / "lab_key").st_mode) == 0o600
    (inbox / "junk.zip").write_bytes(b"not a bundle")

    lab = tmp_path / "lab"
    _lab(lab)
    monkeypatch.setenv("EDUMON_DATA_DIR", str(lab))
    not_lab = runner.invoke(cli, ["lab", "status"])
    assert not_lab.exit_code == 2 and "EDUMON_SITE=lab" in not_lab.output
    monkeypatch.setenv("EDUMON_SITE", "lab")
    unknown = runner.invoke(cli, ["lab", "add-user", "u9", "--name", "Кто-то", "--role", "lab_uploader",
                                  "--school", "x"])
    assert unknown.exit_code == 2 and "не зарегистрирована" in unknown.output
    added = runner.invoke(cli, ["lab", "add-user", "u2", "--name", "СОШ № 2", "--role", "lab_uploader",
                                "--school", "sch-002"])
    assert added.exit_code == 0 and "пароль:" in added.output
    from sync.users import UserStore

    assert UserStore(lab / "users.sqlite3").get("u2").teacher_id == "sch-002"
    collected = runner.invoke(cli, ["lab", "collect", "--from", str(inbox)])
    assert collected.exit_code == 1, collected.output  # one of two was refused
    assert "✓ sch-001.zip: школа sch-001, 2025/2026" in collected.output
    assert "✗ junk.zip: пакет не принят" in collected.output and "не является пакетом данных" in collected.output
    status = runner.invoke(cli, ["lab", "status"])
    assert status.exit_code == 0, status.output
    assert "принято 1 из 2, не прислали 1" in status.output
    lines = {line.split()[0]: line for line in status.output.splitlines()[1:] if line.strip()}
    assert "принят" in lines["sch-001"] and "не прислан" in lines["sch-002"]
    returned = runner.invoke(cli, ["lab", "return", "sch-001", "--comment", "Нет ВПР по истории"])
    assert returned.exit_code == 0, returned.output
    status = runner.invoke(cli, ["lab", "status"])
    assert "возвращён на доработку" in status.output and "«Нет ВПР по истории»" in status.output
    out = tmp_path / "debtors.xlsx"
    debt = runner.invoke(cli, ["lab", "debtors", "--out", str(out)])
    assert debt.exit_code == 0 and "Должников: 2" in debt.output
    ws = load_workbook(out).active
    assert [ws.cell(r, 1).value for r in (4, 5)] == ["sch-001", "sch-002"]
    indicators = runner.invoke(cli, ["lab", "indicators"])
    assert indicators.exit_code == 0 and "sch-001" in indicators.output and "ВПР" in indicators.output


def test_a_past_year_comes_from_a_snapshot(data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EDUMON_SCHOOL_CODE", "sch-001")
    snap = runner.invoke(cli, ["snapshot", "--note", "архив"])
    assert snap.exit_code == 0, snap.output
    sid = next(p.name for p in (data_dir / "snapshots").iterdir() if p.is_dir())
    no_year = runner.invoke(cli, ["lab-export", "--snapshot", sid])
    assert no_year.exit_code == 2 and "--year" in no_year.output
    missing = runner.invoke(cli, ["lab-export", "--snapshot", "19990101T000000Z", "--year", "2024/2025"])
    assert missing.exit_code == 2 and "не открыть" in missing.output
    out = tmp_path / "inbox" / "old.zip"
    done = runner.invoke(cli, ["lab-export", "--snapshot", sid, "--year", "2024/2025", "--out", str(out)])
    assert done.exit_code == 0, done.output
    lab = tmp_path / "lab"
    _lab(lab)
    monkeypatch.setenv("EDUMON_DATA_DIR", str(lab))
    monkeypatch.setenv("EDUMON_SITE", "lab")
    collected = runner.invoke(cli, ["lab", "collect", "--from", str(out.parent)])
    assert collected.exit_code == 0, collected.output
    assert "школа sch-001, 2024/2025" in collected.output
    assert (lab / "warehouse" / "results" / "year=2024" / "school=sch-001" / "part-0.parquet").is_file()
