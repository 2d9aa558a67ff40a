"""The workshop's round: blind (everyone codes on their own) until the facilitator reveals the others' readings.

The state is one small file in the workshop folder, ``round.toml`` (``revealed = true`` or
``false``), written only by the facilitator (:meth:`Workshop.reveal`). No file means a blind round.
The coding widget asks :func:`blind_round` whether a participant may switch to everyone's codings,
and watches :func:`round_file` to switch by itself at the reveal.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from .._files import toml_string
from .._time import SECONDS_FORMAT, utc_now
from ..store.logs import atomic_write
from ._folder import META

#: The file holding the round's state, beside ``workshop.toml``.
ROUND = "round.toml"


def _read_toml(path: Path) -> dict | None:
    """The file's table; None when it does not exist, empty when it cannot be read (counts as blind)."""
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError):
        return {}


def is_revealed(folder: Path) -> bool:
    """True once the facilitator has opened the comparison for everyone (a missing or damaged file: blind)."""
    return (_read_toml(Path(folder) / ROUND) or {}).get("revealed") is True


def write_round(folder: Path, revealed: bool, by: str) -> None:
    """Record the round as revealed or blind, atomically (a participant's widget may be reading it)."""
    atomic_write(Path(folder) / ROUND,
                 "# The workshop's round: blind until the facilitator reveals (Workshop.reveal())\n"
                 f"revealed = {'true' if revealed else 'false'}\n"
                 f"by = {toml_string(by)}\nat = {toml_string(utc_now(SECONDS_FORMAT))}\n")


def blind_round(project_path: Path, coder: str) -> bool:
    """True when *coder* is a participant of a workshop whose round is still blind.

    A workshop keeps its project in ``<workshop>/project`` beside ``workshop.toml``. Outside a
    workshop, for the facilitator, and after the reveal: False.

    >>> blind_round(Path("my-project"), "ana")
    False
    """
    folder = Path(project_path).parent
    meta = _read_toml(folder / META)
    if meta is None or Path(project_path).name != "project":
        return False
    if coder == str(meta.get("facilitator", "facilitator")):
        return False
    return not is_revealed(folder)


def round_file(project_path: Path) -> Path:
    """The file whose stamp changes when the facilitator reveals (or closes) the comparison.

    >>> round_file(Path("shared/kettle-garden-42/project")).name
    'round.toml'
    """
    return Path(project_path).parent / ROUND
