"""One narrative as a strip: each coder's codings as bands along the story."""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterable

import numpy as np
import pandas as pd

from ..consent import RESTRICTED
from ..query import as_list, checked_codings, code_order, expand_codes, restricted_narratives
from ._base import check_rows, code_legend, code_scale, js_string, load_altair, max_rows, short

if TYPE_CHECKING:  # pragma: no cover
    import altair as alt

    from ..project import Project

__all__ = ["story_strip"]


def _lanes(starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """Stack overlapping bands into lanes (greedy interval partitioning; input sorted by start)."""
    lane_ends: list[int] = []
    out = np.zeros(len(starts), dtype=np.int64)
    for k, (s, e) in enumerate(zip(starts, ends)):
        for lane, last in enumerate(lane_ends):
            if last <= s:
                lane_ends[lane] = e
                out[k] = lane
                break
        else:
            out[k] = len(lane_ends)
            lane_ends.append(e)
    return out


def _merge_bands(frame: pd.DataFrame) -> pd.DataFrame:
    """Merge each coder's overlapping bands of the same code (they look the same) and count them."""
    rows = []
    for (coder, code), group in frame.sort_values("start").groupby(["coder", "code"], sort=False):
        cur_s = cur_e = None
        n = 0
        for s, e in zip(group["start"], group["end"]):
            if cur_e is not None and s <= cur_e:
                cur_e, n = max(cur_e, e), n + 1
                continue
            if cur_e is not None:
                rows.append((coder, code, cur_s, cur_e, n))
            cur_s, cur_e, n = s, e, 1
        rows.append((coder, code, cur_s, cur_e, n))
    out = pd.DataFrame(rows, columns=["coder", "code", "start", "end", "codings"])
    out["passage"] = out["codings"].map(lambda n: f"{n} codings merged")
    out["note"] = ""
    return out


def story_strip(p: "Project", nid: str, coders: str | Iterable[str] | None = None,
                codes: Iterable[str] | None = None, width: int = 760) -> "alt.LayerChart":
    """One narrative as a line, each coder's codings as coloured bands on their own row (like a codeline).

    Bands that overlap within a coder are stacked; grey ticks mark paragraph breaks. Tooltips
    show the passage and the coder's note (both ``"[restricted]"`` for a restricted narrative).

    >>> chart = wb.charts.story_strip(p, "kitchen-table")
    """
    alt = load_altair()
    text = p.text(nid)
    frame = checked_codings(p, coder=coders, narrative=nid,
                              code=expand_codes(p, list(codes), False) if codes is not None else None)
    restricted = nid in restricted_narratives(p)
    readers = sorted(frame["coder"].unique()) if len(frame) else as_list(coders) or []
    if len(frame) > max_rows():
        bands = _merge_bands(frame)
    else:
        bands = frame[["coder", "code", "start", "end", "text", "note"]].rename(columns={"text": "passage"})
        bands = bands.assign(codings=1, passage=bands["passage"].map(short),
                             note=bands["note"].map(short))
    if restricted:  # neither the words nor a coder's note about them (notes often quote)
        bands = bands.assign(passage=RESTRICTED, note=RESTRICTED)
    bands = bands.sort_values(["coder", "start", "end"], kind="stable").reset_index(drop=True)
    # Each coder gets one row of height 1; overlapping bands share it in lanes (quantitative y, so
    # a coder with many lanes never spills into the next coder's row).
    row_of = {name: k for k, name in enumerate(readers)}
    lanes = np.zeros(len(bands), dtype=np.int64)
    n_lanes = np.ones(len(bands), dtype=np.int64)
    for _, index in bands.groupby("coder").groups.items():
        idx = np.asarray(index)
        lanes[idx] = _lanes(bands.loc[idx, "start"].to_numpy(), bands.loc[idx, "end"].to_numpy())
        n_lanes[idx] = lanes[idx].max() + 1
    row = bands["coder"].map(row_of).to_numpy(dtype=float)
    gap = 0.12
    height = (1 - 2 * gap) / n_lanes
    bands = bands.assign(lane=lanes, y=row + gap + lanes * height, y2=row + gap + (lanes + 1) * height - 0.02)
    bands = check_rows(bands, "story_strip")
    present = set(bands["code"])
    order = [c for c in code_order(p, present) if c in present]
    x = alt.X("start:Q", scale=alt.Scale(domain=[0, len(text)], nice=False),
              title="Position in the story (characters)")
    names = "[" + ",".join(js_string(r) for r in readers) + "]"
    y_scale = alt.Scale(domain=[0, max(1, len(readers))], reverse=True, nice=False, zero=True)
    y_axis = alt.Axis(title="Coder", values=[k + 0.5 for k in range(len(readers))], grid=False, ticks=False,
                      labelExpr=f"{names}[floor(datum.value)] || ''", labelLimit=160)
    line = alt.Chart(pd.DataFrame({"coder": readers, "start": 0, "end": len(text),
                                   "y": [k + 0.5 for k in range(len(readers))]})).mark_rule(
        color="#bdbdbd", strokeWidth=2).encode(x=x, x2="end:Q", y=alt.Y("y:Q", scale=y_scale, axis=y_axis))
    breaks = [i for i in range(1, len(text)) if text[i - 1] == "\n" and text[i] != "\n"]
    ticks = alt.Chart(pd.DataFrame({"start": breaks[:max_rows()]})).mark_rule(
        color="#d9d9d9", strokeDash=[2, 2]).encode(x=x)
    strip = alt.Chart(bands).mark_rect(opacity=0.85, cornerRadius=2).encode(
        x=x, x2="end:Q", y=alt.Y("y:Q", scale=y_scale, axis=y_axis), y2="y2:Q",
        color=alt.Color("code:N", scale=code_scale(p.codebook.color_map(), order), sort=order, legend=code_legend()),
        tooltip=["coder:N", "code:N", "start:Q", "end:Q", alt.Tooltip("passage:N", title="passage"),
                 alt.Tooltip("note:N", title="note"), "codings:Q"],
    )
    title_text = p.narratives.set_index("id")["title"].get(nid, nid)
    title = alt.Title(f"Story strip: {title_text}",
                      subtitle=f"{len(frame):,} codings by {len(readers)} coder(s) over {len(text):,} characters")
    return alt.layer(ticks, line, strip, title=title).properties(width=width, height=max(60, 48 * len(readers)))
