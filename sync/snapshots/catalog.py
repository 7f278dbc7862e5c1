"""Taking snapshots and finding them: write a snapshot atomically, list, resolve a reference, verify, load."""

from __future__ import annotations

import io
import json
import logging
import os
import secrets
import shutil
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from sheets_schema import SCHEMA, SCHEMA_VERSION
from sync.snapshots.format import (
    _HEX64,
    _ID_RE,
    FORMAT,
    MANIFEST,
    MANUAL,
    WORKBOOK,
    Progress,
    SheetEntry,
    SnapshotCorrupt,
    SnapshotError,
    SnapshotInfo,
    SnapshotNotFound,
    VerifyResult,
    _digest,
    _file_facts,
    _from_table,
    _fsync,
    _manifest_checksum,
    _to_table,
    write_xlsx,
)
from sync.store import Grid, SheetStore, trim_grid

log = logging.getLogger(__name__)


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
                          now=now, progress=lambda f, m: report(0.1 + 0.9 * f, m), workbook=workbook, trimmed=True)


def write_snapshot(grids: dict[str, Grid], data_dir: str | Path, *, store_kind: str, spreadsheet_id: str,
                   note: str = "", kind: str = MANUAL, now: datetime | None = None,
                   progress: Progress | None = None, workbook: bool = True, trimmed: bool = False) -> SnapshotInfo:
    """`trimmed`: the grids come from a store's read_all, which trims them already (no second copy of each row)."""
    report = progress or (lambda _f, _m: None)
    created = (now or now_utc()).astimezone(UTC).replace(microsecond=0)
    if not trimmed:
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
