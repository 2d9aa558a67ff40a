"""The ``git`` command, run for a project folder: every call the sync makes goes through :class:`Git`.

Why the ``git`` command and not a library (pygit2, dulwich): it is already on every machine that
can share a project through git, it adds no dependency to the workbench, and it uses the person's
own setup as it is: their credential helper, SSH keys and agent, proxy, ``user.name`` and
``user.email``. The workbench stores no credentials of its own.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from ..errors import WorkbenchError

#: Lines that mean "the remote asked for a password and none could be given".
_AUTH_HINTS = ("Authentication failed", "could not read Username", "Permission denied", "terminal prompts disabled")


class GitError(WorkbenchError):
    """A git command failed; the message says which, what git said, and what to do."""


def git_path() -> str:
    """The ``git`` executable, or a :class:`GitError` saying how to install it.

    >>> git_path().endswith("git")
    True
    """
    found = shutil.which("git")
    if found is None:
        raise GitError("Sharing a project needs git, and there is none on this computer. Install it "
                       "(https://git-scm.com/downloads, or `sudo apt-get install git`) and try again.")
    return found


class Git:
    """``git`` run in one folder; :meth:`run` returns stdout, or raises :class:`GitError` with git's own words.

    >>> Git(Path(".")).run("--version").startswith("git version")
    True
    """

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self.exe = git_path()
        self._base_env: dict[str, str] | None = None

    def _env(self) -> dict[str, str]:
        if self._base_env is not None:
            return self._base_env
        env = dict(os.environ)
        env["LC_ALL"] = env["LANGUAGE"] = "C"  # messages the sync reads are git's English ones
        if not sys.stdin or not sys.stdin.isatty():  # in a notebook a password prompt would hang the kernel
            env["GIT_TERMINAL_PROMPT"] = "0"
            own_ssh = "GIT_SSH_COMMAND" in env or "GIT_SSH" in env or subprocess.run(
                [self.exe, "config", "--get", "core.sshCommand"], cwd=self.folder, capture_output=True,
                env=env, check=False).stdout.strip()
            if not own_ssh:  # the person's own ssh setting wins; otherwise ssh may not ask either
                env["GIT_SSH_COMMAND"] = "ssh -o BatchMode=yes"
        self._base_env = env
        return env

    def call(self, *args: str, input: str | None = None) -> subprocess.CompletedProcess:
        """Run ``git *args`` and return the completed process, whatever its exit status."""
        # paths come back as they are (not C-quoted), whatever characters a story id holds
        return subprocess.run([self.exe, "-c", "core.quotePath=false", *args], cwd=self.folder, input=input,
                              capture_output=True, text=True, encoding="utf-8", errors="replace", env=self._env(),
                              check=False)

    def run(self, *args: str, input: str | None = None, what: str | None = None) -> str:
        """Run ``git *args``; its stdout, or a :class:`GitError` naming *what* was being done."""
        done = self.call(*args, input=input)
        if done.returncode != 0:
            said = (done.stderr or done.stdout).strip()
            hint = ""
            if any(h in said for h in _AUTH_HINTS):
                hint = (" The remote asked who you are: set up your git access to it once (an SSH key, or "
                        "a credential helper such as `git config --global credential.helper store` or your "
                        "host's app), then try again. The workbench never stores passwords.")
            raise GitError(f"git could not {what or ' '.join(args[:2])} in {self.folder}: {said}{hint}")
        return done.stdout

    def raw(self, *args: str, what: str | None = None) -> bytes:
        """Run ``git *args``; its stdout as bytes (big outputs are counted, not decoded), or a :class:`GitError`."""
        done = subprocess.run([self.exe, "-c", "core.quotePath=false", *args], cwd=self.folder, capture_output=True,
                              env=self._env(), check=False)
        if done.returncode != 0:
            said = done.stderr.decode("utf-8", "replace").strip()
            raise GitError(f"git could not {what or ' '.join(args[:2])} in {self.folder}: {said}")
        return done.stdout

    def ok(self, *args: str) -> bool:
        """True when ``git *args`` succeeds (a question, not a change)."""
        return self.call(*args).returncode == 0

    def config(self, key: str) -> str:
        """The value git would use for *key* here (global, system or this repository's), or ``""``."""
        done = self.call("config", "--get", key)
        return done.stdout.strip() if done.returncode == 0 else ""
