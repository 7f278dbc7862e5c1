"""Every справка of the lab, registered by importing its module (a new справка adds its import here)."""

from __future__ import annotations

from reports.district import (  # noqa: F401  (each registers its builders)
    cycle,
    spravka_forecast,
    spravka_olympiad,
    spravka_school,
    spravka_staff,
    spravka_town,
)
from reports.district.builders import REPORTS, ReportKind, ReportParams, ReportRefused, report_kind

__all__ = ["REPORTS", "ReportKind", "ReportParams", "ReportRefused", "report_kind"]
