"""Charts for the executive reports, drawn with matplotlib and returned as SVG text.

matplotlib is an optional dependency (``sdetkit[report]``). It is imported only when a chart is
drawn, so importing this module, and so ``sdetkit --help``, stays fast without it.
"""

from __future__ import annotations

import io
import math
import warnings
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from sdetkit.errors import UsageError

if TYPE_CHECKING:
    from matplotlib.axes import Axes

#: Chart ids in report order, each with the caption both report formats show for it.
CHARTS: dict[str, str] = {
    "confidence": "Release confidence rate over time (% of reporting repositories ready to ship)",
    "risk": "Repositories per risk tier over time",
    "team_failure": "Release gate failure rate per team",
    "top_steps": "Most frequent failing steps (repositories failing each step)",
}

_WIDTH = 5.6  # inches; the HTML page scales the SVG down to its column width
_LINE = "#1f5fa8"
_TIERS = {"high": "#c0392b", "medium": "#e69f00", "low": "#2e8b57"}
_BAR = "#c0392b"
_MUTED = "#666666"
_GRID = "#dddddd"

_RC: dict[str, Any] = {
    "svg.fonttype": "none",  # text stays text: small, selectable, and independent of glyph outlines
    "svg.hashsalt": "sdetkit-report",  # a fixed salt keeps generated clip-path and marker ids stable
    "text.parse_math": False,  # a "$" in a team or step name is plain text, never mathtext
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans"],  # ships with matplotlib, so text layout is the same everywhere
    "font.size": 10,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.edgecolor": "#888888",
}
# No date and no matplotlib version in the file: the same model gives the same bytes.
_METADATA: dict[str, Any] = {"Date": None, "Creator": None, "Format": None, "Type": None}
_MISSING_MATPLOTLIB = "charts need matplotlib: pip install 'sdetkit[report]'"


def _svg(draw: Callable[[Axes], None], height: float = 3.0) -> str:
    try:
        from matplotlib import style
        from matplotlib.figure import Figure
    except ImportError as exc:
        raise UsageError(_MISSING_MATPLOTLIB) from exc
    buf = io.StringIO()
    # The style context restores the caller's settings on exit. after_reset starts from matplotlib's
    # defaults, so a user's matplotlibrc or style sheet cannot change the report.
    with style.context(_RC, after_reset=True):
        # A bare Figure (no pyplot) never touches the global backend or pyplot's list of open
        # figures, so there is nothing to switch or close: savefig uses the SVG canvas directly
        # and the figure is freed with its last reference when this function returns.
        fig = Figure(figsize=(_WIDTH, height), layout="constrained")
        draw(fig.add_subplot())
        with warnings.catch_warnings():
            # Text is written as text and drawn by the viewer's fonts, so a name in a script the
            # bundled font lacks still shows; the warning would only be noise on the terminal.
            warnings.filterwarnings("ignore", message="Glyph .* missing from font", category=UserWarning)
            fig.savefig(buf, format="svg", metadata=_METADATA)
    return buf.getvalue()


def _number(value: Any) -> float:
    """A float for a model number; nan for null, so a chart shows a gap rather than a fake zero."""
    if isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value):
        return float(value)
    return math.nan


def _numbers(values: Any, count: int) -> list[float]:
    seq = values if isinstance(values, Sequence) and not isinstance(values, str) else []
    out = [_number(v) for v in seq[:count]]
    return out + [math.nan] * (count - len(out))


def _rows(value: Any) -> list[Mapping[str, Any]]:
    return [row for row in value or [] if isinstance(row, Mapping)]


def _label(value: Any, limit: int = 32) -> str:
    # Control characters are not allowed in XML, so they would make the SVG file unreadable.
    text = "" if value is None else "".join(c if c.isprintable() else " " for c in str(value))
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _series(model: Mapping[str, Any]) -> tuple[list[str], Mapping[str, Any]]:
    series = model.get("series") or {}
    return [_label(p, 16) for p in series.get("periods") or []], series


def _no_data(ax: Axes, text: str = "no data for this period") -> None:
    ax.text(0.5, 0.5, text, transform=ax.transAxes, ha="center", va="center", color=_MUTED, fontsize=11)


def _mark_no_data(ax: Axes, positions: list[int]) -> None:
    """Label periods without data where their bar or point would be, instead of drawing a zero."""
    for x in positions:
        ax.annotate(
            "no data",
            (x, 0),
            xytext=(0, 4),
            textcoords="offset points",
            rotation=90,
            ha="center",
            va="bottom",
            color=_MUTED,
            fontsize=8,
        )


def _percent(value: float) -> str:
    return f"{value:.4g}%"  # 60 -> "60%", 66.666 -> "66.67%", as the report's tables print them


def _period_axis(ax: Axes, periods: list[str]) -> None:
    count = len(periods)
    if not count:
        ax.set_xticks([])
        return
    every = max(1, math.ceil(count / 8))  # at most eight date labels, so they never overlap
    ticks = list(range(count - 1, -1, -every))[::-1]  # counted from the newest, which is always labelled
    ax.set_xticks(
        ticks, [periods[i] for i in ticks], rotation=30 if count > 4 else 0, ha="right" if count > 4 else "center"
    )
    ax.set_xlim(-0.6, count - 0.4)


def confidence_chart(model: Mapping[str, Any]) -> str:
    """Line chart of the release-confidence rate per period on a 0-100 % axis; null periods are gaps."""
    periods, series = _series(model)
    values = _numbers(series.get("release_confidence_rate_percent"), len(periods))

    def draw(ax: Axes) -> None:
        _period_axis(ax, periods)
        finite = [i for i, v in enumerate(values) if math.isfinite(v)]
        # 0-100 %, widened only if the model holds values outside it, which are then still shown.
        ax.set_ylim(min([0.0, *(values[i] for i in finite)]), max([100.0, *(values[i] for i in finite)]))
        ax.yaxis.set_major_formatter("{x:.0f}%")
        ax.set_ylabel("ready to ship")
        ax.grid(axis="y", color=_GRID, linewidth=0.6)
        if not finite:
            _no_data(ax)
            return
        _mark_no_data(ax, [i for i, v in enumerate(values) if math.isnan(v)])
        ax.plot(range(len(values)), values, color=_LINE, linewidth=2, marker="o", markersize=4, clip_on=False)
        last = finite[-1]
        label = _percent(values[last])
        ax.annotate(label, (last, values[last]), xytext=(0, 7), textcoords="offset points", ha="center", color=_LINE)

    return _svg(draw)


def risk_chart(model: Mapping[str, Any]) -> str:
    """Stacked bars of repositories per risk tier (high at the bottom) for each period."""
    periods, series = _series(model)
    risk = series.get("risk") or {}
    tiers = {tier: _numbers(risk.get(tier), len(periods)) for tier in _TIERS}
    empty = [i for i in range(len(periods)) if all(math.isnan(v[i]) for v in tiers.values())]

    def draw(ax: Axes) -> None:
        from matplotlib.ticker import MaxNLocator

        _period_axis(ax, periods)
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_ylabel("repositories")
        ax.grid(axis="y", color=_GRID, linewidth=0.6)
        ax.set_axisbelow(True)
        if len(empty) == len(periods):
            _no_data(ax)
            return
        bottom = [0.0] * len(periods)
        for tier, values in tiers.items():
            heights = [0.0 if math.isnan(v) else v for v in values]
            ax.bar(range(len(periods)), heights, 0.6, bottom=bottom, color=_TIERS[tier], label=tier)
            bottom = [b + h for b, h in zip(bottom, heights, strict=True)]
        _mark_no_data(ax, empty)
        ax.set_ylim(0, max(*bottom, 1.0) * 1.15)
        ax.legend(ncols=3, loc="lower left", bbox_to_anchor=(0, 1), frameon=False)

    return _svg(draw)


def _hbars(
    ax: Axes, labels: list[str], values: list[float], fmt: Callable[[float], str], empty: str, span: float
) -> None:
    """Horizontal bars, first row on top (the order of the report's tables), value printed at each end.

    The axis covers at least 0..span and always every value, with room for the printed numbers.
    """
    finite = [v for v in values if math.isfinite(v)]
    ax.set_xlim(min([0.0, *finite]) * 1.15, max([span, *finite]) * 1.15)
    ax.grid(axis="x", color=_GRID, linewidth=0.6)
    ax.set_axisbelow(True)
    if not labels:
        ax.set_yticks([])
        _no_data(ax, empty)
        return
    rows = range(len(labels))
    ax.barh(rows, [0.0 if math.isnan(v) else v for v in values], 0.6, color=_BAR)
    ax.set_yticks(list(rows), labels)
    ax.set_ylim(len(labels) - 0.5, -0.5)
    for row, value in zip(rows, values, strict=True):
        text = f" {fmt(value)}" if math.isfinite(value) else " no data"
        ax.text(0.0 if math.isnan(value) else value, row, text, va="center", fontsize=9, color=_MUTED)


def _bars_height(count: int) -> float:
    return min(9.0, max(2.2, 0.9 + 0.32 * count))


def team_failure_chart(model: Mapping[str, Any]) -> str:
    """Horizontal bars of each team's release gate failure rate this period (0-100 %)."""
    rows = _rows(model.get("team_failure_rate"))
    labels = [_label(r.get("name")) for r in rows]
    values = [_number(r.get("release_gate_failure_rate_percent")) for r in rows]

    def draw(ax: Axes) -> None:
        ax.xaxis.set_major_formatter("{x:.0f}%")
        ax.set_xlabel("release gate failure rate")
        _hbars(ax, labels, values, _percent, "no data for this period", 100.0)

    return _svg(draw, _bars_height(len(rows)))


def top_steps_chart(model: Mapping[str, Any]) -> str:
    """Horizontal bars of the steps that failed in the most repositories this period."""
    rows = _rows(model.get("top_failing_steps"))
    labels = [_label(r.get("step")) for r in rows]
    values = [_number(r.get("repo_count")) for r in rows]

    def draw(ax: Axes) -> None:
        from matplotlib.ticker import MaxNLocator

        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_xlabel("repositories failing")
        _hbars(ax, labels, values, lambda v: f"{v:g}", "no failing steps this period", 1.0)

    return _svg(draw, _bars_height(len(rows)))


_DRAW: dict[str, Callable[[Mapping[str, Any]], str]] = {
    "confidence": confidence_chart,
    "risk": risk_chart,
    "team_failure": team_failure_chart,
    "top_steps": top_steps_chart,
}


def all_charts(model: Mapping[str, Any]) -> dict[str, str]:
    """Every chart of the report as SVG text, keyed by chart id in report order (the keys of CHARTS)."""
    return {chart_id: _DRAW[chart_id](model) for chart_id in CHARTS}
