"""A document Chart as a PNG picture for Word (matplotlib, Agg canvas). The figure is drawn without pyplot, so
no global figure state is shared between the threads that build справки at the same time.
"""

from __future__ import annotations

import io
import textwrap
from dataclasses import replace

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from reports.labels import fmt_num
from reports.spravka.document import Chart

PALETTE = ("#1565c0", "#2e7d32", "#f9a825", "#c62828", "#6a1b9a", "#00838f", "#ef6c00", "#5d4037", "#455a64",
           "#ad1457")
WIDTH_IN, HEIGHT_IN, DPI = 6.4, 3.2, 150
MAX_LABELLED_BARS = 30  # more bars than this carry no value labels (they would overlap)
LINE_FRACTION = 0.045  # one line of 8 pt tick labels as a share of the figure height
MANY_CATEGORIES = 8  # more categories than this get slanted, unwrapped x labels (wrapped ones run together)


def with_data(chart: Chart) -> Chart:
    """The chart without the bar categories that have no value in any series (a parallel without marks); line
    charts keep their gaps. Nothing is dropped when every category is empty."""
    if chart.kind != "bar":
        return chart
    keep = [i for i in range(len(chart.categories)) if any(v[i] is not None for v in chart.series.values())]
    if not keep or len(keep) == len(chart.categories):
        return chart
    return replace(chart, categories=tuple(chart.categories[i] for i in keep),
                   series={n: tuple(v[i] for i in keep) for n, v in chart.series.items()})


def tick_layout(categories: tuple[str, ...]) -> tuple[list[str], float]:
    """x tick labels and their rotation: wrapped and level for a few categories, slanted in one line for many."""
    if len(categories) > MANY_CATEGORIES:
        return list(categories), 45.0
    return [textwrap.fill(c, max(6, min(14, 90 // max(len(categories), 1)))) for c in categories], 0.0


def chart_png(chart: Chart) -> bytes:
    chart = with_data(chart)
    fig = Figure(figsize=(WIDTH_IN, HEIGHT_IN), dpi=DPI)
    FigureCanvasAgg(fig)
    ax = fig.subplots()
    x = np.arange(len(chart.categories))
    names = list(chart.series)
    if chart.kind == "bar":
        width = 0.8 / max(len(names), 1)
        for i, name in enumerate(names):
            values = np.array([np.nan if v is None else v for v in chart.series[name]], dtype=float)
            colors = list(chart.colors) if chart.colors and len(names) == 1 else PALETTE[i % len(PALETTE)]
            bars = ax.bar(x + (i - (len(names) - 1) / 2) * width, np.nan_to_num(values), width, label=name,
                          color=colors)
            n_bars = len(names) * len(chart.categories)
            if n_bars <= MAX_LABELLED_BARS:
                ax.bar_label(bars, labels=[fmt_num(v) if not np.isnan(v) else "" for v in values],
                             fontsize=7 if n_bars <= 12 else 5.5)
    else:
        for i, name in enumerate(names):
            values = np.array([np.nan if v is None else v for v in chart.series[name]], dtype=float)
            ax.plot(x, values, marker="o", label=name, color=PALETTE[i % len(PALETTE)])
            for xi, v in zip(x, values, strict=True):
                if not np.isnan(v):
                    ax.annotate(fmt_num(v), (xi, v), textcoords="offset points", xytext=(0, 5), ha="center",
                                fontsize=7)
    labels, rotation = tick_layout(chart.categories)
    ax.set_xticks(x, labels, fontsize=8 if len(labels) <= MANY_CATEGORIES else 6.5, rotation=rotation,
                  ha="right" if rotation else "center", rotation_mode="anchor" if rotation else "default")
    ax.set_title(chart.title, fontsize=10)
    ax.set_ylabel(chart.y_title, fontsize=8)
    ax.set_xlabel(chart.x_title, fontsize=8)
    ax.tick_params(axis="y", labelsize=8)
    ax.margins(y=0.15)
    ax.grid(axis="y", alpha=0.3)
    right = 0.98
    if len(names) > 1:  # the legend to the right of the plot, so it never hides a bar or a point
        ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
        right = 0.98 - min(0.3, 0.012 * max(len(n) for n in names) + 0.06)
    # fixed margins instead of tight_layout: a second full draw would double the time of every chart
    lines = max((label.count("\n") + 1 for label in labels), default=1)
    if rotation:  # a slanted label takes the height of its length
        lines = min(4, max(1, max((len(label) for label in labels), default=1) // 5))
    fig.subplots_adjust(left=0.09, right=right, top=0.9,
                        bottom=0.08 + LINE_FRACTION * lines + (0.06 if chart.x_title else 0.0))
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()
