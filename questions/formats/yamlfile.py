"""YAML banks: a mapping with the bank's name, title and a list of questions.

    bank: chuyen-doi-so-2023
    title: "Ngân hàng câu hỏi ..."
    questions:
      - text: "..."
        options: ["...", "...", "...", "..."]
        answer: B
        source: "..."
        topic: "..."
        explanation: "..."
        image: images/cau-1.png

Every scalar is read as the text typed, so `2025`, `yes` or `03/6/2020` stay exactly
that. `answer` takes a letter, a number (1–6) or an option's text. Unknown keys are
errors, because a misspelt key would otherwise silently lose a value. Tags are ignored.

Anchors and aliases (`&x`, `*x`) are refused: a small file can repeat one list through them
into millions of values. The document is built from the parser's events, so they are
refused as they come, before anything they name is built; so is nesting deeper than a bank
needs.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import yaml

from questions.formats.common import (
    MAX_QUESTIONS,
    Entry,
    Parsed,
    Problem,
    build_entry,
    clean_text,
    decode_text,
)
from questions.images import image_name
from questions.model import MAX_OPTIONS, Question, QuestionError

TOP_KEYS = ("bank", "title", "questions")
# A bank nests four deep (file, questions, question, options); more is not a bank.
MAX_DEPTH = 8
QUESTION_KEYS = ("text", "options", "answer", "source", "topic", "explanation", "image")
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
        # One past the limit is enough to say there are too many.
        options = [_scalar(o, "options", problems) for o in raw_options[: MAX_OPTIONS + 1]]
    else:
        raw_options = []
        problems.append("'options' phải là danh sách các phương án, mỗi phương án một dòng '- …'")
    entry = build_entry(
        ref,
        text=_scalar(item.get("text"), "text", problems),
        options=options,
        option_count=len(raw_options),
        answer=_scalar(item.get("answer"), "answer", problems),
        source=_scalar(item.get("source"), "source", problems),
        topic=_scalar(item.get("topic"), "topic", problems),
        explanation=_scalar(item.get("explanation"), "explanation", problems),
        image=image_name(_scalar(item.get("image"), "image", problems)),
    )
    entry.problems[:0] = [(ref, p) for p in problems]
    return entry


def read_yaml(data: bytes) -> Parsed:
    """Questions, name and title from a YAML bank file."""
    try:
        text = decode_text(data, _ENCODING_HINT)
        document = _document(text)
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
    # Past the limit, items are only counted, whatever they are.
    for number, item in enumerate(items[:MAX_QUESTIONS], start=1):
        result = _question(f"câu {number}", item)
        if isinstance(result, Entry):
            parsed.entries.append(result)
        else:
            parsed.problems.append(result)
    parsed.extra = len(items) - len(parsed.entries)
    return parsed


def _line_of(event: Any) -> str:
    mark = getattr(event, "start_mark", None)
    return f"dòng {mark.line + 1}" if mark is not None else ""


def _document(text: str) -> Any:
    """The file's one document as str, list and dict, built from the parser's events.

    Raises QuestionError at an anchor, an alias or nesting past MAX_DEPTH (before building
    anything more), yaml.YAMLError at a syntax error.
    """
    parser = _Loader(text)  # the C parser when PyYAML has it; only its events are used
    containers: list[Any] = []  # the lists and dicts being filled, innermost last
    keys: list[Any] = []  # per container: the mapping key waiting for its value (or None)
    document: Any = None
    documents = 0
    try:
        while parser.check_event():
            event = parser.get_event()
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                raise QuestionError(
                    "tệp YAML dùng neo hoặc bí danh (&… và *…) để lặp lại nội dung, điều này "
                    "không được hỗ trợ; hãy viết đầy đủ từng câu hỏi và phương án",
                    where=_line_of(event),
                )
            if isinstance(event, yaml.DocumentStartEvent):
                documents += 1
                if documents > 1:
                    raise QuestionError("tệp YAML chỉ được có một tài liệu (một dấu ---)")
                continue
            if isinstance(event, yaml.SequenceStartEvent | yaml.MappingStartEvent):
                if len(containers) >= MAX_DEPTH:
                    raise QuestionError(
                        "tệp YAML lồng nhau quá sâu, không phải một ngân hàng câu hỏi",
                        where=_line_of(event),
                    )
                containers.append([] if isinstance(event, yaml.SequenceStartEvent) else {})
                keys.append(None)
                continue
            if isinstance(event, yaml.ScalarEvent):
                value: Any = event.value
            elif isinstance(event, yaml.SequenceEndEvent | yaml.MappingEndEvent):
                value = containers.pop()
                keys.pop()
            else:  # the stream's start and end, a document's end
                continue
            if not containers:
                document = value
            elif isinstance(containers[-1], list):
                containers[-1].append(value)
            elif keys[-1] is None:
                if not isinstance(value, str):
                    raise QuestionError(
                        "tên khoá phải là chữ, không phải danh sách hay nhóm khoá",
                        where=_line_of(event),
                    )
                keys[-1] = value
            else:
                containers[-1][keys[-1]] = value
                keys[-1] = None
    finally:
        parser.dispose()
    return document


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
        if q.explanation:
            item["explanation"] = q.explanation
        if q.image:
            item["image"] = q.image
        items.append(item)
    document = {"bank": name, "title": title, "questions": items}
    text = yaml.dump(document, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100_000)
    return text.encode("utf-8")
