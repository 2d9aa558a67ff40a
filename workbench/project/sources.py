"""Project commands for sources with structure: transcripts, their turns and times, media, pages, speakers."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Mapping

import numpy as np
import pandas as pd

from ..errors import WorkbenchError
from ..sources import build, read_transcript, rename_speakers
from ..store.structure import Structure, media_file

#: Audio and video files a browser can play, kept beside a transcript under ``media/``.
MEDIA_SUFFIXES = (".mp3", ".wav", ".ogg", ".oga", ".opus", ".m4a", ".aac", ".flac", ".mp4", ".m4v", ".webm", ".mov")
#: The speaker of a coding outside any turn (a story that is not a transcript).
NO_SPEAKER = "(no speaker)"
_TURN_COLUMNS = ["turn", "start", "end", "speaker", "time_start", "time_end"]


def check_media(media: Any) -> Path | None:
    """*media* as an existing audio or video file, or a :class:`WorkbenchError` saying what is wrong.

    >>> check_media(None) is None
    True
    """
    if media is None:
        return None
    path = Path(media)
    if path.suffix.lower() not in MEDIA_SUFFIXES:
        raise WorkbenchError(f"{path}: media must be an audio or video file ({', '.join(MEDIA_SUFFIXES)}).")
    if not path.is_file():
        raise WorkbenchError(f"{path} does not exist; give the recording's file, or leave media out.")
    return path


def times_at(structure: Structure | None, offsets: Any) -> np.ndarray:
    """Seconds at each of *offsets*, interpolated between the time anchors (NaN where there are none).

    >>> times_at(Structure(anchors=[(0, 0.0), (10, 5.0)]), [0, 4, 10, 30]).tolist()
    [0.0, 2.0, 5.0, 5.0]
    """
    points = np.asarray(offsets, dtype=np.float64)
    if structure is None or not len(structure.anchor_offset):
        return np.full(points.shape, np.nan)
    return np.interp(points, structure.anchor_offset, structure.anchor_seconds)


class SourceCommands:
    """Transcripts and PDFs in a :class:`~workbench.Project`: import, turns, times, pages, media, speakers."""

    _folder: Any  # the Project's folder; text() and _add_narratives() are the Project's too

    def import_transcript(self, path: str | os.PathLike, title: str | None = None, narrator: str = "",
                          media: str | os.PathLike | None = None, attributes: Mapping[str, Any] | None = None,
                          consent: str = "given", id: str | None = None, speakers: list[str] | None = None,
                          pseudonyms: str | os.PathLike | None = None) -> str:
        """Import an interview or conversation transcript as a narrative with its turns and times; returns its id.

        Reads WebVTT and SRT (``<v Name>`` voice tags, ``Name:`` prefixes), oTranscribe (``.otr``)
        and plain text with ``[hh:mm:ss]`` stamps and ``Name:`` turns, and .docx transcripts
        (speaker in bold or before a colon). The text reads as a transcript (``Name: words``,
        one paragraph a turn); turns and time anchors are kept beside it, and *media* (the
        recording) is copied to the project's ``media/`` folder. With *pseudonyms* (a
        ``real,pseudonym`` CSV outside the project), speakers and names in the text are
        replaced before anything is written.

        >>> _ = Path("call-07.vtt").write_text("WEBVTT\\n\\n00:00.000 --> 00:03.000\\n<v Ana>How was the night?\\n\\n"
        ...                                    "00:03.500 --> 00:07.000\\n<v R07>Long. Then someone called back.\\n")
        >>> nid = p.import_transcript("call-07.vtt", title="Warm line, night 7", narrator="R07")
        >>> p.turns(nid)[["speaker", "time_start"]].values.tolist()
        [['Ana', 0.0], ['R07', 3.5]]
        """
        source = Path(path)
        media_path = check_media(media)
        parts = read_transcript(source, speakers=speakers)
        title = title or source.stem.replace("_", " ").replace("-", " ").strip() or source.name
        item = {"text": build(parts)[0], "parts": parts, "title": title, "narrator": narrator,
                "attributes": dict(attributes or {}), "consent": consent, "id": id}
        if pseudonyms is not None:
            apply_pseudonym_file([item], pseudonyms, self._folder.path)
        built = finish_parts([{**item, "source": source.name}])[0]
        return self._add_narratives([{**built, "media": media_path}])[0]

    def _structure(self, nid: str) -> Structure | None:
        self.text(nid)  # an unknown or withdrawn narrative says so
        return self._folder.narratives.structures.items.get(nid)

    def turns(self, nid: str) -> pd.DataFrame:
        """The turns of narrative *nid*: turn, start, end, speaker, time_start, time_end (seconds, NaN if untimed).

        A narrative that is not a transcript has no turns (an empty frame).

        >>> list(p.turns(nid).columns)
        ['turn', 'start', 'end', 'speaker', 'time_start', 'time_end']
        """
        structure = self._structure(nid)
        if structure is None:
            structure = Structure()
        starts, ends = structure.turn_start, structure.turn_end
        return pd.DataFrame({"turn": np.arange(len(starts), dtype=np.int64), "start": starts, "end": ends,
                             "speaker": structure.speaker, "time_start": times_at(structure, starts),
                             "time_end": times_at(structure, ends)}, columns=_TURN_COLUMNS)

    def pages(self, nid: str) -> pd.DataFrame:
        """The pages of a narrative imported from a PDF: page, start, end (empty for other narratives).

        >>> list(p.pages(nid).columns)
        ['page', 'start', 'end']
        """
        structure = self._structure(nid) or Structure()
        return pd.DataFrame({"page": structure.page_number, "start": structure.page_start,
                             "end": structure.page_end})

    def time_at(self, nid: str, offset: int) -> float | None:
        """Seconds into the recording at character *offset* of narrative *nid* (None if it has no times).

        Between two time anchors the time is interpolated, so a click inside a long turn plays near its words.

        >>> p.time_at(nid, 0) is None
        True
        """
        value = float(times_at(self._structure(nid), [offset])[0])
        return None if np.isnan(value) else value

    def media_path(self, nid: str) -> Path | None:
        """The path of narrative *nid*'s recording under ``media/``, or None if it has none (or it went missing).

        >>> p.media_path(nid) is None
        True
        """
        self.text(nid)
        return media_file(self._folder.path, nid)

    def with_speakers(self, frame: pd.DataFrame) -> pd.DataFrame:
        """A codings frame (``narrative_id, start, end``) with a ``speaker`` column: whose turn holds most of it.

        Codings outside any turn (stories that are not transcripts) get ``"(no speaker)"``.

        >>> p.with_speakers(p.codings())["speaker"].iloc[0]
        '(no speaker)'
        """
        speakers = np.full(len(frame), NO_SPEAKER, dtype=object)
        items = self._folder.narratives.structures.items
        nids = frame["narrative_id"].to_numpy(dtype=object)
        for nid in set(nids) & items.keys():
            starts, ends, names = items[nid].turn_start, items[nid].turn_end, items[nid].speaker
            if not len(starts):
                continue
            every = np.flatnonzero(nids == nid)
            for rows in np.array_split(every, max(1, len(every) * len(starts) // 1_000_000)):
                a = frame["start"].to_numpy(np.int64)[rows, None]
                b = frame["end"].to_numpy(np.int64)[rows, None]
                overlap = np.clip(np.minimum(b, ends[None, :]) - np.maximum(a, starts[None, :]), 0, None)
                speakers[rows] = np.where(overlap.max(axis=1) > 0, names[overlap.argmax(axis=1)],
                                          NO_SPEAKER)
        return frame.assign(speaker=speakers)


def finish_parts(items: list[dict]) -> list[dict]:
    """Items read with ``parts`` (transcripts, PDFs) with their final text and structure built from them.

    >>> from workbench.sources import Part
    >>> finish_parts([{"parts": [Part("Hi.", "Ana", 1.0)], "text": ""}])[0]["text"]
    'Ana: Hi.'
    """
    for item in items:
        parts, source = item.pop("parts", None), item.pop("source", "")
        if parts:
            item["text"], structure = build(parts)
            structure.source = source
            item["structure"] = structure
    return items


def apply_pseudonym_file(items: list[dict], pseudonyms: str | os.PathLike, project_path: Path) -> None:
    """Replace real names in every text, title, narrator, attribute, speaker and part of *items*, before writing.

    >>> from workbench.sources import Part
    >>> _ = Path("names.csv").write_text("real,pseudonym\\nMaria,Lucia\\n"); Path("names.csv").chmod(0o600)
    >>> items = [{"text": "Maria: hi", "parts": [Part("hi", "Maria")], "narrator": "Maria"}]
    >>> apply_pseudonym_file(items, "names.csv", Path("project"))
    >>> items[0]["narrator"], items[0]["parts"][0].speaker
    ('Lucia', 'Lucia')
    """
    from ..care import apply_pseudonyms, load_pseudonyms

    seen = [str(v) for item in items for v in (item["text"], item.get("title"), item.get("narrator"),
                                                 *(item.get("attributes") or {}).values()) if v]
    mapping = load_pseudonyms(pseudonyms, texts=seen, project_path=project_path)
    for item in items:
        for key in ("text", "title", "narrator"):
            if item.get(key):
                item[key] = apply_pseudonyms(item[key], mapping)
        item["attributes"] = {k: apply_pseudonyms(v, mapping) if isinstance(v, str) and v else v
                              for k, v in (item.get("attributes") or {}).items()}
        if item.get("parts"):
            item["parts"] = rename_speakers(item["parts"], lambda value: apply_pseudonyms(value, mapping))
