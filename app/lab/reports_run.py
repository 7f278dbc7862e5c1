"""Building the lab's справки for the authority, shared by `edumon lab report` and the reports page: the town's
numbers through the engine, a registered builder (reports.district.catalogue), and the school's exporters (docx with
charts, xlsx with native charts, pdf through LibreOffice). Blocking: pages call it through app.background."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from reports.district.catalogue import ReportParams, report_kind
from reports.district.olympiads import OlympiadRule
from reports.district.signals import SignalSettings
from reports.district.town_data import TownData, gather
from reports.spravka.document import Spravka

FORMATS = ("docx", "xlsx", "pdf")
MAX_LINES, MAX_LINE = 200, 5000  # edited conclusions: points and characters per point kept


def signal_settings(settings: Any) -> SignalSettings:
    return SignalSettings(min_n=settings.signal_min_n, above_group_pp=settings.signal_above_group_pp,
                          raised_share_pct=settings.signal_raised_pct)


_KEPT: dict[int, tuple[tuple, TownData]] = {}  # per lab context: the last town's numbers and what they were of
_LOCK = threading.Lock()


def _state(ctx: Any) -> tuple:
    """What the town's numbers depend on: every intake leaves a receipt; the registry has its cache version."""
    subs = ctx.receipts.all()
    return (len(subs), subs[-1].received_at if subs else 0.0, ctx.cache.version, signal_settings(ctx.settings))


def town_data(ctx: Any, forecasts: bool = False) -> TownData:
    """The town's numbers from the lab's engine and its registry of schools, computed again only after an intake
    or a change of the registry (the per-task sums of a town take seconds; every справка and page shares them)."""
    state = _state(ctx)
    with _LOCK:
        kept = _KEPT.get(id(ctx))
    if kept is not None and kept[0] == state and (kept[1].facts is not None or not forecasts):
        return kept[1]
    ctx.engine.refresh()
    data = gather(ctx.engine.run, ctx.cache.workbook.frames["schools"], signal_settings(ctx.settings),
                  forecasts=forecasts)
    with _LOCK:
        _KEPT[id(ctx)] = (state, data)
    return data


def with_settings(params: ReportParams, settings: Any) -> ReportParams:
    """The arguments with the lab's settings where the person gave none: the horizon of attestation, the olympiad
    status rule."""
    return replace(params, months=params.months or settings.lab_attestation_months,
                   rule=params.rule or olympiad_rule(settings))


def olympiad_rule(settings: Any) -> OlympiadRule:
    return OlympiadRule(winner_min_share=settings.olympiad_winner_min_share, prize_quota=settings.olympiad_prize_quota)


def build_document(ctx: Any, key: str, params: ReportParams, data: TownData | None = None) -> Spravka:
    """The справка `key` for `params`; ReportRefused (Russian) when it cannot be built."""
    kind = report_kind(key)
    params = with_settings(params, ctx.settings)
    data = data or town_data(ctx, forecasts=kind.forecasts)
    data.extra.update({a.key: ctx.engine.run(a) for a in kind.aggregates})
    data.extra.update({key: ctx.cache.workbook.frames[key] for key in kind.sheets})
    return kind.build(data, params)


def edited(doc: Spravka, conclusions: Sequence[str] | None, recommendations: Sequence[str] | None) -> Spravka:
    """The справка with the conclusions and recommendations the methodologist edited (blank lines dropped; at most
    MAX_LINES points of MAX_LINE characters each, so no paste can swell a file without end)."""
    def clean(lines: Sequence[str] | None, old: tuple[str, ...]) -> tuple[str, ...]:
        if lines is None:
            return old
        return tuple(t.strip()[:MAX_LINE] for t in lines if t.strip())[:MAX_LINES]

    return replace(doc, conclusions=clean(conclusions, doc.conclusions),
                   recommendations=clean(recommendations, doc.recommendations))


def render(doc: Spravka, fmt: str) -> bytes:
    """The document as a file of `fmt` (docx, xlsx, pdf); pdf needs LibreOffice (ConversionError otherwise)."""
    if fmt == "docx":
        from reports.export.docx import spravka_docx

        return spravka_docx(doc)
    if fmt == "xlsx":
        from reports.export.xlsx import spravka_xlsx

        return spravka_xlsx(doc)
    if fmt == "pdf":
        from reports.export.pdf import spravka_pdf
        from sync.convert import docx_to_pdf

        return spravka_pdf(doc, docx_to_pdf)
    raise ValueError(f"unknown format {fmt!r}")
