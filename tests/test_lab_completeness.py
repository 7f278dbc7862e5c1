"""Campaign completeness: the board matches what was sent (hand-made submissions), debtors and their xlsx."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pandas as pd
from openpyxl import load_workbook

from reports.district.completeness import KEPT, NOT_SENT, board, debtors, summary
from reports.district.debtors import debtors_xlsx
from sync.warehouse.receipts import ACCEPTED, REFUSED, RETURNED, Receipts

SCHOOLS = pd.DataFrame({"code": ["a", "b", "c", "d", "e"], "short_name": ["СОШ № 1", "=HYPERLINK(\"x\")", "Лицей",
                                                                          "ООШ", "НОШ"],
                        "method": ["загрузка"] * 5})
DEADLINE = dt.date(2026, 6, 15)


def _at(day: int) -> float:
    return dt.datetime(2026, 6, day, 12, 0).timestamp()


def test_the_board_matches_what_was_sent(tmp_path: Path) -> None:
    rc = Receipts(tmp_path / "r.sqlite3")
    rc.record("a", "2025/2026", "загрузка", ACCEPTED, [], 100, at=_at(10))
    rc.record("b", "2025/2026", "загрузка", REFUSED, ["x", "y", "z"], at=_at(11))
    rc.record("c", "2025/2026", "загрузка", REFUSED, ["x"], at=_at(12))
    rc.record("c", "2025/2026", "загрузка", ACCEPTED, [], 50, at=_at(20))  # accepted after the deadline
    rc.record("d", "2025/2026", "google", ACCEPTED, [], 10, at=_at(13))
    rc.record("e", "2024/2025", "загрузка", ACCEPTED, [], 10, at=_at(1))  # another year: not this campaign
    assert rc.return_for_correction("d", "2025/2026", "Нет результатов ВПР по математике")
    b = board(SCHOOLS, "2025/2026", DEADLINE, [s.__dict__ for s in rc.all()], dt.date(2026, 6, 25)).set_index("code")
    assert b["status"].to_dict() == {"a": ACCEPTED, "b": REFUSED, "c": ACCEPTED, "d": RETURNED, "e": NOT_SENT}
    assert b["problems"].to_dict() == {"a": 0, "b": 3, "c": 0, "d": 0, "e": 0}
    assert b["attempts"].to_dict() == {"a": 1, "b": 1, "c": 2, "d": 1, "e": 0}
    assert b["late"].to_dict() == {"a": False, "b": True, "c": True, "d": True, "e": True}
    assert b.loc["d", "comment"] == "Нет результатов ВПР по математике"
    assert b.loc["a", "sent_at"] == dt.datetime(2026, 6, 10, 12, 0)
    assert summary(b.reset_index()) == {"schools": 5, "accepted": 2, "late": 4, "not_sent": 1}
    before = board(SCHOOLS, "2025/2026", DEADLINE, [s.__dict__ for s in rc.all()], dt.date(2026, 6, 14))
    assert before.set_index("code")["late"].to_dict() == {"a": False, "b": False, "c": True, "d": False, "e": False}
    assert list(debtors(b.reset_index())["code"]) == ["b", "c", "d", "e"]
    rc.record("a", "2025/2026", "загрузка", REFUSED, ["x", "y"], at=_at(21))  # a later bad re-submission
    b = board(SCHOOLS, "2025/2026", DEADLINE, [s.__dict__ for s in rc.all()], dt.date(2026, 6, 25)).set_index("code")
    assert (b.loc["a", "status"], b.loc["a", "problems"], b.loc["a", "late"]) == (KEPT, 2, False)
    assert list(debtors(b.reset_index())["code"]) == ["b", "c", "d", "e"]


def test_the_debtors_xlsx_keeps_a_formula_looking_name_as_text() -> None:
    b = board(SCHOOLS, "2025/2026", DEADLINE, [], dt.date(2026, 7, 1))
    data = debtors_xlsx(debtors(b), "=1+1 кампания")
    ws = load_workbook(io.BytesIO(data)).active
    values = [[c.value for c in row] for row in ws.iter_rows()]
    assert values[0][0] == "Не сдали данные или сдали с нарушениями: =1+1 кампания"
    assert values[2][:3] == ["Код школы", "Школа", "Состояние"]
    names = [ws.cell(r, 2) for r in range(4, 9)]
    assert [c.value for c in names] == list(SCHOOLS["short_name"])
    assert all(c.data_type == "s" for c in names)
