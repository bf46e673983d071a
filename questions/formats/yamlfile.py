"""YAML banks: a mapping with the bank's name, title and a list of questions.

    bank: chuyen-doi-so-2023
    title: "Ngân hàng câu hỏi ..."
    questions:
      - text: "..."
        options: ["...", "...", "...", "..."]
        answer: B
        source: "..."
        topic: "..."

Every scalar is read as the text typed, so `2025`, `yes` or `03/6/2020` stay exactly
that. `answer` takes a letter, a number (1–6) or an option's text. Unknown keys are
errors, because a misspelt key would otherwise silently lose a value.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import yaml

from questions.formats.common import Entry, Parsed, Problem, build_entry, clean_text, decode_text
from questions.model import Question, QuestionError

TOP_KEYS = ("bank", "title", "questions")
QUESTION_KEYS = ("text", "options", "answer", "source", "topic")
_ENCODING_HINT = "hãy lưu lại với bảng mã UTF-8"
# The libyaml versions are several times faster; PyYAML may be built without them.
_Loader: Any = getattr(yaml, "CBaseLoader", yaml.BaseLoader)
_BaseDumper: Any = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def _unknown_keys(mapping: dict[str, Any], allowed: Sequence[str]) -> list[str]:
    return [
        f"khoá lạ '{key}' (chỉ dùng: {', '.join(allowed)})" for key in mapping if key not in allowed
    ]


def _scalar(value: Any, key: str, problems: list[str]) -> str:
    # The base loader yields str for every scalar and "" for an empty value.
    if value is None or isinstance(value, str):
        return clean_text(value or "")
    problems.append(f"'{key}' phải là một đoạn văn bản, không phải danh sách hay nhóm khoá")
    return ""


def _question(ref: str, item: Any) -> Entry | Problem:
    if not isinstance(item, dict):
        return (ref, "mỗi câu hỏi phải là một nhóm khoá text, options, answer")
    problems = _unknown_keys(item, QUESTION_KEYS)
    raw_options = item.get("options", [])
    options: list[str] = []
    if isinstance(raw_options, list):
        options = [_scalar(o, "options", problems) for o in raw_options]
    else:
        problems.append("'options' phải là danh sách các phương án, mỗi phương án một dòng '- …'")
    entry = build_entry(
        ref,
        text=_scalar(item.get("text"), "text", problems),
        options=options,
        answer=_scalar(item.get("answer"), "answer", problems),
        source=_scalar(item.get("source"), "source", problems),
        topic=_scalar(item.get("topic"), "topic", problems),
    )
    entry.problems[:0] = [(ref, p) for p in problems]
    return entry


def read_yaml(data: bytes) -> Parsed:
    """Questions, name and title from a YAML bank file."""
    try:
        text = decode_text(data, _ENCODING_HINT)
        # BaseLoader builds only str, list and dict (safe), keeping every scalar as typed.
        document = yaml.load(text, Loader=_Loader)
    except QuestionError as exc:
        return Parsed(problems=[(exc.where, exc.problem)])
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"dòng {mark.line + 1}" if mark is not None else ""
        return Parsed(
            problems=[(where, "lỗi cú pháp YAML (kiểm tra thụt lề, dấu hai chấm, dấu ngoặc kép)")]
        )
    except yaml.YAMLError:
        return Parsed(problems=[("", "lỗi cú pháp YAML")])
    parsed = Parsed()
    if document is None or document == "":
        return parsed
    if not isinstance(document, dict):
        parsed.problems.append(("", "tệp YAML phải có các khoá bank, title và questions"))
        return parsed
    file_problems = _unknown_keys(document, TOP_KEYS)
    parsed.name = _scalar(document.get("bank"), "bank", file_problems)
    parsed.title = _scalar(document.get("title"), "title", file_problems)
    items = document.get("questions")
    if not isinstance(items, list):
        file_problems.append("thiếu khoá 'questions' chứa danh sách câu hỏi")
        items = []
    parsed.problems.extend(("", p) for p in file_problems)
    for number, item in enumerate(items, start=1):
        if parsed.past_limit():
            continue
        result = _question(f"câu {number}", item)
        if isinstance(result, Entry):
            parsed.entries.append(result)
        else:
            parsed.problems.append(result)
    return parsed


class _Dumper(_BaseDumper):  # type: ignore[misc]
    """Writes multi-line text as readable literal blocks instead of escaped strings."""


def _represent_text(dumper: Any, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    node: yaml.ScalarNode = dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)
    return node


_Dumper.add_representer(str, _represent_text)


def dump_yaml(questions: Sequence[Question], name: str, title: str) -> bytes:
    """A YAML bank file holding the name, title and questions."""
    items: list[dict[str, Any]] = []
    for q in questions:
        item: dict[str, Any] = {
            "text": q.text,
            "options": list(q.options),
            "answer": q.correct_letter,
        }
        if q.source:
            item["source"] = q.source
        if q.topic:
            item["topic"] = q.topic
        items.append(item)
    document = {"bank": name, "title": title, "questions": items}
    text = yaml.dump(document, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100_000)
    return text.encode("utf-8")
