"""Pictures of themes: which codes each theme gathers, where its support comes from, how it moved through its phases.

>>> _ = p.themes.add("making room for each other", codes=["reciprocity", "relational safety"], coder="ana")
>>> chart = wb.charts.theme_map(p)
>>> chart = wb.charts.theme_support(p, by="setting")
>>> chart = wb.charts.theme_timeline(p)

Support is counted as :func:`workbench.analysis.theme_matrix` counts it: the codings of a
theme's codes and the passages picked for it by hand; a negative case does not support it.
Support counts stories and narrators, never quotes, so restricted stories count like the others
and withdrawn ones are gone.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterable

import pandas as pd

from .. import analysis
from ._base import INACTIVE_COLOR, ChartError, check_rows, js_string, label, load_altair, short, time_axis

if TYPE_CHECKING:  # pragma: no cover
    import altair as alt

    from ..project import Project

__all__ = ["theme_map", "theme_support", "theme_timeline", "pile_sort_heatmap"]

PHASES = ["candidate", "reviewed", "defined", "reported"]
_UNPLACED = "(codes in no theme)"


def _themes(p: "Project") -> pd.DataFrame:
    frame = p.themes.to_frame()
    if not len(frame):
        raise ChartError("There are no themes yet: add one with p.themes.add(...) or on the theme board.")
    return frame


def theme_map(p: "Project", owner: str | None = None, unplaced: bool = True) -> "alt.Chart":
    """Each theme (a row, in its colour, in order of phase) with the codes it gathers (chips in their
    codebook colours, sized by their codings); a last row holds the codes no theme gathers yet.

    >>> _ = p.themes.add("belonging", definition="a place kept for you", codes=["reciprocity"], coder="ana")
    >>> wb.charts.theme_map(p).to_dict()["title"]["text"]
    'Themes and the codes they gather'
    """
    alt = load_altair()
    themes = _themes(p)
    if owner is not None:
        themes = themes[themes["owner"] == owner]
        if not len(themes):
            raise ChartError(f"{owner!r} owns no theme; owners: {sorted(p.themes.to_frame()['owner'].unique())}.")
    themes = themes.assign(_rank=themes["phase"].map({ph: i for i, ph in enumerate(PHASES)}).fillna(0))
    themes = themes.sort_values(["_rank", "created_at"], ascending=[False, True], kind="stable")
    palette = p.codebook.color_map()
    counts = p.codings()["code"].value_counts()
    rows = []
    for t in themes.itertuples(index=False):
        for slot, code in enumerate(t.codes or [""]):
            rows.append({"theme": t.name, "slot": slot, "code": code or "(no codes yet)", "phase": t.phase,
                         "definition": short(t.definition) or "(no definition yet)", "owner": t.owner,
                         "codings": int(counts.get(code, 0)), "color": palette.get(code, INACTIVE_COLOR),
                         "theme_color": t.color})
    order = list(themes["name"])
    if unplaced:
        placed = {c for codes in p.themes.to_frame()["codes"] for c in codes}
        left = [c for c in p.codebook.to_frame()["name"] if c not in placed]
        rows += [{"theme": _UNPLACED, "slot": i, "code": c, "phase": "", "definition": "codes no theme gathers yet",
                  "owner": "", "codings": int(counts.get(c, 0)), "color": palette.get(c, INACTIVE_COLOR),
                  "theme_color": INACTIVE_COLOR} for i, c in enumerate(left)]
        order.append(_UNPLACED)
    data = check_rows(pd.DataFrame(rows), "The theme map")
    tests = [{"test": f"datum.value === {js_string(n)}", "value": c}
             for n, c in zip(themes["name"], themes["color"])]
    y = alt.Y("theme:N", sort=order, title=None,
              axis=alt.Axis(labelFontWeight="bold", labelLimit=260, labelFontSize=13,
                            labelColor={"condition": tests, "value": "#4f5259"} if tests else "#4f5259"))
    title = alt.Title("Themes and the codes they gather",
                      subtitle="one row per theme, most advanced phase first; circle size: codings of the code; "
                               "hover for definitions")
    base = alt.Chart(data)
    tooltip = ["theme:N", "phase:N", "owner:N", "definition:N", "code:N", alt.Tooltip("codings:Q", title="codings")]
    x = alt.X("slot:O", title=None, axis=None)
    dots = base.mark_circle(opacity=0.9, stroke="#1d1d1f", strokeWidth=0.5).encode(
        x=x, y=y, color=alt.Color("color:N", scale=None, legend=None),
        size=alt.Size("codings:Q", scale=alt.Scale(range=[60, 900]), legend=None), tooltip=tooltip)
    names = base.mark_text(dy=20, fontSize=11, limit=120).encode(x=x, y=y, text="code:N", tooltip=tooltip)
    width = max(240, 130 * int(data["slot"].max() + 1))
    return alt.layer(dots, names, title=title).properties(width=width, height=alt.Step(70))


def theme_support(p: "Project", by: str = "setting", measure: str = "stories") -> "alt.Chart":
    """Themes by the values of a story attribute *by*: how many stories (or narrators) support each theme there.

    >>> _ = p.themes.add("belonging", codes=["reciprocity"], coder="ana")
    >>> wb.charts.theme_support(p, by="setting").to_dict()["title"]["text"]
    'Where each theme’s support comes from, by setting'
    """
    alt = load_altair()
    themes = _themes(p)
    stories = p.narratives
    if by not in stories.columns or by in ("id", "title", "sha256"):
        usable = [c for c in stories.columns if c not in ("id", "title", "sha256", "narrator")]
        raise ChartError(f"Stories have no attribute {by!r}; choose one of {usable}.")
    if measure not in ("stories", "narrators"):
        raise ChartError(f"measure is 'stories' or 'narrators', not {measure!r}.")
    matrix = analysis.theme_matrix(p, columns=by, value=measure)
    cells = matrix.rename_axis(index="theme", columns=by).stack().rename("n").reset_index()
    named = stories.assign(**{by: stories[by].map(lambda v: "(none)" if pd.isna(v) else str(v))})
    totals = named.groupby(by)["id" if measure == "stories" else "narrator"].nunique().rename("of").reset_index()
    grid = pd.MultiIndex.from_product([themes["name"], totals[by]], names=["theme", by]).to_frame(index=False)
    data = grid.merge(cells, how="left").merge(totals, how="left").fillna({"n": 0}).astype({"n": "int64"})
    data["share"] = (data["n"] / data["of"].where(data["of"] > 0)).fillna(0.0).round(2)
    data = check_rows(data, "Theme support")
    title = alt.Title(f"Where each theme’s support comes from, by {label(by).lower()}",
                      subtitle=f"{measure} supporting each theme (codings of its codes and passages picked for it), "
                               f"out of all {measure} with that {label(by).lower()}")
    base = alt.Chart(data).encode(
        x=alt.X(f"{by}:N", title=label(by), axis=alt.Axis(labelAngle=-30, labelLimit=160)),
        y=alt.Y("theme:N", sort=list(themes["name"]), title=None, axis=alt.Axis(labelLimit=260)))
    tooltip = ["theme:N", f"{by}:N", alt.Tooltip("n:Q", title=measure), alt.Tooltip("of:Q", title=f"of {measure}"),
               alt.Tooltip("share:Q", format=".0%", title="share")]
    cells_chart = base.mark_rect(stroke="#fff").encode(
        color=alt.Color("share:Q", scale=alt.Scale(scheme="blues", domain=[0, 1]),
                        legend=alt.Legend(title=f"share of {measure}", format=".0%")), tooltip=tooltip)
    text = base.mark_text(fontSize=12).encode(
        text=alt.Text("n:Q"), color=alt.condition("datum.share > 0.6", alt.value("white"), alt.value("#1d1d1f")),
        tooltip=tooltip)
    return alt.layer(cells_chart, text, title=title).properties(width=alt.Step(70), height=alt.Step(34))


def theme_timeline(p: "Project", themes: str | Iterable[str] | None = None) -> "alt.Chart":
    """Each theme's way through its phases (candidate, reviewed, defined, reported, and back), with who and why.

    >>> _ = p.themes.add("belonging", codes=["reciprocity"], coder="ana")
    >>> p.themes.set_phase("belonging", "reviewed", rationale="read against every story", coder="ben")
    >>> wb.charts.theme_timeline(p).to_dict()["title"]["text"]
    'How the themes moved through their phases'
    """
    alt = load_altair()
    current = _themes(p)
    data = _phase_steps(p, current)
    if themes is not None:
        wanted = [themes] if isinstance(themes, str) else list(themes)
        unknown = [t for t in wanted if t not in set(current["name"])]
        if unknown:
            raise ChartError(f"No current theme is called {unknown}; themes: {current['name'].tolist()}.")
        data = data[data["theme"].isin(wanted)]
    data = check_rows(data, "The theme timeline")
    colors = dict(zip(current["name"], current["color"]))
    names = [n for n in current["name"] if n in set(data["theme"])]
    color = alt.Color("theme:N", scale=alt.Scale(domain=names, range=[colors[n] for n in names]),
                      legend=alt.Legend(title="Theme", labelLimit=260))
    y = alt.Y("phase:N", sort=PHASES, scale=alt.Scale(domain=PHASES, paddingInner=0.3), title="Phase")
    x = alt.X("at:T", title="When", axis=time_axis(data["at"]))
    title = alt.Title("How the themes moved through their phases",
                      subtitle="each mark is a change of phase; hover for who and why")
    base = alt.Chart(data)
    tooltip = [alt.Tooltip("at:T", format="%Y-%m-%d %H:%M", title="when"), "theme:N", "phase:N", "coder:N",
               "rationale:N"]
    offset = alt.YOffset("theme:N", sort=names)  # themes in one phase side by side, not on top of each other
    lines = base.mark_line(interpolate="step-after", strokeWidth=2.5).encode(x=x, y=y, yOffset=offset, color=color,
                                                                            detail="theme:N")
    marks = base.transform_filter("datum.rationale !== '(now)'").mark_point(filled=True, size=110).encode(
        x=x, y=y, yOffset=offset, color=color, tooltip=tooltip, shape=alt.Shape("theme:N", legend=None))
    return alt.layer(lines, marks, title=title).properties(width=620, height=64 * len(PHASES))


def _phase_steps(p: "Project", current: pd.DataFrame) -> pd.DataFrame:
    """Every phase a theme was in and when, under its current name (renames followed)."""
    history = p.themes.history()
    alias: dict[str, str] = {}
    for event, detail in zip(history["event"][::-1], history["detail"][::-1]):
        if event == "rename" and " -> " in str(detail):
            old, new = str(detail).split(" -> ", 1)
            alias[old] = alias.get(new, new)
    rows = []
    for r in history.itertuples(index=False):
        name = alias.get(r.theme, r.theme)
        if r.event == "add":
            rows.append({"at": r.at, "theme": name, "phase": "candidate", "coder": r.coder, "rationale": "added"})
        elif r.event == "phase" and " -> " in str(r.detail):
            rows.append({"at": r.at, "theme": name, "phase": str(r.detail).split(" -> ", 1)[1], "coder": r.coder,
                         "rationale": short(r.rationale) or ""})
    data = pd.DataFrame(rows, columns=["at", "theme", "phase", "coder", "rationale"])
    data = data[data["theme"].isin(list(current["name"]))]
    if not len(data):
        raise ChartError("The themes have no history to draw yet.")
    now = pd.Timestamp.now(tz="UTC")
    last = data.groupby("theme").tail(1).assign(at=max(now, data["at"].max()), coder="", rationale="(now)")
    return pd.concat([data, last], ignore_index=True)


def pile_sort_heatmap(co: pd.DataFrame, clusters: pd.Series, texts: pd.Series, sorts: int) -> "alt.Chart":
    """A workshop's card sort as a picture: cards by cards in cluster order, each square how many of the
    *sorts* put the two cards in one pile (*co*: the co-assignment; *clusters* and *texts* by card).
    Drawn by :meth:`workbench.workshop.Elicitation.chart`.

    >>> co = pd.DataFrame([[2, 2], [2, 2]], index=["E01", "E02"], columns=["E01", "E02"])
    >>> chart = wb.charts.pile_sort_heatmap(co, pd.Series({"E01": 1, "E02": 1}),
    ...                                     pd.Series({"E01": "a cup of tea", "E02": "my turn"}), sorts=2)
    >>> chart.to_dict()["title"]["text"]
    'Which excerpts people put together'
    """
    alt = load_altair()
    cards = sorted(co.index, key=lambda c: (int(clusters.get(c, 0)), c))
    long = co.rename_axis(index="a", columns="b").stack().rename("together").reset_index()
    words = texts.map(lambda t: short(t, 160))
    long = long.assign(text_a=long["a"].map(words), text_b=long["b"].map(words),
                       cluster=long["a"].map(clusters).fillna(0).astype(int))
    title = alt.Title("Which excerpts people put together",
                      subtitle=f"{sorts} sorts; darker: more people put the two cards in one pile; cards in "
                               "cluster order")
    return alt.Chart(check_rows(long, "The card sort"), title=title).mark_rect(stroke="white", strokeWidth=0.5).encode(
        x=alt.X("b:N", sort=cards, title=None), y=alt.Y("a:N", sort=cards, title=None),
        color=alt.Color("together:Q", scale=alt.Scale(scheme="blues", domainMin=0), legend=alt.Legend(title="people")),
        tooltip=["a:N", "text_a:N", "b:N", "text_b:N", alt.Tooltip("together:Q", title="put together by"),
                 alt.Tooltip("cluster:Q", title="cluster of the first")],
    ).properties(width=alt.Step(18), height=alt.Step(18))
