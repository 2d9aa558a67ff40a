"""Fixtures for the exchange tests: a real team project on disk."""

from __future__ import annotations

from pathlib import Path

import pytest

import workbench as wb

from exchange_helpers import KITCHEN, MARKER, PRIVATE, SECRET, WARD, span


@pytest.fixture
def team(tmp_path: Path) -> wb.Project:
    """Three coders, a two-level codebook with colours, notes and all memo kinds, one restricted and
    one withdrawn narrative, an emoji before some codings."""
    p = wb.create_project(tmp_path / "team", name="Peer stories team")
    cb = p.codebook
    cb.add("mutuality", description="Both sides give.\nAnd both take.", color="#1b9e77",
           include="giving back", exclude="one-way help", example="she made tea, I made toast")
    cb.add("reciprocity", parent="mutuality", color="#d95f02")
    cb.add("shared power", parent="mutuality", color="#7570b3")
    cb.add("being heard", description="Someone listens", color="#e7298a")
    cb.add("barriers", color="#66a61e")
    kitchen = p.add_narrative(KITCHEN, title="Kitchen table", narrator="R01",
                              attributes={"setting": "peer group", "year": 2024})
    ward = p.add_narrative(WARD, title="On the ward", narrator="R02",
                           attributes={"setting": "hospital ward", "year": 2023})
    private = p.add_narrative(PRIVATE, title="Private", narrator="R01", consent="restricted",
                              attributes={"setting": "peer group", "year": 2022})
    secret = p.add_narrative(SECRET, title="Withdrawn later", narrator="R03",
                             attributes={"setting": "drop-in", "year": 2024})
    a, b = span(KITCHEN, "nobody was the helper")
    c1 = p.code(kitchen, a, b, "reciprocity", coder="ana", note="no fixed roles")
    p.code(kitchen, a, b, "mutuality", coder="ana")
    p.code(kitchen, a, b, "reciprocity", coder="ben")
    a, b = span(KITCHEN, "She made tea, I made toast")
    p.code(kitchen, a, b, "mutuality", coder="ben", note="after the emoji")
    a, b = span(KITCHEN, "Café au lait")
    p.code(kitchen, a, b, "shared power", coder="R. Osei")
    a, b = span(WARD, "nobody listened")
    p.code(ward, a, b, "barriers", coder="ana")
    a, b = span(WARD, "a peer worker sat with me and asked what I needed")
    c2 = p.code(ward, a, b, "being heard", coder="ben")
    p.code(ward, a, b, "being heard", coder="R. Osei")
    a, b = span(PRIVATE, "We shared power")
    p.code(private, a, b, "shared power", coder="ana", note="counted, never quoted")
    a, b = span(SECRET, MARKER)
    p.code(secret, a, b, "barriers", coder="ben", note=f"about {MARKER}")
    p.memo("I recognise this kitchen from my own group.", coder="ana", narrative=kitchen, kind="reflexive",
           title="Recognition")
    p.memo("Reciprocity shows up as small, concrete acts.", coder="ben", code="reciprocity", kind="analytic")
    p.memo("We disagreed on being heard vs barriers; both readings stay.", coder="ana", kind="dialogue",
           participants=["ana", "ben", "R. Osei"], title="Tuesday dialogue")
    p.memo("Is this listening or just presence?", coder="R. Osei", coding=c2, kind="analytic")
    p.memo("A project-wide note on pace.", coder="ben", kind="reflexive")
    p.memo(f"Memo about {MARKER}.", coder="ana", narrative=secret)
    p.memo("About the ana coding.", coder="ben", coding=c1)
    p.withdraw(secret, reason="narrator asked")
    return p
