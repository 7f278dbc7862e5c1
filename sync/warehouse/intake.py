"""Intake, one validation for every way in (upload, shared folder, Google pull): check the bundle, validate every
cell as the school does, then replace the school-year in the warehouse with its indicator cube — or change nothing
and return the Russian list of problems."""

from __future__ import annotations

import hashlib
import json
import multiprocessing as mp
import os
from collections import deque
from collections.abc import Collection, Iterable, Iterator, Mapping
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from sheets_schema import ERROR, Issue
from sheets_schema.bundle import BUNDLE_FORMAT, BUNDLE_SCHEMA
from sheets_schema.validation import validate_typed
from sync.warehouse.arrow import arrow_schema, to_arrow, typed_frame
from sync.warehouse.bundle import CODE_RE, MANIFEST, MAX_MANIFEST_BYTES, YEAR_RE, BundleError, BundleReader
from sync.warehouse.engine import Derived, derived_tables
from sync.warehouse.layout import Warehouse, encode, year_of
from sync.warehouse.receipts import ACCEPTED, REFUSED, Receipts

MAX_LISTED = 50  # problems listed one by one; the rest are counted


@dataclass
class Outcome:
    ok: bool
    school: str = ""
    academic_year: str = ""
    problems: list[str] = field(default_factory=list)
    rows: int = 0


def issue_line(i: Issue) -> str:
    where = i.cell or (f"строка {i.row}" if i.row else "весь лист")
    value = f" «{i.value}»" if i.value else ""
    column = f" {i.column}" if i.column else ""
    return f"Лист «{i.sheet}», {where}:{column}{value} — {i.message}"


def cap(problems: list[str]) -> list[str]:
    if len(problems) <= MAX_LISTED:
        return problems
    return [*problems[:MAX_LISTED], f"…и ещё {len(problems) - MAX_LISTED} проблем"]


def read_bundle(path: Path, expected_school: str | None = None,
                registered: Collection[str] | None = None) -> tuple[dict, dict[str, pa.Table], list[str]]:
    """(manifest, typed tables, problems). Problems empty = the bundle is intact, of our schema, from that school."""
    try:
        reader = BundleReader(path)
    except BundleError as exc:
        return {}, {}, exc.problems
    try:
        return _read(reader, expected_school, registered)
    except BundleError as exc:
        return {}, {}, exc.problems
    finally:
        reader.close()


def _read(reader: BundleReader, expected_school: str | None, registered: Collection[str] | None
          ) -> tuple[dict, dict[str, pa.Table], list[str]]:
    raw = reader.read(MANIFEST, MAX_MANIFEST_BYTES)
    if raw is None:
        return {}, {}, [f"В пакете нет файла {MANIFEST}"]
    try:
        manifest = json.loads(raw.decode("utf-8"))
        if not isinstance(manifest, dict):
            raise ValueError
    except (UnicodeDecodeError, ValueError):
        return {}, {}, [f"Файл {MANIFEST} повреждён: это не JSON-объект"]
    problems: list[str] = []
    if manifest.get("format") != BUNDLE_FORMAT:
        problems.append("Это не пакет данных edumon для лаборатории")
    if manifest.get("schema_version") != BUNDLE_SCHEMA.version:
        problems.append(f"Версия схемы пакета {manifest.get('schema_version')!s}, лаборатория принимает "
                        f"{BUNDLE_SCHEMA.version}: обновите edumon в школе и выгрузите пакет заново")
    school = str(manifest.get("school_code", ""))
    year = str(manifest.get("academic_year", ""))
    if not CODE_RE.match(school):
        problems.append(f"Код школы в пакете «{school}» недопустим")
    elif expected_school is not None and school != expected_school:
        problems.append(f"Пакет подписан кодом школы «{school}», а учётная запись относится к школе "
                        f"«{expected_school}»")
    elif registered is not None and school not in registered:
        problems.append(f"Школа с кодом «{school}» не зарегистрирована в листе «Школы» лаборатории")
    m = YEAR_RE.match(year)
    if not m or int(m[2]) != int(m[1]) + 1:
        problems.append(f"Учебный год в пакете «{year}» записан неверно (нужно, например, 2025/2026)")
    raw_tables = manifest.get("tables")
    listed: dict[str, Any] = raw_tables if isinstance(raw_tables, dict) else {}
    tables: dict[str, pa.Table] = {}
    for sheet in BUNDLE_SCHEMA:
        entry = listed.get(sheet.key)
        if not isinstance(entry, dict):
            problems.append(f"В описании пакета нет таблицы «{sheet.title}»")
            continue
        data = reader.read(str(entry.get("file", "")))
        if data is None:
            problems.append(f"В пакете нет файла таблицы «{sheet.title}» ({entry.get('file')})")
            continue
        if hashlib.sha256(data).hexdigest() != entry.get("sha256"):
            problems.append(f"Таблица «{sheet.title}»: контрольная сумма не совпадает — файл изменён или повреждён")
            continue
        try:
            table = pq.ParquetFile(pa.BufferReader(data)).read(use_threads=False)  # small: threads cost more
        except (pa.ArrowException, OSError):
            problems.append(f"Таблица «{sheet.title}»: файл Parquet не читается")
            continue
        expected = arrow_schema(sheet)
        if not table.schema.equals(expected):
            missing = [n for n in expected.names if n not in table.schema.names]
            problems.append(f"Таблица «{sheet.title}»: столбцы не совпадают со схемой"
                            + (f" (нет: {', '.join(missing)})" if missing else ""))
            continue
        if table.num_rows != entry.get("rows"):
            problems.append(f"Таблица «{sheet.title}»: строк {table.num_rows}, а в описании {entry.get('rows')}")
            continue
        tables[sheet.key] = table
    return manifest, tables, problems


def validate_tables(tables: Mapping[str, pa.Table]) -> tuple[dict[str, pa.Table], list[str]]:
    """The school's cell-level validation over the bundle's typed tables (each column through its field type's
    rules, then required, unique, references and the cross-field rules — the school's own declarations); error
    lines point at the table's cells (declared column order, header row 1). Returns the tables to store."""
    wb = validate_typed(BUNDLE_SCHEMA, {s.key: typed_frame(s, tables[s.key]) for s in BUNDLE_SCHEMA})
    problems = [issue_line(i) for i in wb.issues if i.severity == ERROR]
    return ({} if problems else {s.key: to_arrow(s, wb.frames[s.key]) for s in BUNDLE_SCHEMA}), problems


def materialise(tables: Mapping[str, pa.Table], year: int, school: str, cube: Derived) -> dict[str, pa.Table]:
    """The derived tables of one school-year (`cube`: the indicator cube, or the named list
    `reports.district.MATERIALISED`), materialised at intake beside its raw facts: each aggregate is one DuckDB
    query over the validated tables in memory (nothing re-read from disk), stored without its partition columns."""
    return derived_tables(cube, tables, year, school)


def store(warehouse: Warehouse, tables: Mapping[str, pa.Table], school: str, academic_year: str,
          cube: Derived) -> int:
    """Replace the school-year with these validated tables and their derived tables; returns the result rows."""
    year = year_of(academic_year)
    warehouse.replace(year, school, {**tables, **materialise(tables, year, school, cube)})
    return tables["results"].num_rows


@dataclass
class Prepared:
    """A submission checked and made ready to store (validated tables with their derived ones), or its problems —
    the part of intake that touches no shared state, so it may run in a worker process."""
    school: str
    academic_year: str
    files: dict[str, bytes]  # each table's Parquet file, encoded here (cheap to hand from a worker)
    problems: list[str]
    rows: int = 0


def prepare(tables: Mapping[str, pa.Table], school: str, academic_year: str, cube: Derived,
            problems: list[str] | None = None) -> Prepared:
    problems = list(problems or [])
    valid: dict[str, pa.Table] = {}
    if not problems:
        valid, problems = validate_tables(tables)
    if problems:
        return Prepared(school, academic_year, {}, cap(problems))
    derived = materialise(valid, year_of(academic_year), school, cube)
    files = {name: encode(t) for name, t in {**valid, **derived}.items()}
    return Prepared(school, academic_year, files, [], valid["results"].num_rows)


def prepare_bundle(path: Path, cube: Derived, expected_school: str | None = None,
                   registered: Collection[str] | None = None) -> Prepared:
    """Read, check and validate one bundle and materialise its derived tables; stores nothing."""
    manifest, tables, problems = read_bundle(path, expected_school, registered)
    school = expected_school or (str(manifest.get("school_code", "")) if manifest else "")
    year = str(manifest.get("academic_year", "")) if manifest else ""
    return prepare(tables, school if CODE_RE.match(school) else "?", year, cube, problems)


def commit(warehouse: Warehouse, receipts: Receipts, prepared: Prepared, via: str, who: str = "") -> Outcome:
    """Store a prepared submission (the school-year replaced atomically) or record its refusal; serial, in the
    process that owns the warehouse. Every attempt is recorded."""
    p = prepared
    if p.problems:
        receipts.record(p.school or "?", p.academic_year or "?", via, REFUSED, p.problems, who=who)
        return Outcome(False, p.school, p.academic_year, p.problems)
    warehouse.replace(year_of(p.academic_year), p.school, p.files)
    receipts.record(p.school, p.academic_year, via, ACCEPTED, [], p.rows, who)
    return Outcome(True, p.school, p.academic_year, [], p.rows)


def ingest_tables(warehouse: Warehouse, receipts: Receipts, tables: Mapping[str, pa.Table], school: str,
                  academic_year: str, via: str, cube: Derived, who: str = "",
                  problems: list[str] | None = None) -> Outcome:
    """Validate and store tables already read (a bundle or a Google pull); every attempt is recorded."""
    return commit(warehouse, receipts, prepare(tables, school, academic_year, cube, problems), via, who)


def ingest_bundle(warehouse: Warehouse, receipts: Receipts, path: Path, via: str, cube: Derived,
                  expected_school: str | None = None, registered: Collection[str] | None = None,
                  who: str = "") -> Outcome:
    return commit(warehouse, receipts, prepare_bundle(path, cube, expected_school, registered), via, who)


PARALLEL_FROM = 16  # bundles: fewer are checked in this process (a worker's start costs about a second)
IN_FLIGHT = 8  # bundles handed to each worker ahead of the commits: a slow commit (a disk sync) idles no worker


@dataclass(frozen=True)
class _Query:
    """An aggregate as a worker needs it (its SQL and the views it reads): sent instead of the app's own object, so
    a worker does not import the app's reports to run it."""
    sql: str
    views: tuple[str, ...]


def portable(cube: Derived) -> dict[str, _Query]:
    named = cube if isinstance(cube, Mapping) else {"cube": cube}
    return {name: _Query(a.sql, tuple(a.views)) for name, a in named.items()}


def default_workers(bundles: int) -> int:
    """Processes that check `bundles` bundles: two — the machine's cores — from PARALLEL_FROM bundles on."""
    return min(2, os.cpu_count() or 1) if bundles >= PARALLEL_FROM else 1


def ingest_bundles(warehouse: Warehouse, receipts: Receipts, paths: Iterable[Path], via: str, cube: Derived,
                   registered: Collection[str] | None = None, who: str = "",
                   workers: int | None = None) -> Iterator[tuple[Path, Outcome]]:
    """Many bundles (a shared folder): each is read, checked and validated in one of `workers` processes (by
    default `default_workers`), while this process commits them one at a time, in the given order, each
    school-year replaced atomically as `ingest_bundle` does; their receipts go through one connection
    (`Receipts.batch`). `paths` may be produced as they are taken (bundles being made while the first are checked)."""
    if workers is None:
        paths = list(paths)
        workers = default_workers(len(paths))
    with receipts.batch():
        if workers <= 1:
            for path in paths:
                yield path, ingest_bundle(warehouse, receipts, path, via, cube, registered=registered, who=who)
            return
        derived = portable(cube)
        known = None if registered is None else frozenset(registered)
        with ProcessPoolExecutor(max_workers=workers, mp_context=mp.get_context("spawn")) as pool:
            pending: deque[tuple[Path, Future[Prepared]]] = deque()
            queue = iter(paths)
            for path in queue:  # bounded, so memory does not grow with the folder
                pending.append((path, pool.submit(prepare_bundle, path, derived, None, known)))
                if len(pending) >= IN_FLIGHT * workers:
                    break
            while pending:
                path, future = pending.popleft()
                nxt = next(queue, None)
                if nxt is not None:
                    pending.append((nxt, pool.submit(prepare_bundle, nxt, derived, None, known)))
                yield path, commit(warehouse, receipts, future.result(), via, who)


MAX_UPLOAD_BYTES = 200 * 1024 * 1024


def ingest_upload(warehouse: Warehouse, receipts: Receipts, data: bytes, inbox: Path, cube: Derived,
                  expected_school: str | None, registered: Collection[str] | None, who: str) -> Outcome:
    """A bundle uploaded on the lab's page: kept in the inbox under a fresh name, then the one intake."""
    import secrets

    if len(data) > MAX_UPLOAD_BYTES:
        return Outcome(False, expected_school or "", "", ["Файл больше 200 МБ — это не пакет данных школы"])
    inbox.mkdir(parents=True, exist_ok=True)
    path = inbox / f"upload-{secrets.token_hex(8)}.zip"
    path.write_bytes(data)
    return ingest_bundle(warehouse, receipts, path, "загрузка", cube, expected_school, registered, who)
