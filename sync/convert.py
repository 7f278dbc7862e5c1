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


TEMPLATE_PATH = Path("templates") / "spravka.docx"  # the school's letterhead for справки, inside the data dir


def template_path(data_dir: str | os.PathLike[str]) -> Path:
    return Path(data_dir) / TEMPLATE_PATH


def read_template(data_dir: str | os.PathLike[str]) -> bytes | None:
    """The school's letterhead template, or None when the school has not put one."""
    path = template_path(data_dir)
    return path.read_bytes() if path.is_file() else None


def save_template(data_dir: str | os.PathLike[str], data: bytes | None) -> None:
    """Put the school's letterhead (None: remove it, back to the default). Written whole, then renamed over the
    old one, so a справка never reads half a template."""
    path = template_path(data_dir)
    if data is None:
        path.unlink(missing_ok=True)
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".docx.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)
