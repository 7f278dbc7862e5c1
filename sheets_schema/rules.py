"""Cross-field and cross-sheet rules, worded with the schema's own labels. Each takes and returns typed frames."""

from __future__ import annotations

import functools
from collections.abc import Callable

import numpy as np
import pandas as pd
import pyarrow.compute as pc

from . import choices as C
from .base import Registry
from .cells import arrow_strings
from .fields import ERROR, WARNING, fmt_number
from .scores import SCORE_MATRICES, tuples_matrix
from .validation import REJECTED, ROW, Issue, Kept, a1

Frames = dict[str, pd.DataFrame]
Rule = Callable[[Registry, Frames], tuple[Frames, list[Issue]]]


def cell_of(schema: Registry, sheet_key: str, frame: pd.DataFrame, field_key: str, row: int) -> str:
    """The A1 address of one field on one sheet row, from where validation found its header (people move columns:
    with «Окончание» dragged to column A of «Курсы ПК», the end date of row 2 is A2). The only way a rule addresses
    a cell. A column missing from the sheet gives '' (the issue is about the row); a frame that was never read from
    a sheet (no recorded positions) is laid out as declared."""
    positions = frame.attrs.get("columns")
    if positions is None:
        return a1(row, schema[sheet_key].keys.index(field_key))
    col = positions.get(field_key)
    return "" if col is None else a1(row, int(col))


def score_to_mark(total: pd.Series | float, t3: pd.Series | float, t4: pd.Series | float,
                  t5: pd.Series | float) -> pd.Series:
    """Total score -> mark 2..5 by the work's minimum scores for 3, 4 and 5 (a 25-point work: 8/15/21). Thresholds
    are scalars or per-row (Series or arrays, by position); an empty total or threshold gives no mark from it."""
    total_s = pd.Series(total, dtype="Float64") if not isinstance(total, pd.Series) else total.astype("Float64")
    v = total_s.to_numpy(dtype=float, na_value=np.nan)
    mark = np.where(np.isnan(v), np.nan, 2.0)
    with np.errstate(invalid="ignore"):
        for t, m in ((t3, 3), (t4, 4), (t5, 5)):
            at = t.to_numpy(dtype=float, na_value=np.nan) if isinstance(t, pd.Series) else np.asarray(t, dtype=float)
            mark = np.where(v >= at, float(m), mark)  # NaN on either side: not reached
    missing = np.isnan(mark)
    return pd.Series(pd.arrays.IntegerArray(np.where(missing, 0, mark).astype(np.int64), missing),
                     index=total_s.index, copy=False)


def threshold_problem(max_score: float, t3: float, t4: float, t5: float, labels: dict[str, str]) -> str | None:
    """The Russian message for thresholds that do not increase or exceed the maximum, or None."""
    if not (t3 < t4 < t5):
        return (f"«{labels['threshold_3']}» < «{labels['threshold_4']}» < «{labels['threshold_5']}» "
                f"должно выполняться, а сейчас {fmt_number(t3)}, {fmt_number(t4)}, {fmt_number(t5)}")
    if t5 > max_score:
        return (f"«{labels['threshold_5']}» ({fmt_number(t5)}) больше, чем «{labels['max_score']}» "
                f"({fmt_number(max_score)})")
    return None


def validate_work_thresholds(schema: Registry, frames: Frames) -> tuple[Frames, list[Issue]]:
    sheet = schema["works"]
    works = frames["works"]
    issues: list[Issue] = []
    if works.empty:
        return frames, issues
    labels = sheet.column_titles()
    bad = np.zeros(len(works), dtype=bool)
    cols = works[["max_score", "threshold_3", "threshold_4", "threshold_5", ROW]].itertuples(index=False, name=None)
    for p, (max_score, t3, t4, t5, row) in enumerate(cols):
        msg = threshold_problem(float(max_score), float(t3), float(t4), float(t5), labels)
        if msg:
            issues.append(Issue(sheet.title, int(row), cell_of(schema, "works", works, "threshold_3", int(row)),
                                labels["threshold_3"], fmt_number(t3), msg, ERROR, sheet.key))
            bad[p] = True
    frames = dict(frames, works=works[~bad].reset_index(drop=True))
    return frames, issues


def scores_matrix(scores: pd.Series, frame: pd.DataFrame | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Scores tuples -> (values padded with NaN, counts); count is -1 where the cell is empty. Taken from the
    matrix validation kept when `frame` (the column's frame) still holds the very tuples it parsed."""
    kept = frame.attrs.get(SCORE_MATRICES, {}).get(str(scores.name)) if frame is not None else None
    got = kept.rows(scores, frame[ROW].to_numpy(dtype=np.int64) - 2) if kept is not None and frame is not None \
        else None
    return got if got is not None else tuples_matrix(scores.to_numpy(dtype=object))


def positions_in(values: pd.Series, ids: pd.Series) -> np.ndarray:
    """Each value's position among `ids` (unique: a validated id column), -1 where absent or empty. Hashed in
    Arrow, with no Python string per cell."""
    found = pc.index_in(arrow_strings(values), value_set=arrow_strings(ids))
    return np.asarray(pc.fill_null(found, -1).to_numpy(zero_copy_only=False), dtype=np.int64)


def taken(values: pd.Series | np.ndarray, codes: np.ndarray) -> np.ndarray:
    """values[codes] as floats, NaN where the code is -1 (a row whose reference is not there)."""
    v = np.append(np.asarray(values, dtype=float) if isinstance(values, np.ndarray)
                  else values.to_numpy(dtype=float, na_value=np.nan), np.nan)
    return v[codes]


def task_maxima(tasks: pd.DataFrame, work_ids: pd.Series, width: int) -> tuple[np.ndarray, np.ndarray]:
    """Per result row: the maxima of its work's tasks in task-number order (NaN-padded) and the task count."""
    if tasks.empty:
        return np.full((len(work_ids), width), np.nan), np.full(len(work_ids), -1, dtype=np.int64)
    works = pc.dictionary_encode(arrow_strings(tasks["work_id"]))  # hashed once, in Arrow
    code = np.asarray(works.indices.to_numpy(zero_copy_only=False), dtype=np.int64)
    order = np.lexsort((tasks["number"].to_numpy(dtype=float, na_value=np.nan), code))  # by work, then number
    n_tasks = np.bincount(code, minlength=len(works.dictionary))
    width = max(width, int(n_tasks.max()))
    table = np.full((len(n_tasks) + 1, width), np.nan)  # last row: works without tasks
    pos = np.arange(len(order)) - (np.cumsum(n_tasks) - n_tasks)[code[order]]  # each task's place in its work
    table[code[order], pos] = tasks["max_score"].to_numpy(dtype=float, na_value=np.nan)[order]
    found = pc.index_in(arrow_strings(work_ids), value_set=works.dictionary)
    row_code = np.asarray(pc.fill_null(found, -1).to_numpy(zero_copy_only=False), dtype=np.int64)  # -1: no tasks
    count = np.append(n_tasks, -1)[row_code]
    return table[row_code], count


def validate_results(schema: Registry, frames: Frames) -> tuple[Frames, list[Issue]]:
    """Scores against the work's tasks, totals against scores, marks against thresholds, absent with no scores.

    Derives what a teacher may leave out: a missing total is the sum of the scores, a missing mark comes from
    the thresholds. Vectorised: 100,000 results validate in a fraction of a second.
    """
    sheet = schema["results"]
    res = frames["results"]
    issues: list[Issue] = []
    if res.empty:
        return frames, issues
    labels = sheet.column_titles()
    res = res.copy()
    works = frames["works"]
    work_of = positions_in(res["work_id"], works["id"])  # -1: not a work of the sheet
    bad = np.zeros(len(res), dtype=bool)

    def report(mask: np.ndarray, key: str, message: Callable[[int], str], severity: str = ERROR) -> None:
        for p in np.flatnonzero(mask & ~bad):
            r = int(res[ROW].iat[p])
            v = res[key].iat[p]
            value = "" if v is None or (not isinstance(v, tuple) and pd.isna(v)) else sheet.field(key).type.render(v)
            issues.append(Issue(sheet.title, r, cell_of(schema, "results", res, key, r), labels[key], value,
                                message(int(p)), severity, sheet.key))
            if severity == ERROR:
                bad[p] = True

    absent = (res["present"] == C.NO).to_numpy(dtype=bool)
    known_work = work_of >= 0
    values, counts = scores_matrix(res["scores"], res)
    maxima, n_tasks = task_maxima(frames["tasks"], res["work_id"], values.shape[1])
    has_scores = counts >= 0
    absent_msg = f"Обучающийся отмечен как не писавший («{labels['present']}» = нет), но "
    report(absent & has_scores, "scores", lambda p: absent_msg + "баллы заполнены")
    report(absent & res["mark"].notna().to_numpy(dtype=bool), "mark", lambda p: absent_msg + "отметка заполнена")
    check = ~absent & known_work & has_scores & (n_tasks >= 0)
    report(check & (counts != n_tasks), "scores",
           lambda p: f"Заданий в работе {n_tasks[p]}, а баллов введено {counts[p]}")
    padded = np.pad(values, ((0, 0), (0, maxima.shape[1] - values.shape[1])), constant_values=np.nan)
    with np.errstate(invalid="ignore"):  # NaN (unscored, past the row's tasks, no maximum) is never over
        above = padded > maxima
    over = check & (counts == n_tasks) & above.any(1)

    def over_message(p: int) -> str:
        i = int(np.flatnonzero(above[p])[0])
        return f"Балл за задание {i + 1} ({fmt_number(padded[p, i])}) больше максимального ({fmt_number(maxima[p, i])})"

    report(over, "scores", over_message)
    totals = res["total"].to_numpy(dtype=float, na_value=np.nan)
    # «5 - 5 5 5»: a task left unscored. The sum of the rest is not the result, so neither a total nor a mark is
    # derived from it; a total entered by hand is kept (and gives the mark), without the sum check.
    within = np.arange(values.shape[1])[None, :] < np.maximum(counts, 0)[:, None]
    unscored = check & (counts == n_tasks) & (np.isnan(values) & within).any(axis=1)

    def unscored_message(p: int) -> str:
        missing = np.flatnonzero(np.isnan(values[p]) & within[p])
        tasks = ("задание " if len(missing) == 1 else "задания ") + ", ".join(str(i + 1) for i in missing)
        kept = (f"введённая «{labels['total']}» ({fmt_number(totals[p])}) принята без проверки по заданиям"
                if not np.isnan(totals[p]) else f"«{labels['total']}» и отметка не выводятся; введите "
                                                f"«{labels['total']}», если она известна")
        return f"{'Не оценено' if len(missing) == 1 else 'Не оценены'} {tasks} («-»): {kept}"

    report(unscored, "scores", unscored_message, WARNING)
    sums = np.where(has_scores & ~bad & ~unscored, np.nansum(values, axis=1), np.nan)
    with np.errstate(invalid="ignore"):
        mismatch = ~np.isnan(totals) & ~np.isnan(sums) & (np.abs(totals - sums) > 1e-9)
    report(mismatch, "total", lambda p: f"«{labels['total']}» ({fmt_number(totals[p])}) не равна сумме баллов "
                                        f"по заданиям ({fmt_number(sums[p])})")
    total = np.where(np.isnan(totals), sums, totals)  # a total left empty is the sum of the scores
    res["total"] = pd.arrays.FloatingArray(total, np.isnan(total))
    report(total > taken(works["max_score"], work_of), "total",
           lambda p: f"«{labels['total']}» больше максимального балла работы")
    thresholds = [taken(works[f"threshold_{m}"], work_of) for m in (3, 4, 5)]
    # first grade is taught without marks (безотметочное обучение): no mark is derived there
    graded = known_work & (taken(works["parallel"], work_of) != 1)
    derived = np.where(graded, score_to_mark(res["total"], *thresholds).to_numpy(dtype=float, na_value=np.nan), np.nan)
    mark = res["mark"].to_numpy(dtype=float, na_value=np.nan)
    with np.errstate(invalid="ignore"):
        wrong = ~np.isnan(mark) & ~np.isnan(derived) & (mark != derived)
    report(wrong, "mark", lambda p: f"Отметка {int(mark[p])} не соответствует сумме баллов "
                                    f"{fmt_number(total[p])}: по критериям работы это «{int(derived[p])}»")
    mark = np.where(np.isnan(mark), derived, mark)  # a mark left empty comes from the thresholds
    missing = np.isnan(mark)
    res["mark"] = pd.arrays.IntegerArray(np.where(missing, 0, mark).astype(np.int64), missing)
    if "students" in frames and "classes" in frames:
        students, classes = frames["students"], frames["classes"]
        class_of = np.append(positions_in(students["class_id"], classes["id"]), -1)[
            positions_in(res["student_id"], students["id"])]
        student_par, work_par = taken(classes["parallel"], class_of), taken(works["parallel"], work_of)
        with np.errstate(invalid="ignore"):
            other = ~np.isnan(student_par) & ~np.isnan(work_par) & (student_par != work_par)
        report(other, "student_id", lambda p: f"Обучающийся учится в {fmt_number(student_par[p])} классе, а работа — "
                                              f"для {fmt_number(work_par[p])} класса")
    kept = res[~bad].reset_index(drop=True)
    firsts: dict[int, str] = {}
    for i in issues:
        if i.severity == ERROR:
            firsts.setdefault(i.row, i.message)
    dropped = tuple((int(r), str(i), str(w), str(s), firsts.get(int(r), "")) for r, i, w, s in zip(
        res[ROW][bad], res["id"][bad], res["work_id"][bad], res["student_id"][bad], strict=True))
    kept.attrs[REJECTED] = Kept(tuple(res.attrs.get(REJECTED, ())) + dropped)
    kept.attrs.pop(SCORE_MATRICES, None)  # read: the cached sheet need not keep the matrix (8 MB per 100,000 rows)
    return dict(frames, results=kept), issues


def _same(text: str, _row: int) -> str:
    return text


def _row_rule(schema: Registry, frames: Frames, sheet_key: str, field_key: str, bad: np.ndarray,
              message: Callable[[int], str]) -> tuple[Frames, list[Issue]]:
    """Report each bad row on one field's cell and drop it from the typed frame (a row-level cross-field rule)."""
    sheet, frame = schema[sheet_key], frames[sheet_key]
    issues = [Issue(sheet.title, int(frame[ROW].iat[p]), cell_of(schema, sheet_key, frame, field_key,
                                                                 int(frame[ROW].iat[p])), sheet.header_of(field_key),
                    sheet.field(field_key).type.render(frame[field_key].iat[p]) if pd.notna(frame[field_key].iat[p])
                    else "", message(int(p)), ERROR, sheet.key) for p in np.flatnonzero(bad)]
    return (dict(frames, **{sheet_key: frame[~bad].reset_index(drop=True)}) if bad.any() else frames), issues


def validate_course_dates(schema: Registry, frames: Frames) -> tuple[Frames, list[Issue]]:
    """Courses cannot end before they start."""
    c = frames["courses"]
    if c.empty:
        return frames, []
    labels = schema["courses"].column_titles()
    bad = (c["start_date"].notna() & c["end_date"].notna() & (c["end_date"] < c["start_date"])).to_numpy(dtype=bool)
    return _row_rule(schema, frames, "courses", "end_date", bad,
                     lambda p: f"«{labels['end_date']}» раньше, чем «{labels['start_date']}» "
                               f"({c['start_date'].iat[p]:%d.%m.%Y})")


def validate_portfolio_owner(schema: Registry, frames: Frames) -> tuple[Frames, list[Issue]]:
    """A student's portfolio entry names the student; a teacher's names the teacher."""
    pf = frames["portfolio"]
    if pf.empty:
        return frames, []
    labels = schema["portfolio"].column_titles()
    out: list[Issue] = []
    for owner, key in (("ученик", "student_id"), ("учитель", "teacher_id")):
        empty = pf[key].isna() | (pf[key].astype("string").str.strip() == "")
        bad = ((pf["owner"] == owner) & empty).fillna(False).to_numpy(dtype=bool)
        text = f"«{labels['owner']}» = {owner}: заполните «{labels[key]}»"
        frames, found = _row_rule(schema, frames, "portfolio", key, bad, functools.partial(_same, text))
        pf = frames["portfolio"]
        out += found
    return frames, out


def validate_movements(schema: Registry, frames: Frames) -> tuple[Frames, list[Issue]]:
    """A move goes from one class to another: not to the same class, and not from nowhere to nowhere."""
    mv = frames.get("movements")
    if mv is None or mv.empty:
        return frames, []
    labels = schema["movements"].column_titles()
    src, dst = (mv[k].astype(object).replace("", None) for k in ("from_class_id", "to_class_id"))
    neither = (src.isna() & dst.isna()).to_numpy(dtype=bool)
    same = (src.notna() & (src == dst)).to_numpy(dtype=bool)
    frames, found = _row_rule(schema, frames, "movements", "to_class_id", neither | same,
                              lambda p: (f"Заполните «{labels['from_class_id']}» или «{labels['to_class_id']}»"
                                         if neither[p] else f"«{labels['from_class_id']}» и «{labels['to_class_id']}»"
                                                            " совпадают"))
    return frames, found


# sheets the rules read to check rows of other sheets: a change there can change rows elsewhere
RULE_INPUTS = frozenset({"works", "tasks", "students", "classes"})
RULES: list[Rule] = [validate_work_thresholds, validate_results, validate_course_dates, validate_portfolio_owner,
                     validate_movements]
