"""Charts speak Russian: number formats «2 500» and «17,5» on value axes and in tooltips, and long category lists cut
to the first N with «ещё N». Functions return ECharts options; a key starting with «:» is JavaScript to NiceGUI.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

# one formatter for every chart: a number in Russian (space between thousands, decimal comma, at most 2 decimals)
RU_NUMBER = ("v => (typeof v === 'number' && isFinite(v)) ? v.toLocaleString('ru-RU', {maximumFractionDigits: 2})"
             " : (v ?? '—')")


def ru_number_js(unit: str = "") -> str:
    """The JavaScript formatter of a value axis or tooltip: «2 500», «17,5», with « %» (or another unit) after."""
    if not unit:
        return RU_NUMBER
    return f"v => (({RU_NUMBER})(v)) + ((typeof v === 'number' && isFinite(v)) ? '\\u00a0{unit}' : '')"


def russian(options: dict[str, Any], unit: str = "") -> dict[str, Any]:
    """The chart's options with Russian number formats: every value axis labels its ticks through `ru_number_js`
    (`unit` after the number, e.g. «%»), the tooltip shows values the same way. Returns the same dict."""
    for axis_key in ("xAxis", "yAxis"):
        axes = options.get(axis_key)
        for axis in axes if isinstance(axes, list) else [axes] if isinstance(axes, dict) else []:
            if axis.get("type") == "value":
                label = dict(axis.get("axisLabel", {}))
                label.pop("formatter", None)
                label[":formatter"] = ru_number_js(unit)
                axis["axisLabel"] = label
    tooltip = options.setdefault("tooltip", {})
    if ":formatter" not in tooltip and "formatter" not in tooltip:
        tooltip[":valueFormatter"] = ru_number_js(unit)
    return options


def top_categories(categories: Sequence[Any], weights: Mapping[Any, float], limit: int) -> tuple[list[Any], int]:
    """The `limit` categories of greatest weight (ties keep the given order), in the given order, and how many are
    left out — for «ещё N» under a chart that would be unreadable with every category."""
    if len(categories) <= limit:
        return list(categories), 0
    ranked = sorted(range(len(categories)), key=lambda i: -float(weights.get(categories[i], 0) or 0))
    keep = sorted(ranked[:limit])
    return [categories[i] for i in keep], len(categories) - limit


def more_text(shown: int, left_out: int) -> str:
    """The caption under a cut teachers chart: «Показаны 20 педагогов с наибольшим числом результатов; ещё 15 — в
    справке и на уровнях ниже»; nothing when nobody is left out."""
    if not left_out:
        return ""
    return (f"Показаны {shown} педагогов с наибольшим числом результатов; ещё {left_out} — в справке и на уровнях "
            "ниже.")
