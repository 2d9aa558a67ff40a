"""``sync``, ``share``, ``clone`` and ``sync_status``: a project shared through git in three commands.

Each sync plans first (fetch, then: which stories clash, which were withdrawn elsewhere, what is
ahead and behind) and refuses with a clear error before it writes anything; then it commits your
own new events, merges the remote's, rebuilds what is derived, and pushes.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

from ..errors import WorkbenchError
from ..project import Project, open_project
from ..store.logs import atomic_write
from ._git import Git
from .changes import SyncResult, SyncStatus, events_between, sentence
from .layout import SHARED, check_url, ensure_identity, write_git_files
from .repo import Repo, keys_at, open_repo, story_ids, text_clashes, withdrawn_in_unsent
from .resolve import dedupe_log, purge_withdrawn, write_merged_csv

_EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"  # git's tree with nothing in it: the first commit's base
_ATTEMPTS = 3  # a push refused because someone pushed meanwhile: fetch, merge and try again


def _project(project: Project | str | os.PathLike) -> Project:
    return project if isinstance(project, Project) else open_project(project)


def _progress(enabled: bool, total: int) -> Any:
    from tqdm.auto import tqdm

    return tqdm(total=total, desc="sync", leave=False, disable=not enabled)


def _stage(repo: Repo) -> None:
    """Stage the project's own files as they are now (new, changed and deleted), and nothing else."""
    present = [path for path in SHARED if (repo.git.folder / path).exists()]
    gone = [path for path in SHARED if path not in present and repo.git.run("ls-files", "--", path).strip()]
    for paths in (present, gone):
        if paths:
            repo.git.run("add", "-A", "--", *paths, what="stage the project's files")


def _commit_own(repo: Repo, coder: str | None) -> dict:
    """Commit the project's files changed here; the events they add, per coder."""
    _stage(repo)
    if repo.git.ok("diff", "--cached", "--quiet"):
        return {}
    sent = events_between(repo.git, repo.head() or _EMPTY_TREE, cached=True)
    who = coder or repo.git.config("user.name") or "someone"
    repo.git.run("commit", "--quiet", "--no-verify", "-m", f"workbench sync: {who}'s work", what="commit your work")
    return sent


def _rebuild_codebook(repo: Repo, p: Project) -> None:
    """Take in the merged files and write ``codebook.yaml`` as the fold of the merged events; stage it."""
    p.refresh()
    wanted = p.codebook.to_yaml()
    path = p.path / "codebook.yaml"
    if not path.exists() or path.read_text(encoding="utf-8") != wanted:
        atomic_write(path, wanted)
    _stage(repo)


def _changed(repo: Repo, base: str, side: str) -> set[str]:
    """Event logs and ``narratives.csv`` changed from *base* to *side*."""
    return set(repo.git.run("diff", "--name-only", "--no-renames", base, side, "--", "events", "narratives.csv")
               .split())


def _resolve(repo: Repo, p: Project, base: str, ours: str) -> int:
    """Rebuild what a merge must not take as text; the number of stories purged (withdrawn elsewhere)."""
    folder = p.path
    unmerged = set(repo.git.run("diff", "--name-only", "--diff-filter=U").split())
    logs = {path for path in unmerged if path.startswith("events/") and path.endswith(".jsonl")}
    left = sorted(unmerged - logs - {"narratives.csv", "codebook.yaml"})
    if left:  # checked before anything is staged: staging would mark them merged, conflict markers and all
        raise WorkbenchError(f"These files were changed here and on {repo.remote} in ways that cannot be merged: "
                             f"{', '.join(left)}. Nothing was merged. Make them the same on both sides (or take "
                             f"the remote's: `git checkout {repo.remote}/{repo.branch} -- FILE` and commit), then "
                             "sync again.")
    for path in sorted(logs):  # a log git could not merge as a union (one side removed it): both sides' lines
        atomic_write(folder / path, (repo.show(":2", path) or "") + (repo.show(":3", path) or ""))
    both = _changed(repo, base, ours) & _changed(repo, base, repo.upstream)
    for path in sorted((both | logs) - {"narratives.csv"}):
        dedupe_log(folder / path)
    if "narratives.csv" in both:  # (changed on one side only, git took that side as it is)
        write_merged_csv(folder, repo.show(base, "narratives.csv"), repo.show(ours, "narratives.csv"),
                         repo.show(repo.upstream, "narratives.csv"))
    return _purge(repo, p, [base, ours, repo.upstream])


def _purge(repo: Repo, p: Project, refs: list[str | None]) -> int:
    """Purge every story withdrawn on either side from the folder, stage the result, rebuild the codebook view."""
    folder = p.path
    candidates = story_ids(repo, refs, folder)
    purged = purge_withdrawn(folder, candidates, lambda nid: next(
        (t for ref in refs if (t := repo.show(ref, f"narratives/{nid}.txt"))), None))
    _stage(repo)
    _rebuild_codebook(repo, p)
    return len(purged)


def _merge(repo: Repo, p: Project) -> int:
    """Merge the remote branch into the folder; the number of stories purged (withdrawn elsewhere)."""
    folder = p.path
    ours, base = repo.head(), repo.merge_base()
    if ours is None:
        repo.git.run("reset", "--quiet", repo.upstream, what="take in the remote's project")
        repo.git.run("checkout", "--quiet", "--", ".", what="take in the remote's project")
        return 0
    if base is None:
        raise WorkbenchError(f"{folder} and {repo.remote} hold two different projects (no shared history). "
                             f"Clone the shared one with `workbench clone URL` and work there.")
    if base == ours:
        repo.git.run("merge", "--quiet", "--ff-only", repo.upstream, what="take in the remote's work")
        _rebuild_codebook(repo, p)  # the same fold as on the remote: committed only if it differs
        if not repo.git.ok("diff", "--cached", "--quiet"):
            repo.git.run("commit", "--quiet", "--no-verify", "-m", "workbench sync: codebook.yaml rebuilt")
        return 0
    repo.git.call("merge", "--quiet", "--no-commit", "--no-ff", "--no-verify", repo.upstream)
    try:
        purged = _resolve(repo, p, base, ours)
    except BaseException:
        repo.git.call("merge", "--abort")
        raise
    repo.git.run("commit", "--quiet", "--no-verify", "-m", f"workbench sync: merge {repo.remote}/{repo.branch}",
                 what="record the merge")
    return purged


def _rebuild_unsent(repo: Repo, folder: Path, published: bool) -> bool:
    """Replace unsent commits that carry a withdrawn story by one commit of the same files: True if done.

    The folder's files are already without the story; only git's history of your unsent commits
    still holds it, and that history must not reach the remote.
    """
    keys = keys_at(repo, repo.head()) | (keys_at(repo, repo.upstream) if published else set())
    since = repo.upstream if published else None
    if not withdrawn_in_unsent(repo, keys, since):
        return False
    tree = repo.git.run("rev-parse", "HEAD^{tree}").strip()
    parents = ["-p", repo.upstream] if published else []
    commit = repo.git.run("commit-tree", tree, *parents, "-m",
                          "workbench sync: your work, without the stories withdrawn meanwhile").strip()
    repo.git.run("update-ref", "-m", "workbench sync", "HEAD", commit)
    if withdrawn_in_unsent(repo, keys, since):  # the rebuilt commit must be clean, or nothing is sent
        raise WorkbenchError("Not sent: your work still carries a story withdrawn elsewhere; nothing was pushed.")
    return True


def _push(repo: Repo, published: bool) -> bool:
    """Push the branch; False when the remote moved meanwhile (fetch and merge again)."""
    done = repo.git.call("push", "--quiet", "--no-verify", *([] if published else ["-u"]), repo.remote,
                         f"HEAD:refs/heads/{repo.branch}")
    if done.returncode == 0:
        if not published:
            repo.git.call("branch", "--quiet", f"--set-upstream-to={repo.remote}/{repo.branch}")
        return True
    if any(word in done.stderr for word in ("rejected", "fetch first", "non-fast-forward")):
        return False
    repo.git.run("push", repo.remote, f"HEAD:refs/heads/{repo.branch}", what=f"send your work to {repo.remote}")
    return True


def _round(repo: Repo, p: Project, coder: str | None, push: bool, bar: Any) -> tuple[dict, dict, int, bool, bool]:
    """One fetch, commit, merge, push: (sent, received, purged, rebuilt, pushed); pushed None if the remote moved."""
    folder = p.path
    published = repo.fetch()
    bar.update(1)
    base = repo.merge_base() if published and repo.head() else None
    clashes = text_clashes(repo, base, folder) if published else []
    if clashes:
        raise WorkbenchError("Nothing was synced: " + "; ".join(clashes) + ". Both texts are kept. Agree which "
                             "is the story; import the other under another id on one side, then sync again.")
    sent = _commit_own(repo, coder)
    bar.update(1)
    before, purged = repo.head(), 0
    if published and repo.counts()[1]:
        purged = _merge(repo, p)
    rebuilt = _rebuild_unsent(repo, folder, published)
    received = events_between(repo.git, before, "HEAD") if before and before != repo.head() else {}
    bar.update(1)
    pushed = False
    if push and (not published or repo.counts()[0]):
        pushed = _push(repo, published) or None
    elif push:
        pushed = True
    bar.update(1)
    return sent, received, purged, rebuilt, pushed


def sync(project: Project | str | os.PathLike, coder: str | None = None, push: bool = True,
         progress: bool = True) -> SyncResult:
    """Commit your new events, take in the others', rebuild the derived files, and send yours to the remote.

    *coder* signs the commits when git does not know who you are (for this folder only). Refuses,
    before writing anything, when a story has another text on the remote; never sends a story
    that was withdrawn elsewhere. Returns a :class:`SyncResult`: ``print(result)`` says what happened.

    >>> remote = wb.sync.share(p, "shared.git", coder="ana", progress=False)
    >>> other = wb.sync.clone("shared.git", "other-copy", progress=False)
    >>> _ = other.code(nid, 0, 20, "reciprocity", coder="ben")
    >>> print(wb.sync.sync(other, coder="ben", progress=False))
    Nothing new from the others; yours are on the remote (1 new coding from ben).
    >>> print(wb.sync.sync(p, coder="ana", progress=False))
    1 new coding from ben; the remote has all of yours.
    """
    started = time.perf_counter()
    p = _project(project)
    repo = open_repo(p.path)
    if repo.has("MERGE_HEAD"):
        raise WorkbenchError(f"A git merge started by hand is still open in {p.path}. Finish it (`git commit`) or "
                             "undo it (`git merge --abort`), then sync: the sync merges stories and logs itself.")
    notes = [note for note in [ensure_identity(repo.git, coder)] if note]
    write_git_files(p.path)
    total = SyncResult(sentence="")
    with _progress(progress, 4) as bar:
        for _attempt in range(_ATTEMPTS):
            bar.reset()
            sent, received, purged, rebuilt, pushed = _round(repo, p, coder, push, bar)
            _add(total.sent, sent)
            _add(total.received, received)
            total.purged += purged
            total.rebuilt_own_commits |= rebuilt
            if pushed is not None:
                break
        else:
            raise WorkbenchError(f"{repo.remote} kept moving while this sync ran ({_ATTEMPTS} tries); your work is "
                                 "committed here. Sync again in a moment.")
    p.refresh()
    total.pushed = bool(pushed)
    total.sentence = sentence(total.received, total.sent, total.pushed, total.purged)
    if rebuilt:
        notes.append("Your unsent commits carried a story withdrawn meanwhile: they were rebuilt as one "
                     "commit without it, so it never reaches the remote.")
    total.notes, total.seconds = notes, time.perf_counter() - started
    return total


def _add(into: dict, counts: dict) -> None:
    for coder, counter in counts.items():
        into.setdefault(coder, type(counter)()).update(counter)


def sync_status(project: Project | str | os.PathLike, fetch: bool = True) -> SyncStatus:
    """What is ahead, behind or not yet committed, against the remote (fetching first unless *fetch* is False).

    >>> _ = wb.sync.share(p, "shared.git", coder="ana", progress=False)
    >>> print(wb.sync.sync_status(p))
    origin/main: in sync.
    """
    folder = project.path if isinstance(project, Project) else Path(project)
    return open_repo(folder).status(fetch=fetch)


def share(project: Project | str | os.PathLike, url: str, coder: str | None = None, remote: str = "origin",
          progress: bool = True) -> SyncResult:
    """Make the project a git repository with *url* as its remote (an empty repository) and send it there.

    *url* is any address git takes: ``git@host:team/stories.git``, ``https://host/team/stories.git``,
    or a folder (a bare repository on a shared drive, created here if it does not exist yet).

    >>> print(wb.sync.share(p, "shared.git", coder="ana", progress=False))
    Nothing new from the others; yours are on the remote (...).
    """
    p = _project(project)
    url = check_url(url)
    git = Git(p.path)
    local = Path(url).expanduser()
    if "://" not in url and ":" not in url.split("/")[0]:  # a folder: a bare repository on a shared drive
        if not local.exists():
            local.mkdir(parents=True)
            Git(local).run("init", "--quiet", "--bare", "--initial-branch=main", what="create the shared repository")
        url = str(local.resolve())
    inside = git.call("rev-parse", "--show-toplevel")
    if inside.returncode != 0 or Path(inside.stdout.strip()).resolve() != p.path:
        git.run("init", "--quiet", "--initial-branch=main", what="make the project a git repository")
    if remote in git.run("remote").split():
        raise WorkbenchError(f"{p.path} already has a remote {remote!r} "
                             f"({git.config(f'remote.{remote}.url')}); sync with `workbench sync`.")
    git.run("remote", "add", remote, url, what="add the remote")
    repo = open_repo(p.path)
    if repo.fetch():
        git.run("remote", "remove", remote)
        raise WorkbenchError(f"{url} already holds a project: clone it with `workbench clone {url}` instead, "
                             "and work in that copy.")
    return sync(p, coder=coder, progress=progress)


def clone(url: str, folder: str | os.PathLike | None = None, progress: bool = True) -> Project:
    """Copy a shared project from *url* into *folder* (default: the repository's name) and open it.

    >>> _ = wb.sync.share(p, "shared.git", coder="ana", progress=False)
    >>> wb.sync.clone("shared.git", "my-copy", progress=False).name == p.name
    True
    """
    url = check_url(url)
    target = Path(folder) if folder is not None else Path(Path(url.rstrip("/")).name.removesuffix(".git"))
    if target.exists() and any(target.iterdir()):
        raise WorkbenchError(f"{target} already exists and is not empty: give another folder for the copy.")
    with _progress(progress, 1) as bar:
        Git(Path.cwd()).run("clone", "--quiet", url, str(target), what=f"copy {url}")
        bar.update(1)
    p = open_project(target)
    write_git_files(p.path)
    return p
