"""The facilitator's live panel: a small HTML view of a workshop, redrawn when its files change."""

from __future__ import annotations

import html
import threading
import weakref
from pathlib import Path
from typing import Any, Callable

import ipywidgets

from .._files import folder_stamp

# The files that change when someone joins, codes or writes a memo (or the codebook changes).
_WATCHED = ("joined", "project/events/codings", "project/events/memos", "project/events/codebook")


def panel_html(workshop: Any, show_activity: bool = False, colour_pairs: bool = False) -> str:
    """The panel's HTML: what was coded (who did how much, which codes) and where readings differ most.

    *show_activity* adds when each person last did something; *colour_pairs* each two people's
    agreement, coloured red, amber, green. Both are off unless the facilitator turns them on.
    """
    progress = workshop.progress(show_activity=True) if show_activity else workshop.progress()
    differences = workshop.differences()
    activity = show_activity and "last_active" in progress
    rows = "".join(
        f"<tr><td>{html.escape(name)}</td><td>{row.codings}</td><td>{row.stories}</td><td>{row.memos}</td>"
        + (f"<td>{_when(row.last_active)}</td>" if activity else "") + "</tr>"
        for name, row in progress.iterrows())
    places = int(differences["stretches"].sum()) if len(differences) else 0
    top = "".join(f"<li>{html.escape(str(r.title))}: <b>{html.escape(str(r.code))}</b> "
                  f"({r.stretches} place{'s' if r.stretches != 1 else ''})</li>"
                  for r in most_places(differences).itertuples())
    return (
        f"<div style='font-family:system-ui,sans-serif' data-wb='workshop-panel'><b>{html.escape(workshop.name)}</b> "
        f"&middot; code <code>{html.escape(workshop.code)}</code> &middot; {len(progress)} people"
        "<table style='margin:6px 0'><tr><th align=left>who</th><th>codings</th><th>stories</th>"
        f"<th>memos</th>{'<th>last active (UTC)</th>' if activity else ''}</tr>"
        f"{rows or '<tr><td colspan=4>nobody yet</td></tr>'}</table>"
        f"{_codes_line(workshop)}"
        f"Places where readings differ: <b>{places}</b>"
        f"{f'<br><small>most places first</small><ul>{top}</ul>' if top else ''}"
        f"{_pairs_table(workshop) if colour_pairs else ''}</div>")


def _when(value: Any) -> str:
    return "" if value is None or value != value else html.escape(str(value)[11:19])  # noqa: PLR0124 - NaT


def _codes_line(workshop: Any) -> str:
    """The codes used so far, most used first (what was coded, not who was quick)."""
    used = workshop.codes_used() if hasattr(workshop, "codes_used") else None
    if used is None or not len(used):
        return ""
    shown = ", ".join(f"{html.escape(str(code))} ({row.codings})" for code, row in used.head(6).iterrows())
    return f"<div data-wb='codes-used'>Codes used: {shown}{', ...' if len(used) > 6 else ''}</div>"


#: The colours of a pair's agreement, only when the facilitator asks: (lowest alpha, label, background).
PAIR_BANDS = ((0.8, "reliable", "#d9f0d3"), (0.667, "tentative", "#fee8c8"), (float("-inf"), "low", "#fcd5d5"))


def _pairs_table(workshop: Any) -> str:
    """Each two people's agreement over paragraphs, coloured red, amber, green, with the words beside the colour."""
    pairs = workshop.pair_agreement()
    if not len(pairs):
        return "<div data-wb='pairs'><small>Pairs: nobody to compare yet.</small></div>"
    cells = []
    for row in pairs.itertuples():
        if row.value != row.value:  # no units in common
            cells.append(f"<tr><td>{html.escape(row.coder_a)} &amp; {html.escape(row.coder_b)}</td><td>-</td></tr>")
            continue
        _, label, colour = next(band for band in PAIR_BANDS if row.value >= band[0])
        cells.append(f"<tr style='background:{colour}'><td>{html.escape(row.coder_a)} &amp; "
                     f"{html.escape(row.coder_b)}</td><td>{row.value:.2f} ({label})</td></tr>")
    return ("<table data-wb='pairs' style='margin:6px 0'><tr><th align=left>pair</th><th>alpha</th></tr>"
            f"{''.join(cells)}</table>")


def most_places(differences: Any, count: int = 5) -> Any:
    """The *count* story-and-code rows with the most places where readings differ, largest first.

    Ties go by story title, then code name, so the list reads the same on every redraw.
    """
    if not len(differences):
        return differences
    keys = differences.assign(_title=differences["title"].astype(str).str.casefold(),
                              _code=differences["code"].astype(str).str.casefold())
    keys = keys.sort_values(["stretches", "_title", "_code"], ascending=[False, True, True], kind="stable")
    return differences.loc[keys.index[:count]]


class WorkshopMonitor(ipywidgets.HTML):
    """The live panel of :meth:`Workshop.monitor`: redrawn in the background when the shared folder changes."""

    def __init__(self, folder: Path, every: float, opener: Callable[[Path], Any],
                 options: dict[str, bool] | None = None) -> None:
        # The panel's own Workshop and Project: the notebook's are only used on the main thread.
        own = opener(folder)
        self._options = dict(options or {})
        super().__init__(value=panel_html(own, **self._options))
        self._title, self._every, self._stop = own.name, every, threading.Event()
        watcher = _Watch(weakref.ref(self), self._stop, folder, own, every)
        threading.Thread(target=watcher.run, name=f"workshop-monitor-{own.code}", daemon=True).start()

    def __repr__(self) -> str:
        return f"<WorkshopMonitor of {self._title!r}, every {self._every:g} s>"

    def close(self) -> None:
        """Stop watching and close the panel."""
        self._stop.set()
        super().close()


class _Watch:
    """The background loop: holds the panel weakly, so a panel nobody shows any more ends it."""

    def __init__(self, panel: "weakref.ref[WorkshopMonitor]", stop: threading.Event, folder: Path, own: Any,
                 every: float) -> None:
        self.panel, self.stop, self.folder, self.own, self.every = panel, stop, folder, own, every
        self.seen = folder_stamp(folder, _WATCHED)

    def run(self) -> None:
        while not self.stop.wait(self.every):
            panel = self.panel()
            if panel is None or not self.step(panel):
                return
            del panel

    def step(self, panel: WorkshopMonitor) -> bool:
        """Redraw *panel* if the files changed; False when the panel had to stop."""
        try:
            stamp = folder_stamp(self.folder, _WATCHED)
            if stamp != self.seen:
                self.seen = stamp
                panel.value = panel_html(self.own, **panel._options)  # noqa: SLF001 - the panel's own settings
            return True
        except Exception as exc:  # noqa: BLE001 - a background panel must never print into other cells
            try:
                panel.value = f"<i>The panel stopped ({html.escape(str(exc))}); re-run the cell.</i>"
            except Exception:  # noqa: BLE001
                pass
            return False
