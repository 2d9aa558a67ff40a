"""After git has merged two sides of a project: rebuild what must not be merged as text.

- event logs (merged by git as a union) lose any line that arrived twice, so no event counts twice;
- ``narratives.csv`` is merged by story id, cell by cell against the common ancestor; a cell
  changed on both sides to different values is an error naming both, and nothing is written;
- every story withdrawn on either side is purged from the merged folder (its text, its row, its
  events, codebook texts quoting it), as a withdrawal does on the machine where it was made.

``codebook.yaml`` is not touched here: it is the fold of the merged codebook events, written
when the project is opened afterwards.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Callable

import pandas as pd

from ..consent import tombstone_key
from ..errors import WorkbenchError
from ..store.folder import purge_story_events
from ..store.logs import atomic_write, parse_lines
from ..store.narratives import CSV_CORE, write_narratives_csv
from ..store.structure import remove_files
from ..store.withdrawal import word_runs


def unique_lines(data: bytes) -> bytes:
    """*data* (a merged event log) with each line kept once, where it first occurs; every line ends with a newline.

    >>> unique_lines(b'{"id":"a"}\\n{"id":"b"}\\n{"id":"a"}')
    b'{"id":"a"}\\n{"id":"b"}\\n'
    """
    lines = [line for line in data.split(b"\n") if line.strip()]
    kept = list(dict.fromkeys(lines))
    return b"".join(line + b"\n" for line in kept)


def dedupe_log(path: Path) -> bool:
    """Rewrite the log *path* without repeated lines; True if it changed.

    >>> _ = Path("log.jsonl").write_text('{"id":"a"}\\n{"id":"a"}\\n'); dedupe_log(Path("log.jsonl"))
    True
    """
    if not path.is_file():
        return False
    data = path.read_bytes()
    kept = unique_lines(data)
    if kept == data:
        return False
    atomic_write(path, kept)
    return True


def csv_rows(text: str | None) -> tuple[list[str], dict[str, dict[str, str]]]:
    """The columns and ``{id: row}`` of a ``narratives.csv`` text (``None``: no file on that side).

    >>> csv_rows("id,title\\nn1,A walk\\n")
    (['id', 'title'], {'n1': {'id': 'n1', 'title': 'A walk'}})
    """
    if not text:
        return [], {}
    reader = csv.DictReader(io.StringIO(text))
    return list(reader.fieldnames or []), {row["id"]: dict(row) for row in reader if row.get("id")}


def _merged_row(nid: str, base: dict | None, ours: dict, theirs: dict, columns: list[str]) -> dict:
    row = {}
    for column in columns:
        was, mine, other = ((base or {}).get(column, ""), ours.get(column, ""), theirs.get(column, ""))
        if mine == other or other == was:
            row[column] = mine
        elif mine == was:
            row[column] = other
        elif column == "sha256":
            raise WorkbenchError(
                f"Story {nid!r} has different texts here ({ours.get('title', '')!r}) and on the remote "
                f"({theirs.get('title', '')!r}). Nothing was merged and both are kept; give one of them another "
                "id (import it again under a new id), then sync again.")
        else:
            raise WorkbenchError(
                f"Story {nid!r}: its {column!r} was changed on both sides, here to {mine!r} and on the remote to "
                f"{other!r}. Nothing was merged; agree on one value, set it with p.set_attributes(...) "
                "on this side, and sync again.")
    return row


def merge_narratives_csv(base: str | None, ours: str | None, theirs: str | None) -> pd.DataFrame:
    """Three versions of ``narratives.csv`` merged by story id: the common rows first, new rows by id.

    A row removed on one side (a withdrawal) stays removed; a cell changed on one side takes that
    change; a cell changed on both sides to different values raises :class:`WorkbenchError`.

    >>> base = "id,title,narrator,consent,sha256\\na,A,,given,1\\n"
    >>> merge_narratives_csv(base, base + "c,C,,given,3\\n", base + "b,B,,given,2\\n").id.tolist()
    ['a', 'b', 'c']
    """
    (cb, rb), (co, ro), (ct, rt) = csv_rows(base), csv_rows(ours), csv_rows(theirs)
    columns = list(dict.fromkeys([*CSV_CORE, *co, *ct, *cb]))
    rows = []
    for nid in [*rb, *sorted((set(ro) | set(rt)) - set(rb))]:
        mine, other, was = ro.get(nid), rt.get(nid), rb.get(nid)
        if was is not None and (mine is None or other is None):
            continue  # withdrawn (removed) on one side
        if mine is None or other is None:
            row = mine or other
            rows.append({c: row.get(c, "") for c in columns})
            continue
        rows.append(_merged_row(nid, was, mine, other, columns))
    return pd.DataFrame(rows, columns=columns).fillna("")


def write_merged_csv(folder: Path, base: str | None, ours: str | None, theirs: str | None) -> None:
    """Write the merge of the three versions of ``narratives.csv`` into *folder* (see :func:`merge_narratives_csv`).

    >>> write_merged_csv(Path("."), None, "id,title\\na,A\\n", "id,title\\nb,B\\n")
    >>> Path("narratives.csv").read_text().splitlines()[1:]
    ['a,A,,,', 'b,B,,,']
    """
    write_narratives_csv(folder / "narratives.csv", merge_narratives_csv(base, ours, theirs))


def withdrawn_keys(folder: Path) -> set[str]:
    """The one-way keys of every story withdrawn in *folder* (its merged ``events/withdrawals.jsonl``).

    >>> p.withdraw(nid, reason="asked"); len(withdrawn_keys(p.path))
    1
    """
    path = folder / "events" / "withdrawals.jsonl"
    return {r["key"] for r in parse_lines(path.read_bytes(), path) if r.get("key")} if path.exists() else set()


def purge_withdrawn(folder: Path, candidates: set[str], text_of: Callable[[str], str | None]) -> list[str]:
    """Purge from *folder* every story among *candidates* whose tombstone is there; the ids purged.

    *text_of* gives a story's text (from any side) so that codebook texts quoting them are
    blanked too, as :meth:`workbench.Project.withdraw` does.

    >>> from workbench.store.withdrawal import Withdrawals
    >>> Withdrawals(p.path).record(nid, "2026-05-01T00:00:00Z", "ana", "asked")  # a tombstone that came by git
    >>> purge_withdrawn(p.path, {nid, "night-shift"}, lambda n: None)
    ['kitchen-table']
    >>> (p.path / "narratives" / f"{nid}.txt").exists()
    False
    """
    keys = withdrawn_keys(folder)
    gone = {nid for nid in candidates if tombstone_key(nid) in keys}
    if not gone:
        return []
    for nid in sorted(gone):
        text = text_of(nid)
        purge_story_events(folder, nid, word_runs(text) if text else set())
        (folder / "narratives" / f"{nid}.txt").unlink(missing_ok=True)
        remove_files(folder, nid)  # its turns, times and recording leave with it
    columns, rows = csv_rows((folder / "narratives.csv").read_text(encoding="utf-8"))
    frame = pd.DataFrame([r for nid, r in rows.items() if nid not in gone], columns=columns or CSV_CORE)
    write_narratives_csv(folder / "narratives.csv", frame.fillna(""))
    return sorted(gone)
