"""The scoped workbook a page starts from is made once per person and cached workbook; the event loop only takes it
when it is already made (app.visible.remembered_workbook) and never makes it itself."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from app import state, visible
from sheets_schema import Workbook
from sync.users import Account


@pytest.fixture
def cached(workbook: Workbook, monkeypatch: pytest.MonkeyPatch) -> SimpleNamespace:
    cache = SimpleNamespace(workbook=workbook)
    monkeypatch.setattr(state, "_current", SimpleNamespace(cache=cache))
    monkeypatch.setattr(visible, "_memo", {})
    return cache


def test_a_view_is_remembered_for_its_person_and_its_workbook_only(cached: SimpleNamespace,
                                                                   workbook: Workbook) -> None:
    teacher_id = str(workbook["teachers"]["id"].iloc[0])
    teacher = Account("t1", "Учитель", "teacher", teacher_id)
    deputy = Account("zam", "Зам", "deputy")
    assert visible.remembered_workbook(teacher, workbook) is None  # nothing made yet: the caller goes off the loop
    view = visible.visible_workbook(teacher)
    assert len(view["students"]) < len(workbook["students"])  # a teacher's view: their classes only
    assert visible.remembered_workbook(teacher, workbook) is view
    assert visible.remembered_workbook(deputy, workbook) is None  # another person: their own view
    newer = Workbook(dict(workbook.frames), workbook.issues)  # the cache after a write
    assert visible.remembered_workbook(teacher, newer) is None
    cached.workbook = newer
    assert visible.visible_workbook(teacher) is not view  # made again from the newer workbook
    assert visible.remembered_workbook(teacher, workbook) is None
