"""Front-end files of the widgets: plain ES modules and CSS shipped beside this file.

Each widget's module may start with ``import {...} from "./shared.js";``, and its stylesheet
with ``@import "./shared.css";``. anywidget loads both from strings, where a relative import
cannot resolve, so the shared file is put in front of the widget's own here (no build step,
one request, works offline in JupyterLab, Notebook 7, Voila and VS Code alike).
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

_HERE = Path(__file__).parent
_SHARED_IMPORT = re.compile(r'^import\s*\{[^}]*\}\s*from\s*"\./shared\.js";[ \t]*\n', re.MULTILINE)
_SHARED_CSS_IMPORT = re.compile(r'^@import\s+"\./shared\.css";[ \t]*\n', re.MULTILINE)


@lru_cache(maxsize=None)
def esm(name: str) -> str:
    """The ES module *name* (e.g. ``"coding.js"``) with ``shared.js`` inlined in front of it.

    >>> "// ---- shared.js" in esm("coding.js")
    True
    """
    return _with_shared(name, _SHARED_IMPORT, "shared.js", "// ---- {}\n")


@lru_cache(maxsize=None)
def css(name: str) -> str:
    """The stylesheet *name* (e.g. ``"coding.css"``) with ``shared.css`` inlined in front of it.

    >>> print(css("coding.css").splitlines()[0])
    /* ---- shared.css */
    """
    return _with_shared(name, _SHARED_CSS_IMPORT, "shared.css", "/* ---- {} */\n")


def _with_shared(name: str, importing: re.Pattern, shared: str, banner: str) -> str:
    """*name*'s text, its line *importing* the *shared* file replaced by that file (each part under a *banner*)."""
    source = (_HERE / name).read_text(encoding="utf-8")
    if not importing.search(source):
        return source
    text = (_HERE / shared).read_text(encoding="utf-8")
    return importing.sub(lambda _: f"{banner.format(shared)}{text}\n{banner.format(name)}", source, count=1)
