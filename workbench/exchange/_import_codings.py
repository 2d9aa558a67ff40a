"""Import step 3: selections -> codings, positions converted to code points, one frame per coder.

Positions are checked before anything is written: a selection running backwards or lying
outside its text refuses the file, naming a way of counting that would fit if there is one.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ._import_plan import FALLBACK_CODER, ImportPlan, PlannedNarrative
from .errors import SelectionError
from .offsets import ALL_POLICIES, OffsetPolicy, SourceText, boundary_scores
from .refi_write import CODING_NOTE

#: below this share of selection ends on word boundaries, a better way of counting is suggested
_SHIFT_SUSPECT = 0.75
_CLEARLY_BETTER = 0.1


def plan_codings(plan: ImportPlan) -> None:
    """Every narrative's codings, converted and checked, into ``plan.rows`` (one frame per coder)."""
    anchors: dict[str, int] = {}
    for note, _, _ in plan.parsed.refs:
        anchors[note] = anchors.get(note, 0) + 1
    positions = _positions(plan)
    if positions:
        _check_policy(plan, positions)
    parts = []
    for narrative, starts, ends in positions:
        cs, ce = _to_code_points(plan, narrative, starts, ends)
        parts.append(narrative_codings(plan, narrative, cs, ce, anchors))
    frame = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
    if len(frame):
        for coder, group in frame.groupby("coder", sort=False):
            plan.rows[str(coder)] = group.drop(columns="coder").reset_index(drop=True)
    if plan.fallback_used:
        plan.report.warnings.append(
            f"{plan.fallback_used} coding(s) or note(s) did not say who made them; they were given to "
            f"{plan.fallback or FALLBACK_CODER!r}.")


def _positions(plan: ImportPlan) -> list[tuple[PlannedNarrative, np.ndarray, np.ndarray]]:
    """Each narrative with selections, with its starts and ends as the file counts them; none may run backwards."""
    out = []
    for narrative in plan.narratives:
        src = narrative.source
        if not len(src.sel_start):
            continue
        starts = np.array(src.sel_start, dtype=np.int64)
        ends = np.array(src.sel_end, dtype=np.int64)
        backwards = np.flatnonzero(starts > ends)
        if len(backwards):
            b = int(backwards[0])
            raise SelectionError(
                f"{plan.label}: a selection in {narrative.title!r} runs backwards (start {starts[b]} > end "
                f"{ends[b]}); the file is damaged. Nothing was imported.")
        out.append((narrative, starts, ends))
    return out


def _check_policy(plan: ImportPlan, positions: list[tuple[PlannedNarrative, np.ndarray, np.ndarray]]) -> None:
    """Score every way of counting on word boundaries; warn when another one fits clearly better."""
    scores = pd.DataFrame(boundary_scores([(n.source_text, s, e) for n, s, e in positions]))
    plan.report.policy_scores = scores
    chosen = scores.set_index("policy").loc[plan.policy.name]
    best = scores.sort_values(["outside_text", "on_word_boundaries"], ascending=[True, False]).iloc[0]
    # the workbench's own files count code points: nothing to guess, so no warning
    certain = plan.ours and plan.policy.name == "codepoints"
    if (not certain and chosen.on_word_boundaries < _SHIFT_SUSPECT
            and best.on_word_boundaries - chosen.on_word_boundaries >= _CLEARLY_BETTER):
        plan.report.warnings.append(
            f"Only {chosen.on_word_boundaries:.0%} of selection ends fall on word boundaries when counting "
            f"as {plan.policy.name!r}; {best.policy!r} gives {best.on_word_boundaries:.0%}. If passages look "
            f"shifted, import again with offsets={best.policy!r}.")


def _to_code_points(plan: ImportPlan, narrative: PlannedNarrative, starts: np.ndarray,
                    ends: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Starts and ends in code points of the canonical text; refuses selections outside the text."""
    source_text = narrative.source_text
    cs, ce, inside = source_text.to_canonical(plan.policy, starts, ends)
    if inside.all():
        return cs, ce
    bad = int(np.flatnonzero(~inside)[0])
    fitting = policies_fitting(source_text, starts, ends)
    ranked = sorted(boundary_scores([(source_text, starts, ends)], fitting),
                    key=lambda r: -r["on_word_boundaries"]) if fitting else []
    fits = [r["policy"] for r in ranked]
    hint = (f" Counting as {fits[0]!r} keeps every selection inside: import again with "
            f"offsets={fits[0]!r}." if fits else " No way of counting fits: the file is damaged.")
    raise SelectionError(
        f"{plan.label}: {int((~inside).sum())} selection(s) of {narrative.title!r} lie outside its text "
        f"(e.g. [{starts[bad]}, {ends[bad]}) in a text of {len(source_text.raw)} characters, counted as "
        f"{plan.policy.name!r}).{hint} Nothing was imported.")


def policies_fitting(text: SourceText, starts: np.ndarray, ends: np.ndarray) -> list[OffsetPolicy]:
    """The ways of counting under which every selection lies inside *text*."""
    return [p for p in ALL_POLICIES if text.to_canonical(p, starts, ends)[2].all()]


def coding_note(plan: ImportPlan, refs: list[str], coder: str, anchors: dict[str, int]) -> str | None:
    """A note that belongs to exactly one coding, written by its coder, is that coding's note."""
    note = None
    for ref in refs:
        info = plan.parsed.notes.get(ref)
        if info is None or anchors.get(ref, 0) != 1:
            continue
        if plan.ours and info["description"] != CODING_NOTE:
            continue
        if info["user"] and plan.coders.get(info["user"]) != coder:
            continue
        body = info["text"] or ""
        if not plan.ours and info["description"]:
            body = f"{info['description']}\n\n{body}" if body else info["description"]
        note = body if note is None else f"{note}\n\n{body}"
        plan.consumed_notes.add(ref)
    return note


def narrative_codings(plan: ImportPlan, narrative: PlannedNarrative, cs: np.ndarray, ce: np.ndarray,
                      anchors: dict[str, int]) -> pd.DataFrame:
    """One narrative's codings as a frame (key, narrative_id, start, end, code, coder, created_at, note)."""
    src = narrative.source
    n_cod = len(src.cod_code)
    at = np.array(src.cod_sel, dtype=np.int64) if n_cod else np.empty(0, dtype=np.int64)
    empty_sel = cs >= ce
    codes = pd.Series(src.cod_code, dtype=object).map(plan.code_names)
    known = codes.notna().to_numpy()
    empty = empty_sel[at]
    keep = known & ~empty
    if (~known & ~empty).any():
        plan.skip("codings", narrative.title, "their code is not in the codebook", 0, int((~known & ~empty).sum()))
    if empty_sel.any():
        plan.skip("text selections", narrative.title, "empty once positions were converted",
                  int(empty_sel.sum()), int(empty.sum()))
    who = {u: plan.coder(u, count=False) for u in set(src.cod_user)}
    coders = np.array([who[u] for u in src.cod_user], dtype=object)
    unnamed = np.fromiter((u is None for u in src.cod_user), dtype=bool, count=n_cod)
    plan.fallback_used += int((unnamed & keep).sum())
    keys, notes = _keys_and_notes(plan, narrative, keep, coders, anchors)
    _selections_used(plan, narrative, cs, ce, at, keep, keys)
    frame = pd.DataFrame({"key": keys, "narrative_id": narrative.id, "start": cs[at], "end": ce[at],
                          "code": codes.to_numpy(dtype=object), "coder": coders,
                          "created_at": pd.Series(src.cod_created, dtype=object).to_numpy(), "note": notes})
    return frame[keep]


def _keys_and_notes(plan: ImportPlan, narrative: PlannedNarrative, keep: np.ndarray, coders: np.ndarray,
                    anchors: dict[str, int]) -> tuple[np.ndarray, np.ndarray]:
    """The key of each coding that a note or memo points to, and each coding's note."""
    n_cod = len(keep)
    keys = np.full(n_cod, None, dtype=object)
    notes = np.full(n_cod, None, dtype=object)
    for k, (key, refs) in narrative.source.cod_info.items():
        keys[k] = key
        if refs and keep[k]:
            notes[k] = coding_note(plan, refs, coders[k], anchors)
        if keep[k]:
            plan.coding_narrative[key] = narrative.id
    return keys, notes


def _selections_used(plan: ImportPlan, narrative: PlannedNarrative, cs: np.ndarray, ce: np.ndarray, at: np.ndarray,
                     keep: np.ndarray, keys: np.ndarray) -> None:
    """Count the selections that came in; keep comments on selections as memos; report bare selections."""
    src = narrative.source
    n_sel = len(cs)
    empty_sel = cs >= ce
    has_coding = np.zeros(n_sel, dtype=bool)
    has_coding[at[keep]] = True
    first_of: dict[int, int] = {}
    for k in src.cod_info:
        if keep[k]:
            first_of.setdefault(src.cod_sel[k], k)
    for index, (key, user, description, _) in src.sel_info.items():
        first = first_of.get(index)
        if first is not None:
            plan.selection_first_coding[key] = keys[first]
        if description.strip() and not empty_sel[index]:
            plan.selection_memos.append((key, narrative.id, plan.coder(user), description,
                                         int(cs[index]), int(ce[index])))
    noted = np.zeros(n_sel, dtype=bool)
    noted[list(src.sel_info)] = True
    plan.selections_used += int((has_coding | (noted & ~empty_sel)).sum())
    bare = ~has_coding & ~noted & ~empty_sel & (np.bincount(at, minlength=n_sel) == 0)
    if bare.any():
        plan.skip("text selections", narrative.title, "no coding and no note on them", int(bare.sum()))
