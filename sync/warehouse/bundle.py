"""The school's side of the exchange: pseudonymise, build the bundle (typed Parquet + manifest.json), read one back.

Student codes are HMAC-SHA256 of the school's row id under a key that never leaves the school's data dir (file
mode 0600, generated once): the school can re-identify a code, the lab cannot — as ВПР participant codes work.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import os
import re
import secrets
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pyarrow as pa

from sheets_schema import Registry
from sheets_schema.bundle import BUNDLE_FORMAT, BUNDLE_SCHEMA, PSEUDONYMISED, portfolio_counts, prune_dangling
from sheets_schema.errors import UserFacingError
from sync.warehouse.arrow import to_arrow
from sync.warehouse.layout import encode

MANIFEST = "manifest.json"
MAX_MEMBER_BYTES = 512 * 1024 * 1024  # a bundle member larger than this is refused unread
MAX_MANIFEST_BYTES = 1024 * 1024
CODE_RE = re.compile(r"^[\w\-.]{1,64}$")
YEAR_RE = re.compile(r"^(\d{4})/(\d{4})$")


class BundleError(UserFacingError):
    """A bundle cannot be built or read; `problems` are Russian, one per line."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def load_or_create_key(path: Path) -> bytes:
    """The school's pseudonymisation key: 32 random bytes, created once with mode 0600, never sent anywhere."""
    if path.is_file():
        raw = path.read_bytes().strip()
        if len(raw) >= 64:
            return bytes.fromhex(raw.decode("ascii"))
    path.parent.mkdir(parents=True, exist_ok=True)
    value = secrets.token_bytes(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(value.hex())
    return value


def student_code(key: bytes, student_id: str) -> str:
    """A stable pseudonymous code of one student: the same id and key always give the same code."""
    digest = hmac.new(key, student_id.encode("utf-8"), hashlib.sha256).hexdigest()
    return "u-" + digest[:20]


def bundle_frames(frames: Mapping[str, pd.DataFrame], key: bytes) -> tuple[dict[str, pd.DataFrame], int]:
    """The validated school frames -> the bundle's tables (columns of BUNDLE_SCHEMA), students pseudonymised.

    Rows referring to rows that did not pass validation are left out too (their count is returned), so the lab's
    check of references holds."""
    out: dict[str, pd.DataFrame] = {}
    for sheet in BUNDLE_SCHEMA:
        if sheet.key == "portfolio_counts":
            out[sheet.key] = portfolio_counts(frames["portfolio"])
            continue
        f = frames[sheet.key].copy()
        if sheet.key == "teachers":
            born = pd.to_datetime(f["birth_date"], errors="coerce")
            f["birth_year"] = born.dt.year.astype("Int64")
        column = PSEUDONYMISED.get(sheet.key)
        if column is not None:
            f[column] = [None if pd.isna(v) or v == "" else student_code(key, str(v)) for v in f[column].astype(object)]
        out[sheet.key] = f[[k for k in sheet.keys]].reset_index(drop=True)
    return prune_dangling(BUNDLE_SCHEMA, out)


@dataclass(frozen=True)
class Manifest:
    school_code: str
    academic_year: str
    schema_version: int
    exported_at: str
    tables: dict[str, dict[str, object]] = field(default_factory=dict)  # name -> file, rows, sha256
    source: str = "school"  # "school" (exported by the school) or "google" (pulled by the lab)

    def as_json(self) -> bytes:
        body = {"format": BUNDLE_FORMAT, "school_code": self.school_code, "academic_year": self.academic_year,
                "schema_version": self.schema_version, "exported_at": self.exported_at, "source": self.source,
                "tables": self.tables}
        return json.dumps(body, ensure_ascii=False, indent=2).encode("utf-8")


def write_bundle(out: Path, tables: Mapping[str, pd.DataFrame | pa.Table], school_code: str, academic_year: str,
                 schema: Registry = BUNDLE_SCHEMA, source: str = "school") -> Manifest:
    """Write a zip (or a directory when `out` has no .zip suffix): one Parquet file per table (typed frames or Arrow
    tables of the bundle schema), then the manifest."""
    if not CODE_RE.match(school_code):
        raise BundleError([f"Код школы «{school_code}» может содержать только буквы, цифры, «-», «_» и «.»"])
    files: dict[str, bytes] = {}
    listed: dict[str, dict[str, object]] = {}
    for sheet in schema:
        given = tables[sheet.key]
        table = given if isinstance(given, pa.Table) else to_arrow(sheet, given)
        data = encode(table)
        name = f"{sheet.key}.parquet"
        files[name] = data
        listed[sheet.key] = {"file": name, "rows": table.num_rows, "sha256": hashlib.sha256(data).hexdigest()}
    manifest = Manifest(school_code, academic_year, schema.version,
                        dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"), listed, source)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    if out.suffix == ".zip":
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_STORED) as zf:
            for name, data in files.items():
                zf.writestr(name, data)
            zf.writestr(MANIFEST, manifest.as_json())
        os.replace(tmp, out)
    else:
        out.mkdir(parents=True, exist_ok=True)
        for name, data in files.items():
            (out / name).write_bytes(data)
        (out / MANIFEST).write_bytes(manifest.as_json())
    return manifest


class BundleReader:
    """Members of a bundle, a zip file or a directory; sizes are bounded and names must be plain file names."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._zip: zipfile.ZipFile | None = None
        if path.is_dir():
            return
        try:
            self._zip = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError) as exc:
            raise BundleError([f"Файл «{path.name}» не является пакетом данных (zip): {type(exc).__name__}"]) from None

    def close(self) -> None:
        if self._zip is not None:
            self._zip.close()

    def read(self, name: str, limit: int = MAX_MEMBER_BYTES) -> bytes | None:
        """A member's bytes, None when it is missing; BundleError when it is too large."""
        if "/" in name or "\\" in name or name.startswith("."):
            return None
        if self._zip is None:
            p = self.path / name
            if not p.is_file():
                return None
            if p.stat().st_size > limit:
                raise BundleError([f"Файл «{name}» в пакете слишком большой"])
            return p.read_bytes()
        try:
            info = self._zip.getinfo(name)
        except KeyError:
            return None
        if info.file_size > limit:
            raise BundleError([f"Файл «{name}» в пакете слишком большой"])
        with self._zip.open(info) as fh:
            data = fh.read(limit + 1)
        if len(data) > limit:
            raise BundleError([f"Файл «{name}» в пакете слишком большой"])
        return data
