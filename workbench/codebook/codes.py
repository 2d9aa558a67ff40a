"""A code as it stands now, the colour palette, and what a codebook writes through."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Callable

from ..errors import CodebookError

#: Colour-blind-friendly defaults (Okabe-Ito and Tableau 10), dark enough for underlines on white.
PALETTE = [
    "#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9", "#8c564b",
    "#4e79a7", "#e15759", "#76b7b2", "#59a14f", "#b07aa1", "#9c755f", "#f28e2b",
]
_COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")
_TEXT_FIELDS = ("description", "include", "exclude", "example")


@dataclass
class Code:
    """One code as it stands now."""

    code_id: str
    name: str
    description: str = ""
    parent: str | None = None  # parent code id
    color: str = PALETTE[0]
    include: str = ""
    exclude: str = ""
    example: str = ""
    status: str = "active"  # active | retired | merged
    merged_into: str | None = None
    created_at: str = ""
    created_by: str = ""
    names: list[str] = field(default_factory=list)  # every name it has had, oldest first


@dataclass(frozen=True)
class CodebookWriter:
    """What a :class:`Codebook` needs of its project: a fresh look, a way to write changes, and a name.

    The project hands one over; the codebook never reaches into the project itself.

    >>> writer = CodebookWriter(refresh=lambda: None, write=lambda events, coder: None, project_name=lambda: "x")
    >>> from workbench.codebook import Codebook
    >>> Codebook(writer).names
    []
    """

    refresh: Callable[[], Any]
    write: Callable[[list[dict], str], None]
    project_name: Callable[[], str]
    #: the project as the exchange functions take it (only for the deprecated :meth:`Codebook.import_qdc`)
    project: Any = None
    #: the governance table of ``workbench.toml`` (``{"mode": "open"}`` when None or empty)
    governance: Callable[[], dict] | None = None


def check_color(color: Any) -> str:
    """*color* as lower-case ``#rrggbb``, or a :class:`CodebookError`.

    >>> check_color("#1B9E77")
    '#1b9e77'
    """
    if not isinstance(color, str) or not _COLOR.match(color):
        raise CodebookError(f"Colour {color!r} is not a hex colour like '#1b9e77'.")
    return color.lower()

