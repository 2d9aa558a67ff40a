"""What happened in a workshop, as frames: progress, the places where readings differ, a summary."""

from __future__ import annotations

from typing import Any, Iterable

import pandas as pd

from ..agreement import AgreementError, pairwise_agreement, unit_agreement
from ..agreement.dialogue import KINDS, disagreements
from ..methods import shows_agreement
from ..names import counted_coders
from ..project import Project
from ._folder import WorkshopError, empty_frame, shorten

#: What the summary shows for agreement under the reflexive method (see :data:`workbench.methods.WHY_NO_AGREEMENT`).
NOT_SHOWN = "not shown (reflexive method: readings are compared for dialogue, not scored)"

DIFFERENCE_COLUMNS = ["narrative_id", "title", "code", "stretches", "characters", "kinds", "example",
                      "example_with", "example_without"]


def taking_part(project: Project, participants: list[str]) -> list[str]:
    """Participants, then anyone else who coded as a person (e.g. the facilitator), sorted."""
    coders = counted_coders(project.codings()["coder"].unique())
    return sorted(set(participants) | set(coders), key=str.casefold)


def progress(project: Project, people: list[str], by: str = "participant") -> pd.DataFrame:
    """Who coded how much (``by="participant"``) or each story's codings per person (``by="story"``)."""
    if by not in ("participant", "story"):
        raise WorkshopError(f"by must be 'participant' or 'story', not {by!r}.")
    codings = project.codings(coder=people)
    if by == "story":
        return _per_story(project, codings, people)
    memos = project.memos()
    memos = memos[memos["coder"].isin(people)]
    grouped = codings.groupby("coder")
    frame = pd.DataFrame({
        "codings": grouped.size(),
        "stories": grouped["narrative_id"].nunique(),
        "codes": grouped["code"].nunique(),
    }).reindex(people).fillna(0).astype("int64")
    frame["memos"] = memos.groupby("coder").size().reindex(people).fillna(0).astype("int64")
    frame["last_active"] = _last_active(codings, memos).reindex(people)
    frame.index.name = "participant"
    return frame


def codes_used(project: Project, people: list[str]) -> pd.DataFrame:
    """Each code *people* used: codings, stories, people (how many), most codings first."""
    codings = project.codings(coder=people)
    if not len(codings):
        return pd.DataFrame({"codings": [], "stories": [], "people": []}, dtype="int64").rename_axis("code")
    grouped = codings.groupby("code")
    frame = pd.DataFrame({"codings": grouped.size(), "stories": grouped["narrative_id"].nunique(),
                          "people": grouped["coder"].nunique()}).astype("int64")
    order = frame.assign(_name=frame.index.str.casefold()).sort_values(["codings", "_name"], ascending=[False, True])
    return frame.loc[order.index]


def pair_agreement(project: Project, people: list[str]) -> pd.DataFrame:
    """Each two people's agreement over paragraphs (Krippendorff's alpha, all codes): coder_a, coder_b, value."""
    coded = sorted(set(project.codings(coder=people)["coder"]), key=str.casefold)
    if len(coded) < 2:
        return pd.DataFrame(columns=["coder_a", "coder_b", "value"])
    pairs = pairwise_agreement(project, unit="paragraph", coders=coded)
    pairs = pairs[[coded.index(a) < coded.index(b) for a, b in zip(pairs["coder_a"], pairs["coder_b"])]]
    return pairs[["coder_a", "coder_b", "value"]].reset_index(drop=True)


def _per_story(project: Project, codings: pd.DataFrame, people: list[str]) -> pd.DataFrame:
    table = pd.crosstab(codings["narrative_id"], codings["coder"]) if len(codings) else pd.DataFrame()
    stories = project.narratives.set_index("id")["title"]
    table = table.reindex(index=stories.index, columns=people, fill_value=0).fillna(0).astype("int64")
    table.index = pd.Index(stories.to_numpy(), name="story")
    table.columns.name = None
    return table


def _last_active(codings: pd.DataFrame, memos: pd.DataFrame) -> pd.Series:
    if not len(codings) and not len(memos):
        return pd.Series(dtype="datetime64[us, UTC]")
    both = pd.concat([codings[["coder", "created_at"]], memos[["coder", "created_at"]]])
    return both.groupby("coder")["created_at"].max()


def differences(project: Project, people: list[str], code: str | Iterable[str] | None = None,
                narrative: str | Iterable[str] | None = None) -> pd.DataFrame:
    """One row per story and code where *people*'s readings differ, most disputed first."""
    coded = sorted(set(project.codings(coder=people)["coder"]), key=str.casefold)
    if len(coded) < 2:
        return empty_frame(DIFFERENCE_COLUMNS, ints=("stretches", "characters"))
    found = disagreements(project, narrative=narrative, code=code, coders=coded)
    if not len(found):
        return empty_frame(DIFFERENCE_COLUMNS, ints=("stretches", "characters"))
    found = found.assign(characters=found["end"] - found["start"])
    rows = [_difference_row(nid, name, part) for (nid, name), part in
            found.groupby(["narrative_id", "code"], sort=False)]
    out = pd.DataFrame(rows)
    out.insert(1, "title", out["narrative_id"].map(project.narratives.set_index("id")["title"]))
    out = out.sort_values(["characters", "stretches"], ascending=False, kind="stable").reset_index(drop=True)
    return out[DIFFERENCE_COLUMNS]


def _difference_row(nid: str, name: str, part: pd.DataFrame) -> dict[str, Any]:
    longest = part.loc[part["characters"].idxmax()]
    return {
        "narrative_id": nid, "code": name, "stretches": len(part), "characters": int(part["characters"].sum()),
        "kinds": ", ".join(k for k in KINDS if k in set(part["kind"])),
        "example": shorten(str(longest["text"]), 80),
        "example_with": ", ".join(longest["coders_with"]),
        "example_without": ", ".join(longest["coders_without"]),
    }


def summary(project: Project, people: list[str], about: dict[str, Any], participants: list[str],
            places: pd.DataFrame) -> pd.Series:
    """The workshop in a few numbers; *about* gives its name and code, *places* its differences."""
    codings = project.codings(coder=people)
    per_story = codings.groupby("narrative_id")["coder"].nunique()
    coded = sorted(set(codings["coder"]), key=str.casefold)
    alpha: Any = None
    if not shows_agreement(project.method):
        alpha = NOT_SHOWN
    elif len(coded) >= 2 and (per_story >= 2).any():
        alpha = _paragraph_alpha(project, coded)
    return pd.Series({
        **about,
        "participants": len(participants),
        "names": ", ".join(participants),
        "stories": len(project.narratives),
        "stories coded": int(len(per_story)),
        "stories coded by two or more": int((per_story >= 2).sum()),
        "codings": int(len(codings)),
        "memos": int(project.memos()["coder"].isin(people).sum()),
        "places where readings differ": int(places["stretches"].sum()) if len(places) else 0,
        "agreement (alpha, paragraphs)": alpha,
    }, name=about["workshop"], dtype=object)


def _paragraph_alpha(project: Project, coders: list[str]) -> float | None:
    """Krippendorff's alpha over paragraphs, all codes pooled, to two decimals (None if it cannot be had)."""
    try:
        value = unit_agreement(project, unit="paragraph", coders=coders).loc["overall", "krippendorff_alpha"]
    except AgreementError:
        return None
    return None if pd.isna(value) else round(float(value), 2)
