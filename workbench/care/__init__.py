"""Care for the people in the stories: find identifiers for a person to review, apply pseudonyms.

Nothing here changes a story on its own. :func:`find_identifiers` only *lists* candidates
(names, emails, phone numbers, dates, addresses, links, handles); a person reads them and
decides. The decisions go into a mapping file, kept **outside** the project folder, which
:func:`load_pseudonyms` checks and :func:`apply_pseudonyms` applies, the same way in every story.

>>> from pathlib import Path
>>> folder = Path("interviews"); folder.mkdir()
>>> _ = (folder / "carmen.txt").write_text("I met my sister Carmen in Leeds.", encoding="utf-8")
>>> candidates = wb.find_identifiers(folder)                   # review these
>>> candidates["text"].tolist()
['Carmen', 'Leeds']
>>> Path("private").mkdir()
>>> wb.care.write_pseudonym_template(candidates, "private/names.csv")
PosixPath('private/names.csv')
>>> # ... fill in the pseudonym column, delete rows that should stay, then:
>>> _ = Path("private/names.csv").write_text("real,pseudonym\\nCarmen,Rosa\\n", encoding="utf-8")
>>> Path("private/names.csv").chmod(0o600)                           # the key to who is who: yours only
>>> _ = p.import_narratives(folder, pseudonyms="private/names.csv")
>>> "Rosa" in p.text("carmen")
True

Mapping file format (UTF-8 CSV; ``,`` ``;`` or tab separated; one header row)::

    real,pseudonym,kind,same_person,note
    Maria Lopez,Ana Ruiz,person,,
    Maria,Ana,person,,
    Mike,Sam,person,yes,he is called both
    Michael,Sam,person,yes,
    St Mary's Hospital,the city hospital,organisation,,
    maria.lopez@example.org,[email],email,,

``real`` and ``pseudonym`` are required; ``kind``, ``same_person`` and ``note`` are optional
and only for you (``same_person``: write ``yes`` on every row that knowingly shares its
pseudonym with another row). Rows whose first cell starts with ``#`` are comments.
"""

from __future__ import annotations

from .identifiers import IDENTIFIER_COLUMNS, NarrativeSource, find_identifiers
from .pseudonyms import PseudonymError, apply_pseudonyms, load_pseudonyms, write_pseudonym_template

__all__ = ["PseudonymError", "find_identifiers", "load_pseudonyms", "apply_pseudonyms",
           "write_pseudonym_template", "IDENTIFIER_COLUMNS", "NarrativeSource"]
