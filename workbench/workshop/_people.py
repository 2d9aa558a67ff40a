"""Who may join a workshop under which name, and the marker that records that they did."""

from __future__ import annotations

from pathlib import Path

from .._files import toml_string
from .._time import SECONDS_FORMAT, utc_now
from ..errors import CoderNameError
from ..names import RESERVED_PREFIXES, check_coder
from ._folder import joined, joined_file, write_new


def participant_name(name: object, facilitator: str, participants: list[str]) -> str:
    """*name* with its spaces tidied, or a CoderNameError saying why it cannot join as it is."""
    if not isinstance(name, str) or not name.strip():
        raise CoderNameError("Type your name as the group will see it, e.g. NAME = 'Sam'.")
    name = " ".join(name.split())
    check_coder(name)
    if name.casefold().startswith(RESERVED_PREFIXES):
        raise CoderNameError(f"{name!r} cannot be a participant's name: names starting with 'group:' or 'auto:' "
                             "are kept for group readings and machine coding. Use your own name.")
    if name.casefold() == facilitator.casefold() and name != facilitator:
        raise CoderNameError(f"{name!r} is the facilitator's name in this workshop; choose your own name.")
    for other in participants:
        if other != name and other.casefold() == name.casefold():
            raise CoderNameError(f"{other!r} has already joined. If that is you, join as {other!r} exactly; "
                                 f"if not, choose a name that tells you apart (e.g. '{name} B.').")
    return name


def admit(folder: Path, facilitator: str, name: object) -> str:
    """Record that *name* joined the workshop in *folder* (once; rejoining is fine) and return the name."""
    name = participant_name(name, facilitator, joined(folder))
    marker = folder / "joined" / joined_file(name)
    if not marker.exists():
        try:
            write_new(marker, f"name = {toml_string(name)}\njoined = {toml_string(utc_now(SECONDS_FORMAT))}\n")
        except FileExistsError:
            pass  # the same person, twice at once: both are fine
    return name
