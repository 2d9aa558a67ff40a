"""Opening untrusted archives and XML without trusting them.

Nothing here ever extracts to disk: members are read into memory or streamed to the
parser. Still, an archive whose entries *would* escape a folder (``../``, absolute
paths, links) is refused as a whole, because it was made to attack someone.
"""

from __future__ import annotations

import io
import re
import stat
import zipfile
import zlib
from pathlib import Path
from typing import IO, Iterator

from .errors import ArchiveBombError, InvalidXMLError, NotAnArchiveError, UnsafeArchiveError, UnsafeXMLError

#: Most bytes an archive may unpack to in total (a 1,000,000-coding project is about 0.5 GB).
MAX_TOTAL_BYTES = 4 << 30
#: Most bytes one member may unpack to per compressed byte (real XML stays far below 100).
MAX_RATIO = 250
#: The ratio check applies to members that unpack to more than this.
RATIO_FLOOR = 16 << 20
MAX_ENTRIES = 200_000

_DRIVE = re.compile(r"^[A-Za-z]:")


class SafeArchive:
    """A zip archive whose entry names, sizes and types were checked before anything is read.

    >>> path = wb.exchange.export_qdpx(p, "team.qdpx")
    >>> with SafeArchive(path) as archive:
    ...     data = archive.read(archive.find("project.qde"))
    >>> data[:5]
    b'<?xml'
    """

    def __init__(self, path: str | Path, max_total: int = MAX_TOTAL_BYTES, max_ratio: float = MAX_RATIO) -> None:
        self.path = Path(path)
        try:
            self._zip = zipfile.ZipFile(self.path)
        except FileNotFoundError:
            raise NotAnArchiveError(f"{self.path} does not exist.") from None
        except (zipfile.BadZipFile, OSError, ValueError) as exc:
            raise NotAnArchiveError(
                f"{self.path} is not a readable .qdpx: a .qdpx is a zip archive, and this one does not open "
                f"as a zip ({exc}). A codebook (.qdc) is imported with p.codebook.import_qdc(...)."
            ) from None
        try:
            self._check(max_total, max_ratio)
        except BaseException:
            self._zip.close()
            raise
        self._by_key = {_key(i.filename): i for i in self._zip.infolist() if not i.is_dir()}

    def _check(self, max_total: int, max_ratio: float) -> None:
        infos = self._zip.infolist()
        if len(infos) > MAX_ENTRIES:
            raise ArchiveBombError(f"{self.path} has {len(infos):,} entries (at most {MAX_ENTRIES:,} are read).")
        total, seen = 0, {}
        for info in infos:
            name = info.filename
            problem = _unsafe_name(name)
            if problem is None and stat.S_ISLNK(info.external_attr >> 16):
                problem = "is a symbolic link"
            if problem:
                raise UnsafeArchiveError(
                    f"{self.path} was refused: its entry {name!r} {problem}, so unpacking it could write outside "
                    "its folder. Nothing was imported. Ask the sender for a fresh export from their QDA program."
                )
            if info.flag_bits & 0x1:
                raise NotAnArchiveError(
                    f"{self.path}: entry {name!r} is encrypted; export it again without a password.")
            key = _key(name)
            if key in seen and not info.is_dir():
                raise UnsafeArchiveError(
                    f"{self.path} was refused: it holds two entries named {seen[key]!r} and {name!r}; "
                    "programs would disagree about which one is meant."
                )
            seen[key] = name
            total += info.file_size
            if total > max_total:
                raise ArchiveBombError(
                    f"{self.path} unpacks to more than {max_total / 2**30:.1f} GiB; refused as a possible "
                    "archive bomb. Nothing was imported."
                )
            if info.file_size > RATIO_FLOOR and info.file_size > max_ratio * max(info.compress_size, 1):
                raise ArchiveBombError(
                    f"{self.path} was refused: entry {name!r} unpacks to {info.file_size:,} bytes from "
                    f"{info.compress_size:,} (more than {max_ratio:g} times), the mark of an archive bomb."
                )

    # ------------------------------------------------------------------ lookups
    def names(self) -> list[str]:
        return [i.filename for i in self._zip.infolist() if not i.is_dir()]

    def find(self, *candidates: str) -> zipfile.ZipInfo | None:
        """The entry matching one of *candidates*, ignoring case, braces and ``\\`` vs ``/``."""
        for candidate in candidates:
            info = self._by_key.get(_key(candidate))
            if info is not None:
                return info
        return None

    def top_level(self, suffix: str) -> list[zipfile.ZipInfo]:
        """Entries at the top of the archive whose name ends with *suffix* (any case)."""
        return [i for i in self._by_key.values()
                if "/" not in _key(i.filename) and i.filename.lower().endswith(suffix)]

    def open(self, info: zipfile.ZipInfo) -> IO[bytes]:
        """A stream of the member's bytes (sizes are enforced by zipfile and checked above)."""
        return _Guarded(self._zip.open(info), self.path, info.filename)

    def read(self, info: zipfile.ZipInfo) -> bytes:
        with self.open(info) as handle:
            return handle.read()

    def close(self) -> None:
        self._zip.close()

    def __enter__(self) -> "SafeArchive":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class _Guarded(io.RawIOBase):
    """Turns zip read errors (bad CRC, truncated data) into a clear :class:`NotAnArchiveError`."""

    def __init__(self, raw: IO[bytes], path: Path, name: str) -> None:
        self._raw, self._path, self._name = raw, path, name

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        try:
            return self._raw.read(size)
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError) as exc:
            raise NotAnArchiveError(f"{self._path}: entry {self._name!r} is damaged ({exc}).") from None

    def readinto(self, buffer) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        self._raw.close()
        super().close()


def _unsafe_name(name: str) -> str | None:
    if "\x00" in name:
        return "contains a NUL character"
    if name.startswith(("/", "\\")) or _DRIVE.match(name):
        return "is an absolute path"
    parts = re.split(r"[\\/]+", name)
    if any(part == ".." for part in parts):
        return "climbs out of the archive with '..'"
    return None


def _key(name: str) -> str:
    """Lookup key: case, braces around GUIDs, backslashes and ``./`` do not matter."""
    key = name.replace("\\", "/").lower().replace("{", "").replace("}", "")
    while key.startswith("./"):
        key = key[2:]
    return key


# ---------------------------------------------------------------------- XML
_PROLOG_SCAN = 1 << 16
_FIRST_ELEMENT = re.compile(rb"<[^?!]")


class _Prefixed(io.RawIOBase):
    """A stream that first returns *head*, then the rest of *stream*."""

    def __init__(self, head: bytes, stream: IO[bytes]) -> None:
        self._head, self._stream = head, stream

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        if self._head:
            if size is None or size < 0:
                head, self._head = self._head, b""
                return head + self._stream.read()
            head, self._head = self._head[:size], self._head[size:]
            return head
        return self._stream.read(size)


def _check_prolog(head: bytes, source: str) -> None:
    """Refuse a DTD before the parser sees it: no entity is ever declared, so none is expanded."""
    sample = head
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            sample = head.decode("utf-16", errors="ignore").encode("utf-8")
        except UnicodeError:  # pragma: no cover - errors="ignore"
            sample = head
    match = _FIRST_ELEMENT.search(sample)
    if match is None and len(head) >= _PROLOG_SCAN:
        raise UnsafeXMLError(f"{source} has no element in its first {_PROLOG_SCAN:,} bytes; refused.")
    prolog = sample[: match.start()] if match else sample
    if b"<!DOCTYPE" in prolog:
        raise UnsafeXMLError(
            f"{source} declares a DTD or entities (<!DOCTYPE ...>). REFI-QDA files never need one, and "
            "entities can read local files or expand into gigabytes, so the file was refused. Nothing was imported."
        )


class SafeXML:
    """Parse untrusted XML incrementally: no DTD, no entities, no network, no huge text nodes.

    Iterate it for lxml's ``(event, element)`` pairs (straight from lxml: no Python layer per
    event); use it as a context manager around the loop so parse errors become
    :class:`InvalidXMLError`. A DTD is refused before parsing (and again if lxml saw one).

    >>> import io
    >>> stream = io.BytesIO(b"<Project><Users/></Project>")
    >>> with SafeXML(stream, "project.qde", events=("end",)) as events:
    ...     print([element.tag for event, element in events])
    ['Users', 'Project']
    """

    def __init__(self, stream: IO[bytes], source: str, events=("start", "end"), tag=None) -> None:
        from lxml import etree

        self.source = source
        head = stream.read(_PROLOG_SCAN)
        _check_prolog(head, source)
        self._parser = etree.iterparse(
            _Prefixed(head, stream), events=events, tag=tag, resolve_entities=False, no_network=True,
            huge_tree=False, load_dtd=False, dtd_validation=False, remove_comments=True, remove_pis=True,
        )
        self.seen = False

    def __enter__(self):
        import itertools

        from lxml import etree

        try:
            first = next(self._parser, None)
        except etree.XMLSyntaxError as error:
            self.__exit__(type(error), error, None)
            raise
        if first is None:
            return iter(())
        self.seen = True
        info = first[1].getroottree().docinfo
        if info.doctype or info.internalDTD is not None or info.externalDTD is not None:
            raise UnsafeXMLError(f"{self.source} declares a DTD; refused. Nothing was imported.")
        return itertools.chain([first], self._parser)

    def __exit__(self, kind, error, trace) -> bool:
        from lxml import etree

        if isinstance(error, etree.XMLSyntaxError):
            raise InvalidXMLError(
                f"{self.source} is not well-formed XML ({error.msg or error}, line {error.lineno}). The file is "
                "damaged or was not written by a REFI-QDA exporter; nothing was imported."
            ) from None
        return False


def iterparse(stream: IO[bytes], source: str, events=("start", "end"), tag=None) -> Iterator[tuple[str, object]]:
    """:class:`SafeXML` as a plain generator (convenient where speed does not matter)."""
    reader = SafeXML(stream, source, events=events, tag=tag)
    with reader as parsed:
        yield from parsed
    if not reader.seen:
        raise InvalidXMLError(f"{source} holds no XML element; nothing was imported.")
