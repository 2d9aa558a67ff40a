"""Start, open and join a workshop: the three steps of the facilitator's and participants' notebooks."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import Any, Iterable

import pandas as pd

from .._files import toml_string
from .._time import SECONDS_FORMAT, utc_now
from ..names import check_coder
from ..project import Project, create_project, data_path, open_project, sample_project
from ._folder import META, WorkshopError, is_code, near_code, new_code, normalise, shared_root, write_new
from ._people import admit
from ._workshop import Workshop

Stories = str | os.PathLike | Iterable[str] | Project | None


def start_workshop(root: str | os.PathLike | None = None, name: str = "Coding workshop",
                   codebook: str | os.PathLike | None = None, stories: Stories = None,
                   code: str | None = None, facilitator: str = "facilitator", exist_ok: bool = False) -> Workshop:
    """Start a workshop in the shared folder *root*: a new project everyone codes, and a session code.

    *root* defaults to the environment variable ``WORKBENCH_WORKSHOPS``. *stories*: ``None``
    (every sample story), a list of sample story ids (``["kitchen-table", "two-chairs"]``), a
    folder or file of your own stories (anything :meth:`Project.import_narratives` reads), or a
    :class:`Project` whose stories (with their attributes and consent) are copied. *codebook*: a
    codebook YAML file; by default the codebook of the project the stories come from (the
    sample's), or for your own files the peer support principles codebook. *code*: choose the
    session code yourself (letters, digits and dashes), or leave it to the workbench
    (``kettle-garden-42``). With ``exist_ok=True`` an existing workshop with that *code* and *name*
    is opened instead (e.g. after a kernel restart).

    >>> ws = start_workshop("workshops", name="Tuesday", stories=["kitchen-table"])
    >>> ws
    <Workshop 'Tuesday' code='...': 0 participants, 1 stories>
    >>> start_workshop("workshops", name="Tuesday", code=ws.code, exist_ok=True).folder == ws.folder
    True
    """
    base = shared_root(root)
    if not isinstance(name, str) or not name.strip() or "\n" in name:
        raise WorkshopError("Give the workshop a name of one line, e.g. name='Tuesday workshop'.")
    check_coder(facilitator)
    if code is None:
        code = new_code(base)
    else:
        code = normalise(code)
        existing = _existing(base, code, name.strip(), exist_ok)
        if existing is not None:
            return existing
    _build(base, code, name.strip(), codebook, stories, facilitator)
    return Workshop(base / code)


def _existing(base: Path, code: str, name: str, exist_ok: bool) -> Workshop | None:
    """The workshop *code* when reopening it is asked for; an error if *code* cannot be used; else None."""
    if not is_code(code) or not 3 <= len(code) <= 40:
        raise WorkshopError(f"{code!r} cannot be a session code: use 3-40 letters, digits and dashes "
                            "(e.g. 'tuesday-group').")
    if (base / code / META).exists():
        if not exist_ok:
            raise WorkshopError(f"A workshop with the code {code!r} already exists in {base}. Open it with "
                                f"open_workshop({code!r}), or pass exist_ok=True, or choose another code.")
        existing = Workshop(base / code)
        if existing.name != name:
            raise WorkshopError(f"The code {code!r} belongs to another workshop, {existing.name!r}, in {base}; "
                                "choose another code (or the same name to reopen it).")
        return existing
    if (base / code).exists():
        raise WorkshopError(f"{base / code} already exists and is not a workshop; choose another code.")
    return None


def _build(base: Path, code: str, name: str, codebook: str | os.PathLike | None, stories: Stories,
           facilitator: str) -> None:
    """Make the workshop folder beside its final place, then rename it: nobody finds half a workshop."""
    scratch = Path(tempfile.mkdtemp(prefix="workshop-source-"))
    building = base / f".{code}.{os.getpid()}.building"
    try:
        source, default_codebook = _story_source(stories, scratch)
        book = Path(codebook) if codebook is not None else default_codebook
        if book is None:
            book = scratch / "codebook.yaml"
            book.write_text(source.codebook.to_yaml(), encoding="utf-8")
        if not book.is_file():
            raise WorkshopError(f"The codebook file {book} does not exist.")
        building.mkdir()
        project = create_project(building / "project", codebook=book, name=name, coder=facilitator)
        if isinstance(source, Project):
            project.set_method(source.method)  # the workshop reads as the project its stories come from
            wanted = list(source.narratives["id"]) if not isinstance(stories, (list, tuple)) else list(stories)
            _copy_stories(source, project, wanted)
        else:
            project.import_narratives(source, progress=False)
        if not len(project.narratives):
            raise WorkshopError("The workshop would have no stories: check stories=.")
        (building / "joined").mkdir()
        write_new(building / META, "# A narrative workbench workshop (see workbench/workshop/)\n"
                                   f"name = {toml_string(name)}\ncode = {toml_string(code)}\n"
                                   f"facilitator = {toml_string(facilitator)}\n"
                                   f"started = {toml_string(utc_now(SECONDS_FORMAT))}\n")
        try:
            os.rename(building, base / code)
        except OSError:
            raise WorkshopError(f"Another workshop took the code {code!r} a moment ago; start again.") from None
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
        shutil.rmtree(building, ignore_errors=True)


def _story_source(stories: Any, scratch: Path) -> tuple[Any, Path | None]:
    """Where the stories come from, and the default codebook file (None: the source project's own)."""
    if stories is None or isinstance(stories, (list, tuple)):
        sample = sample_project(copy_to=scratch / "sample")
        if stories is not None:
            _check_sample_ids(stories, list(sample.narratives["id"]))
        return sample, None
    if isinstance(stories, Project):
        return stories, None
    if isinstance(stories, (str, os.PathLike)):
        path = Path(stories)
        if not path.exists():
            raise WorkshopError(f"{path} does not exist; stories= takes a folder or file of stories.")
        return path, data_path("codebooks") / "peer_support_principles.yaml"
    raise WorkshopError(f"stories= takes None (the sample), a list of sample story ids, a folder or a project, "
                        f"not {type(stories).__name__}.")


def _check_sample_ids(stories: list[str] | tuple[str, ...], known: list[str]) -> None:
    unknown = [s for s in stories if s not in set(known)]
    if unknown or not stories:
        raise WorkshopError(
            f"stories= lists ids of sample stories; {unknown or 'an empty list'} is not among them. "
            f"Choose from: {', '.join(known)}. For your own stories pass a folder.")
    if len(set(stories)) != len(stories):
        raise WorkshopError("stories= names a story twice.")


def _copy_stories(source: Project, target: Project, ids: list[str]) -> None:
    meta = source.narratives.set_index("id")
    for nid in ids:
        row = meta.loc[nid]
        attributes = {a: row[a] for a in source.attributes if a in meta.columns and not pd.isna(row[a])}
        target.add_narrative(source.text(nid), title=row["title"], narrator=row["narrator"],
                             attributes=attributes, consent=row["consent"], id=nid)


def open_workshop(code: str, root: str | os.PathLike | None = None) -> Workshop:
    """The workshop with session *code* in the shared folder *root* (default: ``WORKBENCH_WORKSHOPS``).

    The code may be typed in any case, with spaces for dashes (``"Kettle Garden 42"``).

    >>> ws = start_workshop("workshops", code="kettle-garden-42", stories=["kitchen-table"])
    >>> open_workshop("Kettle Garden 42", root="workshops").code
    'kettle-garden-42'
    """
    base = shared_root(root)
    if not isinstance(code, str) or not code.strip():
        raise WorkshopError("Type the session code your facilitator gave you, e.g. CODE = 'kettle-garden-42'.")
    wanted = normalise(code)
    folder = base / wanted
    if is_code(wanted) and (folder / META).is_file():
        return Workshop(folder)
    close = near_code(base, wanted)
    hint = f" Did you mean {close!r}?" if close else " Check the code with your facilitator."
    raise WorkshopError(f"There is no workshop with the code {code.strip()!r} in {base}.{hint}")


def join_workshop(code: str, name: str, root: str | os.PathLike | None = None) -> tuple[Project, str]:
    """Join the workshop with session *code* as *name*; returns the shared project and your coder name.

    Use the same name if you join again (after a break or a restart): your earlier work is
    still yours. Names differing only in capitals from someone else's are refused, so that two
    people are never mixed up.

    >>> ws = start_workshop("workshops", code="kettle-garden-42", stories=["kitchen-table"])
    >>> p, me = join_workshop("kettle-garden-42", name="Sam", root="workshops")
    >>> me, ws.participants
    ('Sam', ['Sam'])
    >>> w = wb.coding_widget(p, coder=me, view="blind")
    """
    workshop = open_workshop(code, root)
    name = admit(workshop.folder, workshop.facilitator, name)
    return open_project(workshop.folder / "project"), name
