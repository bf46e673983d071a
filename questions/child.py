"""The child process of questions.isolated: `python -m questions.child NAME MEMORY CPU`,
NAME being the file's name as a JSON string.

It limits itself (address space to MEMORY bytes, CPU time to CPU seconds) before reading a
byte of the file from its stdin, loads it as a bank, and writes the bank or the problems
found as JSON on its stdout. It imports as little as it can: it starts once per upload.
"""

from __future__ import annotations

import json
import os
import resource
import sys
from typing import Any

from questions.bank import BankError, load_bank_bytes

# The exit code when it ran out of memory (a MemoryError it could still catch).
OUT_OF_MEMORY = 3


def main(filename: str, memory_bytes: int, cpu_seconds: int) -> None:
    """Load the bank on stdin under the limits; its JSON on stdout."""
    # Address space, and CPU time (SIGXCPU at the limit, SIGKILL a second later).
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))
    data = sys.stdin.buffer.read()
    try:
        try:
            # Pictures are read and checked by the parent, which has them; not here.
            bank = load_bank_bytes(data, filename, images=lambda name: None, with_pictures=False)
        except BankError as exc:
            answer: dict[str, Any] = {"problems": exc.problems, "more": exc.more}
        else:
            answer = {
                "bank": {
                    "name": bank.name,
                    "title": bank.title,
                    "questions": [
                        {
                            "text": q.text,
                            "options": list(q.options),
                            "correct": q.correct,
                            "source": q.source,
                            "topic": q.topic,
                            "explanation": q.explanation,
                            "image": q.image,
                        }
                        for q in bank.questions
                    ],
                }
            }
        sys.stdout.buffer.write(json.dumps(answer).encode("ascii"))
        sys.stdout.flush()
    except MemoryError:
        os._exit(OUT_OF_MEMORY)


if __name__ == "__main__":
    main(str(json.loads(sys.argv[1])), int(sys.argv[2]), int(sys.argv[3]))
