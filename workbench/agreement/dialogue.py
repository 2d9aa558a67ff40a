"""Disagreement as material for dialogue: where coders read a story differently, stretch by stretch.

Agreement coefficients say *how much* coders differ; these functions say *where*, so a team
can sit down with the places and talk them through.

>>> import workbench as wb
>>> from workbench.agreement import dialogue
>>> d = dialogue.disagreements(p, code="reciprocity")
>>> d.columns.tolist()[:4]
['narrative_id', 'code', 'start', 'end']
>>> ids = dialogue.record_group_reading(p, "group:tuesday", d.iloc[[0]])   # the group's negotiated reading
>>> len(ids)
1

A group's reading is recorded under its own coder name (``group:...``) beside everyone's
individual codings, which stay as they are: no single truth is imposed, and both remain in
analysis (pass ``coders=[...]`` to include or leave out group readings).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from workbench._arrays import expand_counts, sorted_unique
from workbench.agreement.measures import AgreementError
from workbench.consent import RESTRICTED, restricted_ids
from workbench.errors import CoderNameError
from workbench.names import GROUP_PREFIX, check_coder, counted_coders, is_group
from workbench.query import as_list, check_codes

if TYPE_CHECKING:  # pragma: no cover
    from workbench.project import Project

__all__ = ["DISAGREEMENT_COLUMNS", "GROUP_PREFIX", "KINDS", "check_codes", "default_coders", "disagreements",
           "empty_disagreements", "record_group_reading"]

#: The kinds of disagreement, from "the same reading, cut differently" to "not read here at all".
KINDS = ("boundaries differ", "different codes", "only some coded")
DISAGREEMENT_COLUMNS = ["narrative_id", "code", "start", "end", "text", "coders_with", "coders_without",
                        "kind", "other_codes", "passage_start", "passage_end"]

_BITS = 62  # coders per int64 word of a coder set (bit 63 stays clear, so sums never overflow)
_MAX_PAIRS = 1 << 22  # candidate (stretch, coding) pairs held at once


def default_coders(p: "Project") -> list[str]:
    """Everyone who coded, except machine coders (``auto:...``) and group readings (``group:...``).

    >>> default_coders(p)
    ['ana', 'ben', 'chipo']
    """
    return counted_coders(p.codings()["coder"].unique())


def empty_disagreements() -> pd.DataFrame:
    """A frame of no disagreements, with the columns and types of :func:`disagreements`.

    >>> empty_disagreements().columns.tolist() == DISAGREEMENT_COLUMNS
    True
    """
    frame = pd.DataFrame({c: pd.Series(dtype=object) for c in DISAGREEMENT_COLUMNS})
    for column in ("start", "end", "passage_start", "passage_end"):
        frame[column] = frame[column].astype("int64")
    return frame


def disagreements(
    p: "Project",
    narrative: str | Iterable[str] | None = None,
    code: str | Iterable[str] | None = None,
    coders: str | Iterable[str] | None = None,
) -> pd.DataFrame:
    """Every stretch of text where the coders' readings differ: one row per stretch and code.

    For each narrative and code, each coder's codings with that code are merged (a coder's
    own overlapping codings count once) and all coders' span boundaries are swept along the
    text. A *stretch* is a piece between two neighbouring boundaries that some, but not all,
    of the coders covered with the code. Only coders who coded the narrative at all (any
    code) take part in it: a coder who has not read a story yet is missing there, not
    disagreeing.

    Columns:

    * ``narrative_id``, ``code``, ``start``, ``end`` -- the stretch (code points, half-open);
    * ``text`` -- its words, ``"[restricted]"`` in narratives whose consent is restricted;
    * ``coders_with`` / ``coders_without`` -- tuples of names: who applied the code here, and
      who (of those who coded the narrative) did not;
    * ``kind`` -- ``"boundaries differ"`` (everyone without it applied the code to the same
      passage, just cut it differently), ``"different codes"`` (some applied the code nowhere
      in this passage, but gave this stretch another code) or ``"only some coded"`` (some
      gave this stretch no code of this kind and none other either);
    * ``other_codes`` -- tuple of ``"coder: code"``: the other codes the coders without it
      gave (part of) this stretch;
    * ``passage_start`` / ``passage_end`` -- the whole passage the stretch belongs to: the
      unbroken run of text that any of the coders covered with the code.

    Rows are ordered by narrative (as in ``p.narratives``), position and codebook order.
    *coders* defaults to :func:`default_coders` (no ``auto:`` or ``group:`` coders); name a
    group to see where its negotiated reading still differs from individuals.

    >>> d = wb.agreement.disagreements(p, narrative="kitchen-table")
    >>> set(d["kind"]) <= set(KINDS)
    True
    """
    coder_list, order, code_list = _checked_question(p, narrative, code, coders)
    frame = p.codings(coder=coder_list, narrative=order)
    out = empty_disagreements()
    out.attrs.update(coders=list(coder_list), codes=list(code_list) if code_list is not None else None)
    if not len(frame):
        return out
    if code_list is None:
        used = set(frame["code"].unique())
        code_list = [c for c in p.codebook.names if c in used] + sorted(used - set(p.codebook.names))
        out.attrs["codes"] = list(code_list)
    texts = {n: p.text(n) for n in order}
    axis = _Axis(frame, order, coder_list, code_list, max(len(t) for t in texts.values()) + 1)
    if not axis.selected.any():
        return out
    pieces = _pieces(axis, _runs(axis))
    rows = np.flatnonzero(pieces.differ)
    if not len(rows):
        return out
    found = _Stretches(axis, pieces, rows)
    instead = _other_codes(axis, frame, found)
    out = _table(p, axis, texts, found, instead)
    out.attrs.update(coders=list(coder_list), codes=list(code_list))
    return out


def _checked_question(p: "Project", narrative: Any, code: Any,
                      coders: Any) -> tuple[list[str], list[str], list[str] | None]:
    """The coders compared, the narratives in project order, and the codes asked for (checked)."""
    coder_list = default_coders(p) if coders is None else as_list(coders, unique=True)
    for name in coder_list:
        if not isinstance(name, str):
            raise AgreementError(f"coders are named by text, got {name!r}.")
    if len(coder_list) < 2:
        raise AgreementError(
            f"disagreements need at least two coders to compare, got {coder_list or 'none'} "
            "(machine coders 'auto:...' and group readings 'group:...' count only when named in coders=).")
    narratives = as_list(narrative, unique=True)
    for nid in narratives or ():
        p.text(nid)  # a helpful error for an unknown or withdrawn narrative
    code_list = as_list(code, unique=True)
    if code_list is not None:
        check_codes(p, code_list)
    order = p.narratives["id"].tolist()
    if narratives is not None:
        wanted = set(narratives)
        order = [n for n in order if n in wanted]
    return coder_list, order, code_list


class _Axis:
    """The codings as integers on one long axis: each (narrative, code) group gets *length* positions.

    A coder set is a row of int64 words, one bit per coder (:data:`_BITS` coders a word).
    """

    def __init__(self, frame: pd.DataFrame, order: list[str], coders: list[str], codes: list[str],
                 length: int) -> None:
        self.order, self.coders, self.codes, self.length = order, coders, codes, length
        self.m = len(coders)
        self.n_words = (self.m + _BITS - 1) // _BITS
        self.n_codes = len(codes)
        self.coder = pd.Index(coders).get_indexer(frame["coder"]).astype(np.int64)
        self.narrative = frame["narrative_id"].map({n: i for i, n in enumerate(order)}).to_numpy(np.int64)
        self.start = frame["start"].to_numpy(np.int64)
        self.end = frame["end"].to_numpy(np.int64)
        # who took part in each narrative (coded it at all): a coder set per narrative
        self.taking_part = np.zeros((len(order), self.n_words), dtype=np.int64)
        _add_members(self.taking_part, sorted_unique(self.narrative * self.m + self.coder), self.m)
        code = pd.Index(codes).get_indexer(frame["code"]).astype(np.int64)
        self.selected = code >= 0
        self.group = self.narrative[self.selected] * self.n_codes + code[self.selected]  # one sweep per group


def _add_members(sets: np.ndarray, keys: np.ndarray, m: int) -> None:
    """Add coder ``key % m`` to the coder set in row ``key // m`` of *sets*, for every key."""
    np.bitwise_or.at(sets, (keys // m, (keys % m) // _BITS), np.left_shift(1, (keys % m) % _BITS))


def _runs(axis: _Axis) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Step 1: each coder's own overlapping (or touching) spans merged into runs: group, coder, start, end."""
    length, m = axis.length, axis.m
    coder = axis.coder[axis.selected]
    starts, ends = axis.start[axis.selected], axis.end[axis.selected]
    key = axis.group * m + coder
    sorted_idx = np.lexsort((starts, key))  # one ordering over all keys at once
    s_key = key[sorted_idx] * length + starts[sorted_idx]
    e_key = key[sorted_idx] * length + ends[sorted_idx]
    reach = np.maximum.accumulate(e_key)
    first = np.flatnonzero(np.concatenate(([True], s_key[1:] > reach[:-1])))
    run_key = key[sorted_idx][first]
    run_start = s_key[first] - run_key * length
    run_end = np.maximum.reduceat(e_key, first) - run_key * length
    return run_key // m, run_key % m, run_start, run_end


class _Pieces:
    """Step 2, the sweep: the text cut at every run boundary, with the coder set covering each piece."""

    def __init__(self, group: np.ndarray, start: np.ndarray, end: np.ndarray, covered: np.ndarray,
                 everyone: np.ndarray) -> None:
        self.group, self.start, self.end, self.covered, self.everyone = group, start, end, covered, everyone
        self.some = (covered != 0).any(axis=1)
        self.differ = self.some & (covered != everyone).any(axis=1)


def _pieces(axis: _Axis, runs: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]) -> _Pieces:
    """+bit where a coder's run starts, -bit where it ends; the running sum of each word is the covering set."""
    run_group, run_coder, run_start, run_end = runs
    length = axis.length
    at = np.concatenate([run_group * length + run_start, run_group * length + run_end])
    word = np.concatenate([run_coder // _BITS] * 2)
    bit = np.left_shift(np.int64(1), run_coder % _BITS)
    delta = np.concatenate([bit, -bit])
    by_at = np.argsort(at, kind="stable")
    at, word, delta = at[by_at], word[by_at], delta[by_at]
    steps = np.zeros((len(at), axis.n_words), dtype=np.int64)
    steps[np.arange(len(at)), word] = delta
    heads = np.flatnonzero(np.concatenate(([True], at[1:] != at[:-1])))
    bounds = at[heads]
    covered = np.cumsum(np.add.reduceat(steps, heads, axis=0), axis=0)
    group = bounds // length
    start = bounds - group * length
    end = np.concatenate([bounds[1:], bounds[-1:]]) - group * length  # valid where covered
    return _Pieces(group, start, end, covered, axis.taking_part[group // axis.n_codes])


class _Stretches:
    """Step 3: the differing pieces, with who had the code, who did not, and the passage each lies in."""

    def __init__(self, axis: _Axis, pieces: _Pieces, rows: np.ndarray) -> None:
        some = pieces.some
        lead = some & ~np.concatenate(([False], some[:-1]))
        run_id = np.cumsum(lead) - 1
        covered_idx = np.flatnonzero(some)
        passage_heads = np.flatnonzero(lead[covered_idx])
        # a passage is an unbroken run of covered pieces; the union of its coders tells "cut differently"
        union = np.bitwise_or.reduceat(pieces.covered[covered_idx], passage_heads, axis=0)
        passage_last = np.concatenate([passage_heads[1:], [len(covered_idx)]]) - 1
        self.passage_lo = pieces.start[covered_idx][passage_heads]
        self.passage_hi = pieces.end[covered_idx][passage_last]
        self.mask = pieces.covered[rows]
        self.without = pieces.everyone[rows] & ~self.mask
        self.passage = run_id[rows]
        self.elsewhere = self.without & ~union[self.passage]  # coders who did not use the code in this passage
        group = pieces.group[rows]
        self.narrative, self.code = group // axis.n_codes, group % axis.n_codes
        self.start, self.end = pieces.start[rows], pieces.end[rows]


def _other_codes(axis: _Axis, frame: pd.DataFrame, found: _Stretches) -> tuple[np.ndarray, list[tuple[str, ...]]]:
    """Step 4: what the coders without the code gave each stretch instead: its kind, and ``"coder: code"`` labels.

    Codes are integers here: the join can produce tens of millions of candidate pairs on a large project.
    """
    length, m = axis.length, axis.m
    vocab = pd.Index(sorted(set(frame["code"].unique()) | set(axis.codes)))
    code_of = vocab.get_indexer(frame["code"]).astype(np.int64)
    row_code = vocab.get_indexer(pd.Index(axis.codes))[found.code].astype(np.int64)
    hit_row, hit_coding = _overlapping(found.narrative * length + found.start, found.narrative * length + found.end,
                                       axis.narrative * length + axis.start, axis.narrative * length + axis.end)
    hit_coder, hit_code = axis.coder[hit_coding], code_of[hit_coding]
    keep = (hit_code != row_code[hit_row]) & (
        ((found.without[hit_row, hit_coder // _BITS] >> (hit_coder % _BITS)) & 1) == 1)
    n_vocab = len(vocab)
    pair = sorted_unique(hit_row[keep] * (m * n_vocab) + hit_coder[keep] * n_vocab + hit_code[keep])
    del hit_row, hit_coding, hit_coder, hit_code, keep
    p_row, p_key = pair // (m * n_vocab), pair % (m * n_vocab)
    gave_other = np.zeros_like(found.without)  # the coders without the code who gave the stretch another one
    _add_members(gave_other, sorted_unique(p_row * m + p_key // n_vocab), m)
    boundary = ~(found.elsewhere != 0).any(axis=1)
    instead = ~((found.elsewhere & ~gave_other) != 0).any(axis=1)
    kind = np.where(boundary, 0, np.where(instead, 1, 2))
    return kind, _labels(axis, p_row, p_key, n_vocab, vocab, len(found.start))


def _labels(axis: _Axis, p_row: np.ndarray, p_key: np.ndarray, n_vocab: int, vocab: pd.Index,
            n_rows: int) -> list[tuple[str, ...]]:
    """Each stretch's ``"coder: code"`` labels (few distinct keys: each is written once)."""
    names = np.asarray(axis.coders, dtype=object)
    keys, key_index = np.unique(p_key, return_inverse=True)
    label_of = np.array([f"{names[k // n_vocab]}: {vocab[k % n_vocab]}" for k in keys.tolist()], dtype=object)
    labels = label_of[np.asarray(key_index).ravel()].tolist()
    cuts = np.searchsorted(p_row, np.arange(n_rows + 1)).tolist()  # p_row is sorted: pairs are unique keys
    return [tuple(labels[x:y]) if y > x else () for x, y in zip(cuts[:-1], cuts[1:])]


def _table(p: "Project", axis: _Axis, texts: Mapping[str, str], found: _Stretches,
           instead: tuple[np.ndarray, list[tuple[str, ...]]]) -> pd.DataFrame:
    """The stretches as rows, ordered by (narrative, position, code) as readers want them."""
    kind, others = instead
    names = np.asarray(axis.coders, dtype=object)
    final = np.lexsort((found.end, found.code, found.start, found.narrative))
    narr, code, start, end = found.narrative[final], found.code[final], found.start[final], found.end[final]
    return pd.DataFrame({
        "narrative_id": np.asarray(axis.order, dtype=object)[narr],
        "code": np.asarray(axis.codes, dtype=object)[code],
        "start": start.astype("int64"),
        "end": end.astype("int64"),
        "text": _passages(p, axis.order, texts, narr, start, end),
        "coders_with": _coder_sets(found.mask[final], names),
        "coders_without": _coder_sets(found.without[final], names),
        "kind": np.asarray(KINDS, dtype=object)[kind[final]],
        "other_codes": pd.Series([others[i] for i in final.tolist()], dtype=object),
        "passage_start": found.passage_lo[found.passage[final]].astype("int64"),
        "passage_end": found.passage_hi[found.passage[final]].astype("int64"),
    })


def _coder_sets(masks: np.ndarray, names: np.ndarray) -> list[tuple[str, ...]]:
    """Each row's coder set as a tuple of names (few distinct sets: decode each once)."""
    if not len(masks):
        return []
    if masks.shape[1] == 1:  # up to 62 coders: one word per set, a plain sort
        distinct, inverse = np.unique(masks[:, 0], return_inverse=True)
        distinct = distinct[:, None]
    else:
        distinct, inverse = np.unique(masks, axis=0, return_inverse=True)
    decoded = []
    for words in distinct:
        members = [w * _BITS + b for w, value in enumerate(words) for b in range(_BITS) if (int(value) >> b) & 1]
        decoded.append(tuple(names[members]) if members else ())
    return [decoded[i] for i in np.asarray(inverse).ravel()]


def _passages(p: "Project", order: list[str], texts: Mapping[str, str], narr: np.ndarray, lo: np.ndarray,
              hi: np.ndarray) -> list[str]:
    hidden = restricted_ids(p.narratives)
    restricted = {i for i, n in enumerate(order) if n in hidden}
    ids = np.asarray(order, dtype=object)
    return [RESTRICTED if k in restricted else texts[ids[k]][a:b]
            for k, a, b in zip(narr.tolist(), lo.tolist(), hi.tolist())]


def _overlapping(r_start: np.ndarray, r_end: np.ndarray, c_start: np.ndarray,
                 c_end: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """All (stretch, coding) pairs that share at least one character (positions on one long axis).

    Codings are bucketed by length, [2^j, 2^(j+1)): a coding of bucket j that overlaps a
    stretch starts less than 2^(j+1) characters before it, so each stretch needs only a window
    of that bucket's start-sorted codings, and most of the window truly overlaps. Cost grows
    with the number of overlapping pairs, not with stretches x codings.
    """
    rows_out, codings_out = [], []
    bucket = np.floor(np.log2(np.maximum(c_end - c_start, 1))).astype(np.int64)
    for j in np.unique(bucket).tolist():
        members = np.flatnonzero(bucket == j)
        members = members[np.argsort(c_start[members], kind="stable")]
        starts = c_start[members]
        lo = np.searchsorted(starts, r_start - (1 << (j + 1)) + 1, side="left")
        hi = np.searchsorted(starts, r_end, side="left")
        for row, offset in expand_counts(hi - lo, _MAX_PAIRS):
            coding = members[lo[row] + offset]
            real = c_end[coding] > r_start[row]
            rows_out.append(row[real])
            codings_out.append(coding[real])
    if not rows_out:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    return np.concatenate(rows_out), np.concatenate(codings_out)


def record_group_reading(
    p: "Project",
    group: str,
    rows: pd.DataFrame | Iterable[Mapping[str, Any]] | Mapping[str, Any],
    note: str | None = None,
) -> list[str]:
    """Record a group's negotiated reading as codings of its own coder, *group* (``"group:..."``).

    *rows* has ``narrative_id, start, end, code`` (and optionally ``note``): a frame such as
    rows of :func:`disagreements`, a list of dicts, or one dict. Nobody's individual codings
    are changed or removed; the group's reading stands beside them. A passage the group has
    already coded with the same code is not coded twice. Returns the coding ids, one per row.

    >>> d = wb.agreement.disagreements(p, narrative="kitchen-table", code="reciprocity")
    >>> ids = wb.agreement.record_group_reading(p, "group:tuesday", d.iloc[[0]], note="agreed after the break")
    >>> p.codings(coder="group:tuesday")["coding_id"].tolist() == ids
    True
    """
    if not isinstance(group, str) or not is_group(group) or not group[len(GROUP_PREFIX):].strip():
        raise CoderNameError(
            f"A group reading is recorded under a name starting with {GROUP_PREFIX!r}, "
            f"e.g. 'group:tuesday' (got {group!r}).")
    check_coder(group)
    if isinstance(rows, Mapping):
        rows = [rows]
    frame = rows if isinstance(rows, pd.DataFrame) else pd.DataFrame(list(rows))
    if not len(frame):
        return []
    missing = {"narrative_id", "start", "end", "code"} - set(frame.columns)
    if missing:
        raise AgreementError(f"rows lack column(s) {sorted(missing)}: each needs narrative_id, start, end, code.")
    wanted = frame[["narrative_id", "start", "end", "code"]].copy()
    if note is not None:
        wanted["note"] = note
    elif "note" in frame.columns:
        wanted["note"] = frame["note"].to_numpy()
    existing = p.codings(coder=group)
    known = {(n, int(s), int(e), c): cid for cid, n, s, e, c in zip(
        existing["coding_id"], existing["narrative_id"], existing["start"], existing["end"], existing["code"])}
    keys = [(n, s, e, c) for n, s, e, c in zip(wanted["narrative_id"], wanted["start"], wanted["end"],
                                                 wanted["code"])]
    fresh = [i for i, k in enumerate(keys) if _key(k) not in known]
    seen: dict = {}
    first_of = []
    for i in fresh:  # the same passage twice in one call is coded once
        k = _key(keys[i])
        if k not in seen:
            seen[k] = i
            first_of.append(i)
    ids = p.code_many(wanted.iloc[first_of].reset_index(drop=True), coder=group) if first_of else []
    new = {_key(keys[i]): cid for i, cid in zip(first_of, ids)}
    return [known.get(_key(k)) or new[_key(k)] for k in keys]


def _key(k: tuple) -> tuple:
    n, s, e, c = k
    try:
        return (n, int(s), int(e), c)
    except (TypeError, ValueError):
        return (n, s, e, c)  # code_many words the error about a bad offset
