"""Put the workshop's page in a hub user's home folder; run by each server's start script, as that user.

A participant gets ``workshop.ipynb``: the participant notebook with their name and the session code
filled in. The facilitator gets ``workshop.ipynb`` made from the facilitator notebook (code, name and
facilitator filled in) and ``participant.ipynb`` beside it. A page that exists is kept as it is: it
holds the person's work. The settings come from the environment the hub gives every server
(deploy/jupyterhub/jupyterhub_config.py).
"""

import os
import shutil
from pathlib import Path

from workbench.learning import personal_pages


def main() -> None:
    """Make the page of ``JUPYTERHUB_USER`` in the current folder (the user's home) unless it is there."""
    user, code = os.environ["JUPYTERHUB_USER"], os.environ["WORKSHOP_CODE"]
    notebooks = Path(os.environ["WORKBENCH_WORKSHOP_NOTEBOOKS"])
    home = Path.home()
    if user == os.environ.get("WORKSHOP_FACILITATOR", "facilitator"):
        settings = {"CODE": code, "NAME": os.environ.get("WORKSHOP_NAME", "Coding workshop"), "FACILITATOR": user}
        personal_pages(notebooks / "facilitator.ipynb", ["workshop"], home, settings)
        if not (home / "participant.ipynb").exists():
            shutil.copyfile(notebooks / "participant.ipynb", home / "participant.ipynb")
    else:
        personal_pages(notebooks / "participant.ipynb", ["workshop"], home, {"CODE": code, "NAME": user})


if __name__ == "__main__":
    main()
