"""The app as a page without code: ``workbench app PROJECT --coder NAME [--port N]`` serves it with Voilà.

>>> command = page_command("my-project", port=8866, token="t0k")
>>> command[1:4], "--Voila.ip=127.0.0.1" in command
(['-m', 'voila', '.../app_page.ipynb'], True)

The page is ``app_page.ipynb`` beside this file: one code cell, hidden by Voilà, that opens the project
named by ``WB_PROJECT`` for the coder in ``WB_CODER`` (or ``?coder=`` in the page's address) and shows
:func:`~workbench.app`. The project's path never comes from the address. Voilà binds to 127.0.0.1
unless told otherwise, asks for a token, and shuts a page's kernel down when the page closes.
"""

from __future__ import annotations

import importlib.util
import os
import secrets
import subprocess
import sys
from pathlib import Path

from ..errors import WorkbenchError
from ..names import check_coder
from ..project import open_project

__all__ = ["page_command", "serve_app", "PAGE"]

#: The notebook Voilà serves.
PAGE = Path(__file__).with_name("app_page.ipynb")


def page_command(project: str | os.PathLike, port: int = 8866, token: str = "", ip: str = "127.0.0.1") -> list[str]:
    """The command line that serves the app page for *project* (see :func:`serve_app`).

    >>> page_command("my-project", token="")[-1]
    '--token='
    """
    return [sys.executable, "-m", "voila", str(PAGE), f"--port={int(port)}", "--no-browser", f"--Voila.ip={ip}",
            # voila 0.5's kernel shutdown on closing the page fails its xsrf check (issue #1458): kernels pile up
            "--Voila.tornado_settings=disable_check_xsrf=True", f"--token={token}"]


def serve_app(project: str | os.PathLike, coder: str, port: int = 8866, ip: str = "127.0.0.1",
              token: str | None = None) -> int:  # pragma: no cover - runs until stopped; tested as a process
    """Serve the app for *coder* on *project* at http://IP:PORT/ until Ctrl+C; returns Voilà's exit status.

    >>> serve_app("no-such-project", coder="ana")
    Traceback (most recent call last):
    ...
    workbench.errors.NotAProjectError: ...no-such-project (it does not exist) is not a workbench project: ...
    """
    path = open_project(project).path
    check_coder(coder)
    if importlib.util.find_spec("voila") is None or importlib.util.find_spec("ipykernel") is None:
        raise WorkbenchError("The app page needs Voilà and ipykernel: pip install 'narrative-workbench[app]'.")
    token = secrets.token_urlsafe(16) if token is None else token
    query = f"?token={token}" if token else ""
    print(f"The workbench app for {coder} on {path.name}: http://{ip}:{port}/{query}\n"
          "(only this computer can open it; Ctrl+C stops it)", flush=True)
    env = {**os.environ, "WB_PROJECT": str(path), "WB_CODER": coder}
    try:
        return subprocess.call(page_command(path, port=port, token=token, ip=ip), env=env)
    except KeyboardInterrupt:
        return 0
