"""A separate process that codes a project: used by the concurrency and crash tests.

usage: python _writer.py PROJECT CODER COUNT ACK_FILE_OR_DASH
Each acknowledged coding id is printed (or appended to ACK file) only after code() returned.
"""

import sys

import workbench as wb

project_path, coder, count, ack = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
p = wb.open_project(project_path)
nid = p.narratives.id[0]
length = len(p.text(nid))
out = sys.stdout if ack == "-" else open(ack, "w", encoding="utf-8")
print("ready", flush=True) if ack != "-" else None
for i in range(count):
    start = i % (length - 5)
    cid = p.code(nid, start, start + 5, "reciprocity", coder=coder)
    out.write(cid + "\n")
    out.flush()
