"""Plotly figures in pages without inline script (the Content-Security-Policy, docs/runbook.md).

`figure_html` renders a figure as an empty `<div data-plotly-chart>` and the figure as JSON in a
`<script type="application/json">` data block (which browsers never execute); the one static script
core/js/charts.js draws every such div with `Plotly.newPlot`, on page load and after each htmx swap.
Pages load plotly.min.js and then core/js/charts.js from the local static files."""

from __future__ import annotations

import json
from typing import Any

from django.utils.html import format_html, json_script
from django.utils.safestring import SafeString

#: The plotly.js configuration of every chart: no mode bar, resizing with the page.
DEFAULT_CONFIG: dict[str, Any] = {"displayModeBar": False, "responsive": True}


def figure_html(
    fig: Any, div_id: str, *, height: str | None = None, config: dict[str, Any] | None = None
) -> SafeString:
    """The figure as an HTML fragment: the chart's div and its data. The div is drawn `height` high
    (e.g. "320px"); by default the figure's layout height, else the height of its container."""
    figure = json.loads(fig.to_json())  # plotly's encoder knows numpy arrays, dates and NaN
    if height is None:
        layout_height = figure.get("layout", {}).get("height")
        height = f"{layout_height}px" if layout_height else "100%"
    spec = {
        "data": figure.get("data", []),
        "layout": figure.get("layout", {}),
        "config": config or DEFAULT_CONFIG,
    }
    data_id = f"{div_id}-figure"
    return format_html(
        '<div id="{}" class="plotly-graph-div" data-plotly-chart="{}" data-height="{}"></div>{}',
        div_id,
        data_id,
        height,
        json_script(spec, data_id),
    )
