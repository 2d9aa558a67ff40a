"""Run a coding workshop: a facilitator starts a shared project, participants join it with a short code.

>>> from workbench.workshop import start_workshop, join_workshop
>>> ws = start_workshop("workshops", name="Tuesday workshop", code="kettle-garden-42",
...                     stories=["kitchen-table", "two-chairs"])    # two of the sample stories
>>> print(ws.invitation())     # the session code and the shared folder, to write on the board
Workshop: Tuesday workshop
Session code: kettle-garden-42
...
>>> p, me = join_workshop("kettle-garden-42", name="Sam", root="workshops")  # each participant
>>> cid = p.code("kitchen-table", 0, 40, "not problem-centred", coder=me)
>>> ws.progress()[["codings", "stories"]]    # who coded how much
             codings  stories
participant
Sam                1        1
>>> len(ws.differences())      # where readings differ: material for the dialogue (two readers needed)
0

**The shared root.** Workshops live in one folder that every participant's notebook can reach:
on a JupyterHub, a group folder such as ``/srv/shared/workshops`` (see docs/care.md, "File
permissions": a setgid group folder and umask ``007``). The facilitator tells participants the
code and, unless the server sets it for them, that folder: ``ws.invitation()`` writes both out.
A server administrator can set the environment variable ``WORKBENCH_WORKSHOPS`` to the folder
for everyone; then participants need only the code and their name.

Each workshop is a folder named by its code::

    <root>/<code>/workshop.toml        name, code, facilitator, when it started
    <root>/<code>/joined/<name>.toml   one small file per participant, written when they join
    <root>/<code>/round.toml           revealed = true once the facilitator opened the comparison
    <root>/<code>/project/             the workbench project everyone codes (docs/project-format.md)

Every participant codes under their own name in the same project, so nothing anyone does
overwrites anyone else's work, and the facilitator sees it all as it happens.

**The blind round.** A workshop starts blind: a participant's coding widget shows only their own
codings and memos, whatever view their notebook asks for (so Run All Cells reveals nobody), and
its view menu cannot switch to the others. The facilitator opens the comparison for everyone
with ``ws.reveal()`` (or the button ``ws.reveal_button()``), recorded in ``<root>/<code>/round.toml``;
participants' widgets then switch by themselves to the view their notebook asked for::

    >>> ws.revealed
    False
    >>> ws.reveal()
    True
"""

from __future__ import annotations

from ._folder import GENERATED_CODE, ROOT_VARIABLE, WorkshopError
from ._practice import practice_root
from ._quote import code_quote
from ._round import blind_round, round_file
from ._start import join_workshop, open_workshop, start_workshop
from ._workshop import Workshop
from .elicitation import Elicitation, dealt_rounds, open_elicitation, pick_excerpts

__all__ = ["Workshop", "WorkshopError", "start_workshop", "open_workshop", "join_workshop", "code_quote",
           "blind_round", "round_file", "practice_root", "ROOT_VARIABLE", "GENERATED_CODE",
           "Elicitation", "open_elicitation", "pick_excerpts", "dealt_rounds"]
