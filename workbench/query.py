"""Asking a project a checked question: the filters, code order and code expansion shared by every view.

Analysis, agreement, charts and widgets all select codings the same way, so they share these
functions: a misspelt coder, code or narrative is an error that says what exists, never a
silently empty frame.

>>> import workbench as wb
>>> from workbench import query
>>> query.code_order(p)[:3]
['principles of peer support', 'not problem-centred', 'mutual responsibility']
>>> len(query.checked_codings(p, coder="ana")) > 0
True
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Iterable

import pandas as pd

from .consent import restricted_ids
from .errors import UnknownCodeError, WorkbenchError

if TYPE_CHECKING:  # pragma: no cover
    from .project import Project

__all__ = ["AnalysisError", "all_code_names", "as_list", "check_codes", "checked_codings", "code_order",
           "expand_codes", "narrative_column", "restricted_narratives", "with_ancestors", "with_dimension"]


class AnalysisError(WorkbenchError, ValueError):
    """An analysis was asked something it cannot answer (unknown attribute, bad pattern, ...)."""


def as_list(value: Any, unique: bool = False) -> list[Any] | None:
    """One value or many as a list (``None`` stays ``None``); ``unique=True`` drops repeats, keeping order.

    >>> as_list("ana"), as_list(["ana", "ben", "ana"], unique=True), as_list(None)
    (['ana'], ['ana', 'ben'], None)
    """
    if value is None:
        return None
    items = [value] if isinstance(value, str) else list(value)
    return list(dict.fromkeys(items)) if unique else items


def code_order(p: "Project", present: Iterable[str] = ()) -> list[str]:
    """Active codes in codebook order, then any other code in *present* (retired ones that still have codings).

    >>> code_order(p, ["zz retired"])[-1]
    'zz retired'
    """
    order = list(p.codebook.names)
    known = set(order)
    return order + sorted({c for c in present if c not in known})


def all_code_names(p: "Project") -> set[str]:
    """Every code name the codebook knows, retired and merged ones included.

    >>> "reciprocity" in all_code_names(p)
    True
    """
    return set(p.codebook.to_frame(include_inactive=True)["name"])


def _unknown_code(p: "Project", name: Any) -> UnknownCodeError:
    return UnknownCodeError(f"There is no code {name!r} in the codebook; see p.codebook.names "
                            f"(e.g. {', '.join(repr(n) for n in p.codebook.names[:5])}).")


def expand_codes(p: "Project", codes: Iterable[str], include_children: bool = False) -> list[str]:
    """Check code names (active or not) and, with *include_children*, add the active codes below them.

    >>> expand_codes(p, ["principles of peer support"], include_children=True)
    ['principles of peer support', 'not problem-centred', ...]
    """
    known = all_code_names(p)
    out: list[str] = []
    for name in codes:
        if name not in known:
            raise _unknown_code(p, name)
        out.append(name)
        if include_children and name in p.codebook:
            out.extend(p.codebook.children(name))
    return list(dict.fromkeys(out))


def check_codes(p: "Project", codes: Iterable[Any]) -> None:
    """Raise :class:`~workbench.errors.UnknownCodeError` unless every name in *codes* is a code of the project.

    Codes of the codebook (retired ones too) and codes that still have codings count; the
    error for a renamed or merged code says what it became.

    >>> check_codes(p, ["reciprocity"])
    >>> check_codes(p, ["no such code"])
    Traceback (most recent call last):
    ...
    workbench.errors.UnknownCodeError: ...
    """
    known = all_code_names(p) | set(p.codings()["code"].unique())
    for name in codes:
        if not isinstance(name, str):
            raise UnknownCodeError(f"code must be a code name (text), got {name!r}.")
        if name not in known:
            p.codebook.id_of(name)  # raises a helpful UnknownCodeError (renamed, merged, unknown)
            raise UnknownCodeError(f"There is no code {name!r} in this project.")  # pragma: no cover


def narrative_column(p: "Project", by: str) -> str:
    """The ``p.narratives`` column that *by* names (``"narrative"`` means the id).

    >>> narrative_column(p, "narrative"), narrative_column(p, "setting")
    ('id', 'setting')
    """
    if by in ("narrative", "narrative_id", "id"):
        return "id"
    if by not in list(p.narratives.columns):
        raise AnalysisError(
            f"{by!r} is neither 'code', 'coder', 'narrative', 'speaker' nor a narrative attribute; "
            f"attributes here: {', '.join(p.attributes) or '(none)'}.")
    return by


def _check_coders(p: "Project", coders: list[str]) -> None:
    known = set(p.coders)
    unknown = [c for c in coders if c not in known]
    if unknown:
        raise AnalysisError(f"No coder called {', '.join(map(repr, unknown))} has coded or written memos here; "
                            f"coders: {', '.join(sorted(known)) or '(none yet)'}.")


def checked_codings(p: "Project", coder: str | Iterable[str] | None = None, code: str | Iterable[str] | None = None,
                    narrative: str | Iterable[str] | None = None) -> pd.DataFrame:
    """``p.codings()`` with the filters checked: a misspelt coder or narrative is an error, not an empty frame.

    >>> checked_codings(p, coder="nobody")
    Traceback (most recent call last):
    ...
    workbench.query.AnalysisError: No coder called 'nobody' has coded or written memos here; ...
    """
    coders, narratives = as_list(coder), as_list(narrative)
    if coders is not None:
        _check_coders(p, coders)
    for nid in narratives or ():
        p.text(nid)  # raises UnknownNarrativeError / ConsentError with a helpful message
    return p.codings(coder=coders, code=code, narrative=narratives)


def with_dimension(p: "Project", frame: pd.DataFrame, by: str) -> tuple[pd.DataFrame, str]:
    """Add the column that *by* names (code, coder, narrative, speaker or an attribute) to a codings frame.

    ``"speaker"`` is whose turn of a transcript holds most of each coding (see ``p.with_speakers``);
    ``"coder_<attribute>"`` is an attribute of the coder (``coder_role``: see ``p.set_coder_attributes``).

    Returns the frame and the column's name.

    >>> frame, column = with_dimension(p, p.codings(), "setting")
    >>> column, column in frame
    ('setting', True)
    """
    if by in ("code", "coder"):
        return frame, by
    if by == "speaker" and by not in p.attributes:
        return p.with_speakers(frame), "speaker"
    if by.startswith("coder_") and by not in p.attributes:
        return with_coder_attribute(p, frame, by), by
    column = narrative_column(p, by)
    if column == "id":
        return frame, "narrative_id"
    lookup = p.narratives.set_index("id")[column]
    return frame.assign(**{column: frame["narrative_id"].map(lookup)}), column


def with_coder_attribute(p: "Project", frame: pd.DataFrame, by: str) -> pd.DataFrame:
    """A codings frame with the column *by* (``coder_<attribute>``): each coding's coder's value, or ``(not set)``.

    >>> p.set_coder_attributes("ana", role="peer worker")
    >>> with_coder_attribute(p, p.codings(coder="ana"), "coder_role")["coder_role"].unique().tolist()
    ['peer worker']
    """
    attributes = p.coder_attributes
    name = by.removeprefix("coder_")
    if name not in attributes.columns:
        raise AnalysisError(f"No coder attribute {name!r} was recorded (asked for {by!r}); coder attributes here: "
                            f"{', '.join(attributes.columns) or '(none: see p.set_coder_attributes)'}.")
    values = frame["coder"].map(attributes[name]).astype(object)
    return frame.assign(**{by: values.where(values.notna(), "(not set)")})


def restricted_narratives(p: "Project") -> set[str]:
    """Ids of the project's narratives whose consent is ``"restricted"`` (counted, never quoted).

    >>> restricted_narratives(p)
    set()
    """
    return restricted_ids(p.narratives)


def with_ancestors(p: "Project", frame: pd.DataFrame) -> pd.DataFrame:
    """Each coding of a codings frame once under its own code and once under every active code above it.

    Counting the result gives a parent code's whole branch.

    >>> frame = p.codings()
    >>> len(with_ancestors(p, frame)) >= len(frame)
    True
    """
    book = p.codebook.to_frame()
    parent = dict(zip(book["name"], book["parent"]))
    parts = [frame]
    level = frame
    for _ in range(len(parent)):  # one step up the tree per round, never per coding
        mapped = level["code"].map(parent)
        level = level[mapped.notna().to_numpy()].assign(code=mapped.dropna())
        if not len(level):
            break
        parts.append(level)
    return pd.concat(parts, ignore_index=True)
