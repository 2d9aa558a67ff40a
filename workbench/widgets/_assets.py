"""Front-end files of the widgets: plain ES modules and CSS shipped beside this file.

Each widget's module may start with ``import {...} from "./shared.js";``. anywidget loads a
widget's ES module from a string, where a relative import cannot resolve, so the helpers
are put in front of the module's own code here (no build step, one request, works offline
in JupyterLab, Notebook 7, Voila and VS Code alike).
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

_HERE = Path(__file__).parent
_SHARED_IMPORT = re.compile(r'^import\s*\{[^}]*\}\s*from\s*"\./shared\.js";[ \t]*\n', re.MULTILINE)


@lru_cache(maxsize=None)
def esm(name: str) -> str:
    """The ES module *name* (e.g. ``"coding.js"``) with ``shared.js`` inlined in front of it."""
    source = (_HERE / name).read_text(encoding="utf-8")
    if not _SHARED_IMPORT.search(source):
        return source
    shared = (_HERE / "shared.js").read_text(encoding="utf-8")
    return f"// ---- shared.js\n{shared}\n// ---- {name}\n{_SHARED_IMPORT.sub('', source, count=1)}"


@lru_cache(maxsize=None)
def css(name: str) -> str:
    """The stylesheet *name* (e.g. ``"coding.css"``)."""
    return (_HERE / name).read_text(encoding="utf-8")
