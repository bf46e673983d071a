"""Text helpers every channel needs."""

from __future__ import annotations


def split_text(text: str, limit: int) -> list[str]:
    """Pieces of 1-`limit` characters, cut at line ends (at a space, or anywhere, if a single
    line is longer); blank pieces are dropped, since platforms refuse empty texts.

    Cutting at line ends keeps the catalogue's markup balanced: no tag spans a line.
    """
    pieces: list[str] = []
    current = ""
    for line in text.split("\n"):
        while len(line) > limit:
            cut = line.rfind(" ", 0, limit + 1)
            cut = cut if cut > 0 else limit
            if current:
                pieces.append(current)
                current = ""
            pieces.append(line[:cut])
            line = line[cut:].lstrip(" ")
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit:
            pieces.append(current)
            current = line
        else:
            current = candidate
    pieces.append(current)
    return [p.strip("\n") for p in pieces if p.strip()]
