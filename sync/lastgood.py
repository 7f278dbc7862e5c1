"""The last good local copy of the workbook: the raw grids of the last successful read, kept in the data dir.

When the store is down at start (Google outage), the app starts from this copy instead of exiting: pages show
it with the time of that read, and writes go to the outbox as always. The file is JSON, mode 0600 (it holds
personal data), written atomically; it names the spreadsheet it came from, so a copy of another spreadsheet is
never shown. Nothing secret goes in: no credentials, only cells.
"""

from __future__ import annotations

import json
import logging
import threading
from dataclasses import dataclass
from pathlib import Path

from sync.files import write_private
from sync.store import Grid

log = logging.getLogger(__name__)
FORMAT = 1


@dataclass(frozen=True)
class Copy:
    grids: dict[str, Grid]
    read_at: float  # epoch seconds of the successful read the grids come from


class LastGoodCopy:
    def __init__(self, path: Path, spreadsheet_id: str) -> None:
        self.path, self.spreadsheet_id = Path(path), spreadsheet_id
        self._saved: dict[str, Grid] | None = None
        self._lock = threading.Lock()

    def save(self, grids: dict[str, Grid], read_at: float) -> bool:
        """Keep these grids (skipped when they equal the last saved ones); a disk error is logged, never raised:
        the copy is a convenience for the next start, the read itself succeeded."""
        with self._lock:
            if self._saved is not None and self._saved == grids:
                return False
            body = {"format": FORMAT, "spreadsheet": self.spreadsheet_id, "read_at": read_at, "grids": grids}
            try:
                write_private(self.path, json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
            except OSError as exc:
                log.warning("could not keep the local copy of the workbook: %s", exc.strerror or exc)
                return False
            self._saved = grids
            return True

    def load(self) -> Copy | None:
        """The copy, or None when there is none, it is damaged, or it belongs to another spreadsheet."""
        try:
            body = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as exc:
            log.warning("local copy of the workbook is unreadable: %s", exc)
            return None
        if not isinstance(body, dict) or body.get("format") != FORMAT or body.get("spreadsheet") != self.spreadsheet_id:
            return None
        grids = body.get("grids")
        if not isinstance(grids, dict) or not all(isinstance(g, list) for g in grids.values()):
            return None
        clean = {str(t): [[str(c) for c in row] for row in g if isinstance(row, list)] for t, g in grids.items()}
        return Copy(clean, float(body.get("read_at") or 0.0))
