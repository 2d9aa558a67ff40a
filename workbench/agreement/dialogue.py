"""Disagreement as material for dialogue: where coders read a story differently, stretch by stretch.

Agreement coefficients say *how much* coders differ; these functions say *where*, so a team
can sit down with the places and talk them through.

>>> import workbench as wb
>>> from workbench.agreement import dialogue
>>> d = dialogue.disagreements(p, code="reciprocity")
>>> d[["narrative_id", "start", "end", "coders_with", "coders_without", "kind"]].head()
>>> dialogue.record_group_reading(p, "group:tuesday", d.iloc[[0]])   # the group's negotiated reading

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
from workbench.agreement.project import AUTO_PREFIX, GROUP_PREFIX
from workbench.analysis import RESTRICTED
from workbench.errors import CoderNameError, UnknownCodeError

if TYPE_CHECKING:  # pragma: no cover
    from workbench.project import Project

__all__ = ["DISAGREEMENT_COLUMNS", "GROUP_PREFIX", "KINDS", "default_coders", "disagreements",
           "record_group_reading"]

#: The kinds of disagreement, from "the same reading, cut differently" to "not read here at all".
KINDS = ("boundaries differ", "different codes", "only some coded")
DISAGREEMENT_COLUMNS = ["narrative_id", "code", "start", "end", "text", "coders_with", "coders_without",
                        "kind", "other_codes", "passage_start", "passage_end"]

_BITS = 62  # coders per int64 word of a coder set (bit 63 stays clear, so sums never overflow)
_MAX_PAIRS = 1 << 22  # candidate (stretch, coding) pairs held at once


def default_coders(p: "Project") -> list[str]:
    """Everyone who coded, except machine coders (``auto:...``) and group readings (``group:...``).

    >>> dialogue.default_coders(p)
    ['ana', 'ben', 'cleo']
    """
    names = p.codings()["coder"].unique()
    return sorted(str(c) for c in names if not str(c).startswith((AUTO_PREFIX, GROUP_PREFIX)))


def _as_list(value: str | Iterable[str] | None) -> list[str] | None:
    if value is None:
        return None
    return [value] if isinstance(value, str) else list(dict.fromkeys(value))


def _empty() -> pd.DataFrame:
    frame = pd.DataFrame({c: pd.Series(dtype=object) for c in DISAGREEMENT_COLUMNS})
    for column in ("start", "end", "passage_start", "passage_end"):
        frame[column] = frame[column].astype("int64")
    return frame


def _check_codes(p: "Project", codes: list[str]) -> None:
    known = set(p.codebook.to_frame(include_inactive=True)["name"]) | set(p.codings()["code"].unique())
    for name in codes:
        if not isinstance(name, str):
            raise UnknownCodeError(f"code must be a code name (text), got {name!r}.")
        if name not in known:
            p.codebook.id_of(name)  # raises a helpful UnknownCodeError (renamed, merged, unknown)
            raise UnknownCodeError(f"There is no code {name!r} in this project.")  # pragma: no cover


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

    >>> d = dialogue.disagreements(p, narrative="kitchen-table")
    >>> d.groupby("kind").size()
    """
    coder_list = default_coders(p) if coders is None else _as_list(coders)
    for name in coder_list:
        if not isinstance(name, str):
            raise AgreementError(f"coders are named by text, got {name!r}.")
    if len(coder_list) < 2:
        raise AgreementError(
            f"disagreements need at least two coders to compare, got {coder_list or 'none'} "
            "(machine coders 'auto:...' and group readings 'group:...' count only when named in coders=).")
    narratives = _as_list(narrative)
    if narratives is not None:
        for nid in narratives:
            p.text(nid)  # a helpful error for an unknown or withdrawn narrative
    code_list = _as_list(code)
    if code_list is not None:
        _check_codes(p, code_list)

    order = p.narratives["id"].tolist()
    if narratives is not None:
        wanted = set(narratives)
        order = [n for n in order if n in wanted]
    n_index = {n: i for i, n in enumerate(order)}
    frame = p.codings(coder=coder_list, narrative=order)
    out = _empty()
    out.attrs.update(coders=list(coder_list), codes=list(code_list) if code_list is not None else None)
    if not len(frame):
        return out
    if code_list is None:
        used = set(frame["code"].unique())
        code_list = [c for c in p.codebook.names if c in used] + sorted(used - set(p.codebook.names))
        out.attrs["codes"] = list(code_list)
    texts = {n: p.text(n) for n in order}
    length = max(len(t) for t in texts.values()) + 1  # positions of different keys never meet

    m = len(coder_list)
    n_words = (m + _BITS - 1) // _BITS
    c_all = pd.Index(coder_list).get_indexer(frame["coder"]).astype(np.int64)
    n_all = frame["narrative_id"].map(n_index).to_numpy(np.int64)
    # who took part in each narrative (coded it at all): a coder set per narrative
    taking_part = np.zeros((len(order), n_words), dtype=np.int64)
    pairs = sorted_unique(n_all * m + c_all)
    np.bitwise_or.at(taking_part, (pairs // m, (pairs % m) // _BITS), np.left_shift(1, (pairs % m) % _BITS))

    k_all = pd.Index(code_list).get_indexer(frame["code"]).astype(np.int64)
    sel = k_all >= 0
    if not sel.any():
        return out
    n_codes = len(code_list)
    group = n_all[sel] * n_codes + k_all[sel]  # one sweep per (narrative, code)
    coder = c_all[sel]
    starts = frame["start"].to_numpy(np.int64)[sel]
    ends = frame["end"].to_numpy(np.int64)[sel]

    # 1. merge each coder's own overlapping (or touching) spans: one ordering over all keys at once
    key = group * m + coder
    sorted_idx = np.lexsort((starts, key))
    s_key = key[sorted_idx] * length + starts[sorted_idx]
    e_key = key[sorted_idx] * length + ends[sorted_idx]
    reach = np.maximum.accumulate(e_key)
    first = np.flatnonzero(np.concatenate(([True], s_key[1:] > reach[:-1])))
    run_key = key[sorted_idx][first]
    run_start = s_key[first] - run_key * length
    run_end = np.maximum.reduceat(e_key, first) - run_key * length
    run_group, run_coder = run_key // m, run_key % m

    # 2. sweep: +bit where a coder's span starts, -bit where it ends; the running sum of one
    # word is the set of coders covering the piece that follows each boundary
    at = np.concatenate([run_group * length + run_start, run_group * length + run_end])
    word = np.concatenate([run_coder // _BITS] * 2)
    bit = np.left_shift(np.int64(1), run_coder % _BITS)
    delta = np.concatenate([bit, -bit])
    by_at = np.argsort(at, kind="stable")
    at, word, delta = at[by_at], word[by_at], delta[by_at]
    steps = np.zeros((len(at), n_words), dtype=np.int64)
    steps[np.arange(len(at)), word] = delta
    heads = np.flatnonzero(np.concatenate(([True], at[1:] != at[:-1])))
    bounds = at[heads]
    covered = np.cumsum(np.add.reduceat(steps, heads, axis=0), axis=0)
    piece_group = bounds // length
    piece_start = bounds - piece_group * length
    piece_end = np.concatenate([bounds[1:], bounds[-1:]]) - piece_group * length  # valid where covered
    everyone = taking_part[piece_group // n_codes]
    some = (covered != 0).any(axis=1)
    differ = some & (covered != everyone).any(axis=1)

    # 3. passages: unbroken runs of covered pieces; their union of coders tells "cut differently"
    lead = some & ~np.concatenate(([False], some[:-1]))
    run_id = np.cumsum(lead) - 1
    covered_idx = np.flatnonzero(some)
    passage_heads = np.flatnonzero(lead[covered_idx])
    union = np.bitwise_or.reduceat(covered[covered_idx], passage_heads, axis=0)
    passage_lo = piece_start[covered_idx][passage_heads]
    passage_last = np.concatenate([passage_heads[1:], [len(covered_idx)]]) - 1
    passage_hi = piece_end[covered_idx][passage_last]

    rows = np.flatnonzero(differ)
    if not len(rows):
        return out
    mask = covered[rows]
    without = everyone[rows] & ~mask
    passage = run_id[rows]
    elsewhere = without & ~union[passage]  # coders who did not use the code in this passage at all
    r_group = piece_group[rows]
    r_narr = r_group // n_codes
    r_code = r_group % n_codes
    r_start, r_end = piece_start[rows], piece_end[rows]

    # 4. what the coders without the code gave these stretches instead (codes as integers: the
    # join can produce tens of millions of candidate pairs on a large project)
    vocab = pd.Index(sorted(set(frame["code"].unique()) | set(code_list)))
    code_of = vocab.get_indexer(frame["code"]).astype(np.int64)
    row_code = vocab.get_indexer(pd.Index(code_list))[r_code].astype(np.int64)
    hit_row, hit_coding = _overlapping(r_narr * length + r_start, r_narr * length + r_end,
                                       n_all * length + frame["start"].to_numpy(np.int64),
                                       n_all * length + frame["end"].to_numpy(np.int64))
    hit_coder = c_all[hit_coding]
    hit_code = code_of[hit_coding]
    keep = (hit_code != row_code[hit_row]) & (
        ((without[hit_row, hit_coder // _BITS] >> (hit_coder % _BITS)) & 1) == 1)
    n_vocab = len(vocab)
    pair = sorted_unique(hit_row[keep] * (m * n_vocab) + hit_coder[keep] * n_vocab + hit_code[keep])
    del hit_row, hit_coding, hit_coder, hit_code, keep
    p_row, p_key = pair // (m * n_vocab), pair % (m * n_vocab)
    p_coder = p_key // n_vocab
    # the coders (of those without the code here) who gave the stretch another code
    gave_other = np.zeros_like(without)
    who = sorted_unique(p_row * m + p_coder)
    np.bitwise_or.at(gave_other, (who // m, (who % m) // _BITS), np.left_shift(1, (who % m) % _BITS))
    boundary = ~(elsewhere != 0).any(axis=1)
    instead = ~((elsewhere & ~gave_other) != 0).any(axis=1)
    kind = np.where(boundary, 0, np.where(instead, 1, 2))

    names = np.asarray(coder_list, dtype=object)
    keys, key_index = np.unique(p_key, return_inverse=True)
    label_of = np.array([f"{names[k // n_vocab]}: {vocab[k % n_vocab]}" for k in keys.tolist()], dtype=object)
    labels = label_of[np.asarray(key_index).ravel()].tolist()
    cuts = np.searchsorted(p_row, np.arange(len(rows) + 1)).tolist()  # p_row is sorted: pairs are unique keys
    others = [tuple(labels[x:y]) if y > x else () for x, y in zip(cuts[:-1], cuts[1:])]

    # pieces come ordered by (narrative, code, position); readers want (narrative, position, code)
    final = np.lexsort((r_end, r_code, r_start, r_narr))
    r_narr, r_code, r_start, r_end = r_narr[final], r_code[final], r_start[final], r_end[final]
    out = pd.DataFrame({
        "narrative_id": np.asarray(order, dtype=object)[r_narr],
        "code": np.asarray(code_list, dtype=object)[r_code],
        "start": r_start.astype("int64"),
        "end": r_end.astype("int64"),
        "text": _passages(p, order, texts, r_narr, r_start, r_end),
        "coders_with": _coder_sets(mask[final], names),
        "coders_without": _coder_sets(without[final], names),
        "kind": np.asarray(KINDS, dtype=object)[kind[final]],
        "other_codes": pd.Series([others[i] for i in final.tolist()], dtype=object),
        "passage_start": passage_lo[passage[final]].astype("int64"),
        "passage_end": passage_hi[passage[final]].astype("int64"),
    })
    out.attrs.update(coders=list(coder_list), codes=list(code_list))
    return out


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
    consent = p.narratives.set_index("id")["consent"]
    restricted = {i for i, n in enumerate(order) if consent.get(n) == "restricted"}
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

    >>> d = dialogue.disagreements(p, narrative="kitchen-table", code="hope")
    >>> dialogue.record_group_reading(p, "group:tuesday", d.iloc[[0]], note="agreed after the break")
    """
    from workbench.project import check_coder

    if not isinstance(group, str) or not group.startswith(GROUP_PREFIX) or not group[len(GROUP_PREFIX):].strip():
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
