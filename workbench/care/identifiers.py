"""Find identifiers in stories for a person to review: names, emails, phone numbers, dates, addresses.

Nothing here changes a story; :func:`find_identifiers` only lists candidates.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from pathlib import Path
from typing import Any, Iterable, Mapping, Protocol

import pandas as pd

from .._text import canonical_text
from ..errors import WorkbenchError

__all__ = ["IDENTIFIER_COLUMNS", "find_identifiers"]

IDENTIFIER_COLUMNS = ["narrative_id", "field", "kind", "text", "start", "end", "context", "count"]


class NarrativeSource(Protocol):
    """Anything holding stories the way a project does: a ``narratives`` table and ``text(id)``.

    ``care`` sits below the project layer, so it names what it needs instead of importing ``Project``.
    """

    @property
    def narratives(self) -> pd.DataFrame: ...  # pragma: no cover

    def text(self, narrative_id: str) -> str: ...  # pragma: no cover


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


def find_identifiers(texts_or_project: NarrativeSource | Mapping[Any, str] | Iterable[str] | str | os.PathLike,
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

    >>> found = wb.find_identifiers({"s1": "I met Maria Lopez at St Mary's Hospital on 3 May 2021."})
    >>> found[["kind", "text", "start", "end"]]
               kind                text  start  end
    0          name         Maria Lopez      6   17
    1  organisation  St Mary's Hospital     21   39
    2          date          3 May 2021     43   53
    >>> c = wb.find_identifiers(p)
    >>> len(c) > 0
    True
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
    if _holds_narratives(source):
        fields = []
        frame = source.narratives
        for row in frame.to_dict("records"):
            fields.append((row["id"], "text", source.text(row["id"])))
            fields += [(row["id"], column, _cell_text(row[column])) for column in frame.columns
                       if column not in ("id", "consent")]
        path = getattr(source, "path", None)
        return [f for f in fields if f[2]], None if path is None else str(path)
    if isinstance(source, str) and "\n" not in source and len(source) < 4096 and _is_path(source):
        source = Path(source)
    if isinstance(source, os.PathLike):
        from ..importers import read_sources

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


def _holds_narratives(source: Any) -> bool:
    """A project, or anything shaped like one (a table of narratives and a way to read each text)."""
    return not isinstance(source, (str, os.PathLike, Mapping, list, tuple, pd.Series)) and \
        hasattr(source, "narratives") and callable(getattr(source, "text", None))


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

