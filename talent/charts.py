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
