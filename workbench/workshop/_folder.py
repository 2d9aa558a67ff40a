"""The workshop folder on disk: session codes, the shared root, the joined/ markers, write-once files."""

from __future__ import annotations

import difflib
import os
import re
import secrets
from pathlib import Path
from urllib.parse import quote, unquote

import pandas as pd

from ..errors import WorkbenchError

#: Environment variable naming the shared folder that holds workshops.
ROOT_VARIABLE = "WORKBENCH_WORKSHOPS"
#: The file that makes a folder a workshop: name, code, facilitator, when it started.
META = "workshop.toml"

# Plain, easy-to-spell words that carry no meaning about mental health: codes are said out loud.
_WORDS = (
    "acorn", "amber", "anchor", "apple", "aspen", "badger", "basil", "beacon", "birch", "bramble", "breeze",
    "brook", "candle", "canyon", "cedar", "clover", "comet", "coral", "cricket", "daisy", "dune", "ember",
    "fern", "finch", "garden", "ginger", "hazel", "heron", "island", "ivy", "juniper", "kettle", "kite",
    "lantern", "lark", "lemon", "lily", "maple", "meadow", "mint", "moss", "nutmeg", "oak", "olive",
    "orchard", "otter", "pebble", "pepper", "pine", "plum", "poppy", "quilt", "raven", "river", "robin",
    "rowan", "sage", "shell", "sparrow", "spruce", "thistle", "thyme", "tulip", "violet", "walnut",
    "willow", "wren",
)
#: A code the workbench makes up: two words and two digits, e.g. ``kettle-garden-42``.
GENERATED_CODE = re.compile(r"\b(?:%s)-(?:%s)-\d{2}\b" % ("|".join(_WORDS), "|".join(_WORDS)))
_CODE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


class WorkshopError(WorkbenchError):
    """A workshop that cannot be started, found or joined as asked (the message says why and what to do)."""


def shared_root(root: str | os.PathLike | None) -> Path:
    """The folder holding the workshops: *root*, else ``WORKBENCH_WORKSHOPS``; made if missing."""
    if root is None:
        value = os.environ.get(ROOT_VARIABLE, "").strip()
        if not value:
            raise WorkshopError(
                "Which shared folder holds the workshops? Pass root='/path/to/shared/folder' (your facilitator "
                f"tells you), or ask the server's administrator to set the environment variable {ROOT_VARIABLE}.")
        root = value
    base = Path(root).expanduser()
    if base.exists() and not base.is_dir():
        raise WorkshopError(f"{base} is a file, not a folder; the workshops' root must be a folder.")
    if not base.exists():
        base.mkdir(parents=True)
    return base.resolve()


def normalise(code: str) -> str:
    """A session code as typed (any case, spaces or underscores for dashes) in its one spelling."""
    return re.sub(r"[\s_]+", "-", code.strip().casefold()).strip("-")


def is_code(code: str) -> bool:
    """True when *code* (normalised) is letters and digits joined by single dashes."""
    return bool(_CODE.match(code))


def new_code(base: Path) -> str:
    """A spoken code (two words, two digits) not yet used under *base*."""
    for _ in range(1000):
        first, second = secrets.choice(_WORDS), secrets.choice(_WORDS)
        if first == second:
            continue
        code = f"{first}-{second}-{secrets.randbelow(90) + 10}"
        if not (base / code).exists():
            return code
    raise WorkshopError(f"Could not find a free session code in {base}; pass code='...'.")  # pragma: no cover


def near_code(base: Path, wanted: str) -> str | None:
    """The one workshop code under *base* close enough to *wanted* to be a typing slip, if any."""
    if not base.is_dir():
        return None
    known = sorted(d.name for d in base.iterdir() if not d.name.startswith(".") and (d / META).is_file())
    close = difflib.get_close_matches(wanted, known, n=1, cutoff=0.8)
    return close[0] if close else None


def joined_file(name: str) -> str:
    """The marker file name of participant *name* (quoted: names may hold any printable character)."""
    return quote(name, safe=" @+,=()-_'!~") + ".toml"


def joined(folder: Path) -> list[str]:
    """Everyone who joined the workshop in *folder*, sorted by name."""
    names = [unquote(f.name[: -len(".toml")]) for f in (folder / "joined").glob("*.toml")]
    return sorted(names, key=str.casefold)


def write_new(path: Path, content: str) -> None:
    """Create *path* with *content*; FileExistsError if it is there (permissions follow the umask)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        os.write(fd, content.encode("utf-8"))
        os.fsync(fd)
    finally:
        os.close(fd)


def shorten(text: str, limit: int) -> str:
    """*text* on one line, cut to *limit* characters with an ellipsis."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def empty_frame(columns: list[str], ints: tuple[str, ...] = ()) -> pd.DataFrame:
    """An empty frame with *columns* (object, or int64 for those in *ints*)."""
    frame = pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
    for column in ints:
        frame[column] = frame[column].astype("int64")
    return frame
