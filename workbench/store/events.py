"""The one definition of each kind of event the logs hold, and how it is written and read.

A coding event's fields (:data:`CODING_FIELDS`) drive everything about it: the dict of a single
write (:func:`coding_event`), its JSON line (:func:`record_line`), the bulk writer's lines
(:func:`coding_lines`) and Arrow table (:func:`coding_table`), and the Arrow schema the reader
parses with (:func:`coding_schema`, :func:`codings_from_bytes`). Memo and codebook events are
defined here too. Nothing else in the package spells out an event's fields.
"""

from __future__ import annotations

import json
from functools import lru_cache
from itertools import chain, repeat
from json.encoder import encode_basestring as _quote  # keeps non-ASCII readable, like record_line
from pathlib import Path
from typing import Any, Iterable, Mapping

from . import logs

#: The kinds of coding event: a passage coded, a coding removed by its coder, a coding's note set.
CODING_KINDS = ("coded", "uncoded", "noted")
#: Every field of a coding event, in the order its JSON line is written, with its type.
CODING_FIELDS: tuple[tuple[str, str], ...] = (
    ("event", "text"), ("id", "text"), ("coder", "text"), ("at", "text"), ("narrative", "text"),
    ("start", "int"), ("end", "int"), ("code", "text"), ("code_id", "text"), ("text", "text"), ("note", "text"),
)
#: Fields a reader takes from the log's file name, not from the line (a line cannot claim another coder).
FROM_FILE = frozenset({"coder"})
#: Fields of a memo event, in the order its JSON line is written.
MEMO_FIELDS = ("event", "id", "coder", "at", "kind", "title", "text", "narrative", "code", "code_id", "coding",
               "participants")
MEMO_KINDS = ("reflexive", "analytic", "dialogue")
#: What else a memo log holds: a memo's words changed by its writer, its tombstone, a reply in a dialogue.
MEMO_CHANGE_FIELDS = {
    "edit": ("event", "id", "coder", "at", "text", "title"),
    "deleted": ("event", "id", "coder", "at"),  # a tombstone: when, never what
    "reply": ("event", "id", "coder", "at", "memo", "text"),
}
#: The kinds of codebook change (each a line in ``events/codebook/<coder>.jsonl``).
CODEBOOK_KINDS = ("add", "rename", "edit", "merge", "split", "retire", "reinstate")
#: The kinds of governance event beside them: a change proposed, endorsed, objected to, withdrawn.
PROPOSAL_KINDS = ("propose", "endorse", "object", "withdraw")
#: Fields of a coder-attributes event (``events/coders/<writer>.jsonl``): who it is about, and the values.
CODER_FIELDS = ("event", "person", "attributes", "coder", "at")
#: The kinds of theme change (each a line in ``events/themes/<coder>.jsonl``).
THEME_KINDS = ("add", "rename", "edit", "codes", "passage", "unpassage", "phase", "merge", "split", "discard",
               "reinstate", "memo")
_NAMES = tuple(name for name, _ in CODING_FIELDS)
_KEEP_NONE = frozenset({"note"})  # a noted event may clear a note: its null is meaningful


def dumps(record: Mapping[str, Any]) -> str:
    """One record as one compact JSON line, non-ASCII kept readable.

    >>> dumps({"event": "coded", "text": "café"})
    '{"event":"coded","text":"café"}\\n'
    """
    return json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n"


def record_line(record: Mapping[str, Any]) -> str:
    """The JSON line of one event as written: empty (``None``) fields left out, except a note.

    >>> record_line({"event": "uncoded", "id": "c1", "coder": "ana", "code": None})
    '{"event":"uncoded","id":"c1","coder":"ana"}\\n'
    """
    return dumps({k: v for k, v in record.items() if v is not None or k in _KEEP_NONE})


def coding_event(**values: Any) -> dict[str, Any]:
    """A coding event as a dict, its fields in the written order; unknown fields are refused.

    >>> coding_event(event="uncoded", id="c1", coder="ana", at="2026-01-01T00:00:00.000000Z", narrative="n")
    {'event': 'uncoded', 'id': 'c1', 'coder': 'ana', 'at': '2026-01-01T00:00:00.000000Z', 'narrative': 'n'}
    """
    unknown = set(values) - set(_NAMES)
    if unknown:
        raise ValueError(f"a coding event has no field(s) {sorted(unknown)}")
    if values.get("event") not in CODING_KINDS:
        raise ValueError(f"a coding event is one of {CODING_KINDS}, not {values.get('event')!r}")
    return {name: values[name] for name in _NAMES if name in values}


@lru_cache(maxsize=1)
def coding_schema() -> Any:
    """The Arrow schema coding events are parsed into (every field but those the file name gives).

    >>> coding_schema().names
    ['event', 'id', 'at', 'narrative', 'start', 'end', 'code', 'code_id', 'text', 'note']
    """
    import pyarrow as pa

    types = {"text": pa.string(), "int": pa.int64()}
    return pa.schema([(name, types[kind]) for name, kind in CODING_FIELDS if name not in FROM_FILE])


def _encoded(kind: str, values: list) -> list[str]:
    if kind == "int":
        return list(map(str, values))
    if len(set(values[:256])) * 4 < min(len(values), 256):  # few values (narratives, codes): encode each once
        distinct = dict.fromkeys(values)
        for value in distinct:
            distinct[value] = "null" if value is None else _quote(value)
        return [distinct[v] for v in values]
    if None in values:
        return ["null" if v is None else _quote(v) for v in values]
    return list(map(_quote, values))


def coding_lines(columns: Mapping[str, Any], rows: int) -> str:
    """The JSON lines of *rows* coded events at once; a column is a sequence, or one value for every row.

    Gives the same bytes as :func:`record_line` of each :func:`coding_event` (a note is always written).

    >>> print(coding_lines({"event": "coded", "id": ["a", "b"], "coder": "ana", "at": "t", "narrative": "n",
    ...                     "start": [0, 5], "end": [4, 9], "code": "hope", "code_id": "hope",
    ...                     "text": ["once", "then"], "note": [None, "x"]}, 2), end="")
    {"event":"coded","id":"a","coder":"ana","at":"t","narrative":"n","start":0,"end":4,"code":"hope","code_id":"hope","text":"once","note":null}
    {"event":"coded","id":"b","coder":"ana","at":"t","narrative":"n","start":5,"end":9,"code":"hope","code_id":"hope","text":"then","note":"x"}
    """
    pieces, text = [], "{"
    for name, kind in CODING_FIELDS:
        value = columns[name]
        text += ("," if text != "{" else "") + f'"{name}":'
        if isinstance(value, (str, int)) or value is None:  # the same for every row: encoded once
            text += _encoded(kind, [value])[0]
            continue
        values = value.tolist() if hasattr(value, "tolist") else list(value)
        if len(values) != rows:
            raise ValueError(f"column {name!r} has {len(values)} values for {rows} rows")
        pieces += [repeat(text), _encoded(kind, values)]
        text = ""
    pieces.append(repeat(text + "}\n"))
    # one join over the pieces of every line, row by row: all of it runs in C
    return "".join(chain.from_iterable(zip(*pieces))) if rows else ""


def coding_table(columns: Mapping[str, Any], rows: int) -> Any:
    """The same columns as :func:`coding_lines`, as an Arrow table with :func:`coding_schema`.

    >>> coding_table({"event": "coded", "id": ["a"], "coder": "ana", "at": "t", "narrative": "n", "start": [0],
    ...               "end": [4], "code": "hope", "code_id": "hope", "text": ["once"], "note": [None]}, 1).num_rows
    1
    """
    import pyarrow as pa

    schema = coding_schema()
    arrays = []
    for field in schema:
        value = columns[field.name]
        if isinstance(value, (str, int)) or value is None:
            value = [value] * rows
        arrays.append(pa.array(value, field.type))
    return pa.Table.from_arrays(arrays, schema=schema)


def coding_events_table(records: Iterable[Mapping[str, Any]]) -> Any:
    """Coding events given as dicts (missing fields empty) as one Arrow table.

    >>> coding_events_table([coding_event(event="uncoded", id="c1", coder="ana", at="t", narrative="n")]).num_rows
    1
    """
    import pyarrow as pa

    return pa.Table.from_pylist(list(records), schema=coding_schema())


def codings_from_bytes(data: bytes, source: Path) -> Any:
    """Coding events in *data* (whole lines of *source*) as an Arrow table, or ``None`` if there are none.

    Bulk data goes through pyarrow's JSON reader; on a torn or foreign line (or a little data)
    the careful line-by-line parser reads it instead, skipping bad lines with a warning.

    >>> codings_from_bytes(b'{"event":"coded","id":"c1","narrative":"n","start":0,"end":3}\\n', Path("x")).num_rows
    1
    """
    table = logs.parse_lines_fast(data, source, coding_schema()) if len(data) > 1 << 16 else None
    if table is None:
        records = logs.parse_lines(data, source)
        if not records:
            return None
        table = coding_events_table(records)
    return table


def memo_event(**values: Any) -> dict[str, Any]:
    """A memo event as a dict, its fields in the written order (missing ones empty).

    >>> memo_event(id="m1", coder="ana", at="t", kind="reflexive", text="I noticed...")["narrative"] is None
    True
    """
    unknown = set(values) - set(MEMO_FIELDS)
    if unknown:
        raise ValueError(f"a memo event has no field(s) {sorted(unknown)}")
    return {name: ("memo" if name == "event" else values.get(name)) for name in MEMO_FIELDS}


def memo_change(**values: Any) -> dict[str, Any]:
    """An edit, a tombstone or a reply of a memo log, its fields in the written order; others refused.

    >>> memo_change(event="deleted", id="m1", coder="ana", at="t")
    {'event': 'deleted', 'id': 'm1', 'coder': 'ana', 'at': 't'}
    """
    fields = MEMO_CHANGE_FIELDS.get(values.get("event"))
    if fields is None:
        raise ValueError(f"a memo change is one of {tuple(MEMO_CHANGE_FIELDS)}, not {values.get('event')!r}")
    unknown = set(values) - set(fields)
    if unknown:
        raise ValueError(f"a {values['event']} event has no field(s) {sorted(unknown)}")
    return {name: values.get(name) for name in fields}


def coder_event(person: str, attributes: Mapping[str, str], coder: str, at: str) -> dict[str, Any]:
    """The event that sets attributes of *person* (a coder), written by *coder*.

    >>> coder_event("ana", {"role": "peer worker"}, "ana", "t")
    {'event': 'attributes', 'person': 'ana', 'attributes': {'role': 'peer worker'}, 'coder': 'ana', 'at': 't'}
    """
    return {"event": "attributes", "person": person, "attributes": dict(attributes), "coder": coder, "at": at}


def codebook_events(changes: Iterable[dict], coder: str, at: str) -> list[dict]:
    """Codebook changes (or proposals about them) stamped as one change: the same coder and time, their order.

    >>> codebook_events([{"event": "retire", "code_id": "hope"}], "ana", "t")
    [{'event': 'retire', 'code_id': 'hope', 'coder': 'ana', 'at': 't', 'seq': 0}]
    """
    events = []
    for seq, change in enumerate(changes):
        if change.get("event") not in CODEBOOK_KINDS + PROPOSAL_KINDS:
            raise ValueError(f"a codebook event is one of {CODEBOOK_KINDS + PROPOSAL_KINDS}, "
                             f"not {change.get('event')!r}")
        change.update(coder=coder, at=at, seq=seq)
        events.append(change)
    return events


def theme_events(changes: Iterable[dict], coder: str, at: str) -> list[dict]:
    """Theme changes stamped as one change: the same coder and time, and their order (``seq``).

    >>> theme_events([{"event": "phase", "theme_id": "t1", "to": "reviewed"}], "ana", "t")
    [{'event': 'phase', 'theme_id': 't1', 'to': 'reviewed', 'coder': 'ana', 'at': 't', 'seq': 0}]
    """
    events = []
    for seq, change in enumerate(changes):
        if change.get("event") not in THEME_KINDS:
            raise ValueError(f"a theme event is one of {THEME_KINDS}, not {change.get('event')!r}")
        change.update(coder=coder, at=at, seq=seq)
        events.append(change)
    return events
