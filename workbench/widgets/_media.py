"""The recording beside a transcript, for the coding widget: its bytes, its turns, and the times of passages.

No streaming server: the file is read in the kernel and sent to the widget once, as a binary
buffer (anywidget turns a ``Bytes`` trait into a DataView); the browser makes a blob URL of it
for a native ``<audio>``/``<video>`` player. A file over :data:`MAX_MEDIA_BYTES` is not sent,
and the widget says why and what to do, as it does for a file that went missing.
"""

from __future__ import annotations

import math
import mimetypes
from pathlib import Path
from typing import Any

from ..project import Project

#: The largest recording sent to the browser (150 MB). It travels once over the notebook's
#: websocket and is then held in the tab's memory: enough for a two-hour interview as MP3 or
#: M4A at 128 kbit/s (about 115 MB), while an hour of uncompressed WAV (about 600 MB) is refused
#: with advice to make a compressed copy, rather than stalling the kernel and the page.
MAX_MEDIA_BYTES = 150 * 1024 * 1024

_TYPES = {".mp3": "audio/mpeg", ".wav": "audio/wav", ".ogg": "audio/ogg", ".oga": "audio/ogg",
          ".opus": "audio/ogg", ".m4a": "audio/mp4", ".aac": "audio/aac", ".flac": "audio/flac",
          ".mp4": "video/mp4", ".m4v": "video/mp4", ".webm": "video/webm", ".mov": "video/quicktime"}


def media_type(path: Path) -> str:
    """The MIME type a browser needs to play *path* (from its suffix).

    >>> media_type(Path("call-07.mp3")), media_type(Path("circle.webm"))
    ('audio/mpeg', 'video/webm')
    """
    suffix = path.suffix.lower()
    return _TYPES.get(suffix) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"


def media_state(project: Project, nid: str, limit: int | None = None) -> tuple[dict, bytes]:
    """What the widget shows about narrative *nid*'s recording, and the bytes to send (``b""`` for none).

    The dict has ``status``: ``"none"`` (no recording), ``"ok"``, ``"missing"`` or ``"too-large"``
    (over *limit* bytes, default :data:`MAX_MEDIA_BYTES`), with ``name``, ``type``, ``size`` and a
    ``message`` for a person when it cannot play.

    >>> media_state(p, nid)[0]["status"]
    'none'
    >>> import wave
    >>> with wave.open("night.wav", "wb") as w:
    ...     w.setnchannels(1); w.setsampwidth(2); w.setframerate(8000); w.writeframes(bytes(16000))
    >>> _ = Path("night.vtt").write_text("WEBVTT\\n\\n00:00.000 --> 00:01.000\\n<v Ana>Hello.\\n")
    >>> night = p.import_transcript("night.vtt", narrator="R07", media="night.wav")
    >>> info, data = media_state(p, night)
    >>> info["status"], info["type"], len(data) == info["size"]
    ('ok', 'audio/wav', True)
    >>> info, data = media_state(p, night, limit=1000)
    >>> info["status"], data, info["message"][:40]
    ('too-large', b'', 'The recording night.wav is 0.02 MB, more')
    """
    limit = MAX_MEDIA_BYTES if limit is None else limit
    path = project.media_path(nid)
    if path is None:
        if any(t["t0"] is not None for t in turn_items(project, nid)):
            # a timed transcript whose recording is not (or no longer) in media/: say so, code on
            return {"status": "missing", "message": (
                "No recording found for this transcript in the project's media/ folder (media/"
                f"{nid}.mp3, .wav, ...). Its times are kept: put the file back there, or import it again with "
                "media=..., to listen beside the text.")}, b""
        return {"status": "none"}, b""
    info = {"name": path.name, "type": media_type(path), "kind": "video" if media_type(path).startswith("video/")
            else "audio"}
    try:
        size = path.stat().st_size
        if size > limit:
            return {**info, "status": "too-large", "size": size, "message": (
                f"The recording {path.name} is {_megabytes(size)}, more than the {_megabytes(limit)} the "
                "widget plays (it is sent to the browser whole). Keep a compressed copy in the project instead, "
                "for example an MP3 at 64-128 kbit/s.")}, b""
        data = path.read_bytes()
    except OSError as exc:
        return {**info, "status": "missing", "message": (
            f"The recording {path.name} could not be read ({exc.strerror or exc}). Check the project's media/ "
            "folder; the text can still be coded.")}, b""
    return {**info, "status": "ok", "size": len(data)}, data


def turn_items(project: Project, nid: str) -> list[dict]:
    """Narrative *nid*'s turns for the widget: start, end (code points), speaker, t0, t1 (seconds or None).

    >>> turn_items(p, nid)
    []
    """
    frame = project.turns(nid)
    return [{"start": int(s), "end": int(e), "speaker": str(who), "t0": _seconds(t0), "t1": _seconds(t1)}
            for s, e, who, t0, t1 in zip(frame["start"], frame["end"], frame["speaker"], frame["time_start"],
                                         frame["time_end"])]


def time_span(project: Project, nid: str, start: int, end: int) -> tuple[float | None, float | None]:
    """Seconds into the recording at the start and end of characters [start, end) of *nid* (None if untimed).

    >>> time_span(p, nid, 0, 20)
    (None, None)
    """
    return _seconds(project.time_at(nid, start)), _seconds(project.time_at(nid, end))


def _megabytes(size: int) -> str:
    """A size for people: "115 MB" (or "0.02 MB" for a small one)."""
    return f"{size / 2**20:.0f} MB" if size >= 2**20 else f"{size / 2**20:.2f} MB"


def _seconds(value: Any) -> float | None:
    """A time in seconds (rounded to milliseconds), or None for a missing one (NaN cannot travel as JSON)."""
    if value is None:
        return None
    value = float(value)
    return None if math.isnan(value) else round(value, 3)
