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

from sync.snapshots.catalog import (
    list_snapshots,
    load_grids,
    pick_sheets,
    read_info,
    resolve,
    snapshots_root,
    take_snapshot,
    verify,
    verify_snapshot,
    workbook_bytes,
    write_snapshot,
)
from sync.snapshots.diff import (
    CellChange,
    RowChange,
    RowRef,
    SheetDiff,
    WorkbookDiff,
    diff_grids,
    diff_refs,
    diff_workbooks,
    grids_of,
)
from sync.snapshots.format import (
    CURRENT,
    FORMAT,
    MANIFEST,
    MANUAL,
    SAFETY,
    SCHEDULED,
    WORKBOOK,
    Progress,
    RestoreInterrupted,
    SheetEntry,
    SnapshotCorrupt,
    SnapshotError,
    SnapshotInfo,
    SnapshotNotFound,
    VerifyResult,
    canonical_bytes,
    write_xlsx,
)
from sync.snapshots.restore import RestoreResult, plan_restore, restore

__all__ = [
    "CURRENT", "FORMAT", "MANIFEST", "MANUAL", "SAFETY", "SCHEDULED", "WORKBOOK", "CellChange", "Progress",
    "RestoreInterrupted", "RestoreResult", "RowChange", "RowRef", "SheetDiff", "SheetEntry", "SnapshotCorrupt",
    "SnapshotError", "SnapshotInfo", "SnapshotNotFound", "VerifyResult", "WorkbookDiff", "canonical_bytes",
    "diff_grids", "diff_refs", "diff_workbooks", "grids_of", "list_snapshots", "load_grids", "pick_sheets",
    "plan_restore", "read_info", "resolve", "restore", "snapshots_root", "take_snapshot", "verify", "verify_snapshot",
    "workbook_bytes", "write_snapshot", "write_xlsx",
]
