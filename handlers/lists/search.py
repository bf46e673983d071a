"""Type to search: what a participant types, matched to the entries of a list.

Typed text and names are compared folded: lower case, without diacritics (đ as d), with
punctuation as spaces. An entry matches when every typed word is part of its name or of its
parent's ("gia hoa", "hoa gia vien", "THCS Ninh"); the best come first:

0. the name itself, with or without the kind of place ("hoa lu" for "Phường Hoa Lư"), or the
   whole label ("xa gia hoa, huyen gia vien");
1. the start of the name, without the kind of place ("hoa" for "Phường Hoa Lư");
2. the start of a word of the name ("lu" for "Phường Hoa Lư");
3. anywhere in the name;
4. words found apart, in the name or the parent's name;

then in the list's own order. Only an entry of rank 0 that no other shares is taken without
asking; anything else is offered for the participant to pick.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from questions.formats.common import fold

# The kinds of place a name may start with: typed without them, the name still matches fully.
KINDS = (
    "thanh pho",
    "thi xa",
    "thi tran",
    "dac khu",
    "huyen",
    "quan",
    "phuong",
    "xa",
    "tinh",
)


def bare(folded: str) -> str:
    """A folded name without the kind of place it starts with: "phuong hoa lu" -> "hoa lu"."""
    for kind in KINDS:
        if folded.startswith(kind + " ") and len(folded) > len(kind) + 1:
            return folded[len(kind) + 1 :]
    return folded


@dataclass(frozen=True, slots=True)
class Keys:
    """An entry folded for matching."""

    name: str
    bare: str
    label: str

    @classmethod
    def of(cls, name: str, parent: str) -> Keys:
        """The keys of an entry with this name and parent ("" for none)."""
        folded, up = fold(name), fold(parent)
        return cls(folded, bare(folded), f"{folded} {up}".strip())


@dataclass(frozen=True, slots=True)
class Found:
    """What a search found: the positions of the best matches (at most the limit asked),
    how many matched in all, and the one entry the text names exactly, if there is one."""

    positions: list[int]
    total: int
    exact: int | None = None


def rank(keys: Keys, query: str, words: Sequence[str]) -> int | None:
    """How well an entry matches the folded query (0 best), or None when it does not."""
    if query in (keys.name, keys.bare, keys.label):
        return 0
    if keys.bare.startswith(query):
        return 1
    if f" {query}" in f" {keys.name}":
        return 2
    if query in keys.name:
        return 3
    if all(w in keys.label for w in words):
        return 4
    return None


def search(keys: Sequence[Keys], text: str, limit: int) -> Found:
    """The entries a typed text may mean, best first."""
    query = fold(text)
    if not query:
        return Found([], 0)
    words = query.split()
    ranked = []
    for position, k in enumerate(keys):
        r = rank(k, query, words)
        if r is not None:
            ranked.append((r, position))
    ranked.sort()
    exact = [p for r, p in ranked if r == 0]
    return Found([p for _, p in ranked[:limit]], len(ranked), exact[0] if len(exact) == 1 else None)
