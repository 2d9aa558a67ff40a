"""Which words people use: word frequencies over the stories, by narrative, attribute, speaker, code or coder.

Counting respects consent: a ``"restricted"`` story is counted like any other (a count quotes
nothing), a withdrawn one is gone. Speaker labels of transcripts (``Ana:``) are not words of
the story and are never counted. Stop words (``"en"``, ``"es"``) are lists shipped in
``workbench/analysis/stop_words/``: function words and the fillers of spoken transcripts.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Iterable

import numpy as np
import pandas as pd

from ..query import AnalysisError, as_list, checked_codings, code_order, expand_codes, with_dimension

if TYPE_CHECKING:  # pragma: no cover
    from ..project import Project

__all__ = ["STOP_WORD_LANGUAGES", "stop_words", "word_frequencies"]

_FOLDER = Path(__file__).with_name("stop_words")
STOP_WORD_LANGUAGES = tuple(sorted(path.stem for path in _FOLDER.glob("*.txt")))
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)*")
_CODING_DIMS = ("code", "coder")
NO_SPEAKER = "(no speaker)"


@lru_cache(maxsize=None)
def _stop_list(language: str) -> frozenset[str]:
    lines = (_FOLDER / f"{language}.txt").read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def stop_words(which: str | Iterable[str] | None = "en") -> frozenset[str]:
    """The stop words for *which*: a language code (``"en"``, ``"es"``), several, your own words, or None.

    >>> "the" in stop_words("en"), "porque" in stop_words(["en", "es"]), len(stop_words(None))
    (True, True, 0)
    >>> sorted(stop_words(["peer", "support"]))
    ['peer', 'support']
    """
    if which is None or which is False:
        return frozenset()
    items = [which] if isinstance(which, str) else list(which)
    words: set[str] = set()
    for item in items:
        if not isinstance(item, str):
            raise AnalysisError(f"stop_words must be a language code or words (text), got {item!r}.")
        if item in STOP_WORD_LANGUAGES:
            words |= _stop_list(item)
        elif isinstance(which, str):
            raise AnalysisError(f"There is no stop-word list {item!r}; lists: {', '.join(STOP_WORD_LANGUAGES)} "
                                "(or give your own words, or None).")
        else:
            words.add(item.casefold().replace("’", "'"))
    return frozenset(words)


_stop_words = stop_words  # word_frequencies' argument of the same name hides the function


def _spans(p: "Project", dims: list[str], within_code: str | Iterable[str] | None, coder, include_children) \
        -> pd.DataFrame:
    """The passages to count: whole stories, or (with codes or coders in play) the coded passages, merged."""
    if within_code is None and coder is None and not set(dims) & set(_CODING_DIMS):
        nids = p.narratives["id"].tolist()
        return pd.DataFrame({"narrative_id": nids, "start": 0, "end": [len(p.text(n)) for n in nids]})
    frame = checked_codings(p, coder=coder)
    if within_code is not None:
        wanted = expand_codes(p, as_list(within_code), include_children=include_children)
        frame = frame[frame["code"].isin(wanted).to_numpy()]
    keys = ["narrative_id", *[d for d in _CODING_DIMS if d in dims]]
    return _merged(frame[[*keys, "start", "end"]], keys)


def _merged(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Overlapping passages of one group made one, so no word is counted twice."""
    if frame.empty:
        return frame.reset_index(drop=True)
    frame = frame.sort_values([*keys, "start"], kind="stable").reset_index(drop=True)
    same = (frame[keys].shift() == frame[keys]).all(axis=1).to_numpy()
    reach = frame.groupby(keys, sort=False)["end"].cummax().shift().to_numpy()
    fresh = ~same | ~(frame["start"].to_numpy() <= np.nan_to_num(reach.astype(float), nan=-1))
    block = np.cumsum(fresh)
    merged = frame.groupby(block, sort=False).agg({**{k: "first" for k in keys}, "start": "min", "end": "max"})
    return merged.reset_index(drop=True)


def _speech(p: "Project", spans: pd.DataFrame) -> pd.DataFrame:
    """*spans* cut to what people said: transcript labels left out, each piece with its turn's speaker."""
    rows = []
    known: dict[str, pd.DataFrame] = {}
    for row in spans.itertuples(index=False):
        if row.narrative_id not in known:
            known[row.narrative_id] = p.turns(row.narrative_id)
        turns = known[row.narrative_id]
        if turns.empty:
            rows.append({**row._asdict(), "speaker": NO_SPEAKER})
            continue
        for start, end, speaker in zip(turns["start"], turns["end"], turns["speaker"]):
            speech = start + (len(speaker) + 2 if speaker else 0)
            a, b = max(row.start, speech), min(row.end, end)
            if a < b:
                rows.append({**row._asdict(), "start": a, "end": b, "speaker": speaker or NO_SPEAKER})
    return pd.DataFrame(rows, columns=[*spans.columns, "speaker"])


def word_frequencies(p: "Project", by: str | Iterable[str] | None = None,
                     within_code: str | Iterable[str] | None = None, stop_words: str | Iterable[str] | None = "en",
                     coder: str | Iterable[str] | None = None, include_children: bool = False,
                     top: int | None = None, min_length: int = 2) -> pd.DataFrame:
    """How often each word is used: ``[<by>...], word, count, narratives``, most used first.

    *by*: ``None`` (the whole project), ``"narrative"``, a narrative attribute, ``"speaker"``
    (whose turn of a transcript), ``"code"`` or ``"coder"`` (the passages they coded), or a
    list of these. *within_code* counts only passages coded with those codes (and their
    children with *include_children*); overlapping passages count once. *stop_words*: a list
    name (``"en"``, ``"es"``, or both as a list), your own words, or None to keep every word.
    *top* keeps the most used words of each group; *min_length* drops shorter words.

    >>> words = wb.analysis.word_frequencies(p, by="setting", top=3)
    >>> list(words.columns)
    ['setting', 'word', 'count', 'narratives']
    >>> coded = wb.analysis.word_frequencies(p, within_code="reciprocity", top=5)
    """
    dims = [] if by is None else as_list(by, unique=True)
    stops = _stop_words(stop_words)
    spans = _spans(p, dims, within_code, coder, include_children)
    for dim in dims:
        if dim not in _CODING_DIMS and dim != "speaker":
            spans, column = with_dimension(p, spans, dim)
            dims[dims.index(dim)] = column
    spans = _speech(p, spans)
    groups = list(dims)
    counts: Counter = Counter()
    texts = {nid: p.text(nid) for nid in spans["narrative_id"].unique()}
    for values in spans[[*groups, "narrative_id", "start", "end"]].itertuples(index=False, name=None):
        *key, nid, start, end = values
        for word in _WORD.findall(texts[nid][start:end].casefold().replace("’", "'")):
            if len(word) >= min_length and word not in stops:
                counts[(*key, nid, word)] += 1
    frame = pd.DataFrame([(*k, n) for k, n in counts.items()], columns=[*groups, "_story", "word", "count"])
    result = frame.groupby([*groups, "word"], sort=False).agg(count=("count", "sum"),
                                                              narratives=("_story", "nunique")).reset_index()
    rank = {name: i for i, name in enumerate(code_order(p, result["code"]))} if "code" in groups else {}
    result = result.sort_values([*groups, "count", "word"], ascending=[True] * len(groups) + [False, True],
                                kind="stable", key=lambda s: s.map(rank) if s.name == "code" else s)
    if top is not None:
        result = result.groupby(groups, sort=False).head(top) if groups else result.head(top)
    result[["count", "narratives"]] = result[["count", "narratives"]].astype("int64")
    return result.reset_index(drop=True)
