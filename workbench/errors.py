"""One family of errors: everything the workbench refuses is a :class:`WorkbenchError`.

Each message says what was wrong and how to fix it. When one of these is raised,
nothing has been written to the project folder.
"""


class WorkbenchError(Exception):
    """Base class of every error the workbench raises on bad input."""


class NotAProjectError(WorkbenchError):
    """The folder is not a workbench project (no ``workbench.toml``)."""


class ProjectExistsError(WorkbenchError):
    """A project (or other files) already lives where a new one was to be created."""


class IntegrityError(WorkbenchError):
    """A stored file no longer matches what the project recorded (e.g. a changed narrative)."""


class UnknownNarrativeError(WorkbenchError, KeyError):
    """No narrative with that id."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else ""


class UnknownCodeError(WorkbenchError, KeyError):
    """No current code with that name."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


class UnknownCodingError(WorkbenchError, KeyError):
    """No current coding with that id."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


class SpanError(WorkbenchError, ValueError):
    """A span is empty, reversed or outside the narrative's text."""


class CoderNameError(WorkbenchError, ValueError):
    """A coder name that cannot be used (it names a file in the project folder)."""


class CodebookError(WorkbenchError, ValueError):
    """A codebook file or change that cannot be applied (bad YAML, duplicate names, ...)."""


class EncodingError(WorkbenchError, ValueError):
    """A file that is not valid UTF-8 text (or another supported encoding)."""


class ConsentError(WorkbenchError):
    """An action that the narrator's consent does not allow (e.g. coding a withdrawn story)."""
