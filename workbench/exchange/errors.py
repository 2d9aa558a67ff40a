"""What the exchange refuses, and why. All are :class:`~workbench.errors.WorkbenchError`\\ s.

A ``.qdpx`` or ``.qdc`` from elsewhere is untrusted input. When one of these is raised,
nothing has been written: no project folder, no codebook event.
"""

from __future__ import annotations

from ..errors import WorkbenchError


class ExchangeError(WorkbenchError):
    """A REFI-QDA file that cannot be imported, or an export that cannot be written."""


class NotAnArchiveError(ExchangeError):
    """The file is not a readable zip archive (a ``.qdpx`` is a zip)."""


class UnsafeArchiveError(ExchangeError):
    """An archive entry would escape its folder (``../``, an absolute path, a link)."""


class ArchiveBombError(ExchangeError):
    """The archive unpacks to far more than it weighs, or to more than the import allows."""


class UnsafeXMLError(ExchangeError):
    """The XML declares a DTD or entities: refused, whatever they would do."""


class InvalidXMLError(ExchangeError):
    """The XML is not well-formed, or not a REFI-QDA project/codebook the workbench understands."""


class SelectionError(ExchangeError):
    """A text selection lies outside its source's text, or runs backwards."""


class MissingSourceError(ExchangeError):
    """A source file the project names is not in the archive (with ``missing_sources="refuse"``)."""


__all__ = ["ExchangeError", "NotAnArchiveError", "UnsafeArchiveError", "ArchiveBombError", "UnsafeXMLError",
           "InvalidXMLError", "SelectionError", "MissingSourceError"]
