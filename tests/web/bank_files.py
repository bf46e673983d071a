"""Question bank files for the web tests."""

from __future__ import annotations

HEADER = "Câu hỏi,Đáp án A,Đáp án B,Đáp án C,Đáp án D,Đáp án đúng,Nguồn,Chủ đề\n"


def bank_csv(rows: int, *, broken: tuple[int, ...] = ()) -> bytes:
    """A CSV bank of `rows` questions; the rows in `broken` name no right answer."""
    lines = [HEADER]
    for i in range(1, rows + 1):
        right = "" if i in broken else "B"
        lines.append(
            f"Câu hỏi số {i} về chuyển đổi số?,Một {i},Hai {i},Ba {i},Bốn {i},{right},KH,\n"
        )
    return "".join(lines).encode("utf-8")
