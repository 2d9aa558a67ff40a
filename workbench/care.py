"""Care for the people in the stories: find identifiers for a person to review, apply pseudonyms.

Nothing here changes a story on its own. :func:`find_identifiers` only *lists* candidates
(names, emails, phone numbers, dates, addresses, links, handles); a person reads them and
decides. The decisions go into a mapping file, kept **outside** the project folder, which
:func:`load_pseudonyms` checks and :func:`apply_pseudonyms` applies, the same way in every story.

>>> import workbench as wb
>>> candidates = wb.find_identifiers(Path("interviews/"))       # review these
>>> wb.care.write_pseudonym_template(candidates, "~/private/names.csv")
>>> # ... fill in the pseudonym column, delete rows that should stay ...
>>> p.import_narratives("interviews/", pseudonyms="~/private/names.csv")

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

import csv
import io
import os
import re
import unicodedata
import warnings
from collections import Counter
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Mapping

import pandas as pd

from ._text import canonical_text, decode_bytes
from .errors import EncodingError, WorkbenchError

if TYPE_CHECKING:  # pragma: no cover
    from .project import Project

__all__ = ["PseudonymError", "find_identifiers", "load_pseudonyms", "apply_pseudonyms",
           "write_pseudonym_template", "IDENTIFIER_COLUMNS"]

IDENTIFIER_COLUMNS = ["narrative_id", "field", "kind", "text", "start", "end", "context", "count"]


class PseudonymError(WorkbenchError, ValueError):
    """A pseudonym mapping that cannot be used safely (clashes, empty cells, wrong place, ...)."""


# ====================================================================== finding identifiers
# Kinds in priority order: when two candidates overlap, the earlier kind wins (an email
# contains a name, a date contains a month, an address contains a capitalised street).
_KINDS = ("email", "url", "handle", "date_of_birth", "date", "phone", "postcode", "address",
          "id_number", "organisation", "name")
_PRIORITY = {kind: rank for rank, kind in enumerate(_KINDS)}

_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_TLDS = "com|org|net|edu|gov|info|io|co|uk|ie|de|fr|nl|be|es|it|pt|at|ch|au|nz|ca|us|eu|ac|nhs"
_URL = re.compile(
    r"(?:\bhttps?://|\bwww\.)[^\s<>\"'()\[\]]+"
    rf"|(?<![\w@.-])[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.(?:{_TLDS})(?:/[^\s<>\"'()\[\]]*)?(?![\w@-])"
)
_HANDLE = re.compile(r"(?<![\w@.])@[A-Za-z0-9_](?:[A-Za-z0-9_.]{0,28}[A-Za-z0-9_])?(?![\w@])")

_MONTH = (r"(?:January|February|March|April|May|June|July|August|September|October|November|December"
          r"|(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.?)")
_DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?(?!\d)"
_YEAR = r"(?:1[89]\d\d|20\d\d)(?!\d)"
_WEEKDAY = r"(?:(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day,?\s+(?:the\s+)?)?"
_DATE = re.compile(
    rf"\b{_WEEKDAY}{_DAY}(?:\s+of)?\s+{_MONTH}(?:,?\s+{_YEAR})?(?![\w])"   # 3 May 1984, 3rd of May
    rf"|\b{_WEEKDAY}{_MONTH}\s+{_DAY}(?:,?\s+{_YEAR})?(?![\w])"            # May 3, 1984
    rf"|\b{_MONTH}\s+{_YEAR}"                                             # March 2019
    r"|\b(?:1[89]|20)\d\d-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])\b"    # 1984-05-03
    r"|(?<![\w/.-])(?:[12]\d|3[01]|0?[1-9])([/.-])(?:[12]\d|3[01]|0?[1-9])\1(?:\d{4}|\d{2})(?![\w/]|[.-]\d)"
)
_BIRTH_BEFORE = re.compile(
    r"(?i)\b(?:born|birthday|birth\s*date|date\s+of\s+birth|d\.?\s?o\.?\s?b)\b[^.!?\n]{0,30}$")
_BIRTH_YEAR = re.compile(
    rf"(?i)\b(?:born(?:\s+(?:in|on))?|d\.?o\.?b\.?:?|date\s+of\s+birth:?)\s+(?:the\s+year\s+)?({_YEAR})")

_PHONE = re.compile(
    r"(?<![\w+/.(-])(?:\+\d{1,3}[ .-]?)?(?:\(\d{1,5}\)[ .-]?)?\d{2,5}(?:[ .-]?\d{2,5}){0,4}"
    r"(?![\w/]|[.-]\d)")
_ID_NUMBER = re.compile(
    r"(?<![\w+/.-])\d(?:[ -]?\d){5,}(?![\w/]|[.-]\d)"
    r"|\b[A-Z]{2} ?\d{2} ?\d{2} ?\d{2} ?[A-D]\b")   # UK National Insurance number
_POSTCODE = re.compile(
    r"\b(?:[A-Z]{1,2}\d[A-Z\d]?|GIR) ?\d[A-Z]{2}\b"              # UK: LS6 2QT, SW1A 1AA
    r"|\b[A-Z]\d[A-Z] ?\d[A-Z]\d\b"                              # Canada: K1A 0B1
    r"|\b(?:A[KLRZ]|C[AOT]|D[CE]|FL|GA|HI|I[ADLN]|K[SY]|LA|M[ADEINOST]|N[CDEHJMVY]|O[HKR]|PA|RI|S[CD]"
    r"|T[NX]|UT|V[AT]|W[AIVY]),? \d{5}(?:-\d{4})?\b")            # US: CA 94110
_STREET_WORDS = ("Street|St|Road|Rd|Avenue|Ave|Lane|Ln|Drive|Close|Court|Crescent|Place|Way|Square|Terrace"
                 "|Gardens|Grove|Row|Boulevard|Blvd|Walk|Mews|Parade|Hill|Estate|Strasse|Straße|Straat")
_ADDRESS = re.compile(
    r"(?:\b(?:Flat|Apartment|Apt\.?|Unit)\s+\d+[A-Za-z]?,?\s+)?"
    rf"\b\d{{1,4}}[A-Za-z]?,?\s+(?:[A-Z][\w'’-]*\s+){{0,3}}[A-Z][\w'’-]*\s+(?:{_STREET_WORDS})\b\.?")
_STREET = set(_STREET_WORDS.split("|"))
_ORGANISATION = {
    "hospital", "trust", "centre", "center", "clinic", "ward", "unit", "university", "college", "school",
    "council", "service", "services", "team", "group", "house", "church", "mosque", "temple", "synagogue",
    "foundation", "charity", "project", "network", "association", "society", "ltd", "limited", "inc",
    "practice", "surgery", "police", "prison", "academy", "institute", "department", "agency", "club",
}

_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
_I_WORD = re.compile(r"I(?:['’](?:m|ve|d|ll))?")
_TITLES = {"Mr", "Mrs", "Ms", "Mx", "Miss", "Dr", "Prof", "Sr", "Jr", "St", "Rev", "Sister", "Brother", "Father"}
_CONNECTORS = {"of", "de", "da", "di", "du", "del", "della", "der", "den", "van", "von", "la", "le", "bin",
               "ibn", "al", "el", "y", "dos", "das"}
_MONTH_NAMES = {"january", "february", "march", "april", "may", "june", "july", "august", "september",
                "october", "november", "december"}
_MONTH_LEADS = {"in", "since", "until", "till", "by", "last", "next", "early", "late", "mid", "of", "from",
                "through", "during", "that", "this", "every", "each", "before", "after"}
# Capitalised words that name nobody: function words at sentence starts, family roles, days.
_COMMON = set("""
a an the and but or nor so then than when whenever while if because as at in on of for to from with without
after before during since until by about into onto over under up down out off through again once here there
he she it they we you i me him us them my mine our ours your yours his her hers their theirs its this that these
those what which who whom whose where why how yes no not nobody nothing none everyone everybody everything
someone somebody something sometimes anyway anyhow one some all any each every most many much more less also
just even still yet now today tonight yesterday tomorrow later soon never always often usually really maybe
perhaps well oh ok okay hi hello hey thanks thank please sorry wow like same other another both either neither
first second third last next finally eventually suddenly actually honestly basically mum mom mummy dad daddy
mother father nan nana gran granny grandma grandad grandpa granddad auntie uncle god lord christmas easter
monday tuesday wednesday thursday friday saturday sunday interviewer interviewee participant respondent
facilitator speaker narrator q a note notes chapter part story transcript dob
""".split())

_SENTENCE_END = set(".!?:;…")
_OPENERS = set("\"“‘«(")
_SKIP_BACK = set(" \t\u00a0*•–—-") | _OPENERS | set("'’”»)")


def find_identifiers(texts_or_project: Project | Mapping[Any, str] | Iterable[str] | str | os.PathLike,
                     progress: bool = True) -> pd.DataFrame:
    """Candidates for a person to review before sharing or coding: nothing is replaced.

    Finds capitalised names (and places, organisations), emails, phone numbers, dates
    (``date_of_birth`` when the words around say so), addresses and postcodes, links,
    social handles and long ID numbers. Give a :class:`~workbench.Project`, a dict
    ``{id: text}``, a list of texts, one text, or a folder/file of stories (a ``Path``, or a
    string naming one that exists) to check *before* importing them.

    Returns one row per occurrence: ``narrative_id`` (the id, list index or file), ``field``
    (``text``, ``title``, ``narrator`` or an attribute's column), ``kind``, ``text``, ``start``,
    ``end`` (code-point offsets into that field), ``context`` (the surroundings, the candidate in ``[...]``) and
    ``count`` (how often that exact text was found in all the input). It is a helper, not a
    guarantee: names written in lower case, nicknames, rare place names or details that
    identify someone only in combination need a person's reading.

    >>> wb.find_identifiers({"s1": "I met Maria Lopez at St Mary's Hospital on 3 May 2021."})
    >>> c = wb.find_identifiers(p)
    >>> c.drop_duplicates("text")[["kind", "text", "count"]]
    """
    fields, project_path = _fields_from(texts_or_project)
    tokens = [_tokens(text) for _nid, _field, text in fields]
    stats = _corpus_stats(tokens)
    rows: list[dict] = []
    iterable = zip(fields, tokens)
    if progress and len(fields) > 200:
        from tqdm.auto import tqdm

        iterable = tqdm(iterable, total=len(fields), desc="Looking for identifiers", leave=False)
    for (nid, field, text), words in iterable:
        for start, end, kind in _spans(text, words, stats, short=field not in ("text", "title")):
            rows.append({"narrative_id": nid, "field": field, "kind": kind, "text": text[start:end],
                         "start": start, "end": end, "context": _context(text, start, end)})
    frame = pd.DataFrame(rows, columns=IDENTIFIER_COLUMNS[:-1])
    frame["count"] = frame.groupby("text")["text"].transform("size").astype("int64") if len(frame) else []
    frame = frame.astype({"start": "int64", "end": "int64", "count": "int64"})
    if project_path is not None:
        frame.attrs["project_path"] = project_path
    return frame


def _fields_from(source: Any) -> tuple[list[tuple[Any, str, str]], str | None]:
    """(id, field, text) triples from any accepted input, and the project folder if one was given."""
    from .project import Project

    if isinstance(source, Project):
        fields = []
        frame = source.narratives
        for row in frame.to_dict("records"):
            fields.append((row["id"], "text", source.text(row["id"])))
            fields += [(row["id"], column, _cell_text(row[column])) for column in frame.columns
                       if column not in ("id", "consent")]
        return [f for f in fields if f[2]], str(source.path)
    if isinstance(source, str) and "\n" not in source and len(source) < 4096 and _is_path(source):
        source = Path(source)
    if isinstance(source, os.PathLike):
        from .importers import read_sources

        items, _skipped = read_sources(source)
        fields = []
        for item in items:
            fields.append((item["file"], "text", canonical_text(item["text"])))
            fields.append((item["file"], "title", _cell_text(item.get("title"))))
            fields.append((item["file"], "narrator", _cell_text(item.get("narrator"))))
            fields += [(item["file"], str(k), _cell_text(v)) for k, v in (item.get("attributes") or {}).items()]
        return [f for f in fields if f[2]], None
    if isinstance(source, str):
        return [(0, "text", canonical_text(source))], None
    if isinstance(source, Mapping):
        pairs = list(source.items())
    elif isinstance(source, (list, tuple, pd.Series)):
        pairs = list(source.items()) if isinstance(source, pd.Series) else list(enumerate(source))
    else:
        raise WorkbenchError(
            f"find_identifiers() takes a Project, a dict {{id: text}}, a list of texts, one text or a folder "
            f"of stories, not {type(source).__name__}.")
    fields = []
    for key, text in pairs:
        if not isinstance(text, str):
            raise WorkbenchError(f"Text {key!r} is {type(text).__name__}, not text (str).")
        fields.append((key, "text", canonical_text(text)))
    return fields, None


def _cell_text(value: Any) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return canonical_text(str(value))


def _is_path(value: str) -> bool:
    try:
        return Path(value).expanduser().exists()
    except (OSError, ValueError):
        return False


class _Token:
    __slots__ = ("start", "end", "word", "at_start")

    def __init__(self, start: int, end: int, word: str, at_start: bool) -> None:
        self.start, self.end, self.word, self.at_start = start, end, word, at_start


def _tokens(text: str) -> list[_Token]:
    tokens = []
    for match in _WORD.finditer(text):
        word, start, end = match.group(), match.start(), match.end()
        if _embedded(text, start, end):
            continue  # part of an email, link, file name or code like LS6: found by other patterns
        if word[-2:] in ("'s", "’s") and len(word) > 2:  # Maria's -> Maria
            word, end = word[:-2], end - 2
        # only capitals need to know where the sentence starts (it is the slow part)
        tokens.append(_Token(start, end, word, word[0].isupper() and _at_sentence_start(text, start)))
    return tokens


def _embedded(text: str, start: int, end: int) -> bool:
    before = text[start - 1] if start else " "
    after = text[end:end + 2]
    if before.isalnum() or before in "@/._\\#":
        return True
    return bool(after) and (after[0].isdigit() or after[0] in "@_" or
                            (after[0] in "./" and len(after) > 1 and after[1].isalnum()))


def _at_sentence_start(text: str, position: int) -> bool:
    """True at the start of a text, a line, a sentence or a quotation."""
    index = position - 1
    while index >= 0 and text[index] in _SKIP_BACK:
        if text[index] in _OPENERS:
            return True
        index -= 1
    if index < 0 or text[index] == "\n":
        return True
    if text[index] in _SENTENCE_END:
        if text[index] == ".":  # "Dr. Okafor" and "J. Smith" do not start sentences
            words = re.findall(r"[^\W\d_]+$", text[max(0, index - 12):index])
            if words and (words[-1] in _TITLES or (len(words[-1]) == 1 and words[-1].isupper())):
                return False
        return True
    return False


def _corpus_stats(tokens: list[list[_Token]]) -> dict[str, Any]:
    """What the whole input says about each word: seen in lower case? capitalised mid-sentence? how often?"""
    lower, mid_caps, caps = set(), set(), Counter()
    for words in tokens:
        for token in words:
            first = token.word[0]
            if first.islower():
                lower.add(token.word.casefold())
            elif first.isupper():
                caps[token.word] += 1
                if not token.at_start:
                    mid_caps.add(token.word)
    return {"lower": lower, "mid_caps": mid_caps, "caps": caps}


def _spans(text: str, tokens: list[_Token], stats: dict[str, Any], short: bool = False) -> list[tuple[int, int, str]]:
    """All candidates in one text, overlaps resolved by kind priority (then longer first).

    *short* fields (narrators, attributes) are not prose: a capital at their start is a
    name unless the word is an ordinary one. Titles read like sentences.
    """
    found: list[tuple[int, int, str]] = []
    found += [(m.start(), m.end(), "email") for m in _EMAIL.finditer(text)]
    for match in _URL.finditer(text):
        end = match.end()
        while end > match.start() and text[end - 1] in ".,;:!?'\"’”":
            end -= 1
        found.append((match.start(), end, "url"))
    found += [(m.start(), m.end(), "handle") for m in _HANDLE.finditer(text)]
    for match in _DATE.finditer(text):
        before = text[max(0, match.start() - 40):match.start()]
        found.append((match.start(), match.end(), "date_of_birth" if _BIRTH_BEFORE.search(before) else "date"))
    found += [(m.start(1), m.end(1), "date_of_birth") for m in _BIRTH_YEAR.finditer(text)]
    for match in _PHONE.finditer(text):
        if _looks_like_phone(match.group()):
            found.append((match.start(), match.end(), "phone"))
    found += [(m.start(), m.end(), "postcode") for m in _POSTCODE.finditer(text)]
    found += [(m.start(), m.end(), "address") for m in _ADDRESS.finditer(text)]
    found += [(m.start(), m.end(), "id_number") for m in _ID_NUMBER.finditer(text)
              if not re.fullmatch(r"(?:1[89]|20)\d\d ?- ?(?:1[89]|20)\d\d", m.group())]  # 1990-1995
    found += _name_spans(text, tokens, stats, short)

    found.sort(key=lambda s: (_PRIORITY[s[2]], s[0] - s[1], s[0]))
    taken = bytearray(len(text))
    kept = []
    for start, end, kind in found:
        if start < end and not any(taken[start:end]):
            taken[start:end] = b"\x01" * (end - start)
            kept.append((start, end, kind))
    return sorted(kept)


def _looks_like_phone(value: str) -> bool:
    digits = sum(c.isdigit() for c in value)
    if not 7 <= digits <= 15:
        return False
    if value.startswith("+"):
        return digits >= 8
    if value.startswith(("0", "(")):
        return digits >= 9 and any(not c.isdigit() for c in value) or digits in (10, 11)
    if re.fullmatch(r"\d{3}[-.]\d{4}", value):  # 555-1234
        return True
    return digits >= 10 and bool(re.search(r"[ .-]", value))


def _name_spans(text: str, tokens: list[_Token], stats: dict[str, Any],
                short: bool = False) -> list[tuple[int, int, str]]:
    """Runs of capitalised words (with 'of', 'van', 'de'... inside), judged by where and how often they occur."""
    lower, mid_caps, caps = stats["lower"], stats["mid_caps"], stats["caps"]

    def capitalised(token: _Token) -> bool:
        word = token.word
        if not word[0].isupper() or _I_WORD.fullmatch(word):
            return False
        if len(word) > 1 and word.isupper() and word.casefold() in lower | _COMMON:
            return False  # SHOUTED ordinary words
        return True

    def joined(left: _Token, right: _Token) -> bool:
        gap = text[left.end:right.start]
        if left.end != right.start and text[left.start:left.end + 2].endswith("'s"):
            gap = text[left.end + 2:right.start]  # Maria's Place: the 's was cut from the token
        if gap in (" ", "\u00a0"):
            return True
        is_initial = len(left.word) == 1 and left.word.isupper()
        return gap in (". ", ".") and (left.word in _TITLES or is_initial) and right.word.casefold() not in _COMMON

    spans = []
    index, n = 0, len(tokens)
    while index < n:
        if not capitalised(tokens[index]):
            index += 1
            continue
        run, last = [index], index
        while last + 1 < n:
            following = last + 1
            if joined(tokens[last], tokens[following]) and capitalised(tokens[following]):
                run.append(following)
                last = following
                continue
            if joined(tokens[last], tokens[following]) and tokens[following].word in _CONNECTORS:
                after = following + 1
                if (tokens[following].word == "of" and after < n and tokens[after].word == "the"
                        and joined(tokens[following], tokens[after])):
                    after += 1
                if after < n and joined(tokens[after - 1], tokens[after]) and capitalised(tokens[after]):
                    run.extend(range(following, after + 1))
                    last = after
                    continue
            break
        index = last + 1
        span = _judge_run([tokens[i] for i in run], text, lower, mid_caps, caps, short)
        if span:
            spans.append(span)
    return spans


def _judge_run(run: list[_Token], text: str, lower: set, mid_caps: set, caps: Counter,
               short: bool = False) -> tuple | None:
    at_start = run[0].at_start
    # Ordinary words at the edges are not part of a name: "When Maria", "The Samaritans", "Maria Today".
    while run and (run[0].word.casefold() in _COMMON or run[0].word in _CONNECTORS
                   or (at_start and run[0].word.casefold() in lower)):
        run, at_start = run[1:], False
    while run and (run[-1].word.casefold() in _COMMON or run[-1].word in _CONNECTORS):
        run = run[:-1]
    if not run:
        return None
    words = [t.word for t in run if t.word not in _CONNECTORS]
    if len(words) == 1:
        word = words[0]
        if word in _TITLES:
            return None
        if word.casefold() in _MONTH_NAMES:
            previous = re.findall(r"([^\W\d_]+)\W*$", text[max(0, run[0].start - 20):run[0].start])
            if at_start or (previous and previous[-1].casefold() in _MONTH_LEADS):
                return None  # "in March", not a person called March
        if at_start and not short and word not in mid_caps and caps[word] < 2:
            return None  # a one-off capital at a sentence start: an ordinary word
    start, end = run[0].start, run[-1].end
    if len(run) > 1 and run[-1].word in _STREET:
        kind = "address"
    elif any(t.word.casefold() in _ORGANISATION for t in run):
        kind = "organisation"
    else:
        kind = "name"
    return (start, end, kind)


def _context(text: str, start: int, end: int, width: int = 40) -> str:
    left = text[max(0, start - width):start]
    right = text[end:end + width]
    squash = lambda s: " ".join(s.split())  # noqa: E731 - tiny local helper
    return (("…" if start > width else "") + squash(left) + (" " if left[-1:].isspace() else "")
            + f"[{text[start:end]}]" + (" " if right[:1].isspace() else "") + squash(right)
            + ("…" if end + width < len(text) else ""))


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

    >>> mapping = wb.care.load_pseudonyms("~/private/names.csv", texts=stories, project_path=p.path)
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

    >>> c = wb.find_identifiers(Path("interviews/"))
    >>> wb.care.write_pseudonym_template(c[c.kind != "date"], "~/private/names.csv")
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
