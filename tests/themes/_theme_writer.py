"""A separate process that builds themes in a project: used by the two-coders-at-once test.

usage: python _theme_writer.py PROJECT CODER COUNT
Adds COUNT themes named '<coder> theme <i>', each gathering 'reciprocity' and moved to 'reviewed',
and one passage to a shared theme 'shared' named by the test; prints 'done' at the end.
"""

import sys

import workbench as wb

project_path, coder, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
p = wb.open_project(project_path)
nid = p.narratives.id[0]
for i in range(count):
    name = p.themes.add(f"{coder} theme {i}", codes=["reciprocity"], coder=coder)
    p.themes.set_phase(name, "reviewed", coder=coder, rationale=f"round {i}")
    p.themes.add_passages("shared", [(nid, i, i + 5)], coder=coder, note=f"{coder} {i}")
print("done", flush=True)
