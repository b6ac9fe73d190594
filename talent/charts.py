"""Geometry for the small inline SVG charts of the admin reports (no JS library).
The functions return plain numbers; templates draw them."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


@dataclass
class Point:
    x: float
    y: float
    label: str
    value: Decimal | None


def trend_chart(points, *, target: Decimal, width=640, height=220, pad=44) -> dict:
    """A line of monthly rates with the target as a dashed line. The axis runs
    from a round number below the lowest value to 100 %, so small monthly
    changes stay visible."""
    inner_w, inner_h = width - 2 * pad, height - 2 * pad
    step = inner_w / max(1, len(points) - 1)
    values = [float(p.rate) for p in points if p.rate is not None] + [float(target)]
    low = max(0, int((min(values) - 5) // 10) * 10)

    def y_of(rate) -> float:
        return round(pad + inner_h * (1 - (float(rate) - low) / (100 - low)), 1)

    plotted = [
        Point(round(pad + i * step, 1), y_of(p.rate), p.month.strftime("%Y-%m"), p.rate)
        for i, p in enumerate(points)
        if p.rate is not None
    ]
    return {
        "width": width,
        "height": height,
        "pad": pad,
        "right": width - pad,
        "bottom": height - pad,
        "points": plotted,
        "polyline": " ".join(f"{p.x},{p.y}" for p in plotted),
        "target_y": y_of(target),
        "grid": [
            {"y": y_of(v), "label": f"{v}%"} for v in range(low, 101, 10 if low >= 50 else 25)
        ],
    }


def bar_chart(rows, *, target: Decimal, width=640, bar_height=22, gap=8, label_w=150) -> dict:
    """Horizontal bars of each unit's rate with the target as a vertical line."""
    scale = (width - label_w - 60) / 100
    bars = []
    for index, row in enumerate(rows):
        rate = row.rate or Decimal(0)
        bars.append(
            {
                "y": index * (bar_height + gap),
                "text_y": index * (bar_height + gap) + bar_height * 0.7,
                "width": round(float(rate) * scale, 1),
                "label": row.label,
                "rate": row.rate,
                "met": row.met,
                "value_x": label_w + round(float(rate) * scale, 1) + 6,
            }
        )
    return {
        "width": width,
        "height": max(1, len(rows)) * (bar_height + gap),
        "bar_height": bar_height,
        "label_w": label_w,
        "target_x": label_w + round(float(target) * scale, 1),
        "bars": bars,
    }


# Native Excel charts for the exports (openpyxl.chart): the workbook a leader opens
# shows what the report page shows. Each maker is called by ``write_workbook`` with
# the sheet and its number of data rows and charts the sheet's own cells.


def xlsx_trend_chart(*, title: str, rate_column: int, anchor: str):
    """A line of the monthly rate (``rate_column``) and the target (the next column)."""
    from openpyxl.chart import LineChart, Reference

    def make(sheet, count):
        chart = LineChart()
        chart.title = title
        chart.style = 12
        chart.height, chart.width = 8, 18
        chart.y_axis.title = "%"
        chart.y_axis.scaling.min, chart.y_axis.scaling.max = 0, 100
        chart.y_axis.majorGridlines = None
        data = Reference(
            sheet, min_col=rate_column, max_col=rate_column + 1, min_row=1, max_row=count + 1
        )
        chart.add_data(data, titles_from_data=True)
        chart.set_categories(Reference(sheet, min_col=1, min_row=2, max_row=count + 1))
        rate, target = chart.series
        rate.marker.symbol = "circle"
        rate.graphicalProperties.line.solidFill = "2563EB"
        rate.marker.graphicalProperties = None
        target.graphicalProperties.line.dashStyle = "dash"
        target.graphicalProperties.line.solidFill = "DC2626"
        return chart, anchor

    return make


def xlsx_unit_chart(*, title: str, rate_column: int, first_row: int, anchor: str):
    """Columns of each unit's rate from ``first_row`` on, and the target (the next
    column) as a line across them."""
    from openpyxl.chart import BarChart, LineChart, Reference, Series

    def make(sheet, count):
        last = count + 1
        if last < first_row:
            return None
        bar = BarChart()
        bar.type = "col"
        bar.title = title
        bar.style = 10
        bar.height, bar.width = 9, 22
        bar.y_axis.title = "%"
        bar.y_axis.scaling.min, bar.y_axis.scaling.max = 0, 100
        heading = Reference(sheet, min_col=rate_column, min_row=1)
        target_heading = Reference(sheet, min_col=rate_column + 1, min_row=1)
        rates = Reference(sheet, min_col=rate_column, min_row=first_row, max_row=last)
        targets = Reference(sheet, min_col=rate_column + 1, min_row=first_row, max_row=last)
        bar.series.append(Series(rates, title_from_data=False, title=None))
        bar.series[0].tx = _title_ref(heading)
        bar.set_categories(Reference(sheet, min_col=1, min_row=first_row, max_row=last))
        line = LineChart()
        line.series.append(Series(targets, title_from_data=False, title=None))
        line.series[0].tx = _title_ref(target_heading)
        line.series[0].graphicalProperties.line.solidFill = "DC2626"
        line.series[0].graphicalProperties.line.dashStyle = "dash"
        bar += line
        return bar, anchor

    return make


def _title_ref(reference):
    from openpyxl.chart.series import SeriesLabel, StrRef

    return SeriesLabel(strRef=StrRef(str(reference)))
