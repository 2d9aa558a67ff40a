"""Run a coding workshop: a facilitator starts a shared project, participants join it with a short code.

>>> from workbench.workshop import start_workshop, join_workshop
>>> ws = start_workshop("/srv/shared/workshops", name="Tuesday workshop",
...                     stories=["kitchen-table", "two-chairs"])    # two of the sample stories
>>> print(ws.invitation())     # the session code and the shared folder, to write on the board
>>> p, me = join_workshop("kettle-garden-42", name="Sam", root="/srv/shared/workshops")  # each participant
>>> ws.progress()              # who coded how much
>>> ws.differences()           # where readings differ: material for the dialogue

**The shared root.** Workshops live in one folder that every participant's notebook can reach:
on a JupyterHub, a group folder such as ``/srv/shared/workshops`` (see docs/care.md, "File
permissions": a setgid group folder and umask ``007``). The facilitator tells participants the
code and, unless the server sets it for them, that folder: ``ws.invitation()`` writes both out.
A server administrator can set the environment variable ``WORKBENCH_WORKSHOPS`` to the folder
for everyone; then participants need only the code and their name.

Each workshop is a folder named by its code::

    <root>/<code>/workshop.toml        name, code, facilitator, when it started
    <root>/<code>/joined/<name>.toml   one small file per participant, written when they join
    <root>/<code>/project/             the workbench project everyone codes (docs/project-format.md)

Every participant codes under their own name in the same project, so nothing anyone does
overwrites anyone else's work, and the facilitator sees it all as it happens.
"""

from __future__ import annotations

import difflib
import os
import re
import secrets
import shutil
import tempfile
import threading
import tomllib
import weakref
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterable
from urllib.parse import quote, unquote

import pandas as pd

from .errors import CoderNameError, WorkbenchError
from .project import Project, check_coder, create_project, data_path, open_project, sample_project

__all__ = ["Workshop", "WorkshopError", "start_workshop", "open_workshop", "join_workshop", "code_quote",
           "ROOT_VARIABLE"]

#: Environment variable naming the shared folder that holds workshops.
ROOT_VARIABLE = "WORKBENCH_WORKSHOPS"

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
_RESERVED_PREFIXES = ("group:", "auto:")
_META = "workshop.toml"


class WorkshopError(WorkbenchError):
    """A workshop that cannot be started, found or joined as asked (the message says why and what to do)."""


# ---------------------------------------------------------------------- the workshop
class Workshop:
    """A workshop: its code, its shared project, and views of what the participants did.

    Create one with :func:`start_workshop`, or open an existing one with :func:`open_workshop`.

    >>> ws.code, ws.name, ws.participants
    ('kettle-garden-42', 'Tuesday workshop', ['Ari', 'Sam'])
    """

    def __init__(self, folder: str | os.PathLike) -> None:
        self.folder = Path(folder).resolve()
        meta_file = self.folder / _META
        try:
            meta = tomllib.loads(meta_file.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise WorkshopError(f"{self.folder} is not a workshop folder (it has no {_META}).") from None
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise WorkshopError(f"{meta_file} is damaged ({exc}); it was written by start_workshop().") from None
        self.code: str = str(meta.get("code", self.folder.name))
        self.name: str = str(meta.get("name", self.code))
        self.facilitator: str = str(meta.get("facilitator", "facilitator"))
        self.started: str = str(meta.get("started", ""))
        self.project: Project = open_project(self.folder / "project")

    @property
    def root(self) -> Path:
        """The shared folder that holds this workshop (participants join with it and the code)."""
        return self.folder.parent

    @property
    def participants(self) -> list[str]:
        """Everyone who joined, sorted by name."""
        return _joined(self.folder)

    def __repr__(self) -> str:
        n = len(self.participants)
        return (f"<Workshop {self.name!r} code={self.code!r}: {n} participant{'s' if n != 1 else ''}, "
                f"{len(self.project.narratives)} stories>")

    def invitation(self) -> str:
        """What to tell participants: the code, the shared folder, and what they type in their notebook.

        >>> print(ws.invitation())
        """
        preset = os.environ.get(ROOT_VARIABLE, "").strip()
        root_line = (f"ROOT = None   # the server already points to {str(self.root)!r}"
                     if preset and Path(preset).expanduser().resolve() == self.root else f"ROOT = {str(self.root)!r}")
        return (
            f"Workshop: {self.name}\n"
            f"Session code: {self.code}\n\n"
            "Open notebooks/workshop/participant.ipynb and fill in the first cell:\n"
            f"    CODE = {self.code!r}\n"
            "    NAME = 'your name'   # as the group will see it; use the same one if you rejoin\n"
            f"    {root_line}\n"
            "Then run the notebook from the top (menu Run > Run All Cells)."
        )

    # ------------------------------------------------------------------ what happened
    def _coders(self) -> list[str]:
        """Participants, then anyone else who coded as a person (e.g. the facilitator), sorted."""
        people = set(self.participants)
        people |= {c for c in self.project.codings()["coder"].unique() if not str(c).startswith(_RESERVED_PREFIXES)}
        return sorted(people, key=str.casefold)

    def progress(self, by: str = "participant") -> pd.DataFrame:
        """Who coded how much, and where. Re-run it to see the latest (it reads the shared folder).

        ``by="participant"``: one row per person (everyone who joined, and anyone else who coded),
        with codings, stories (how many they coded), codes (distinct codes used), memos and
        last_active (UTC time of their latest coding or memo). ``by="story"``: one row per story,
        one column per person, each cell the number of codings.

        >>> ws.progress()
        >>> ws.progress(by="story")
        """
        if by not in ("participant", "story"):
            raise WorkshopError(f"by must be 'participant' or 'story', not {by!r}.")
        p = self.project.refresh()
        people = self._coders()
        codings = p.codings(coder=people)
        if by == "story":
            table = pd.crosstab(codings["narrative_id"], codings["coder"]) if len(codings) else pd.DataFrame()
            stories = p.narratives.set_index("id")["title"]
            table = table.reindex(index=stories.index, columns=people, fill_value=0).fillna(0).astype("int64")
            table.index = pd.Index(stories.to_numpy(), name="story")
            table.columns.name = None
            return table
        memos = p.memos()
        memos = memos[memos["coder"].isin(people)]
        grouped = codings.groupby("coder")
        last = pd.concat([codings[["coder", "created_at"]], memos[["coder", "created_at"]]]).groupby("coder")[
            "created_at"].max() if len(codings) or len(memos) else pd.Series(dtype="datetime64[us, UTC]")
        frame = pd.DataFrame({
            "codings": grouped.size(),
            "stories": grouped["narrative_id"].nunique(),
            "codes": grouped["code"].nunique(),
        }).reindex(people).fillna(0).astype("int64")
        frame["memos"] = memos.groupby("coder").size().reindex(people).fillna(0).astype("int64")
        frame["last_active"] = last.reindex(people)
        frame.index.name = "participant"
        return frame

    def differences(self, code: str | Iterable[str] | None = None,
                    narrative: str | Iterable[str] | None = None) -> pd.DataFrame:
        """Where readings differ, story by story and code by code: the places to talk about.

        Built on :func:`workbench.agreement.dialogue.disagreements` over the people who coded
        (participants, not group readings). One row per story and code, most disputed first:
        narrative_id, title, code, stretches (pieces of text where some applied the code and
        others did not), characters (their length), kinds (see
        :data:`~workbench.agreement.dialogue.KINDS`), and an example to read aloud: the longest
        such stretch (``"[restricted]"`` in a restricted story), with who applied the code there
        (example_with) and who did not (example_without). Empty until two people have coded the
        same story.

        >>> ws.differences().head()
        >>> wb.disagreement_explorer(ws.project, narrative=ws.differences().narrative_id[0], coder="facilitator")
        """
        from .agreement.dialogue import KINDS, disagreements

        p = self.project.refresh()
        columns = ["narrative_id", "title", "code", "stretches", "characters", "kinds", "example", "example_with",
                   "example_without"]
        coded = sorted(set(p.codings(coder=self._coders())["coder"]), key=str.casefold)
        if len(coded) < 2:
            return _empty_frame(columns, ints=("stretches", "characters"))
        d = disagreements(p, narrative=narrative, code=code, coders=coded)
        if not len(d):
            return _empty_frame(columns, ints=("stretches", "characters"))
        d = d.assign(characters=d["end"] - d["start"])
        rows = []
        for (nid, name), part in d.groupby(["narrative_id", "code"], sort=False):
            longest = part.loc[part["characters"].idxmax()]
            rows.append({
                "narrative_id": nid, "code": name, "stretches": len(part), "characters": int(part["characters"].sum()),
                "kinds": ", ".join(k for k in KINDS if k in set(part["kind"])),
                "example": _shorten(str(longest["text"]), 80),
                "example_with": ", ".join(longest["coders_with"]),
                "example_without": ", ".join(longest["coders_without"]),
            })
        out = pd.DataFrame(rows)
        out.insert(1, "title", out["narrative_id"].map(p.narratives.set_index("id")["title"]))
        out = out.sort_values(["characters", "stretches"], ascending=False, kind="stable").reset_index(drop=True)
        return out[columns]

    def summary(self) -> pd.Series:
        """The workshop in a few numbers: who took part, how much was coded, how far readings differ.

        ``agreement`` is Krippendorff's alpha over paragraphs, all codes pooled
        (:func:`workbench.agreement.unit_agreement`), rounded to two decimals; it is missing until
        two people coded the same story. It says how alike the readings are, not which is right.

        >>> ws.summary()
        """
        from .agreement import AgreementError, unit_agreement

        p = self.project.refresh()
        people = self._coders()
        codings = p.codings(coder=people)
        per_story = codings.groupby("narrative_id")["coder"].nunique()
        coded = sorted(set(codings["coder"]), key=str.casefold)
        differences = self.differences()
        alpha: Any = None
        if len(coded) >= 2 and (per_story >= 2).any():
            try:
                value = unit_agreement(p, unit="paragraph", coders=coded).loc["overall", "krippendorff_alpha"]
                alpha = None if pd.isna(value) else round(float(value), 2)
            except AgreementError:
                alpha = None
        memos = p.memos()
        return pd.Series({
            "workshop": self.name,
            "code": self.code,
            "participants": len(self.participants),
            "names": ", ".join(self.participants),
            "stories": len(p.narratives),
            "stories coded": int(len(per_story)),
            "stories coded by two or more": int((per_story >= 2).sum()),
            "codings": int(len(codings)),
            "memos": int(memos["coder"].isin(people).sum()),
            "places where readings differ": int(differences["stretches"].sum()) if len(differences) else 0,
            "agreement (alpha, paragraphs)": alpha,
        }, name=self.name, dtype=object)

    def add_example_participants(self) -> list[str]:
        """Rehearse: let the sample project's three coders (ana, ben, chipo) join and code these stories.

        For a practice run before the real workshop: their codings and memos on this workshop's
        stories are copied in (under their own names), so the progress, differences and dialogue
        steps have something to show. Only for workshops of sample stories; safe to call twice.

        >>> ws.add_example_participants()
        ['ana', 'ben', 'chipo']
        """
        scratch = Path(tempfile.mkdtemp(prefix="workshop-rehearsal-"))
        try:
            sample = sample_project(copy_to=scratch / "sample")
            ids = list(self.project.narratives["id"])
            known = set(sample.narratives["id"])
            if any(nid not in known or sample.text(nid) != self.project.text(nid) for nid in ids):
                raise WorkshopError("Example participants can only join a workshop of sample stories "
                                    "(start_workshop(stories=[...sample ids...])).")
            active = set(self.project.codebook.names)
            names = sorted(set(sample.codings()["coder"]))
            for name in names:
                join_workshop(self.code, name, root=self.root)
                if len(self.project.codings(coder=name)):
                    continue  # added before
                rows = sample.codings(coder=name, narrative=ids)
                rows = rows[rows["code"].isin(active)]
                self.project.code_many(rows[["narrative_id", "start", "end", "code", "note"]], coder=name)
                memos = sample.memos(coder=name)
                for memo in memos[memos["narrative_id"].isin(ids)].itertuples():
                    self.project.memo(memo.text, coder=name, narrative=memo.narrative_id,
                                      code=memo.code if isinstance(memo.code, str) and memo.code in active else None,
                                      kind=memo.kind, title=memo.title if isinstance(memo.title, str) else None)
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
        return names

    def monitor(self, every: float = 10.0) -> Any:
        """A small live panel: participants, their codings and stories, and the places where readings differ.

        It looks at the shared folder every *every* seconds (cheaply: it only recomputes when
        files changed), in the background, with its own copy of the project. Close it with
        ``.close()``.

        >>> ws.monitor(every=5)
        """
        if not isinstance(every, (int, float)) or every < 1:
            raise WorkshopError(f"every must be a number of seconds >= 1, got {every!r}.")
        return _make_monitor(self.folder, float(every))


# ---------------------------------------------------------------------- start, open, join
def start_workshop(root: str | os.PathLike | None = None, name: str = "Coding workshop",
                   codebook: str | os.PathLike | None = None,
                   stories: str | os.PathLike | Iterable[str] | Project | None = None,
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

    >>> ws = start_workshop("/srv/shared/workshops", name="Tuesday", stories=["kitchen-table"])
    """
    base = _root(root)
    if not isinstance(name, str) or not name.strip() or "\n" in name:
        raise WorkshopError("Give the workshop a name of one line, e.g. name='Tuesday workshop'.")
    check_coder(facilitator)
    if code is not None:
        code = _normalise(code)
        if not _CODE.match(code) or not 3 <= len(code) <= 40:
            raise WorkshopError(f"{code!r} cannot be a session code: use 3-40 letters, digits and dashes "
                                "(e.g. 'tuesday-group').")
        if (base / code / _META).exists():
            if exist_ok:
                existing = Workshop(base / code)
                if existing.name != name.strip():
                    raise WorkshopError(f"The code {code!r} belongs to another workshop, {existing.name!r}, in {base}; "
                                        "choose another code (or the same name to reopen it).")
                return existing
            raise WorkshopError(f"A workshop with the code {code!r} already exists in {base}. Open it with "
                                f"open_workshop({code!r}), or pass exist_ok=True, or choose another code.")
        if (base / code).exists():
            raise WorkshopError(f"{base / code} already exists and is not a workshop; choose another code.")
    else:
        code = _new_code(base)
    scratch = Path(tempfile.mkdtemp(prefix="workshop-source-"))
    # Built beside its final place, then renamed: a participant never finds half a workshop.
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
        project = create_project(building / "project", codebook=book, name=name.strip(), coder=facilitator)
        if isinstance(source, Project):
            wanted = list(source.narratives["id"]) if not isinstance(stories, (list, tuple)) else list(stories)
            _copy_stories(source, project, wanted)
        else:
            project.import_narratives(source, progress=False)
        if not len(project.narratives):
            raise WorkshopError("The workshop would have no stories: check stories=.")
        (building / "joined").mkdir()
        started = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        _write_new(building / _META, f"# A narrative workbench workshop (see workbench/workshop.py)\n"
                                     f"name = {_toml(name.strip())}\ncode = {_toml(code)}\n"
                                     f"facilitator = {_toml(facilitator)}\nstarted = {_toml(started)}\n")
        try:
            os.rename(building, base / code)
        except OSError:
            raise WorkshopError(f"Another workshop took the code {code!r} a moment ago; start again.") from None
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
        shutil.rmtree(building, ignore_errors=True)
    return Workshop(base / code)


def open_workshop(code: str, root: str | os.PathLike | None = None) -> Workshop:
    """The workshop with session *code* in the shared folder *root* (default: ``WORKBENCH_WORKSHOPS``).

    The code may be typed in any case, with spaces for dashes (``"Kettle Garden 42"``).

    >>> ws = open_workshop("kettle-garden-42", root="/srv/shared/workshops")
    """
    base = _root(root)
    if not isinstance(code, str) or not code.strip():
        raise WorkshopError("Type the session code your facilitator gave you, e.g. CODE = 'kettle-garden-42'.")
    wanted = _normalise(code)
    folder = base / wanted
    if _CODE.match(wanted) and (folder / _META).is_file():
        return Workshop(folder)
    known = sorted(d.name for d in base.iterdir() if not d.name.startswith(".") and (d / _META).is_file()) if base.is_dir() else []
    close = difflib.get_close_matches(wanted, known, n=1, cutoff=0.8)
    hint = f" Did you mean {close[0]!r}?" if close else " Check the code with your facilitator."
    raise WorkshopError(f"There is no workshop with the code {code.strip()!r} in {base}.{hint}")


def join_workshop(code: str, name: str, root: str | os.PathLike | None = None) -> tuple[Project, str]:
    """Join the workshop with session *code* as *name*; returns the shared project and your coder name.

    Use the same name if you join again (after a break or a restart): your earlier work is
    still yours. Names differing only in capitals from someone else's are refused, so that two
    people are never mixed up.

    >>> p, me = join_workshop("kettle-garden-42", name="Sam", root="/srv/shared/workshops")
    >>> wb.coding_widget(p, coder=me, view="blind")
    """
    workshop = open_workshop(code, root)
    if not isinstance(name, str) or not name.strip():
        raise CoderNameError("Type your name as the group will see it, e.g. NAME = 'Sam'.")
    name = " ".join(name.split())
    check_coder(name)
    if name.casefold().startswith(_RESERVED_PREFIXES):
        raise CoderNameError(f"{name!r} cannot be a participant's name: names starting with 'group:' or 'auto:' "
                             "are kept for group readings and machine coding. Use your own name.")
    if name.casefold() == workshop.facilitator.casefold() and name != workshop.facilitator:
        raise CoderNameError(f"{name!r} is the facilitator's name in this workshop; choose your own name.")
    for other in workshop.participants:
        if other != name and other.casefold() == name.casefold():
            raise CoderNameError(f"{other!r} has already joined. If that is you, join as {other!r} exactly; "
                                 f"if not, choose a name that tells you apart (e.g. '{name} B.').")
    marker = workshop.folder / "joined" / _joined_file(name)
    if not marker.exists():
        joined = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        try:
            _write_new(marker, f"name = {_toml(name)}\njoined = {_toml(joined)}\n")
        except FileExistsError:
            pass  # the same person, twice at once: both are fine
    return open_project(workshop.folder / "project"), name


def code_quote(p: Project, narrative: str, words: str, code: str, coder: str, note: str | None = None,
               occurrence: int | None = None) -> str:
    """Code a passage by quoting it: the keyboard's way to do what selecting with the mouse does.

    *words* must appear in the story (capitals and line breaks may differ). If they appear more
    than once, quote more words or say which with ``occurrence=1, 2, ...``. Returns the coding id.

    >>> code_quote(p, "kitchen-table", "Nobody asked me any of them.", "not problem-centred", coder="Sam")
    """
    text = p.text(narrative)
    if not isinstance(words, str) or not words.strip():
        raise WorkbenchError("Quote the words to code, e.g. 'Nobody asked me any of them.'")
    pattern = r"\s+".join(re.escape(w) for w in words.split())
    found = [(m.start(), m.end()) for m in re.finditer(pattern, text, flags=re.IGNORECASE)]
    if not found:
        raise WorkbenchError(f"{_shorten(words.strip(), 60)!r} is not in the story {narrative!r}; copy the words "
                             "exactly from the story (capitals and line breaks may differ).")
    if occurrence is None:
        if len(found) > 1:
            raise WorkbenchError(f"{_shorten(words.strip(), 60)!r} appears {len(found)} times in {narrative!r}: quote "
                                 "more words, or say which one with occurrence=1, 2, ...")
        occurrence = 1
    if not isinstance(occurrence, int) or not 1 <= occurrence <= len(found):
        raise WorkbenchError(f"occurrence must be a whole number from 1 to {len(found)}, got {occurrence!r}.")
    start, end = found[occurrence - 1]
    return p.code(narrative, start, end, code, coder=coder, note=note)


# ---------------------------------------------------------------------- helpers
def _root(root: str | os.PathLike | None) -> Path:
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


def _normalise(code: str) -> str:
    return re.sub(r"[\s_]+", "-", code.strip().casefold()).strip("-")


def _new_code(base: Path) -> str:
    for _ in range(1000):
        first, second = secrets.choice(_WORDS), secrets.choice(_WORDS)
        if first == second:
            continue
        code = f"{first}-{second}-{secrets.randbelow(90) + 10}"
        if not (base / code).exists():
            return code
    raise WorkshopError(f"Could not find a free session code in {base}; pass code='...'.")  # pragma: no cover


def _story_source(stories: Any, scratch: Path) -> tuple[Any, Path | None]:
    """Where the stories come from, and the default codebook file (None: the source project's own)."""
    if stories is None or isinstance(stories, (list, tuple)):
        sample = sample_project(copy_to=scratch / "sample")
        if stories is not None:
            known = set(sample.narratives["id"])
            unknown = [s for s in stories if s not in known]
            if unknown or not stories:
                raise WorkshopError(
                    f"stories= lists ids of sample stories; {unknown or 'an empty list'} is not among them. "
                    f"Choose from: {', '.join(sample.narratives['id'])}. For your own stories pass a folder.")
            if len(set(stories)) != len(stories):
                raise WorkshopError("stories= names a story twice.")
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


def _copy_stories(source: Project, target: Project, ids: list[str]) -> None:
    meta = source.narratives.set_index("id")
    for nid in ids:
        row = meta.loc[nid]
        attributes = {a: row[a] for a in source.attributes if a in meta.columns and not pd.isna(row[a])}
        target.add_narrative(source.text(nid), title=row["title"], narrator=row["narrator"],
                             attributes=attributes, consent=row["consent"], id=nid)


def _joined_file(name: str) -> str:
    return quote(name, safe=" @+,=()-_'!~") + ".toml"


def _joined(folder: Path) -> list[str]:
    names = [unquote(f.name[: -len(".toml")]) for f in (folder / "joined").glob("*.toml")]
    return sorted(names, key=str.casefold)


def _write_new(path: Path, content: str) -> None:
    """Create *path* with *content*; FileExistsError if it is there (permissions follow the umask)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        os.write(fd, content.encode("utf-8"))
        os.fsync(fd)
    finally:
        os.close(fd)


def _toml(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _shorten(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _empty_frame(columns: list[str], ints: Iterable[str] = ()) -> pd.DataFrame:
    frame = pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
    for column in ints:
        frame[column] = frame[column].astype("int64")
    return frame


# ---------------------------------------------------------------------- the live panel
def _files_stamp(folder: Path) -> tuple:
    """Sizes and times of the files that change when someone joins, codes or writes a memo."""
    stamp = []
    for sub in ("joined", "project/events/codings", "project/events/memos", "project/events/codebook"):
        try:
            for entry in sorted(os.scandir(folder / sub), key=lambda e: e.name):
                info = entry.stat()
                stamp.append((entry.name, info.st_size, info.st_mtime_ns))
        except FileNotFoundError:
            pass
    return tuple(stamp)


def _panel_html(workshop: Workshop) -> str:
    import html

    progress = workshop.progress()
    differences = workshop.differences()
    rows = "".join(
        f"<tr><td>{html.escape(name)}</td><td>{row.codings}</td><td>{row.stories}</td><td>{row.memos}</td></tr>"
        for name, row in progress.iterrows())
    places = int(differences["stretches"].sum()) if len(differences) else 0
    top = "".join(f"<li>{html.escape(str(r.title))}: <b>{html.escape(str(r.code))}</b> "
                  f"({r.stretches} place{'s' if r.stretches != 1 else ''})</li>"
                  for r in differences.head(5).itertuples())
    return (
        f"<div style='font-family:system-ui,sans-serif'><b>{html.escape(workshop.name)}</b> "
        f"&middot; code <code>{html.escape(workshop.code)}</code> &middot; {len(progress)} people"
        "<table style='margin:6px 0'><tr><th align=left>who</th><th>codings</th><th>stories</th>"
        f"<th>memos</th></tr>{rows or '<tr><td colspan=4>nobody yet</td></tr>'}</table>"
        f"Places where readings differ: <b>{places}</b>{f'<ul>{top}</ul>' if top else ''}</div>")


_MONITOR_CLASS = None


def _make_monitor(folder: Path, every: float):
    global _MONITOR_CLASS
    if _MONITOR_CLASS is None:
        import ipywidgets

        class WorkshopMonitor(ipywidgets.HTML):
            """The live panel of :meth:`Workshop.monitor`."""

            def __repr__(self) -> str:
                return f"<WorkshopMonitor of {self._wb_title!r}, every {self._wb_every:g} s>"

            def close(self) -> None:
                self._wb_stop.set()
                super().close()

        _MONITOR_CLASS = WorkshopMonitor
    own = Workshop(folder)  # the panel's own Project: the notebook's is only used on the main thread
    widget = _MONITOR_CLASS(value=_panel_html(own))
    widget._wb_title, widget._wb_every, widget._wb_stop = own.name, every, threading.Event()
    ref = weakref.ref(widget)
    stop = widget._wb_stop
    seen = _files_stamp(folder)

    def watch() -> None:
        nonlocal seen
        while not stop.wait(every):
            current = ref()
            if current is None:
                return
            try:
                stamp = _files_stamp(folder)
                if stamp != seen:
                    seen = stamp
                    current.value = _panel_html(own)
            except Exception as exc:  # noqa: BLE001 - a background panel must never print into other cells
                try:
                    import html

                    current.value = f"<i>The panel stopped ({html.escape(str(exc))}); re-run the cell.</i>"
                except Exception:  # noqa: BLE001
                    return
                return
            del current

    threading.Thread(target=watch, name=f"workshop-monitor-{own.code}", daemon=True).start()
    return widget
