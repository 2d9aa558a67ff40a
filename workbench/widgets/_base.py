"""What the workbench widgets share on the kernel side: the project and coder they are bound to,
request/reply messages from the browser, and turning table cells into JSON-safe text.

Private: each widget subclasses :class:`ProjectWidget` and adds ``_do_<request>`` methods.
"""

from __future__ import annotations

import traceback
from typing import Any

import anywidget
import pandas as pd
import traitlets as t

from .._time import TIME_FORMAT
from ..errors import WorkbenchError
from ..project import Project

#: Seconds between heartbeats to the browser: it polls by itself when they stop arriving.
TICK_INTERVAL = 3.0


class ProjectWidget(anywidget.AnyWidget):
    """A widget bound to one project, used by one coder, answering the browser's requests.

    A message ``{"type": kind, "req": id, ...}`` runs ``self._do_<kind>(message)``; the reply
    carries ``req``, ``ok`` and either the handler's result or an error to show in the widget.
    """

    _noun = "widget"  # what the widget is called in its messages to the person using it

    coder = t.Unicode("").tag(sync=True)
    project_name = t.Unicode("").tag(sync=True)

    def __init__(self, project: Project, coder: str, **kwargs: Any) -> None:
        self._project = project
        super().__init__(coder=coder, project_name=project.name, **kwargs)

    def _stamp(self) -> tuple:
        """What the watcher compares to notice other people's writes (the widgets that watch say what)."""
        raise NotImplementedError

    def _watch_step(self, now: float) -> None:
        """Runs on the watcher thread: only stat() calls and messages, never the Project.

        Tells the browser "changed" once per new state of the watched files (it then asks for a
        refresh), else a heartbeat every :data:`TICK_INTERVAL` seconds.
        """
        if getattr(self, "comm", None) is None:
            return
        stamp = self._stamp()
        if stamp != self._seen_stamp and stamp != self._nudged_stamp:
            self._nudged_stamp = stamp
            self._last_tick = now
            self.send({"type": "changed"})
        elif now - self._last_tick >= TICK_INTERVAL:
            self._last_tick = now
            self.send({"type": "tick"})

    def _on_msg(self, _widget: Any, content: Any, buffers: Any) -> None:
        if not isinstance(content, dict):
            return
        kind = content.get("type")
        req = content.get("req")
        handler = getattr(self, f"_do_{kind}", None) if isinstance(kind, str) and kind.isidentifier() else None
        try:
            if handler is None:
                raise WorkbenchError(f"The {self._noun} does not understand the request {kind!r}.")
            result = handler(content) or {}
        except WorkbenchError as exc:
            self.send({"type": "reply", "req": req, "ok": False, "error": str(exc)})
            return
        except Exception as exc:  # shown in the widget too: ipywidgets would only log a warning
            traceback.print_exc()
            self.send({"type": "reply", "req": req, "ok": False,
                       "error": f"Unexpected error ({type(exc).__name__}: {exc}). Nothing else was changed; "
                                "please report this with the notebook's log."})
            return
        self.send({"type": "reply", "req": req, "ok": True, **result})


def text_arg(msg: dict, key: str) -> str:
    """The non-empty text *msg* carries under *key*, or a WorkbenchError saying it is missing.

    >>> text_arg({"type": "code", "code": "hope"}, "code")
    'hope'
    >>> text_arg({"type": "code"}, "code")
    Traceback (most recent call last):
    ...
    workbench.errors.WorkbenchError: The request lacks 'code' (got None).
    """
    value = msg.get(key)
    if not isinstance(value, str) or not value:
        raise WorkbenchError(f"The request lacks {key!r} (got {value!r}).")
    return value


def cell_text(value: Any) -> str:
    """A table cell as text: "" for None and missing values (pandas 3 has NaN, which JSON cannot carry).

    >>> cell_text(float("nan")), cell_text(None), cell_text(3)
    ('', '', '3')
    """
    if value is None:
        return ""
    try:
        if pd.isna(value):
            return ""
    except (TypeError, ValueError):
        pass
    return str(value)


#: How a UTC time stamp travels to the browser: the logs' own format (an alias of ``workbench._time.TIME_FORMAT``).
UTC_FORMAT = TIME_FORMAT
