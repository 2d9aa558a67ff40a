"""JupyterHub for a narrative workbench workshop: participants log in with their name and the session code.

Start it (docs/workshops.md says more; `make hub` installs JupyterHub and the proxy first)::

    WORKSHOP_CODE=tuesday-group-7 WORKSHOP_NAME="Tuesday workshop" \\
        .venv/bin/jupyterhub -f deploy/jupyterhub/jupyterhub_config.py

What this file sets up when the hub starts:

- the workshop group folder (``WORKBENCH_WORKSHOPS``, default ``<state>/workshops``): made if missing,
  closed to everyone but its group, setgid (``chmod 2770``), as docs/care.md asks; every server runs
  with umask 007, so codings, logs and locks are ``-rw-rw----``;
- the workshop itself, with the session code, its stories and the codebook (reopened if it exists);
- first-use accounts: any name + the session code logs in (JupyterHub's shared-password
  authenticator; the session code is the password). The facilitator logs in as ``facilitator``
  with the facilitator password (``WORKSHOP_FACILITATOR_PASSWORD``, else one made up and kept in
  ``<state>/facilitator-password``);
- every server runs the hub's Python (the workbench installed there) and opens on its own page:
  participants get ``workshop.ipynb`` (the participant notebook with their name and the code filled
  in), the facilitator ``facilitator.ipynb``; ``WORKBENCH_WORKSHOPS`` points every kernel to the folder.

Settings (environment variables, all optional but the code):

    WORKSHOP_CODE                  session code, 8-40 letters, digits and dashes (also the login password)
    WORKSHOP_NAME                  the workshop's name (default "Coding workshop")
    WORKSHOP_STORIES               comma-separated sample story ids, or a folder of your own stories
    WORKSHOP_FACILITATOR           the facilitator's login and coder name (default "facilitator")
    WORKSHOP_FACILITATOR_PASSWORD  32 characters or more
    WORKSHOP_GROUP                 the group that owns the workshop folder (default: the hub's own group;
                                   "jupyterhub-users" on The Littlest JupyterHub)
    WORKBENCH_HUB_DIR              the hub's state: database, cookie secret, homes (default ~/workbench-hub)
    WORKBENCH_WORKSHOPS            the workshop group folder (default <state>/workshops; on TLJH
                                   /srv/workbench-workshops)
    WORKBENCH_HUB_IP, WORKBENCH_HUB_PORT   where the hub listens (default 127.0.0.1 and 8000; it also
                                   takes the next two ports, for its API and the proxy's)
    WORKBENCH_CHP                  the configurable-http-proxy command (default: on PATH, else
                                   <venv>/proxy/node_modules/.bin/configurable-http-proxy as `make hub` installs it)
    WORKBENCH_HUB_SERVICE_TOKEN    only for automated checks (tests, benchmarks/bench_workshop_hub.py): a
                                   service allowed to start servers and kernels for everyone

On The Littlest JupyterHub, link this file into /opt/tljh/config/jupyterhub_config.d/ (docs/workshops.md):
there it sets only the workshop parts and leaves ports, proxy, spawner and users to TLJH.
"""

import grp
import os
import re
import secrets
import shutil
import subprocess
import sys
from pathlib import Path

c = get_config()  # noqa: F821 - JupyterHub provides it

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
TLJH = Path(__file__).parent.name == "jupyterhub_config.d"  # loaded by The Littlest JupyterHub as a piece
STATE = Path(os.environ.get("WORKBENCH_HUB_DIR") or ("/opt/tljh/state/workbench" if TLJH else "~/workbench-hub"))
STATE = STATE.expanduser().resolve()
NOTEBOOKS = Path(os.environ.get("WORKBENCH_WORKSHOP_NOTEBOOKS") or REPO / "notebooks" / "workshop")
# The servers' Python: TLJH's user environment, else the one running this hub (where the workbench is installed).
USER_BIN = Path("/opt/tljh/user/bin") if TLJH else Path(sys.executable).parent
# The servers' start script: where every user can run it (TLJH's users are system accounts).
WRAPPER = Path("/usr/local/bin/workbench-workshop-singleuser") if TLJH else STATE / "workshop-singleuser"


def _fail(message):
    sys.exit(f"deploy/jupyterhub/jupyterhub_config.py: {message}")


def _session_code():
    code = os.environ.get("WORKSHOP_CODE", "").strip().lower()
    if not code:
        _fail("set WORKSHOP_CODE to the session code, e.g. WORKSHOP_CODE=tuesday-group-7 "
              "(8-40 letters, digits and dashes; participants log in with it).")
    if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", code) or not 8 <= len(code) <= 40:
        _fail(f"WORKSHOP_CODE={code!r} cannot be a session code: use 8-40 letters, digits and dashes "
              "(e.g. tuesday-group-7).")
    return code


def _facilitator_password():
    given = os.environ.get("WORKSHOP_FACILITATOR_PASSWORD", "")
    if given:
        if len(given) < 32:
            _fail("WORKSHOP_FACILITATOR_PASSWORD must have 32 characters or more.")
        return given
    kept = STATE / "facilitator-password"
    if not kept.exists():
        fd = os.open(kept, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        os.write(fd, (secrets.token_urlsafe(32) + "\n").encode())
        os.close(fd)
    return kept.read_text().strip()


def _group_folder(root, group):
    """The workshops' folder: owned by *group*, setgid, closed to others (docs/care.md, "File permissions")."""
    root.mkdir(parents=True, exist_ok=True)
    if group:
        try:
            shutil.chown(root, group=group)
        except (LookupError, PermissionError) as exc:
            _fail(f"cannot give {root} to the group {group!r} ({exc}); create the group or set WORKSHOP_GROUP.")
    try:
        os.chmod(root, 0o2770)
    except PermissionError:
        _fail(f"cannot set the permissions of {root} (it belongs to another account); "
              "ask its owner, or set WORKBENCH_WORKSHOPS to a folder of yours.")


def _start_workshop(root, code, name, stories, facilitator, group):
    """The workshop, made (or reopened) by the workbench in a process of its own: the hub stays small."""
    script = (
        "import os, sys; os.umask(0o007)\n"
        "from workbench.workshop import start_workshop\n"
        "root, code, name, stories, facilitator = sys.argv[1:6]\n"
        "if stories and not os.path.isdir(stories):\n"
        "    stories = [s.strip() for s in stories.split(',') if s.strip()]\n"
        "ws = start_workshop(root, name=name, code=code, stories=stories or None, facilitator=facilitator,"
        " exist_ok=True)\n"
        "print(ws.invitation())\n")
    done = subprocess.run([str(USER_BIN / "python"), "-c", script, str(root), code, name, stories, facilitator],
                          capture_output=True, text=True)
    if done.returncode:
        said = (done.stderr.strip() or done.stdout.strip() or f"exit status {done.returncode}").splitlines()[-1]
        said = said.split(": ", 1)[-1] if said.startswith("workbench.") else said
        _fail(f"the workshop could not be started (check WORKSHOP_STORIES and WORKSHOP_NAME):\n{said}")
    # Files copied in keep their own modes whatever the umask: open them to the group, close them to others.
    for path in [root / code, *(root / code).rglob("*")]:
        if group:
            shutil.chown(path, group=group)
        mode = path.stat().st_mode & 0o7777
        wanted = (mode | 0o060 | (0o010 if path.is_dir() else 0)) & ~0o007
        os.chmod(path, wanted | (0o2000 if path.is_dir() else 0))
    print(done.stdout, flush=True)


def _proxy_command():
    given = os.environ.get("WORKBENCH_CHP") or shutil.which("configurable-http-proxy")
    if given:
        return [given]
    local = Path(sys.prefix) / "proxy" / "node_modules" / ".bin" / "configurable-http-proxy"
    if local.exists():
        return [str(local)]
    _fail("configurable-http-proxy was not found: `make hub` installs it, or run "
          f"`npm install --prefix {Path(sys.prefix) / 'proxy'} configurable-http-proxy` (or set WORKBENCH_CHP).")


def _wrapper():
    """The servers' command: umask 007, the workshop pages in the home folder, then the Jupyter server."""
    wrapper = WRAPPER
    wrapper.write_text(
        "#!/bin/sh\n# Written by deploy/jupyterhub/jupyterhub_config.py at each hub start.\numask 007\n"
        f'"{USER_BIN / "python"}" "{HERE / "workshop_pages.py"}" || '
        "echo 'workbench: the workshop pages could not be made' >&2\n"
        f'exec "{USER_BIN / "jupyterhub-singleuser"}" "$@"\n')
    wrapper.chmod(0o755)
    return str(wrapper)


STATE.mkdir(parents=True, exist_ok=True)
os.chmod(STATE, 0o700)  # the database, the cookie secret, the facilitator's password (and, locally, the homes)
CODE = _session_code()
NAME = os.environ.get("WORKSHOP_NAME", "").strip() or "Coding workshop"
FACILITATOR = os.environ.get("WORKSHOP_FACILITATOR", "").strip().lower() or "facilitator"
GROUP = os.environ.get("WORKSHOP_GROUP") or ("jupyterhub-users" if TLJH else "")
DEFAULT_ROOT = Path("/srv/workbench-workshops") if TLJH else STATE / "workshops"
ROOT = Path(os.environ.get("WORKBENCH_WORKSHOPS") or DEFAULT_ROOT).expanduser().resolve()
if TLJH and GROUP:
    try:
        grp.getgrnam(GROUP)
    except KeyError:
        subprocess.run(["groupadd", GROUP], check=True)  # TLJH makes it with the first user otherwise
_group_folder(ROOT, GROUP)
_start_workshop(ROOT, CODE, NAME, os.environ.get("WORKSHOP_STORIES", ""), FACILITATOR, GROUP)

# Accounts: any name with the session code; the facilitator (an admin) with a password of their own.
c.JupyterHub.authenticator_class = "shared-password"
c.SharedPasswordAuthenticator.user_password = CODE
c.SharedPasswordAuthenticator.admin_password = _facilitator_password()
c.Authenticator.admin_users = {FACILITATOR}
c.Authenticator.allow_all = True

# Every server: umask 007 and the pages (the wrapper), the workshop folder, and its own page to open.
c.Spawner.cmd = [_wrapper()]
c.Spawner.environment.update({
    "WORKBENCH_WORKSHOPS": str(ROOT),
    "WORKSHOP_CODE": CODE,
    "WORKSHOP_NAME": NAME,
    "WORKSHOP_FACILITATOR": FACILITATOR,
    "WORKBENCH_WORKSHOP_NOTEBOOKS": str(NOTEBOOKS),
})
c.Spawner.default_url = "/lab/tree/workshop.ipynb"
# Thirty servers starting at once on two cores take about a minute (the defaults, 30 s and 60 s, give up).
c.Spawner.http_timeout = 300
c.Spawner.start_timeout = 300

if not TLJH:
    c.JupyterHub.ip = os.environ.get("WORKBENCH_HUB_IP", "127.0.0.1")
    PORT = int(os.environ.get("WORKBENCH_HUB_PORT", "8000"))
    c.JupyterHub.port = PORT
    c.JupyterHub.hub_ip = "127.0.0.1"
    c.JupyterHub.hub_port = PORT + 1
    c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{PORT + 2}"
    c.ConfigurableHTTPProxy.command = _proxy_command()
    c.ConfigurableHTTPProxy.pid_file = str(STATE / "proxy.pid")
    c.JupyterHub.db_url = f"sqlite:///{STATE / 'jupyterhub.sqlite'}"
    c.JupyterHub.cookie_secret_file = str(STATE / "jupyterhub_cookie_secret")
    c.JupyterHub.pid_file = str(STATE / "jupyterhub.pid")
    # One machine, no system accounts: every server runs as the account that runs the hub, each with a
    # home of its own. There is no isolation between participants (see docs/workshops.md).
    c.JupyterHub.spawner_class = "simple"
    c.SimpleLocalProcessSpawner.home_dir_template = str(STATE / "homes" / "{username}")
    (STATE / "homes").mkdir(exist_ok=True)
    if os.getuid() == 0:
        c.Spawner.args = ["--allow-root"]

TOKEN = os.environ.get("WORKBENCH_HUB_SERVICE_TOKEN", "")
if TOKEN:
    c.JupyterHub.services = [{"name": "workshop-check", "api_token": TOKEN}]
    c.JupyterHub.load_roles = [{"name": "workshop-check", "services": ["workshop-check"], "scopes": [
        "admin:users", "admin:servers", "admin:server_state", "list:users", "access:servers"]}]
