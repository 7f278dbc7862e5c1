"""Snapshots of the whole workbook on disk: take, list, verify, diff and restore.

`<data_dir>/snapshots/<UTC id like 20261123T142501Z>/` holds `manifest.json`, one Parquet file per worksheet (the
exact cell strings) and `workbook.xlsx` for people. Parquet layout: an int32 `row` column (1-based sheet row, as in
A1 addresses) and one nullable string column per column position, named by its letter (A, B, ... AA). A cell inside
a row is a string ("" when empty); null means "past the end of this row", so ragged rows, empty rows in the middle
and trimmed rows come back byte-identical, and DuckDB reads the files as plain tables.

Canonical grid (what the sha256 in the manifest covers): `json.dumps(trim_grid(grid), ensure_ascii=False,
separators=(",", ":"))` encoded as UTF-8. The manifest also records each file's size and sha256, and its own
checksum, so a flipped byte, a shortened file or a hand-edited manifest is caught before anything is restored.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import logging
import os
import re
import secrets
import shutil
from collections.abc import Callable, Iterable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO

import pyarrow as pa
import pyarrow.parquet as pq
from openpyxl import Workbook as XlsxWorkbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

from sheets_schema import ID_HEADER, SCHEMA, SCHEMA_VERSION, col_letter

from .store import Grid, SheetStore, StoreError, trim_grid

log = logging.getLogger(__name__)

FORMAT = 1
MANIFEST = "manifest.json"
WORKBOOK = "workbook.xlsx"
MANUAL, SCHEDULED, SAFETY = "manual", "scheduled", "safety"
CURRENT = ("current", "текущие")  # refs that mean "the live store" in diffs
Progress = Callable[[float, str], None]
_ID_RE = re.compile(r"^\d{8}T\d{6}Z(-\d+)?$")
_HEX64 = re.compile(r"^[0-9a-f]{64}$")


class SnapshotError(Exception):
    """Root of snapshot errors; the message is Russian and is shown to the person as is."""


class SnapshotNotFound(SnapshotError):
    pass


class SnapshotCorrupt(SnapshotError):
    pass


class RestoreInterrupted(SnapshotError):
    """The store failed part-way through a restore; the message names the safety snapshot."""


@dataclass(frozen=True)
class SheetEntry:
    title: str
    key: str | None  # schema key when the title is a declared sheet
    file: str
    rows: int  # rows of the trimmed grid, header included
    columns: int  # widest row
    sha256: str  # of the canonical grid
    bytes: int
    file_sha256: str


@dataclass(frozen=True)
class SnapshotInfo:
    id: str
    path: Path
    created_at: datetime
    kind: str = MANUAL
    note: str = ""
    store: str = ""
    spreadsheet_id: str = ""
    schema_version: int = 0
    sheets: tuple[SheetEntry, ...] = ()
    size_bytes: int = 0
    broken: str = ""  # why the manifest could not be read; empty when it could

    @property
    def data_rows(self) -> int:
        return sum(max(s.rows - 1, 0) for s in self.sheets)


@dataclass
class VerifyResult:
    id: str
    problems: list[str] = field(default_factory=list)  # the data cannot be trusted: restore is refused
    warnings: list[str] = field(default_factory=list)  # only workbook.xlsx (people open and re-save it in Excel)
    grids: dict[str, Grid] | None = field(default=None, repr=False)

    @property
    def ok(self) -> bool:
        return not self.problems


def canonical_bytes(grid: Sequence[Sequence[object]]) -> bytes:
    return json.dumps(trim_grid(grid), ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def grid_sha256(grid: Sequence[Sequence[object]]) -> str:
    return hashlib.sha256(canonical_bytes(grid)).hexdigest()


def _digest(grid: Grid) -> str:
    """grid_sha256 of a grid that is already trimmed; hashes it as is, so a stray null can never pass as ""."""
    return hashlib.sha256(json.dumps(grid, ensure_ascii=False, separators=(",", ":")).encode("utf-8")).hexdigest()


def snapshots_root(data_dir: str | Path) -> Path:
    return Path(data_dir) / "snapshots"


def now_utc() -> datetime:
    return datetime.now(UTC)


# -- taking ------------------------------------------------------------------------------------------------------
def take_snapshot(store: SheetStore, data_dir: str | Path, note: str = "", *, kind: str = MANUAL,
                  now: datetime | None = None, progress: Progress | None = None, workbook: bool = True) -> SnapshotInfo:
    """The whole workbook in ONE read_all, written atomically (a temp folder renamed into place when complete).

    `workbook=False` skips workbook.xlsx (openpyxl is most of the time): restore's safety snapshot is on the
    person's critical path, and `workbook_bytes` builds the xlsx from the Parquet when someone asks for it.
    """
    report = progress or (lambda _f, _m: None)
    report(0.0, "Чтение таблицы")
    grids = store.read_all()
    sid = store.spreadsheet_id()
    if store.kind == "local":
        sid = Path(sid).name  # never a full path of the server's disk
    return write_snapshot(grids, data_dir, store_kind=store.kind, spreadsheet_id=sid, note=note, kind=kind,
                          now=now, progress=lambda f, m: report(0.1 + 0.9 * f, m), workbook=workbook)


def write_snapshot(grids: dict[str, Grid], data_dir: str | Path, *, store_kind: str, spreadsheet_id: str,
                   note: str = "", kind: str = MANUAL, now: datetime | None = None,
                   progress: Progress | None = None, workbook: bool = True) -> SnapshotInfo:
    report = progress or (lambda _f, _m: None)
    created = (now or now_utc()).astimezone(UTC).replace(microsecond=0)
    grids = {t: trim_grid(g) for t, g in grids.items()}
    # Progress is weighted by rows; an xlsx row costs about twenty Parquet rows.
    total, done = max(sum(len(g) for g in grids.values()) * (21 if workbook else 1), 1), 0
    root = snapshots_root(data_dir)
    root.mkdir(parents=True, exist_ok=True)
    tmp = root / f".tmp-{created:%Y%m%dT%H%M%SZ}-{secrets.token_hex(4)}"
    tmp.mkdir()
    try:
        keys = {s.title: s.key for s in SCHEMA}
        entries = []
        for pos, (title, grid) in enumerate(grids.items(), start=1):
            report(done / total, f"Лист «{title}»")
            name = f"{keys[title] if title in keys else f'sheet-{pos:02d}'}.parquet"
            pq.write_table(_to_table(grid, title), tmp / name, compression="zstd")
            _fsync(tmp / name)
            entries.append({"title": title, "key": keys.get(title), "file": name, "rows": len(grid),
                            "columns": max((len(r) for r in grid), default=0), "sha256": _digest(grid),
                            **_file_facts(tmp / name)})
            done += len(grid)
        files = {}
        if workbook:
            def step(title: str, rows: int) -> None:
                nonlocal done
                report(done / total, f"{WORKBOOK}: лист «{title}»")
                done += 20 * rows
            write_xlsx(tmp / WORKBOOK, grids, step)
            files[WORKBOOK] = _file_facts(tmp / WORKBOOK)
        manifest: dict[str, Any] = {
            "format": FORMAT, "id": "", "created_at": created.isoformat().replace("+00:00", "Z"),
            "store": store_kind, "spreadsheet_id": spreadsheet_id, "schema_version": SCHEMA_VERSION,
            "kind": kind, "note": note.strip(), "sheets": entries, "files": files,
        }
        report(0.99, "Сохранение")
        final = _move_into_place(tmp, root, created, manifest)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    report(1.0, "Готово")
    return read_info(final)


def _move_into_place(tmp: Path, root: Path, created: datetime, manifest: dict[str, Any]) -> Path:
    """Pick a free id (a suffix when two snapshots share a second), seal the manifest, rename the folder."""
    base = f"{created:%Y%m%dT%H%M%SZ}"
    for n in range(1, 1000):
        sid = base if n == 1 else f"{base}-{n}"
        if (root / sid).exists():
            continue
        manifest["id"] = sid
        manifest["manifest_sha256"] = _manifest_checksum(manifest)
        (tmp / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
        _fsync(tmp / MANIFEST)
        try:
            os.rename(tmp, root / sid)
        except OSError:  # taken in the meantime by a concurrent snapshot
            continue
        _fsync(root)
        return root / sid
    raise SnapshotError("Не удалось выбрать имя для снимка: слишком много снимков в одну секунду")


def _to_table(grid: Grid, title: str) -> pa.Table:
    width = max((len(r) for r in grid), default=0)
    cols: dict[str, pa.Array] = {"row": pa.array(range(1, len(grid) + 1), pa.int32())}
    for j in range(width):
        cols[col_letter(j)] = pa.array([r[j] if j < len(r) else None for r in grid], pa.string())
    table = pa.table(cols)
    return table.replace_schema_metadata({"edumon.title": title})


def _from_table(table: pa.Table) -> Grid:
    names = table.column_names
    expected = ["row", *(col_letter(j) for j in range(len(names) - 1))]
    if names != expected:
        raise ValueError(f"неожиданные столбцы {names[:5]}")
    numbers = table.column("row").to_pylist()
    if numbers != list(range(1, len(numbers) + 1)):
        raise ValueError("нарушена нумерация строк")
    cols = [table.column(n).to_pylist() for n in names[1:]]
    rows: Iterable[tuple[str | None, ...]] = zip(*cols, strict=True) if cols else (() for _ in numbers)
    grid: Grid = []
    for cells in rows:
        end = len(cells)
        while end and cells[end - 1] is None:
            end -= 1
        grid.append(list(cells[:end]))  # a null inside a row stays null: the hash check then fails, as it must
    return grid


_BOLD = Font(bold=True)
_XLSX_MAX_ROWS, _XLSX_MAX_CELL = 1_048_576, 32_767


def write_xlsx(path: Path | BinaryIO, grids: dict[str, Grid], step: Callable[[str, int], None] | None = None) -> None:
    """For people: every cell written as text (a "=1+1" or "#N/A" stays text), bold frozen header."""
    wb = XlsxWorkbook(write_only=True)
    used: set[str] = set()
    for title, grid in grids.items():
        if step:
            step(title, len(grid))
        ws = wb.create_sheet(_xlsx_title(title, used))
        ws.freeze_panes = "A2"
        # A write-only sheet writes each row out inside append(), so one unstyled cell per column is reused.
        spare = [WriteOnlyCell(ws) for _ in range(max((len(r) for r in grid), default=0))]
        for i, row in enumerate(grid[:_XLSX_MAX_ROWS]):
            cells = [WriteOnlyCell(ws) for _ in row] if i == 0 else spare[:len(row)]
            for cell, value in zip(cells, row, strict=True):
                cell.value = ILLEGAL_CHARACTERS_RE.sub("\ufffd", value)[:_XLSX_MAX_CELL] if value else None
                cell.data_type = "s"  # never "f" for "=1+1" nor "e" for "#N/A"
                if i == 0:
                    cell.font = _BOLD
            ws.append(cells)
    wb.save(path)
    if isinstance(path, Path):
        _fsync(path)


def _xlsx_title(title: str, used: set[str]) -> str:
    base = re.sub(r"[\[\]:*?/\\]", "_", title).strip("'")[:31] or "Лист"
    name, n = base, 2
    while name.lower() in used:
        name = f"{base[:27]} ({n})"
        n += 1
    used.add(name.lower())
    return name


def _file_facts(path: Path) -> dict[str, Any]:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return {"bytes": path.stat().st_size, "file_sha256": digest.hexdigest()}


def _fsync(path: Path) -> None:
    with contextlib.suppress(OSError):  # directories cannot be fsynced on some systems
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _manifest_checksum(manifest: dict[str, Any]) -> str:
    body = {k: v for k, v in manifest.items() if k != "manifest_sha256"}
    return hashlib.sha256(json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
                          .encode("utf-8")).hexdigest()


# -- reading -----------------------------------------------------------------------------------------------------
def read_info(path: Path) -> SnapshotInfo:
    """The manifest, checked for shape and checksum; raises SnapshotCorrupt with a Russian reason."""
    try:
        raw = json.loads((path / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SnapshotCorrupt(f"в снимке {path.name} нет файла {MANIFEST}") from None
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise SnapshotCorrupt(f"{MANIFEST} снимка {path.name} не читается: {exc}") from None
    try:
        if raw.get("format") != FORMAT:
            raise SnapshotCorrupt(f"снимок {path.name}: неизвестная версия формата {raw.get('format')!r}")
        if raw.get("manifest_sha256") != _manifest_checksum(raw):
            raise SnapshotCorrupt(f"снимок {path.name}: {MANIFEST} изменён после создания (контрольная сумма)")
        sheets = tuple(SheetEntry(**{k: s[k] for k in SheetEntry.__dataclass_fields__}) for s in raw["sheets"])
        if raw["id"] != path.name:
            raise SnapshotCorrupt(f"снимок {path.name}: в {MANIFEST} записан другой идентификатор {raw['id']}")
        for s in sheets:
            if not _safe_name(s.file) or not _HEX64.match(s.sha256) or not _HEX64.match(s.file_sha256):
                raise SnapshotCorrupt(f"снимок {path.name}: неверная запись о листе «{s.title}»")
        if not all(_safe_name(name) and set(f) == {"bytes", "file_sha256"} for name, f in raw["files"].items()):
            raise SnapshotCorrupt(f"снимок {path.name}: неверный список файлов в {MANIFEST}")
        size = sum(s.bytes for s in sheets) + sum(int(f["bytes"]) for f in raw["files"].values())
        return SnapshotInfo(raw["id"], path, datetime.fromisoformat(raw["created_at"]), str(raw["kind"]),
                            str(raw["note"]), str(raw["store"]), str(raw["spreadsheet_id"]),
                            int(raw["schema_version"]), sheets, size + (path / MANIFEST).stat().st_size)
    except SnapshotCorrupt:
        raise
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise SnapshotCorrupt(f"снимок {path.name}: {MANIFEST} повреждён ({type(exc).__name__}: {exc})") from None


def _safe_name(name: object) -> bool:
    return isinstance(name, str) and bool(name) and Path(name).name == name and not name.startswith(".")


def id_time(sid: str) -> datetime:
    return datetime.strptime(sid[:16], "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)


def _order(info: SnapshotInfo) -> tuple[datetime, int]:
    _, _, n = info.id.partition("-")
    return info.created_at, int(n or 1)


def list_snapshots(data_dir: str | Path) -> list[SnapshotInfo]:
    """Oldest first. A folder whose manifest cannot be trusted is listed with `broken` set, never hidden."""
    root = snapshots_root(data_dir)
    out = []
    for path in root.iterdir() if root.is_dir() else ():
        if not path.is_dir() or not _ID_RE.match(path.name):
            continue
        try:
            info = read_info(path)
        except SnapshotCorrupt as exc:
            size = sum(p.stat().st_size for p in path.iterdir() if p.is_file())
            info = SnapshotInfo(path.name, path, id_time(path.name), size_bytes=size, broken=str(exc))
        out.append(info)
    return sorted(out, key=_order)


def resolve(data_dir: str | Path, ref: str) -> SnapshotInfo:
    """By exact id, "latest", or a unique prefix of an id."""
    snaps = list_snapshots(data_dir)
    if not snaps:
        raise SnapshotNotFound("Снимков пока нет: сделайте первый командой `edumon snapshot`")
    ref = ref.strip()
    if ref.lower() in ("latest", "последний"):
        return snaps[-1]
    exact = [s for s in snaps if s.id == ref]
    found = exact or [s for s in snaps if s.id.startswith(ref)] if ref else []
    if len(found) == 1:
        return found[0]
    if not found:
        raise SnapshotNotFound(f"Снимок «{ref}» не найден")
    raise SnapshotNotFound(f"«{ref}» подходит к нескольким снимкам: {', '.join(s.id for s in found[:5])}")


def verify_snapshot(path: Path) -> VerifyResult:
    """Manifest shape and checksum, every file present with its size and sha256, grid hashes from the Parquet."""
    result = VerifyResult(path.name)
    try:
        info = read_info(path)
    except SnapshotCorrupt as exc:
        result.problems.append(str(exc))
        return result
    grids: dict[str, Grid] = {}
    for s in info.sheets:
        file = path / s.file
        where = f"лист «{s.title}» ({s.file})"
        if not file.is_file():
            result.problems.append(f"{where}: файл отсутствует")
            continue
        facts = _file_facts(file)
        if facts["bytes"] != s.bytes:
            result.problems.append(f"{where}: размер {facts['bytes']} байт вместо {s.bytes} — файл обрезан или изменён")
            continue
        if facts["file_sha256"] != s.file_sha256:
            result.problems.append(f"{where}: содержимое файла изменено (sha256 не совпадает)")
            continue
        try:
            grid = _from_table(pq.read_table(file))
        except (pa.ArrowException, OSError, ValueError) as exc:
            result.problems.append(f"{where}: не читается ({exc})")
            continue
        if len(grid) != s.rows or max((len(r) for r in grid), default=0) != s.columns or (
                _digest(grid) != s.sha256):
            result.problems.append(f"{where}: ячейки не совпадают с контрольной суммой")
            continue
        grids[s.title] = grid
    for name, facts in json.loads((path / MANIFEST).read_text(encoding="utf-8"))["files"].items():
        if not (path / name).is_file():
            result.warnings.append(f"{name} отсутствует (данные снимка в Parquet-файлах целы)")
        elif _file_facts(path / name) != facts:
            result.warnings.append(f"{name} изменён после создания (данные снимка в Parquet-файлах целы)")
    if result.ok:
        result.grids = grids
    return result


def verify(data_dir: str | Path, ref: str) -> VerifyResult:
    return verify_snapshot(resolve(data_dir, ref).path)


def load_grids(data_dir: str | Path, ref: str) -> tuple[SnapshotInfo, dict[str, Grid]]:
    """The verified cells of a snapshot; a damaged snapshot raises SnapshotCorrupt naming every problem."""
    info = resolve(data_dir, ref)
    result = verify_snapshot(info.path)
    if not result.ok or result.grids is None:
        raise SnapshotCorrupt(f"Снимок {info.id} повреждён, использовать его нельзя: " + "; ".join(result.problems))
    return info, result.grids


def workbook_bytes(data_dir: str | Path, ref: str) -> tuple[str, bytes]:
    """(download file name, content) of a snapshot's workbook.xlsx."""
    info = resolve(data_dir, ref)
    name, book = f"edumon-{info.id}.xlsx", info.path / WORKBOOK
    if book.is_file() and verify_snapshot(info.path).warnings == []:
        return name, book.read_bytes()
    _, grids = load_grids(data_dir, info.id)  # not written (safety snapshot) or re-saved by hand: rebuild it
    out = io.BytesIO()
    write_xlsx(out, grids)
    return name, out.getvalue()


def pick_sheets(available: Sequence[str], wanted: Sequence[str] | None) -> list[str]:
    """Worksheet titles by title (any case) or schema key; all when none are named."""
    if not wanted:
        return list(available)
    keys = {s.key: s.title for s in SCHEMA}
    lower = {t.lower(): t for t in available}
    out = []
    for name in wanted:
        title = lower.get(name.strip().lower()) or lower.get(keys.get(name.strip(), "").lower())
        if title is None:
            raise SnapshotError(f"Листа «{name}» нет. Есть: {', '.join(available)}")
        if title not in out:
            out.append(title)
    return out


# -- diff (pure) -------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class CellChange:
    column: str  # header text, or "столбец F" when the header cell is empty
    old: str
    new: str


@dataclass(frozen=True)
class RowRef:
    key: str  # the id, or "строка N" for a row without one
    row: int  # 1-based sheet row
    cells: tuple[str, ...]


@dataclass(frozen=True)
class RowChange:
    key: str
    old_row: int
    new_row: int
    cells: tuple[CellChange, ...]


@dataclass
class SheetDiff:
    title: str
    status: str = "same"  # same | changed | added (only in new) | removed (only in old)
    header_old: list[str] = field(default_factory=list)
    header_new: list[str] = field(default_factory=list)
    added: list[RowRef] = field(default_factory=list)
    removed: list[RowRef] = field(default_factory=list)
    changed: list[RowChange] = field(default_factory=list)
    reordered: bool = False  # same rows, different order (restore brings the order back too)


@dataclass
class WorkbookDiff:
    sheets: list[SheetDiff]
    old_label: str = ""
    new_label: str = ""

    @property
    def changed(self) -> list[SheetDiff]:
        return [s for s in self.sheets if s.status != "same"]


def _labels(header: Sequence[str]) -> list[str]:
    """Unique column labels: the header text, "столбец F" for an empty one, "Имя (2)" for a repeated one."""
    out: list[str] = []
    for j, h in enumerate(header):
        label = h.strip() or f"столбец {col_letter(j)}"
        n, base = 2, label
        while label in out:
            label, n = f"{base} ({n})", n + 1
        out.append(label)
    return out


def _keyed(grid: Grid, labels: list[str]) -> dict[tuple[str, ...], tuple[int, list[str]]]:
    """Row key -> (1-based row, row): by id (repeats numbered), rows without an id by their content."""
    at = labels.index(ID_HEADER) if ID_HEADER in labels else -1
    out: dict[tuple[str, ...], tuple[int, list[str]]] = {}
    seen: dict[tuple[str, ...], int] = {}
    for i, row in enumerate(grid[1:], start=2):
        rid = row[at].strip() if 0 <= at < len(row) else ""
        base = ("id", rid) if rid else ("row", *row)
        seen[base] = seen.get(base, 0) + 1
        out[(*base, str(seen[base]))] = (i, row)
    return out


def _ref(key: tuple[str, ...], row: int, cells: list[str]) -> RowRef:
    return RowRef(key[1] if key[0] == "id" else f"строка {row}", row, tuple(cells))


def diff_grids(title: str, old: Grid | None, new: Grid | None) -> SheetDiff:
    """Rows matched by id (rows without an id by content); changed cells named by their column header."""
    status = "added" if old is None else "removed" if new is None else "same"
    old, new = trim_grid(old or []), trim_grid(new or [])
    h_old, h_new = (old[0] if old else []), (new[0] if new else [])
    out = SheetDiff(title, status, h_old, h_new)
    l_old, l_new = _labels(h_old), _labels(h_new)
    a, b = _keyed(old, l_old), _keyed(new, l_new)
    columns = list(dict.fromkeys([*l_old, *l_new]))
    for key, (i, row) in a.items():
        if key not in b:
            out.removed.append(_ref(key, i, row))
            continue
        j, other = b[key]
        was, now = dict(zip(l_old, row, strict=False)), dict(zip(l_new, other, strict=False))
        cells = tuple(CellChange(c, was.get(c, ""), now.get(c, "")) for c in columns
                      if was.get(c, "") != now.get(c, ""))
        if cells:
            out.changed.append(RowChange(_ref(key, i, row).key, i, j, cells))
    out.added = [_ref(key, i, row) for key, (i, row) in b.items() if key not in a]
    common = [k for k in a if k in b]
    out.reordered = common != [k for k in b if k in a]
    if status == "same" and (h_old != h_new or out.added or out.removed or out.changed or out.reordered):
        out.status = "changed"
    return out


def diff_workbooks(old: dict[str, Grid], new: dict[str, Grid], sheets: Sequence[str] | None = None) -> WorkbookDiff:
    titles = list(sheets) if sheets else list(dict.fromkeys([*old, *new]))
    return WorkbookDiff([diff_grids(t, old.get(t), new.get(t)) for t in titles if t in old or t in new])


# -- diff and restore over snapshots -----------------------------------------------------------------------------------
def grids_of(data_dir: str | Path, ref: str, store: SheetStore | None = None) -> tuple[str, dict[str, Grid]]:
    """(label, grids) of a snapshot ref, or of the live store for "current"."""
    if ref.strip().lower() in CURRENT:
        if store is None:
            raise SnapshotError("Текущие данные недоступны: хранилище не открыто")
        return "текущие данные", store.read_all()
    info, grids = load_grids(data_dir, ref)
    return info.id, grids


def diff_refs(data_dir: str | Path, old: str, new: str, sheets: Sequence[str] | None = None,
              store: SheetStore | None = None) -> WorkbookDiff:
    old_label, old_grids = grids_of(data_dir, old, store)
    new_label, new_grids = grids_of(data_dir, new, store)
    chosen = pick_sheets(list(dict.fromkeys([*old_grids, *new_grids])), sheets) if sheets else None
    return replace(diff_workbooks(old_grids, new_grids, chosen), old_label=old_label, new_label=new_label)


def plan_restore(store: SheetStore, data_dir: str | Path, ref: str,
                 sheets: Sequence[str] | None = None) -> tuple[SnapshotInfo, WorkbookDiff]:
    """What a restore would change: the live store (old) against the snapshot (new), chosen sheets only."""
    info, grids = load_grids(data_dir, ref)
    chosen = pick_sheets(list(grids), sheets)
    current = store.read_all()
    diff = diff_workbooks({t: current[t] for t in chosen if t in current}, {t: grids[t] for t in chosen})
    return info, replace(diff, old_label="текущие данные", new_label=info.id)


@dataclass(frozen=True)
class RestoreResult:
    snapshot: SnapshotInfo
    safety: SnapshotInfo
    sheets: list[str]
    rows: int


def restore(store: SheetStore, data_dir: str | Path, ref: str, sheets: Sequence[str] | None = None, *,
            pause: Callable[[], AbstractContextManager[object]] | None = None,
            progress: Progress | None = None, now: datetime | None = None) -> RestoreResult:
    """Verify, then with the write worker paused: a safety snapshot, then replace the chosen worksheets.

    A damaged snapshot or an unknown sheet name raises SnapshotError before the store is touched.
    """
    report = progress or (lambda _f, _m: None)
    report(0.0, "Проверка снимка")
    info, grids = load_grids(data_dir, ref)
    chosen = pick_sheets(list(grids), sheets)
    with (pause or contextlib.nullcontext)():
        safety = take_snapshot(store, data_dir, f"перед восстановлением из {info.id}", kind=SAFETY, now=now,
                               progress=lambda f, m: report(0.1 + 0.3 * f, f"Страховочный снимок: {m}"),
                               workbook=False)
        total, done, restored = max(sum(len(grids[t]) for t in chosen), 1), 0, []
        for title in chosen:
            report(0.4 + 0.6 * done / total, f"Восстановление листа «{title}»")
            try:
                store.replace_sheet(title, grids[title])
            except StoreError as exc:
                log.error("restore from %s stopped at worksheet %r: %s", info.id, title, exc)
                raise RestoreInterrupted(
                    f"Восстановление прервано на листе «{title}»: {exc}. Уже восстановлены: "
                    f"{', '.join(restored) or 'ни одного листа'}. Прежние данные — в страховочном снимке {safety.id}; "
                    f"повторите восстановление, когда хранилище станет доступно.") from exc
            restored.append(title)
            done += len(grids[title])
            log.info("restored worksheet %r from snapshot %s (%d rows)", title, info.id, len(grids[title]))
    report(1.0, "Готово")
    return RestoreResult(info, safety, chosen, sum(max(len(grids[t]) - 1, 0) for t in chosen))
