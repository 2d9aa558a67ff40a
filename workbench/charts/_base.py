"""The pieces every chart shares: altair on demand, code colours and axes, labels, limits."""

from __future__ import annotations

import json
import sys
from typing import Any, Iterable, Mapping

import pandas as pd

from ..errors import WorkbenchError
from ._display import offline_by_default

#: Rows a chart may carry; altair refuses more than 5,000 by default.
MAX_ROWS = 4500
#: Colour for codes that are no longer in the codebook (retired or merged away).
INACTIVE_COLOR = "#9e9e9e"
TOOLTIP_CHARS = 300


def max_rows() -> int:
    """``wb.charts.MAX_ROWS`` as it is now: the package's value is the one setting (a user may change it)."""
    package = sys.modules.get(__name__.rpartition(".")[0])
    return int(getattr(package, "MAX_ROWS", MAX_ROWS))


class ChartError(WorkbenchError, ValueError):
    """A chart that cannot be drawn as asked (nothing to draw, an unknown option, ...)."""


def load_altair() -> Any:
    """The altair module, imported on first use.

    altair validates specs with jsonschema. When jsonschema is first imported it also loads
    ``rfc3987_syntax`` if installed (JupyterLab's dependencies bring it), which compiles a grammar
    for IRI format checks: 1.6 s of a 1.8 s altair import on a small laptop, for checks altair never
    asks for. So jsonschema is imported once without it; anything importing ``rfc3987_syntax``
    afterwards still gets it.

    In a Jupyter kernel where nobody chose an altair renderer, the workbench's offline one is
    switched on here (see :mod:`workbench.charts._display`): charts show without internet and
    without a setup call.

    >>> load_altair().__name__
    'altair'
    """
    if "jsonschema" not in sys.modules and "rfc3987_syntax" not in sys.modules:
        sys.modules["rfc3987_syntax"] = None  # type: ignore[assignment]  # import raises ImportError
        try:
            import jsonschema  # noqa: F401
        finally:
            del sys.modules["rfc3987_syntax"]
    import altair

    offline_by_default(altair)
    return altair


def colors(palette: Mapping[str, str], codes: Iterable[str]) -> list[str]:
    """Each code's codebook colour; grey for codes no longer in the codebook."""
    return [palette.get(code, INACTIVE_COLOR) for code in codes]


def code_scale(palette: Mapping[str, str], codes: list[str]) -> Any:
    """A colour scale giving each code its codebook colour."""
    return load_altair().Scale(domain=list(codes), range=colors(palette, codes))


def js_string(value: str) -> str:
    """*value* as a JavaScript string literal (for Vega expressions)."""
    return json.dumps(value)


def code_axis(palette: Mapping[str, str], codes: list[str], title: str | None = "Code", **extra: Any) -> Any:
    """An axis whose code labels are drawn in the codebook's colours."""
    tests = [{"test": f"datum.value === {js_string(c)}", "value": palette[c]} for c in codes if c in palette]
    color: Any = {"condition": tests, "value": INACTIVE_COLOR} if tests else "black"
    return load_altair().Axis(title=title, labelColor=color, labelFontWeight="bold", labelLimit=220, **extra)


def code_legend(title: str = "Code") -> Any:
    """A legend that lists every code, one a line."""
    return load_altair().Legend(title=title, symbolLimit=0, labelLimit=220, columns=1)


def short(text: Any, limit: int = TOOLTIP_CHARS) -> str:
    """*text* on one line, cut to *limit* characters with an ellipsis (tooltips stay readable)."""
    if not isinstance(text, str):
        return ""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


def check_rows(frame: pd.DataFrame, what: str) -> pd.DataFrame:
    """*frame*, or a :class:`ChartError` when it has more rows than a chart may carry."""
    if len(frame) > max_rows():  # a guard for the functions' own aggregation, never expected to fire
        raise ChartError(f"{what} would plot {len(frame):,} rows; filter it (coder=..., codes=...) first.")
    return frame


def time_axis(times: pd.Series) -> Any:
    """A time axis labelled for its span: clock times within a day, dates beyond."""
    span = (times.max() - times.min()) if len(times) else pd.Timedelta(0)
    fmt = "%H:%M:%S" if span < pd.Timedelta(minutes=10) else "%d %b %H:%M" if span < pd.Timedelta(days=2) \
        else "%Y-%m-%d"
    return load_altair().Axis(format=fmt, labelAngle=-30, labelOverlap=True)


def label(by: str) -> str:
    """A dimension's name as an axis title: ``"narrative_id"`` -> ``"Narrative"``."""
    names = {"narrative": "Narrative", "narrative_id": "Narrative", "coder": "Coder"}
    return names.get(by, by.replace("_", " ").capitalize())


def present_codes(order: Iterable[str], present: Iterable[str]) -> list[str]:
    """The codes of *order* that occur in *present*, in that order."""
    seen = set(present)
    return [c for c in order if c in seen]


#: Above this many codes in one chart, colours stand for code groups (top-level codes), not for codes:
#: more than eight similar colours cannot be told apart.
MANY_CODES = 8
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def code_groups(p: Any, codes: Iterable[str]) -> dict[str, str]:
    """Each code's top-level code (its group); a code without a parent is its own group."""
    book = p.codebook.to_frame(include_inactive=True)
    parent = {n: q for n, q in zip(book["name"], book["parent"]) if isinstance(q, str) and q}
    groups = {}
    for code in codes:
        node, seen = code, {code}
        while node in parent and parent[node] not in seen:
            node = parent[node]
            seen.add(node)
        groups[code] = node
    return groups


def group_palette(p: Any) -> dict[str, str]:
    """The codebook's colour of every code it knows, retired ones included (groups may be retired)."""
    book = p.codebook.to_frame(include_inactive=True)
    palette = {n: c for n, c in zip(book["name"], book["color"]) if isinstance(c, str)}
    palette.update(p.codebook.color_map())
    return palette


def color_by_groups(codes: list[str], groups: Mapping[str, str], color_by: str) -> bool:
    """Whether a chart of *codes* colours code groups (``"group"``, or ``"auto"`` with many codes in few groups)."""
    if color_by not in ("auto", "code", "group"):
        raise ChartError(f"color_by must be 'auto', 'code' or 'group', not {color_by!r}.")
    if color_by != "auto":
        return color_by == "group"
    return len(codes) > MANY_CODES and 1 < len({groups[c] for c in codes}) < len(codes)


def period_labels(periods: pd.Series, freq: str = "auto") -> tuple[pd.Series, str]:
    """One label per period in one format ("9 Mar", "Mar 2026" or "2026"), and the axis title.

    *freq* as in :func:`workbench.analysis.code_use_over_time`; ``"auto"``: read from the periods.

    >>> labels, title = period_labels(pd.Series(pd.to_datetime(["2026-03-02", "2026-03-09"])))
    >>> list(labels), title
    (['2 Mar', '9 Mar'], 'Week starting')
    """
    days = pd.Series(sorted(pd.unique(periods)))
    steps = {"D": 1, "W": 7, "M": 31, "Q": 92, "Y": 366}
    step = pd.Timedelta(days=steps[freq]) if freq in steps else \
        days.diff().dropna().min() if len(days) > 1 else pd.Timedelta(days=1)
    if (days.dt.month == 1).all() and (days.dt.day == 1).all() and step >= pd.Timedelta(days=360):
        return periods.dt.year.astype(str), "Year"
    if (days.dt.day == 1).all() and step >= pd.Timedelta(days=28):
        title = "Quarter starting" if step >= pd.Timedelta(days=89) else "Month"
        return periods.map(lambda d: f"{_MONTHS[d.month - 1]} {d.year}"), title
    with_year = days.dt.year.nunique() > 1
    title = "Week starting" if step >= pd.Timedelta(days=7) else "Day"
    return periods.map(lambda d: f"{d.day} {_MONTHS[d.month - 1]}" + (f" {d.year}" if with_year else "")), title
