"""Reading an uploaded workbook: the bounded checks (forms.xlsx_scan), the parse in this process, and the whole
safe path the page uses (checks and parse in a child process), for sheets of 600 to 50 000 rows of 7 columns.

Run: .venv/bin/python benchmarks/bench_upload.py
"""

from __future__ import annotations

import io
import time

from openpyxl import Workbook

from forms.upload_file import UploadLimits, parse_xlsx, read_xlsx
from forms.xlsx_scan import scan_xlsx

TARGETS = {600: 2.0, 10_000: 5.0, 50_000: 20.0}  # seconds for the page's path (read_xlsx)


def workbook(rows: int) -> bytes:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Обучающиеся")
    ws.append(["id", "Фамилия", "Имя", "Отчество", "Класс", "Дата рождения", "Пол"])
    for i in range(rows):
        ws.append([f"st{i}", f"Фамилия{i % 97}", f"Имя{i % 31}", "", f"c{i % 40}", "01.09.2014", "ж" if i % 2 else "м"])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def timed(fn) -> float:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main() -> None:
    limits = UploadLimits(max_bytes=50 * 1024 * 1024)
    for rows, target in TARGETS.items():
        data = workbook(rows)
        scan = timed(lambda d=data: scan_xlsx(d, "b.xlsx", limits))
        here = timed(lambda d=data: parse_xlsx(d, "b.xlsx", limits))
        safe = timed(lambda d=data: read_xlsx(d, "b.xlsx", limits))
        print(f"{rows:>6} rows ({len(data) / 1e6:.1f} MB): checks {scan:.2f} s, checks+parse here {here:.2f} s, "
              f"page path (child process) {safe:.2f} s  [target ≤ {target:.0f} s]")


if __name__ == "__main__":
    main()
