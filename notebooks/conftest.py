"""pytest settings for the notebooks (checked by nbval: ``make test``).

nbval opens ``--nbval-sanitize-with`` relative to the current directory; anchor a relative path
at the project root, so the same command works from the root or from ``notebooks/``.
"""

from __future__ import annotations

from pathlib import Path


def pytest_configure(config) -> None:
    option = getattr(config.option, "nbval_sanitize_with", None)
    if option and not Path(option).is_absolute() and not Path(option).exists():
        for base in (Path(config.rootpath), Path(__file__).resolve().parent.parent):
            candidate = base / option
            if candidate.exists():
                config.option.nbval_sanitize_with = str(candidate)
                break
