"""Question banks for the contest: the question model, and loading and writing bank files."""

from questions.bank import (
    MAX_FILE_BYTES,
    MAX_QUESTIONS,
    Bank,
    BankError,
    load_bank,
    load_bank_bytes,
    template_bytes,
    write_bank,
    write_bank_bytes,
    write_template,
)
from questions.model import LETTERS, Question, QuestionError, validate_question

__all__ = [
    "LETTERS",
    "MAX_FILE_BYTES",
    "MAX_QUESTIONS",
    "Bank",
    "BankError",
    "Question",
    "QuestionError",
    "load_bank",
    "load_bank_bytes",
    "template_bytes",
    "validate_question",
    "write_bank",
    "write_bank_bytes",
    "write_template",
]
