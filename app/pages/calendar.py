"""The assessment calendar (/calendar): the year's monitoring works by month — planned, due, partly entered or with
results. The deputy sees every work of the school; a teacher the works of their subjects in the classes they teach
(a class teacher every work of the led class, a head of department the department's subjects), each with the
classes still without results and a link to enter them.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
from nicegui import ui

from app.access import Scope
from app.analytics_cache import computed, page_base
from app.auth import page
from app.frame import frame
from reports.analytics.schedule import DONE, DUE, PARTLY, PLANNED, STATUSES, status_counts, work_schedule
from reports.labels import fmt_date
from sync.users import Account

COLORS = {PLANNED: "grey-7", DUE: "negative", PARTLY: "warning", DONE: "positive"}
COLUMNS = [{"name": k, "label": t, "field": k, "align": a} for k, t, a in (
    ("date", "Дата", "left"), ("title", "Работа", "left"), ("subject", "Предмет", "left"),
    ("parallel", "Параллель", "right"), ("kind", "Вид", "left"), ("classes", "Классы с результатами", "right"),
    ("status", "Состояние", "left"), ("pending", "Ещё без результатов", "left"))]


def schedule_pairs(scope: Scope, frames: Mapping[str, pd.DataFrame]) -> frozenset[tuple[str, str]] | None:
    """(class, subject) pairs whose works are the person's: the teaching load; every subject of a led class; every
    class in a subject of the head's department. None: the whole school."""
    if scope.everything:
        return None
    subjects = frames["subjects"]["id"].astype(str).tolist()
    classes = frames["classes"]["id"].astype(str).tolist()
    pairs = set(scope.pairs)
    pairs |= {(c, s) for c in scope.classes for s in subjects}
    pairs |= {(c, s) for s in scope.department_subjects for c in classes}
    return frozenset(pairs)


def calendar_view(frames: Mapping[str, pd.DataFrame], scope: Scope, today: pd.Timestamp) -> pd.DataFrame:
    return work_schedule(frames, today, schedule_pairs(scope, frames))


def _rows(month: pd.DataFrame) -> list[dict[str, str]]:
    return [{"id": r["work_id"], "date": fmt_date(r["date"]), "title": r["title"], "subject": r["subject"],
             "parallel": str(r["parallel"]), "kind": r["kind"],
             "classes": f"{r['classes_done']} из {r['classes_expected']}", "status": r["status"],
             "pending": r["pending_classes"] or "—"} for r in month.to_dict("records")]


def _month_table(month: pd.DataFrame, marker: str, may_enter: bool) -> None:
    table = ui.table(columns=COLUMNS, rows=_rows(month), row_key="id").classes("w-full").props(
        "dense flat wrap-cells hide-pagination").mark(marker)
    table.pagination = {"rowsPerPage": 0}
    table.add_slot("body-cell-title", '<q-td :props="props"><a :href="\'/work/\' + props.row.id">'
                                      '{{ props.value }}</a></q-td>')
    enter = ('<a v-if="props.row.status !== \'' + PLANNED + '\' && props.row.status !== \'' + DONE +
             '\'" :href="\'/grid?work=\' + props.row.id" class="q-ml-sm">внести</a>') if may_enter else ""
    colors = "{" + ", ".join(f"'{s}': '{c}'" for s, c in COLORS.items()) + "}"
    table.add_slot("body-cell-status", '<q-td :props="props"><q-badge :color="' + colors + '[props.value]" '
                                       ':label="props.value" />' + enter + '</q-td>')


def create() -> None:
    @page("/calendar", "calendar")
    async def calendar_page(account: Account) -> None:
        base = await page_base(account)
        today = pd.Timestamp.today().normalize()
        schedule = await computed(base.version, calendar_view, base.seen.frames, base.scope, today)
        title = "Календарь оценочных процедур" + ("" if base.scope.everything else " — мои работы")
        with frame(title):
            counts = status_counts(schedule)
            with ui.row().classes("gap-2").mark("calendar-counts"):
                for status in STATUSES:
                    ui.badge(f"{status}: {counts[status]}", color=COLORS[status]).classes("text-body2 q-pa-sm"
                                                                                          ).mark(f"count-{status}")
            if schedule.empty:
                ui.label("Работ в календаре нет: работы планирует заместитель директора на листе «Работы»."
                         ).mark("calendar-empty")
                return
            show = ui.select({"": "все", **{s: s for s in STATUSES}}, value="", label="Показать"
                             ).classes("w-64").mark("calendar-filter")
            may_enter = account is not None and account.role != "db_admin"

            @ui.refreshable
            def months() -> None:
                rows = schedule if not show.value else schedule[(schedule["status"] == show.value).to_numpy()]
                for i, (label, month) in enumerate(rows.groupby("month", sort=False)):
                    ui.label(label).classes("text-h6")
                    _month_table(month, f"calendar-month-{i}", may_enter)
                if rows.empty:
                    ui.label("Работ в этом состоянии нет.").mark("calendar-none")

            show.on_value_change(months.refresh)
            months()
            ui.label(f"«{DUE}» — дата работы прошла, а результатов ни одного класса нет; «{PARTLY}» — есть не у всех "
                     "классов.").classes("text-caption text-grey-7")
