"""Counts the printed pages of the справки a pedagogical council gets: the school's справка and one class's, as
Word → PDF (LibreOffice, as a school prints it) and as Excel printed by LibreOffice with the workbook's print setup.

Run: .venv/bin/python benchmarks/bench_spravka_print.py [students ...]   (default 600, the size of `edumon demo`)

Needs LibreOffice (soffice) and poppler's pdfinfo; prints «нет LibreOffice» otherwise. Pages are counted, not timed.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.demo.school import generate_demo  # noqa: E402
from reports import results_facts  # noqa: E402
from reports.export.docx import spravka_docx  # noqa: E402
from reports.export.letterhead import Letterhead  # noqa: E402
from reports.export.xlsx import spravka_xlsx  # noqa: E402
from reports.spravka.school import class_spravka, school_spravka  # noqa: E402
from sheets_schema import SCHEMA, validate_workbook  # noqa: E402
from sync.convert import find_office  # noqa: E402

TARGETS = {"школа, docx → pdf": 14, "школа, xlsx": 15, "класс, docx → pdf": 10, "класс, xlsx": 10}


def pages(office: str, name: str, data: bytes, tmp: Path) -> int:
    src = tmp / name
    src.write_bytes(data)
    subprocess.run([office, f"-env:UserInstallation={(tmp / 'profile').as_uri()}", "--headless", "--convert-to",
                    "pdf", "--outdir", str(tmp), str(src)], capture_output=True, check=True, timeout=300,
                   env={"HOME": str(tmp), "PATH": "/usr/bin:/bin:/usr/local/bin"})
    info = subprocess.run(["pdfinfo", str(src.with_suffix(".pdf"))], capture_output=True, check=True, text=True)
    return int(re.search(r"Pages:\s+(\d+)", info.stdout).group(1))  # type: ignore[union-attr]


def main(sizes: list[int]) -> None:
    office = find_office()
    if office is None:
        print("нет LibreOffice: страницы не сосчитать")
        return
    head = Letterhead("МБОУ «Средняя общеобразовательная школа № 1»")
    for students in sizes:
        wb = validate_workbook(SCHEMA, generate_demo(students=students, seed=7).grids)
        facts = results_facts(wb)
        docs = {"школа": school_spravka(facts, wb.frames),
                "класс": class_spravka(facts, wb.frames, str(wb.frames["classes"]["id"].iloc[20]))}
        print(f"демо-школа, {students} обучающихся:")
        with tempfile.TemporaryDirectory(prefix="edumon-pages-") as tmp:
            for label, doc in docs.items():
                for kind, data in (("docx → pdf", spravka_docx(doc, letterhead=head)), ("xlsx", spravka_xlsx(doc))):
                    key = f"{label}, {kind}"
                    n = pages(office, f"{label}.{'docx' if 'docx' in kind else 'xlsx'}", data, Path(tmp))
                    print(f"  {key:<20} {n:>4} стр.   цель ≤ {TARGETS[key]}")


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [600])
