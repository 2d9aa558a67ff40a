"""The workshop's round: blind (everyone codes on their own) until the facilitator reveals the others' readings.

The state is one small file in the workshop folder, ``round.toml`` (``revealed = true`` or
``false``), written only by the facilitator (:meth:`Workshop.reveal`). No file means a blind round.
The coding widget reads the same file (``workbench/widgets/_blind.py``) to decide whether a
participant may switch to everyone's codings.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

from .._files import toml_string
from .._time import SECONDS_FORMAT, utc_now

#: The file holding the round's state, beside ``workshop.toml``.
ROUND = "round.toml"


def is_revealed(folder: Path) -> bool:
    """True once the facilitator has opened the comparison for everyone (a missing or damaged file: blind)."""
    try:
        state = tomllib.loads((folder / ROUND).read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError):
        return False
    return state.get("revealed") is True


def write_round(folder: Path, revealed: bool, by: str) -> None:
    """Record the round as revealed or blind, atomically (a participant's widget may be reading it)."""
    text = ("# The workshop's round: blind until the facilitator reveals (Workshop.reveal())\n"
            f"revealed = {'true' if revealed else 'false'}\n"
            f"by = {toml_string(by)}\nat = {toml_string(utc_now(SECONDS_FORMAT))}\n")
    scratch = folder / f".{ROUND}.{os.getpid()}.tmp"
    scratch.write_text(text, encoding="utf-8")
    os.replace(scratch, folder / ROUND)
