"""A self-contained HTML report of a project, to read offline or send as one file.

Sections: what the project holds; the codebook (hierarchy, colours, descriptions, changes
with their reasons); frequencies (per code, per coder); co-occurrence; agreement between
coders where at least two coded the same narratives (not under the ``reflexive`` method unless
asked: see :mod:`workbench.methods`; with thresholds under ``coding-reliability``); selected
quotes; memos.

Everything is inline: CSS in a ``<style>`` element, charts as ``<svg>``; no script, no link,
no web font, so the file shows the same without internet. Charts come from
:mod:`workbench.charts` (rendered to SVG by vl-convert) when those are available, and
otherwise from small SVG drawings made here; numbers come from :mod:`workbench.analysis`
and :mod:`workbench.agreement` when available, with a plain fallback here.

Consent: restricted narratives are counted in every number but never quoted; withdrawn ones
are absent. ``anonymise_coders=True`` shows "Coder 1", ... everywhere (charts that would
name coders are drawn here with the labels); ``include_memos=False`` leaves out memos and
coding notes.
"""

from __future__ import annotations

import html
import os
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

import numpy as np
import pandas as pd

from ..errors import WorkbenchError
from ..methods import WHY_NO_AGREEMENT, reliability, shows_agreement
from ..names import counted_coders
from ._sharing import EXPORTED_AT, Sharing, passage_note

if TYPE_CHECKING:  # pragma: no cover
    from ..project import Project

QUOTES_PER_CODE = 3
#: how the report shows the day of a memo or a codebook change (for people, not logs)
_DAY = "%Y-%m-%d"
MAX_AGREEMENT_UNITS = 60_000
_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;margin:2rem auto;
max-width:64rem;padding:0 1rem;color:#1d1d1f;line-height:1.45}
h1{font-size:1.7rem;margin-bottom:.2rem}h2{margin-top:2.4rem;border-bottom:1px solid #ddd;padding-bottom:.2rem}
table{border-collapse:collapse;margin:.6rem 0;font-size:.9rem}th,td{border:1px solid #ddd;padding:.25rem .5rem;
vertical-align:top;text-align:left}th{background:#f4f4f6}td.n{text-align:right;font-variant-numeric:tabular-nums}
.swatch{display:inline-block;width:.9em;height:.9em;border-radius:2px;margin-right:.4em;vertical-align:-.1em}
.muted{color:#666;font-size:.9rem}.note{background:#fff8e1;border-left:4px solid #e6a100;padding:.5rem .8rem}
blockquote{margin:.4rem 0 .8rem;padding:.3rem .8rem;border-left:4px solid #ccc;background:#fafafa}
.chart{margin:.8rem 0;overflow-x:auto}.memo{margin:.6rem 0;padding:.4rem .8rem;border:1px solid #e3e3e3}
nav a{margin-right:.8rem}
"""


def _e(value: Any) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    return html.escape(str(value))


def _table(frame: pd.DataFrame, numeric: tuple[str, ...] = (), raw: tuple[str, ...] = ()) -> str:
    if not len(frame):
        return '<p class="muted">Nothing to show yet.</p>'
    head = "".join(f"<th>{_e(c)}</th>" for c in frame.columns)
    rows = []
    for record in frame.itertuples(index=False, name=None):
        cells = []
        for column, value in zip(frame.columns, record):
            text = value if column in raw else _e(value)
            cells.append(f'<td class="n">{text}</td>' if column in numeric else f"<td>{text}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


# ---------------------------------------------------------------------- charts
def _try(what: str, notes: list[str], fn: Callable[[], Any]) -> Any:
    """Run *fn*; on failure note why and return None (the report uses its own fallback)."""
    try:
        return fn()
    except ImportError as exc:
        notes.append(f"{what}: a module is not available ({exc.name}); a simpler version is shown.")
    except Exception as exc:  # noqa: BLE001 - a chart must never stop the report
        notes.append(f"{what}: {type(exc).__name__}: {exc}; a simpler version is shown.")
    return None


def _altair_svg(chart) -> str:
    """An altair chart as inline SVG (vl-convert: no browser, no network)."""
    import vl_convert

    svg = vl_convert.vegalite_to_svg(chart.to_dict())
    return svg[svg.index("<svg"):] if "<svg" in svg else svg


def _bars_svg(labels: list[str], values: list[float], colors: list[str], title: str, unit: str = "codings") -> str:
    """A horizontal bar chart with a title and hover text (SVG <title>)."""
    if not labels:
        return ""
    width, label_w, bar_h, gap, top = 640, 190, 18, 6, 34
    top_value = max(max(values), 1)
    height = top + len(labels) * (bar_h + gap) + 10
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img" '
             f'aria-label="{_e(title)}"><title>{_e(title)}</title>',
             f'<text x="0" y="18" font-size="15" font-weight="600" font-family="sans-serif">{_e(title)}</text>']
    for i, (label, value, color) in enumerate(zip(labels, values, colors)):
        y = top + i * (bar_h + gap)
        length = (width - label_w - 60) * value / top_value
        short = label if len(label) <= 28 else label[:27] + "\u2026"
        parts.append(
            f'<g><title>{_e(label)}: {value:,.0f} {unit}</title>'
            f'<text x="{label_w - 6}" y="{y + bar_h - 5}" font-size="12" text-anchor="end" '
            f'font-family="sans-serif">{_e(short)}</text>'
            f'<rect x="{label_w}" y="{y}" width="{max(length, 1):.1f}" height="{bar_h}" fill="{_e(color)}"/>'
            f'<text x="{label_w + length + 4:.1f}" y="{y + bar_h - 5}" font-size="11" '
            f'font-family="sans-serif">{value:,.0f}</text></g>')
    parts.append("</svg>")
    return "".join(parts)


def _heat_svg(order: list[str], counts: dict[tuple[str, str], int], colors: dict[str, str], title: str) -> str:
    """A symmetric code-by-code grid shaded by count, with hover text."""
    if not order:
        return ""
    cell, label_w, top = 16, 170, 40 + 170
    size = len(order)
    width, height = label_w + size * cell + 10, top + size * cell + 10
    peak = max(counts.values(), default=1) or 1
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img" '
             f'aria-label="{_e(title)}"><title>{_e(title)}</title>',
             f'<text x="0" y="18" font-size="15" font-weight="600" font-family="sans-serif">{_e(title)}</text>']
    for i, code in enumerate(order):
        short = code if len(code) <= 24 else code[:23] + "\u2026"
        parts.append(f'<text x="{label_w - 6}" y="{top + i * cell + 12}" font-size="11" text-anchor="end" '
                     f'font-family="sans-serif" fill="{_e(colors.get(code, "#333"))}">{_e(short)}</text>')
        x = label_w + i * cell + 11
        parts.append(f'<text transform="translate({x},{top - 6}) rotate(-60)" font-size="11" '
                     f'font-family="sans-serif" fill="{_e(colors.get(code, "#333"))}">{_e(short)}</text>')
    for i, a in enumerate(order):
        for j, b in enumerate(order):
            value = counts.get((a, b)) or counts.get((b, a)) or 0
            shade = 0.08 + 0.92 * value / peak if value else 0
            fill = f"rgba(8,81,156,{shade:.2f})" if value else "#f7f7f7"
            parts.append(f'<rect x="{label_w + j * cell}" y="{top + i * cell}" width="{cell - 1}" height="{cell - 1}" '
                         f'fill="{fill}"><title>{_e(a)} & {_e(b)}: {value:,}</title></rect>')
    parts.append("</svg>")
    return "".join(parts)


# ---------------------------------------------------------------------- numbers
def _frequencies(share: Sharing, codings: pd.DataFrame, notes: list[str]) -> pd.DataFrame:
    def from_analysis() -> pd.DataFrame:
        from ..analysis import frequencies

        return frequencies(share.project, by=None)[["code", "codings", "narratives", "coders"]]

    frame = _try("Frequencies from workbench.analysis", notes, from_analysis)
    if frame is None:
        order = share.project.codebook.names
        grouped = codings.groupby("code").agg(codings=("coding_id", "size"), narratives=("narrative_id", "nunique"),
                                              coders=("coder", "nunique"))
        extra = [c for c in grouped.index if c not in order]
        frame = grouped.reindex(order + extra, fill_value=0).rename_axis("code").reset_index()
    return frame


def _cooccurrence(share: Sharing, codings: pd.DataFrame, notes: list[str]) -> pd.DataFrame:
    def from_analysis() -> pd.DataFrame:
        from ..analysis import cooccurrence

        return cooccurrence(share.project)[["code_a", "code_b", "count"]]

    frame = _try("Co-occurrence from workbench.analysis", notes, from_analysis)
    if frame is not None:
        return frame
    # fallback: overlapping codings of the same coder in the same narrative (quadratic per narrative and coder)
    pairs: dict[tuple[str, str], int] = {}
    for _, group in codings.groupby(["narrative_id", "coder"], sort=False):
        rows = group[["start", "end", "code"]].to_numpy(dtype=object)
        for i in range(len(rows)):
            for j in range(i + 1, len(rows)):
                a, b = rows[i], rows[j]
                if a[2] != b[2] and a[0] < b[1] and b[0] < a[1]:
                    key = tuple(sorted((a[2], b[2])))
                    pairs[key] = pairs.get(key, 0) + 1
    return pd.DataFrame([(a, b, n) for (a, b), n in pairs.items()], columns=["code_a", "code_b", "count"]) \
        .sort_values("count", ascending=False, kind="stable")


def _agreement(share: Sharing, codings: pd.DataFrame, notes: list[str]) -> tuple[pd.DataFrame, str]:
    """Krippendorff's unitizing alpha per code over narratives that two or more coders coded."""
    # the coders whose readings count, named as this report shows them (labels when anonymised)
    counted = set(share.coders(counted_coders(share.project.coders)))
    human = codings[codings["coder"].isin(counted)]
    per = human.groupby("narrative_id")["coder"].nunique()
    shared = per[per >= 2].index.tolist()
    if not shared:
        return pd.DataFrame(), ("No narrative has been coded by two or more coders yet, so there is no agreement "
                                "to show.")
    data = human[human["narrative_id"].isin(shared)]
    used, units, offset = [], 0, 0
    chunks = []
    for nid, group in data.groupby("narrative_id", sort=True):
        if units + len(group) > MAX_AGREEMENT_UNITS and used:
            break
        length = len(share.project.text(nid))
        chunks.append(group.assign(start=group["start"] + offset, end=group["end"] + offset))
        offset += length
        units += len(group)
        used.append(nid)
    data = pd.concat(chunks, ignore_index=True)
    coders = sorted(data["coder"].unique())

    def compute():
        from ..agreement import unitized_alpha

        return unitized_alpha(offset, list(zip(data["coder"], data["start"], data["end"], data["code"])),
                              coders=coders)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        alphas = _try("Agreement from workbench.agreement", notes, compute)
    if alphas is None:
        return pd.DataFrame(), "Agreement could not be computed here (see the notes at the end)."
    frame = pd.DataFrame({"code": list(alphas), "alpha_u": [round(float(v), 3) for v in alphas.values()]})
    order = {n: i for i, n in enumerate(share.project.codebook.names)}
    frame = frame.sort_values("code", key=lambda s: s.map(lambda c: order.get(c, len(order))), kind="stable")
    about = (f"Krippendorff's unitizing alpha (alpha<sub>u</sub>, 2004) per code, over {len(used)} narrative(s) "
             f"coded by {len(coders)} coders ({', '.join(_e(c) for c in coders)})"
             + (f"; the first {len(used)} of {len(shared)} shared narratives" if len(used) < len(shared) else "")
             + ". 1 is perfect agreement on where a code applies, 0 is chance; disagreement is data for dialogue.")
    return frame.reset_index(drop=True), about


def _quotes(share: Sharing, codings: pd.DataFrame, titles: dict[str, str]) -> list[tuple[str, list[dict]]]:
    """Up to three short passages per code from narratives that may be quoted."""
    quotable = codings[[share.quotable(n) for n in codings["narrative_id"]]] if len(codings) else codings
    out = []
    for code in share.project.codebook.names:
        rows = quotable[quotable["code"] == code]
        if not len(rows):
            continue
        length = rows["end"] - rows["start"]
        fit = rows.assign(_fit=(length - 160).abs()).sort_values(["_fit", "narrative_id", "start"], kind="stable")
        picked, seen = [], set()
        for row in fit.itertuples():
            key = (row.narrative_id, row.start, row.end)
            if key in seen or row.narrative_id in {p["nid"] for p in picked}:
                continue
            seen.add(key)
            picked.append({"nid": row.narrative_id, "title": titles.get(row.narrative_id, row.narrative_id),
                           "text": row.text, "coder": row.coder, "note": row.note if share.include_memos else None})
            if len(picked) == QUOTES_PER_CODE:
                break
        out.append((code, picked))
    return out


# ---------------------------------------------------------------------- the page
def write_report(project: "Project", path: str | os.PathLike, anonymise_coders: bool = False,
                 include_memos: bool = True, agreement: bool | None = None) -> Path:
    """Write the report as one HTML file that works offline; returns its path.

    *agreement*: show agreement figures (True), leave them out (False), or as the project's method
    says (None: not under ``reflexive``, where the section says why).

    >>> wb.exchange.write_report(p, "report.html")
    PosixPath('report.html')
    >>> path = wb.exchange.write_report(p, "to-share.html", anonymise_coders=True, include_memos=False)
    >>> "Coder 1" in path.read_text(encoding="utf-8")
    True
    """
    target = Path(path)
    if target.is_dir():
        raise WorkbenchError(f"{target} is a folder; give a file name such as report.html.")
    page = _Page(Sharing(project, anonymise_coders=anonymise_coders, include_memos=include_memos))
    page.show_agreement = shows_agreement(project.method, agreement)
    sections = [("overview", "Overview", page.overview()), ("codebook", "Codebook", page.codebook()),
                ("frequencies", "Frequencies", page.frequencies()),
                ("cooccurrence", "Co-occurrence", page.cooccurrence()),
                ("agreement", "Agreement between coders", page.agreement()),
                ("quotes", "Selected quotes", page.quotes())]
    if include_memos:
        sections.append(("memos", "Memos", page.memos()))
    _write_atomically(target, page.html(sections))
    return target


class _Page:
    """What the sections of one report share: the view of the project, its tables, and notes on fallbacks."""

    def __init__(self, share: Sharing) -> None:
        self.share, self.project = share, share.project
        self.notes: list[str] = []
        self.codings = share.codings()
        self.narratives = share.narratives
        self.codebook_frame = share.codebook()
        self.colors = self.project.codebook.color_map()
        self.titles = dict(zip(self.narratives["id"], self.narratives["title"]))
        self.memo_frame = share.memos()

    def overview(self) -> str:
        share, codings = self.share, self.codings
        facts = pd.DataFrame([
            ("Narratives", len(self.narratives)),
            ("of which restricted (counted, never quoted)", len(share.restricted)),
            ("Codes", len(self.codebook_frame)), ("Codings", len(codings)), ("Coders", codings["coder"].nunique()),
            ("Memos", len(self.memo_frame) if share.include_memos else "left out"),
        ], columns=["", "count"])
        caution = passage_note(share)
        overview = _table(facts, numeric=("count",))
        if caution:
            overview += f'<p class="note">In this report {_e(caution)}.</p>'
        return overview

    def codebook(self) -> str:
        rows = []
        for row in self.codebook_frame.itertuples():
            swatch = f'<span class="swatch" style="background:{_e(row.color)}"></span>'
            name = "&nbsp;&nbsp;&nbsp;&nbsp;" * int(row.level) + swatch + _e(row.name)
            details = "".join(f"<div><i>{label}:</i> {_e(value)}</div>" for label, value in (
                ("include", row.include), ("exclude", row.exclude), ("example", row.example)) if value)
            rows.append({"code": name, "description": _e(row.description) + details})
        body = _table(pd.DataFrame(rows, columns=["code", "description"]), raw=("code", "description"))
        history = self.project.codebook.history()
        if len(history):
            history = history.assign(at=history["at"].dt.strftime(_DAY), coder=history["coder"].map(self.share.coder))
            changes = history[history["event"] != "add"]
            if len(changes):
                body += "<h3>How the codebook changed, and why</h3>" + _table(
                    changes[["at", "coder", "event", "code", "detail", "rationale"]])
        return body

    def frequencies(self) -> str:
        codings, colors = self.codings, self.colors
        freq = _frequencies(self.share, codings, self.notes)
        chart = _bars_svg(freq["code"].tolist(), freq["codings"].astype(float).tolist(),
                          [colors.get(c, "#9e9e9e") for c in freq["code"]], "Codings per code")
        by = next((a for a in self.share.attribute_names() if self.narratives[a].nunique() <= 30), None)
        if by is not None and len(codings):
            def heatmap() -> str:
                from ..charts import frequency_heatmap

                return _altair_svg(frequency_heatmap(self.project, by=by))

            svg = _try("The frequency heat map from workbench.charts", self.notes, heatmap)
            if svg:
                chart += f'<div class="chart">{svg}</div>'
        per_coder = (codings.groupby("coder").size().sort_values(ascending=False) if len(codings)
                     else pd.Series(dtype=int))
        chart += _bars_svg([str(c) for c in per_coder.index], per_coder.astype(float).tolist(),
                           ["#4e79a7"] * len(per_coder), "Codings per coder")
        return f'<div class="chart">{chart}</div>' + _table(freq, numeric=("codings", "narratives", "coders"))

    def cooccurrence(self) -> str:
        pairs = _cooccurrence(self.share, self.codings, self.notes)
        svg = None
        if len(pairs):
            def cooc_chart() -> str:
                from ..charts import cooccurrence_heatmap

                return _altair_svg(cooccurrence_heatmap(self.project))

            svg = _try("The co-occurrence heat map from workbench.charts", self.notes, cooc_chart)
            if svg is None:
                names = self.project.codebook.names
                present = set(pairs["code_a"]) | set(pairs["code_b"])
                order = [c for c in names if c in present] + sorted(present - set(names))
                counts = {(a, b): int(n) for a, b, n in pairs[["code_a", "code_b", "count"]].itertuples(index=False)}
                svg = _heat_svg(order[:60], counts, self.colors, "Codes that overlap in one coder's reading")
        return ('<p class="muted">Pairs of codings by the same coder whose passages overlap.</p>'
                + (f'<div class="chart">{svg}</div>' if svg else "") + _table(pairs.head(30), numeric=("count",)))

    show_agreement = True

    def agreement(self) -> str:
        if not self.show_agreement:
            return f"<p>{_e(WHY_NO_AGREEMENT)}</p>"
        table, about = _agreement(self.share, self.codings, self.notes)
        if self.project.method == "coding-reliability" and len(table):
            table = table.assign(reading=table["alpha_u"].map(reliability))
            about += " Read against Krippendorff's thresholds: rely on 0.800 or more, tentative from 0.667."
        return f"<p>{about}</p>" + _table(table, numeric=("alpha_u",))

    def quotes(self) -> str:
        parts = []
        for code, picked in _quotes(self.share, self.codings, self.titles):
            swatch = f'<span class="swatch" style="background:{_e(self.colors.get(code, "#999"))}"></span>'
            parts.append(f"<h3>{swatch}{_e(code)}</h3>")
            for quote in picked:
                note = f'<div class="muted">Note: {_e(quote["note"])}</div>' if quote["note"] else ""
                parts.append(f"<blockquote>{_e(quote['text'])}<div class=\"muted\">&mdash; {_e(quote['title'])}, "
                             f"coded by {_e(quote['coder'])}</div>{note}</blockquote>")
        quotes = "".join(parts) or '<p class="muted">No passages to quote.</p>'
        if self.share.restricted:
            quotes = '<p class="muted">Passages from narratives with restricted consent are never quoted.</p>' + quotes
        return quotes

    def memos(self) -> str:
        parts = []
        for memo in self.memo_frame.itertuples():
            about_parts = [self.titles.get(memo.narrative_id, "") if isinstance(memo.narrative_id, str) else "",
                           memo.code if isinstance(memo.code, str) else ""]
            about_text = ", ".join(a for a in about_parts if a)
            people = memo.participants if isinstance(memo.participants, (list, tuple, np.ndarray)) else []
            with_people = f" with {', '.join(map(str, people))}" if len(people) else ""
            parts.append(
                f'<div class="memo"><b>{_e(memo.title) or _e(memo.kind).capitalize() + " memo"}</b> '
                f'<span class="muted">({_e(memo.kind)}, {_e(memo.coder)}{_e(with_people)}, '
                f'{memo.created_at.strftime(_DAY)}{", about " + _e(about_text) if about_text else ""})</span>'
                f'<div>{_e(memo.text)}</div></div>')
        return "".join(parts) or '<p class="muted">No memos yet.</p>'

    def html(self, sections: list[tuple[str, str, str]]) -> str:
        """The whole page: title, navigation, the sections, and notes on what fell back."""
        name = _e(self.project.name)
        now = pd.Timestamp.now(tz="UTC").strftime(EXPORTED_AT)
        nav = "".join(f'<a href="#{anchor}">{_e(title)}</a>' for anchor, title, _ in sections)
        body = "".join(f'<section id="{anchor}"><h2>{_e(title)}</h2>{content}</section>' for anchor, title, content
                       in sections)
        if self.notes:
            items = "".join(f"<li>{_e(n)}</li>" for n in self.notes)
            body += f'<h2>Notes on this report</h2><ul class="muted">{items}</ul>'
        return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
                f'<meta name="viewport" content="width=device-width, initial-scale=1">'
                f"<title>{name}: report</title><style>{_CSS}</style></head><body>"
                f"<h1>{name}</h1><p class=\"muted\">Report written {now} by the narrative workbench. "
                f"Every coding belongs to a named coder; differences between coders are shown, not resolved.</p>"
                f"<nav>{nav}</nav>{body}</body></html>")


def _write_atomically(target: Path, page: str) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        tmp.write_text(page, encoding="utf-8")
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
