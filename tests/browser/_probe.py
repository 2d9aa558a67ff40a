"""A small project that probes offsets and injection: emoji, non-Latin scripts, HTML-looking text."""

from __future__ import annotations

from pathlib import Path

import workbench as wb

SCRIPTS = (
    "I felt 😀 joy when we met at the kitchen table.\n"
    "\n"
    "Привет, друзья: мы шли вместе. 私たちは一緒に歩いた。 Η ομάδα με άκουσε.\n"
    "\n"
    "The 👩🏽‍🤝‍👩🏻 walk home was quiet and good, 🌱 like something growing.\n"
)
XSS_TITLE = '<img src=x onerror="window.__xss=1">'
XSS_TEXT = (
    '<script>window.__xss=2</script> is what she typed, and <img src=x onerror="window.__xss=3"> too.\n'
    "\n"
    "We laughed about it & kept going: <b>bold</b> isn't bold here.\n"
)
XSS_ATTR = "<b onmouseover=window.__xss=4>hover</b>"
XSS_CODE = "<img src=x onerror=window.__xss=5>"
XSS_CODER = "<img src=x onerror=window.__xss=6>"
XSS_NOTE = "<script>window.__xss=7</script><img src=x onerror=window.__xss=8>"
XSS_MEMO = "<iframe srcdoc='<script>parent.__xss=9</script>'></iframe>"
KITCHEN = (
    "When I first came to the group I thought I had to explain my diagnosis.\n"
    "\n"
    "Nobody asked. We talked about gardens, and about my sister. That was a relief.\n"
    "\n"
    "Later I was the one making tea for someone new, and I did not ask either.\n"
)


def build_probe_project(path: Path) -> wb.Project:
    """Three narratives, four codes (one named like HTML), codings by ben and by an HTML-named coder."""
    p = wb.create_project(path, name="Probe project")
    p.codebook.add("hope", description="Looking forward", color="#E69F00")
    p.codebook.add("reciprocity", description="Both sides give", color="#0072B2")
    p.codebook.add("relational safety", parent="reciprocity", color="#009E73")
    p.codebook.add(XSS_CODE, description=XSS_NOTE, color="#CC79A7")
    p.add_narrative(SCRIPTS, title="Scripts and emoji 😀", narrator="R01", id="scripts",
                    attributes={"setting": "peer group", "language": "mixed"})
    p.add_narrative(KITCHEN, title="Kitchen table", narrator="R02", id="kitchen",
                    attributes={"setting": "drop-in", "language": "en"})
    p.add_narrative(XSS_TEXT, title=XSS_TITLE, narrator=XSS_CODER, id="probe",
                    attributes={"setting": XSS_ATTR, "language": "en"})
    start = KITCHEN.index("Nobody asked")
    p.code("kitchen", start, start + len("Nobody asked."), "relational safety", coder="ben", note="felt safe")
    start = KITCHEN.index("Later I was")
    p.code("kitchen", start, KITCHEN.index(", and I did"), "reciprocity", coder="ben")
    p.memo("I kept thinking of my own first group.", coder="ben", narrative="kitchen")
    p.code("probe", 0, 31, XSS_CODE, coder=XSS_CODER, note=XSS_NOTE)
    p.memo(XSS_MEMO, coder=XSS_CODER, narrative="probe", title=XSS_TITLE)
    return p
