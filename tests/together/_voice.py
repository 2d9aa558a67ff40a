"""A separate process, a coder of their own, acting on a project's codebook: used by the governance tests.

usage: python _voice.py PROJECT CODER ACTION [ARGS...]
  propose-rename OLD NEW REASON   prints the proposal id
  endorse PROPOSAL_ID TEXT        prints the proposal's status afterwards
  object PROPOSAL_ID TEXT
  memo TEXT [private]             prints the memo id
  reply MEMO_ID TEXT
"""

import sys

import workbench as wb

project_path, coder, action, *args = sys.argv[1:]
p = wb.open_project(project_path)
if action == "propose-rename":
    print(p.codebook.rename(args[0], args[1], rationale=args[2], coder=coder).proposal_id)
elif action == "endorse":
    print(p.codebook.endorse(args[0], coder, args[1]).status)
elif action == "object":
    print(p.codebook.object(args[0], coder, args[1]).status)
elif action == "memo":
    print(p.memo(args[0], coder=coder, private=len(args) > 1 and args[1] == "private"))
elif action == "reply":
    print(p.reply(args[0], args[1], coder=coder))
else:
    raise SystemExit(f"unknown action {action!r}")
