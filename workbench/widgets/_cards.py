"""What the card boards share on the kernel side (the theme board and a workshop's pile sort).

Private. A board is columns of cards: the browser (``theme_board.js``) draws ``columns`` and
sends ``move`` (a card from one column to another) and ``new_column`` requests; each board
answers them through the public API of what it writes to. Like the coding widget, a board
watches the files other people write (a ``stat()`` per file on the coding widget's watcher
thread) and nudges its browser, which asks the kernel to ``refresh()``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import traitlets as t

from .. import _files
from . import _assets
from ._base import ProjectWidget, text_arg
from .coding import _WATCHER

#: Shown in place of a passage from a restricted story (counted, never quoted).
RESTRICTED_TEXT = "[restricted story: counted, never quoted]"


class CardBoard(ProjectWidget):
    """Columns of cards moved by mouse or keyboard; a subclass fills ``columns`` and answers ``move``."""

    _esm = _assets.esm("theme_board.js")
    _css = _assets.css("theme_board.css")

    mode = t.Unicode("themes").tag(sync=True)  # "themes" or "piles": words and what a column shows
    columns = t.List().tag(sync=True)  # [{key, title, kind, cards: [{kind, key, label, ...}], ...}]
    heading = t.Unicode("").tag(sync=True)

    def __init__(self, project: Any, coder: str, **kwargs: Any) -> None:
        self._seen_stamp: tuple | None = None
        self._nudged_stamp: tuple | None = None
        self._last_tick = 0.0
        super().__init__(project, coder, **kwargs)

    # ------------------------------------------------------------------ to fill in
    def _watched(self) -> list[Path]:
        """The folders and files whose change means the board should be redrawn."""
        return []

    def _build_columns(self) -> list[dict]:  # pragma: no cover - overridden
        raise NotImplementedError

    def _move(self, kind: str, key: str, source: str, target: str) -> str:  # pragma: no cover - overridden
        raise NotImplementedError

    def _new_column(self, name: str, definition: str) -> str:  # pragma: no cover - overridden
        raise NotImplementedError

    def _rename_column(self, key: str, name: str) -> str:  # pragma: no cover - overridden
        raise NotImplementedError

    # ------------------------------------------------------------------ shared
    def _stamp(self) -> tuple:
        return tuple(_files.folder_stamp(path, [""], suffix=".jsonl") if path.is_dir() or not path.suffix
                     else _files.file_stamp(path) for path in self._watched())

    def redraw(self) -> None:
        """Read what is on disk now and send the columns to the browser."""
        self._seen_stamp = self._stamp()
        self.columns = self._build_columns()

    def start_watching(self) -> None:
        """Answer the browser's requests and watch the project's files for other people's changes."""
        self.on_msg(self._on_msg)
        _WATCHER.add(self)

    def close(self) -> None:
        """Stop watching the project's files and close the board.

        >>> board = wb.theme_board(p, coder="ana")
        >>> board.close()
        """
        _WATCHER.discard(self)
        super().close()

    def _do_poll(self, msg: dict) -> dict:
        if self._stamp() != self._seen_stamp or msg.get("force"):
            self.redraw()
        return {}

    def _do_move(self, msg: dict) -> dict:
        kind, key, target = text_arg(msg, "kind"), text_arg(msg, "key"), str(msg.get("to") or "")
        source = str(msg.get("from") or "")
        if source == target:
            return {"said": ""}
        said = self._move(kind, key, source, target)
        self.redraw()
        return {"said": said}

    def _do_new_column(self, msg: dict) -> dict:
        said = self._new_column(text_arg(msg, "name"), str(msg.get("definition") or "").strip())
        self.redraw()
        return {"said": said}

    def _do_rename_column(self, msg: dict) -> dict:
        said = self._rename_column(text_arg(msg, "key"), " ".join(text_arg(msg, "name").split()))
        self.redraw()
        return {"said": said}



def card(kind: str, key: str, label: str, **more: Any) -> dict:
    """One card as the browser draws it: kind ("code", "passage", "excerpt"), key, label and any details.

    >>> card("code", "hope", "hope", color="#1b9e77")["label"]
    'hope'
    """
    return {"kind": kind, "key": key, "label": label, **{k: v for k, v in more.items() if v is not None}}
