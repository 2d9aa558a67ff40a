"""Pseudonym mappings: load and check a mapping file, apply it to a text, write a template to fill in."""

from __future__ import annotations

import csv
import io
import os
import re
import unicodedata
import warnings
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Mapping

import pandas as pd

from .._text import canonical_text, decode_bytes
from ..errors import EncodingError, WorkbenchError
from .identifiers import _context

__all__ = ["PseudonymError", "load_pseudonyms", "apply_pseudonyms", "write_pseudonym_template"]


class PseudonymError(WorkbenchError, ValueError):
    """A pseudonym mapping that cannot be used safely (clashes, empty cells, wrong place, ...)."""


# ====================================================================== pseudonym mappings
_MAPPING_COLUMNS = ("real", "pseudonym", "kind", "same_person", "note")
_YES = {"yes", "y", "true", "1", "x", "✓", "✔", "same"}
_NO = {"", "no", "n", "false", "0"}


def load_pseudonyms(path: str | os.PathLike, texts: Iterable[str] | Mapping[Any, str] | str | None = None,
                    project_path: str | os.PathLike | None = None) -> dict[str, str]:
    """Read and check a mapping file of real names and identifiers to pseudonyms.

    The file is a UTF-8 CSV with a header ``real,pseudonym`` and optionally ``kind``,
    ``same_person`` and ``note`` (see the module docstring). It must live outside
    *project_path*: the mapping is the key back to the real people and must never travel
    with the project. With *texts*, also checks that no pseudonym already occurs in them
    (readers could not tell the pseudonymous "Sam" from a real Sam). Raises
    :class:`PseudonymError` naming the line and the fix; returns ``{real: pseudonym}``.

    >>> from pathlib import Path
    >>> _ = Path("names.csv").write_text("real,pseudonym\\nMaria Lopez,Ana Ruiz\\n", encoding="utf-8")
    >>> Path("names.csv").chmod(0o600)                           # the key to who is who: yours only
    >>> wb.care.load_pseudonyms("names.csv", texts=["I met Maria Lopez."], project_path="sample")
    {'Maria Lopez': 'Ana Ruiz'}
    """
    file = Path(path).expanduser()
    if project_path is not None:
        inside = Path(project_path).expanduser().resolve()
        if file.resolve() == inside or file.resolve().is_relative_to(inside):
            raise PseudonymError(
                f"The pseudonym mapping {file} is inside the project folder {inside}. The mapping links "
                "pseudonyms back to real people, so it must never be shared, exported or committed with the "
                "project: move it to a private folder outside the project (e.g. ~/private/) and give that path.")
    if not file.is_file():
        raise PseudonymError(f"There is no pseudonym mapping file at {file}. Give the path of a CSV file "
                             "with the columns real,pseudonym (see docs/care.md).")
    try:
        content = canonical_text(decode_bytes(file.read_bytes(), str(file)))
    except EncodingError as exc:
        raise PseudonymError(f"{exc} (the pseudonym mapping must be UTF-8 so that names with accents match).") \
            from None
    if os.name == "posix" and file.stat().st_mode & 0o004:
        warnings.warn(f"{file} can be read by every user of this computer; it is the key to who is who. "
                      f"Make it private: chmod 600 '{file}'.", UserWarning, stacklevel=2)
    rows = _read_mapping_rows(content, file)
    mapping = _check_mapping(rows, file)
    if texts is not None:
        _check_pseudonyms_absent(mapping, rows, texts, file)
    return mapping


def _read_mapping_rows(content: str, file: Path) -> list[dict]:
    lines = content.split("\n")
    header_line = next((line for line in lines if line.strip()), "")
    delimiter = None
    for candidate in (",", ";", "\t"):
        names = [c.strip().lower() for c in next(csv.reader([header_line], delimiter=candidate), [])]
        if "real" in names and "pseudonym" in names:
            delimiter = candidate
            break
    if delimiter is None:
        raise PseudonymError(
            f"{file} needs a header row naming the columns real and pseudonym (found {header_line[:80]!r}). "
            "Start the file with: real,pseudonym")
    reader = csv.reader(io.StringIO(content), delimiter=delimiter)
    header = [c.strip().lower() for c in next(reader)]
    unknown = [c for c in header if c not in _MAPPING_COLUMNS]
    if unknown or len(set(header)) != len(header):
        problem = f"unknown column(s) {unknown}" if unknown else "a column named twice"
        raise PseudonymError(f"{file} has {problem}; the columns can be {', '.join(_MAPPING_COLUMNS)} "
                             "(real and pseudonym are required).")
    rows = []
    for cells in reader:
        line = reader.line_num
        if not any(c.strip() for c in cells) or cells[0].lstrip().startswith("#"):
            continue
        if len(cells) > len(header):
            raise PseudonymError(f"{file}, line {line} has {len(cells)} cells but the header has {len(header)} "
                                 "columns. Put a cell that contains a comma in double quotes.")
        row = dict(zip(header, [c for c in cells] + [""] * (len(header) - len(cells))))
        for column in ("real", "pseudonym"):
            if "\n" in row[column]:
                raise PseudonymError(f"{file}, line {line}: the {column} cell spans several lines; keep it on one.")
            row[column] = " ".join(row[column].split())
        if not row["real"]:
            raise PseudonymError(f"{file}, line {line}: the real cell is empty (pseudonym {row['pseudonym']!r}). "
                                 "Write the real name or identifier, or delete the row.")
        if not row["pseudonym"]:
            raise PseudonymError(f"{file}, line {line}: {row['real']!r} has no pseudonym. Write one in the "
                                 f"pseudonym column, or delete the row if {row['real']!r} should stay as it is.")
        if row["real"].casefold() == row["pseudonym"].casefold():
            raise PseudonymError(f"{file}, line {line}: {row['real']!r} is mapped to itself. Give it a "
                                 "different pseudonym, or delete the row if it should stay as it is.")
        same = row.get("same_person", "").strip().lower()
        if same not in _YES | _NO:
            raise PseudonymError(f"{file}, line {line}: same_person is {row['same_person']!r}; write yes or "
                                 "leave it empty.")
        rows.append({"real": row["real"], "pseudonym": row["pseudonym"], "same_person": same in _YES,
                     "line": line})
    if not rows:
        raise PseudonymError(f"{file} has a header but no names. Add one row per real name: real,pseudonym")
    return rows


def _check_mapping(rows: list[dict], file: Path) -> dict[str, str]:
    # 1. The same name (as written, or its CAPITALS/Capitalised form) must always get the same pseudonym.
    forms: dict[str, tuple[str, dict]] = {}
    mapping: dict[str, str] = {}
    for row in rows:
        for key, replacement in _forms(row["real"], row["pseudonym"]):
            seen = forms.setdefault(key, (replacement, row))
            if seen[0] != replacement:
                other = seen[1]
                how = ("appears twice" if other["real"] == row["real"]
                       else f"and {other['real']!r} (line {other['line']}) are the same name written differently")
                raise PseudonymError(
                    f"{file}: {row['real']!r} (line {row['line']}) {how}, with different pseudonyms "
                    f"({other['pseudonym']!r} and {row['pseudonym']!r}). One person gets one pseudonym "
                    "everywhere: keep one of the rows.")
        mapping.setdefault(row["real"], row["pseudonym"])
    # 2. Two different names sharing one pseudonym merge two people, unless marked as the same person.
    by_pseudonym: dict[str, list[dict]] = {}
    for row in rows:
        by_pseudonym.setdefault(row["pseudonym"].casefold(), []).append(row)
    for group in by_pseudonym.values():
        reals = {r["real"].casefold() for r in group}
        if len(reals) > 1 and not all(r["same_person"] for r in group):
            listed = ", ".join(f"{r['real']!r} (line {r['line']})" for r in group)
            raise PseudonymError(
                f"{file}: {listed} all get the pseudonym {group[0]['pseudonym']!r}. Two people with one pseudonym "
                "would be merged in the analysis. If they are the same person (e.g. 'Mike' and 'Michael'), add a "
                "column same_person and write yes on each of these rows; otherwise give each their own pseudonym.")
    # 3. A pseudonym must not contain a real name that is being replaced (readers would take it for the real one).
    reals = _matcher(tuple(mapping.items()))
    owner = _owners(rows, "real")
    for row in rows:
        hits = reals.find(row["pseudonym"])
        if hits:
            found = row["pseudonym"][hits[0][0]:hits[0][1]]
            source = next(owner[key] for key in _keys(found) if key in owner)
            raise PseudonymError(
                f"{file}, line {row['line']}: the pseudonym {row['pseudonym']!r} contains {found!r}, a real "
                f"name replaced on line {source['line']}. Readers could take it for the real person: choose a "
                "pseudonym that is not a real name in the stories.")
    return mapping


def _check_pseudonyms_absent(mapping: dict[str, str], rows: list[dict], texts: Any, file: Path) -> None:
    if isinstance(texts, str):
        texts = [texts]
    pairs = list(texts.items()) if isinstance(texts, Mapping) else list(enumerate(texts))
    reals = _matcher(tuple(mapping.items()))
    pseudonyms = _matcher(tuple((row["pseudonym"], "x") for row in rows))
    owner = _owners(rows, "pseudonym")
    clashes: dict[str, str] = {}
    for key, text in pairs:
        if not isinstance(text, str) or not text:
            continue
        text = unicodedata.normalize("NFC", text)
        covered = reals.find(text)
        for start, end in pseudonyms.find(text):
            if any(a <= start and end <= b for a, b in covered):
                continue  # part of a real name that is being replaced anyway
            pseudonym = next(owner[k]["pseudonym"] for k in _keys(text[start:end]) if k in owner)
            clashes.setdefault(pseudonym, f"text {key!r}: {_context(text, start, end, 30)}")
    if clashes:
        lines = {row["pseudonym"]: row["line"] for row in reversed(rows)}
        shown = "; ".join(f"{p!r} (line {lines[p]}) in {where}" for p, where in list(clashes.items())[:5])
        raise PseudonymError(
            f"{file}: {len(clashes)} pseudonym(s) already appear in the stories as written: {shown}. Readers could "
            "not tell the pseudonymous person from the real one; choose pseudonyms that do not occur in the stories.")


def apply_pseudonyms(text: str, mapping: Mapping[str, str]) -> str:
    """Replace every real name in *text* by its pseudonym: whole words, longest first, in one pass.

    A name matches as written, in CAPITALS (replaced in capitals) and with a capital first
    letter (``de Souza`` at a sentence start); a name of several words also in lower case and
    across a line break. Emails, links and handles match in any case; phone numbers whatever
    their spacing. ``Sam`` is never replaced inside ``Samantha``, and a pseudonym is never
    replaced again, so the same mapping gives the same result in every narrative. The result
    is Unicode NFC, as the workbench stores text.

    >>> apply_pseudonyms("MARIA LOPEZ? Maria's sister met Maria Lopez.", {"Maria Lopez": "Ana Ruiz", "Maria": "Ana"})
    "ANA RUIZ? Ana's sister met Ana Ruiz."
    """
    if not isinstance(text, str):
        raise PseudonymError(f"apply_pseudonyms() needs text (str), got {type(text).__name__}.")
    if not isinstance(mapping, Mapping):
        raise PseudonymError("apply_pseudonyms() needs a mapping {real: pseudonym}; see load_pseudonyms().")
    if not mapping or not text:
        return text
    for real, pseudonym in mapping.items():
        if not isinstance(real, str) or not isinstance(pseudonym, str) or not real.strip() or not pseudonym.strip():
            raise PseudonymError(f"Every real name and pseudonym must be non-empty text; got {real!r}: {pseudonym!r}.")
    matcher = _matcher(tuple((unicodedata.normalize("NFC", r), unicodedata.normalize("NFC", s))
                             for r, s in mapping.items()))
    text = unicodedata.normalize("NFC", text)
    parts, position = [], 0
    for start, end in matcher.find(text):
        parts += [text[position:start], matcher.pseudonym(text[start:end])]
        position = end
    parts.append(text[position:])
    return "".join(parts)


def _key(value: str) -> str:
    return " ".join(value.replace("’", "'").split())


def _digits(value: str) -> str:
    return ("+" if value.lstrip().startswith("+") else "") + re.sub(r"\D", "", value)


def _style(real: str) -> str:
    """How a real identifier matches: ``phone`` (any spacing), ``nocase`` (emails, links, handles) or ``name``."""
    if re.fullmatch(r"\+?[\d\s().-]+", real) and sum(c.isdigit() for c in real) >= 6:
        return "phone"
    if any(marker in real for marker in ("@", "://", "www.")) or any(c.isdigit() for c in real):
        return "nocase"
    return "name"


def _capital(value: str) -> str:
    return value[:1].upper() + value[1:]


def _forms(real: str, pseudonym: str) -> list[tuple[str, str]]:
    """(lookup key, replacement) pairs for one entry; keys say which style matched them."""
    style = _style(real)
    if style == "phone":
        return [("phone:" + _digits(real), pseudonym)]
    if style == "nocase":
        return [("nocase:" + _key(real).casefold(), pseudonym)]
    forms = [(_key(real), pseudonym), (_key(real.upper()), pseudonym.upper()),
             (_key(_capital(real)), _capital(pseudonym))]
    if len(real.split()) > 1:
        forms.append((_key(real.lower()), pseudonym.lower()))
    unique: dict[str, str] = {}
    for key, replacement in forms:
        unique.setdefault(key, replacement)
    return list(unique.items())


_SPACE = r"(?:[^\S\n]+\n?[^\S\n]*|\n[^\S\n]*)"


def _fragments(key: str) -> list[str]:
    """The regex pieces of one form, one per character, so that forms can share a prefix tree."""
    if key.startswith("phone:"):
        digits = key[len("phone:"):]
        pieces = [r"\+"] if digits.startswith("+") else [r"\(?"]
        body = digits.lstrip("+")
        pieces += [re.escape(d) + (r"[\s.()\-]*" if i < len(body) - 1 else "") for i, d in enumerate(body)]
        return pieces
    nocase = key.startswith("nocase:")
    text = key[len("nocase:"):] if nocase else key
    pieces = []
    for char in text:
        if char == " ":
            pieces.append(_SPACE)
        elif char == "'":
            pieces.append("['’]")
        elif nocase and char.lower() != char.upper():
            variants = {char, char.lower(), char.upper()}
            pieces.append("[" + "".join(re.escape(v) for v in sorted(variants) if len(v) == 1) + "]")
        else:
            pieces.append(re.escape(char))
    return pieces


class _Matcher:
    """Finds every real name of a mapping in a text: whole words, leftmost, then longest.

    Names, case-free identifiers (emails, links) and phone numbers each get one regex built
    as a prefix tree, so a long mapping costs about as much as a short one. Within a tree
    the greedy ``?`` already prefers the longest name; across the trees the longest match
    at each position wins.
    """

    def __init__(self, items: tuple[tuple[str, str], ...]) -> None:
        self.table: dict[str, str] = {}
        for real, pseudonym in items:  # names as written win over derived forms of other names
            for key, replacement in _forms(real, pseudonym)[:1]:
                self.table.setdefault(key, replacement)
        for real, pseudonym in items:
            for key, replacement in _forms(real, pseudonym):
                self.table.setdefault(key, replacement)
        tries: dict[str, dict] = {}
        for key in self.table:
            node = tries.setdefault(key.split(":", 1)[0] if key.startswith(("nocase:", "phone:")) else "name", {})
            for piece in _fragments(key):
                node = node.setdefault(piece, {})
            node[""] = {}
        # A lookahead finds a match at every position, so the trees cannot hide each other's matches.
        self.patterns = [re.compile(rf"(?<!\w)(?=({_trie_regex(trie)})(?!\w))") for trie in tries.values()]

    def find(self, text: str) -> list[tuple[int, int]]:
        longest: dict[int, int] = {}
        for pattern in self.patterns:
            for match in pattern.finditer(text):
                start, end = match.span(1)
                if end > longest.get(start, start):
                    longest[start] = end
        spans, position = [], 0
        for start in sorted(longest):
            if start >= position:
                spans.append((start, longest[start]))
                position = longest[start]
        return spans

    def pseudonym(self, found: str) -> str:
        replacement = next((self.table[key] for key in _keys(found) if key in self.table), None)
        if replacement is None:  # cannot happen: every branch of the patterns comes from a key of the table
            raise PseudonymError(f"Internal error: matched {found!r} but found no pseudonym for it.")
        return replacement


@lru_cache(maxsize=16)
def _matcher(items: tuple[tuple[str, str], ...]) -> _Matcher:
    return _Matcher(items)


def _trie_regex(node: dict) -> str:
    branches = [piece + _trie_regex(child) for piece, child in node.items() if piece != ""]
    if not branches:
        return ""
    inner = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    if "" in node:  # a name ends here, but a longer one may go on: greedy ?, backtracks if the longer fails
        return f"(?:{inner})?"
    return inner


def _keys(found: str) -> tuple[str, str, str]:
    """The keys a matched piece of text may be filed under, most specific first."""
    return _key(found), "nocase:" + _key(found).casefold(), "phone:" + _digits(found)


def _owners(rows: list[dict], column: str) -> dict[str, dict]:
    """Key -> the mapping row whose *column* (real or pseudonym) has that form (for error messages)."""
    owner: dict[str, dict] = {}
    for row in rows:
        for key, _ in _forms(row[column], row[column]):
            owner.setdefault(key, row)
    return owner


def write_pseudonym_template(candidates: pd.DataFrame, path: str | os.PathLike,
                             project_path: str | os.PathLike | None = None) -> Path:
    """Write the distinct candidates as a mapping file to fill in: ``real,pseudonym,kind,same_person,note``.

    The pseudonym column is left empty on purpose: write a pseudonym for every row to
    replace, and delete the rows that should stay (a row left empty is refused when loaded,
    so nothing is replaced by accident). The file is created private (readable by you only),
    outside the project folder, and never overwrites an existing mapping.

    >>> c = wb.find_identifiers({"s1": "Maria Lopez met Sam on 3 May 2021."})
    >>> wb.care.write_pseudonym_template(c[c.kind != "date"], "names.csv")
    PosixPath('names.csv')
    >>> print(open("names.csv", encoding="utf-8-sig").read())
    real,pseudonym,kind,same_person,note
    Maria Lopez,,name,,found 1 time(s) in 1 narrative(s)
    Sam,,name,,found 1 time(s) in 1 narrative(s)
    <BLANKLINE>
    """
    missing = {"text", "kind"} - set(getattr(candidates, "columns", []))
    if missing:
        raise WorkbenchError("write_pseudonym_template() takes the table from find_identifiers().")
    file = Path(path).expanduser()
    project_path = project_path or candidates.attrs.get("project_path")
    if project_path is not None:
        inside = Path(project_path).expanduser().resolve()
        if file.resolve().is_relative_to(inside):
            raise PseudonymError(f"{file} is inside the project folder {inside}; keep the mapping in a private "
                                 "folder outside the project (e.g. ~/private/).")
    if file.exists():
        raise PseudonymError(f"{file} already exists; choose another name (a filled-in mapping is never overwritten).")
    if not file.parent.is_dir():
        raise WorkbenchError(f"The folder {file.parent} does not exist; create it first (keep it private).")
    grouped = (candidates.groupby("text", sort=False)
               .agg(kind=("kind", "first"), count=("text", "size"),
                    narratives=("narrative_id", "nunique"))
               .reset_index().sort_values(["count", "text"], ascending=[False, True], kind="stable"))
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(_MAPPING_COLUMNS)
    for row in grouped.itertuples(index=False):
        writer.writerow([row.text, "", row.kind, "",
                         f"found {row.count} time(s) in {row.narratives} narrative(s)"])
    fd = os.open(file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8-sig", newline="") as handle:
        handle.write(buffer.getvalue())
    return file
