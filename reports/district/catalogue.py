"""Every справка of the lab, registered by importing its module (a new справка adds its import here)."""

from __future__ import annotations

from reports.district import cycle, spravka_forecast, spravka_school, spravka_town  # noqa: F401  (each registers its builders)
from reports.district.builders import REPORTS, ReportKind, ReportParams, ReportRefused, report_kind

__all__ = ["REPORTS", "ReportKind", "ReportParams", "ReportRefused", "report_kind"]
