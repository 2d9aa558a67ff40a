"""A practice run: the sample project's coders join a workshop of sample stories and bring their work."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from ..project import Project, sample_project
from ._folder import WorkshopError
from ._people import admit


def rehearse(project: Project, folder: Path, facilitator: str) -> list[str]:
    """Let the sample's coders join the workshop in *folder* and copy in their work on its stories."""
    scratch = Path(tempfile.mkdtemp(prefix="workshop-rehearsal-"))
    try:
        sample = sample_project(copy_to=scratch / "sample")
        ids = list(project.narratives["id"])
        known = set(sample.narratives["id"])
        if any(nid not in known or sample.text(nid) != project.text(nid) for nid in ids):
            raise WorkshopError("Example participants can only join a workshop of sample stories "
                                "(start_workshop(stories=[...sample ids...])).")
        names = sorted(set(sample.codings()["coder"]))
        for name in names:
            admit(folder, facilitator, name)
            if not len(project.codings(coder=name)):  # not added before
                _copy_work(sample, project, name, ids)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return names


def _copy_work(sample: Project, project: Project, name: str, ids: list[str]) -> None:
    active = set(project.codebook.names)
    rows = sample.codings(coder=name, narrative=ids)
    rows = rows[rows["code"].isin(active)]
    project.code_many(rows[["narrative_id", "start", "end", "code", "note"]], coder=name)
    memos = sample.memos(coder=name)
    for memo in memos[memos["narrative_id"].isin(ids)].itertuples():
        project.memo(memo.text, coder=name, narrative=memo.narrative_id,
                     code=memo.code if isinstance(memo.code, str) and memo.code in active else None,
                     kind=memo.kind, title=memo.title if isinstance(memo.title, str) else None)
