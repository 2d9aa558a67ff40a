"""Who and what can be named: coder names, code names, and the two kinds of coder that are not one person.

Every coding belongs to a named coder. Two prefixes mark coders that are not one person's
independent reading:

- ``auto:`` a machine coder (``autocode`` writes as ``auto:<pattern>``);
- ``group:`` a group's negotiated reading, recorded beside each person's own;
- ``narrator:`` a narrator's own answer to how their story was read (a distinct voice, never a coder).

:func:`counted_coders` is the one place that decides which coders count for a question.
"""

from __future__ import annotations

import re
from typing import Any, Iterable

from .errors import CodebookError, CoderNameError

#: Prefix of machine coders: their codings are never one more person's reading.
AUTO_PREFIX = "auto:"
#: Prefix of a group's negotiated reading: not one more independent coder.
GROUP_PREFIX = "group:"
#: Prefix of a narrator answering how their story was read: a voice of its own, never counted as a coder.
NARRATOR_PREFIX = "narrator:"
RESERVED_PREFIXES = (AUTO_PREFIX, GROUP_PREFIX, NARRATOR_PREFIX)

_CODER = re.compile(r"^[^\s./\x00-\x1f\x7f][^/\x00-\x1f\x7f]{0,63}$")
MAX_CODE_NAME = 120


def check_coder(coder: Any) -> str:
    """Return *coder* if it can name a coder (and their files), else raise :class:`CoderNameError`.

    >>> check_coder("R. Osei")
    'R. Osei'
    >>> check_coder("../x")
    Traceback (most recent call last):
    ...
    workbench.errors.CoderNameError: '../x' cannot be a coder name: ...
    """
    if not isinstance(coder, str) or not _CODER.match(coder) or coder != coder.strip():
        raise CoderNameError(
            f"{coder!r} cannot be a coder name: use 1-64 characters, no '/' or control characters, "
            "not starting with a dot or a space (e.g. 'ana', 'R. Osei', 'group:tuesday')."
        )
    return coder


def check_code_name(name: Any) -> str:
    """Return a cleaned code name (inner spaces collapsed), or raise :class:`CodebookError`.

    >>> check_code_name("  relational   safety ")
    'relational safety'
    """
    if not isinstance(name, str) or not name.strip():
        raise CodebookError(f"A code needs a non-empty name (got {name!r}).")
    clean = " ".join(name.split())
    if len(clean) > MAX_CODE_NAME:
        raise CodebookError(f"Code name {clean[:40]!r}... is longer than {MAX_CODE_NAME} characters; shorten it.")
    return clean


def is_machine(coder: Any) -> bool:
    """True for machine coders (``auto:...``).

    >>> is_machine("auto:help"), is_machine("ana")
    (True, False)
    """
    return str(coder).startswith(AUTO_PREFIX)


def is_group(coder: Any) -> bool:
    """True for a group's negotiated reading (``group:...``).

    >>> is_group("group:tuesday")
    True
    """
    return str(coder).startswith(GROUP_PREFIX)


def is_narrator(coder: Any) -> bool:
    """True for a narrator's own voice (``narrator:...``).

    >>> is_narrator("narrator:R07"), is_narrator("ana")
    (True, False)
    """
    return str(coder).startswith(NARRATOR_PREFIX)


def narrator_voice(pseudonym: Any) -> str:
    """The name a narrator's answers are recorded under: ``narrator:<pseudonym>``.

    >>> narrator_voice("R07"), narrator_voice("narrator:R07")
    ('narrator:R07', 'narrator:R07')
    """
    name = str(pseudonym).strip()
    return check_coder(name if is_narrator(name) else NARRATOR_PREFIX + name)


def counted_coders(coders: Iterable[Any], *, groups: bool = False, machines: bool = False) -> list[str]:
    """The coders whose readings count, sorted: every person, plus groups or machines only when asked.

    Agreement and dialogue compare independent readings, so they leave both out; "who took part"
    keeps groups (``groups=True``) and leaves machines out. Narrators (``narrator:...``) are never
    coders: their answers are a distinct voice, shown beside the readings, never counted among them.

    >>> counted_coders(["ben", "auto:help", "group:tue", "ana"])
    ['ana', 'ben']
    >>> counted_coders(["ben", "auto:help", "group:tue"], groups=True)
    ['ben', 'group:tue']
    >>> counted_coders(["ben", "narrator:R07"], groups=True, machines=True)
    ['ben']
    """
    return sorted({str(c) for c in coders
                   if (machines or not is_machine(c)) and (groups or not is_group(c)) and not is_narrator(c)})
