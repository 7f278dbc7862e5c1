"""Reading an uploaded .xlsx so that no file can take the server down: checks first, then the parser in a
separate process whose crash, overrun or hang becomes a Russian message.

Checked in this order, each with a Russian message: size, the zip signature (an old .xls, a CSV, a renamed
file), then `forms.xlsx_scan` (readable zip, unpacked size and entry count counted while unpacking, packing ratio,
macros, content types, XML without DTD and not too deep, how far the cells reach — before anything is
materialised), then python-calamine reads the cells. `read_xlsx` runs the last two in a child process with an
address-space limit and a deadline (calamine aborts the whole process when an allocation fails);
`parse_xlsx` is the same work in the calling process. The child is a fresh interpreter (`python -m
forms.upload_file`), never a fork of the server.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import os
import pickle
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .upload_limits import MB, UploadLimits, UploadRejected, corrupted
from .xlsx_scan import repaired_zip, scan_xlsx

__all__ = ["Cell", "UploadLimits", "UploadRejected", "UploadedBook", "parse_xlsx", "read_xlsx"]

log = logging.getLogger("edumon.upload")
MAX_UPLOAD_BYTES = UploadLimits().max_bytes
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls and other old Office files
_ROOT = str(Path(__file__).resolve().parents[1])  # the folder holding `forms`, for the child
_PARALLEL = threading.BoundedSemaphore(2)  # reading processes at once; more uploads wait their turn

Cell = str | float | int | bool | dt.date | dt.datetime | dt.time | dt.timedelta | None


@dataclass
class UploadedBook:
    """Every worksheet as rows of values from cell A1 (empty cells are ''), which sheets are hidden, and per sheet
    the cells (0-based row, column) holding a formula without a saved value (they read as '')."""

    sheets: dict[str, list[list[Cell]]]
    hidden: set[str] = field(default_factory=set)
    formulas: dict[str, set[tuple[int, int]]] = field(default_factory=dict)

    def meta(self, title: str) -> dict[str, str]:
        """Key → value pairs of a two-column service sheet."""
        out: dict[str, str] = {}
        for row in self.sheets.get(title, []):
            if len(row) >= 2 and str(row[0]).strip():
                value = row[1]
                out[str(row[0]).strip()] = str(int(value)) if isinstance(value, float) and value.is_integer() \
                    else str(value).strip()
        return out


def _check_bytes(data: bytes, limits: UploadLimits) -> None:
    if not data:
        raise UploadRejected("Файл пустой")
    if len(data) > limits.max_bytes:
        raise UploadRejected(f"Файл больше {limits.max_bytes // MB} МБ: разделите его на части")
    if data.startswith(_OLE_MAGIC):
        raise UploadRejected("Это файл старого формата Excel (.xls): сохраните его как «Книга Excel (.xlsx)»")
    if not data.startswith(_ZIP_MAGIC):
        raise UploadRejected("Это не книга Excel (.xlsx). Сохраните таблицу в формате .xlsx и загрузите снова")


def parse_xlsx(data: bytes, filename: str = "", limits: UploadLimits | None = None) -> UploadedBook:
    """The cells of an uploaded workbook, read in this process (see read_xlsx for the safe way)."""
    from python_calamine import CalamineWorkbook

    limits = limits or UploadLimits()
    _check_bytes(data, limits)
    scan = scan_xlsx(data, filename, limits)
    if scan.repaired:
        data = repaired_zip(data, scan.repaired)
    try:
        wb = CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheets: dict[str, list[list[Cell]]] = {}
        hidden: set[str] = set()
        for meta in wb.sheets_metadata:
            if "WorkSheet" not in str(meta.typ):
                continue
            sheets[meta.name] = [list(r) for r in wb.get_sheet_by_name(meta.name).to_python(skip_empty_area=False)]
            if "Visible" != str(meta.visible).rsplit(".", 1)[-1]:
                hidden.add(meta.name)
    except Exception as exc:  # calamine raises its own zoo of errors on broken XML inside a valid zip
        raise corrupted("не удаётся прочитать листы книги") from exc
    return UploadedBook(sheets, hidden, {k: v for k, v in scan.formulas.items() if k in sheets})


def _child_main() -> None:
    """The reading process (`python -m forms.upload_file`): job pickled on stdin, outcome pickled on stdout."""
    limits: UploadLimits
    data, filename, limits = pickle.loads(sys.stdin.buffer.read())
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (limits.memory_bytes, limits.memory_bytes))
    except (ImportError, ValueError, OSError):  # not on this platform: the deadline still holds
        pass
    result: tuple[str, Any]
    try:
        result = ("ok", parse_xlsx(data, filename, limits))
    except UploadRejected as exc:
        result = ("rejected", str(exc))
    except MemoryError:
        result = ("rejected", _too_heavy())
    except BaseException as exc:  # noqa: BLE001 — calamine's panics are BaseException; the person gets a message
        print(f"reading failed: {type(exc).__name__}: {exc}"[:400], file=sys.stderr)
        result = ("rejected", str(corrupted("не удаётся прочитать листы книги")))
    try:
        out = pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)
    except MemoryError:
        out = pickle.dumps(("rejected", _too_heavy()))
    sys.stdout.buffer.write(out)
    sys.stdout.flush()


def _too_heavy() -> str:
    return ("Файл не прочитан: для чтения ему нужно больше памяти, чем допустимо. Удалите лишнее содержимое за "
            "пределами таблицы и загрузите снова")


def read_xlsx(data: bytes, filename: str = "", limits: UploadLimits | None = None) -> UploadedBook:
    """The cells of an uploaded workbook, or UploadRejected with a message for the person. The parser runs in a
    child process: whatever the file does to it (an abort, running out of memory, hanging), this process lives."""
    limits = limits or UploadLimits()
    _check_bytes(data, limits)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([_ROOT, os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep)}
    job = pickle.dumps((data, filename, limits), protocol=pickle.HIGHEST_PROTOCOL)
    with _PARALLEL:
        try:
            done = subprocess.run([sys.executable, "-m", "forms.upload_file"], input=job, capture_output=True,
                                  timeout=limits.seconds, env=env, check=False)
        except subprocess.TimeoutExpired:
            log.warning("upload %r: reading stopped after %.0f s", filename[:80], limits.seconds)
            raise UploadRejected(f"Файл не прочитан за {limits.seconds:.0f} с — так долго не читается обычная "
                                 "таблица. Удалите лишнее содержимое и загрузите снова") from None
    try:
        kind, value = pickle.loads(done.stdout) if done.returncode == 0 else ("died", None)
    except (pickle.UnpicklingError, EOFError, ValueError):
        kind, value = "died", None
    if kind == "ok" and isinstance(value, UploadedBook):
        return value
    if kind == "rejected":
        raise UploadRejected(str(value))
    log.warning("upload %r: the reading process ended with code %s: %s", filename[:80], done.returncode,
                done.stderr[-400:].decode("utf-8", "replace").strip().replace("\n", " | "))
    raise UploadRejected(_too_heavy() if done.returncode < 0 else str(corrupted("не удаётся прочитать листы книги")))


if __name__ == "__main__":
    from forms.upload_file import _child_main as main  # so the book pickles as forms.upload_file.UploadedBook

    main()
