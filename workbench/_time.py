"""Times as the event logs write them: UTC, ISO 8601, microseconds, a trailing ``Z``."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

#: The one format of every ``at`` in the logs, e.g. ``2026-03-07T14:02:11.000123Z``.
TIME_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"
#: Whole seconds, for human-facing metadata files (``workbench.toml``, ``workshop.toml``, REFI exports).
SECONDS_FORMAT = "%Y-%m-%dT%H:%M:%SZ"


def utc_now(fmt: str = TIME_FORMAT) -> str:
    """The current UTC time as log text.

    >>> len(utc_now()) == len("2026-03-07T14:02:11.000123Z")
    True
    """
    return datetime.now(timezone.utc).strftime(fmt)


def to_utc_text(value: Any) -> str:
    """A time (text, ``datetime`` or ``pandas.Timestamp``; naive means UTC) as log text.

    >>> to_utc_text("2026-03-07 14:02")
    '2026-03-07T14:02:00.000000Z'
    """
    import pandas as pd

    from .errors import WorkbenchError

    try:
        stamp = pd.Timestamp(value)
    except (ValueError, TypeError):
        raise WorkbenchError(f"{value!r} is not a date and time.") from None
    if stamp is pd.NaT:
        raise WorkbenchError(f"{value!r} is not a date and time.")
    stamp = stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")
    return stamp.strftime(TIME_FORMAT)


class MonotonicClock:
    """UTC log times that strictly increase within one process, so same-instant events keep their order.

    >>> clock = MonotonicClock()
    >>> a, b = clock.now(), clock.now()
    >>> a < b
    True
    """

    def __init__(self) -> None:
        self._last = ""

    def now(self) -> str:
        now = utc_now()
        if now <= self._last:
            last = datetime.strptime(self._last, TIME_FORMAT).replace(tzinfo=timezone.utc)
            now = (last + timedelta(microseconds=1)).strftime(TIME_FORMAT)
        self._last = now
        return now
