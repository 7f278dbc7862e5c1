"""Printable portfolios: a student's (/student/{id}) and a teacher's (/teacher/{id}), plus the list of teachers a
person may open (/teachers). Reads the cache only; who may see whom is decided by app.access on the server, and
what they see of a portfolio goes through app.access.visible_facts: results, period marks and olympiads of the
(class, subject) pairs in the person's scope only.

Also the small page helpers the teacher's dashboard and the drill-down dashboard share: tables whose cells link
somewhere, a student's results table, and printing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import pandas as pd
from nicegui import ui

from app.access import Scope, can_open, can_see_student, can_see_teacher, scope_of, visible_facts
from app.analytics_cache import computed, page_base
from app.auth import page
from app.frame import frame
from app.pages.chart_format import russian
from app.pages.dashboard_exports import exports_panel
from app.pages.forecast_panel import student_forecast
from app.pages.work import table_rows
from app.state import ctx
from app.visible import visible_workbook
from reports.analytics import portfolio as pf
from reports.analytics.dashboard import rounded
from reports.labels import column_title, fmt_date, fmt_num
from sync.users import Account

# Hide the chrome, the buttons and the table pagers on paper; keep tables whole across pages where possible.
PRINT_CSS = """
@media print {
  .q-header, .q-footer, .q-drawer, .no-print, .q-btn, .q-table__bottom { display: none !important; }
  .q-page-container { padding-top: 0 !important; }
  .nicegui-content { padding: 0 !important; }
  .q-table tr { break-inside: avoid; }
  a, a.text-primary { color: inherit !important; text-decoration: none !important; }
}
"""
INDICATORS = ("N", "success_pct", "quality_pct", "sou_pct", "mean_mark")
CLASS_COLUMNS = ("class", "subject", *INDICATORS)
RESULT_COLUMNS = ("date", "subject", "work", "kind", "total", "max_score", "pct", "mark")
OLYMPIAD_COLUMNS = ("event_date", "subject", "olympiad_level", "status", "olympiad_score")
ACHIEVEMENT_COLUMNS = ("event_date", "portfolio_kind", "title", "achievement_level", "result", "link")
AWARD_COLUMNS = ("event_date", "student", "class", "subject", "olympiad_level", "status", "olympiad_score")
TITLES = pf.TITLES


def dashboard_url(parallel: Any, class_id: str) -> str:
    return "/dashboard?" + urlencode({"parallel": parallel, "class": class_id})


def printable() -> None:
    """Print CSS for this page and a «Печать» button that prints in the browser (no round trip)."""
    ui.add_css(PRINT_CSS)
    ui.button("Печать", icon="print").props("outline").classes("no-print").on(
        "click", js_handler="() => window.print()").mark("print")


def _shown(frame_: pd.DataFrame) -> pd.DataFrame:
    """Dates as people write them, text as plain objects (the table helper aligns those left and renders the
    rest)."""
    out = frame_.copy()
    for c in out.columns:
        if pd.api.types.is_datetime64_any_dtype(out[c]):
            out[c] = pd.Series([fmt_date(v) if pd.notna(v) else "" for v in out[c]], index=out.index, dtype=object)
        elif isinstance(out[c].dtype, (pd.CategoricalDtype, pd.StringDtype)):
            out[c] = out[c].astype(object)
    return out


@dataclass(frozen=True)
class TableRows:
    """A linked table ready to draw: columns, rows (with an `href_<column>` per linked column) and which columns
    link; made off the event loop (linked_rows), drawn by show_table."""

    columns: list[dict[str, Any]]
    rows: list[dict[str, Any]]
    links: tuple[str, ...] = ()
    new_tab: tuple[str, ...] = ()


def linked_rows(frame_: pd.DataFrame, columns: Sequence[str], links: Mapping[str, Sequence[str]] | None = None,
                titles: Mapping[str, str] | None = None, new_tab: Sequence[str] = ()) -> TableRows:
    """work.table_rows() whose cells of the given columns are links (href per row; an empty href: plain text)."""
    cols, rows = table_rows(_shown(frame_), columns, {**TITLES, **(titles or {})})
    for column, hrefs in (links or {}).items():
        for row, href in zip(rows, hrefs, strict=True):
            row[f"href_{column}"] = href
    return TableRows(cols, rows, tuple(links or ()), tuple(new_tab))


def show_table(spec: TableRows, marker: str, rows_per_page: int = 0) -> ui.table:
    """The table of linked_rows; `rows_per_page` pages a long table (0: every row at once)."""
    paged = {"rowsPerPage": rows_per_page} if rows_per_page and len(spec.rows) > rows_per_page else 0
    t = ui.table(columns=spec.columns, rows=spec.rows, row_key="_key", pagination=paged).classes("w-full").props(
        "dense flat wrap-cells").mark(marker)
    for column in spec.links:
        t.add_slot(f"body-cell-{column}", link_cell(f"href_{column}", new_tab=column in spec.new_tab))
    return t


def linked_table(frame_: pd.DataFrame, columns: Sequence[str], marker: str,
                 links: Mapping[str, Sequence[str]] | None = None, titles: Mapping[str, str] | None = None,
                 new_tab: Sequence[str] = (), rows_per_page: int = 0) -> ui.table:
    """linked_rows drawn at once (pages whose tables are not made off the event loop)."""
    return show_table(linked_rows(frame_, columns, links, titles, new_tab), marker, rows_per_page)


def link_cell(key: str, css: str = "'text-primary'", new_tab: bool = False) -> str:
    """A Quasar table cell template: the cell's text as a link to the row's `key` (plain text where it is empty);
    `css` is a Vue expression for the link's classes (it may read `props.row` and `props.col`)."""
    target = ' target="_blank" rel="noopener"' if new_tab else ""
    return (f'<q-td :props="props"><a v-if="props.row.{key}" :href="props.row.{key}"{target} :class="{css}">'
            '{{ props.value }}</a><span v-else>{{ props.value }}</span></q-td>')


def section(title: str, frame_: pd.DataFrame | Sequence[Any], empty_marker: str) -> bool:
    """A section heading; says «Нет.» (with a marker) and returns False when there is nothing (no rows) to show."""
    ui.label(title).classes("text-h6 q-mt-md")
    if (frame_.empty if isinstance(frame_, pd.DataFrame) else not len(frame_)):
        ui.label("Нет.").classes("text-grey-7").mark(empty_marker)
        return False
    return True


def class_rows(rows: pd.DataFrame, extra: Sequence[str] = (), extra_links: Mapping[str, Sequence[str]] | None = None,
               titles: Mapping[str, str] | None = None) -> TableRows:
    """(class, subject) rows with their indicators; the class opens the deputy drill-down of that class."""
    links = {"class": [dashboard_url(p, c) for p, c in zip(rows["parallel"], rows["class_id"], strict=True)],
             **(extra_links or {})}
    return linked_rows(rows, (*CLASS_COLUMNS, *extra), links, titles)


def class_table(rows: pd.DataFrame, marker: str) -> ui.table:
    return show_table(class_rows(rows), marker)


def results_table(results: pd.DataFrame, marker: str, work_links: bool) -> ui.table:
    """A student's works (pf.student_results): date, subject, work, kind, total, % and mark; with `work_links` each
    work opens its справка for the student's class."""
    links = [f"/work/{w}" + (f"?class={c}" if pd.notna(c) and str(c) != "" else "")
             for w, c in zip(results["work_id"], results["class_id"], strict=True)]
    return linked_table(results, RESULT_COLUMNS, marker, {"work": links} if work_links else None)


def visible_rows(rows: pd.DataFrame, class_id: str, scope: Scope) -> pd.DataFrame:
    """A student's rows of a sheet with a subject (period marks, olympiads) that the person may see: the (class,
    subject) rule of visible_facts, applied to the student's class and each row's subject."""
    keys = pd.DataFrame({"class_id": class_id, "subject_id": rows["subject_id"].astype(object)}, index=rows.index)
    return rows.loc[visible_facts(keys, scope).index]


def _refuse(title: str, text: str, marker: str) -> None:
    with frame(title):
        ui.label(text).mark(marker)


def _student_chart(results: pd.DataFrame) -> None:
    done = results[results["pct"].notna().to_numpy(dtype=bool)]
    points = [{"value": [pd.Timestamp(d).strftime("%Y-%m-%d"), rounded(v)], "name": str(w)}
              for d, v, w in zip(done["date"], done["pct"], done["work"], strict=True)]
    ui.echart(russian({
        "title": {"text": "Результаты работ, % от максимального балла", "textStyle": {"fontSize": 14}},
        "tooltip": {"trigger": "item", ":formatter": "p => p.name + '<br>' + "
                    "new Date(p.value[0]).toLocaleDateString('ru-RU') + ': ' + "
                    "p.value[1].toLocaleString('ru-RU') + '\u00a0%'"},
        "xAxis": {"type": "time", "axisLabel": {
            ":formatter": "v => new Date(v).toLocaleDateString('ru-RU', {month: 'short', year: 'numeric'})"}},
        "yAxis": {"type": "value", "min": 0, "max": 100, "name": "%"},
        "series": [{"type": "line", "name": "% от максимума", "data": points, "symbolSize": 8}],
    })).classes("w-full max-w-[900px] h-72").mark("student-chart")


def student_view(frames: Mapping[str, pd.DataFrame], facts: pd.DataFrame, scope: Scope, class_id: str,
                 student_id: str) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """A student's results, period marks, olympiads and achievements as the scope may see them."""
    mine = {key: visible_rows(frames[key][(frames[key]["student_id"] == student_id).fillna(False).to_numpy(
        dtype=bool)], class_id, scope) for key in ("period_marks", "olympiads")}
    return (pf.student_results(facts, student_id),
            pf.student_period_marks(mine["period_marks"], frames["subjects"], student_id),
            pf.student_olympiads(mine["olympiads"], frames["subjects"], student_id),
            pf.achievements(frames["portfolio"], pf.STUDENT_OWNER, student_id))


async def student_page(student_id: str, account: Account) -> None:
    base = await page_base(account)
    frames, scope = base.workbook.frames, base.scope
    card = pf.student_card(frames["students"], frames["classes"], student_id)
    if card is None:
        return _refuse("Портфолио обучающегося", "Обучающийся не найден.", "student-not-found")
    if not can_see_student(scope, frames, student_id):
        return _refuse("Портфолио обучающегося", "Нет доступа: этот обучающийся не учится в ваших классах.",
                       "student-forbidden")
    results, marks, olympiads, achieved = await computed(base.version, student_view, base.seen.frames, base.visible,
                                                         scope, card["class_id"], student_id)
    with frame(f"Портфолио обучающегося: {card['name']}"):
        with ui.row().classes("items-center gap-4"):
            ui.label(f"Класс: {card['class'] or '—'}").classes("text-subtitle1").mark("student-class")
            printable()
        if not scope.everything and card["class_id"] not in scope.classes:
            ui.label("Показаны предметы, которые вы ведёте или курируете в классе обучающегося.").classes(
                "text-caption text-grey-7").mark("student-scope-note")
        if section("Результаты мониторинговых работ", results, "student-results-none"):
            _student_chart(results)
            results_table(results, "student-results", can_open(account, "work"))
            student_forecast(base.visible, student_id)
        if section("Отметки за период", marks, "student-marks-none"):
            linked_table(marks, list(marks.columns), "student-marks")  # a period's title is its name
        if section("Олимпиады", olympiads, "student-olympiads-none"):
            linked_table(olympiads, OLYMPIAD_COLUMNS, "student-olympiads")
        if section("Достижения", achieved, "student-achievements-none"):
            linked_table(achieved, ACHIEVEMENT_COLUMNS, "student-achievements", {"link": list(achieved["link"])},
                         new_tab=("link",))
    return None


def _teacher_card(card: Mapping[str, Any]) -> None:
    since = fmt_date(card["category_date"]) if pd.notna(card["category_date"]) else ""
    lines = [(column_title("position"), card["position"]), (column_title("department"), card["department"]),
             (column_title("category"), f"{card['category']}" + (f" (с {since})" if since else "")),
             (column_title("education"), card["education"]),
             (column_title("experience"), fmt_num(card["experience"], 0))]
    with ui.grid(columns=2).classes("gap-x-6 gap-y-1").mark("teacher-card"):
        for label, value in lines:
            ui.label(label).classes("text-grey-8")
            ui.label("—" if value is None or (not isinstance(value, str) and pd.isna(value)) or value == ""
                     else str(value))


def teacher_view(frames: Mapping[str, pd.DataFrame], facts: pd.DataFrame, scope: Scope, teacher_id: str
                 ) -> dict[str, pd.DataFrame]:
    """The tables of a teacher's portfolio as the scope may see them."""
    pairs = visible_facts(pf.load_pairs(frames["teaching_load"], teacher_id), scope)  # the viewer's part of the load
    return {"classes": pf.pair_indicators(facts, pairs, frames["classes"], frames["subjects"]),
            "courses": pf.teacher_courses(frames["courses"], teacher_id),
            "attestations": pf.teacher_attestations(frames["attestations"], teacher_id),
            "awards": pf.taught_awards(frames["olympiads"], frames["students"], frames["classes"], frames["subjects"],
                                       pairs),
            "practices": pf.teacher_practices(frames["practices"], teacher_id),
            "mine": pf.achievements(frames["portfolio"], pf.TEACHER_OWNER, teacher_id)}


async def teacher_page(teacher_id: str, account: Account) -> None:
    base = await page_base(account)
    frames, scope, facts = base.workbook.frames, base.scope, base.visible
    card = pf.teacher_card(frames["teachers"], frames["departments"], teacher_id)
    if card is None:
        return _refuse("Портфолио педагога", "Педагог не найден.", "teacher-not-found")
    if not can_see_teacher(scope, teacher_id):
        return _refuse("Портфолио педагога", "Нет доступа: портфолио педагога открывают сам педагог, руководитель "
                       "его ШМО, заместитель директора и методист.", "teacher-forbidden")
    view = await computed(base.version, teacher_view, base.seen.frames, facts, scope, teacher_id)
    with frame(f"Портфолио педагога: {card['name']}"):
        with ui.row().classes("items-center gap-4"):
            if can_open(account, "my") and (scope.everything or teacher_id == scope.teacher_id):
                ui.link("Кабинет педагога", f"/my?teacher={teacher_id}").classes("no-print").mark("teacher-home")
            printable()
        _teacher_card(card)
        classes = view["classes"]
        if section("Классы и предметы (нагрузка)", classes, "teacher-classes-none"):
            class_table(classes, "teacher-classes")
            if (classes["N"] > 0).any():
                with ui.row().classes("items-center gap-2 no-print").mark("teacher-spravka"):
                    ui.label("Справка по педагогу за год:").classes("text-body2")
                    exports_panel("teacher", {"teacher_id": teacher_id}, None, facts, base.seen.frames, None, False,
                                  "teacher-", base=base.facts)
        courses = view["courses"]
        if section("Курсы повышения квалификации", courses, "teacher-courses-none"):
            linked_table(courses, ("course", "provider", "hours", "start_date", "course_end"), "teacher-courses")
        attestations = view["attestations"]
        if section("Аттестация", attestations, "teacher-attestations-none"):
            linked_table(attestations, ("attestation_date", "attestation_category"), "teacher-attestations")
        awards = view["awards"]
        if section("Победители и призёры олимпиад среди обучающихся педагога", awards, "teacher-awards-none"):
            links = [f"/student/{s}" if can_open(account, "student") and can_see_student(scope, frames, s) else ""
                     for s in awards["student_id"]]
            linked_table(awards, AWARD_COLUMNS, "teacher-awards", {"student": links})
        practices = view["practices"]
        if section("Передовой педагогический опыт (ППО)", practices, "teacher-practices-none"):
            linked_table(practices, ("event_date", "topic", "practice_level", "description"), "teacher-practices")
        mine = view["mine"]
        if section("Достижения", mine, "teacher-achievements-none"):
            linked_table(mine, ACHIEVEMENT_COLUMNS, "teacher-achievements", {"link": list(mine["link"])},
                         new_tab=("link",))
    return None


def teachers_page(account: Account) -> None:
    scope = scope_of(account, ctx().cache.workbook.frames)
    frames = visible_workbook(account).frames
    t = frames["teachers"]
    ids = [str(i) for i in t["id"] if can_see_teacher(scope, str(i))]
    cards = [pf.teacher_card(t, frames["departments"], i) for i in ids]
    rows = pd.DataFrame([c for c in cards if c is not None] or None,
                        columns=["teacher_id", "name", "position", "department", "category"])
    rows = rows.sort_values("name", kind="stable").reset_index(drop=True)
    with frame("Портфолио педагогов"):
        if rows.empty:
            ui.label("Нет педагогов, чьё портфолио вам доступно.").mark("teachers-none")
            return
        linked_table(rows, ("name", "position", "department", "category"), "teachers",
                     {"name": [f"/teacher/{i}" for i in rows["teacher_id"]]}, titles={"name": "Педагог"})


def create() -> None:
    @page("/student/{student_id}", "student")
    async def _student(student_id: str, account: Account) -> None:
        await student_page(student_id, account)

    @page("/teacher/{teacher_id}", "teacher_portfolio")
    async def _teacher(teacher_id: str, account: Account) -> None:
        await teacher_page(teacher_id, account)

    @page("/teachers", "teacher_portfolio")
    def _teachers(account: Account) -> None:
        teachers_page(account)

