"""What a sync moved: events counted per person and kind, and the sentences people read.

Counting reads ``git diff`` of the event logs: each added line of ``events/<kind>/<coder>.jsonl``
is one event of that coder (the file says who, as everywhere in the workbench).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import unquote

from ._git import Git

#: What one added line of each log is called in a sentence (singular, plural).
_WORDS = {"coded": ("new coding", "new codings"), "codings": ("change to codings", "changes to codings"),
          "memos": ("memo", "memos"), "codebook": ("codebook change", "codebook changes"),
          "themes": ("theme change", "theme changes"), "coders": ("note on coders", "notes on coders"),
          "narrators": ("narrator's answer or consent note", "narrators' answers or consent notes"),
          "withdrawals": ("withdrawal", "withdrawals")}


def count_events(diff: bytes) -> dict[str, Counter]:
    """``{coder: Counter(kind)}`` of the lines a ``git diff -U0`` of ``events/`` adds.

    >>> count_events(b'+++ b/events/codings/ben.jsonl\\n+{"event":"coded","id":"x"}\\n+{"event":"noted"}\\n')
    {'ben': Counter({'coded': 1, 'codings': 1})}
    """
    counts: dict[str, Counter] = {}
    starts, at = ([0] if diff.startswith(b"+++ b/") else []), diff.find(b"\n+++ b/")
    while at >= 0:  # where each file's part of the diff begins
        starts.append(at + 1)
        at = diff.find(b"\n+++ b/", at + 1)
    for begin, end in zip(starts, [*starts[1:], len(diff)]):  # one file's part of the diff: counted in C
        newline = diff.find(b"\n", begin)
        newline = end if newline < 0 or newline > end else newline
        parts = diff[begin + 6:newline].decode("utf-8", "replace").split("/")
        if len(parts) == 3 and parts[0] == "events" and parts[2].endswith(".jsonl"):
            kind, coder = parts[1], unquote(parts[2][: -len(".jsonl")])
        elif parts == ["events", "withdrawals.jsonl"]:
            kind, coder = "withdrawals", "someone"
        else:
            continue
        added = diff.count(b"\n+", newline, end) - diff.count(b"\n+\n", newline, end)
        coded = diff.count(b'\n+{"event":"coded"', newline, end) if kind == "codings" else 0
        counts.setdefault(coder, Counter()).update(+Counter({"coded": coded, kind: added - coded}))
    return counts


def events_between(git: Git, old: str | None, new: str | None = None, cached: bool = False) -> dict[str, Counter]:
    """The events added from commit *old* to *new* (or to the index with *cached*) per coder.

    >>> _ = wb.sync.share(p, "shared.git", coder="ana", progress=False)
    >>> events_between(Git(p.path), "HEAD", "HEAD")
    {}
    """
    args = ["diff", "-U0", "--no-color", "--no-renames", "--no-ext-diff"]
    if cached:
        args.append("--cached")
    args += [a for a in (old, new) if a]
    return count_events(git.raw(*args, "--", "events", what="compare the event logs"))


def phrase(counts: dict[str, Counter]) -> str:
    """The events in *counts* as people say it.

    >>> phrase({"ben": Counter(coded=3), "chipo": Counter(codebook=1)})
    '3 new codings from ben, 1 codebook change from chipo'
    >>> phrase({"ana": Counter(themes=2), "narrator:R01": Counter(narrators=1)})
    "2 theme changes from ana, 1 narrator's answer or consent note from narrator:R01"
    """
    parts = []
    for coder in sorted(counts):
        for kind in _WORDS:
            n = counts[coder].get(kind, 0)
            if n:
                parts.append(f"{n:,} {_WORDS[kind][n != 1]} from {coder}" if coder != "someone"
                             else f"{n:,} {_WORDS[kind][n != 1]}")
    return ", ".join(parts)


@dataclass
class SyncStatus:
    """Where a project stands against its remote: commits ahead and behind, and files not yet committed.

    >>> print(SyncStatus(remote="origin", branch="main", ahead=1, behind=2, unsynced=["events/codings/ana.jsonl"]))
    origin/main: 2 commits to take in, 1 to send; not yet committed: events/codings/ana.jsonl.
    """

    remote: str
    branch: str
    ahead: int = 0
    behind: int = 0
    unsynced: list[str] = field(default_factory=list)
    published: bool = True

    @property
    def in_sync(self) -> bool:
        """True when there is nothing to take in, send or commit."""
        return self.published and not (self.ahead or self.behind or self.unsynced)

    def __str__(self) -> str:
        if not self.published:
            return f"{self.remote}: nothing there yet; `workbench sync` sends this project."
        if self.in_sync:
            return f"{self.remote}/{self.branch}: in sync."
        parts = []
        if self.behind:
            parts.append(f"{self.behind} commit{'s' * (self.behind != 1)} to take in")
        if self.ahead:
            parts.append(f"{self.ahead} to send")
        text = f"{self.remote}/{self.branch}: " + ", ".join(parts)
        if self.unsynced:
            shown = ", ".join(self.unsynced[:5]) + (", ..." if len(self.unsynced) > 5 else "")
            text += ("; " if parts else "") + f"not yet committed: {shown}"
        return text + "."


@dataclass
class SyncResult:
    """What a sync did: a sentence for people (``str(result)``) and the figures behind it."""

    sentence: str
    sent: dict[str, Counter] = field(default_factory=dict)
    received: dict[str, Counter] = field(default_factory=dict)
    pushed: bool = False
    purged: int = 0
    rebuilt_own_commits: bool = False
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def __str__(self) -> str:
        return " ".join([self.sentence, *self.notes])

    def _repr_markdown_(self) -> str:
        return str(self)


def sentence(received: dict[str, Counter], sent: dict[str, Counter], pushed: bool, purged: int) -> str:
    """The one sentence a sync ends with.

    >>> sentence({"ben": Counter(coded=3)}, {"ana": Counter(coded=2)}, True, 0)
    '3 new codings from ben; yours are on the remote (2 new codings from ana).'
    """
    incoming = phrase(received) or "nothing new from the others"
    text = incoming[0].upper() + incoming[1:]
    mine = phrase(sent)
    if pushed:
        text += f"; yours are on the remote ({mine})." if mine else "; the remote has all of yours."
    else:
        text += f"; yours are committed here, not sent ({mine})." if mine else "."
    if purged:
        text += f" {purged} stor{'ies were' if purged != 1 else 'y was'} withdrawn elsewhere and purged here."
    return text
