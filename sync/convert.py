"""Document conversion and writing report files: the only place a справка touches the disk or a process.

`docx_to_pdf` runs LibreOffice headless in a private temporary directory and returns the PDF bytes.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from sheets_schema.errors import UserFacingError

CANDIDATES = ("soffice", "libreoffice")
TIMEOUT_S = 120
MISSING_OFFICE = ("LibreOffice не установлен: для PDF нужна программа soffice (libreoffice) в PATH. "
                  "Установите LibreOffice или скачайте справку в формате docx.")


class ConversionError(UserFacingError):
    """A Russian message a person can act on."""


def find_office() -> str | None:
    for name in CANDIDATES:
        path = shutil.which(name)
        if path:
            return path
    return None


def docx_to_pdf(docx: bytes, *, timeout: float = TIMEOUT_S) -> bytes:
    office = find_office()
    if office is None:
        raise ConversionError(MISSING_OFFICE)
    with tempfile.TemporaryDirectory(prefix="edumon-pdf-") as tmp:
        src = Path(tmp) / "spravka.docx"
        src.write_bytes(docx)
        # a private profile: a running LibreOffice of the same user must not block the conversion
        profile = Path(tmp) / "profile"
        cmd = [office, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", "pdf",
               "--outdir", tmp, str(src)]
        try:
            done = subprocess.run(cmd, capture_output=True, timeout=timeout, check=False,
                                  env={**os.environ, "HOME": tmp})
        except subprocess.TimeoutExpired as exc:
            raise ConversionError(f"LibreOffice не успел преобразовать справку за {timeout:.0f} с") from exc
        out = src.with_suffix(".pdf")
        if done.returncode != 0 or not out.exists():
            detail = (done.stderr or done.stdout).decode("utf-8", "replace").strip()[:300]
            raise ConversionError(f"LibreOffice не смог преобразовать справку в PDF: {detail or 'без пояснений'}")
        return out.read_bytes()


def write_bytes(path: str | os.PathLike[str], data: bytes) -> Path:
    """Write a report file (creating its folder); returns the path written."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    return target


def read_bytes(path: str | os.PathLike[str]) -> bytes:
    """A file we made (a bundle, a report) read back to hand it to a browser."""
    return Path(path).read_bytes()
