"""Overdue clocks per day as a bar chart: an SVG the server draws (no script, prints, and
its Chinese labels use the page's fonts)."""

from dataclasses import dataclass
from datetime import date

WIDTH, HEIGHT, LEFT, BOTTOM, TOP = 720, 180, 36, 24, 12


@dataclass(frozen=True)
class Bar:
    day: date
    count: int
    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True)
class Chart:
    bars: list[Bar]
    top: int  # the y axis' highest value
    ticks: list[tuple[float, str]]  # x position and label (MM-DD) under some bars
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    bottom: int = BOTTOM
    plot_top: int = TOP


def bars(points: list[tuple[date, int]]) -> Chart:
    top = max([count for _, count in points] + [1])
    span = (WIDTH - LEFT) / max(len(points), 1)
    plot = HEIGHT - BOTTOM - TOP
    drawn = []
    for i, (day, count) in enumerate(points):
        height = plot * count / top
        drawn.append(
            Bar(day, count, LEFT + i * span + 1, TOP + plot - height, max(span - 2, 1), height)
        )
    every = 15
    ticks = [
        (bar.x + bar.width / 2, bar.day.strftime("%m-%d"))
        for i, bar in enumerate(drawn)
        if (len(drawn) - 1 - i) % every == 0
    ]
    return Chart(drawn, top, ticks)
