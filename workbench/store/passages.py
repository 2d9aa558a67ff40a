"""Coded passages cut from the stories' texts, many at once, as one Arrow string column.

A coding event carries its passage (``text``), and that passage is always ``story[start:end]``:
texts are immutable and hash-checked, and every writer cuts the passage from them. So the fold
need not read passages out of the logs (most of a log's bytes): :class:`Passages` cuts them from
the texts instead. The cut is an Arrow ``string_view`` array (16 bytes a row, pointing into one
buffer of the stories' UTF-8 bytes) cast to the ``large_string`` a pandas ``str`` column holds,
in C++, without a Python string per row. Offsets are code points; stories with non-ASCII text
keep a table from code points to bytes.
"""

from __future__ import annotations

from typing import Any, Callable, Mapping

import numpy as np

_INLINE = 12  # a string_view holds strings of up to this many bytes in the view itself
_MAX_BUFFER = 2**31 - 1  # a view's offset is an int32: stories past this many bytes are not cut


class Passages:
    """Passages ``[start, end)`` of the stories *texts* gives (``{narrative id: text}``), cut many at once.

    >>> cut = Passages(lambda: {"a": "Once upon a time", "b": "café au lait"})
    >>> stories, rows = ["a", "b"], np.array([0, 1, 1])  # each row's story, as an index into *stories*
    >>> cut.cut(stories, rows, np.array([5, 0, 5]), np.array([16, 4, 12]))[0].to_pylist()
    ['upon a time', 'café', 'au lait']
    """

    def __init__(self, texts: Callable[[], Mapping[str, str]]) -> None:
        self._texts = texts
        self.reset()

    def reset(self) -> None:
        """Forget every story read (a withdrawal took one away): the next cut reads them again."""
        self._slot: dict[str, int] = {}  # narrative id -> its row in the arrays below
        self._source: list[str] = []  # the text each slot was made from (compared by identity)
        self._data = np.zeros(0, dtype=np.uint8)  # every story's UTF-8 bytes, one after another
        self._base = np.zeros(0, dtype=np.int64)  # where each story starts in _data
        self._length = np.zeros(0, dtype=np.int64)  # its length in code points
        self._map_at = np.zeros(0, dtype=np.int64)  # where its code-point -> byte table starts, -1 if ASCII
        self._map = np.zeros(0, dtype=np.int32)  # byte offsets within a story fit in 32 bits (see _MAX_BUFFER)

    def _slots(self, nids: list) -> np.ndarray:
        """Each of *nids*' slot, reading new (or replaced) stories in first; -1 where a story is unknown."""
        texts = self._texts()
        fresh = [n for n in dict.fromkeys(nids) if isinstance(n, str) and n in texts
                 and (n not in self._slot or self._source[self._slot[n]] is not texts[n])]
        if fresh:
            if any(n in self._slot for n in fresh):
                self.reset()  # a story's text object changed: start the buffer again (its bytes cannot have)
                fresh = [n for n in dict.fromkeys(nids) if isinstance(n, str) and n in texts]
            self._read([(n, texts[n]) for n in fresh])
        return np.array([self._slot.get(n, -1) if isinstance(n, str) else -1 for n in nids] + [-1],
                        dtype=np.int64)[:len(nids)]

    def _read(self, stories: list[tuple[str, str]]) -> None:
        chunks, bases, lengths, map_at, maps = [], [], [], [], []
        size, map_size = len(self._data), len(self._map)
        for nid, text in stories:
            data = text.encode("utf-8")
            if size + len(data) > _MAX_BUFFER:
                continue  # left uncut: the caller reads these passages from the logs
            self._slot[nid] = len(self._source)
            self._source.append(text)
            chunks.append(np.frombuffer(data, dtype=np.uint8))
            bases.append(size)
            lengths.append(len(text))
            if len(data) == len(text):
                map_at.append(-1)
            else:  # byte offset of each code point (and of the end)
                points = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
                widths = 1 + (points >= 0x80) + (points >= 0x800) + (points >= 0x10000)
                maps.append(np.concatenate([[0], np.cumsum(widths)]).astype(np.int32))
                map_at.append(map_size)
                map_size += len(text) + 1
            size += len(data)
        self._data = np.concatenate([self._data, *chunks])
        self._base = np.concatenate([self._base, bases]).astype(np.int64)
        self._length = np.concatenate([self._length, lengths]).astype(np.int64)
        self._map_at = np.concatenate([self._map_at, map_at]).astype(np.int64)
        self._map = np.concatenate([self._map, *maps]).astype(np.int32)

    def fits(self, nids: list, codes: np.ndarray, starts: Any, ends: Any) -> np.ndarray:
        """Which rows (story ``nids[codes]``, ``[start, end)``) can be cut: a known story, a span inside it.

        >>> Passages(lambda: {"a": "Once"}).fits(["a", "b"], np.array([0, 0, 1]), [0, 2, 0], [4, 9, 1]).tolist()
        [True, False, False]
        """
        slots = self._slots(list(nids))
        starts, ends = np.asarray(starts), np.asarray(ends)
        if starts.dtype.kind != "i" or ends.dtype.kind != "i":  # a missing offset (a foreign line): not cut
            starts, ends = np.nan_to_num(starts, nan=-1).astype(np.int64), np.nan_to_num(ends, nan=-1).astype(np.int64)
        slot = slots[codes] if len(slots) else np.full(len(codes), -1, dtype=np.int64)
        length = np.where(slot >= 0, self._length[np.maximum(slot, 0)] if len(self._length) else 0, -1)
        return (slot >= 0) & (starts >= 0) & (starts <= ends) & (ends <= length)

    def cut(self, nids: list, codes: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> tuple[Any, np.ndarray]:
        """The passages of rows (story ``nids[codes]``, ``[start, end)``) as a ``large_string`` array.

        Returns the array (null where a row cannot be cut, see :meth:`fits`) and which rows were cut.
        """
        import pyarrow as pa

        codes = np.asarray(codes, dtype=np.int64)
        ok = self.fits(nids, codes, starts, ends)
        slot = np.where(ok, self._slots(list(nids))[codes] if len(nids) else -1, 0)
        rows = np.flatnonzero(ok)
        first, last = np.zeros(len(codes), dtype=np.int64), np.zeros(len(codes), dtype=np.int64)
        if len(rows):
            first[rows] = self._byte(slot[rows], np.asarray(starts)[rows].astype(np.int64))
            last[rows] = self._byte(slot[rows], np.asarray(ends)[rows].astype(np.int64))
        views = self._views(first, last - first)
        validity = None if ok.all() else pa.py_buffer(np.packbits(ok, bitorder="little"))
        data = self._data if len(self._data) else np.zeros(1, dtype=np.uint8)
        array = pa.Array.from_buffers(pa.string_view(), len(codes), [validity, pa.py_buffer(views),
                                                                     pa.py_buffer(data)])
        return array.cast(pa.large_string()), ok

    def _byte(self, slot: np.ndarray, points: np.ndarray) -> np.ndarray:
        """Positions in the byte buffer of code point *points* of the stories in *slot*."""
        at = self._map_at[slot]
        where = self._base[slot] + points
        wide = np.flatnonzero(at >= 0)
        if len(wide):
            where[wide] = self._base[slot[wide]] + self._map[at[wide] + points[wide]]
        return where

    def _views(self, first: np.ndarray, size: np.ndarray) -> np.ndarray:
        """The 16-byte views of byte ranges ``[first, first + size)`` of the buffer (Arrow's string_view layout)."""
        views = np.zeros((len(first), 4), dtype=np.int32)
        views[:, 0] = size
        raw = views.view(np.uint8).reshape(len(first), 16)
        short = np.flatnonzero(size <= _INLINE)
        if len(short):  # short strings are held in the view itself
            spots = first[short, None] + np.arange(_INLINE)
            inside = np.arange(_INLINE) < size[short, None]
            raw[short, 4:] = np.where(inside, self._data[np.minimum(spots, max(len(self._data) - 1, 0))]
                                      if len(self._data) else 0, 0)
        long = np.flatnonzero(size > _INLINE)
        if len(long):  # longer ones: their first 4 bytes, then buffer 0 at their offset
            raw[long, 4:8] = self._data[first[long, None] + np.arange(4)]
            views[long, 3] = first[long]
        return views
