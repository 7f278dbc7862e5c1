"""The assessment calendar: each work planned, due, partly entered or done, counted by hand on a tiny school; the
page shows the deputy every work and a teacher only their own, server-side."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from nicegui import ui
from nicegui.testing import User

from app.access import scope_of
from app.pages.calendar import calendar_view, schedule_pairs
from reports.analytics.schedule import DONE, DUE, PARTLY, PLANNED, status_counts, work_schedule
from sheets_schema import Workbook
from sync.users import UserStore
from tests.conftest import sign_in
from tests.factories import School

TODAY = pd.Timestamp("2025-10-10")


def tiny() -> tuple[dict[str, pd.DataFrame], dict[str, str]]:
    """9«А» and 9«Б»; algebra taught by Иванова in both, history by Петрова in 9«А» only. Four works of 9th grade."""
    s = School()
    alg, hist = s.subject("Алгебра"), s.subject("История")
    a, b = s.klass(9, "А"), s.klass(9, "Б")
    iv, pt = s.teacher("Иванова"), s.teacher("Петрова")
    s.load(iv, a, alg), s.load(iv, b, alg), s.load(pt, a, hist)
    pa, pb = s.student(a, "Орлов"), s.student(b, "Котов")
    done = s.work(alg, date="15.09.2025", title="Входная по алгебре")  # both classes entered
    s.result(done, pa, total=5), s.result(done, pb, total=6)
    partly = s.work(alg, date="01.10.2025", title="Рубежная по алгебре")  # 9«А» only
    s.result(partly, pa, total=5)
    due = s.work(hist, date="05.10.2025", title="Входная по истории")  # nobody yet, the date has passed
    planned = s.work(alg, date="20.12.2025", title="Итоговая по алгебре")  # ahead
    return s.frames(), {"done": done, "partly": partly, "due": due, "planned": planned, "iv": iv, "pt": pt,
                        "a": a, "b": b, "alg": alg, "hist": hist}


def test_each_work_gets_its_status_and_the_classes_still_without_results() -> None:
    frames, ids = tiny()
    out = work_schedule(frames, TODAY)
    got = {r["title"]: (r["status"], r["classes_done"], r["classes_expected"], r["pending_classes"])
           for r in out.to_dict("records")}
    assert got == {"Входная по алгебре": (DONE, 2, 2, ""),
                   "Рубежная по алгебре": (PARTLY, 1, 2, "9«Б»"),
                   "Входная по истории": (DUE, 0, 2, "9«А», 9«Б»"),
                   "Итоговая по алгебре": (PLANNED, 0, 2, "")}
    assert list(out["month"]) == ["Сентябрь 2025", "Октябрь 2025", "Октябрь 2025", "Декабрь 2025"]
    assert status_counts(out) == {PLANNED: 1, DUE: 1, PARTLY: 1, DONE: 1}


def test_a_teacher_sees_only_the_works_and_classes_of_their_load() -> None:
    frames, ids = tiny()
    from sync.users import Account

    petrova = scope_of(Account("p", "Петрова", "teacher", ids["pt"]), frames)
    out = calendar_view(frames, petrova, TODAY)
    assert list(out["title"]) == ["Входная по истории"]
    assert (out["classes_expected"].iloc[0], out["pending_classes"].iloc[0]) == (1, "9«А»")  # not 9«Б»
    ivanova = scope_of(Account("i", "Иванова", "teacher", ids["iv"]), frames)
    assert set(calendar_view(frames, ivanova, TODAY)["title"]) == {"Входная по алгебре", "Рубежная по алгебре",
                                                                    "Итоговая по алгебре"}
    deputy = scope_of(Account("z", "Зам", "deputy"), frames)
    assert schedule_pairs(deputy, frames) is None and len(calendar_view(frames, deputy, TODAY)) == 4


async def test_the_deputy_sees_every_work_and_a_teacher_only_own(data_dir: Path, user: User,
                                                                  workbook: Workbook) -> None:
    await sign_in(user, "zam")
    await user.open("/calendar")
    await user.should_see(marker="calendar-counts")
    today = pd.Timestamp.today().normalize()
    whole = work_schedule(workbook.frames, today)
    assert len(whole) == len(workbook["works"])  # every work has classes in the demo school
    counts = status_counts(whole)
    for status, n in counts.items():
        await user.should_see(f"{status}: {n}")
    assert shown_titles(user) == sorted(whole["title"])
    await user.open("/logout")
    await sign_in(user, "uchitel")
    await user.open("/calendar")
    await user.should_see("мои работы")
    account = UserStore(data_dir / "users.sqlite3").get("uchitel")
    own = calendar_view(workbook.frames, scope_of(account, workbook.frames), today)
    assert 0 < len(own) < len(whole)
    for status, n in status_counts(own).items():
        await user.should_see(f"{status}: {n}")
    assert shown_titles(user) == sorted(own["title"])  # no work of another teacher's subjects or classes


def shown_titles(user: User) -> list[str]:
    tables = [el for el in user.client.layout.descendants() if isinstance(el, ui.table)
              and any(m.startswith("calendar-month-") for m in el._markers)]
    return sorted(r["title"] for t in tables for r in t.rows)


async def test_the_administrator_has_no_calendar(data_dir: Path, user: User) -> None:
    await sign_in(user, "admin")
    await user.open("/calendar")
    await user.should_see(marker="forbidden")
