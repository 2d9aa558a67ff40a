"""A project folder as a git working tree: its remote, where it stands, and questions about two sides.

Planning only: nothing here changes the folder or the repository (a ``git fetch`` updates the
remote-tracking refs, which is git's own bookkeeping, never the person's files or branches).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ..consent import tombstone_key
from ..errors import WorkbenchError
from ..store.logs import parse_lines
from ._git import Git
from .changes import SyncStatus
from .layout import SHARED
from .resolve import csv_rows

_NARRATIVE = re.compile(r'"narrative":"((?:[^"\\]|\\.)*)"')


@dataclass
class Repo:
    """A project's git working tree and the remote branch it syncs with.

    >>> _ = wb.sync.share(p, "shared.git", coder="ana", progress=False)
    >>> repo = open_repo(p.path); repo.upstream, repo.counts()
    ('refs/remotes/origin/main', (0, 0))
    """

    git: Git
    remote: str
    branch: str

    @property
    def upstream(self) -> str:
        """The remote-tracking ref of the branch (``refs/remotes/origin/main``)."""
        return f"refs/remotes/{self.remote}/{self.branch}"

    def has(self, ref: str) -> bool:
        """True when *ref* names a commit here."""
        return self.git.ok("rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")

    def head(self) -> str | None:
        """The current commit, or ``None`` in a repository with no commit yet."""
        return self.git.run("rev-parse", "HEAD").strip() if self.has("HEAD") else None

    def show(self, ref: str | None, path: str) -> str | None:
        """The text of *path* at commit *ref*, or ``None`` where it is not there."""
        if not ref:
            return None
        done = self.git.call("show", f"{ref}:{path}")
        return done.stdout if done.returncode == 0 else None

    def fetch(self) -> bool:
        """Fetch the remote; True when it has the branch."""
        self.git.run("fetch", "--quiet", "--prune", self.remote, what=f"fetch from {self.remote}")
        return self.has(self.upstream)

    def unsynced(self) -> list[str]:
        """Project files changed here and not committed yet."""
        out = self.git.run("status", "--porcelain", "--untracked-files=all", "-z", "--", *SHARED)
        return sorted({entry[3:] for entry in out.split("\0") if len(entry) > 3})

    def counts(self) -> tuple[int, int]:
        """Commits (ahead, behind) of the remote branch."""
        if not self.has("HEAD"):
            return 0, int(self.git.run("rev-list", "--count", self.upstream).strip())
        out = self.git.run("rev-list", "--left-right", "--count", f"HEAD...{self.upstream}").split()
        return int(out[0]), int(out[1])

    def status(self, fetch: bool = True) -> SyncStatus:
        """Where the project stands against its remote (fetching first unless told not to)."""
        published = self.fetch() if fetch else self.has(self.upstream)
        ahead, behind = self.counts() if published else (0, 0)
        return SyncStatus(self.remote, self.branch, ahead, behind, self.unsynced(), published)

    def merge_base(self) -> str | None:
        """The last commit both sides share, or ``None``."""
        done = self.git.call("merge-base", "HEAD", self.upstream)
        return done.stdout.strip() or None if done.returncode == 0 else None


def open_repo(folder: Path) -> Repo:
    """The repository of the project *folder* and its remote, or an error saying how to share it first.

    >>> open_repo(p.path)
    Traceback (most recent call last):
    ...
    workbench.errors.WorkbenchError: ... is not shared through git yet. ...
    """
    git = Git(folder)
    done = git.call("rev-parse", "--show-toplevel")
    if done.returncode != 0:
        raise WorkbenchError(f"{folder} is not shared through git yet. Share it once with "
                             "`workbench share URL` (or wb.sync.share(p, url)), or clone a shared one.")
    if Path(done.stdout.strip()).resolve() != Path(folder).resolve():
        raise WorkbenchError(f"{folder} sits inside the git repository {done.stdout.strip()}; the workbench syncs "
                             "a project that is a repository of its own. Share it with `workbench share URL`.")
    branch = git.run("symbolic-ref", "--short", "HEAD", what="find the current branch").strip()
    tracked = git.call("rev-parse", "--abbrev-ref", "--symbolic-full-name", "@{u}").stdout.strip()
    if "/" in tracked:
        remote, _, upstream_branch = tracked.partition("/")
        return Repo(git, remote, upstream_branch)
    remotes = git.run("remote").split()
    if not remotes:
        raise WorkbenchError(f"{folder} has no remote to sync with. Add one with `workbench share URL`.")
    return Repo(git, "origin" if "origin" in remotes else remotes[0], branch)


def story_ids(repo: Repo, refs: list[str | None], folder: Path) -> set[str]:
    """Every story id in ``narratives.csv`` at any of *refs* and in the folder now.

    >>> _ = wb.sync.share(p, "shared.git", coder="ana", progress=False)
    >>> "kitchen-table" in story_ids(open_repo(p.path), ["HEAD"], p.path)
    True
    """
    ids: set[str] = set()
    for text in [repo.show(ref, "narratives.csv") for ref in refs]:
        ids |= set(csv_rows(text)[1])
    current = folder / "narratives.csv"
    if current.exists():
        ids |= set(csv_rows(current.read_text(encoding="utf-8"))[1])
    ids |= {p.stem for p in (folder / "narratives").glob("*.txt")}
    return ids


def keys_at(repo: Repo, ref: str | None) -> set[str]:
    """The withdrawal keys at commit *ref*.

    >>> p.withdraw(nid, reason="asked"); _ = wb.sync.share(p, "shared.git", coder="ana", progress=False)
    >>> len(keys_at(open_repo(p.path), "HEAD"))
    1
    """
    text = repo.show(ref, "events/withdrawals.jsonl") or ""
    return {r["key"] for r in parse_lines(text.encode("utf-8"), Path("withdrawals.jsonl")) if r.get("key")}


def text_clashes(repo: Repo, base: str | None, folder: Path) -> list[str]:
    """Story texts added on the remote since *base* whose id has another text here: a clear error each.

    >>> _ = wb.sync.share(p, "shared.git", coder="ana", progress=False)
    >>> text_clashes(open_repo(p.path), None, p.path)
    []
    """
    args = ["diff", "--name-only", "--no-renames", "--diff-filter=AM", *([base] if base else []), repo.upstream,
            "--", "narratives"]
    if base is None:
        args = ["ls-tree", "-r", "--name-only", repo.upstream, "--", "narratives"]
    clashes = []
    for path in repo.git.run(*args).split():
        mine = folder / path
        if not mine.is_file():
            continue
        here = repo.git.run("hash-object", "--", path).strip()
        there = repo.git.run("rev-parse", f"{repo.upstream}:{path}").strip()
        if here != there:
            nid = Path(path).stem
            title_here = csv_rows(_read(folder / "narratives.csv"))[1].get(nid, {}).get("title", "")
            title_there = csv_rows(repo.show(repo.upstream, "narratives.csv"))[1].get(nid, {}).get("title", "")
            clashes.append(f"story {nid!r} here ({title_here!r}, {mine}) and on {repo.remote} "
                           f"({title_there!r}, {repo.upstream.split('/', 2)[-1]}:{path}) have different texts")
    return clashes


def _read(path: Path) -> str | None:
    return path.read_text(encoding="utf-8") if path.exists() else None


def withdrawn_in_unsent(repo: Repo, keys: set[str], since: str | None) -> set[str]:
    """Stories withdrawn (their *keys*) that the commits from *since* to ``HEAD``, not yet sent, add anything about.

    >>> from workbench.consent import tombstone_key
    >>> _ = wb.sync.share(p, "shared.git", coder="ana", progress=False)
    >>> withdrawn_in_unsent(open_repo(p.path), {tombstone_key(nid)}, None)  # the first commit holds it
    {'kitchen-table'}
    """
    if not keys or not repo.has("HEAD"):
        return set()
    rev = f"{since}..HEAD" if since else "HEAD"
    text = repo.git.run("log", "-p", "--no-color", "--no-renames", "--format=", rev, "--", "narratives",
                        "narratives.csv", "events")
    added = [line for line in text.splitlines() if line.startswith("+")]
    mentioned = set()
    for line in added:
        if line.startswith("+++ b/narratives/") and line.endswith(".txt"):
            mentioned.add(line[len("+++ b/narratives/"):-len(".txt")])
        elif line.startswith("+{"):
            mentioned.update(_NARRATIVE.findall(line))
        elif "," in line and not line.startswith("+++"):
            mentioned.add(line[1:].split(",", 1)[0])  # a row of narratives.csv
    return {nid for nid in mentioned if tombstone_key(nid) in keys}
