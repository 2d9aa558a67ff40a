"""What of a project folder goes into git, and the two files that tell git how to merge it.

Only the files of the project format are ever committed (:data:`SHARED`): the stories, their
table, the event logs, the codebook view and the project's settings. Anything else a person keeps
in the folder (a pseudonym mapping, a private journal, notes, exports) stays out, and
``.gitignore`` lists the usual private places too.
"""

from __future__ import annotations

import getpass
import re
from pathlib import Path

from ..errors import WorkbenchError
from ..names import check_coder
from ..store.logs import atomic_write
from ._git import Git

#: The only paths the sync ever stages (git pathspecs, relative to the project folder).
SHARED = ("workbench.toml", "narratives.csv", "narratives", "events", "codebook.yaml", ".gitattributes",
          ".gitignore")
#: Lines ``.gitattributes`` must hold: logs merge as a union, derived files are rebuilt, never merged as text.
ATTRIBUTES = (
    "# Each line of an event log is independent: a union merge never loses an event.",
    "events/**/*.jsonl merge=union",
    "# Derived from the events: `workbench sync` rebuilds them after a merge, git keeps ours meanwhile.",
    "codebook.yaml merge=ours",
    "# Rows are merged by `workbench sync` (by story id), not line by line.",
    "narratives.csv -merge",
)
#: Lines ``.gitignore`` must hold: locks, caches, and places for private material.
IGNORED = (".locks/", ".workbench-cache/", ".*.tmp", "# private material never travels with the project:",
           "private/", "*.private.*", "*pseudonym*.csv", "journal*/", ".ipynb_checkpoints/",
           "# recordings: a voice names its speaker; share them by a route the narrators agreed to:", "media/")


def _with_lines(path: Path, lines: tuple[str, ...]) -> bool:
    """Add the missing *lines* at the end of *path* (kept as it is otherwise); True if it changed."""
    old = path.read_text(encoding="utf-8") if path.exists() else ""
    present = set(old.splitlines())
    missing = [line for line in lines if line not in present]
    if not missing:
        return False
    atomic_write(path, old + ("" if not old or old.endswith("\n") else "\n") + "\n".join(missing) + "\n")
    return True


def write_git_files(folder: Path) -> bool:
    """Make ``.gitattributes`` and ``.gitignore`` say how the project merges and what stays private.

    >>> write_git_files(Path(p.path)); "codebook.yaml merge=ours" in Path(p.path, ".gitattributes").read_text()
    True
    True
    """
    changed = _with_lines(folder / ".gitattributes", ATTRIBUTES)
    return _with_lines(folder / ".gitignore", IGNORED) or changed


def check_url(url: str) -> str:
    """*url* if it carries no password; a :class:`WorkbenchError` otherwise (git would store it in plain text).

    >>> check_url("git@example.org:team/stories.git")
    'git@example.org:team/stories.git'
    >>> check_url("https://ana:secret@example.org/team/stories.git")
    Traceback (most recent call last):
    ...
    workbench.errors.WorkbenchError: The address ... holds a password: ...
    """
    if not isinstance(url, str) or not url.strip():
        raise WorkbenchError("Give the address of the shared repository, e.g. git@host:team/stories.git, "
                             "https://host/team/stories.git or a folder on a shared drive.")
    if re.match(r"^[a-z][a-z0-9+.-]*://[^/@]*:[^/@]*@", url.strip(), re.IGNORECASE):
        shown = re.sub(r"//[^/@]*@", "//***@", url)
        raise WorkbenchError(f"The address {shown} holds a password: git would keep it in plain text in the "
                             "project's .git/config. Give the address without it and let git ask, or set up an "
                             "SSH key or your host's credential helper once.")
    return url.strip()


def ensure_identity(git: Git, coder: str | None) -> str | None:
    """Who commits: the person's git identity if set; else *coder* with a placeholder email, for this repository only.

    Returns a sentence saying so when a placeholder was set (``None`` when git already knew who).

    >>> _ = Git(Path(".")).run("init", "-q"); ensure_identity(Git(Path(".")), "ana") is None or True
    True
    """
    if git.config("user.name") and git.config("user.email"):
        return None
    name = git.config("user.name") or (check_coder(coder) if coder else getpass.getuser())
    email = git.config("user.email") or f"{re.sub(r'[^A-Za-z0-9._-]+', '-', name) or 'coder'}@workbench.invalid"
    git.run("config", "user.name", name, what="set who commits")
    git.run("config", "user.email", email, what="set who commits")
    return (f"git did not know who you are, so this project's commits are signed {name} <{email}> "
            "(for this folder only; `git config --global user.name/user.email` sets your own).")
