"""The files of a theme-elicitation round: the deck of excerpts (write-once) and one sort log per participant."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, Iterable

import pandas as pd

from .._time import utc_now
from ..consent import restricted_ids
from ..names import check_coder
from ..project import Project
from ..store.logs import append_lines, coder_file, coder_from_file
from ._folder import WorkshopError, write_new

#: The folder, inside a workshop folder, that holds its elicitation rounds.
FOLDER = "elicitation"
_ROUND = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def round_folder(workshop_folder: Path, name: str) -> Path:
    """The folder of round *name* (letters, digits and dashes) in a workshop."""
    if not isinstance(name, str) or not _ROUND.match(name):
        raise WorkshopError(f"{name!r} cannot name an elicitation round: use lowercase letters, digits and "
                            "dashes, e.g. name='themes-1'.")
    return Path(workshop_folder) / FOLDER / name


def build_deck(project: Project, excerpts: Iterable[str] | pd.DataFrame) -> list[dict]:
    """The deck's cards from coding ids (or a frame with a coding_id column): label, coding, story, text.

    A card shows only the passage: not the code, not who coded it (the sort is fresh eyes).
    Restricted stories are counted, never quoted, so their passages cannot be cards.
    """
    ids = list(excerpts["coding_id"]) if isinstance(excerpts, pd.DataFrame) else list(excerpts)
    if not 2 <= len(ids) <= 80:
        raise WorkshopError(f"A deck needs between 2 and 80 excerpts (20 to 40 work well), got {len(ids)}.")
    if len(set(ids)) != len(ids):
        raise WorkshopError("The same excerpt is in the deck twice; pick each coding once.")
    codings = project.codings().set_index("coding_id")
    missing = [i for i in ids if i not in codings.index]
    if missing:
        raise WorkshopError(f"No current coding has the id(s) {missing[:5]}: pick excerpts from p.codings() "
                            "(withdrawn stories and removed codings cannot be cards).")
    hidden = restricted_ids(project.narratives)
    restricted = [i for i in ids if codings.loc[i, "narrative_id"] in hidden]
    if restricted:
        raise WorkshopError(f"The excerpt(s) {restricted[:5]} come from restricted stories, which may be counted "
                            "but never quoted; leave them out of the deck.")
    titles = project.narratives.set_index("id")["title"]
    deck = []
    for n, cid in enumerate(ids, start=1):
        row = codings.loc[cid]
        deck.append({"card": f"E{n:02d}", "coding_id": str(cid), "narrative_id": str(row["narrative_id"]),
                     "title": str(titles.get(row["narrative_id"], "")), "start": int(row["start"]),
                     "end": int(row["end"]), "text": " ".join(str(row["text"]).split())})
    return deck


def write_deck(folder: Path, deck: list[dict], by: str, about: str) -> None:
    """Write the round's deck once (a second round needs another name)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "sorts").mkdir(exist_ok=True)
    body = {"by": by, "at": utc_now(), "about": about, "cards": deck}
    try:
        write_new(folder / "deck.json", json.dumps(body, ensure_ascii=False, indent=1) + "\n")
    except FileExistsError:
        raise WorkshopError(f"The round {folder.name!r} already has a deck; open it with "
                            f"ws.elicitation({folder.name!r}) or start a round with another name.") from None


def read_deck(folder: Path) -> dict:
    """The round's deck file as written by :func:`write_deck`."""
    try:
        return json.loads((folder / "deck.json").read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise WorkshopError(f"There is no elicitation round {folder.name!r} in this workshop; the facilitator "
                            "starts it with ws.start_elicitation(...).") from None


def check_sort(piles: Any, cards: set[str]) -> dict[str, list[str]]:
    """*piles* ({pile name: [card, ...]}) tidied, or a WorkshopError saying what is wrong."""
    if not isinstance(piles, dict):
        raise WorkshopError("A sort is a dict of piles: {'pile name': ['E01', 'E07'], ...}.")
    tidy: dict[str, list[str]] = {}
    seen: set[str] = set()
    for name, members in piles.items():
        label = " ".join(str(name).split())
        if not label:
            raise WorkshopError("Every pile needs a name: what do these excerpts have in common for you?")
        if label.casefold() in {k.casefold() for k in tidy}:
            raise WorkshopError(f"Two piles are called {label!r}; give each pile its own name.")
        members = [str(m) for m in members]
        unknown = sorted(set(members) - cards)
        twice = sorted(seen & set(members)) or sorted({m for m in members if members.count(m) > 1})
        if unknown:
            raise WorkshopError(f"{unknown[:5]} are not cards of this deck (cards are {sorted(cards)[:3]}...).")
        if twice:
            raise WorkshopError(f"{twice[:5]} are in more than one pile; each excerpt goes in one pile.")
        seen |= set(members)
        if members:
            tidy[label] = members
    return tidy


def append_sort(folder: Path, participant: str, piles: dict[str, list[str]]) -> None:
    """Append *participant*'s sort to their own log (the latest line counts; earlier ones stay)."""
    check_coder(participant)
    line = json.dumps({"event": "sorted", "participant": participant, "at": utc_now(), "piles": piles},
                      ensure_ascii=False)
    append_lines(folder / "sorts" / coder_file(participant), line + "\n")


def latest_sorts(folder: Path) -> dict[str, dict]:
    """Each participant's latest sort ({name: {"at", "piles"}}), read from their logs, by name."""
    sorts: dict[str, dict] = {}
    for log in sorted((folder / "sorts").glob("*.jsonl")):
        last = None
        for line in log.read_text(encoding="utf-8").splitlines():
            try:
                event = json.loads(line)
            except json.JSONDecodeError:
                continue  # a torn line: the one before it still counts
            if isinstance(event, dict) and isinstance(event.get("piles"), dict):
                last = event
        if last is not None:
            sorts[coder_from_file(log)] = {"at": last.get("at", ""), "piles": last["piles"]}
    return dict(sorted(sorts.items(), key=lambda kv: kv[0].casefold()))
