"""Whether a coding widget sits in a workshop's blind round, read from the workshop folder's files.

A workshop keeps its project in ``<workshop>/project`` beside ``workshop.toml`` (who facilitates)
and ``round.toml`` (``revealed = true`` once the facilitator opened the comparison; written by
``workbench.workshop``'s ``Workshop.reveal``). The widgets may not import the workshop package
(same layer), so the two file names are read here; tests/workshop checks both sides agree.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

META = "workshop.toml"
ROUND = "round.toml"

#: What a participant sees when they ask for others' codings before the reveal.
LOCKED_MESSAGE = ("This is a blind round: you see only your own codings. "
                  "The facilitator opens the comparison for everyone.")


def _toml(path: Path) -> dict | None:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError):
        return {}


def blind_round(project_path: Path, coder: str) -> bool:
    """True when *coder* is a participant of a workshop whose round is still blind.

    Outside a workshop, for the facilitator, and after the reveal: False.
    """
    folder = Path(project_path).parent
    meta = _toml(folder / META)
    if meta is None or Path(project_path).name != "project":
        return False
    if coder == str(meta.get("facilitator", "facilitator")):
        return False
    state = _toml(folder / ROUND) or {}
    return state.get("revealed") is not True


def round_file(project_path: Path) -> Path:
    """The file whose stamp changes when the facilitator reveals (or closes) the comparison."""
    return Path(project_path).parent / ROUND
