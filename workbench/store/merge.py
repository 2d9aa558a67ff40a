"""New folded codings merged into what was folded before, keeping reading order (narrative, start, end, coder).

A write costs what it touches: a few new codings (a script's many single writes, read at once)
are spliced in between slices of what was folded, sharing its buffers instead of copying them;
more rebuild only the narratives they touch; new codings in very many narratives at once are
placed with one take.
"""

from __future__ import annotations

import bisect
from typing import Any

import numpy as np

_SPLICE_ROWS = 25_000  # this few new codings are spliced in between slices of what was folded (no copy)
_REBUILD_NARRATIVES = 2048  # new codings in more narratives than this are placed with one take
_MAX_CHUNKS = 65_536  # merges leave chunks (slices); past this many they are joined into one


def sorted_codes(column: Any) -> np.ndarray:
    """Integer codes of a string column that sort as the strings do (hashing, then sorting the few distinct).

    >>> import pyarrow as pa
    >>> sorted_codes(pa.array(["b", "a", "b"])).tolist()
    [1, 0, 1]
    """
    import pyarrow.compute as pc

    encoded = pc.dictionary_encode(column.combine_chunks() if hasattr(column, "combine_chunks") else column)
    rank = np.empty(len(encoded.dictionary), dtype=np.int64)
    rank[np.argsort(encoded.dictionary.to_numpy(zero_copy_only=False), kind="stable")] = np.arange(len(rank))
    return rank[encoded.indices.to_numpy(zero_copy_only=False)]


def _narrative_runs(column: Any) -> tuple[list[str], np.ndarray]:
    """The narratives of a column in reading order, and the bounds of each one's run of rows."""
    import pyarrow.compute as pc

    if len(column) < 2:
        return column.to_pylist(), np.arange(len(column) + 1)
    change = pc.not_equal(column.slice(1), column.slice(0, len(column) - 1)).to_numpy(zero_copy_only=False)
    starts = np.concatenate([[0], np.flatnonzero(change) + 1])
    return column.take(starts).to_pylist(), np.append(starts, len(column))


def _in_passage_order(part: Any) -> Any:
    """One narrative's codings (earlier ones first) ordered by start, end, coder; ties keep their order."""
    return part.take(np.lexsort((sorted_codes(part["coder"]), part["end"].to_numpy(), part["start"].to_numpy())))


def _positions(base: Any, new: Any, names: list[str], bounds: np.ndarray) -> np.ndarray | None:
    """Where each row of *new* goes in *base* (both in reading order), as positions in *base*.

    One integer key per row (narrative run, start, end) found by binary search; where *base* has
    the same passage, the coders of those few rows decide. A row equal to earlier ones goes after
    them. ``None`` when the key would not fit in 64 bits (then sort).
    """
    b_start, b_end = base["start"].to_numpy(), base["end"].to_numpy()
    n_start, n_end = new["start"].to_numpy(), new["end"].to_numpy()
    width = int(max(b_end.max(initial=0), n_end.max(initial=0))) + 1
    if width * width >= 2 ** 62:
        return None
    wanted = new["narrative_id"].to_pylist()
    key_n = n_start * width + n_end
    positions, first = np.empty(len(wanted), dtype=np.int64), np.empty(len(wanted), dtype=np.int64)
    runs = np.flatnonzero(np.array([a != b for a, b in zip(wanted[1:], wanted[:-1])], dtype=bool)) + 1
    slots, found = np.empty(len(wanted), dtype=np.int64), np.empty(len(wanted), dtype=bool)
    for lo_n, hi_n in zip([0, *runs.tolist()], [*runs.tolist(), len(wanted)]):
        slot = bisect.bisect_left(names, wanted[lo_n])  # each narrative's rows searched within its own run
        slots[lo_n:hi_n], found[lo_n:hi_n] = slot, slot < len(names) and names[slot] == wanted[lo_n]
    if width * width * (len(names) + 1) < 2 ** 62:  # one key (run, start, end) for every row: one search
        run_key = np.repeat(np.arange(len(names), dtype=np.int64) * (width * width), np.diff(bounds))
        key_b = run_key + b_start * width + b_end
        key_new = slots * (width * width) + np.where(found, key_n, -1)  # a new narrative: before the next one
        positions, first = np.searchsorted(key_b, key_new, side="right"), np.searchsorted(key_b, key_new, side="left")
    else:
        for lo_n, hi_n in zip([0, *runs.tolist()], [*runs.tolist(), len(wanted)]):
            slot = int(slots[lo_n])
            lo = int(bounds[slot])
            hi = int(bounds[slot + 1]) if found[lo_n] else lo
            key_b = b_start[lo:hi] * width + b_end[lo:hi]
            positions[lo_n:hi_n] = lo + np.searchsorted(key_b, key_n[lo_n:hi_n], side="right")
            first[lo_n:hi_n] = lo + np.searchsorted(key_b, key_n[lo_n:hi_n], side="left")
    tied = np.flatnonzero(first < positions)
    if len(tied):  # base rows of the same passage are ordered by coder: the new row goes among them
        coders = new["coder"].take(tied).to_pylist()
        for row, coder in zip(tied.tolist(), coders):
            lo = int(first[row])
            positions[row] = lo + bisect.bisect_right(base["coder"].slice(lo, positions[row] - lo).to_pylist(), coder)
    return positions


class _Rows:
    """Slices of a table's rows as record batches: a slice of a table of many chunks finds its chunk by bisection."""

    def __init__(self, table: Any, batches: list | None = None) -> None:
        self.batches = [batch for batch in (table.to_batches() if batches is None else batches) if batch.num_rows]
        self.starts = np.cumsum([0, *(batch.num_rows for batch in self.batches)]).tolist()

    def slice(self, offset: int, length: int) -> list:
        """Rows ``[offset, offset + length)`` as record batches sharing the table's buffers."""
        pieces, stop = [], offset + length
        i = bisect.bisect_right(self.starts, offset) - 1
        while offset < stop:
            batch, first = self.batches[i], self.starts[i]
            taken = min(stop, first + batch.num_rows) - offset
            pieces.append(batch if taken == batch.num_rows else batch.slice(offset - first, taken))
            offset, i = offset + taken, i + 1
        return pieces

    def around(self, places: list[int], extra: Any, firsts: list[int], stops: list[int]) -> list:
        """These rows with rows ``[firsts[k], stops[k])`` of batch *extra* put before row ``places[k]`` (ascending).

        The stretches between places are found for all of them at once; one within a batch is one slice.
        """
        lows, highs = np.array([0, *places], dtype=np.int64), np.array([*places, self.starts[-1]], dtype=np.int64)
        starts = np.array(self.starts, dtype=np.int64)
        batch = np.searchsorted(starts, lows, side="right") - 1
        within = highs <= starts[np.minimum(batch + 1, len(starts) - 1)]
        pieces, batches, cut = [], self.batches, extra.slice
        runs = zip(firsts, stops)
        for low, high, i, one in zip(lows.tolist(), highs.tolist(), batch.tolist(), within.tolist()):
            if high > low:
                if one:
                    pieces.append(batches[i].slice(low - self.starts[i], high - low))
                else:
                    pieces += self.slice(low, high - low)
            run = next(runs, None)
            if run is not None:
                pieces.append(cut(run[0], run[1] - run[0]))
        return pieces


def _spliced(base: Any, new: Any, names: list[str], bounds: np.ndarray, known: list) -> Any:
    """*base* with the *new* rows put in their places between slices of *base*: nothing is copied.

    New rows going to the same place are one slice; past ``_MAX_CHUNKS`` slices the table is
    joined into one chunk. *known* is ``[table, its record batches]`` of the last splice.
    """
    import pyarrow as pa

    positions = _positions(base, new, names, bounds)
    if positions is None:
        return _placed(base, new, names, bounds)
    order = np.argsort(positions, kind="stable")
    if (np.diff(order) != 1).any():
        new = new.take(order)
    at = positions[order]
    firsts = np.flatnonzero(np.diff(at, prepend=-1))
    stops = np.append(firsts[1:], len(at))
    source = _Rows(base, known[1] if known and known[0] is base else None)
    pieces = source.around(at[firsts].tolist(), new.combine_chunks().to_batches()[0], firsts.tolist(), stops.tolist())
    joined = pa.Table.from_batches(pieces, schema=base.schema)
    if len(pieces) > _MAX_CHUNKS:
        return joined.combine_chunks()
    known[:] = [joined, pieces]  # the next splice slices these batches again instead of re-cutting the table
    return joined


def _placed(base: Any, new: Any, names: list[str], bounds: np.ndarray) -> Any:
    """*base* and *new* merged with one take (when new codings touch many narratives)."""
    import pyarrow as pa

    both = pa.concat_tables([base, new]).combine_chunks()  # one chunk: a take over chunks is slow
    positions = _positions(base, new, names, bounds)
    if positions is None:
        keys = [sorted_codes(both["coder"]), both["end"].to_numpy(), both["start"].to_numpy(),
                sorted_codes(both["narrative_id"])]
        return both.take(np.lexsort(keys))
    order = np.argsort(positions, kind="stable")
    slots = positions[order] + np.arange(len(order))
    taken = np.empty(both.num_rows, dtype=np.int64)
    is_new = np.zeros(both.num_rows, dtype=bool)
    is_new[slots] = True
    taken[slots] = base.num_rows + order
    taken[~is_new] = np.arange(base.num_rows)
    return both.take(taken)


def merged(base: Any, new: Any, known: list | None = None) -> Any:
    """*base* and *new* (folded codings, each in reading order) as one Arrow table in reading order.

    A few new codings are spliced in between slices of *base*. More rebuild only the narratives
    they touch (each a small table), keeping the stretches of *base* between them as they are,
    without a copy, so a write costs what it touches; new codings in very many narratives at once
    are placed with one take. *known* (kept by the caller between merges) lets a splice reuse the
    record batches of the splice before.
    """
    import pyarrow as pa

    if not new.num_rows:
        return base
    if not base.num_rows:
        return new
    names, bounds = _narrative_runs(base["narrative_id"])
    if new.num_rows <= _SPLICE_ROWS:
        return _spliced(base, new, names, bounds, known if known is not None else [])
    new_names, new_bounds = _narrative_runs(new["narrative_id"])
    if len(new_names) > _REBUILD_NARRATIVES:
        return _placed(base, new, names, bounds)
    pieces, done = [], 0
    for i, nid in enumerate(new_names):
        slot = bisect.bisect_left(names, nid)
        lo = int(bounds[slot])
        hi = int(bounds[slot + 1]) if slot < len(names) and names[slot] == nid else lo
        if lo > done:
            pieces.append(base.slice(done, lo - done))
        added = new.slice(int(new_bounds[i]), int(new_bounds[i + 1] - new_bounds[i]))
        pieces.append(_in_passage_order(pa.concat_tables([base.slice(lo, hi - lo), added]).combine_chunks()))
        done = hi
    pieces.append(base.slice(done))
    joined = pa.concat_tables(pieces)
    return joined.combine_chunks() if joined["coding_id"].num_chunks > _MAX_CHUNKS else joined
