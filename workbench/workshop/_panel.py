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


def panel_html(workshop: Any) -> str:
    """The panel's HTML: who did how much, and the places where readings differ most."""
    progress = workshop.progress()
    differences = workshop.differences()
    rows = "".join(
        f"<tr><td>{html.escape(name)}</td><td>{row.codings}</td><td>{row.stories}</td><td>{row.memos}</td></tr>"
        for name, row in progress.iterrows())
    places = int(differences["stretches"].sum()) if len(differences) else 0
    top = "".join(f"<li>{html.escape(str(r.title))}: <b>{html.escape(str(r.code))}</b> "
                  f"({r.stretches} place{'s' if r.stretches != 1 else ''})</li>"
                  for r in most_places(differences).itertuples())
    return (
        f"<div style='font-family:system-ui,sans-serif'><b>{html.escape(workshop.name)}</b> "
        f"&middot; code <code>{html.escape(workshop.code)}</code> &middot; {len(progress)} people"
        "<table style='margin:6px 0'><tr><th align=left>who</th><th>codings</th><th>stories</th>"
        f"<th>memos</th></tr>{rows or '<tr><td colspan=4>nobody yet</td></tr>'}</table>"
        f"Places where readings differ: <b>{places}</b>"
        f"{f'<br><small>most places first</small><ul>{top}</ul>' if top else ''}</div>")


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

    def __init__(self, folder: Path, every: float, opener: Callable[[Path], Any]) -> None:
        # The panel's own Workshop and Project: the notebook's are only used on the main thread.
        own = opener(folder)
        super().__init__(value=panel_html(own))
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
                panel.value = panel_html(self.own)
            return True
        except Exception as exc:  # noqa: BLE001 - a background panel must never print into other cells
            try:
                panel.value = f"<i>The panel stopped ({html.escape(str(exc))}); re-run the cell.</i>"
            except Exception:  # noqa: BLE001
                pass
            return False
